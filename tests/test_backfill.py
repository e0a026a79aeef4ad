"""Backfill engine on the synthetic league: idempotent re-runs, batch invariance, kill-and-resume,
stale propagation after a changed box score, and the Phase 4 gate.

The league is generated and ingested once per module; each test works on its own copy of the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from nbaprops import registry
from nbaprops.ledger import hash_expr
from nbaprops.state import copy_warehouse
from nbaprops.warehouse import Warehouse


def cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def backfill(db: Path, *args: str, env: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
    proc = cli(db, "backfill", "--json", *args, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def checksums(db: Path) -> dict[str, tuple[int, int]]:
    """Row count and order-independent content hash (lineage excluded) of every built table."""
    with Warehouse(db) as wh:
        out = {}
        for t in registry.all_tables():
            if wh.table_exists(t.name):
                out[t.name] = (
                    wh.count(t.name),
                    int(wh.scalar(f"select coalesce({hash_expr(wh, t.name)}, 0) from {t.name}")),
                )
        return out


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One synthetic season ingested, and a window of dates just after its bootstrap."""
    db = tmp_path_factory.mktemp("league") / "league.duckdb"
    proc = cli(db, "ingest", "--source", "synthetic", "--seasons", "1", "--seed", "11", "--json")
    assert proc.returncode == 0, proc.stderr
    with Warehouse(db) as wh:
        start = wh.scalar("select min(season_start) from raw.season_calendar")
    window = (start + timedelta(days=12), start + timedelta(days=26))
    return {"db": db, "window": window}


def copy_of(league: dict[str, object], tmp_path: Path, name: str = "w.duckdb") -> Path:
    dst = tmp_path / name
    copy_warehouse(league["db"], dst)  # type: ignore[arg-type]
    return dst


def window_args(league: dict[str, object]) -> list[str]:
    lo, hi = league["window"]  # type: ignore[misc]
    return ["--start", str(lo), "--end", str(hi)]


def test_rerun_of_a_finished_backfill_writes_nothing(league: dict[str, object], tmp_path: Path) -> None:
    db = copy_of(league, tmp_path)
    first = backfill(db, *window_args(league))
    assert first["partitions_written"] > 0
    second = backfill(db, *window_args(league))
    assert second["partitions_written"] == 0
    assert second["partitions_failed"] == 0  # failed partitions are retried once an input changes
    assert checksums(db) == checksums(db)


def test_day_by_day_equals_whole_range(league: dict[str, object], tmp_path: Path) -> None:
    whole = copy_of(league, tmp_path, "whole.duckdb")
    daily = copy_of(league, tmp_path, "daily.duckdb")
    backfill(whole, *window_args(league))
    backfill(daily, *window_args(league), "--batch-days", "1")
    a, b = checksums(whole), checksums(daily)
    assert set(a) == {t.name for t in registry.all_tables() if t.phase != "predictions"}
    assert a == b


@pytest.mark.parametrize(
    "crashes", [["staged:2", "mid_publish:1", "published:2", "data_published:2", "mid_publish:3", "staged:3"]]
)
def test_kill_9_at_six_points_then_resume_equals_clean_build(
    league: dict[str, object], tmp_path: Path, crashes: list[str]
) -> None:
    """SIGKILL after staging, in the middle of a publish transaction, between the data commit and the
    ledger commit (the state store is another database) and right after both; batches of 7 days give
    each run enough batches to reach its crash point."""
    clean = copy_of(league, tmp_path, "clean.duckdb")
    backfill(clean, *window_args(league))
    crashed = copy_of(league, tmp_path, "crashed.duckdb")
    args = [*window_args(league), "--batch-days", "7"]
    for point in crashes:
        proc = cli(crashed, "backfill", "--json", *args, env={"NBAPROPS_CRASH_AT": point})
        assert proc.returncode == -9, f"{point}: expected SIGKILL, got {proc.returncode} {proc.stderr}"
    final = backfill(crashed, *args)
    assert final["partitions_failed"] == clean_failed(clean)
    assert checksums(crashed) == checksums(clean)
    with Warehouse(crashed) as wh:
        for t in registry.all_tables():
            if not wh.table_exists(t.name):
                continue
            grain = ", ".join(t.grain)
            dups = wh.scalar(
                f"select count(*) from (select {grain} from {t.name} group by all having count(*) > 1)"
            )
            assert dups == 0, t.name


def clean_failed(db: Path) -> int:
    with Warehouse(db) as wh:
        return int(wh.scalar("select count(*) from state.partitions where status = 'failed'"))


