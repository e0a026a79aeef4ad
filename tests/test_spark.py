"""The Spark engine (`-m spark`): one synthetic regular season built from Phase 3 through features on
Spark local[2] equals the DuckDB build table by table; a rerun writes nothing; the ledger plans the
same stale partitions on both engines; kill -9 and resume on Spark equals a clean build.

The Spark season is built the hard way, to keep the group inside the CI budget (Spark pays seconds
of fixed cost per query): a child process is SIGKILLed between a partition overwrite and its ledger
commit (the window only a two-store engine has; the in-transaction crash points are covered on DuckDB
in tests/test_backfill.py), and the build is then resumed in this process. That resumed build is the
one compared with the clean DuckDB build.

Skipped when pyspark or Java is missing. One SparkSession serves the in-process builds.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from nbaprops import registry
from nbaprops.backfill_command import run_backfill
from nbaprops.ledger import LINEAGE
from nbaprops.state import copy_warehouse
from nbaprops.warehouse import Warehouse
from tests.test_backfill import cli as run_cli

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed"),
    pytest.mark.skipif(shutil.which("java") is None, reason="java not installed"),
]

PHASES = ("regular", "play_in", "playoffs", "cup_final")
SPARK_ENV = {"NBAPROPS_SPARK_MASTER": "local[2]"}


def cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`nbaprops ARGS --db DB` in a child process, Spark master local[2]."""
    return run_cli(db, *args, env={**SPARK_ENV, **(env or {})})


def build(db: Path, engine: str, **kwargs: Any) -> dict[str, Any]:
    """One backfill in this process (the Spark session is created once and reused)."""
    from nbaprops.engines import open_engine

    with Warehouse(db, engine=open_engine(engine, str(db), "local[2]")) as wh:
        wh.engine.close = lambda: None  # type: ignore[method-assign]  # keep the session for the next build
        return run_backfill(wh, kwargs.get("start"), kwargs.get("end"), kwargs.get("through", "features"),
                            False, None, PHASES, True)  # fmt: skip


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic regular season, ingested (raw data stays in DuckDB for both engines)."""
    db = tmp_path_factory.mktemp("spark-league") / "league.duckdb"
    proc = cli(db, "ingest", "--source", "synthetic", "--seasons", "1", "--seed", "11", "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return db


#: Where the Spark season build is killed (NBAPROPS_CRASH_AT, counted within each child process).
CRASHES = ("data_published:3",)


@pytest.fixture(scope="module")
def builds(season: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The whole season through features on each engine, from the same ingested file: DuckDB clean;
    Spark killed (`CRASHES`) and resumed."""
    base = tmp_path_factory.mktemp("spark-builds")
    out: dict[str, Any] = {}
    for engine in ("duckdb", "spark"):
        db = base / f"{engine}.duckdb"
        copy_warehouse(season, db)
        started = time.perf_counter()
        crashes = []
        if engine == "spark":
            for point in CRASHES:
                proc = cli(db, "backfill", "--json", "--engine", "spark", env={"NBAPROPS_CRASH_AT": point})
                crashes.append((point, proc.returncode, proc.stderr[-1500:]))
        summary = build(db, engine)
        out[engine] = {"db": db, "summary": summary, "seconds": time.perf_counter() - started}
        out[engine]["crashes"] = crashes
    print(f"\nseason build: duckdb {out['duckdb']['seconds']:.1f}s, spark {out['spark']['seconds']:.1f}s")
    return out


def ledger(db: Path) -> set[tuple[Any, ...]]:
    """The state store's view of the build: one row per partition (run ids and times excluded)."""
    with Warehouse(db, read_only=True) as wh:
        return set(
            wh.rows(
                "select table_name, partition_date, status, rows_written, rows_expected, checks_passed, "
                "hist_complete from state.partitions where table_name not like 'raw.%' "
                "and table_name not like 'meta.%'"
            )
        )


