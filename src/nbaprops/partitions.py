"""Expected partitions, derived only from the schedule (SPEC §7.1), never from what exists.

Grain: one date per (table, range). `final` = dates of completed games; `scheduled` = every game date;
`*_post_bootstrap` drops each season's first BOOTSTRAP_DAYS days; `shots_*` keeps shot-chart seasons.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from nbaprops.config import BOOTSTRAP_DAYS
from nbaprops.errors import UsageError
from nbaprops.warehouse import Warehouse

SEASON_PHASES = ("regular", "play_in", "playoffs", "cup_final")


@dataclass(frozen=True)
class DateRange:
    """An inclusive date range with the season phases that count as expected."""

    start: date
    end: date
    season_phases: tuple[str, ...] = SEASON_PHASES

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise UsageError(f"--start {self.start} is after --end {self.end}")
        unknown = set(self.season_phases) - set(SEASON_PHASES)
        if unknown:
            raise UsageError(f"unknown season phase(s) {sorted(unknown)}; use {', '.join(SEASON_PHASES)}")


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def install_settings(wh: Warehouse) -> None:
    """`meta.settings`: constants the SQL models read (one source of truth: nbaprops.config); left
    as it is when it already says so."""
    rows = [("bootstrap_days", str(BOOTSTRAP_DAYS))]
    if wh.table_type("meta.settings") == "VIEW" and wh.rows("select name, value from meta.settings") == rows:
        return
    select = " union all ".join(f"select '{name}' as name, '{value}' as value" for name, value in rows)
    wh.execute(f"create or replace view meta.settings as {select}")


KIND_FILTERS = {
    "final": "g.game_status = 'final'",
    "scheduled": "true",
    "final_post_bootstrap": "g.game_status = 'final' and not g.is_bootstrap",
    "scheduled_post_bootstrap": "not g.is_bootstrap",
    "shots_post_bootstrap": (
        "g.game_status = 'final' and not g.is_bootstrap and g.season_year in "
        "(select distinct season_1 - 1 from raw.nbacom_shots)"
    ),
}


def schedule_days_sql() -> str:
    """Per game: date, season, phase, status and whether the date is a bootstrap date."""
    return f"""
        select g.game_id, g.game_date, g.season_year, g.season_phase, g.game_status,
               g.home_team_abbr, g.away_team_abbr,
               (g.game_date - c.season_start) between 0 and {BOOTSTRAP_DAYS - 1} as is_bootstrap
        from raw.schedule_games g
        join raw.season_calendar c on c.season_year = g.season_year
    """


def schedule_days_by_kind(wh: Warehouse) -> dict[str, list[tuple[date, str]]]:
    """Per table kind: the (game date, season phase) pairs that expect a partition, in date order.

    Read once per state of the raw tables (`Warehouse.memo`): the planner and every gate ask for it.
    """

    def read() -> dict[str, list[tuple[date, str]]]:
        kinds = list(KIND_FILTERS)
        if not wh.table_exists("raw.nbacom_shots"):  # no shot-chart source: no shot seasons
            kinds.remove("shots_post_bootstrap")
        flags = ", ".join(f"bool_or({KIND_FILTERS[k]})" for k in kinds)
        rows = wh.rows(
            f"select g.game_date, g.season_phase, {flags} from ({schedule_days_sql()}) g "
            "group by 1, 2 order by 1, 2"
        )
        by_kind: dict[str, list[tuple[date, str]]] = {k: [] for k in KIND_FILTERS}
        for r in rows:
            for kind, on in zip(kinds, r[2:], strict=True):
                if on:
                    by_kind[kind].append((r[0], r[1]))
        return by_kind

    return wh.memo("schedule_days_by_kind", read)


def expected_dates(wh: Warehouse, kind: str, rng: DateRange) -> list[date]:
    """The expected partition dates of a table kind over a range."""
    days = schedule_days_by_kind(wh)[kind]  # KeyError for an unknown kind
    lo = bisect.bisect_left(days, (rng.start, ""))
    hi = bisect.bisect_right(days, (rng.end, "\uffff"))
    phases = set(rng.season_phases)
    return sorted({d for d, phase in days[lo:hi] if phase in phases})


def bootstrap_dates(wh: Warehouse, rng: DateRange) -> list[date]:
    """Final-game dates in the range that fall in a season's bootstrap window."""
    rows = wh.rows(
        f"select distinct g.game_date from ({schedule_days_sql()}) g "
        "where g.game_date between ? and ? and g.is_bootstrap and g.game_status = 'final' order by 1",
        [rng.start, rng.end],
    )
    return [r[0] for r in rows]


def chunks(dates: Sequence[date], batch_days: int | None) -> list[list[date]]:
    """Split sorted dates into batches spanning at most `batch_days` calendar days (None = one)."""
    if not dates:
        return []
    if batch_days is None:
        return [list(dates)]
    out: list[list[date]] = [[dates[0]]]
    for d in dates[1:]:
        if (d - out[-1][0]).days < batch_days:
            out[-1].append(d)
        else:
            out.append([d])
    return out
