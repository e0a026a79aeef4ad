"""`nbaprops validate --phase P`: every check of every table the registry lists for the phase.

The list of tables comes from `registry.tables_in(phase)` and nothing else, so a table registered
later is validated (and appears in the checklist) with no change here. `raw` has no registered models:
its checks are the Phase 2 gate (`validate.raw`).
"""

from __future__ import annotations

from datetime import date

from nbaprops import registry
from nbaprops.errors import UsageError
from nbaprops.partitions import DateRange, expected_dates
from nbaprops.validate.raw import check_raw
from nbaprops.validate.results import CheckResult, Report
from nbaprops.validate.tables import check_table
from nbaprops.warehouse import Warehouse

VALIDATED_PHASES = ("raw", "analytics", "precompute", "features")
#: Wide enough for any NBA schedule; used by `raw` when there is no schedule to take the span from.
ALL_DATES = (date(1946, 1, 1), date(2100, 12, 31))


def resolve_range(
    wh: Warehouse, start: date | None, end: date | None, season_phases: tuple[str, ...], phase: str
) -> DateRange:
    """The range to validate (see `resolve`)."""
    return resolve(wh, start, end, season_phases, phase)[0]


def resolve(
    wh: Warehouse, start: date | None, end: date | None, season_phases: tuple[str, ...], phase: str
) -> tuple[DateRange, str | None]:
    """The range to validate, and a note when it was defaulted (start > end is exit 2).

    Missing bounds default to the span the backfill has built (the ledger's partitions of the
    registered tables), so an unbuilt prehistory of the schedule (e.g. team logs from 2014-15) is not
    reported as missing; with an empty ledger, and for `raw`, to the schedule's span.
    """
    if start and end and start > end:
        raise UsageError(f"--start {start} is after --end {end}")
    if start and end:
        return DateRange(start, end, season_phases), None
    lo: date | None = None
    hi: date | None = None
    source = "the schedule"
    tables = [t.name for t in registry.all_tables()]
    if phase != "raw" and wh.table_exists("state.partitions") and tables:
        lo, hi = wh.rows(
            "select min(partition_date), max(partition_date) from state.partitions "
            "where table_name in (select unnest(?)) and status in ('complete', 'failed')",
            [tables],
        )[0]
        source = "the built span (state.partitions)"
    if lo is None and wh.table_exists("raw.schedule_games"):
        lo, hi = wh.rows("select min(game_date), max(game_date) from raw.schedule_games")[0]
        source = "the schedule"
    if lo is None:
        if phase != "raw":
            raise UsageError("no raw.schedule_games in the warehouse: run `nbaprops ingest` first")
        lo, hi = ALL_DATES
    assert lo is not None and hi is not None
    rng = DateRange(start or lo, end or hi, season_phases)
    return rng, f"range {rng.start}..{rng.end} defaulted to {source}; choose one with --start/--end"


def validate_phase(wh: Warehouse, phase: str, rng: DateRange, strict: bool = False) -> Report:
    """Every check of the phase over the range, as values (the CLI prints them)."""
    if phase not in VALIDATED_PHASES:
        raise UsageError(f"unknown phase {phase!r} (use one of {', '.join(VALIDATED_PHASES)})")
    report = Report(f"validate:{phase}", rng.start, rng.end)
    report.context = {"season_phases": list(rng.season_phases), "strict": strict, "tables": []}
    if phase == "raw":
        report.results = check_raw(wh, rng)
        report.context["tables"] = sorted({r.table for r in report.results})
        return report
    tables = registry.tables_in(phase)
    if not tables:
        report.results.append(
            CheckResult(
                phase,
                "registry",
                False,
                0.0,
                1.0,
                unit="count",
                note=f"no table is registered for phase {phase}",
            )
        )
        return report
    expected_total = 0
    for table in tables:
        results, notes = check_table(wh, table, rng, strict)
        report.results.extend(results)
        report.notes.extend(notes)
        report.context["tables"].append(table.name)
        expected_total += len(expected_dates(wh, table.expected, rng))
    if expected_total == 0:
        report.notes.insert(
            0,
            f"empty expected set: no {phase} table has an expected date in "
            f"{rng.start}..{rng.end} (e.g. an all-bootstrap range); READY by rule",
        )
    report.context["runs"] = producing_runs(wh, [t.name for t in tables], rng)
    return report


def producing_runs(wh: Warehouse, tables: list[str], rng: DateRange) -> list[dict[str, object]]:
    """The runs that wrote the partitions of these tables in the range (from the ledger)."""
    if not wh.table_exists("state.partitions") or not tables:
        return []
    rows = wh.rows(
        "select run_id, count(*), min(partition_date), max(partition_date) from state.partitions "
        "where table_name in (select unnest(?)) and partition_date between ? and ? "
        "and status = 'complete' group by 1 order by 1",
        [tables, rng.start, rng.end],
    )
    return [{"run_id": r, "partitions": n, "first": str(a), "last": str(b)} for r, n, a, b in rows]
