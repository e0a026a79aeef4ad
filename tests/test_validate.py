"""`nbaprops validate`, `checklist` and `readiness` on the synthetic league, and the injected faults.

One synthetic season is ingested and backfilled once per session (`built_league`, also used by
tests/test_report.py); each test works on its own copy of the warehouse file. Each fault of issue 6 is
injected into a copy and must be caught by the right check, with exit 1 and a FAIL line naming the
table and the date:
  (a) a date deleted from a Phase 3 table   → entity rule (and date_completeness on a short range)
  (b) usage_rate NULL for one date          → cascade contamination of PGS
  (c) duplicated rows                       → grain uniqueness
  (d) a feature model that includes the same-day game → readiness leak audit
  (e) every prop line set to 20             → readiness constant lines
  (f) a registered table dropped            → table_exists (every expected date missing)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from nbaprops import registry
from nbaprops.cli import main
from nbaprops.state import copy_warehouse, move_warehouse
from nbaprops.warehouse import Warehouse

TOGS = "analytics.team_offense_game_summary"
TDGS = "analytics.team_defense_game_summary"
PGS = "analytics.player_game_summary"
PDC = "precompute.player_daily_cache"
MLFS = "features.ml_feature_store_v2"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a subprocess (exit codes and one-line errors exactly as a user sees)."""
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )


def built_league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic season ingested and backfilled, built once per session (shared with test_report)."""
    db = tmp_path_factory.getbasetemp() / "validate-league" / "league.duckdb"
    if db.exists():
        return db
    db.parent.mkdir(parents=True, exist_ok=True)
    work = db.with_name("building.duckdb")
    prebuilt = os.environ.get("NBAPROPS_TEST_LEAGUE")  # a local shortcut: reuse a built league file
    if prebuilt:
        copy_warehouse(prebuilt, work)
    else:
        proc = run_cli(
            "ingest", "--source", "synthetic", "--seasons", "1", "--seed", "7", "--json", "--db", str(work)
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        proc = run_cli("backfill", "--json", "--db", str(work))
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        with Warehouse(work, read_only=True) as wh:
            built = [t.name for t in registry.tables_in("analytics") if wh.table_exists(t.name)]
        if len(built) < len(registry.tables_in("analytics")):
            pytest.fail(f"the synthetic backfill did not build Phase 3: {proc.stderr[-1500:]}")
    move_warehouse(work, db)
    return db


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_league(tmp_path_factory)


@pytest.fixture
def db(league: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "w.duckdb"
    copy_warehouse(league, dst)
    return dst


@pytest.fixture(scope="module")
def day(league: Path) -> date:
    """A completed game date well after the bootstrap days."""
    with Warehouse(league, read_only=True) as wh:
        start = wh.scalar("select min(season_start) from raw.season_calendar")
        return wh.scalar(
            "select min(game_date) from raw.schedule_games where game_status = 'final' and game_date >= ?",
            [start + timedelta(days=45)],
        )


def needs_features(path: Path) -> None:
    with Warehouse(path, read_only=True) as wh:
        if not wh.table_exists(MLFS):
            pytest.fail(
                "the synthetic build did not reach the feature store (a gate refused); "
                "run `nbaprops backfill` on a synthetic league to see why"
            )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`nbaprops.cli.main` in-process (faster than a subprocess); returns (exit code, stdout)."""
    capsys.readouterr()
    old = sys.argv
    sys.argv = ["nbaprops", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def sql(path: Path, *statements: str) -> None:
    with Warehouse(path) as wh:
        for s in statements:
            wh.execute(s)


def fail_lines(out: str, table: str, check: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith(f"FAIL {table} {check}")]


# -- clean build ---------------------------------------------------------------------------------


def test_clean_analytics_is_ready_and_lists_every_registered_table(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    lines = out.strip().splitlines()
    assert code == 0, out
    assert lines[-1] == "RESULT READY"
    assert all(ln.split(" ")[0] in ("PASS", "NOTE", "RESULT") for ln in lines), out
    for table in registry.tables_in("analytics"):
        for check in ("date_completeness:2024-25", "grain_unique"):
            assert any(ln.startswith(f"PASS {table.name} {check} value=") for ln in lines), (table, check)
    assert "PASS analytics.team_offense_game_summary entity:two_per_final_game value=100.0%" in out


def test_json_gives_the_same_facts(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    code_j, raw = cli(capsys, "validate", "--phase", "analytics", "--json", "--db", str(db))
    payload = json.loads(raw)
    assert code == code_j == 0
    assert payload["ready"] is True and payload["checks_failed"] == 0
    checks = [ln for ln in text.splitlines() if ln.startswith(("PASS", "FAIL"))]
    assert len(payload["checks"]) == len(checks)
    assert payload["context"]["tables"] == [t.name for t in registry.tables_in("analytics")]
    assert payload["context"]["runs"], "the run ids that produced the data"


def test_raw_gate_passes_then_names_an_unbalanced_file(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(capsys, "validate", "--phase", "raw", "--db", str(db))
    assert code == 0, out
    assert "identity:prop_rows" in out and "pooled over" in out
    sql(
        db,
        "update meta.load_audit set rows_loaded = rows_loaded - 3 where staged_file like 'bref_player_box%'",
    )
    code, out = cli(capsys, "validate", "--phase", "raw", "--db", str(db))
    bad = fail_lines(out, "raw.bref_player_box", "load_audit:bref_player_box")
    assert code == 1 and bad and "UNBALANCED" in bad[0], out
    assert out.strip().splitlines()[-1] == "RESULT NOT_READY (1 checks failed)"


# -- the injected faults ---------------------------------------------------------------------------


def test_a_deleted_date_is_caught_with_table_and_date(
    db: Path, day: date, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, f"delete from {TOGS} where game_date = DATE '{day}'")
    code, out = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    bad = fail_lines(out, TOGS, "entity:two_per_final_game")
    assert code == 1 and bad and str(day) in bad[0], out
    # on a short range the missing date also drops the season's coverage below 95%
    code, out = cli(
        capsys,
        "validate",
        "--phase",
        "analytics",
        "--start",
        str(day - timedelta(days=3)),
        "--end",
        str(day + timedelta(days=3)),
        "--db",
        str(db),
    )
    bad = fail_lines(out, TOGS, "date_completeness:2024-25")
    assert code == 1 and bad and f"dates={day}" in bad[0], out
    assert f"fix: nbaprops backfill --start {day} --end {day} --through analytics" in out


def test_b_null_usage_for_one_date_is_contamination(
    db: Path, day: date, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, f"update {PGS} set usage_rate = null, usage_rate_raw = null where game_date = DATE '{day}'")
    code, out = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    bad = fail_lines(out, PGS, "contamination")
    assert code == 1 and bad and f"dates={day}" in bad[0] and "1 CONTAMINATED" in bad[0], out
    assert "rebuild the upstream table first" in out


def test_partial_contamination_fails_only_under_strict(
    db: Path, day: date, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(
        db,
        f"update {PGS} set usage_rate = null, usage_rate_raw = null where game_date = DATE '{day}' "
        "and played_flag and player_id % 6 = 0",
    )
    code, out = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    line = next(ln for ln in out.splitlines() if ln.startswith(f"PASS {PGS} contamination"))
    assert code == 0 and "1 PARTIAL" in line, out
    code, out = cli(capsys, "validate", "--phase", "analytics", "--strict", "--db", str(db))
    bad = fail_lines(out, PGS, "contamination")
    assert code == 1 and bad and f"dates={day}" in bad[0], out


def test_c_duplicated_rows_break_grain_uniqueness(
    db: Path, day: date, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, f"insert into {TDGS} select * from {TDGS} where game_date = DATE '{day}'")
    code, out = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    bad = fail_lines(out, TDGS, "grain_unique")
    assert code == 1 and bad and f"dates={day}" in bad[0], out


def test_d_same_day_game_in_a_feature_is_a_leak(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    needs_features(db)
    code, out = cli(capsys, "readiness", "--min-rows", "100", "--db", str(db))
    assert code == 0 and "PASS features.ml_feature_store_v2 leak_audit value=0" in out, out
    # The daily cache altered to include the game itself: its L5/L10/season points come from a window
    # that ends ON the date (pitfall 14's `<=`) for every player who played that day.
    models = tmp_path / "models"
    shutil.copytree(registry.models_dir(), models)
    original = (models / "precompute" / "player_daily_cache.sql").read_text()
    (models / "precompute" / "player_daily_cache.sql").write_text(f"""
with original as ({original}),
inclusive as (
    select player_id, season_year, game_date,
           avg(points) over w5 as l5, avg(points) over w10 as l10, avg(points) over ws as season
    from analytics.player_game_summary
    where played_flag and minutes_played > 0
    window w5 as (partition by player_id, season_year order by game_date asc nulls first
                  rows between 4 preceding and current row),
           w10 as (partition by player_id, season_year order by game_date asc nulls first
                   rows between 9 preceding and current row),
           ws as (partition by player_id, season_year order by game_date asc nulls first
                  rows between unbounded preceding and current row)
),
final as (
    select o.* replace (
        coalesce(i.l5, o.points_avg_last_5) as points_avg_last_5,
        coalesce(i.l10, o.points_avg_last_10) as points_avg_last_10,
        coalesce(i.season, o.points_avg_season) as points_avg_season)
    from original o
    left join inclusive i on i.player_id = o.player_id and i.game_date = o.cache_date
)
select * from final""")
    monkeypatch.setattr(registry, "models_dir", lambda: models)
    registry.all_tables.cache_clear()
    try:
        sql(db, f"update state.partitions set status = 'failed' where table_name = '{PDC}'")
        code, out = cli(capsys, "backfill", "--db", str(db))
        with Warehouse(db, read_only=True) as wh:
            rebuilt = wh.scalar(
                f"select count(*) from state.partitions where table_name = '{MLFS}' "
                "and status = 'complete' and run_id = (select max(run_id) from state.runs "
                "where command = 'backfill')"
            )
        assert rebuilt, f"the feature store was not rebuilt on the leaking cache: {out[-1500:]}"
    finally:
        registry.all_tables.cache_clear()
    code, out = cli(capsys, "readiness", "--min-rows", "100", "--db", str(db))
    bad = fail_lines(out, MLFS, "leak_audit")
    assert code == 1 and bad and "dates=" in bad[0], out
    assert "leak signature" in bad[0] and not re.search(r"(?<![\d,])0 of them equal", bad[0]), bad[0]


def test_e_placeholder_lines_are_caught(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_features(db)
    sql(
        db,
        "update analytics.upcoming_player_game_context set points_line = 20 where points_line is not null",
        f"update {MLFS} set vegas_points_line = 20, vegas_opening_line = 20 "
        "where vegas_points_line is not null",
    )
    code, out = cli(capsys, "readiness", "--min-rows", "100", "--db", str(db))
    bad = fail_lines(out, "analytics.upcoming_player_game_context", "constant_lines:points_line")
    assert code == 1 and bad and "dates=" in bad[0] and "most common line 20" in bad[0], out
    assert fail_lines(out, MLFS, "constant_lines:vegas_points_line"), out


def test_f_dropped_table_is_named_with_its_dates(
    db: Path, day: date, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(db, f"drop table {TDGS}")
    code, out = cli(capsys, "validate", "--phase", "analytics", "--db", str(db))
    bad = fail_lines(out, TDGS, "table_exists")
    assert code == 1 and bad, out
    assert "dates=" in bad[0] and "(+" in bad[0] and "does not exist in the warehouse" in bad[0]
    with Warehouse(db, read_only=True) as wh:
        first = wh.scalar("select min(game_date) from raw.schedule_games where game_status = 'final'")
    assert f"dates={first}" in bad[0]


def test_readiness_below_min_rows_exits_1(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Pitfall 38: a readiness check below its threshold exits 1, and the default is 50,000 rows."""
    needs_features(db)
    code, out = cli(capsys, "readiness", "--db", str(db))
    assert code == 1 and fail_lines(out, MLFS, "training_rows"), out
    assert "threshold=50,000" in out
    code, out = cli(capsys, "readiness", "--min-rows", "100", "--json", "--db", str(db))
    payload = json.loads(out)
    assert code == 0 and payload["ready"], out
    names = {c["check"] for c in payload["checks"]}
    assert {"leak_audit", "duplicates:grain", "constant_features", "chronological_split"} <= names


# -- usage errors, edge cases, checklist -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("validate", "--phase", "analytics", "--start", "2025-02-01", "--end", "2025-01-01"),
            "is after --end",
        ),
        (("validate", "--phase", "analytics", "--start", "2025-02-30"), "is not a date"),
        (("validate", "--phase", "predictionz"), "Invalid value for '--phase'"),
        (("readiness", "--start", "2025-02-01", "--end", "2025-01-01"), "is after --end"),
        (("checklist", "--phase", "analytics", "--end", "tomorrow"), "is not a date"),
    ],
)
def test_bad_usage_exits_2(
    db: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out = cli(capsys, *args, "--db", str(db))
    assert code == 2 and message in out and "Traceback" not in out, out


def test_missing_warehouse_exits_2_in_one_line(tmp_path: Path) -> None:
    proc = run_cli("validate", "--phase", "raw", "--db", str(tmp_path / "nowhere.duckdb"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no warehouse" in proc.stderr
    assert not (tmp_path / "nowhere.duckdb").exists(), "validation must not create a warehouse"


def test_empty_expected_set_is_ready_with_a_note(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Warehouse(db, read_only=True) as wh:
        start = wh.scalar("select min(season_start) from raw.season_calendar")
    code, out = cli(
        capsys,
        "validate",
        "--phase",
        "precompute",
        "--start",
        str(start),
        "--end",
        str(start + timedelta(days=5)),
        "--db",
        str(db),
    )
    assert code == 0, out
    assert out.startswith("NOTE empty expected set") and out.strip().endswith("RESULT READY")


def test_checklist_ticks_every_registered_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(capsys, "checklist", "--phase", "analytics", "--db", str(db))
    assert code == 0, out
    for table in registry.tables_in("analytics"):
        assert f"- [x] **{table.name}**" in out
    assert "- [ ]" not in out
    assert "  - [x] `grain_unique`: 0" in out


EXTRA_SQL = """-- analytics.team_game_margins: a test-only model. One row per team per completed game.
with togs as (
    select game_id, game_date, team_abbr, points, opp_points
    from analytics.team_offense_game_summary
    where game_date between $start_date and $end_date
),
final as (
    select game_id, game_date, team_abbr, points - opp_points as margin
    from togs
)
select * from final
"""
EXTRA_YML = """table: analytics.team_game_margins
phase: analytics
grain: [game_id, team_abbr]
date_column: game_date
description: One row per team per completed game with its point margin (test-only model).
expected: final
reach_days: 0
entity: two_per_final_game
critical_fields:
  - {column: margin, min_share: 1.0}
contamination:
  - "margin is not null"
"""


def test_a_newly_registered_table_appears_in_the_checklist(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    shutil.copytree(registry.models_dir(), models)
    (models / "analytics" / "team_game_margins.sql").write_text(EXTRA_SQL)
    (models / "analytics" / "team_game_margins.yml").write_text(EXTRA_YML)
    monkeypatch.setattr(registry, "models_dir", lambda: models)
    registry.all_tables.cache_clear()
    try:
        code, out = cli(capsys, "checklist", "--phase", "analytics", "--db", str(db))
        assert code == 1 and "- [ ] **analytics.team_game_margins**: 0/1 checks pass" in out, out
        assert "`table_exists`" in out
        code, out = cli(capsys, "backfill", "--through", "analytics", "--db", str(db))
        # the engine builds the new model with no other change (other tables' own failures aside)
        assert "analytics.team_game_margins: 121 written, 0 failed" in out, out
        code, out = cli(capsys, "checklist", "--phase", "analytics", "--db", str(db))
        assert code == 0, out
        assert "- [x] **analytics.team_game_margins**" in out
        assert "  - [x] `critical_field:margin`: 100.0%" in out
    finally:
        registry.all_tables.cache_clear()
