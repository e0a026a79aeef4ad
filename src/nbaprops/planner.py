"""Backfill planning: which (table, date) partitions are missing, failed or stale, and why.

Grain of a plan: one `PlanItem` per registered table, holding its build dates and a reason per date
to rebuild. Expected dates come from the schedule; the ledger (`state.partitions`) says what exists,
and is checked against the tables themselves; staleness comes from input content fingerprints.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from nbaprops import feature_contract, registry
from nbaprops.ledger import WHOLE_TABLE, observe
from nbaprops.ml.schema import ensure_prediction_tables
from nbaprops.partitions import DateRange, expected_dates, install_settings
from nbaprops.registry import Table
from nbaprops.warehouse import Warehouse


@dataclass
class PlanItem:
    """The partitions of one table that this run must build, each with its reason."""

    table: Table
    reasons: dict[date, str] = field(default_factory=dict)
    skipped: list[date] = field(default_factory=list)
    expected: list[date] = field(default_factory=list)

    @property
    def dates(self) -> list[date]:
        return sorted(self.reasons)


@dataclass
class Plan:
    rng: DateRange
    items: list[PlanItem]

    def as_json(self) -> dict[str, Any]:
        return {
            item.table.name: {
                "dates": len(item.reasons),
                "reasons": summarize(item.reasons),
            }
            for item in self.items
        }


def summarize(reasons: dict[date, str]) -> dict[str, Any]:
    """Group dates by reason: count, first and last."""
    groups: dict[str, list[date]] = {}
    for d, why in sorted(reasons.items()):
        groups.setdefault(why.split(" from ")[0], []).append(d)
    return {
        why: {"count": len(ds), "first": ds[0].isoformat(), "last": ds[-1].isoformat()}
        for why, ds in groups.items()
    }


def prepare(wh: Warehouse) -> None:
    """The settings view and the feature contract the models read, and the predictions table the
    grading model reads (the ledger tables come with the state store when it is attached)."""
    install_settings(wh)
    feature_contract.install(wh)
    ensure_prediction_tables(wh)  # the grading model reads the predictions table


def observe_inputs(wh: Warehouse, tables: list[Table], run_id: str, history: DateRange) -> None:
    """Fingerprint every non-registered input (raw.*, meta.*) per date or as a whole.

    Only the dates a planned partition can read are fingerprinted: the planning range from its history
    start, extended back by the longest window reach of a model reading the input. A change outside
    cannot make any partition of this run stale, and a later run that reaches it observes it then.
    """
    registered = {t.name for t in registry.all_tables()}
    observed = []
    for name in sorted({i for t in tables for i in t.inputs if i not in registered}):
        if not wh.table_exists(name):
            continue  # the model itself fails loudly on a missing input when it runs
        date_col = "game_date" if "game_date" in wh.columns(name) else None
        reach = max(t.reach_days for t in tables if name in t.inputs)
        observed.append((name, date_col, (history.start - timedelta(days=reach), history.end)))
    observe(wh, observed, run_id)


def make_plan(wh: Warehouse, rng: DateRange, through: str, run_id: str, reasons: bool = True) -> Plan:
    """Find every missing, failed or stale partition of the phases up to `through`.

    Without `reasons`, only the expected dates are planned: a build finds each table's reasons from
    the ledger when its turn comes (`backfill.run_plan`), after its upstream tables are built.
    """
    prepare(wh)
    phases = registry.phases_through(through)
    tables = [t for t in registry.all_tables() if t.phase in phases]
    feeds = {i for t in tables for i in t.inputs}
    history = DateRange(history_start(wh, rng.start), rng.end, rng.season_phases)
    observe_inputs(wh, tables, run_id, history)
    items: list[PlanItem] = []
    planned: dict[str, list[date]] = {}
    for table in tables:
        item = PlanItem(table)
        # a table other planned tables read is also built over the history their windows need
        own = history if table.name in feeds else rng
        # `build` dates: what the engine writes (e.g. placeholders and future slates), a superset
        # of the `expected` dates that coverage is measured against
        expected = expected_dates(wh, table.build, own)
        if table.build.endswith("post_bootstrap"):
            everything = expected_dates(wh, "final", own)
            item.skipped = sorted(set(everything) - set(expected))
        item.expected = expected
        if not reasons:
            items.append(item)
            continue
        for d, why in ledger_reasons(wh, table, expected).items():
            item.reasons[d] = why
        # an input date reaches the table's dates from its own (the next day for `reads_before`)
        upstream = sorted(
            {d + timedelta(days=table.lag(i)) for i in table.inputs for d in planned.get(i, [])}
        )
        for d in expected:
            if d in item.reasons or not upstream:
                continue
            k = bisect.bisect_left(upstream, d - timedelta(days=table.reach_days))
            if k < len(upstream) and upstream[k] <= d:
                item.reasons[d] = f"stale from {upstream[k]} (upstream rebuild)"
        planned[table.name] = item.dates
        items.append(item)
    return Plan(rng, items)


def history_start(wh: Warehouse, start: date) -> date:
    """Start of the season before the one `start` falls in: every window (season to date, the
    previous season's roster, 365-day opponent history) reads at most that far back."""
    seasons = wh.rows(
        "select c.season_start, max(g.game_date) from raw.season_calendar c "
        "join raw.schedule_games g using (season_year) group by 1 order by 1"
    )
    current = next((i for i, (_, last) in enumerate(seasons) if last >= start), None)
    if current is None:
        return start
    return min(start, seasons[max(current - 1, 0)][0])


def ledger_reasons(wh: Warehouse, table: Table, expected: list[date]) -> dict[date, str]:
    """Expected dates that are missing, failed, or stale against a changed input partition."""
    if not expected:
        return {}
    lo, hi = min(expected), max(expected)
    present = (
        f"select {table.date_column} as d, count(*) as n from {table.name} "
        f"where {table.date_column} between date '{lo}' and date '{hi}' group by 1"
        if wh.table_exists(table.name)
        else "select cast(null as date) as d, 0 as n where false"
    )
    rows = wh.rows(
        f"""
        with expected as (select unnest(?::date[]) as d),
        led as (select partition_date, status, built_at, rows_written,
                            split_part(input_fingerprint, ':', 1) as model_hash
                     from state.partitions where table_name = ? and partition_date between ? and ?),
        present as ({present}),
        -- input partitions that changed after the oldest build of this table (usually few); a
        -- `reads_before` input's partition d - 1 is the last one date d reads (it counts one day later)
        inp as (select partition_date + if(table_name in (select unnest(?::varchar[])), 1, 0)
                           as partition_date, content_changed_at
                from state.partitions
                where table_name in (select unnest(?))
                  and content_changed_at > coalesce((select min(built_at) from led), timestamp '0001-01-01')),
        -- per date, the first input partition within its window's reach that changed after its build
        stale as (select e.d, min(i.partition_date) as stale_from
                  from expected e join led l on l.partition_date = e.d
                  join inp i on i.content_changed_at > l.built_at
                   and (i.partition_date = ? or i.partition_date between e.d - ? and e.d)
                  group by 1)
        select e.d, l.status, s.stale_from,
               coalesce(p.n, 0) <> coalesce(l.rows_written, 0) as tampered,
               l.model_hash is distinct from ? as model_changed
        from expected e left join led l on l.partition_date = e.d
        left join present p on p.d = e.d
        left join stale s on s.d = e.d
        """,
        [
            expected,
            table.name,
            lo,
            hi,
            list(table.reads_before) or [""],
            list(table.inputs) or [""],
            WHOLE_TABLE,
            table.reach_days,
            table.model_hash,
        ],
    )
    out: dict[date, str] = {}
    for d, status, stale_from, tampered, model_changed in rows:
        if status is None:
            out[d] = "missing"
        elif status == "complete" and tampered:
            # the ledger is checked against the table: rows deleted or added outside the engine
            out[d] = "missing (rows differ from the ledger)"
        elif model_changed and status in ("complete", "failed"):
            out[d] = f"{'failed, ' if status == 'failed' else ''}stale (model SQL or contract changed)"
        elif status == "failed":
            # models are deterministic: a failed partition is retried once an input changes
            if stale_from is not None:
                out[d] = f"failed, stale from {stale_from}"
        elif stale_from is not None:
            out[d] = "stale from " + ("an input table" if stale_from == WHOLE_TABLE else str(stale_from))
    return out
