"""Data engines: where the data tables are computed and stored (DuckDB by default, or Spark).

Every engine difference (dialect, type names, partition replacement, atomicity) lives here; models,
the planner and the ledger never branch on the engine. `open_engine` picks one by name.
"""

from __future__ import annotations

import os

from nbaprops.engines.duckdb_engine import DuckDBEngine
from nbaprops.engines.protocol import DataEngine
from nbaprops.errors import UsageError

ENGINES = ("duckdb", "spark")


def open_engine(
    name: str | None, db_path: str, master: str | None = None, spark_dir: str | None = None
) -> DataEngine:
    """The engine `name` (else `NBAPROPS_ENGINE`, else duckdb) for the warehouse at `db_path`."""
    chosen = (name or os.environ.get("NBAPROPS_ENGINE") or "duckdb").lower()
    if chosen == "duckdb":
        return DuckDBEngine()
    if chosen == "spark":
        from nbaprops.engines.spark_engine import SparkEngine

        return SparkEngine(db_path, master, spark_dir)
    raise UsageError(f"unknown engine {chosen!r} (use {', '.join(ENGINES)})")