def test_changed_box_score_rebuilds_only_what_it_reaches(league: dict[str, object], tmp_path: Path) -> None:
    db = copy_of(league, tmp_path)
    backfill(db, *window_args(league))
    lo, _hi = league["window"]  # type: ignore[misc]
    changed_day = lo + timedelta(days=5)
    with Warehouse(db) as wh:
        slug, game_key = wh.rows(
            "select bref_player_slug, game_key from raw.bref_player_box where game_date = ? and pts > 10 "
            "order by game_key, bref_player_slug limit 1",
            [changed_day],
        )[0]
        change = (
            "update raw.bref_player_box set pts = pts + 2, fg = fg + 1, fga = fga + 1 "
            "where game_key = ? and bref_player_slug = ?"
        )
        wh.execute(change, [game_key, slug])
    plan = backfill(db, *window_args(league), "--dry-run")
    # dates planned for another reason (a partition that failed before and is retried) aside
    details = {
        t: {d: why for d, why in days.items() if why != "failed"} for t, days in plan["details"].items()
    }
    pgs = details["analytics.player_game_summary"]
    assert set(pgs) == {str(changed_day)}
    assert pgs[str(changed_day)].startswith("stale from")
    for table, days in details.items():
        for d in days:
            assert date.fromisoformat(d) >= changed_day, (table, d)
    # tables that read player games strictly before their date are reached from the next day on
    for name in ("analytics.upcoming_team_game_context", "analytics.upcoming_player_game_context"):
        assert details[name], name
        assert all(date.fromisoformat(d) > changed_day for d in details[name]), (name, details[name])
    assert details["features.ml_feature_store_v2"], "the change must reach the feature store"
    result = backfill(db, *window_args(league))
    planned = sum(len(v) for v in plan["details"].values())
    assert 0 < result["partitions_written"] + result["partitions_failed"] <= planned
    # equals a clean build on the changed data
    fresh = copy_of(league, tmp_path, "fresh.duckdb")
    with Warehouse(fresh) as wh:
        wh.execute(change, [game_key, slug])
    backfill(fresh, *window_args(league))
    assert checksums(db) == checksums(fresh)


def test_phase4_gate_refuses_when_a_season_drops_below_95_percent(
    league: dict[str, object], tmp_path: Path
) -> None:
    db = copy_of(league, tmp_path)
    lo, hi = league["window"]  # type: ignore[misc]
    with Warehouse(db) as wh:
        days = [
            r[0]
            for r in wh.rows(
                "select distinct game_date from raw.schedule_games where game_status = 'final' "
                "and game_date between ? and ? order by 1",
                [lo, hi],
            )
        ]
        gone = days[2:5]
        for table in ("raw.bref_player_box", "raw.nbacom_player_game_logs", "raw.bref_inactives"):
            wh.execute(f"delete from {table} where game_date in (select unnest(?))", [gone])
    proc = cli(db, "backfill", *window_args(league), "--through", "precompute")
    assert proc.returncode == 1
    assert "analytics.player_game_summary" in proc.stderr
    assert "date_completeness" in proc.stderr
    assert str(gone[0]) in proc.stderr
    assert "fix: nbaprops backfill" in proc.stderr
    # an explicit, recorded override lets the season through (its gaps stay reported)
    with Warehouse(db) as wh:
        season = wh.scalar("select season_year from raw.schedule_games where game_date = ?", [gone[0]])
    forced = cli(
        db, "backfill", *window_args(league), "--through", "precompute", "--override-gate", str(season)
    )
    assert forced.returncode == 0, forced.stderr
    with Warehouse(db) as wh:
        args = wh.scalar(
            "select arguments from state.runs where command = 'backfill' order by started_at desc limit 1"
        )
    assert json.loads(args)["override_gate_seasons"] == [season]


def test_one_missing_date_runs_phase4_and_marks_history_incomplete(
    league: dict[str, object], tmp_path: Path
) -> None:
    db = copy_of(league, tmp_path)
    lo, _hi = league["window"]  # type: ignore[misc]
    with Warehouse(db) as wh:
        gone = wh.scalar(
            "select min(game_date) from raw.schedule_games where game_status = 'final' and game_date > ?",
            [lo + timedelta(days=2)],
        )
        for table in ("raw.bref_player_box", "raw.nbacom_player_game_logs", "raw.bref_inactives"):
            wh.execute(f"delete from {table} where game_date = ?", [gone])
    # the whole season: one missing date out of ~100 keeps it above the 95% gate
    proc = cli(db, "backfill", "--through", "features")
    assert proc.returncode == 0, proc.stderr
    status = json.loads(cli(db, "status", "--json").stdout)["tables"]
    pdc = [r for r in status if r["table"] == "precompute.player_daily_cache"]
    assert sum(r["hist_incomplete"] for r in pdc) > 0
    with Warehouse(db) as wh:
        flagged = [
            r[0]
            for r in wh.rows(
                "select partition_date from state.partitions where table_name = "
                "'precompute.player_daily_cache' and hist_complete = false order by 1"
            )
        ]
    assert flagged and all(gone < d <= gone + timedelta(days=30) for d in flagged)


