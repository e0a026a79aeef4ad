"""Declarative description of a staged file format: which file, which columns, how each cell parses.

A `FileFormat` is data; `loader.py` turns it into one SQL statement that types every cell, flags the
rows that cannot be loaded (with a quarantine reason) and writes the rest to `raw.<source>_<thing>`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

#: Cell kinds → SQL that parses the string cell `{x}` (an empty string is NULL before this runs).
KIND_SQL: dict[str, str] = {
    "str": "{x}",
    "int": "try_cast(try_cast({x} as double) as bigint)",
    "float": "try_cast({x} as double)",
    "thousands": "try_cast(replace({x}, ',', '') as bigint)",
    "minutes": (
        "case when regexp_full_match({x}, '[0-9]+:[0-5][0-9]') then "
        "cast(split_part({x}, ':', 1) as double) + cast(split_part({x}, ':', 2) as double) / 60.0 end"
    ),
    "game_id": "case when regexp_full_match({x}, '[0-9]{{1,10}}') then lpad({x}, 10, '0') end",
    "date_iso": "cast(try_strptime({x}, '%Y-%m-%d') as date)",
    "date_mdy": "cast(try_strptime({x}, '%m-%d-%Y') as date)",
    "ts_utc": "try_strptime({x}, '%Y-%m-%dT%H:%M:%SZ')",
    "bool_tf": "case upper({x}) when 'TRUE' then true when 'FALSE' then false end",
    "bool_01": "case {x} when '1' then true when '0' then false end",
    # SBR lines: `PK` (pick'em) is 0, `NL` (no line) is NULL, stray spaces/NBSP are dropped.
    "line": (
        "case when upper(trim({x})) = 'PK' then 0.0 when upper(trim({x})) = 'NL' then null "
        "else try_cast(regexp_replace({x}, '[\\s\u00a0]', '', 'g') as double) end"
    ),
}

#: Which quarantine reason a cell of each kind gets when it does not parse.
KIND_REASON: dict[str, str] = {
    "minutes": "unparseable_minutes",
    "date_iso": "bad_date",
    "date_mdy": "bad_date",
    "ts_utc": "bad_date",
    "game_id": "unparseable_number",
    "bool_tf": "unparseable_number",
    "bool_01": "unparseable_number",
}
#: Kinds whose cell may legitimately parse to NULL from a non-empty string (never quarantined for it).
NULLABLE_TOKENS: dict[str, str] = {"line": "upper(trim({x})) = 'NL'"}


@dataclass(frozen=True)
class Col:
    """One column of the raw table: `name` in the warehouse, `source` header in the file."""

    name: str
    source: str
    kind: str = "str"
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KIND_SQL:
            raise ValueError(f"unknown cell kind {self.kind!r} for {self.name}")


@dataclass(frozen=True)
class Check:
    """A row-level rule: rows where `bad_sql` is true are quarantined with `reason`."""

    reason: str
    bad_sql: str
    detail: str


@dataclass(frozen=True)
class FileFormat:
    """A staged file format and the raw table it loads into.

    `derived` columns are SQL over the parsed columns (e.g. a tricode from a bref code). `teams` are
    parsed columns that must hold a known team code; `team_names` must hold a known full team name.
    `key` rows that repeat with different content are all quarantined as `duplicate_key`; exact
    repeats of a whole line keep the first copy and quarantine the rest as `duplicate_row`.
    """

    name: str
    table: str
    patterns: tuple[str, ...]
    columns: tuple[Col, ...]
    derived: tuple[tuple[str, str], ...] = ()
    checks: tuple[Check, ...] = ()
    teams: tuple[str, ...] = ()
    team_names: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    exclude: tuple[str, ...] = field(default=())

    @property
    def signature(self) -> set[str]:
        """Header names that must all be present for a file to be recognised as this format."""
        return {c.source for c in self.columns if c.required}

    def named(self, file_name: str) -> bool:
        """The file name follows this format's documented pattern."""
        base = file_name.lower()
        if any(fnmatch.fnmatch(base, p) for p in self.exclude):
            return False
        return any(fnmatch.fnmatch(base, p) for p in self.patterns)

    def matches(self, file_name: str, header: list[str]) -> bool:
        return self.named(file_name) and self.signature <= set(header)


def box_checks(fgm: str, fga: str, fg3m: str, fg3a: str, ftm: str, fta: str, pts: str) -> tuple[Check, ...]:
    """Impossible box-score rows (SPEC §3.8): makes above attempts, or points ≠ 2·FGM + FG3M + FTM."""
    return (
        Check("impossible_value", f"{fgm} > {fga}", f"'{fgm} > {fga}'"),
        Check(
            "impossible_value",
            f"{fg3m} > {fg3a} or {fg3a} > {fga}",
            "'three-point makes/attempts inconsistent'",
        ),
        Check("impossible_value", f"{ftm} > {fta}", f"'{ftm} > {fta}'"),
        Check(
            "impossible_value",
            f"{pts} <> 2 * {fgm} + {fg3m} + {ftm}",
            f"'points ' || {pts} || ' <> 2*fgm + fg3m + ftm = ' || (2 * {fgm} + {fg3m} + {ftm})",
        ),
    )
