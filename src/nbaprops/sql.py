"""Model SQL: read a model's input tables (sqlglot) and transpile it to other engines.

Models are written in DuckDB SQL, portable by construction: parameters are `$start_date` and
`$end_date` only; real tables are always schema-qualified so their inputs can be read from the SQL.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from nbaprops.errors import UsageError

DIALECTS = ("duckdb", "bigquery", "spark")


def input_tables(sql: str) -> set[str]:
    """Schema-qualified tables a query reads (CTE names excluded)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return {f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db}


def transpile(sql: str, dialect: str) -> str:
    """The model in another dialect; anything sqlglot cannot express there raises."""
    if dialect not in DIALECTS:
        raise UsageError(f"unknown dialect {dialect!r} (use {', '.join(DIALECTS)})")
    return sqlglot.transpile(
        sql, read="duckdb", write=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE, pretty=True
    )[0]
