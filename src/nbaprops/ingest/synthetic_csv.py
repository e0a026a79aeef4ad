"""CSV output of the synthetic league: a vectorised column writer and the sources' cell formats.

Cells are formatted exactly as the real staged files print them: bref percentages `.478`,
bref plus-minus `+5`, minutes `39:36`, NBA.com percentages `0.333`, team `PLUS_MINUS` `8.0`,
attendance `18,624`. A column is a `Cat` (integer codes into a vocabulary of cell texts), so
rows are assembled with numpy byte operations instead of per-cell Python string work. Files are
UTF-8 with `\\n` line ends, quoted like Python's csv module (only cells that need it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType

import numpy as np

from nbaprops.ingest.synthetic_teams import MONTHS, WEEKDAYS


@dataclass(frozen=True)
class Cat:
    """A column as codes into a vocabulary of cell texts."""

    codes: np.ndarray
    vocab: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)


Cell = Cat | Sequence[str] | str  # a Cat, a list of cell texts, or one text for every row
CHUNK_ROWS = 100_000


def texts(values: Sequence[str]) -> Cat:
    """A column from a list of cell texts."""
    vocab = tuple(values)
    return Cat(np.arange(len(vocab)), vocab)


def unique(values: np.ndarray, fmt: str) -> Cat:
    """Format each distinct value once (`fmt` is a str.format spec, e.g. "{:.1f}")."""
    uniq, inverse = np.unique(np.asarray(values), return_inverse=True)
    return Cat(inverse.ravel(), tuple(fmt.format(v) for v in uniq.tolist()))


def mapped(values: np.ndarray, fn: Callable[[int], str]) -> Cat:
    """Apply `fn` once per distinct integer value."""
    uniq, inverse = np.unique(np.asarray(values), return_inverse=True)
    return Cat(inverse.ravel(), tuple(fn(v) for v in uniq.tolist()))


def relabel(col: Cat, fn: Callable[[str], str]) -> Cat:
    """Transform every vocabulary entry of a column."""
    return Cat(col.codes, tuple(fn(v) for v in col.vocab))


_INT_LO, _INT_HI = -400, 1200
INT_VOCAB = (*(str(i) for i in range(_INT_LO, _INT_HI)), "")
BLANK_INT = len(INT_VOCAB) - 1


def ints(values: np.ndarray) -> Cat:
    """Integers as text."""
    v = np.asarray(values, dtype=np.int64)
    if v.size and (v.min() < _INT_LO or v.max() >= _INT_HI):
        return unique(v, "{}")
    return Cat(v - _INT_LO, INT_VOCAB)


def blank_unless(col: Cat, keep: np.ndarray) -> Cat:
    """Replace cells by "" where `keep` is False."""
    if col.vocab and col.vocab[-1] == "":
        return Cat(np.where(keep, col.codes, len(col.vocab) - 1), col.vocab)
    return Cat(np.where(keep, col.codes, len(col.vocab)), (*col.vocab, ""))


_PCT_SIZE = 200


@lru_cache(maxsize=2)
def _pct_vocab(style: str) -> tuple[str, ...]:
    out = []
    for m in range(_PCT_SIZE):
        for a in range(_PCT_SIZE):
            if a == 0 or m > a:
                out.append("")
            elif style == "bref":
                text = f"{m / a:.3f}"
                out.append(text[1:] if text.startswith("0") else text)
            else:
                out.append(repr(round(m / a, 3)))
    return tuple(out)


def pct(made: np.ndarray, att: np.ndarray, style: str) -> Cat:
    """Shooting percentage: bref `.478` / `1.000`, NBA.com `0.478` / `1.0`; "" if no attempt."""
    m = np.asarray(made, dtype=np.int64)
    a = np.asarray(att, dtype=np.int64)
    if a.size and a.max() >= _PCT_SIZE:
        raise ValueError("attempts out of table range")
    return Cat(m * _PCT_SIZE + a, _pct_vocab(style))


SIGNED_VOCAB = tuple(f"+{i}" if i > 0 else str(i) for i in range(-300, 301))


def signed(values: np.ndarray) -> Cat:
    """bref plus-minus: `+5`, `-3`, `0`."""
    return Cat(np.clip(np.asarray(values, dtype=np.int64), -300, 300) + 300, SIGNED_VOCAB)


MMSS_VOCAB = tuple(f"{s // 60}:{s % 60:02d}" for s in range(4 * 3600))


def mmss(secs: np.ndarray) -> Cat:
    """Seconds as bref minutes `39:36`."""
    return Cat(np.asarray(secs, dtype=np.int64), MMSS_VOCAB)


def one_decimal(values: np.ndarray) -> Cat:
    """Values printed with one decimal (`99.3`, `8.0`, `-114.0`)."""
    tenths = np.rint(np.asarray(values, dtype=float) * 10).astype(np.int64)
    uniq, inverse = np.unique(tenths, return_inverse=True)
    vocab = tuple(f"{'-' if v < 0 else ''}{abs(v) // 10}.{abs(v) % 10}" for v in uniq.tolist())
    return Cat(inverse.ravel(), vocab)


def three_decimal(values: np.ndarray) -> Cat:
    """bref three-decimal rates without the leading zero (`.455`)."""
    thousandths = np.rint(np.asarray(values, dtype=float) * 1000).astype(np.int64)
    uniq, inverse = np.unique(thousandths, return_inverse=True)
    vocab = []
    for v in uniq.tolist():
        text = f"{v // 1000}.{v % 1000:03d}"
        vocab.append(text[1:] if text.startswith("0.") else text)
    return Cat(inverse.ravel(), tuple(vocab))


def thousands(values: np.ndarray) -> Cat:
    """Attendance `18,624`."""
    return unique(values, "{:,}")


class DayText:
    """Date columns of ordinal days in every format the sources use."""

    def __call__(self, days: np.ndarray, style: str) -> Cat:
        uniq, inverse = np.unique(np.asarray(days), return_inverse=True)
        vocab = tuple(self.one(d, style) for d in uniq.tolist())
        return Cat(inverse.ravel(), vocab)

    @staticmethod
    def one(ordinal: int, style: str) -> str:
        day = dt.date.fromordinal(ordinal)
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


def _quote(cell: str) -> str:
    if "," in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


@lru_cache(maxsize=256)
def _matrix(vocab: tuple[str, ...], quote: bool) -> np.ndarray:
    """Vocabulary as a NUL-padded (len, width) uint8 matrix."""
    enc = [(_quote(v) if quote else v).encode() for v in vocab]
    width = max((len(e) for e in enc), default=0)
    if width == 0:
        return np.zeros((max(len(enc), 1), 0), dtype=np.uint8)
    buf = b"".join(e.ljust(width, b"\0") for e in enc)
    return np.frombuffer(buf, dtype=np.uint8).reshape(len(enc), width)


class CsvOut:
    """Append-only CSV file written column-wise; `quote` names columns that may need quoting."""

    def __init__(self, path: Path, header: Sequence[str], quote: Sequence[str] = ()) -> None:
        self.path = path
        self.header = list(header)
        self._quote = set(quote)
        self.rows = 0
        self._fh = path.open("wb")
        self._fh.write((",".join(self.header) + "\n").encode())

    def add(self, columns: dict[str, Cell]) -> None:
        """Append rows given as {column name: cells}; every header column must be present."""
        n = next((len(c) for c in columns.values() if not isinstance(c, str)), None)
        if n is None:
            raise ValueError(f"{self.path.name}: no column gives the row count")
        if n == 0:
            return
        cats: list[tuple[np.ndarray, np.ndarray]] = []
        for name in self.header:
            col = columns[name]
            if isinstance(col, str):
                col = Cat(np.zeros(n, dtype=np.int64), (col,))
            elif not isinstance(col, Cat):
                col = texts(col)
            if len(col) != n:
                raise ValueError(f"{self.path.name}: column {name} has {len(col)} rows, not {n}")
            cats.append((_matrix(col.vocab, name in self._quote), np.asarray(col.codes)))
        widths = [mat.shape[1] + 1 for mat, _ in cats]
        total = sum(widths)
        for lo in range(0, n, CHUNK_ROWS):
            hi = min(lo + CHUNK_ROWS, n)
            block = np.empty((hi - lo, total), dtype=np.uint8)
            pos = 0
            for i, (mat, codes) in enumerate(cats):
                w = widths[i] - 1
                if w:
                    block[:, pos : pos + w] = np.take(mat, codes[lo:hi], axis=0)
                block[:, pos + w] = ord("\n") if i == len(cats) - 1 else ord(",")
                pos += w + 1
            self._fh.write(block.tobytes().translate(None, b"\0"))  # drop the padding
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
