"""The partition ledger `state.partitions` and per-partition check results (in the state store).

Grain: `state.partitions` one row per (table_name, partition_date); `state.check_results` one row per
(run_id, table_name, partition_date, check_name). A partition is `complete` only when it was written
AND its blocking checks passed. Whole-table inputs (no date column) use the sentinel date 0001-01-01.
`content_hash` fingerprints a partition's rows (lineage columns excluded); `content_changed_at` moves
only when that fingerprint changes, which is what makes downstream partitions stale.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from nbaprops.warehouse import Warehouse

WHOLE_TABLE = date(1, 1, 1)
LINEAGE = ("run_id", "processed_at", "staged_file", "staged_line", "loaded_at")


def hash_expr(wh: Warehouse, relation: str) -> str:
    """SQL for an order-independent fingerprint of rows (lineage columns excluded)."""
    cols = [c for c in wh.columns(relation) if c not in LINEAGE]
    return "bit_xor(hash(" + ", ".join(f'"{c}"' for c in cols) + "))"


def content_hash_sql(
    wh: Warehouse, relation: str, date_column: str | None, window: tuple[date, date] | None = None
) -> str:
    """SELECT (date, fingerprint) per date of `relation` (one row dated WHOLE_TABLE when it has no
    date column), only the dates in `window` when given."""
    expr = hash_expr(wh, relation)
    if date_column is None:
        return f"select date '{WHOLE_TABLE.isoformat()}' as d, coalesce({expr}, 0) as h from {relation}"
    within = f"and {date_column} between date '{window[0]}' and date '{window[1]}'" if window else ""
    return (
        f"select {date_column} as d, {expr} as h from {relation} "
        f"where {date_column} is not null {within} group by 1"
    )


def partition_summary_sql(wh: Warehouse, relation: str, date_column: str) -> str:
    """SELECT (date, rows, content fingerprint) per date of `relation`, in one scan."""
    return (
        f"select {date_column} as d, count(*) as n, {hash_expr(wh, relation)} as h from {relation} "
        f"where {date_column} is not null group by 1"
    )


def input_fingerprints(
    wh: Warehouse,
    dates: list[date],
    inputs: tuple[str, ...],
    reach_days: int,
    model_hash: str,
    reads_before: tuple[str, ...] = (),
) -> dict[date, str]:
    """Per planned date (`dates`, also relation `_planned`): the model's hash and a fingerprint of
    every input partition within the window's reach (whole-table inputs included) as the ledger has
    them now. The window of date d is [d - reach, d], and [d - reach - 1, d - 1] for the inputs in
    `reads_before` (read strictly before d)."""
    if not dates:
        return {}
    rows = wh.rows(*input_fingerprints_sql(dates, inputs, reach_days, reads_before))
    return fingerprint_labels([(d, h) for d, _, h in rows], dates, model_hash)


def input_fingerprints_sql(
    dates: list[date], inputs: tuple[str, ...], reach_days: int, reads_before: tuple[str, ...] = ()
) -> tuple[str, list[Any]]:
    """`input_fingerprints` as a query of (date, NULL, fingerprint) and its parameters.

    The fingerprint is the XOR of the partitions' hashes. XOR is its own inverse, so a date's window
    [d - reach, d] is the running XOR at d against the running XOR before d - reach: linear in the
    dates, where joining every date to its whole window grew with dates x reach. The running XOR starts
    at the earliest window's first day (only the partitions some window covers are read: a daily run
    reads a year of its inputs' ledger, not their whole history). A `reads_before` input's partitions
    count one day later (`pd`): partition d - 1 is then the last one date d's window holds.
    """
    sql = """
        with inp as (
            select partition_date + if(table_name in (select unnest(?::varchar[])), 1, 0) as pd,
                   hash(table_name, partition_date, content_hash) as h
            from state.partitions where table_name in (select unnest(?::varchar[]))
              and (partition_date = ? or partition_date between ? and ?)),
        whole as (select coalesce(bit_xor(h), 0) as h, count(*) as n from inp where pd = ?),
        dated as (select pd, bit_xor(h) as h, count(*) as n from inp where pd <> ? group by pd),
        running as (
            select pd, bit_xor(h) over upto as x, sum(n) over upto as n
            from dated
            window upto as (order by pd rows between unbounded preceding and current row)),
        ends as (
            select p.d, hi.x as hi_x, hi.n as hi_n, lo.x as lo_x, lo.n as lo_n
            from (select d, d - ? as before from _planned) p
            asof left join running hi on p.d >= hi.pd
            asof left join running lo on p.before > lo.pd)
        select e.d, null::bigint as unused, xor(xor(coalesce(e.hi_x, 0), coalesce(e.lo_x, 0)), w.h) as h
        from ends e cross join whole w
        where coalesce(e.hi_n, 0) - coalesce(e.lo_n, 0) + w.n > 0
        """
    params = [
        list(reads_before) or [""],
        list(inputs) or [""],
        WHOLE_TABLE,
        min(dates) - timedelta(days=reach_days + 1),
        max(dates),
        WHOLE_TABLE,
        WHOLE_TABLE,
        reach_days,
    ]
    return sql, params


def fingerprint_labels(rows: list[tuple[date, int]], dates: list[date], model_hash: str) -> dict[date, str]:
    """The ledger's `input_fingerprint` of each date: `model hash:input fingerprint`, or
    `model hash:none` for a date no input partition reaches."""
    found = {d: f"{model_hash}:{int(h):016x}" for d, h in rows}
    return {d: found.get(d, f"{model_hash}:none") for d in dates}


def observe(wh: Warehouse, inputs: list[tuple[str, str | None, tuple[date, date]]], run_id: str) -> None:
    """Fingerprint inputs (raw/meta relations) and record the fingerprints in the ledger, in one
    statement each way; `content_changed_at` moves only for changed partitions.

    `inputs` are (relation, date column or None, window): only the window's dates are fingerprinted,
    and partitions outside it are left as they are (a later run whose window reaches them observes
    them then). A partition that disappeared from its input within the window is a change too.
    """
    if not inputs:
        return
    parts = [
        f"select '{name}' as t, d, cast(h as ubigint) as h from ({content_hash_sql(wh, name, col, window)})"
        for name, col, window in inputs
    ]
    wh.temp_table(
        "_observed_windows",
        {
            "t": ("varchar", [name for name, _, _ in inputs]),
            "lo": ("date", [w[0] for _, _, w in inputs]),
            "hi": ("date", [w[1] for _, _, w in inputs]),
        },
    )
    wh.execute("create or replace temp table _observed as " + " union all ".join(parts))
    with wh.transaction():
        wh.execute(
            """
            insert into state.partitions
            select o.t, o.d, 'complete', null, null, true, null, ?, null, o.h, now(), now(), null
            from _observed o
            left join state.partitions p on p.table_name = o.t and p.partition_date = o.d
            where p.content_hash is distinct from o.h or p.status is distinct from 'complete'
            on conflict (table_name, partition_date) do update set
                content_changed_at = case when content_hash is distinct from excluded.content_hash
                                          then now() else content_changed_at end,
                content_hash = excluded.content_hash,
                status = 'complete'
            """,
            [run_id],
        )
        wh.execute(
            """
            update state.partitions p
            set content_changed_at = now(), content_hash = 0, status = 'missing'
            from _observed_windows w
            where p.table_name = w.t and p.partition_date between w.lo and w.hi and p.status = 'complete'
              and not exists (select 1 from _observed o where o.t = p.table_name and o.d = p.partition_date)
            """
        )
    wh.unregister("_observed_windows")
