"""Phase 4 precompute (TDZA, PSZA, PDC, PCF) on the real data (SPEC §5.0–§5.4, §7, §8 #12–15, #39).

The module fixture copies the session's ingested warehouse, then builds every analytics and precompute
model in DAG order (`registry.all_tables()`) over 2021-22..2025-26 only, to stay fast: 2021-22 and
2025-26 are seasons without shot data, 2022-23..2024-25 are the shot seasons.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from nbaprops import registry
from nbaprops.partitions import DateRange, expected_dates, install_settings
from nbaprops.state import copy_warehouse
from nbaprops.warehouse import Warehouse

pytestmark = pytest.mark.realdata

START = date(2021, 8, 1)
END = date(2025, 12, 31)
PARAMS = {"start_date": START, "end_date": END}
SHOT_SEASONS = (2022, 2023, 2024)
PHASE4 = (
    "precompute.team_defense_zone_analysis",
    "precompute.player_shot_zone_analysis",
    "precompute.player_daily_cache",
    "precompute.player_composite_factors",
)
BOOTSTRAP_SQL = """
    select count(*) from {table} t
    join raw.season_calendar c on c.season_year = t.season_year
    where t.{col} - c.season_start between 0 and 13
"""


def build(wh: Warehouse, phases: tuple[str, ...]) -> None:
    """Build every registered model of `phases` in DAG order over [START, END]."""
    install_settings(wh)
    for table in registry.all_tables():
        if table.phase in phases:
            wh.execute(f"create or replace table {table.name} as select * from ({table.sql})", PARAMS)


@pytest.fixture(scope="module")
def built(real_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("phase4") / "built.duckdb"
    shutil.copy(real_ingested, db)
    with Warehouse(db) as wh:
        build(wh, ("analytics", "precompute"))
        missing = [t for t in (*PHASE4, "analytics.upcoming_player_game_context") if not wh.table_exists(t)]
        assert not missing, f"models not registered or not built: {missing}"
    return db


@pytest.fixture(scope="module")
def wh(built: Path) -> Iterator[Warehouse]:
    with Warehouse(built, read_only=True) as w:
        yield w


def date_col(name: str) -> str:
    return registry.get(name).date_column


def test_no_rows_on_bootstrap_dates(wh: Warehouse) -> None:
    # the range does hold bootstrap dates with games (each season's first 14 days)
    assert wh.scalar(BOOTSTRAP_SQL.format(table="raw.schedule_games", col="game_date")) > 100
    rng = DateRange(START, END)
    for name in PHASE4:
        table = registry.get(name)
        assert wh.scalar(BOOTSTRAP_SQL.format(table=name, col=table.date_column)) == 0, name
        # each season starts on its first expected (non-bootstrap) date: no ladder leaves a hole (§8 #39)
        expected = expected_dates(wh, table.expected, rng)
        first_expected = dict(
            wh.rows(
                "select c.season_year, min(d) from (select unnest(?::date[]) as d) e "
                "join raw.season_calendar c on e.d >= c.season_start "
                "and e.d < c.season_start + interval 300 day group by 1",
                [expected],
            )
        )
        first_row = dict(wh.rows(f"select season_year, min({table.date_column}) from {name} group by 1"))
        for season, first in first_row.items():
            assert first - wh.scalar(
                "select season_start from raw.season_calendar where season_year = ?", [season]
            ) >= timedelta(days=14), (name, season, first)
            if season in first_expected:
                assert first == first_expected[season], (name, season, first, first_expected[season])


def test_coverage_of_expected_dates_in_shot_seasons(wh: Warehouse) -> None:
    rng = DateRange(date(2022, 10, 1), date(2025, 6, 30))
    for name in PHASE4:
        table = registry.get(name)
        expected = set(expected_dates(wh, table.expected, rng))
        present = {r[0] for r in wh.rows(f"select distinct {table.date_column} from {name}")}
        assert len(expected) > 550, (name, len(expected))
        coverage = len(expected & present) / len(expected)
        assert coverage >= 0.95, (name, coverage, sorted(expected - present)[:5])


def test_tdza_has_every_team_with_five_games_on_every_date(wh: Warehouse) -> None:
    # expected team set per non-bootstrap game date: teams with >= 5 TDGS games this season before d
    mismatches = wh.rows(
        """
        with dates as (
            select distinct g.game_date as d, g.season_year
            from raw.schedule_games g join raw.season_calendar c using (season_year)
            where g.game_status = 'final' and g.game_date between $start_date and $end_date
              and not (g.game_date - c.season_start between 0 and 13)
        ),
        expected as (
            select dates.d, t.team_abbr
            from dates join analytics.team_defense_game_summary t
              on t.season_year = dates.season_year and t.game_date < dates.d
            group by 1, 2 having count(*) >= 5
        ),
        got as (select analysis_date as d, team_abbr from precompute.team_defense_zone_analysis)
        select 'missing', * from (select * from expected except select * from got)
        union all
        select 'extra', * from (select * from got except select * from expected)
        """,
        PARAMS,
    )
    assert mismatches == []
    per_date = wh.rows(
        "select season_year, min(n), max(n), count(*) from (select season_year, analysis_date, "
        "count(*) n from precompute.team_defense_zone_analysis group by all) group by 1 order by 1"
    )
    assert [(s, lo, hi) for s, lo, hi, _ in per_date] == [(s, 30, 30) for s in (2021, 2022, 2023, 2024)]


def test_zone_columns_and_psza_only_in_shot_seasons(wh: Warehouse) -> None:
    psza_seasons = [
        r[0]
        for r in wh.rows("select distinct season_year from precompute.player_shot_zone_analysis order by 1")
    ]
    assert psza_seasons == list(SHOT_SEASONS)
    zone = dict(
        wh.rows(
            "select season_year, avg(case when paint_defense_vs_league_pp is not null then 1.0 else 0 end) "
            "from precompute.team_defense_zone_analysis group by 1"
        )
    )
    assert zone[2021] == 0.0
    assert all(zone[s] == 1.0 for s in SHOT_SEASONS), zone
    # PDC exists outside the shot seasons (2021-22 and the partial 2025-26)
    pdc_seasons = {r[0] for r in wh.rows("select distinct season_year from precompute.player_daily_cache")}
    assert {2021, 2022, 2023, 2024, 2025} <= pdc_seasons


def test_league_fg_pct_by_zone(wh: Warehouse) -> None:
    rows = wh.rows(
        """
        select season_year, avg(league_paint_fg_pct), avg(league_mid_range_fg_pct),
               avg(league_three_fg_pct), count(distinct analysis_date)
        from precompute.team_defense_zone_analysis
        where league_teams_in_sample >= 10
        group by 1 order by 1
        """
    )
    assert [r[0] for r in rows] == list(SHOT_SEASONS)
    for season, paint, mid, three, dates in rows:
        assert dates > 100, season
        assert 0.565 <= paint <= 0.585, (season, paint)
        assert 0.41 <= mid <= 0.43, (season, mid)
        assert 0.355 <= three <= 0.37, (season, three)


def test_player_tables_cover_upcg_players(wh: Warehouse) -> None:
    # PCF: exactly the UPCG players of every non-bootstrap date; PSZA and PDC: a subset of them
    extra_or_missing = wh.scalar(
        """
        with u as (
            select distinct u.game_date, u.player_id
            from analytics.upcoming_player_game_context u join raw.season_calendar c using (season_year)
            where u.game_date between $start_date and $end_date
              and not (u.game_date - c.season_start between 0 and 13)
        ),
        p as (select game_date, player_id from precompute.player_composite_factors)
        select count(*) from ((select * from u except select * from p)
                              union all (select * from p except select * from u))
        """,
        PARAMS,
    )
    assert extra_or_missing == 0
    for name in ("precompute.player_shot_zone_analysis", "precompute.player_daily_cache"):
        col = date_col(name)
        outside = wh.scalar(
            f"select count(*) from {name} t anti join analytics.upcoming_player_game_context u "
            f"on u.game_date = t.{col} and u.player_id = t.player_id"
        )
        assert outside == 0, name
    # PDC: >= 90% of UPCG players on most dates of a full season (the rest are below 3 games)
    share = wh.scalar(
        """
        with u as (select game_date, count(distinct player_id) n from analytics.upcoming_player_game_context
                   where season_year = 2023 group by 1),
             p as (select cache_date, count(*) n from precompute.player_daily_cache
                   where season_year = 2023 group by 1)
        select avg(case when p.n >= 0.9 * u.n then 1.0 else 0 end) from p join u on u.game_date = p.cache_date
        """
    )
    assert share >= 0.9


def test_windows_match_a_direct_recomputation(wh: Warehouse) -> None:
    # a different formulation (rank the games before d) for a sample of rows of each table
    bad = wh.rows(
        """
        with s as (select * from precompute.player_daily_cache
                   using sample reservoir(300 rows) repeatable (7)),
        g as (
            select s.cache_date, s.player_id, p.points,
                   row_number() over (partition by s.cache_date, s.player_id
                                      order by p.game_date desc nulls first) as k
            from s join analytics.player_game_summary p
              on p.player_id = s.player_id and p.season_year = s.season_year
             and p.game_date < s.cache_date and p.played_flag and p.minutes_played > 0
        ),
        r as (select cache_date, player_id, avg(points) filter (where k <= 10) as l10,
                     avg(points) as season, count(*) as n from g group by 1, 2)
        select count(*), count(*) filter (where abs(s.points_avg_last_10 - r.l10) > 1e-9
               or abs(s.points_avg_season - r.season) > 1e-9 or s.games_played_season <> r.n)
        from s join r using (cache_date, player_id)
        """
    )
    assert bad == [(300, 0)]
    bad = wh.rows(
        """
        with s as (select * from precompute.team_defense_zone_analysis
                   using sample reservoir(200 rows) repeatable (7)),
        g as (
            select s.analysis_date, s.team_abbr, t.defensive_rating,
                   row_number() over (partition by s.analysis_date, s.team_abbr
                                      order by t.game_date desc nulls first) as k
            from s join analytics.team_defense_game_summary t
              on t.team_abbr = s.team_abbr and t.season_year = s.season_year
             and t.game_date < s.analysis_date
        ),
        r as (select analysis_date, team_abbr, avg(defensive_rating) as dr, count(*) as n
              from g where k <= 15 group by 1, 2)
        select count(*), count(*) filter (where abs(s.defensive_rating_avg_last_15 - r.dr) > 1e-9
               or s.games_in_sample <> r.n)
        from s join r using (analysis_date, team_abbr)
        """
    )
    assert bad == [(200, 0)]
    rates = wh.rows(
        "select min(paint_rate_last_10 + mid_range_rate_last_10 + three_rate_last_10), "
        "max(paint_rate_last_10 + mid_range_rate_last_10 + three_rate_last_10), "
        "avg(paint_rate_last_10), avg(three_rate_last_10) from precompute.player_shot_zone_analysis"
    )[0]
    assert rates[0] >= 0.999 and rates[1] <= 1.001
    assert 0.4 < rates[2] < 0.6 and 0.3 < rates[3] < 0.5  # typical player mix: paint ≈ 0.5, three ≈ 0.4


def test_pcf_factor_ranges_and_missing_inputs(wh: Warehouse) -> None:
    row = wh.rows(
        """
        select min(fatigue_score), max(fatigue_score),
               count(*) filter (where fatigue_adjustment <> (fatigue_score - 100) / 20.0),
               count(*) filter (where abs(total_composite_adjustment - (fatigue_adjustment
                   + shot_zone_mismatch_score + pace_score + usage_spike_score)) > 1e-9),
               count(*) filter (where season_year in (2022, 2023, 2024) and shot_zone_mismatch_score <> 0),
               count(*) filter (where season_year = 2021 and shot_zone_mismatch_score <> 0),
               count(*) filter (where season_year = 2021
                   and not list_contains(factor_inputs_missing, 'player_shot_zone_analysis')),
               count(*) filter (where usage_spike_score <> 0
                   and list_contains(factor_inputs_missing, 'usage_rate_avg_last_7_days')),
               count(distinct fatigue_score)
        from precompute.player_composite_factors
        """
    )[0]
    lo, hi, bad_adj, bad_total, zone_nonzero, zone_2021, not_recorded, usage_from_nothing, levels = row
    assert 0 <= lo < 75 and hi == 100
    assert bad_adj == 0 and bad_total == 0
    assert zone_nonzero > 10_000 and zone_2021 == 0 and not_recorded == 0
    assert usage_from_nothing == 0
    assert levels >= 8


def test_point_in_time_perturbation(built: Path, tmp_path: Path) -> None:
    """Change every game's stats on date D: no Phase 4 row dated on or before D may change (§8 #14, #15)."""
    db = tmp_path / "perturbed.duckdb"
    copy_warehouse(built, db)
    with Warehouse(db) as w:
        d = w.scalar(
            "select game_date from (select game_date, count(*) n from raw.schedule_games "
            "where season_year = 2022 and season_phase = 'regular' and game_status = 'final' "
            "group by 1) order by n desc, game_date asc limit 1"
        )
        snapshots = {}
        for name in PHASE4:
            cols = [
                f"round({c}, 9) as {c}" if t in ("DOUBLE", "FLOAT") else c
                for c, t in w.rows(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'precompute' and table_name = ? order by ordinal_position",
                    [name.split(".")[1]],
                )
            ]
            snapshots[name] = ", ".join(cols)
            w.execute(
                f"create table main.before_{name.split('.')[1]} as select {snapshots[name]} from {name}"
            )
        assert w.scalar("select count(*) from analytics.player_game_summary where game_date = ?", [d]) > 100
        w.execute(
            "update analytics.player_game_summary set points = points + 7,"
            " minutes_played = minutes_played + 5,"
            " usage_rate = usage_rate + 10, fg_attempts = fg_attempts + 3, ft_makes = ft_makes + 2,"
            " paint_attempts = paint_attempts + 3, paint_makes = paint_makes + 3,"
            " three_pt_attempts = three_pt_attempts + 1 where game_date = ?",
            [d],
        )
        w.execute(
            "update analytics.team_defense_game_summary set opp_paint_makes = opp_paint_attempts,"
            " opp_mid_range_makes = 0, defensive_rating = defensive_rating + 20, pace = pace + 10,"
            " opp_points = opp_points + 20, opp_three_pt_makes = opp_three_pt_attempts where game_date = ?",
            [d],
        )
        w.execute(
            "update analytics.team_offense_game_summary set pace = pace + 10,"
            " offensive_rating = offensive_rating + 20, win_flag = not win_flag where game_date = ?",
            [d],
        )
        build(w, ("precompute",))
        for name in PHASE4:
            short, col = name.split(".")[1], date_col(name)
            changed = w.scalar(
                f"select count(*) from ((select * from main.before_{short} where {col} <= $d "
                f"except select {snapshots[name]} from {name} where {col} <= $d) union all "
                f"(select {snapshots[name]} from {name} where {col} <= $d "
                f"except select * from main.before_{short} where {col} <= $d))",
                {"d": d},
            )
            assert changed == 0, (name, d, changed)
            # the perturbation is visible after D (the test can fail)
            after = w.scalar(
                f"select count(*) from (select {snapshots[name]} from {name} where {col} > $d "
                f"except select * from main.before_{short} where {col} > $d)",
                {"d": d},
            )
            assert after > 0, (name, d)


