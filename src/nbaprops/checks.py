"""Partition-level checks shared by the backfill audit and `validate`: grain uniqueness, per-date
entity counts and a table's extra SQL checks, each evaluated set-based over a relation.

Every function returns per-date results: {date: (expected, actual)} or {date: offending_rows}.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from nbaprops.ledger import partition_summary_sql
from nbaprops.partitions import schedule_days_sql
from nbaprops.registry import Table
from nbaprops.sql import retarget
from nbaprops.warehouse import Warehouse

#: Up to this many dates, the `upcg_players` rule counts prior games by a join (cheapest for a daily
#: run); above it, by running counts (cheapest for a range). Both give the same counts (tested).
FEW_DATES = 14


def duplicate_dates_sql(table: Table, relation: str) -> str:
    """SELECT (date, surplus rows) for the dates with repeated grain keys."""
    grain = ", ".join(table.grain)
    return (
        f"select {table.date_column} as d, sum(n - 1) as n from (select {table.date_column}, {grain}, "
        f"count(*) as n from {relation} group by all having count(*) > 1) group by 1"
    )


def duplicate_dates(wh: Warehouse, table: Table, relation: str) -> dict[date, int]:
    """Dates with repeated grain keys, and how many surplus rows each has."""
    return {d: int(n) for d, n in wh.rows(duplicate_dates_sql(table, relation))}


def entity_counts(
    wh: Warehouse, table: Table, relation: str, dates: list[date]
) -> dict[date, tuple[int, int]]:
    """Per date: (entities expected, entities present) for the table's entity rule."""
    query = entity_counts_sql(table, relation, dates)
    return {} if query is None else entity_counts_from_rows(wh.rows(*query))


def entity_counts_from_rows(rows: list[tuple[Any, ...]]) -> dict[date, tuple[int, int]]:
    """The rows of `entity_counts_sql`, (date, expected, present), as `entity_counts` returns them."""
    return {d: (int(expected), int(present)) for d, expected, present in rows}


def entity_counts_sql(table: Table, relation: str, dates: list[date]) -> tuple[str, list[Any]] | None:
    """`entity_counts` as a query of (date, expected, present) and its parameters; None when the
    table has no entity rule (or no dates)."""
    if table.entity == "none" or not dates:
        return None
    d = table.date_column
    sched = schedule_days_sql()
    if table.entity in ("two_per_final_game", "two_per_scheduled_game"):
        status = "and g.game_status = 'final'" if table.entity == "two_per_final_game" else ""
        body = f"""
            games as (select g.game_id, g.game_date from ({sched}) g
                           where g.game_date in (select d from check_dates) {status}),
            rows_per_game as (select game_id, count(distinct team_abbr) as teams, count(*) as n
                              from {relation} group by 1)
            select g.game_date, 2 * count(*),
                   2 * count(*) filter (where r.teams = 2 and r.n = 2)
            from games g left join rows_per_game r using (game_id) group by 1"""
    elif table.entity == "players_per_final_game":
        body = f"""
            team_games as (
                select g.game_id, g.game_date, t.team_abbr from ({sched}) g,
                lateral (select g.home_team_abbr as team_abbr union all select g.away_team_abbr) t
                where g.game_date in (select d from check_dates) and g.game_status = 'final'),
            played as (select game_id, team_abbr, count(*) filter (where played_flag) as n
                       from {relation} group by 1, 2)
            select tg.game_date, count(*), count(*) filter (where p.n >= 5)
            from team_games tg left join played p using (game_id, team_abbr) group by 1"""
    elif table.entity == "all_teams":
        min_games = int(table.extra.get("min_games", 5))
        body = f"""
            days as (
                select d, (select max(c.season_year) from raw.season_calendar c
                           where c.season_start <= d) as season_year
                from check_dates),
            prior as (
                select days.d, t.team_abbr, count(*) as games
                from days join analytics.team_defense_game_summary t
                  on t.season_year = days.season_year and t.game_date < days.d
                group by 1, 2)
            select p.d, count(*) filter (where p.games >= {min_games}),
                   count(r.team_abbr) filter (where p.games >= {min_games})
            from prior p left join {relation} r on r.{d} = p.d and r.team_abbr = p.team_abbr
            group by 1"""
    elif table.entity == "upcg_players":
        min_games = int(table.extra.get("min_games", 0))
        games_where = table.extra.get("min_games_where", "p.played_flag and p.minutes_played > 0")
        # qualifying games before each UPCG date: for a few dates, counted by a join; for a range, a
        # running count per player-season read with an as-of join (the last game date strictly
        # before the row's date), which does not grow with dates x games; none needed for min 0
        prior = f"""
            qualifying as (
                select p.player_id, p.season_year, p.game_date, count(*) as n
                from analytics.player_game_summary p
                where ({games_where}) and p.player_id in (select player_id from upcg)
                  and p.season_year in (select season_year from upcg)
                group by 1, 2, 3),
            running as (
                select player_id, season_year, game_date,
                       sum(n) over (partition by player_id, season_year order by game_date
                                    rows between unbounded preceding and current row) as games
                from qualifying),
            prior as (
                select u.game_date, u.player_id, max(coalesce(c.games, 0)) as games
                from upcg u asof left join running c
                  on c.player_id = u.player_id and c.season_year = u.season_year
                 and u.game_date > c.game_date
                group by 1, 2)"""
        if len(dates) <= FEW_DATES:
            prior = f"""
            prior as (
                select u.game_date, u.player_id, count(p.player_id) as games
                from (select distinct game_date, player_id, season_year from upcg) u
                left join analytics.player_game_summary p
                  on p.player_id = u.player_id and p.season_year = u.season_year
                 and p.game_date < u.game_date and ({games_where})
                group by 1, 2)"""
        if min_games <= 0:
            prior = "prior as (select game_date, player_id, 0 as games from upcg group by 1, 2)"
        body = f"""
            upcg as (
                select u.game_date, u.player_id, u.season_year
                from analytics.upcoming_player_game_context u
                where u.game_date in (select d from check_dates)),
            {prior}
            select pr.game_date, count(*), count(r.player_id)
            from prior pr
            left join {relation} r on r.{d} = pr.game_date and r.player_id = pr.player_id
            where pr.games >= {min_games}
            group by 1"""
    else:
        raise ValueError(f"{table.name}: unknown entity rule {table.entity!r}")
    # the dates are the first CTE (a list parameter: no temp table to create and drop)
    return f"with check_dates as (select unnest(?::date[]) as d), {body}", [list(dates)]


