"""The DuckDB engine: data tables live in the warehouse file itself.

Atomicity: each batch's partitions are replaced in one DuckDB transaction (delete the dates, insert
the staged rows), so a crash leaves the old partitions or the new ones. Grain: (table, date).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from nbaprops.crash import crash_point
from nbaprops.errors import UsageError

if TYPE_CHECKING:
    from nbaprops.registry import Table
    from nbaprops.warehouse import Warehouse


class DuckDBEngine:
    """Models run as written (DuckDB SQL); partitions are replaced transactionally."""

    name = "duckdb"

    def begin_run(self, wh: Warehouse, tables: list[Table]) -> None:
        """Nothing to export (the inputs are in the warehouse); refuse tables another engine built."""
        views = [t.name for t in tables if wh.table_type(t.name) == "VIEW"]
        if views:
            raise UsageError(f"{views[0]} was built by the Spark engine: run backfill with --engine spark")

    def stage(self, wh: Warehouse, table: Table, dates: list[date], run_id: str) -> None:
        wh.execute(
            f"create or replace temp table _stage as select m.*, '{run_id}' as run_id, "
            f"now() as processed_at from ({table.sql}) m "
            f"where m.{table.date_column} in (select d from _planned)",
            {"start_date": dates[0], "end_date": dates[-1]},
        )

    def publish(self, wh: Warehouse, table: Table, dates: list[date], withheld: list[date]) -> None:
        d = table.date_column
        with wh.transaction():
            if not wh.table_exists(table.name):
                wh.execute(f"create table {table.name} as select * from _stage limit 0")
            wh.execute(f"delete from {table.name} where {d} in (select d from _planned)")
            wh.execute(
                f"insert into {table.name} by name select * from _stage "
                f"where {d} not in (select unnest(?::date[]))",
                [withheld],
            )
            crash_point("mid_publish")

    def close(self) -> None:
        """Nothing held."""
