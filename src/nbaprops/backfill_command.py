"""`nbaprops backfill` and `nbaprops status`: wire the planner, runner, gates and run records.

Grain of `status`: one row per (table, season) with expected, complete, missing, stale, failed and
historically incomplete partition counts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from nbaprops import registry
from nbaprops.backfill import Progress, run_plan
from nbaprops.errors import GateFailed, UsageError
from nbaprops.partitions import DateRange, expected_dates
from nbaprops.planner import make_plan
from nbaprops.runs import finish_run, start_run
from nbaprops.validate.gates import gate_results, season_label
from nbaprops.validate.results import CheckResult
from nbaprops.warehouse import Warehouse

if TYPE_CHECKING:
    from rich.console import Console


def schedule_span(wh: Warehouse) -> tuple[date, date]:
    if not wh.table_exists("raw.schedule_games"):
        raise UsageError("no raw.schedule_games: run `nbaprops ingest` first")
    lo, hi = wh.rows("select min(game_date), max(game_date) from raw.schedule_games")[0]
    if lo is None:
        raise UsageError("raw.schedule_games is empty: run `nbaprops ingest` first")
    return lo, hi


def run_backfill(
    wh: Warehouse,
    start: date | None,
    end: date | None,
    through: str,
    dry_run: bool,
    batch_days: int | None,
    season_phases: tuple[str, ...],
    quiet: bool,
    overrides: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Plan and (unless dry-run) build; returns the JSON-shaped summary."""
    lo, hi = schedule_span(wh)
    rng = DateRange(start or lo, end or hi, season_phases)
    args = {
        "start": rng.start,
        "end": rng.end,
        "through": through,
        "dry_run": dry_run,
        "batch_days": batch_days,
        "season_phases": list(season_phases),
        "override_gate_seasons": list(overrides),
    }
    run_id = start_run(wh, "backfill", args)
    started = time.perf_counter()
    try:
        plan = make_plan(wh, rng, through, run_id, reasons=dry_run)
        if dry_run:
            finish_run(wh, run_id, "dry_run", {"plan": plan.as_json()})
            return {
                "run_id": run_id,
                "status": "dry_run",
                "plan": plan.as_json(),
                "details": {
                    i.table.name: {d.isoformat(): why for d, why in sorted(i.reasons.items())}
                    for i in plan.items
                },
            }
        refusals: list[CheckResult] = []
        checked: dict[str, list[CheckResult]] = {}
        with progress_bars(quiet) as progress:
            results = run_plan(
                wh,
                plan,
                run_id,
                batch_days,
                gate=lambda phase: phase_gate(wh, phase, rng, refusals, set(overrides), checked),
                progress=progress,
            )
    except GateFailed as exc:
        finish_run(wh, run_id, "gate_failed", {"error": str(exc)})
        raise
    except KeyboardInterrupt:
        finish_run(wh, run_id, "interrupted", {})
        raise
    except BaseException as exc:
        finish_run(wh, run_id, "failed", {"error": str(exc).splitlines()[0] if str(exc) else repr(exc)})
        raise
    written = sum(r.partitions_written for r in results)
    failed = sum(r.partitions_failed for r in results)
    expected_total = sum(len(i.expected) for i in plan.items)  # build dates, history included
    status = "gate_failed" if refusals else "succeeded" if not failed else "completed_with_failures"
    summary: dict[str, Any] = {
        "run_id": run_id,
        "status": status,
        "partitions_written": written,
        "partitions_skipped": expected_total - written - failed,
        "partitions_failed": failed,
        "seconds": round(time.perf_counter() - started, 3),
        "models": [asdict(r) | {"seconds": round(r.seconds, 3)} for r in results],
        "gates": [r.as_json() for r in refusals],
        "gate_report": [line for r in refusals for line in r.lines()],
    }
    finish_run(wh, run_id, summary["status"], summary)
    return summary


