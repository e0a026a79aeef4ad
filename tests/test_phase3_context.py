"""Phase 3 pre-game context on real data: UTGC and UPCG (SPEC §4.4, §4.5, §2.5, §3.6, §3.9, §8, §9).

The module fixture copies the session's warehouse (every real file ingested from scratch, then the
conform steps), then builds the analytics tables UTGC and UPCG need, in DAG order, over
2017-10-01..2025-12-31. Every assertion prints what it measured.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from nbaprops import registry
from nbaprops.warehouse import Warehouse

START, END = date(2017, 10, 1), date(2025, 12, 31)
UTGC = "analytics.upcoming_team_game_context"
UPCG = "analytics.upcoming_player_game_context"
PGS = "analytics.player_game_summary"
PARAMS = {"start_date": START, "end_date": END}
EARTH_RADIUS_MILES = 3958.8


def analytics_ancestors(names: set[str]) -> list[str]:
    """`names` and every analytics table they read, transitively, in DAG order."""
    tables = {t.name: t for t in registry.all_tables()}
    needed, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        todo += [i for i in tables[name].inputs if i in tables and tables[i].phase == "analytics"]
    return [t.name for t in registry.all_tables() if t.name in needed]


@pytest.fixture(scope="module")
def wh(real_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A copy of the ingested warehouse with UTGC, UPCG and their analytics inputs built."""
    db = tmp_path_factory.mktemp("phase3_context") / "context.duckdb"
    shutil.copy(real_ingested, db)
    warehouse = Warehouse(db)
    order = analytics_ancestors({UTGC, UPCG})
    assert order.index(PGS) < order.index(UTGC) < order.index(UPCG)
    for name in order:
        warehouse.execute(
            f"create or replace table {name} as select * from ({registry.get(name).sql})", PARAMS
        )
    yield warehouse
    warehouse.close()


def upcg_for(wh: Warehouse, day: date) -> set[tuple[str, int, str]]:
    """The UPCG row set (game_id, player_id, team_abbr) of one date, computed from the current tables.

    The model runs over a week from `day`, so the day's own PGS rows are inside what it reads."""
    sql = registry.get(UPCG).sql
    return {
        (str(r[0]), int(r[1]), str(r[2]))
        for r in wh.rows(
            f"select game_id, player_id, team_abbr from ({sql}) where game_date = $day",
            {"start_date": day, "end_date": day + timedelta(days=7), "day": day},
        )
    }


# -- UTGC ------------------------------------------------------------------------------------------


def test_utgc_two_rows_per_scheduled_game(wh: Warehouse) -> None:
    """Exactly 2 rows (one per team) for every final or scheduled game, with or without a result."""
    rows = wh.rows(
        f"""
        select count(*), count(*) filter (where n <> 2 or teams <> 2),
               count(*) filter (where home_points is null)
        from (
            select s.game_id, any_value(s.home_points) as home_points, count(u.game_id) as n,
                   count(distinct u.team_abbr) as teams
            from raw.schedule_games s
            left join {UTGC} u on u.game_id = s.game_id
              and u.team_abbr in (s.home_team_abbr, s.away_team_abbr)
            where s.game_status in ('final', 'scheduled')
              and s.season_phase in ('regular', 'play_in', 'playoffs', 'cup_final')
              and s.game_date between $start_date and $end_date
            group by s.game_id
        ) g
        """,
        PARAMS,
    )[0]
    games, bad, without_result = rows
    extra = wh.scalar(
        f"select count(*) from {UTGC} u anti join raw.schedule_games s on s.game_id = u.game_id"
    )
    print(f"games={games} bad={bad} without_result={without_result} extra={extra}")
    assert games > 10_000
    assert bad == 0 and extra == 0
    assert without_result > 300  # games not played at build time (no score in any source)


def test_back_to_back_share_per_season(wh: Warehouse) -> None:
    """back_to_back is TRUE on 10-25% of team-games in every season, never constant (pitfall 10)."""
    seasons = wh.rows(
        f"""
        select season_year, count(*), avg(case when back_to_back then 1.0 else 0.0 end),
               count(distinct back_to_back)
        from {UTGC} group by season_year order by season_year
        """
    )
    print({s: round(share, 4) for s, _, share, _ in seasons})
    assert len(seasons) >= 9
    for season, n, share, distinct in seasons:
        assert n >= 500, season
        assert 0.10 <= share <= 0.25, (season, share)
        assert distinct == 2, season
    bad = wh.scalar(f"select count(*) from {UTGC} where back_to_back <> coalesce(days_rest = 1, false)")
    assert bad == 0