def test_a_single_date_build_equals_the_range_build(built: Path, tmp_path: Path) -> None:
    """Batch invariance on the real data: each model run for one date reproduces, bit for bit, the
    rows the whole-range build wrote for that date (fractional sums are exact decimals, so no float
    sum depends on the order or grouping of rows; PDC's season averages once did, 1,956 rows)."""
    db = tmp_path / "one.duckdb"
    shutil.copy(built, db)
    with Warehouse(db) as w:
        for name in PHASE4:
            table = registry.get(name)
            d = table.date_column
            days = [r[0] for r in w.rows(f"select distinct {d} from {name} order by 1")][::97]
            assert len(days) >= 5, name
            for day in days:
                w.execute(
                    f"create or replace temp table one as select * from ({table.sql}) m "
                    f"where m.{d} = $start_date",
                    {"start_date": day, "end_date": day},
                )
                same_date = f"from {name} where {d} = ?"
                extra = w.scalar(f"select count(*) from (from one except all {same_date})", [day])
                lost = w.scalar(f"select count(*) from ({same_date} except all from one)", [day])
                assert (extra, lost) == (0, 0), f"{name} {day}: {extra} rows differ from the range build"


def test_upcg_entity_counts_agree_for_a_few_dates_and_for_a_range(wh: Warehouse) -> None:
    # the `upcg_players` rule counts prior games by a join for a few dates and by running counts for a
    # range: both must expect the same players with the same coverage on every date
    from nbaprops.checks import FEW_DATES, entity_counts

    season = expected_dates(wh, "final_post_bootstrap", DateRange(date(2023, 10, 1), date(2024, 6, 30)))
    assert len(season) > FEW_DATES
    for name in ("precompute.player_daily_cache", "precompute.player_shot_zone_analysis"):
        table = registry.get(name)
        whole = entity_counts(wh, table, name, season)
        for few in (season[:1], season[40 : 40 + FEW_DATES], season[-3:]):
            assert entity_counts(wh, table, name, few) == {d: whole[d] for d in few}, name
        assert sum(expected for expected, _ in whole.values()) > 10_000, name  # the rule has players to count
