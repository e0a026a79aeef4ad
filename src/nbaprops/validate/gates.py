"""Gates between phases (SPEC §1.3, §7.2): set-based, over the whole range, once.

Before Phase N runs, every table of the earlier phases must cover ≥ 95% of its expected
non-bootstrap dates in the range (a date counts only if its ledger partition is complete) and meet
its critical-field thresholds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from nbaprops import registry
from nbaprops.errors import GateFailed
from nbaprops.partitions import DateRange, expected_dates
from nbaprops.registry import Table
from nbaprops.validate.results import CheckResult, backfill_fix
from nbaprops.warehouse import Warehouse

DATE_COMPLETENESS = 0.95


def season_label(season_year: int) -> str:
    return f"{season_year}-{(season_year + 1) % 100:02d}"


def date_completeness(
    wh: Warehouse, table: Table, rng: DateRange, kind: str | None = None
) -> list[CheckResult]:
    """Per season: share of expected dates whose ledger partition is complete.

    A season-phase in which the table has no rows at all is one no staged source covers (e.g. the
    2023-24 playoffs have no player box scores): its dates are reported by name as uncoverable and
    left out of the share, never silently counted as present.
    """
    expected = set(expected_dates(wh, kind or table.expected, rng))
    if not expected:
        return [
            CheckResult(
                table.name,
                "date_completeness",
                True,
                1.0,
                DATE_COMPLETENESS,
                note="no expected dates in range",
            )
        ]
    # no rows to learn covered phases from; still binds $start/$end (DuckDB refuses unused params)
    covered_phases = "select null as season_year, null as season_phase where $start > $end"
    if wh.table_exists(table.name) and "season_phase" in wh.columns(table.name):
        covered_phases = (
            f"select distinct season_year, season_phase from {table.name} "
            f"where {table.date_column} between $start and $end"
        )
    rows = wh.rows(
        f"""
        with days as (
            select g.game_date, g.season_year,
                   bool_or((g.season_year, g.season_phase) in (select (season_year, season_phase)
                           from ({covered_phases}))) as coverable
            from raw.schedule_games g where g.game_date in (select unnest($expected::date[]))
            group by 1, 2)
        select d.game_date, d.season_year, d.coverable or not $has_phase, p.status = 'complete'
        from days d left join state.partitions p
          on p.table_name = $table and p.partition_date = d.game_date
        order by 1
        """,
        {
            "start": rng.start,
            "end": rng.end,
            "table": table.name,
            "has_phase": covered_phases.startswith("select distinct"),
            "expected": sorted(expected),
        },
    )
    results = []
    for season in sorted({r[1] for r in rows}):
        days = [r for r in rows if r[1] == season]
        counted = [r for r in days if r[2]]
        uncoverable = [r[0] for r in days if not r[2]]
        missing = tuple(r[0] for r in counted if not r[3])
        share = 1.0 if not counted else 1 - len(missing) / len(counted)
        note = f"{len(counted) - len(missing)}/{len(counted)} dates"
        if uncoverable:
            note += f"; {len(uncoverable)} dates no source covers: {uncoverable[0]}..{uncoverable[-1]}"
        results.append(
            CheckResult(
                table.name,
                f"date_completeness:{season_label(season)}",
                share >= DATE_COMPLETENESS,
                share,
                DATE_COMPLETENESS,
                missing,
                backfill_fix(missing, table.phase),
                note=note,
            )
        )
    return results


def critical_fields(
    wh: Warehouse, table: Table, rng: DateRange, dates: list[date] | None = None
) -> list[CheckResult]:
    """Non-NULL share of each critical field over the range (or only over `dates`, e.g. the expected
    dates of the chosen season phases), and the dates that fall short."""
    results: list[CheckResult] = []
    if not wh.table_exists(table.name):
        return results
    d = table.date_column
    fields = table.critical_fields
    if not fields:
        return results
    # one scan for every field: per date, each field's rows in scope and its non-NULL count
    counts = ", ".join(
        f"count(*) filter (where {f.where}), count({f.column}) filter (where {f.where})" for f in fields
    )
    per_date = wh.rows(
        f"select {d}, {counts} from {table.name} where {d} between ? and ? group by 1 order by 1",
        [rng.start, rng.end],
    )
    if dates is not None:
        keep = set(dates)
        per_date = [r for r in per_date if r[0] in keep]
    for i, field in enumerate(fields):
        rows = [(r[0], r[1 + 2 * i], r[2 + 2 * i]) for r in per_date if r[1 + 2 * i]]
        total = sum(r[1] for r in rows)
        present = sum(r[2] for r in rows)
        share = present / total if total else 1.0
        bad = tuple(r[0] for r in rows if r[2] / r[1] < field.min_share)
        results.append(
            CheckResult(
                table.name,
                f"critical_field:{field.column}",
                share >= field.min_share,
                share,
                field.min_share,
                bad,
                f"rebuild the upstream table first, then: {backfill_fix(bad, table.phase)}",
            )
        )
    return results


def gate_results(
    wh: Warehouse, next_phase: str, rng: DateRange, done: dict[str, list[CheckResult]] | None = None
) -> list[CheckResult]:
    """The checks that must pass before `next_phase` runs.

    `done` keeps each table's results for the run's later gates: phases run in order, so a table of an
    earlier phase does not change after its own phase's gate has checked it.
    """
    earlier = registry.PHASES[1 : registry.PHASES.index(next_phase)]
    done = {} if done is None else done
    tables = [t for t in registry.all_tables() if t.phase in earlier]

    def check(table: Table) -> list[CheckResult]:
        kind = "final_post_bootstrap" if table.expected in ("final", "scheduled") else table.expected
        with wh.cursor() as on:  # each table's checks on their own connection: they run side by side
            return date_completeness(on, table, rng, kind) + critical_fields(on, table, rng)

    todo = [t for t in tables if t.name not in done]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for table, results in zip(todo, pool.map(check, todo), strict=True):
            done[table.name] = results
    return [r for t in tables for r in done[t.name]]


def enforce_gate(wh: Warehouse, next_phase: str, rng: DateRange) -> None:
    """Raise `GateFailed` naming every failing check (exit 1)."""
    failures = [r for r in gate_results(wh, next_phase, rng) if not r.passed]
    if failures:
        lines = [f"gate before {next_phase}: {len(failures)} check(s) failed"]
        for r in failures:
            lines.extend(r.lines())
        raise GateFailed("\n".join(lines))