def same_value(a: Any, b: Any) -> bool:
    """Integers, strings and dates exactly; floats (and decimals) within 1e-9 relative."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        x, y = float(a), float(b)
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def table_rows(db: Path, table: registry.Table) -> tuple[list[str], list[tuple[Any, ...]]]:
    with Warehouse(db, read_only=True) as wh:
        if not wh.table_exists(table.name):
            return [], []
        cols = sorted(c for c in wh.columns(table.name) if c not in LINEAGE)
        order = ", ".join(table.grain)
        quoted = ", ".join(f'"{c}"' for c in cols)
        return cols, wh.rows(f"select {quoted} from {table.name} order by {order}")


def assert_same_tables(duck: Path, spark: Path, min_tables: int) -> None:
    built = 0
    for table in registry.all_tables():
        cols_d, rows_d = table_rows(duck, table)
        cols_s, rows_s = table_rows(spark, table)
        assert cols_d == cols_s, table.name
        assert len(rows_d) == len(rows_s), table.name
        built += bool(rows_d)
        for rd, rs in zip(rows_d, rows_s, strict=True):
            bad = [c for c, x, y in zip(cols_d, rd, rs, strict=True) if not same_value(x, y)]
            assert not bad, f"{table.name} {dict(zip(cols_d, rd, strict=True))}: {bad} differ"
    assert built >= min_tables


def test_spark_season_equals_duckdb_season(builds: dict[str, Any]) -> None:
    d, s = builds["duckdb"]["summary"], builds["spark"]["summary"]
    assert d["partitions_written"] > 0
    assert s["partitions_failed"] == d["partitions_failed"]
    assert ledger(builds["spark"]["db"]) == ledger(builds["duckdb"]["db"])
    assert_same_tables(builds["duckdb"]["db"], builds["spark"]["db"], min_tables=10)
    assert (Path(str(builds["spark"]["db"]) + ".spark") / "analytics" / "player_game_summary").is_dir()


def test_rerun_on_spark_writes_nothing(builds: dict[str, Any]) -> None:
    again = build(builds["spark"]["db"], "spark")
    assert again["partitions_written"] == 0
    assert again["partitions_failed"] == 0


def test_ledger_plans_the_same_stale_partitions_on_both_engines(builds: dict[str, Any]) -> None:
    """The state store, not the engine, decides what is stale: the same change plans the same work."""
    plans = {}
    for engine in ("duckdb", "spark"):
        db = builds[engine]["db"]
        with Warehouse(db) as wh:
            day = wh.scalar("select min(game_date) + 40 from raw.schedule_games where game_status = 'final'")
            wh.execute(
                "update raw.bref_player_box set pts = pts + 2, fg = fg + 1, fga = fga + 1 "
                "where (game_key, bref_player_slug) = (select (game_key, bref_player_slug) "
                "from raw.bref_player_box where game_date >= ? order by game_date, game_key, "
                "bref_player_slug limit 1)",
                [day],
            )
        proc = cli(db, "backfill", "--json", "--dry-run", "--engine", engine)
        assert proc.returncode == 0, proc.stderr[-2000:]
        plans[engine] = json.loads(proc.stdout)["details"]
    assert plans["duckdb"] == plans["spark"]
    assert any(why.startswith("stale from") for days in plans["spark"].values() for why in days.values())


def test_gates_decide_the_same_on_both_engines(builds: dict[str, Any], tmp_path: Path) -> None:
    """The Phase 3 -> 4 gate reads the state store and the data tables (DuckDB views over the Spark
    parquet): the same hole in PGS is refused the same way on both engines, naming the same dates."""
    from nbaprops.partitions import DateRange
    from nbaprops.validate.gates import gate_results

    decided = {}
    for engine in ("duckdb", "spark"):
        db = tmp_path / f"{engine}.duckdb"
        copy_warehouse(builds[engine]["db"], db)
        with Warehouse(db) as wh:
            wh.execute(
                "delete from state.partitions where table_name = 'analytics.player_game_summary' "
                "and partition_date in (select partition_date from state.partitions "
                "where table_name = 'analytics.player_game_summary' and status = 'complete' "
                "order by partition_date limit 15 offset 30)"
            )
            lo, hi = wh.rows("select min(game_date), max(game_date) from raw.schedule_games")[0]
            decided[engine] = sorted(
                (r.table, r.check, r.passed, r.value, tuple(r.dates))
                for r in gate_results(wh, "precompute", DateRange(lo, hi, PHASES))
            )
    assert decided["duckdb"] == decided["spark"]
    refused = [r for r in decided["spark"] if not r[2]]
    assert [(r[0], len(r[4])) for r in refused] == [("analytics.player_game_summary", 15)]


def test_kill_and_resume_on_spark_equals_a_clean_build(builds: dict[str, Any]) -> None:
    """SIGKILL between a Spark partition overwrite and its ledger commit; the resumed build (compared
    table by table with the clean DuckDB build in `test_spark_season_equals_duckdb_season`) had work
    left and finished it."""
    for point, returncode, stderr in builds["spark"]["crashes"]:
        assert returncode == -9, f"{point}: expected SIGKILL, got {returncode} {stderr}"
    resumed, clean = builds["spark"]["summary"], builds["duckdb"]["summary"]
    assert 0 < resumed["partitions_written"] < clean["partitions_written"]
    assert resumed["status"] == clean["status"]


def test_spark_engine_errors_are_one_line(season: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    copy_warehouse(season, db)
    proc = cli(
        db, "backfill", "--engine", "spark", "--spark-master", "nosuch://x:1", "--through", "analytics"
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