def test_back_to_back_agrees_with_external_rest_table(wh: Warehouse) -> None:
    """>= 99.5% agreement with raw.check_rest_travel is_b2b from 2022-23 (its rest_days = days_rest - 1)."""
    n, agree, rest_n, rest_agree = wh.rows(
        f"""
        with external as (
            select game_id_nba as game_id, home_team_tricode as team_abbr,
                   home_is_b2b as is_b2b, home_rest_days as rest_days
            from raw.check_rest_travel
            union all
            select game_id_nba, away_team_tricode, away_is_b2b, away_rest_days
            from raw.check_rest_travel
        )
        select count(*),
               count(*) filter (where coalesce(e.is_b2b, false) = u.back_to_back),
               count(*) filter (where e.rest_days is not null and u.days_rest is not null),
               count(*) filter (where e.rest_days = u.days_rest - 1)
        from {UTGC} u
        join external e on e.game_id = u.game_id and e.team_abbr = u.team_abbr
        where u.season_year >= 2022
        """
    )[0]
    print(f"team-games={n} b2b agreement={agree / n:.5f} rest_days agreement={rest_agree / rest_n:.5f}")
    assert n > 8_000
    assert agree / n >= 0.995
    assert rest_agree / rest_n >= 0.99


def test_travel_is_the_haversine_between_consecutive_arenas(wh: Warehouse) -> None:
    """travel_miles = haversine(previous arena of the season or the home arena, this arena);
    0 for the same arena and > 0 otherwise (SPEC §3.9, pitfall 33)."""
    rows = wh.rows(
        f"""
        with sites as (
            select arena_key, min(lat) as lat, min(lon) as lon from meta.arena_locations group by 1
        ),
        team_games as (
            select game_id, game_date, season_year, arena_key, home_team_abbr as team_abbr
            from raw.schedule_games where game_status in ('final', 'scheduled')
            union all
            select game_id, game_date, season_year, arena_key, away_team_abbr
            from raw.schedule_games where game_status in ('final', 'scheduled')
        ),
        previous as (
            select *, lag(arena_key) over (
                partition by team_abbr, season_year order by game_date, game_id) as previous_arena
            from team_games
        )
        select u.game_id, u.team_abbr, u.travel_miles, p.arena_key, p.previous_arena,
               here.lat, here.lon, there.lat, there.lon
        from {UTGC} u
        join previous p on p.game_id = u.game_id and p.team_abbr = u.team_abbr
        join sites here on here.arena_key = p.arena_key
        left join sites there on there.arena_key = p.previous_arena
        """
    )
    compared = same_arena = moved = 0
    for game_id, team, miles, arena, previous, lat, lon, plat, plon in rows:
        assert miles is not None and miles >= 0, (game_id, team)
        if previous is None:
            continue  # first game of a season: from the home arena (golden case)
        compared += 1
        if previous == arena:
            same_arena += 1
            assert miles == 0, (game_id, team, miles)
            continue
        moved += 1
        p1, p2 = math.radians(plat), math.radians(lat)
        h = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - plon) / 2) ** 2
        )
        expected = 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))
        assert miles > 0 and abs(miles - expected) < 1e-6, (game_id, team, miles, expected)
    print(f"compared={compared} same_arena={same_arena} moved={moved}")
    assert compared > 15_000 and same_arena > 3_000 and moved > 8_000


def test_game_spread_magnitude_and_sign(wh: Warehouse) -> None:
    """Mean |game_spread| > 3; the sign agrees with the moneyline favourite on >= 99% of games; both
    rows of a game mirror each other; SBR lines >= 99% of 2017-18..2022-23 games (pitfalls 17, 44)."""
    mean_abs, mirrored_bad = wh.rows(
        f"""
        select avg(abs(a.game_spread)),
               count(*) filter (where a.game_spread <> -b.game_spread
                                   or a.game_total is distinct from b.game_total)
        from {UTGC} a join {UTGC} b on b.game_id = a.game_id and b.team_abbr = a.opponent_team_abbr
        where a.game_spread is not null or b.game_spread is not null
        """
    )[0]
    n, agree = wh.rows(
        f"""
        select count(*), count(*) filter (where (u.game_spread < 0) = (o.ml_home < o.ml_away))
        from {UTGC} u
        join raw.sbr_game_odds o
          on o.home_team_abbr = u.team_abbr and o.away_team_abbr = u.opponent_team_abbr
         and o.season_year = u.season_year
         and ((o.date_format = 'iso' and o.date_text = strftime(u.game_date, '%Y-%m-%d'))
              or (o.date_format = 'season_mmdd'
                  and substr(o.date_text, 9, 4) = strftime(u.game_date, '%m%d')))
        where u.home_game and u.game_spread <> 0 and o.ml_home <> o.ml_away
        """
    )[0]
    coverage = wh.rows(
        f"""
        select season_year, avg(case when game_line_source = 'sbr' then 1.0 else 0.0 end)
        from {UTGC} where season_year between 2017 and 2022 group by 1 order by 1
        """
    )
    print(f"mean|spread|={mean_abs:.3f} sign agreement={agree / n:.5f} (n={n}) coverage={coverage}")
    assert mean_abs > 3
    assert mirrored_bad == 0
    assert n > 8_000 and agree / n >= 0.99
    assert all(share >= 0.99 for _, share in coverage)


