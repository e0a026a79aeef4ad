"""The DuckDB warehouse: the local SQL connection every command reads and writes through.

One file database with a schema per layer (SPEC §1.1), plus the state store (`nbaprops.state`)
attached as catalog `state`. Data tables are built by the warehouse's engine (`nbaprops.engines`):
DuckDB itself by default, or Spark, whose partitioned parquet tables appear here as views. DuckDB
allows one writing process per file; a second one gets a one-line `UsageError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from nbaprops.config import SCHEMAS
from nbaprops.engines.duckdb_engine import DuckDBEngine
from nbaprops.engines.protocol import DataEngine
from nbaprops.errors import UsageError
from nbaprops.state import DDL as STATE_DDL
from nbaprops.state import state_path

Params = dict[str, Any] | Sequence[Any] | None


class Warehouse:
    """A connection to one warehouse file (or `:memory:`), with the layer schemas created."""

    def __init__(
        self,
        path: Path | str,
        read_only: bool = False,
        state: str | None = None,
        engine: DataEngine | None = None,
    ) -> None:
        self.path = str(path)
        self.state_path = state_path(self.path, state)
        self.engine: DataEngine = engine or DuckDBEngine()
        self.is_cursor = False
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:  # another process holds the write lock
            first = str(exc).splitlines()[0]
            raise UsageError(f"database {self.path} is in use by another process ({first})") from None
        except duckdb.Error as exc:
            raise UsageError(f"cannot open database {self.path}: {str(exc).splitlines()[0]}") from None
        self.execute("set preserve_insertion_order = true")
        self._attach_state(read_only)
        if not read_only:
            for schema in SCHEMAS:
                self.execute(f"create schema if not exists {schema}")

    def _attach_state(self, read_only: bool) -> None:
        """Attach the state store as catalog `state` (an empty in-memory one when a reader finds none)."""
        target, mode = self.state_path, ""
        if read_only and target != ":memory:" and not Path(target).exists():
            target, mode = ":memory:", " (read_write)"  # a read-only connection attaches read-only
        elif read_only and target != ":memory:":
            mode = " (read_only)"
        try:
            self.execute(f"attach '{target}' as state{mode}")
        except duckdb.IOException as exc:
            first = str(exc).splitlines()[0]
            raise UsageError(f"state store {target} is in use by another process ({first})") from None
        except duckdb.Error as exc:
            raise UsageError(f"cannot open state store {target}: {str(exc).splitlines()[0]}") from None
        if target == ":memory:" or not read_only:
            for ddl in STATE_DDL:
                self.execute(ddl)

    # -- plain statements -------------------------------------------------------------------
    def execute(self, sql: str, params: Params = None) -> None:
        """Run one statement (parameters bind as `$name` or `?`); its result is consumed."""
        self.con.execute(sql, params).fetchall()

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""
        return self.con.execute(sql, params).fetchall()

    def dicts(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts keyed by column name."""
        cur = self.con.execute(sql, params)
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Params = None) -> Any:
        """Run a query and return the first column of its first row (None when empty)."""
        rows = self.con.execute(sql, params).fetchall()
        return rows[0][0] if rows else None

    def arrow(self, sql: str, params: Params = None) -> pa.Table:
        """Run a query and return an Arrow table."""
        return self.con.sql(sql, params=params).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        """Expose an Arrow table to SQL under `name` for the life of the connection."""
        self.con.register(name, table)

    def register_dates(self, name: str, dates: Sequence[date]) -> None:
        """Expose a list of dates to SQL as relation `name` with one column `d`."""
        self.con.register(name, pa.table({"d": pa.array(list(dates), pa.date32())}))

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    # -- catalogue -------------------------------------------------------------------------
    @staticmethod
    def _catalog(qualified: str) -> tuple[str, str, str]:
        """(catalog filter, schema, table): `state.x` lives in the attached state catalog."""
        schema, _, name = qualified.partition(".")
        if schema == "state":
            return "state", "main", name
        return "%", schema, name

    def table_exists(self, qualified: str) -> bool:
        catalog, schema, name = self._catalog(qualified)
        return bool(
            self.scalar(
                "select count(*) from information_schema.tables where table_catalog like ? "
                "and table_schema = ? and table_name = ?",
                [catalog, schema, name],
            )
        )

    def table_type(self, qualified: str) -> str | None:
        """`BASE TABLE`, `VIEW` (e.g. over a Spark engine's parquet) or None when absent."""
        catalog, schema, name = self._catalog(qualified)
        kind = self.scalar(
            "select table_type from information_schema.tables where table_catalog like ? "
            "and table_schema = ? and table_name = ?",
            [catalog, schema, name],
        )
        return None if kind is None else str(kind)

    def columns(self, qualified: str) -> list[str]:
        """Column names in order; an unqualified name is a temp table or registered relation."""
        if "." not in qualified:
            return [r[0] for r in self.rows(f"describe {qualified}")]
        catalog, schema, name = self._catalog(qualified)
        return [
            r[0]
            for r in self.rows(
                "select column_name from information_schema.columns where table_catalog like ? "
                "and table_schema = ? and table_name = ? order by ordinal_position",
                [catalog, schema, name],
            )
        ]

    def count(self, qualified: str) -> int:
        return int(self.scalar(f"select count(*) from {qualified}"))

    # -- transactions and partition replacement -------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""
        self.execute("begin transaction")
        try:
            yield
        except BaseException:
            self.execute("rollback")
            raise
        self.execute("commit")

    def cursor(self) -> Warehouse:
        """Another connection to the same database (own temp tables and transactions), for a thread."""
        clone = object.__new__(Warehouse)
        clone.path = self.path
        clone.state_path = self.state_path
        clone.engine = self.engine
        clone.is_cursor = True
        clone.con = self.con.cursor()
        return clone

    def close(self) -> None:
        """Close the connection (and the engine, unless this is a thread's cursor)."""
        self.con.close()
        if not self.is_cursor:
            self.engine.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