@pytest.mark.parametrize("table", [t.name for t in registry.all_tables() if t.reads_before])
def test_reads_before_inputs_are_read_strictly_before_each_date(
    league: dict[str, object], tmp_path: Path, table: str
) -> None:
    """A table's `reads_before` inputs: with their partitions from date d on deleted, the table's rows
    dated d and earlier are unchanged, built alone or in a batch around d. The backfill builds such a
    table beside those inputs, and the table's ledger windows end the day before, on this promise."""
    db = copy_of(league, tmp_path)
    backfill(db, *window_args(league))
    model = registry.get(table)
    lo, _hi = league["window"]  # type: ignore[misc]
    day = lo + timedelta(days=6)
    batches = [(day, day), (day - timedelta(days=3), day), (day - timedelta(days=3), day + timedelta(days=3))]

    def rows(wh: Warehouse, start: date, end: date) -> list[tuple[object, ...]]:
        return wh.rows(
            f"select * from ({model.sql}) m where m.{model.date_column} between "
            f"cast($start_date as date) and least(cast($end_date as date), cast($day as date)) order by all",
            {"start_date": start, "end_date": end, "day": day},
        )

    with Warehouse(db) as wh:
        before = {batch: rows(wh, *batch) for batch in batches}
        assert all(before.values()), "the window must have rows to compare"
        for name in model.reads_before:
            wh.execute(f"delete from {name} where game_date >= ?", [day])
        for batch in batches:
            assert rows(wh, *batch) == before[batch], (table, batch)


def test_one_new_day_on_a_built_window_equals_the_whole_build(
    league: dict[str, object], tmp_path: Path
) -> None:
    """The daily job: the window built up to the day before, then one day. Its player games and team
    context build side by side (team context reads player games strictly before the date); the result
    equals the whole window built at once, and a re-run of the window finds nothing stale."""
    lo, hi = league["window"]  # type: ignore[misc]
    whole = copy_of(league, tmp_path, "whole.duckdb")
    backfill(whole, *window_args(league))
    daily = copy_of(league, tmp_path, "daily.duckdb")
    backfill(daily, "--start", str(lo), "--end", str(hi - timedelta(days=1)))
    last = backfill(daily, "--start", str(hi), "--end", str(hi))
    written = {m["table"]: m["partitions_written"] for m in last["models"]}
    assert written["analytics.player_game_summary"] == 1
    assert written["analytics.upcoming_team_game_context"] == 1
    assert checksums(daily) == checksums(whole)
    again = backfill(daily, *window_args(league))
    assert again["partitions_written"] == 0


def test_a_label_column_among_the_staged_feature_store_columns_fails_every_date(
    league: dict[str, object], tmp_path: Path
) -> None:
    """`mlfs_no_label_columns` reads the columns of the staged rows (not the published table's): a
    batch carrying a label column fails its audit, on every date (the offending rows have no date)."""
    from nbaprops.backfill import offending_rows
    from nbaprops.checks import audit_staged
    from nbaprops.engines.duckdb_engine import DuckDBEngine

    db = copy_of(league, tmp_path)
    backfill(db, *window_args(league))
    _lo, hi = league["window"]  # type: ignore[misc]
    dates = [hi - timedelta(days=1), hi]
    table = registry.get("ml_feature_store_v2")
    with Warehouse(db) as wh:
        wh.register_dates("_planned", dates)
        DuckDBEngine().stage(wh, table, dates, "test-run")
        clean = audit_staged(wh, table, "_stage").extra["mlfs_no_label_columns"]
        wh.execute("alter table _stage add column target_points integer")
        leaking = audit_staged(wh, table, "_stage").extra["mlfs_no_label_columns"]
    assert [offending_rows(clean, d) for d in dates] == [0, 0]
    assert [offending_rows(leaking, d) for d in dates] == [1, 1]


def test_a_changed_input_read_strictly_before_reaches_the_table_from_the_next_day(
    league: dict[str, object], tmp_path: Path
) -> None:
    """Staleness windows of a `reads_before` input end the day before: player games changing on d make
    team context stale from d + 1 on, never on d; an input read on the same date (TOGS for player
    games) makes d itself stale."""
    from nbaprops.planner import ledger_reasons

    db = copy_of(league, tmp_path)
    backfill(db, *window_args(league))
    lo, _hi = league["window"]  # type: ignore[misc]
    with Warehouse(db) as wh:
        days = [
            d
            for (d,) in wh.rows(
                "select distinct game_date from analytics.player_game_summary "
                "where game_date >= ? order by 1 limit 2",
                [lo + timedelta(days=4)],
            )
        ]
        changed, after = days
        wh.execute(
            "update state.partitions set content_changed_at = now() + interval 1 minute "
            "where table_name in ('analytics.player_game_summary', 'analytics.team_offense_game_summary') "
            "and partition_date = ?",
            [changed],
        )
        utgc = ledger_reasons(wh, registry.get("upcoming_team_game_context"), [changed, after])
        pgs = ledger_reasons(wh, registry.get("player_game_summary"), [changed, after])
    assert changed not in utgc and after in utgc, utgc
    assert changed in pgs and after not in pgs, pgs
