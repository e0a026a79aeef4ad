"""Backfill runs: stage, audit and publish each planned batch, then record it in the ledger.

Grain of the work: one (table, date) partition. Each model runs set-based: one statement for the
whole planned range, or one per batch of `batch_days`; each batch is staged, audited and published
by the warehouse's engine, then its ledger rows are written to the state store; a crash leaves old
or new partitions, never a mix within a DuckDB batch, and re-running the same command finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from nbaprops import registry
from nbaprops.checks import audit_staged, entity_counts_from_rows, entity_counts_sql
from nbaprops.crash import crash_point
from nbaprops.ledger import fingerprint_labels, input_fingerprints_sql
from nbaprops.partitions import chunks
from nbaprops.phase_runner import run_phase
from nbaprops.planner import Plan, PlanItem, ledger_reasons
from nbaprops.registry import Table
from nbaprops.warehouse import Warehouse

#: Per-date entity coverage below this fails the date (SPEC §5.0).
ENTITY_MIN_SHARE = 0.90
#: History window, in days before a Phase 4 / feature date, whose missing Phase 3 dates make the
#: partition historically incomplete (about the last 10-15 games of a team).
HIST_REACH_DAYS = 30


#: Columns of a batch's ledger rows and check rows, in the order `build_batch` makes them.
LEDGER_COLUMNS = (
    ("d", "date"),
    ("status", "varchar"),
    ("rows_written", "bigint"),
    ("rows_expected", "bigint"),
    ("passed", "boolean"),
    ("failed_checks", "varchar"),
    ("h", "varchar"),
    ("hist", "boolean"),
    ("fingerprint", "varchar"),
)
CHECK_COLUMNS = (
    ("check_name", "varchar"),
    ("d", "date"),
    ("passed", "boolean"),
    ("value", "double"),
    ("threshold", "double"),
)


@dataclass
class ModelResult:
    table: str
    seconds: float = 0.0
    rows: int = 0
    partitions_written: int = 0
    partitions_failed: int = 0
    batches: int = 0


def build_batch(wh: Warehouse, table: Table, dates: list[date], run_id: str) -> tuple[int, int, int]:
    """Stage, audit and publish one batch; returns (rows, partitions complete, partitions failed)."""
    wh.register_dates("_planned", dates)
    wh.engine.stage(wh, table, dates, run_id)
    crash_point("staged")
    audit = audit_staged(
        wh,
        table,
        "_stage",
        also={
            "entities": entity_counts_sql(table, "_stage", dates),
            "fingerprints": input_fingerprints_sql(dates, table.inputs, table.reach_days, table.reads_before),
        },
    )
    dups, extra = audit.dups, audit.extra
    entities = entity_counts_from_rows(audit.also["entities"])
    fingerprints = fingerprint_labels(
        [(d, h) for d, _, h in audit.also["fingerprints"]], dates, table.model_hash
    )
    counts = {day: n for day, (n, _) in audit.summary.items()}
    hashes = {day: h for day, (_, h) in audit.summary.items()}
    hist = historical_completeness(wh, table, dates, run_id)
    ledger_rows, check_rows = [], []
    for day in dates:
        failed: list[str] = []
        if dups.get(day):
            failed.append("grain_unique")
        check_rows.append(("grain_unique", day, not dups.get(day), float(dups.get(day, 0)), 0.0))
        expected_n, actual_n = entities.get(day, (counts.get(day, 0), counts.get(day, 0)))
        share = actual_n / expected_n if expected_n else 1.0  # nothing expected: nothing missing
        if table.entity != "none":
            ok = share >= ENTITY_MIN_SHARE
            check_rows.append(("entity_coverage", day, ok, share, ENTITY_MIN_SHARE))
            if not ok:
                failed.append("entity_coverage")
        elif not counts.get(day) and not table.extra.get("allow_empty"):
            failed.append("no_rows")
        for check in table.checks:
            bad = offending_rows(extra[check.name], day)
            check_rows.append((check.name, day, bad == 0, float(bad), 0.0))
            if bad and check.blocking:
                failed.append(check.name)
        ledger_rows.append(
            (
                day,
                "failed" if failed else "complete",
                counts.get(day, 0),
                expected_n,
                not failed,
                ",".join(failed) or None,
                str(hashes.get(day, 0)),  # ubigint: passed as text, cast in SQL
                hist.get(day),
                fingerprints[day],
            )
        )
    publish(wh, table, dates, [day for day in dates if dups.get(day)], ledger_rows, check_rows, run_id)
    wh.unregister("_planned")
    written = sum(1 for r in ledger_rows if r[1] == "complete")
    return sum(counts.values()), written, len(dates) - written


def offending_rows(found: Mapping[date | None, int], day: date) -> int:
    """A check's offending rows on `day`: its own, plus those without a date (a table-level offence,
    e.g. a label column among the staged columns, fails every date of the batch)."""
    return found.get(day, 0) + found.get(None, 0)


def publish(
    wh: Warehouse,
    table: Table,
    dates: list[date],
    withheld: list[date],
    ledger_rows: list[tuple[Any, ...]],
    check_rows: list[tuple[Any, ...]],
    run_id: str,
) -> None:
    """Replace the partitions (the engine's atomicity), then record the ledger and the check results
    in one state-store transaction."""
    ledger, ledger_params = wh.rows_sql(LEDGER_COLUMNS, ledger_rows)
    checks, check_params = wh.rows_sql(CHECK_COLUMNS, check_rows)
    blocking = {c.name: c.blocking for c in table.checks}
    # the data, then the ledger: the state store is another database, so a crash in between leaves
    # the ledger rows as they were, and the planner rebuilds these dates (idempotently) on resume
    wh.engine.publish(wh, table, dates, withheld)
    crash_point("data_published")
    with wh.transaction():
        # one MERGE: the dates the ledger has are updated, the others inserted (DuckDB 2.0.1, one row
        # with its transaction: 8.6-11 ms, against 14-16 ms for an update then an insert)
        wh.execute(
            f"""
            merge into state.partitions p
            using (select ? as table_name, * from ({ledger})) n
            on p.table_name = n.table_name and p.partition_date = n.d
            when matched then update set
                content_changed_at = case when p.content_hash is distinct from cast(n.h as ubigint)
                                          then now() else p.content_changed_at end,
                content_hash = cast(n.h as ubigint), status = n.status,
                rows_written = n.rows_written, rows_expected = n.rows_expected,
                checks_passed = n.passed, failed_checks = n.failed_checks,
                run_id = ?, built_at = now(), input_fingerprint = n.fingerprint, hist_complete = n.hist
            when not matched then insert (
                table_name, partition_date, status, rows_written, rows_expected, checks_passed,
                failed_checks, run_id, input_fingerprint, content_hash, content_changed_at, built_at,
                hist_complete
            ) values (
                n.table_name, n.d, n.status, n.rows_written, n.rows_expected, n.passed, n.failed_checks, ?,
                n.fingerprint, cast(n.h as ubigint), now(), now(), n.hist)
            """,
            [table.name, *ledger_params, run_id, run_id],
        )
        wh.execute(
            "insert into state.check_results select ?, ?, d, check_name, passed, "
            "coalesce(list_contains(?, check_name), true), value, threshold, null, now() "
            f"from ({checks})",
            [
                run_id,
                table.name,
                [k for k, v in blocking.items() if v] + ["grain_unique", "entity_coverage", "no_rows"],
                *check_params,
            ],
        )
    crash_point("published")


def historical_completeness(wh: Warehouse, table: Table, dates: list[date], run_id: str) -> dict[date, bool]:
    """Phase 4 / feature dates whose recent Phase 3 history (same season) has a missing date.

    A season-phase for which no source has any player rows (e.g. a Cup final the league logs do not
    cover) is not a hole in the history: it is reported by `validate` as uncoverable instead.

    The answer depends on the dates only (Phase 3's ledger and rows, the schedule), and a run finishes
    Phase 3 before any table that asks: it is read once per run and batch of dates, not per table.
    """
    if table.phase not in ("precompute", "features"):
        return {}
    return dict(wh.memo(("historical_completeness", run_id, tuple(dates)), lambda: _history_complete(wh)))


def _history_complete(wh: Warehouse) -> dict[date, bool]:
    """`historical_completeness` of the dates in relation `_planned`."""
    rows = wh.rows(
        """
        with days as (select d from _planned),
        seasons as (select distinct season_year from raw.schedule_games
                    where game_date in (select d from days)),
        covered as (select distinct season_year, season_phase from analytics.player_game_summary
                    where season_year in (select season_year from seasons)),
        sched as (select distinct g.game_date, g.season_year from raw.schedule_games g
                  join covered c using (season_year, season_phase)
                  where g.game_status = 'final'),
        pgs as (select partition_date from state.partitions
                where table_name = 'analytics.player_game_summary' and status = 'complete')
        select days.d, count(s.game_date) filter (where p.partition_date is null) = 0
        from days
        left join sched cur on cur.game_date = days.d
        left join sched s on s.season_year = cur.season_year
             and s.game_date between days.d - ? and days.d - 1
        left join pgs p on p.partition_date = s.game_date
        group by 1
        """,
        [HIST_REACH_DAYS],
    )
    return {d: bool(ok) for d, ok in rows}


def record_skipped(wh: Warehouse, item: PlanItem, run_id: str) -> None:
    """Bootstrap dates of Phase 4 tables: `skipped` in the ledger (never `complete`)."""
    if not item.skipped:
        return
    wh.execute(
        "insert into state.partitions select ?, d, 'skipped', 0, 0, true, null, ?, null, 0, now(), "
        "now(), null from (select unnest(?::date[]) as d) where d not in "
        "(select partition_date from state.partitions where table_name = ?)",
        [item.table.name, run_id, item.skipped, item.table.name],
    )


Progress = Callable[[str, int, int], None]


def build_table(
    wh: Warehouse,
    item: PlanItem,
    run_id: str,
    batch_days: int | None,
    progress: Progress | None,
    refused: set[date] | None = None,
    planned: Callable[[list[date]], None] | None = None,
) -> ModelResult:
    """All batches of one table, in date order.

    Its dates are planned again from the ledger first, now that its upstream tables are built: a
    propagated date whose inputs came out unchanged is not rebuilt (the dry-run plan is an upper
    bound). Dates in `refused` (seasons a gate refused) are not built. `planned` is told the dates
    before the first batch starts.
    """
    started = time.perf_counter()
    item.reasons = {
        d: why for d, why in ledger_reasons(wh, item.table, item.expected).items() if d not in (refused or ())
    }
    if planned:
        planned(item.dates)
    record_skipped(wh, item, run_id)
    result = ModelResult(item.table.name)
    batches = chunks(item.dates, batch_days)
    for i, batch in enumerate(batches):
        rows, ok, bad = build_batch(wh, item.table, batch, run_id)
        result.rows += rows
        result.partitions_written += ok
        result.partitions_failed += bad
        result.batches += 1
        if progress:
            progress(item.table.name, i + 1, len(batches))
    result.seconds = time.perf_counter() - started
    return result


def run_plan(
    wh: Warehouse,
    plan: Plan,
    run_id: str,
    batch_days: int | None,
    gate: Callable[[str], set[int]] | None = None,
    progress: Progress | None = None,
) -> list[ModelResult]:
    """Build every planned partition phase by phase, with a gate before each new phase; within a
    phase, each table as soon as its inputs allow (`phase_runner.run_phase`, one DuckDB connection
    per table).

    The gate returns the seasons it refuses: their dates are withheld from every later phase (the
    caller reports them); the seasons that pass go on.
    """
    season_of = dict(wh.rows("select distinct game_date, season_year from raw.schedule_games"))
    wh.engine.begin_run(wh, [item.table for item in plan.items])
    results: list[ModelResult] = []
    refused: set[int] = set()
    first = True
    for phase in registry.PHASES:
        items = [item for item in plan.items if item.table.phase == phase]
        if not items:
            continue
        if not first and gate is not None:
            refused |= gate(phase)
        first = False
        refused_dates = {d for d, season in season_of.items() if season in refused}

        def build(
            cur: Warehouse,
            item: PlanItem,
            planned: Callable[[list[date]], None],
            refused_dates: set[date] = refused_dates,
        ) -> ModelResult:
            return build_table(cur, item, run_id, batch_days, progress, refused_dates, planned)

        results.extend(run_phase(wh, items, build, refused_dates))
    return results
