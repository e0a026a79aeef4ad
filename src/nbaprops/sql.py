"""Model SQL: read a model's input tables (sqlglot) and transpile it to other engines.

Models are written in DuckDB SQL, portable by construction: parameters are `$start_date` and
`$end_date` only; real tables are always schema-qualified so their inputs can be read from the SQL.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar, cast

from nbaprops.errors import UsageError

DIALECTS = ("duckdb", "bigquery", "spark")


def input_tables(sql: str) -> set[str]:
    """Schema-qualified tables a query reads (CTE names excluded)."""

    def parse() -> list[str]:
        import sqlglot  # imported only when a model must be parsed (half a second)
        from sqlglot import exp

        tree = sqlglot.parse_one(sql, read="duckdb")
        return sorted({f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db})

    return set(_parsed(("inputs", sql), parse))


def retarget(sql: str, table: str, relation: str) -> str:
    """Point a query written against `table` (schema.name) at another relation (e.g. staged rows)."""

    def rewrite() -> str:
        import sqlglot
        from sqlglot import exp

        schema, name = table.split(".")
        tree = sqlglot.parse_one(sql, read="duckdb")
        for t in tree.find_all(exp.Table):
            if t.db == schema and t.name == name:
                target = exp.to_table(relation)
                # a DESCRIBE takes a bare name; elsewhere the old name stays as the alias
                t.replace(target if isinstance(t.parent, exp.Describe) else target.as_(t.alias_or_name))
        return tree.sql(dialect="duckdb")

    return str(_parsed(("retarget", sql, table, relation), rewrite))


_T = TypeVar("_T")
_MEMORY: dict[str, Any] | None = None


def _parsed(parts: tuple[str, ...], compute: Callable[[], _T]) -> _T:
    """The result of a sqlglot parse, kept in a small on-disk cache keyed by its inputs and the
    sqlglot version (like dbt's partial parsing): parsing the models takes seconds, and every run
    asks for the same answers. A changed model is parsed again."""
    global _MEMORY
    key = hashlib.sha256("\n".join((_sqlglot_version(), *parts)).encode()).hexdigest()
    if _MEMORY is None:
        _MEMORY = _read_cache()
    if key not in _MEMORY:
        _MEMORY[key] = compute()
        _write_cache(key, _MEMORY[key])
    return cast(_T, _MEMORY[key])


@functools.cache
def _sqlglot_version() -> str:
    return version("sqlglot")


def cache_path() -> Path:
    """`$NBAPROPS_CACHE_DIR/sql_parsed.json` (default `~/.cache/nbaprops`)."""
    folder = os.environ.get("NBAPROPS_CACHE_DIR") or Path.home() / ".cache" / "nbaprops"
    return Path(folder) / "sql_parsed.json"


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(key: str, value: Any) -> None:
    """Best effort: an unwritable cache only costs the parse next time."""
    path = cache_path()
    data = _read_cache() | {key: value}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        tmp.replace(path)  # atomic: concurrent writers never leave a torn file
    except OSError:
        pass


def transpile(sql: str, dialect: str) -> str:
    """The model in another dialect; anything sqlglot cannot express there raises."""
    if dialect not in DIALECTS:
        raise UsageError(f"unknown dialect {dialect!r} (use {', '.join(DIALECTS)})")
    import sqlglot

    return sqlglot.transpile(
        sql, read="duckdb", write=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE, pretty=True
    )[0]
