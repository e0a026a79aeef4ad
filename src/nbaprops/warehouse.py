"""The DuckDB warehouse: the local SQL connection every command reads and writes through.

One file database with a schema per layer (SPEC §1.1), plus the state store (`nbaprops.state`)
attached as catalog `state`. Data tables are built by the warehouse's engine (`nbaprops.engines`):
DuckDB itself by default, or Spark, whose partitioned parquet tables appear here as views. DuckDB
allows one writing process per file; a second one gets a one-line `UsageError`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from nbaprops.config import SCHEMAS
from nbaprops.engines.duckdb_engine import DuckDBEngine
from nbaprops.engines.protocol import DataEngine
from nbaprops.errors import UsageError
from nbaprops.state import DDL as STATE_DDL
from nbaprops.state import state_path

if TYPE_CHECKING:
    import pyarrow as pa

Params = dict[str, Any] | Sequence[Any] | None

#: DuckDB's memory limit unless `NBAPROPS_MEMORY_LIMIT` says otherwise.
DEFAULT_MEMORY_LIMIT = "3GB"

#: Statements that change the catalogue (temp objects aside: they are never looked up by qualified name).
_CATALOG_DDL = re.compile(
    r"^\s*(create|drop|alter|attach|detach)\b(?!\s+(or\s+replace\s+)?temp(orary)?\b)", re.IGNORECASE
)
#: Statements that write rows; one that names a `raw.` table may change facts derived from the raw tables.
_WRITE = re.compile(r"^\s*(insert|update|delete|copy|truncate|merge)\b", re.IGNORECASE)
#: An explicit transaction's start, and its end (what it changed becomes visible to other connections).
_TXN_BEGIN = re.compile(r"^\s*(begin|start\s+transaction)\b", re.IGNORECASE)
_TXN_END = re.compile(r"^\s*(commit|rollback|abort|end)\b", re.IGNORECASE)


class CatalogCache:
    """What this process knows about one database: its relations and columns, and a memo of facts
    derived from the raw tables (e.g. the schedule's expected dates).

    Shared by every `Warehouse` and cursor open on the same file in the process. DDL, or a write
    statement naming a `raw.` table, run through any of them clears it (again when its transaction
    ends). DuckDB lets one process write a file, so nothing else changes it behind the process's back.
    `generation` counts the clears: a value read while one happened is not kept.
    """

    def __init__(self) -> None:
        self.relations: dict[tuple[str, str], tuple[str, tuple[str, ...]]] | None = None
        self.memo: dict[Any, Any] = {}
        self.generation = 0
        # one computation of a memo entry at a time: threads building side by side that ask for the
        # same fact wait for the first one's answer instead of each running the query
        self.memo_lock = threading.RLock()

    def changes(self, sql: str) -> bool:
        """Forget what `sql` may change; True when it did (the caller forgets again when its
        transaction ends, since other connections read the old catalogue until then)."""
        if _CATALOG_DDL.match(sql) or (_WRITE.match(sql) and "raw." in sql.lower()):
            self.forget()
            return True
        return False

    def forget(self) -> None:
        self.generation += 1
        self.relations = None
        self.memo.clear()


_CACHES: dict[str, CatalogCache] = {}


def _cache_for(path: str) -> CatalogCache:
    """The process's cache of this database file, emptied (a new connection re-reads the catalogue);
    each in-memory database is its own."""
    if path == ":memory:":
        return CatalogCache()
    cache = _CACHES.setdefault(os.path.realpath(path), CatalogCache())
    cache.forget()
    return cache


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
        self.cache = _cache_for(self.path)
        self._in_txn = self._changed_in_txn = False
        self._temp_tables: set[str] = set()
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:  # another process holds the write lock
            first = str(exc).splitlines()[0]
            raise UsageError(f"database {self.path} is in use by another process ({first})") from None
        except duckdb.Error as exc:
            raise UsageError(f"cannot open database {self.path}: {str(exc).splitlines()[0]}") from None
        self.execute("set preserve_insertion_order = true")
        self.execute("set enable_progress_bar = false")  # commands report their own progress
        self._limit_memory()
        self._attach_state(read_only)
        if not read_only:
            for schema in SCHEMAS:
                self.execute(f"create schema if not exists {schema}")

    def _limit_memory(self) -> None:
        """DuckDB's memory limit: `NBAPROPS_MEMORY_LIMIT` (e.g. `8GB`), default 3 GB; above it, joins,
        aggregates, sorts and windows spill to the database's temp folder instead of growing the
        process (a 32-season build in one batch otherwise takes 7 GB)."""
        limit = os.environ.get("NBAPROPS_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT
        try:
            self.execute(f"set memory_limit = '{limit}'")
        except duckdb.Error as exc:
            self.con.close()
            raise UsageError(f"NBAPROPS_MEMORY_LIMIT={limit!r}: {str(exc).splitlines()[0]}") from None

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
    def _run(self, sql: str, params: Params) -> duckdb.DuckDBPyConnection:
        try:
            return self.con.execute(sql, params)
        finally:  # also after a failure: a statement may have changed things first
            if self.cache.changes(sql):
                self._changed_in_txn = self._in_txn
            elif _TXN_BEGIN.match(sql):
                self._in_txn = True
            elif _TXN_END.match(sql):
                if self._changed_in_txn:
                    self.cache.forget()  # what the transaction changed is now visible to every connection
                self._in_txn = self._changed_in_txn = False

    def execute(self, sql: str, params: Params = None) -> None:
        """Run one statement (parameters bind as `$name` or `?`); its result is consumed."""
        self._run(sql, params).fetchall()

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""
        return self._run(sql, params).fetchall()

    def dicts(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts keyed by column name."""
        cur = self._run(sql, params)
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Params = None) -> Any:
        """Run a query and return the first column of its first row (None when empty)."""
        rows = self._run(sql, params).fetchall()
        return rows[0][0] if rows else None

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per catalogue state: for facts derived from the raw tables (see
        `CatalogCache`), e.g. the schedule's dates, which every planner and gate step asks for."""
        with self.cache.memo_lock:
            if key in self.cache.memo:
                return self.cache.memo[key]
            generation = self.cache.generation
            value = compute()
            if generation == self.cache.generation:
                self.cache.memo[key] = value
            return value

    def arrow(self, sql: str, params: Params = None) -> pa.Table:
        """Run a query and return an Arrow table."""
        return self.con.sql(sql, params=params).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        """Expose an Arrow table to SQL under `name` for the life of the connection."""
        self.con.register(name, table)

    @staticmethod
    def values_sql(columns: Mapping[str, tuple[str, Sequence[Any]]]) -> tuple[str, list[Any]]:
        """A relation of Python lists, {column: (SQL type, values)}, all of one length, as a SELECT and
        its parameters (one list each). No Arrow: the backfill path does not import pyarrow (a quarter
        of a second), and a statement that reads the lists this way needs no temp table."""
        select = ", ".join(f"unnest(?::{kind}[]) as {col}" for col, (kind, _) in columns.items())
        return f"select {select}", [list(v) for _, v in columns.values()]

    @staticmethod
    def rows_sql(spec: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
        """`values_sql` for rows given as tuples in the order of `spec`, ((column, SQL type), ...)."""
        columns = list(zip(*rows, strict=True)) or [()] * len(spec)
        return Warehouse.values_sql(
            {name: (kind, values) for (name, kind), values in zip(spec, columns, strict=True)}
        )

    def temp_table(self, name: str, columns: Mapping[str, tuple[str, Sequence[Any]]]) -> None:
        """(Re)create temp table `name` from Python lists (see `values_sql`)."""
        select, values = self.values_sql(columns)
        self.con.execute(f"create or replace temp table {name} as {select}", values)
        self._temp_tables.add(name)

    def register_dates(self, name: str, dates: Sequence[date]) -> None:
        """Expose a list of dates to SQL as relation `name` with one column `d`."""
        self.temp_table(name, {"d": ("date", dates)})

    def unregister(self, name: str) -> None:
        """Drop a relation made by `register`, `register_dates` or `temp_table`."""
        if name in self._temp_tables:
            self.con.execute(f"drop table if exists temp.main.{name}")
            self._temp_tables.discard(name)
        else:
            self.con.unregister(name)

    # -- catalogue -------------------------------------------------------------------------
    def _relations(self) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
        """(schema, name) -> (table type, columns) of every table and view outside the temp catalogue;
        the state catalogue's tables are keyed under schema `state`. Read once per catalogue state."""
        cached = self.cache.relations
        if cached is None:
            generation = self.cache.generation
            # DuckDB's catalogue functions, not information_schema (its views cost twice as much)
            kinds = self.con.execute(
                "select database_name, schema_name, table_name, 'BASE TABLE' from duckdb_tables() "
                "where not internal union all "
                "select database_name, schema_name, view_name, 'VIEW' from duckdb_views() where not internal"
            ).fetchall()
            columns = dict(
                ((db, schema, name), cols)
                for db, schema, name, cols in self.con.execute(
                    "select database_name, schema_name, table_name, list(column_name order by column_index) "
                    "from duckdb_columns() where not internal group by all"
                ).fetchall()
            )
            relations: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
            for db, schema, name, kind in kinds:
                if db in ("temp", "system"):
                    continue
                key = ("state", name) if db == "state" and schema == "main" else (schema, name)
                relations.setdefault(key, (kind, tuple(columns.get((db, schema, name), ()))))
            if generation == self.cache.generation:
                self.cache.relations = relations
            return relations
        return cached

    def _relation(self, qualified: str) -> tuple[str, tuple[str, ...]] | None:
        schema, _, name = qualified.partition(".")
        return self._relations().get((schema, name))

    def table_exists(self, qualified: str) -> bool:
        """Whether `schema.name` (or `state.name`) is a table or view."""
        return self._relation(qualified) is not None

    def table_type(self, qualified: str) -> str | None:
        """`BASE TABLE`, `VIEW` (e.g. over a Spark engine's parquet) or None when absent."""
        found = self._relation(qualified)
        return None if found is None else found[0]

    def columns(self, qualified: str) -> list[str]:
        """Column names in order; an unqualified name is a temp table or registered relation."""
        if "." not in qualified:
            return [r[0] for r in self.rows(f"describe {qualified}")]
        found = self._relation(qualified)
        return [] if found is None else list(found[1])

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
        clone.cache = self.cache
        clone._in_txn = clone._changed_in_txn = False
        clone._temp_tables = set()
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
