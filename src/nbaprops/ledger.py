"""The partition ledger `state.partitions` and per-partition check results (in the state store).

Grain: `state.partitions` one row per (table_name, partition_date); `state.check_results` one row per
(run_id, table_name, partition_date, check_name). A partition is `complete` only when it was written
AND its blocking checks passed. Whole-table inputs (no date column) use the sentinel date 0001-01-01.
`content_hash` fingerprints a partition's rows (lineage columns excluded); `content_changed_at` moves
only when that fingerprint changes, which is what makes downstream partitions stale.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from nbaprops.state import DDL
from nbaprops.warehouse import Warehouse

WHOLE_TABLE = date(1, 1, 1)
LINEAGE = ("run_id", "processed_at", "staged_file", "staged_line", "loaded_at")


def ensure_ledger(wh: Warehouse) -> None:
    """The state tables (created when the state store is attached; kept for callers that rely on it)."""
    for ddl in DDL:
        wh.execute(ddl)


def hash_expr(wh: Warehouse, relation: str) -> str:
    """SQL for an order-independent fingerprint of rows (lineage columns excluded)."""
    cols = [c for c in wh.columns(relation) if c not in LINEAGE]
    return "bit_xor(hash(" + ", ".join(f'"{c}"' for c in cols) + "))"


def content_hashes(
    wh: Warehouse, relation: str, date_column: str | None, window: tuple[date, date] | None = None
) -> dict[date, int]:
    """Fingerprint per date (or one for the whole relation); only dates in `window` when given."""
    expr = hash_expr(wh, relation)
    if date_column is None:
        return {WHOLE_TABLE: int(wh.scalar(f"select coalesce({expr}, 0) from {relation}"))}
    within = f"and {date_column} between ? and ?" if window else ""
    return {
        d: int(h)
        for d, h in wh.rows(
            f"select {date_column}, {expr} from {relation} where {date_column} is not null {within} "
            "group by 1",
            list(window) if window else None,
        )
    }


def input_fingerprints(
    wh: Warehouse, inputs: tuple[str, ...], reach_days: int, model_hash: str
) -> dict[date, str]:
    """Per planned date (relation `_planned`): the model's hash and a fingerprint of every input
    partition within the window's reach (whole-table inputs included) as the ledger has them now."""
    rows = wh.rows(
        """
        select p.d, bit_xor(hash(i.table_name, i.partition_date, i.content_hash))
        from _planned p join state.partitions i
          on i.table_name in (select unnest(?))
         and (i.partition_date = ? or i.partition_date between p.d - ? and p.d)
        group by 1
        """,
        [list(inputs) or [""], WHOLE_TABLE, reach_days],
    )
    found = {d: f"{model_hash}:{h:016x}" for d, h in rows}
    return {d: found.get(d, f"{model_hash}:none") for d in [r[0] for r in wh.rows("select d from _planned")]}


def observe(
    wh: Warehouse, table: str, hashes: dict[date, int], run_id: str, window: tuple[date, date] | None = None
) -> None:
    """Record input (raw/meta) fingerprints; `content_changed_at` moves only for changed partitions.

    With `window`, only that date range was fingerprinted: partitions outside it are left as they are
    (a later run whose window reaches them observes them then).
    """
    wh.register("_observed", pa.table({"d": list(hashes), "h": [str(v) for v in hashes.values()]}))
    wh.execute(
        """
        insert into state.partitions
        select ?, o.d, 'complete', null, null, true, null, ?, null, cast(o.h as ubigint), now(), now(), null
        from _observed o
        on conflict (table_name, partition_date) do update set
            content_changed_at = case when content_hash is distinct from excluded.content_hash
                                      then now() else content_changed_at end,
            content_hash = excluded.content_hash,
            status = 'complete'
        """,
        [table, run_id],
    )
    # partitions that disappeared from the input are changes too
    wh.execute(
        "update state.partitions set content_changed_at = now(), content_hash = 0, status = 'missing' "
        "where table_name = ? and partition_date not in (select d from _observed) "
        "and status = 'complete' and partition_date between ? and ?",
        [table, *(window or (date.min, date.max))],
    )
    wh.unregister("_observed")
