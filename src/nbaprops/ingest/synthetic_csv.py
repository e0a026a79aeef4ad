"""CSV output of the synthetic league: a column-wise writer and cell formats of the sources.

Cells are formatted exactly as the real staged files print them: bref percentages `.478`,
bref plus-minus `+5`, minutes `39:36`, NBA.com percentages `0.333`, team `PLUS_MINUS` `8.0`,
attendance `18,624`. Formatting goes through lookup tables so that millions of cells stay fast.
Files are UTF-8 with `\\n` line ends, quoted like Python's csv module (only when needed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import TracebackType

import numpy as np

from nbaprops.ingest.synthetic_teams import MONTHS, WEEKDAYS

Column = Sequence[str]
_INT_LO, _INT_HI = -400, 1200


@lru_cache(maxsize=1)
def _int_table() -> np.ndarray:
    return np.array([str(i) for i in range(_INT_LO, _INT_HI)], dtype=object)


def ints(values: np.ndarray) -> list[str]:
    """Integers as text."""
    v = np.asarray(values, dtype=np.int64)
    if v.size and _INT_LO <= v.min() and v.max() < _INT_HI:
        return list(_int_table()[v - _INT_LO])
    return [str(x) for x in v.tolist()]


def blank_unless(cells: list[str], keep: np.ndarray) -> list[str]:
    """Replace cells by "" where `keep` is False."""
    return [c if k else "" for c, k in zip(cells, keep.tolist(), strict=True)]


@lru_cache(maxsize=2)
def _pct_table(style: str) -> np.ndarray:
    size = 200
    table = np.full((size, size), "", dtype=object)
    for a in range(1, size):
        for m in range(a + 1):
            if style == "bref":
                text = f"{m / a:.3f}"
                table[m, a] = text[1:] if text.startswith("0") else text
            else:
                table[m, a] = repr(round(m / a, 3))
    return table


def pct(made: np.ndarray, att: np.ndarray, style: str) -> list[str]:
    """Shooting percentage: bref `.478` / `1.000`, NBA.com `0.478` / `1.0`; "" if no attempt."""
    m = np.asarray(made, dtype=np.int64)
    a = np.asarray(att, dtype=np.int64)
    if a.size and a.max() >= 200:
        raise ValueError("attempts out of table range")
    return list(_pct_table(style)[m, a])


def signed(values: np.ndarray) -> list[str]:
    """bref plus-minus: `+5`, `-3`, `0`."""
    return [f"+{x}" if x > 0 else str(x) for x in np.asarray(values).tolist()]


def mmss(secs: np.ndarray) -> list[str]:
    """Seconds as bref minutes `39:36`."""
    s = np.asarray(secs, dtype=np.int64)
    mins = _int_table()[s // 60 - _INT_LO]
    sec = np.array([f"{i:02d}" for i in range(60)], dtype=object)[s % 60]
    return list(mins + ":" + sec)


def thousands(values: np.ndarray) -> list[str]:
    """Attendance `18,624`."""
    return [f"{x:,}" for x in np.asarray(values).tolist()]


def one_decimal(values: np.ndarray) -> list[str]:
    """Published one-decimal values (`99.3`)."""
    return [f"{x:.1f}" for x in np.asarray(values, dtype=float).tolist()]


def three_decimal(values: np.ndarray) -> list[str]:
    """bref three-decimal rates without the leading zero (`.455`)."""
    out = []
    for x in np.asarray(values, dtype=float).tolist():
        text = f"{x:.3f}"
        out.append(text[1:] if text.startswith("0") else text)
    return out


class DayText:
    """Cached date strings of ordinal days in every format the sources use."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], str] = {}

    def __call__(self, days: np.ndarray, style: str) -> list[str]:
        out = []
        for d in np.asarray(days).tolist():
            key = (d, style)
            text = self._cache.get(key)
            if text is None:
                text = self._format(dt.date.fromordinal(d), style)
                self._cache[key] = text
            out.append(text)
        return out

    @staticmethod
    def _format(day: dt.date, style: str) -> str:
        month = MONTHS[day.month - 1]
        if style == "iso":
            return day.isoformat()
        if style == "bref_schedule":  # Tue, Oct 17, 2017
            return f"{WEEKDAYS[day.weekday()]}, {month[:3]} {day.day}, {day.year}"
        if style == "long":  # October 17, 2017
            return f"{month} {day.day}, {day.year}"
        if style == "mdy":  # 10-17-2017
            return day.strftime("%m-%d-%Y")
        if style == "compact":  # 20171017
            return day.strftime("%Y%m%d")
        if style == "month":  # october
            return month.lower()
        raise ValueError(style)


def _quote(cells: Column) -> list[str]:
    return [
        '"' + c.replace('"', '""') + '"' if ("," in c or '"' in c or "\n" in c) else c
        for c in cells
    ]


class CsvOut:
    """Append-only CSV file written column-wise; `quote` names columns that may need quoting."""

    def __init__(self, path: Path, header: Sequence[str], quote: Sequence[str] = ()) -> None:
        self.path = path
        self.header = list(header)
        self._quote = {self.header.index(name) for name in quote}
        self.rows = 0
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._fh.write(",".join(self.header) + "\n")

    def add(self, columns: dict[str, Column]) -> None:
        """Append rows given as {column name: cells}; every header column must be present."""
        cols = [columns[name] for name in self.header]
        n = len(cols[0])
        if any(len(c) != n for c in cols):
            raise ValueError(f"{self.path.name}: ragged columns")
        if n == 0:
            return
        cols = [_quote(c) if i in self._quote else c for i, c in enumerate(cols)]
        self._fh.write("\n".join(map(",".join, zip(*cols, strict=True))) + "\n")
        self.rows += n

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> CsvOut:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
