"""Model SQL: read a model's input tables (sqlglot) and transpile it to other engines.

Models are written in DuckDB SQL, portable by construction: parameters are `$start_date` and
`$end_date` only; real tables are always schema-qualified so their inputs can be read from the SQL.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

from nbaprops.errors import UsageError

DIALECTS = ("duckdb", "bigquery", "spark")


def input_tables(sql: str) -> set[str]:
    """Schema-qualified tables a query reads (CTE names excluded).

    Parsing the models takes seconds, so the answer is kept in a small on-disk cache keyed by the
    SQL text and the sqlglot version (like dbt's partial parsing); a changed model is parsed again.
    """
    key = hashlib.sha256(f"{version('sqlglot')}\n{sql}".encode()).hexdigest()
    cached = _read_cache().get(key)
    if cached is not None:
        return set(cached)
    import sqlglot  # imported only when a model must be parsed (half a second)
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    found = {f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db}
    _write_cache(key, sorted(found))
    return found


def cache_path() -> Path:
    """`$NBAPROPS_CACHE_DIR/sql_inputs.json` (default `~/.cache/nbaprops`)."""
    folder = os.environ.get("NBAPROPS_CACHE_DIR") or Path.home() / ".cache" / "nbaprops"
    return Path(folder) / "sql_inputs.json"


def _read_cache() -> dict[str, list[str]]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(key: str, inputs: list[str]) -> None:
    """Best effort: an unwritable cache only costs the parse next time."""
    path = cache_path()
    data = _read_cache() | {key: inputs}
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
