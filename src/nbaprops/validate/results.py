"""Check results as values, and the one-line format every gate and `validate` prints (SPEC §7.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    """One check of one table over a range: measured value against threshold, failing dates, fix."""

    table: str
    check: str
    passed: bool
    value: float | None
    threshold: float | None
    dates: tuple[date, ...] = field(default=())
    fix: str = ""
    unit: str = "%"
    note: str = ""

    def figure(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{self.value * 100:.1f}%" if self.unit == "%" else f"{self.value:g}"

    def limit(self) -> str:
        if self.threshold is None:
            return "n/a"
        return f"{self.threshold * 100:.1f}%" if self.unit == "%" else f"{self.threshold:g}"

    def lines(self, verbose: bool = False) -> list[str]:
        head = "PASS" if self.passed else "FAIL"
        text = f"{head} {self.table} {self.check} value={self.figure()} threshold={self.limit()}"
        if self.dates and not self.passed:
            shown = self.dates if verbose else self.dates[:10]
            more = "" if verbose or len(self.dates) <= 10 else f" (+{len(self.dates) - 10} more)"
            text += " dates=" + ",".join(d.isoformat() for d in shown) + more
        if self.note:
            text += f" ({self.note})"
        out = [text]
        if not self.passed and self.fix:
            out.append(f"     fix: {self.fix}")
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table, "check": self.check, "passed": self.passed, "value": self.value,
            "threshold": self.threshold, "dates": [d.isoformat() for d in self.dates[:10]],
            "date_count": len(self.dates), "fix": self.fix, "note": self.note,
        }


def backfill_fix(dates: tuple[date, ...], phase: str) -> str:
    if not dates:
        return f"nbaprops backfill --through {phase}"
    return f"nbaprops backfill --start {min(dates)} --end {max(dates)} --through {phase}"
