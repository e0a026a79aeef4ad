"""Model SQL for Spark: DuckDB SQL transpiled with sqlglot, parameters inlined as date literals and
qualified tables (`schema.table`) pointed at the engine's temp views (`schema__table`).

Semantic differences sqlglot's dialects do not cover are settled here or in the session settings
(`spark_engine.SESSION_CONF`: ANSI mode off, so division by zero is NULL as in DuckDB; UTC), never in
the models: `/` divides doubles, as DuckDB's `/` does, and `avg` returns a double for decimals too
(Spark would keep and round decimals).
"""

from __future__ import annotations

from datetime import date

import sqlglot
from sqlglot import exp

from nbaprops.config import SCHEMAS


def view_name(qualified: str) -> str:
    """The Spark temp view that stands for a warehouse table."""
    schema, _, name = qualified.partition(".")
    return f"{schema}__{name}"


def to_spark(sql: str, params: dict[str, date]) -> str:
    """The model as Spark SQL, with `$name` parameters replaced by date literals."""
    return _spark_tree(sql, params).sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


def _spark_tree(sql: str, params: dict[str, date]) -> exp.Expr:
    tree = sqlglot.parse_one(sql, read="duckdb")
    for ph in list(tree.find_all(exp.Placeholder, exp.Parameter)):
        name = ph.name
        if name in params:
            ph.replace(exp.cast(exp.Literal.string(params[name].isoformat()), exp.DataType.Type.DATE))
    for t in list(tree.find_all(exp.Table)):
        if t.db in SCHEMAS and not t.catalog:
            alias = t.alias_or_name
            t.replace(exp.to_table(view_name(f"{t.db}.{t.name}")).as_(alias))
    for avg in list(tree.find_all(exp.Avg)):
        # DuckDB averages decimals into a double; Spark would return a decimal rounded to scale + 4
        avg.set("this", exp.cast(avg.this.copy(), exp.DataType.Type.DOUBLE))
    for div in list(tree.find_all(exp.Div)):
        # DuckDB's `/` is always a double division (decimals too); Spark keeps decimals, rounded
        for side in ("this", "expression"):
            div.set(side, exp.cast(div.args[side].copy(), exp.DataType.Type.DOUBLE))
    return tree


def _refs(node: exp.Expr) -> set[str]:
    return {t.name for t in node.find_all(exp.Table) if not t.db}


def spark_steps(sql: str, params: dict[str, date], prefix: str) -> tuple[list[tuple[str, str]], str]:
    """The model split for Spark: CTEs read more than once become steps `(view, sql)` to materialize
    in order (Spark would otherwise inline and recompute them at every reference), then the final
    query. Each statement carries the single-use CTEs it needs. Same rows as `to_spark`."""
    tree = _spark_tree(sql, params)
    with_ = tree.args.get("with_") or tree.args.get("with")
    if not isinstance(with_, exp.With) or with_.recursive:
        return [], tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    ctes = list(with_.expressions)
    names = [c.alias for c in ctes]
    uses = {n: 0 for n in names}
    for t in tree.find_all(exp.Table):
        if not t.db and t.name in uses:
            uses[t.name] += 1
    deps = {c.alias: _refs(c.this) & set(names) for c in ctes}
    shared = {n for n in names if uses[n] > 1}
    defs = {c.alias: c for c in ctes}

    def statement(body: exp.Expr) -> str:
        """`body` with table refs to shared CTEs pointed at their views and the inline CTEs it needs."""
        body = body.copy()
        for t in list(body.find_all(exp.Table)):
            if not t.db and t.name in shared:
                t.replace(exp.to_table(f"{prefix}__{t.name}").as_(t.alias_or_name))
        need: set[str] = set()
        todo = [n for n in _refs(body) if n in defs and n not in shared]
        while todo:
            n = todo.pop()
            if n not in need:
                need.add(n)
                todo.extend(d for d in deps[n] if d not in shared)
        inline = []
        for c in ctes:
            if c.alias in need:
                inner = c.this.copy()
                for t in list(inner.find_all(exp.Table)):
                    if not t.db and t.name in shared:
                        t.replace(exp.to_table(f"{prefix}__{t.name}").as_(t.alias_or_name))
                inline.append(exp.CTE(this=inner, alias=exp.TableAlias(this=exp.to_identifier(c.alias))))
        if inline:
            body.set("with_", exp.With(expressions=inline))
        return str(body.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE))

    steps = [(f"{prefix}__{n}", statement(defs[n].this)) for n in names if n in shared]
    final = tree.copy()
    final.set("with_", None)
    return steps, statement(final)
