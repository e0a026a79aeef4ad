"""Conformed schedule `raw.schedule_games` (SPEC §3.3): one row per game, built set-based in SQL.

Grain: one row per game of phase `regular`, `play_in`, `playoffs` or `cup_final` (preseason and All-Star
games stay in the raw tables). `game_id` is the NBA.com id, or a provisional `T` + YYMMDD + home tricode
for a future fixture game NBA.com does not list.

Union of:
1. NBA.com id lists (schedule ids, team logs, player logs): id, date, season (`SEASON_ID`), phase (its
   first digit), teams, home (`vs.`; 2024-25 neutral-site log rows print `AWAY @ HOME` on both rows),
   points (team-log `PTS`) and overtimes (team-log `MIN` rule). NBA.com wins on conflict.
2. bref schedule + games: tip time (ET), arena name, points and overtimes, phase from the title. A bref
   key maps to an NBA id by (date, home, away), else (date, home), else (date, unordered pair).
3. Fixture lists: arena (`Location`), tip time and future games. Matched by (season, date, home, away),
   else (season, date, unordered pair). Unmatched rows dated on or before the last completed date of
   their season are `superseded` (dropped, reported); later ones become `scheduled` provisional games.
   "Completed" here means listed by a source as played (NBA.com lists, bref scores), whatever `as_of`
   is, so `as_of` changes statuses and outcomes but never which games exist.

A game whose home team no input names goes to `meta.quarantine` (`unresolved_game`), never to the table.

`as_of` (SPEC §3.3 `--as-of`): games dated after it are `scheduled` with NULL points and overtimes, and
no source row dated after it contributes an outcome (points, overtimes, completion). Those rows still
give the game's identity (id, teams, date, phase, tip time, arena), so the same rows serve past and
future games.

Also the view `raw.season_calendar` (one row per `season_year`): `season_start` (first regular game),
`bootstrap_end` (last bootstrap date, SPEC §2.3), last regular / last game / last completed dates.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from nbaprops.config import BOOTSTRAP_DAYS
from nbaprops.ingest.arenas import resolve_game_arenas
from nbaprops.warehouse import Warehouse

TABLE = "raw.schedule_games"
PHASES = ("regular", "play_in", "playoffs", "cup_final")
COLUMNS = (
    "game_id",
    "game_date",
    "season_year",
    "season_phase",
    "game_status",
    "home_team_abbr",
    "away_team_abbr",
    "home_points",
    "away_points",
    "ot_periods",
    "tip_time_et",
    "arena_key",
    "is_neutral_site",
    "bref_game_key",
    "sources",
)
RESTART_FIRST = date(2020, 8, 1)
RESTART_LAST = date(2020, 10, 31)


def season_year_for_date(day: date) -> int:
    """Month rule for date-only inputs (SPEC §2.3): the year if month ≥ 8, else year − 1.

    Dates 2020-08-01..2020-10-31 are the 2019-20 restart and belong to 2019.
    """
    if RESTART_FIRST <= day <= RESTART_LAST:
        return 2019
    return day.year if day.month >= 8 else day.year - 1


def season_year_sql(column: str) -> str:
    """`season_year_for_date` as a SQL expression over a DATE column."""
    return (
        f"case when {column} between date '{RESTART_FIRST}' and date '{RESTART_LAST}' then 2019 "
        f"when month({column}) >= 8 then year({column}) else year({column}) - 1 end"
    )


BREF_PHASE_SQL = (
    "case when g.title is null then null "
    "when g.title like 'Play-In Game:%' then 'play_in' "
    "when regexp_matches(g.title, '^[0-9]{4} NBA ') then 'playoffs' "
    "when g.title like 'In-Season Tournament Final%' then 'cup_final' "
    "else 'regular' end"
)


def _empty(columns: str) -> str:
    """A typed empty relation, for a source table that was not loaded."""
    return f"(select {columns} where false)"


def _nba_rows_sql(wh: Warehouse) -> str:
    """NBA.com team-game rows of the kept phases, one relation over the three id lists."""
    phases = ", ".join(f"'{p}'" for p in PHASES)
    parts = []
    if wh.table_exists("raw.nbacom_schedule_game_ids"):
        parts.append(
            "select game_id, game_date, season_year, season_phase, team_abbreviation as team, is_home, "
            "case when is_home then team_abbreviation end as home_implied, null::integer as pts, "
            "null::integer as ot, 'nbacom_schedule_ids' as src, staged_file, staged_line "
            "from raw.nbacom_schedule_game_ids"
        )
    home_from_log = (
        "case when is_home then team_abbreviation "
        "when matchup like '% @ %' then trim(split_part(matchup, ' @ ', 2)) end"
    )
    if wh.table_exists("raw.nbacom_team_game_logs"):
        parts.append(
            "select game_id, game_date, season_year, season_phase, team_abbreviation, is_home, "
            f"{home_from_log}, pts, ot_periods, 'nbacom_team_logs', staged_file, staged_line "
            "from raw.nbacom_team_game_logs"
        )
    if wh.table_exists("raw.nbacom_player_game_logs"):
        parts.append(
            "select game_id, game_date, season_year, season_phase, team_abbreviation, is_home, "
            f"{home_from_log}, null, null, 'nbacom_player_logs', min(staged_file), min(staged_line) "
            "from raw.nbacom_player_game_logs group by all"
        )
    if not parts:
        return _empty(
            "null::varchar as game_id, null::date as game_date, null::integer as season_year, "
            "null::varchar as season_phase, null::varchar as team, null::boolean as is_home, "
            "null::varchar as home_implied, null::integer as pts, null::integer as ot, "
            "null::varchar as src, null::varchar as staged_file, null::bigint as staged_line"
        )
    union = " union all ".join(parts)
    return (
        f"(select * from ({union}) u where season_phase in ({phases}) and game_id is not null "
        "and team in (select team_abbr from meta.team_codes where is_nba))"
    )


def _bref_sql(wh: Warehouse, cutoff: str) -> str:
    has_s = wh.table_exists("raw.bref_schedule")
    has_g = wh.table_exists("raw.bref_games")
    sched = (
        "raw.bref_schedule"
        if has_s
        else _empty(
            "null::varchar as game_key, null::date as game_date, null::integer as season_end_year, "
            "null::varchar as home_team_tricode, null::varchar as away_team_abbr, "
            "null::integer as home_pts, null::integer as visitor_pts, null::integer as ot_periods, "
            "null::timestamp as tip_time_et, null::varchar as arena_name"
        )
    )
    games = (
        "raw.bref_games"
        if has_g
        else _empty(
            "null::varchar as game_key, null::date as game_date, null::integer as season_end_year, "
            "null::varchar as home_team_abbr, null::varchar as away_team_abbr, "
            "null::timestamp as tip_time_et, null::varchar as arena_name, null::varchar as title"
        )
    )
    return f"""
        select coalesce(s.game_key, g.game_key) as game_key,
               coalesce(s.game_date, g.game_date) as game_date,
               coalesce(s.season_end_year, g.season_end_year) - 1 as season_year,
               coalesce(s.home_team_tricode, g.home_team_abbr) as home,
               coalesce(s.away_team_abbr, g.away_team_abbr) as away,
               case when coalesce(s.game_date, g.game_date) <= {cutoff} then s.home_pts end as home_pts,
               case when coalesce(s.game_date, g.game_date) <= {cutoff} then s.visitor_pts end
                   as away_pts,
               case when coalesce(s.game_date, g.game_date) <= {cutoff} and s.home_pts is not null
                    then s.ot_periods end as ot_periods,
               coalesce(s.tip_time_et, g.tip_time_et) as tip_time_et,
               coalesce(s.arena_name, g.arena_name) as arena_name,
               {BREF_PHASE_SQL} as phase,
               s.home_pts is not null as played,
               s.game_key is not null as in_schedule, g.game_key is not null as in_games
        from (select * from {sched} qualify row_number() over (partition by game_key) = 1) s
        full outer join (select * from {games} qualify row_number() over (partition by game_key) = 1) g
          on g.game_key = s.game_key
    """


def _fixture_sql(wh: Warehouse, cutoff: str) -> str:
    if not wh.table_exists("raw.fixturedownload_schedule"):
        return _empty(
            "null::integer as season_year, null::date as game_date, null::varchar as home, "
            "null::varchar as away, null::varchar as location, null::timestamp as tip_time_et, "
            "null::integer as home_pts, null::integer as away_pts, null::varchar as staged_file, "
            "null::bigint as staged_line, null::bigint as fx_row"
        )
    return f"""
        (select coalesce(season_year, {season_year_sql("game_date")}) as season_year, game_date,
                home_team_abbr as home, away_team_abbr as away, location, tip_time_et,
                case when game_date <= {cutoff} then home_points end as home_pts,
                case when game_date <= {cutoff} then away_points end as away_pts,
                staged_file, staged_line, row_number() over () as fx_row
         from raw.fixturedownload_schedule
         where game_date is not null and home_team_abbr is not null and away_team_abbr is not null)
    """


def build_schedule(wh: Warehouse, run_id: str, as_of: date | None = None) -> dict[str, Any]:
    """(Re)build `raw.schedule_games` and the view `raw.season_calendar`; returns report figures."""
    started = time.perf_counter()
    cutoff = f"date '{(as_of or date(9999, 12, 31)).isoformat()}'"
    nba_rows = _nba_rows_sql(wh)

    # 1. NBA.com games: one row per game_id with its two teams and (when a source names it) the home.
    wh.execute(
        f"""
        create or replace temp table _sg_nba_rows as select * from {nba_rows};
        create or replace temp table _sg_nba as
        with g as (
            select game_id, min(game_date) as game_date,
                   arg_min(season_year, src = 'nbacom_schedule_ids') as season_year,
                   arg_min(season_phase, src = 'nbacom_schedule_ids') as season_phase,
                   list(distinct team order by team) as teams,
                   case when count(distinct home_implied) = 1 then any_value(home_implied) end as home,
                   count(distinct home_implied) > 1 as home_conflict,
                   not coalesce(bool_or(is_home), false) as neutral_hint,
                   max(ot) filter (where src = 'nbacom_team_logs') as ot,
                   list(distinct src order by src) as srcs
            from _sg_nba_rows group by game_id
        )
        select g.*,
               (select max(r.pts) from _sg_nba_rows r where r.game_id = g.game_id
                  and r.src = 'nbacom_team_logs' and r.team = g.home) as home_pts,
               (select max(r.pts) from _sg_nba_rows r where r.game_id = g.game_id
                  and r.src = 'nbacom_team_logs' and r.team <> g.home) as away_pts
        from g;
        """
    )

    # 2. bref games, and their NBA ids: (date, home, away) > (date, home) > (date, unordered pair).
    wh.execute(
        f"""
        create or replace temp table _sg_bref as {_bref_sql(wh, cutoff)};
        create or replace temp table _sg_bref_match as
        select b.game_key, n.game_id,
               case when b.home = n.home and list_contains(n.teams, b.away) then 1
                    when b.home = n.home then 2 else 3 end as prio
        from _sg_bref b
        join _sg_nba n
          on n.game_date = b.game_date
         and (b.home = n.home
              or [least(b.home, b.away), greatest(b.home, b.away)] = n.teams)
        where b.home is not null
        qualify row_number() over (partition by b.game_key order by prio, n.game_id) = 1
            and row_number() over (partition by n.game_id order by prio, b.game_key) = 1;
        """
    )

    # 3. Known games (NBA ids + unmatched bref keys), then fixtures matched to them.
    wh.execute(
        f"""
        create or replace temp table _sg_known as
        select n.game_id, n.game_date, n.season_year, n.season_phase, n.teams, n.home,
               true as completed, m.game_key  -- the NBA.com lists hold completed games
        from _sg_nba n left join _sg_bref_match m on m.game_id = n.game_id
        union all
        select 'B' || b.game_key, b.game_date, b.season_year, coalesce(b.phase, 'regular'),
               [least(b.home, b.away), greatest(b.home, b.away)], b.home,
               b.played, b.game_key
        from _sg_bref b
        where b.game_key not in (select game_key from _sg_bref_match)
          and b.home is not null and b.away is not null;

        create or replace temp table _sg_last_completed as
        select season_year, max(game_date) as last_completed
        from _sg_known where completed group by season_year;

        create or replace temp table _sg_fix as select * from {_fixture_sql(wh, cutoff)};
        create or replace temp table _sg_fix_match as
        select f.fx_row, k.game_id,
               case when f.home = k.home and k.teams[1] <> k.teams[2]
                         and f.away in (k.teams[1], k.teams[2]) then 1 else 2 end as prio
        from _sg_fix f
        join _sg_known k
          on k.season_year = f.season_year and k.game_date = f.game_date
         and [least(f.home, f.away), greatest(f.home, f.away)] = k.teams
        qualify row_number() over (partition by f.fx_row order by prio, k.game_id) = 1
            and row_number() over (partition by k.game_id order by prio, f.fx_row) = 1;

        create or replace temp table _sg_fix_unmatched as
        select f.*, f.game_date <= coalesce(l.last_completed, date '0001-01-01') as superseded
        from _sg_fix f left join _sg_last_completed l on l.season_year = f.season_year
        where f.fx_row not in (select fx_row from _sg_fix_match);
        """
    )

    # 4. Candidate games: NBA ids, unmatched bref keys and unmatched future fixtures, with their facts.
    wh.execute(
        f"""
        create or replace temp table _sg_cand as
        with fixm as (
            select m.game_id, f.* from _sg_fix_match m join _sg_fix f using (fx_row)
        ),
        bref_known as (
            -- unmatched bref keys: future ones become provisional games, past unplayed ones are
            -- superseded, past played ones are reported (they have no NBA.com id)
            select k.game_id, k.game_date, k.season_year, k.teams, b.home, b.phase, b.tip_time_et,
                   b.arena_name, b.game_key, b.in_schedule, b.in_games,
                   k.game_date <= coalesce(l.last_completed, date '0001-01-01') as past
            from _sg_known k join _sg_bref b on 'B' || b.game_key = k.game_id
            left join _sg_last_completed l on l.season_year = k.season_year
        )
        select n.game_id, n.game_date, n.season_year, n.season_phase, n.teams,
               coalesce(n.home, b.home, fx.home) as home,
               n.home is null and n.neutral_hint and b.home is null and fx.home is null
                   as home_unknown,
               n.neutral_hint or n.season_phase = 'cup_final' as neutral_hint,
               n.game_date <= {cutoff} as is_final,
               case when n.game_date <= {cutoff} then coalesce(n.home_pts,
                    case when b.home = coalesce(n.home, b.home) then b.home_pts else b.away_pts end,
                    case when fx.home = coalesce(n.home, fx.home) then fx.home_pts else fx.away_pts end)
               end as home_points,
               case when n.game_date <= {cutoff} then coalesce(n.away_pts,
                    case when b.home = coalesce(n.home, b.home) then b.away_pts else b.home_pts end,
                    case when fx.home = coalesce(n.home, fx.home) then fx.away_pts else fx.home_pts end)
               end as away_points,
               case when n.game_date <= {cutoff} then coalesce(b.ot_periods, n.ot) end as ot_periods,
               coalesce(b.tip_time_et, fx.tip_time_et) as tip_time_et,
               b.arena_name as bref_arena_name, fx.location as fixture_location,
               b.game_key as bref_game_key,
               list_concat(n.srcs,
                   case when b.in_schedule then ['bref_schedule'] else [] end,
                   case when b.in_games then ['bref_games'] else [] end,
                   case when fx.fx_row is not null then ['fixturedownload'] else [] end) as sources
        from _sg_nba n
        left join _sg_bref_match m on m.game_id = n.game_id
        left join _sg_bref b on b.game_key = m.game_key
        left join fixm fx on fx.game_id = n.game_id
        union all
        select 'T' || strftime(bk.game_date, '%y%m%d') || bk.home, bk.game_date, bk.season_year,
               coalesce(bk.phase, 'regular'), bk.teams, bk.home, false, false, false, null, null, null,
               coalesce(bk.tip_time_et, fx.tip_time_et), bk.arena_name, fx.location, bk.game_key,
               list_concat(
                   case when bk.in_schedule then ['bref_schedule'] else [] end,
                   case when bk.in_games then ['bref_games'] else [] end,
                   case when fx.fx_row is not null then ['fixturedownload'] else [] end)
        from bref_known bk left join fixm fx on fx.game_id = bk.game_id
        where not bk.past
        union all
        select 'T' || strftime(f.game_date, '%y%m%d') || f.home, f.game_date, f.season_year, 'regular',
               [least(f.home, f.away), greatest(f.home, f.away)], f.home, false, false, false,
               null, null, null, f.tip_time_et, null, f.location, null, ['fixturedownload']
        from _sg_fix_unmatched f
        where not f.superseded;
        """
    )
    dup_provisional = int(wh.scalar("select count(*) - count(distinct game_id) from _sg_cand"))
    if dup_provisional:
        wh.execute(
            "create or replace temp table _sg_cand as select * from _sg_cand "
            "qualify row_number() over (partition by game_id order by len(sources) desc) = 1"
        )

    # 5. Unresolved games (home unknown, or not two teams) → quarantine; the rest get an arena.
    wh.execute(
        """
        create or replace temp table _sg_unresolved as
        select game_id, game_date, teams,
               case when home_unknown or home is null then 'no input names the home team'
                    else 'teams ' || array_to_string(teams, '/') || ' are not two distinct teams' end
                   as why
        from _sg_cand
        where home_unknown or home is null or len(teams) <> 2 or not list_contains(teams, home);

        create or replace temp table _sg_ok as
        select * from _sg_cand where game_id not in (select game_id from _sg_unresolved);
        """
    )
    arena = resolve_game_arenas(wh, "(select *, home as home_team_abbr from _sg_ok)", "_sg_arena")

    with wh.transaction():
        wh.execute(f"drop view if exists raw.season_calendar; drop table if exists {TABLE}")
        wh.execute(
            f"""
            create table {TABLE} as
            select c.game_id::varchar as game_id, c.game_date, c.season_year::integer as season_year,
                   c.season_phase,
                   case when c.is_final then 'final' else 'scheduled' end as game_status,
                   c.home as home_team_abbr,
                   case when c.teams[1] = c.home then c.teams[2] else c.teams[1] end as away_team_abbr,
                   c.home_points::integer as home_points, c.away_points::integer as away_points,
                   c.ot_periods::integer as ot_periods, c.tip_time_et::timestamp as tip_time_et,
                   a.arena_key, coalesce(a.is_neutral_site, false) as is_neutral_site,
                   c.bref_game_key, c.sources::varchar[] as sources
            from _sg_ok c left join _sg_arena a using (game_id)
            order by c.game_date, c.game_id
            """
        )
        wh.execute(
            f"""
            create view raw.season_calendar as
            select season_year,
                   min(game_date) filter (where season_phase = 'regular') as season_start,
                   min(game_date) filter (where season_phase = 'regular')
                       + {BOOTSTRAP_DAYS - 1} as bootstrap_end,
                   max(game_date) filter (where season_phase = 'regular') as last_regular_date,
                   max(game_date) as last_game_date,
                   max(game_date) filter (where game_status = 'final') as last_completed_date
            from {TABLE} group by season_year order by season_year
            """
        )
        wh.execute(
            "delete from meta.quarantine where target_table = ? and reason = 'unresolved_game'", [TABLE]
        )
        wh.execute(
            """
            insert into meta.quarantine
            select $run, r.staged_file, r.staged_line,
                   to_json({'game_id': r.game_id, 'game_date': r.game_date::varchar,
                            'team': r.team, 'is_home': r.is_home::varchar, 'source': r.src})::varchar,
                   $table, 'unresolved_game',
                   'game ' || u.game_id || ' on ' || u.game_date::varchar || ' ('
                       || array_to_string(u.teams, '/') || '): ' || u.why
            from _sg_unresolved u join _sg_nba_rows r using (game_id)
            order by u.game_id, r.staged_file, r.staged_line
            """,
            {"run": run_id, "table": TABLE},
        )

    figures = _figures(wh, arena)
    figures["superseded"] = int(wh.scalar("select count(*) from _sg_fix_unmatched where superseded"))
    figures["unresolved_games"] = int(wh.scalar("select count(*) from _sg_unresolved"))
    figures["bref_keys"] = int(wh.scalar("select count(*) from _sg_bref"))
    figures["bref_unmatched"] = int(
        wh.scalar(
            "select count(*) from _sg_known k left join _sg_last_completed l using (season_year) "
            "where k.game_id like 'B%' and k.game_date <= coalesce(l.last_completed, date '0001-01-01')"
        )
    )
    figures["fixtures_matched"] = int(wh.scalar("select count(*) from _sg_fix_match"))
    figures["provisional"] = int(wh.scalar(f"select count(*) from {TABLE} where game_id like 'T%'"))
    figures["duplicate_provisional_ids"] = dup_provisional
    figures["as_of"] = as_of.isoformat() if as_of else None
    figures["seconds"] = round(time.perf_counter() - started, 2)
    notes = _notes(wh, figures, arena)
    for tmp in (
        "_sg_nba_rows",
        "_sg_nba",
        "_sg_bref",
        "_sg_bref_match",
        "_sg_known",
        "_sg_last_completed",
        "_sg_fix",
        "_sg_fix_match",
        "_sg_fix_unmatched",
        "_sg_cand",
        "_sg_unresolved",
        "_sg_ok",
        "_sg_arena",
    ):
        wh.execute(f"drop table if exists {tmp}")
    return {"schedule": figures, "notes": notes}


def _figures(wh: Warehouse, arena: dict[str, Any]) -> dict[str, Any]:
    by_status = dict(wh.rows(f"select game_status, count(*) from {TABLE} group by 1"))
    return {
        "games": wh.count(TABLE),
        "final": int(by_status.get("final", 0)),
        "scheduled": int(by_status.get("scheduled", 0)),
        "by_season_phase": {
            f"{r[0]} {r[1]}": int(r[2])
            for r in wh.rows(
                f"select season_year, season_phase, count(*) from {TABLE} group by 1, 2 order by 1, 2"
            )
        },
        "arena_rules": arena["by_rule"],
        "unknown_arena_names": [f"{name} ({n})" for name, n in arena["unknown_names"]],
        "games_without_arena": int(
            wh.scalar(
                f"select count(*) from {TABLE} g left join (select distinct arena_key, lat "
                "from meta.arena_locations) a using (arena_key) where a.lat is null"
            )
        ),
        "neutral_site_games": int(wh.scalar(f"select count(*) from {TABLE} where is_neutral_site")),
    }


def _notes(wh: Warehouse, figures: dict[str, Any], arena: dict[str, Any]) -> list[str]:
    notes = [
        f"schedule: {figures['games']:,} games ({figures['final']:,} final, "
        f"{figures['scheduled']:,} scheduled, {figures['provisional']:,} provisional ids); "
        f"{figures['superseded']} superseded fixture rows dropped; "
        f"{figures['unresolved_games']} unresolved games quarantined"
    ]
    for row in wh.rows(
        "select game_id, game_date, array_to_string(teams, '/'), why from _sg_unresolved order by 1"
    ):
        notes.append(f"schedule: unresolved_game {row[0]} {row[1]} {row[2]}: {row[3]}")
    for row in wh.rows(
        "select season_year, game_date, home, away from _sg_fix_unmatched where superseded "
        "order by game_date limit 20"
    ):
        notes.append(f"schedule: superseded fixture {row[0]} {row[1]} {row[3]} @ {row[2]}")
    if figures["bref_unmatched"]:
        notes.append(
            f"schedule: {figures['bref_unmatched']} past bref game keys match no NBA.com id (dropped)"
        )
    skipped = [
        r[0]
        for r in wh.rows(
            "select distinct arena_key from meta.arena_seed where arena_key not in "
            "(select arena_key from meta.arena_locations) order by 1"
        )
    ]
    if skipped:
        notes.append(
            f"arenas: {len(skipped)} seed site(s) without coordinates skipped: "
            + ", ".join(skipped[:6])
            + (" ..." if len(skipped) > 6 else "")
        )
    if arena["unknown_names"]:
        names = ", ".join(f"{n} ({c})" for n, c in arena["unknown_names"][:10])
        notes.append(f"arenas: unknown arena names: {names}")
    if figures["games_without_arena"]:
        notes.append(f"arenas: {figures['games_without_arena']} games have no arena coordinates")
    if figures["duplicate_provisional_ids"]:
        notes.append(f"schedule: {figures['duplicate_provisional_ids']} duplicate provisional ids")
    return notes


def build_schedule_step(wh: Warehouse, run_id: str) -> dict[str, Any]:
    """Conform step: `raw.schedule_games` over everything loaded (no as-of)."""
    return build_schedule(wh, run_id)
