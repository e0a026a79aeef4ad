"""Check results as values, and the one-line format every gate and `validate` prints (SPEC §7.3).

A `CheckResult` is one check of one table over a range: the measured value against its threshold, the
failing dates (or, for checks that are not about dates, the failing items such as staged files), the
command that fixes it and a short note. `Report` is a phase's (or readiness's) list of results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: How many failing dates (or items) a line shows before "(+n more)"; `--verbose` shows them all.
SHOWN = 10


@dataclass(frozen=True)
class CheckResult:
    """One check of one table over a range: measured value against threshold, failing dates, fix.

    `direction` says which side of the threshold passes: "min" (value ≥ threshold, e.g. coverage) or
    "max" (value ≤ threshold, e.g. a quarantine share or a duplicate count). `unit` is "%" (a share,
    printed as a percentage) or "count". `warn` marks a passing check that sits in a warning band.
    """

    table: str
    check: str
    passed: bool
    value: float | None
    threshold: float | None
    dates: tuple[date, ...] = field(default=())
    fix: str = ""
    unit: str = "%"
    note: str = ""
    items: tuple[str, ...] = field(default=())
    items_label: str = "items"
    direction: str = "min"
    warn: bool = False

    def _fmt(self, v: float | None) -> str:
        """A share is printed rounded toward the failing side (down for "min" checks, up for "max"),
        so a failing 99.98% never reads as 100.0%; small shares get three decimals."""
        if v is None:
            return "n/a"
        if self.unit == "%":
            digits = 1 if abs(v) >= 0.001 or v == 0 else 3
            scale = 10**digits
            pct = v * 100 * scale
            pct = math.ceil(pct - 1e-9) if self.direction == "max" else math.floor(pct + 1e-9)
            return f"{pct / scale:.{digits}f}%"
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"

    def figure(self) -> str:
        return self._fmt(self.value)

    def limit(self) -> str:
        text = self._fmt(self.threshold)
        return f"<={text}" if self.direction == "max" and self.threshold is not None else text

    def lines(self, verbose: bool = False) -> list[str]:
        head = "PASS" if self.passed else "FAIL"
        text = f"{head} {self.table} {self.check} value={self.figure()} threshold={self.limit()}"
        show_dates = self.dates and (not self.passed or verbose)
        if show_dates:
            text += " dates=" + _shown([d.isoformat() for d in self.dates], verbose)
        if self.items and (not self.passed or verbose):
            text += f" {self.items_label}=" + _shown(list(self.items), verbose)
        if self.warn:
            text += " WARN"
        if self.note:
            text += f" ({self.note})"
        out = [text]
        if not self.passed and self.fix:
            out.append(f"     fix: {self.fix}")
        return out

    def as_json(self, verbose: bool = False) -> dict[str, Any]:
        keep = None if verbose else SHOWN
        return {
            "table": self.table,
            "check": self.check,
            "passed": self.passed,
            "warn": self.warn,
            "value": self.value,
            "threshold": self.threshold,
            "direction": self.direction,
            "unit": self.unit,
            "dates": [d.isoformat() for d in self.dates[:keep]],
            "date_count": len(self.dates),
            "items": list(self.items[:keep]),
            "item_count": len(self.items),
            "fix": self.fix,
            "note": self.note,
        }


def _shown(values: list[str], verbose: bool) -> str:
    if verbose or len(values) <= SHOWN:
        return ",".join(values)
    return ",".join(values[:SHOWN]) + f" (+{len(values) - SHOWN} more)"


@dataclass
class Report:
    """The results of one `validate` phase or of `readiness`, with the range and notes."""

    scope: str
    start: date | None
    end: date | None
    results: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ready(self) -> bool:
        return not self.failures

    def result_line(self) -> str:
        n = len(self.failures)
        return "RESULT READY" if not n else f"RESULT NOT_READY ({n} checks failed)"

    def lines(self, verbose: bool = False) -> list[str]:
        out = [f"NOTE {n}" for n in self.notes]
        for r in self.results:
            out.extend(r.lines(verbose))
        out.append(self.result_line())
        return out

    def as_json(self, verbose: bool = False) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "ready": self.ready,
            "checks_failed": len(self.failures),
            "checks": [r.as_json(verbose) for r in self.results],
            "notes": self.notes,
            "context": self.context,
        }


def backfill_fix(dates: tuple[date, ...], phase: str) -> str:
    if not dates:
        return f"nbaprops backfill --through {phase}"
    return f"nbaprops backfill --start {min(dates)} --end {max(dates)} --through {phase}"