def extra_checks_sql(table: Table, relation: str) -> str | None:
    """SELECT (check index, date, offending rows) over every extra check; None without checks."""
    if not table.checks:
        return None
    d = table.date_column
    return " union all ".join(
        f"select {i} as k, {d} as d, count(*) as n from ({sql}) group by 2"
        for i, sql in enumerate(retarget(check.sql, table.name, relation) for check in table.checks)
    )


def extra_check_failures(wh: Warehouse, table: Table, relation: str) -> dict[str, dict[date | None, int]]:
    """For each extra check: offending rows per date, None for rows without a date (every check in
    one statement)."""
    out: dict[str, dict[date | None, int]] = {check.name: {} for check in table.checks}
    sql = extra_checks_sql(table, relation)
    for k, day, n in wh.rows(sql) if sql else []:
        out[table.checks[k].name][day] = n
    return out


@dataclass
class Audit:
    """A staged batch's audit: surplus rows per date with repeated grain keys, offending rows per
    extra check and date, (rows, content fingerprint) per date, and the rows of the queries asked
    for alongside, by name."""

    dups: dict[date, int]
    extra: dict[str, dict[date | None, int]]  # None: offending rows without a date
    summary: dict[date, tuple[int, int]]
    also: dict[str, list[tuple[Any, ...]]]


def audit_staged(
    wh: Warehouse,
    table: Table,
    relation: str,
    also: Mapping[str, tuple[str, list[Any]] | None] | None = None,
) -> Audit:
    """A batch's staged rows in one statement: duplicate grain keys, extra checks and the per-date
    summary, plus `also`, named queries of (date, a, b) with their parameters (a batch's entity
    counts and input fingerprints): one statement where there were several, each with its cost of
    planning."""
    parts = [
        f"select 'dup' as part, null::integer as k, d, cast(n as hugeint) as a, null::ubigint as b "
        f"from ({duplicate_dates_sql(table, relation)})",
        f"select 'rows', null, d, n, h from ({partition_summary_sql(wh, relation, table.date_column)})",
    ]
    extra_sql = extra_checks_sql(table, relation)
    if extra_sql:
        parts.append(f"select 'check', k, d, n, null from ({extra_sql})")
    params: list[Any] = []
    named = {name: query for name, query in (also or {}).items() if query is not None}
    for i, (sql, values) in enumerate(named.values()):
        parts.append(f"select 'also', {i}, * from ({sql})")
        params.extend(values)
    audit = Audit({}, {check.name: {} for check in table.checks}, {}, {name: [] for name in also or {}})
    names = list(named)
    for part, k, d, a, b in wh.rows(" union all ".join(parts), params):
        if part == "dup":
            audit.dups[d] = int(a)
        elif part == "rows":
            audit.summary[d] = (int(a), int(b))
        elif part == "check":
            audit.extra[table.checks[k].name][d] = int(a)
        else:
            audit.also[names[k]].append((d, a, b))
    return audit
