"""Are two warehouses' tables identical? Per table: row count and the ledger's order-independent
fingerprint `bit_xor(hash(all columns except lineage))` (`nbaprops.ledger.hash_expr`); per ledger:
the same fingerprint over `state.partitions` without run ids and timestamps.

When a table differs, the second warehouse is attached and joined on the table's grain to say which
columns differ, on how many rows, and by how much (float drift vs a real difference).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbaprops import registry
from nbaprops.ledger import hash_expr
from nbaprops.warehouse import Warehouse

NUMERIC = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT")
#: Differences below this, on matching rows only, are float rounding (summation order), not logic.
FLOAT_TOLERANCE = 1e-5
LEDGER_COLUMNS = (
    "table_name, partition_date, status, rows_written, rows_expected, checks_passed, failed_checks, "
    "content_hash, hist_complete"
)


def tables_through(phase: str) -> list[registry.Table]:
    phases = registry.phases_through(phase)
    return [t for t in registry.all_tables() if t.phase in phases]


def fingerprints(db: Path, tables: list[registry.Table]) -> dict[str, dict[str, Any]]:
    """{table: {rows, hash}} for every table present, plus the ledger rows of those tables."""
    out: dict[str, dict[str, Any]] = {}
    with Warehouse(db, read_only=True) as wh:
        for t in tables:
            if not wh.table_exists(t.name):
                out[t.name] = {"rows": None, "hash": None}
                continue
            n, h = wh.rows(f"select count(*), coalesce({hash_expr(wh, t.name)}, 0) from {t.name}")[0]
            out[t.name] = {"rows": int(n), "hash": str(h)}
        names = [t.name for t in tables]
        n, h = wh.rows(
            f"select count(*), coalesce(bit_xor(hash({LEDGER_COLUMNS})), 0) from state.partitions "
            "where table_name in (select unnest(?))",
            [names],
        )[0]
        out["state.partitions"] = {"rows": int(n), "hash": str(h)}
    return out


def compare(a: Path, b: Path, phase: str = "features") -> dict[str, Any]:
    """Table-by-table comparison of two warehouses built from the same raw data."""
    tables = tables_through(phase)
    fa, fb = fingerprints(a, tables), fingerprints(b, tables)
    result: dict[str, Any] = {"identical": fa == fb, "tables": {}}
    for name in fa:
        same = fa[name] == fb[name]
        entry: dict[str, Any] = {"rows": fa[name]["rows"], "identical": same}
        if not same:
            entry |= {"rows_other": fb[name]["rows"]}
        result["tables"][name] = entry
    differing = [t for t in tables if not result["tables"][t.name]["identical"]]
    result["identical_up_to_float_rounding"] = result["identical"]
    if differing:
        result["diagnostics"] = diagnose(a, b, differing)
        result["identical_up_to_float_rounding"] = all(
            isinstance(d, dict) and d["float_rounding_only"] for d in result["diagnostics"].values()
        )
    return result


def diagnose(a: Path, b: Path, tables: list[registry.Table]) -> dict[str, Any]:
    """For each differing table: rows on one side only, and per differing column how many rows differ
    and the largest absolute difference (numbers)."""
    out: dict[str, Any] = {}
    with Warehouse(a, read_only=True) as wh:
        wh.execute(f"attach '{b}' as other (read_only)")
        for t in tables:
            if not wh.table_exists(t.name):
                out[t.name] = "missing in the first warehouse"
                continue
            schema, name = t.name.split(".")
            types = dict(
                wh.rows(
                    "select column_name, data_type from information_schema.columns "
                    "where table_catalog = current_database() and table_schema = ? and table_name = ?",
                    [schema, name],
                )
            )
            cols = [c for c in wh.columns(t.name) if c not in ("run_id", "processed_at")]
            other = f"other.{t.name}"
            key = " and ".join(f'x."{k}" = y."{k}"' for k in t.grain)
            only_first, only_second = wh.rows(
                f"select count(*) filter (where y.{t.grain[0]} is null), "
                f"count(*) filter (where x.{t.grain[0]} is null) "
                f"from {t.name} x full join {other} y on {key}"
            )[0]
            # columns compared on the rows both sides have (one row per grain key)
            per_col = ", ".join(f'count(*) filter (where x."{c}" is distinct from y."{c}")' for c in cols)
            counts = wh.rows(f"select {per_col} from {t.name} x join {other} y on {key}")[0]
            diff_cols = {c: int(n) for c, n in zip(cols, counts, strict=True) if n}
            detail: dict[str, Any] = {
                "only_first": int(only_first),
                "only_second": int(only_second),
                "columns": {},
            }
            for c, n in sorted(diff_cols.items(), key=lambda kv: -kv[1])[:15]:
                info: dict[str, Any] = {"rows_differing": n}
                if types.get(c, "").split("(")[0] in NUMERIC:
                    info["max_abs_diff"] = wh.scalar(
                        f'select max(abs(x."{c}" - y."{c}")) from {t.name} x join {other} y on {key}'
                    )
                detail["columns"][c] = info
            detail["float_rounding_only"] = (
                not only_first
                and not only_second
                and all((i.get("max_abs_diff") or 1.0) < FLOAT_TOLERANCE for i in detail["columns"].values())
                and len(diff_cols) <= 15
            )
            out[t.name] = detail
    return out