@contextmanager
def progress_bars(quiet: bool) -> Iterator[Progress | None]:
    """A progress bar per table on stderr; none when quiet (rich is then not even imported)."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    with Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bars:
        tasks: dict[str, Any] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bars.add_task(table, total=total)
            bars.update(tasks[table], completed=done)

        yield progress


def failing_seasons(wh: Warehouse, result: CheckResult) -> set[int]:
    """The seasons a failing check is about: its season label, else the seasons of its dates."""
    if result.check.startswith("date_completeness:"):
        return {int(result.check.split(":")[1][:4])}
    if not result.dates:
        return set()
    rows = wh.rows(
        "select distinct season_year from raw.schedule_games where game_date in (select unnest(?))",
        [list(result.dates)],
    )
    return {int(r[0]) for r in rows}


def phase_gate(
    wh: Warehouse,
    phase: str,
    rng: DateRange,
    refusals: list[CheckResult],
    overrides: set[int],
    checked: dict[str, list[CheckResult]] | None = None,
) -> set[int]:
    """Seasons refused before `phase`. Failures confined to seasons in `overrides` (an explicit
    `--override-gate SEASON`, recorded with the run) are reported but let through. Any other failing
    check that is not one season's date completeness stops the whole run."""
    failures = [r for r in gate_results(wh, phase, rng, checked) if not r.passed]
    failures = [r for r in failures if not (failing_seasons(wh, r) and failing_seasons(wh, r) <= overrides)]
    seen = {(r.table, r.check) for r in refusals}
    refusals.extend(r for r in failures if (r.table, r.check) not in seen)
    whole = [r for r in failures if not r.check.startswith("date_completeness:")]
    if whole:
        lines = [f"gate before {phase}: {len(failures)} check(s) failed"]
        for r in failures:
            lines.extend(r.lines())
        raise GateFailed("\n".join(lines))
    return {int(r.check.split(":")[1][:4]) for r in failures}


def print_plan(console: Console, payload: dict[str, Any]) -> None:
    for table, info in payload["plan"].items():
        if not info["dates"]:
            console.print(f"{table}: up to date")
            continue
        console.print(f"{table}: {info['dates']} partitions to build")
        for why, g in info["reasons"].items():
            console.print(f"  {why}: {g['count']} ({g['first']} .. {g['last']})")
        stale = {d: w for d, w in payload["details"][table].items() if w.startswith("stale")}
        for d, why in list(stale.items())[:10]:
            console.print(f"    {d} {why}")
        if len(stale) > 10:
            console.print(f"    ... (+{len(stale) - 10} more stale)")


def status_rows(wh: Warehouse) -> list[dict[str, Any]]:
    """Per table and season: expected, complete, missing, stale, failed, historically incomplete."""
    lo, hi = schedule_span(wh)
    rng = DateRange(lo, hi)
    plan = make_plan(
        wh,
        rng,
        registry.PHASES[-1]
        if any(t.phase == "predictions" for t in registry.all_tables())
        else max((t.phase for t in registry.all_tables()), key=registry.PHASES.index),
        "status",
    )
    seasons = dict(wh.rows("select distinct game_date, season_year from raw.schedule_games"))
    out = []
    for item in plan.items:
        t = item.table
        expected = expected_dates(wh, t.expected, rng)
        ledger = {
            r[0]: (r[1], r[2])
            for r in wh.rows(
                "select partition_date, status, hist_complete from state.partitions where table_name = ?",
                [t.name],
            )
        }
        per: dict[int, dict[str, int]] = {}
        for d in expected:
            s = per.setdefault(
                seasons[d],
                dict.fromkeys(("expected", "complete", "missing", "stale", "failed", "hist_incomplete"), 0),
            )
            s["expected"] += 1
            status, hist = ledger.get(d, (None, None))
            why = item.reasons.get(d, "")
            if status is None:
                s["missing"] += 1
            elif status == "failed":
                s["failed"] += 1
            elif why.startswith("stale") and "upstream rebuild" not in why:
                s["stale"] += 1
            else:
                s["complete"] += 1
            if hist is False:
                s["hist_incomplete"] += 1
        for season, counts in sorted(per.items()):
            out.append(
                {
                    "table": t.name,
                    "season": season_label(season),
                    **counts,
                    "complete_pct": round(100 * counts["complete"] / counts["expected"], 1),
                }
            )
    return out
