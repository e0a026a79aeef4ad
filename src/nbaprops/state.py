"""The state store: the ledger, runs and check results, kept apart from the data engine.

A small DuckDB file beside the warehouse (default `<warehouse>.state.duckdb`; `--state PATH` or env
`NBAPROPS_STATE`), attached to every warehouse connection as catalog `state`, whatever engine holds the
data tables. Grain: `state.partitions` one row per (table_name, partition_date); `state.runs` one row
per command; `state.check_results` one row per (run_id, table_name, partition_date, check_name);
`state.entity_failures` one row per (run_id, table, partition_date, entity_id).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: The state tables, all in catalog `state`.
STATE_TABLES = ("partitions", "runs", "check_results", "entity_failures")

DDL = (
    """create table if not exists state.partitions (
        table_name varchar, partition_date date, status varchar, rows_written bigint,
        rows_expected bigint, checks_passed boolean, failed_checks varchar, run_id varchar,
        input_fingerprint varchar, content_hash ubigint, content_changed_at timestamp,
        built_at timestamp, hist_complete boolean, primary key (table_name, partition_date))""",
    """create table if not exists state.check_results (
        run_id varchar, table_name varchar, partition_date date, check_name varchar,
        passed boolean, blocking boolean, value double, threshold double, detail varchar,
        checked_at timestamp)""",
    """create table if not exists state.entity_failures (
        run_id varchar, "table" varchar, partition_date date, entity_id varchar,
        failure_category varchar, detail varchar)""",
    """create table if not exists state.runs (
        run_id varchar primary key, command varchar, arguments varchar, started_at timestamp,
        ended_at timestamp, status varchar, pid integer, details varchar)""",
)


def state_path(db_path: str, explicit: str | None = None) -> str:
    """`--state`, else `NBAPROPS_STATE`, else `<warehouse>.state.duckdb` (`:memory:` stays in memory)."""
    chosen = explicit or os.environ.get("NBAPROPS_STATE")
    if chosen:
        return chosen
    if db_path == ":memory:":
        return ":memory:"
    return db_path + ".state.duckdb"


def copy_warehouse(src: Path | str, dst: Path | str) -> None:
    """Copy a warehouse file with its default state store and Spark data folder (if any)."""
    src, dst = Path(src), Path(dst)
    shutil.copy(src, dst)
    for suffix in (".state.duckdb", ".spark"):
        extra, target = Path(str(src) + suffix), Path(str(dst) + suffix)
        if extra.is_dir():
            shutil.copytree(extra, target, dirs_exist_ok=True)
        elif extra.exists():
            shutil.copy(extra, target)


def move_warehouse(src: Path | str, dst: Path | str) -> None:
    """Rename a warehouse file together with its default state store and Spark data folder."""
    src, dst = Path(src), Path(dst)
    src.rename(dst)
    for suffix in (".state.duckdb", ".spark"):
        extra = Path(str(src) + suffix)
        if extra.exists():
            extra.rename(str(dst) + suffix)
