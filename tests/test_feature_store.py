"""features.ml_feature_store_v2 on the real data (SPEC §5.5, pitfalls 14, 28, 48, 55).

One module-scoped warehouse: the real staged files ingested (the session's shared ingest), then every
registered model in DAG order over the 2023-24 season and the start of 2025-26 (which holds the
scheduled, future games). Skipped when the real data is absent.
"""

from __future__ import annotations

import math
import random
import shutil
import statistics
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbaprops import feature_contract as fc
from nbaprops import registry
from nbaprops.config import BOOTSTRAP_DAYS
from nbaprops.partitions import install_settings
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
RANGES = ((date(2023, 10, 1), date(2024, 6, 30)), (date(2025, 10, 1), date(2025, 12, 31)))
SEASON = 2023
pytestmark = pytest.mark.realdata


def build(wh: Warehouse, ranges: tuple[tuple[date, date], ...]) -> None:
    """Every registered model up to the feature store, in DAG order, one statement per range."""
    install_settings(wh)
    fc.install(wh)
    phases = registry.phases_through("features")
    for table in registry.all_tables():
        if table.phase not in phases:
            continue
        for start, end in ranges:
            params = {"start_date": start, "end_date": end}
            if wh.table_exists(table.name):
                wh.execute(f"insert into {table.name} select * from ({table.sql})", params)
            else:
                wh.execute(f"create table {table.name} as select * from ({table.sql})", params)


