"""The Spark engine: data tables are parquet tables partitioned by their date column.

Layout: `<spark dir>/<schema>/<table>/<date_column>=YYYY-MM-DD/part-*.parquet`, default
`<warehouse>.spark` (`--spark-dir` / `NBAPROPS_SPARK_DIR`). Grain: one (table, date) partition.
Inputs the backfill does not build (raw.*, meta.*, predictions written by Python) are exported from
the DuckDB file to parquet once per run. Each batch is computed by Spark into a staging folder, which
the local warehouse reads for the audit, content hashes and ledger (the same code for both engines);
publishing overwrites the batch's date partitions (dynamic partition overwrite) and deletes those that
came out empty. Atomicity is per partition, not per batch: a crash in the middle leaves some dates
new and some old, and the ledger (written afterwards) makes the next run rebuild all of them. The
warehouse file holds a view per table over its parquet, so readers never know which engine built it.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbaprops import registry
from nbaprops.crash import crash_point
from nbaprops.engines.spark_sql import spark_steps, view_name
from nbaprops.errors import UsageError

if TYPE_CHECKING:
    from nbaprops.registry import Table
    from nbaprops.warehouse import Warehouse

#: Session settings that make Spark compute what DuckDB computes (ANSI off: x/0 is NULL).
SESSION_CONF = {
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.memory": "3g",
}

#: DuckDB types Spark cannot read from parquet, cast on export.
EXPORT_CASTS = {"UBIGINT": "DECIMAL(20, 0)", "HUGEINT": "DECIMAL(38, 0)", "UHUGEINT": "DECIMAL(38, 0)"}


def start_session(master: str, conf: dict[str, str]) -> tuple[Any, bool]:
    """A SparkSession on `master`, and whether this call created it; one-line errors if impossible."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--engine spark needs pyspark: pip install 'nbaprops[spark]'") from None
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        raise UsageError("--engine spark needs Java 17+ (e.g. apt-get install default-jre-headless)")
    existing = SparkSession.getActiveSession()
    if existing is not None:
        for key, value in conf.items():
            if key.startswith("spark.sql."):
                existing.conf.set(key, value)
        return existing, False
    builder = SparkSession.builder.master(master).appName("nbaprops")
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        raise UsageError(f"cannot start Spark on {master}: {str(exc).splitlines()[0]}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session, True


class SparkEngine:
    """Models transpiled to Spark SQL; partitions replaced by dynamic partition overwrite."""

    name = "spark"

    def __init__(self, db_path: str, master: str | None = None, spark_dir: str | None = None) -> None:
        self.master = master or os.environ.get("NBAPROPS_SPARK_MASTER") or "local[*]"
        root = spark_dir or os.environ.get("NBAPROPS_SPARK_DIR") or f"{db_path}.spark"
        self.root = root if "://" in root else str(Path(root).resolve())
        self._session: Any = None
        self._owned = False
        self._exported: set[str] = set()
        self._lock = threading.Lock()
        self._export_lock = threading.Lock()

    @property
    def spark(self) -> Any:
        if self._session is None:
            self._session, self._owned = start_session(self.master, SESSION_CONF)
        return self._session

    def table_dir(self, name: str) -> str:
        schema, _, table = name.partition(".")
        return f"{self.root}/{schema}/{table}"

    # -- files, through Hadoop's FileSystem so any Spark storage works --------------------------
    def _fs(self, path: str) -> tuple[Any, Any]:
        jvm = self.spark._jvm
        p = jvm.org.apache.hadoop.fs.Path(path)
        return p.getFileSystem(self.spark._jsc.hadoopConfiguration()), p

    def _exists(self, path: str) -> bool:
        fs, p = self._fs(path)
        return bool(fs.exists(p))

    def _delete(self, path: str) -> None:
        fs, p = self._fs(path)
        fs.delete(p, True)

    def has_data(self, name: str, date_column: str) -> bool:
        fs, p = self._fs(self.table_dir(name))
        if not fs.exists(p):
            return False
        return any(f.getPath().getName().startswith(f"{date_column}=") for f in fs.listStatus(p))

    # -- the engine protocol ------------------------------------------------------------------
    def begin_run(self, wh: Warehouse, tables: list[Table]) -> None:
        """Start Spark (failing early), forget last run's exports, re-point the warehouse views."""
        _ = self.spark
        self._exported.clear()
        for table in registry.all_tables():
            if self.has_data(table.name, table.date_column) and wh.table_exists(table.name):
                self._refresh_view(wh, table, wh.columns(table.name))

    def _register_input(self, wh: Warehouse, name: str) -> None:
        """Make one input table readable by Spark under its view name."""
        from pyspark.sql import functions as F

        built = {t.name: t for t in registry.all_tables()}
        table = built.get(name)
        if table is not None and self.has_data(name, table.date_column):
            path = self.table_dir(name)
            df = self.spark.read.option("mergeSchema", "true").option("basePath", path).parquet(path)
            df = df.withColumn(table.date_column, F.col(table.date_column).cast("date"))
            df.createOrReplaceTempView(view_name(name))
            return
        with self._export_lock:  # tables built side by side share inputs: export each once
            self._export(wh, name, keep=table is None)

    def _export(self, wh: Warehouse, name: str, keep: bool) -> None:
        """Copy a DuckDB table to parquet and register it (once per run when `keep`)."""
        if name in self._exported and keep:
            return
        if not wh.table_exists(name):
            return  # the model fails loudly on the missing input, as on DuckDB
        path = f"{self.root}/_inputs/{name}.parquet"
        cols = wh.rows(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            list(name.split(".")),
        )
        select = ", ".join(
            f'cast("{c}" as {EXPORT_CASTS[t]}) as "{c}"' if t in EXPORT_CASTS else f'"{c}"' for c, t in cols
        )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        wh.execute(f"copy (select {select} from {name}) to '{path}' (format parquet)")
        self.spark.read.parquet(path).createOrReplaceTempView(view_name(name))
        self._exported.add(name)

    def stage(self, wh: Warehouse, table: Table, dates: list[date], run_id: str) -> None:
        for name in table.inputs:
            self._register_input(wh, name)
        params = {"start_date": dates[0], "end_date": dates[-1]}
        steps, sql = spark_steps(table.sql, params, view_name(table.name))
        for view, step in steps:  # shared CTEs, computed once (Spark would recompute them per use)
            self.spark.sql(step).localCheckpoint(eager=True).createOrReplaceTempView(view)
        days = ", ".join(f"date '{d.isoformat()}'" for d in dates)
        df = self.spark.sql(
            f"select m.*, '{run_id}' as run_id, current_timestamp() as processed_at "
            f"from ({sql}) m where m.{table.date_column} in ({days})"
        )
        staged = f"{self.root}/_stage/{table.name}"
        df.write.mode("overwrite").parquet(staged)
        wh.execute(f"create or replace temp table _stage as select * from read_parquet('{staged}/*.parquet')")

    def publish(self, wh: Warehouse, table: Table, dates: list[date], withheld: list[date]) -> None:
        from pyspark.sql import functions as F

        d = table.date_column
        kept = {
            r[0]
            for r in wh.rows(
                f"select distinct {d} from _stage where {d} not in (select unnest(?::date[]))", [withheld]
            )
        }
        path = self.table_dir(table.name)
        for day in dates:
            if day not in kept and self._exists(f"{path}/{d}={day.isoformat()}"):
                self._delete(f"{path}/{d}={day.isoformat()}")
        crash_point("mid_publish")
        if kept:
            staged = self.spark.read.parquet(f"{self.root}/_stage/{table.name}")
            rows = staged.where(F.col(d).isin(sorted(kept)))
            rows.write.mode("overwrite").partitionBy(d).parquet(path)
        self._refresh_view(wh, table, wh.columns("_stage"))

    def _refresh_view(self, wh: Warehouse, table: Table, columns: list[str]) -> None:
        """The warehouse's view over the table's parquet (an empty table until it has a partition)."""
        with self._lock:
            kind = wh.table_type(table.name)
            if not self.has_data(table.name, table.date_column):
                if kind is None:
                    wh.execute(f"create table {table.name} as select * from _stage limit 0")
                return
            if kind == "BASE TABLE":
                wh.execute(f"drop table {table.name}")
            cols = ", ".join(f'"{c}"' for c in columns)
            wh.execute(
                f"create or replace view {table.name} as select {cols} from read_parquet("
                f"'{self.table_dir(table.name)}/{table.date_column}=*/*.parquet', hive_partitioning = true, "
                f"union_by_name = true, hive_types = {{'{table.date_column}': date}})"
            )

    def close(self) -> None:
        if self._session is not None and self._owned:
            self._session.stop()
        self._session = None