def test_no_availability_source_is_null_not_zero(wh: Warehouse) -> None:
    """star_players_out / star_teammates_out / is_listed_inactive are NULL for 2024-25 (no bref after
    2024-03-20) and filled where bref covers the game (pitfall 48)."""
    utgc_null, utgc_n = wh.rows(
        f"""
        select count(*) filter (where star_players_out is null), count(*)
        from {UTGC} where season_year = 2024
        """
    )[0]
    upcg = wh.rows(
        f"""
        select count(*), count(star_teammates_out), count(is_listed_inactive)
        from {UPCG} where season_year = 2024
        """
    )[0]
    covered = wh.rows(
        f"""
        select count(*), count(star_teammates_out), sum(case when is_listed_inactive then 1 else 0 end)
        from {UPCG} where game_date between date '2022-10-01' and date '2023-06-30'
        """
    )[0]
    print(f"utgc 2024 null={utgc_null}/{utgc_n} upcg 2024={upcg} upcg 2022-23={covered}")
    assert utgc_n > 2_000 and utgc_null == utgc_n
    assert upcg[0] > 30_000 and upcg[1] == 0 and upcg[2] == 0
    assert covered[1] / covered[0] > 0.95 and covered[2] > 1_000


# -- UPCG ------------------------------------------------------------------------------------------


def test_upcg_roster_size_eligibility_and_prop_coverage(wh: Warehouse) -> None:
    """About 13-17 rows per team-game and 55-70% eligible (SPEC §9); 2024-25 threes lines on ~42% of
    played regular-season player-games; 2025-26 points lines on ~4.8k player-games."""
    per_season = wh.rows(
        f"""
        select season_year, count(*) * 1.0 / count(distinct game_id || team_abbr),
               avg(case when is_prediction_eligible then 1.0 else 0.0 end)
        from {UPCG} group by 1 order by 1
        """
    )
    threes_lined, played = wh.rows(
        f"""
        select count(u.threes_line), count(*)
        from {PGS} p left join {UPCG} u on u.game_id = p.game_id and u.player_id = p.player_id
        where p.season_year = 2024 and p.season_phase = 'regular' and p.played_flag
        """
    )[0]
    points_lined = wh.scalar(f"select count(points_line) from {UPCG} where season_year = 2025")
    print(f"per season={per_season} threes 2024-25={threes_lined}/{played} points 2025-26={points_lined}")
    for season, per_team_game, eligible in per_season:
        if season <= 2024:
            assert 13 <= per_team_game <= 17, (season, per_team_game)
            assert 0.55 <= eligible <= 0.70, (season, eligible)
    assert 0.38 <= threes_lined / played <= 0.46
    assert 4_000 <= points_lined <= 5_300


def test_upcg_checks_of_the_contract_pass(wh: Warehouse) -> None:
    """The blocking checks of both contracts select no offending row on the full build."""
    for name in (UTGC, UPCG):
        for check in registry.get(name).checks:
            offending = wh.scalar(f"select count(*) from ({check.sql})")
            print(name, check.name, offending)
            assert offending == 0, (name, check.name)


@pytest.mark.parametrize("day", [date(2019, 2, 2), date(2023, 11, 24), date(2025, 11, 12)])
def test_upcg_row_set_ignores_the_days_own_box_scores(wh: Warehouse, day: date) -> None:
    """Deleting the date's PGS rows leaves the UPCG row set of that date unchanged (pitfall 27)."""
    before = upcg_for(wh, day)
    wh.execute("begin transaction")
    try:
        deleted = wh.scalar(f"select count(*) from {PGS} where game_date = $d", {"d": day})
        wh.execute(f"delete from {PGS} where game_date = $d", {"d": day})
        after = upcg_for(wh, day)
    finally:
        wh.execute("rollback")
    print(f"{day}: rows={len(before)} pgs rows deleted={deleted}")
    assert deleted > 50 and len(before) > 50
    assert before == after


@pytest.mark.parametrize("name", [UTGC, UPCG])
def test_rows_do_not_depend_on_the_batch(wh: Warehouse, name: str) -> None:
    """A range built whole equals the same range built in pieces (and equals the full build)."""
    sql = registry.get(name).sql

    def build(lo: date, hi: date) -> set[tuple[object, ...]]:
        return set(wh.rows(f"select * from ({sql})", {"start_date": lo, "end_date": hi}))

    lo, hi = date(2023, 11, 20), date(2023, 12, 20)
    whole = build(lo, hi)
    pieces = build(lo, date(2023, 11, 20)) | build(date(2023, 11, 21), date(2023, 12, 5))
    pieces |= build(date(2023, 12, 6), hi)
    stored = set(wh.rows(f"select * from {name} where game_date between $lo and $hi", {"lo": lo, "hi": hi}))
    print(f"{name}: rows={len(whole)}")
    assert len(whole) > 300
    assert whole == pieces == stored