@pytest.fixture(scope="module")
def wh(real_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    db = tmp_path_factory.mktemp("mlfs") / "mlfs.duckdb"
    shutil.copy(real_ingested, db)
    warehouse = Warehouse(db)
    build(warehouse, RANGES)
    yield warehouse
    warehouse.close()


def season_rows(wh: Warehouse, where: str = "true") -> list[dict[str, Any]]:
    return wh.dicts(
        f"select * from {MLFS} where season_year = {SEASON} and ({where}) order by game_date, player_id"
    )


# -- row set ------------------------------------------------------------------------------------
def test_one_row_per_upcg_player_and_date(wh: Warehouse) -> None:
    missing = wh.scalar(
        f"""select count(*) from (
              select distinct game_date, player_id from analytics.upcoming_player_game_context
              except select game_date, player_id from {MLFS})"""
    )
    extra = wh.scalar(
        f"""select count(*) from (
              select game_date, player_id from {MLFS}
              except select game_date, player_id from analytics.upcoming_player_game_context)"""
    )
    dupes = wh.scalar(
        f"select count(*) from (select game_date, player_id from {MLFS} group by all having count(*) > 1)"
    )
    assert (missing, extra, dupes) == (0, 0, 0)
    assert wh.count(MLFS) > 30_000


def test_blocking_checks_pass(wh: Warehouse) -> None:
    for check in registry.get(MLFS).checks:
        assert wh.rows(check.sql) == [], check.name


def test_bootstrap_dates_hold_placeholders_only(wh: Warehouse) -> None:
    start = wh.scalar(f"select season_start from raw.season_calendar where season_year = {SEASON}")
    bootstrap = [start + timedelta(days=i) for i in range(BOOTSTRAP_DAYS)]
    rows = wh.dicts(
        f"""select game_date, count(*) as n, count(*) filter (where early_season_flag) as early,
                   count(*) filter (where points_avg_season is not null or fatigue_score is not null
                                    or feature_quality_score is not null or is_training_ready) as filled
            from {MLFS} where season_year = {SEASON} group by game_date order by game_date"""
    )
    upcg = dict(
        wh.rows(
            "select game_date, count(distinct player_id) from analytics.upcoming_player_game_context "
            f"where season_year = {SEASON} group by game_date"
        )
    )
    seen_bootstrap = 0
    for r in rows:
        if r["game_date"] in bootstrap:
            seen_bootstrap += 1
            assert r["early"] == r["n"] == upcg[r["game_date"]], r
            assert r["filled"] == 0, r
        else:
            assert r["early"] == 0, r
    assert seen_bootstrap >= 10  # games are played on most of the 14 bootstrap days


def test_rows_exist_for_future_games(wh: Warehouse) -> None:
    """Games after the last box score (2025-11-23 in the staged data) still get feature rows."""
    future = wh.dicts(
        f"""select m.game_date, count(*) as n, count(m.points_avg_season) as with_points,
                   count(*) filter (where m.early_season_flag) as early
            from {MLFS} as m
            where m.game_date > (select max(game_date) from analytics.player_game_summary)
            group by m.game_date"""
    )
    assert len(future) >= 10
    assert all(r["n"] == r["with_points"] and r["early"] == 0 for r in future)


# -- values -------------------------------------------------------------------------------------
def played_history(wh: Warehouse) -> dict[int, list[tuple[date, int, float, float]]]:
    """Every played PGS game (played_flag), per player, in date order: (date, season, points, minutes)."""
    games: dict[int, list[tuple[date, int, float, float]]] = defaultdict(list)
    for pid, d, season, points, minutes in wh.rows(
        "select player_id, game_date, season_year, points, minutes_played "
        "from analytics.player_game_summary where played_flag order by player_id, game_date"
    ):
        games[pid].append((d, season, float(points), float(minutes)))
    return games


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def test_independent_recomputation_of_500_rows(wh: Warehouse) -> None:
    history = played_history(wh)
    rows = season_rows(wh, "not early_season_flag")
    sample = random.Random(20231024).sample(rows, 500)
    defaults = fc.FEATURE_DEFAULTS
    mismatches = []
    for r in sample:
        d, year = r["game_date"], r["season_year"]
        # Scoring windows count the games with minutes (the PDC rule: played_flag and minutes > 0);
        # rest and the 7-day count are UPCG's, over every played game (SPEC §2.5, §4.5).
        before = [g for g in history.get(r["player_id"], []) if g[0] < d]
        season = [p for gd, s, p, m in before if s == year and m > 0]
        last5, last10 = season[-5:], season[-10:]
        previous = [gd for gd, s, _, _ in before if s == year]
        expect = {
            "points_avg_last_5": statistics.fmean(last5) if last5 else defaults["points_avg_last_5"],
            "points_avg_last_10": statistics.fmean(last10) if last10 else defaults["points_avg_last_10"],
            "points_avg_season": statistics.fmean(season) if season else defaults["points_avg_season"],
            "points_std_last_10": statistics.stdev(last10)
            if len(last10) >= 2
            else defaults["points_std_last_10"],
            "games_in_last_7_days": float(sum(1 for gd, _, _, _ in before if d - timedelta(days=7) <= gd)),
            "days_rest": float((d - previous[-1]).days) if previous else None,
        }
        for name, value in expect.items():
            if not close(r[name], value):
                mismatches.append((d, r["player_id"], name, r[name], value))
    assert not mismatches, mismatches[:10]


def test_no_required_feature_is_constant_over_the_season(wh: Warehouse) -> None:
    """Pitfall 28: every required feature varies over the season, except the SPEC §7.2 exemptions
    and features whose source covers none of it (tagged not_covered on every row)."""
    required = [f.name for f in fc.V1_FEATURES if f.required]
    position = {name: fc.FEATURE_NAMES.index(name) + 1 for name in required}
    stats = wh.dicts(
        "select count(distinct season_phase) filter (where season_phase in ('play_in', 'playoffs'))"
        " as postseason_phases, "
        + ", ".join(
            f"count(distinct {n}) as {n}, "
            f"bool_and(feature_sources[{position[n]}] = 'not_covered') as {n}__uncovered"
            for n in required
        )
        + f" from {MLFS} where season_year = {SEASON} and not early_season_flag"
    )[0]
    exempt = {"has_vegas_line"}  # no points-prop lines in 2023-24 (SPEC §7.2 exemption)
    if stats["postseason_phases"] == 0:
        exempt.add("playoff_game")
    constant = [n for n in required if n not in exempt and not stats[f"{n}__uncovered"] and stats[n] < 2]
    assert not constant


def test_quality_and_readiness(wh: Warehouse) -> None:
    stats = wh.dicts(
        f"""select count(*) as n,
                   avg(case when is_training_ready then 1.0 else 0.0 end) as ready,
                   avg(case when hist_is_complete then 1.0 else 0.0 end) as hist,
                   avg(feature_quality_score) filter (where is_training_ready) as ready_quality
            from {MLFS}
            where season_year = {SEASON} and season_phase = 'regular' and not early_season_flag
              and is_prediction_eligible"""
    )[0]
    assert stats["ready"] >= 0.80, stats
    assert stats["hist"] >= 0.95, stats
    assert stats["ready_quality"] >= 85, stats
    # vegas features come from real lines only: no points line in 2023-24, so never a value
    assert (
        wh.scalar(
            f"select count(vegas_points_line) + count(vegas_line_move) from {MLFS} "
            f"where season_year = {SEASON}"
        )
        == 0
    )


def test_availability_features_are_null_without_a_source(wh: Warehouse) -> None:
    """Pitfall 48: no inactive-list source after 2024-03-20, so the value is NULL, never 0."""
    counts = wh.dicts(
        f"""select game_date > date '2024-03-20' as late,
                   count(*) as n, count(star_teammates_out) as with_value
            from {MLFS} where season_year = {SEASON} and not early_season_flag group by 1"""
    )
    by = {r["late"]: r for r in counts}
    assert by[False]["with_value"] > 0.9 * by[False]["n"]
    assert by[True]["with_value"] == 0


# -- point in time --------------------------------------------------------------------------------
PERTURBABLE = ("points", "minutes_played", "played_flag", "usage_rate")


@pytest.fixture(scope="module")
def perturbation_targets(wh: Warehouse) -> list[dict[str, Any]]:
    """Played PGS games of 2023-24 whose player has a feature row within the next 10 days."""
    return wh.dicts(
        f"""select p.game_id, p.player_id, p.game_date
            from analytics.player_game_summary as p
            where p.season_year = {SEASON} and p.played_flag and p.minutes_played > 0
              and p.game_date between date '2023-11-20' and date '2024-04-01'
              and exists (select 1 from {MLFS} as m
                          where m.player_id = p.player_id and not m.early_season_flag
                            and m.game_date > p.game_date
                            and m.game_date <= p.game_date + interval 10 day)
            order by p.game_date, p.game_id, p.player_id"""
    )


def mlfs_window(wh: Warehouse, start: date, end: date) -> dict[tuple[date, int], tuple[Any, ...]]:
    """The model run over [start, end] alone, keyed by (game_date, player_id)."""
    rows = wh.rows(f"select * from ({registry.get(MLFS).sql})", {"start_date": start, "end_date": end})
    return {(r[0], r[1]): tuple(r) for r in rows}


def stored_window(wh: Warehouse, start: date, end: date) -> dict[tuple[date, int], tuple[Any, ...]]:
    """The same dates from the table built over the whole season (batch invariance)."""
    rows = wh.rows(f"select * from {MLFS} where game_date between ? and ?", [start, end])
    return {(r[0], r[1]): tuple(r) for r in rows}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_point_in_time(
    wh: Warehouse, perturbation_targets: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Changing any stat of a PGS game on date D changes no MLFS row dated <= D (pitfall 14),
    and a change that matters does reach the player's next row. The unchanged baseline is the
    table built over the whole season, so the window run also checks batch invariance."""
    target = data.draw(st.sampled_from(perturbation_targets))
    column = data.draw(st.sampled_from(PERTURBABLE))
    d = target["game_date"]
    start, end = d - timedelta(days=3), d + timedelta(days=10)
    baseline = stored_window(wh, start, end)
    assignment = {
        "points": "points = points + 7",
        "minutes_played": "minutes_played = minutes_played + 9",
        "played_flag": "played_flag = false",
        "usage_rate": "usage_rate = coalesce(usage_rate, 20) + 11",
    }[column]
    wh.execute("begin transaction")
    try:
        wh.execute(
            f"update analytics.player_game_summary set {assignment} where game_id = ? and player_id = ?",
            [target["game_id"], target["player_id"]],
        )
        perturbed = mlfs_window(wh, start, end)
    finally:
        wh.execute("rollback")
    assert perturbed.keys() == baseline.keys()
    changed_before = [k for k in baseline if k[0] <= d and baseline[k] != perturbed[k]]
    assert not changed_before, f"{column} changed on {d} altered rows on or before it: {changed_before[:5]}"
    later = [k for k in baseline if k[0] > d and k[1] == target["player_id"]]
    assert later
    if column in ("points", "minutes_played", "played_flag"):
        assert any(baseline[k] != perturbed[k] for k in later), "the perturbation had no effect"
