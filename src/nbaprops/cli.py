"""The `nbaprops` command line: thin commands, each parsing options and calling one library function.

Errors are one line on stderr with exit code 2 (usage/input) or 1 (not ready/failed), never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nbaprops.config import Settings
from nbaprops.errors import GateFailed, NbapropsError, UsageError
from nbaprops.warehouse import Warehouse

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A rich `Console` made on first use: importing rich costs a tenth of a second, which a
    `--json` command that prints no rich output should not pay."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return getattr(self._console, name)


err: Any = LazyConsole(stderr=True)
out: Any = LazyConsole()

db_option = click.option(
    "--db", default=None, help="Warehouse file (env NBAPROPS_DB, default ./nbaprops.duckdb)"
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object")


state_option = click.option(
    "--state",
    default=None,
    help="State store: ledger, runs, checks (env NBAPROPS_STATE, default <db>.state.duckdb)",
)
engine_options = [
    click.option("--engine", type=click.Choice(["duckdb", "spark"]), default=None,
                 help="Data engine (env NBAPROPS_ENGINE, default duckdb)"),
    click.option("--spark-master", default=None,
                 help="Spark master URL (env NBAPROPS_SPARK_MASTER, default local[*])"),
    click.option("--spark-dir", default=None,
                 help="Spark data folder or URL (env NBAPROPS_SPARK_DIR, default <db>.spark)"),
]  # fmt: skip


def with_engine_options(f: Any) -> Any:
    for option in reversed(engine_options):
        f = option(f)
    return f


def open_warehouse(
    db: str | None,
    must_exist: bool = False,
    state: str | None = None,
    engine: tuple[str | None, str | None, str | None] = (None, None, None),
) -> Warehouse:
    """The warehouse with its state store and data engine (`engine` = name, Spark master, Spark dir)."""
    from nbaprops.engines import open_engine

    settings = Settings.from_env(db)
    if must_exist and not settings.db_path.exists():
        raise UsageError(f"no warehouse at {settings.db_path} (run `nbaprops ingest` first)")
    name, master, spark_dir = engine
    data_engine = open_engine(name, str(settings.db_path), master, spark_dir)
    return Warehouse(settings.db_path, state=state, engine=data_engine)


def emit_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")


@click.group(help=__doc__)
def app() -> None:
    """nbaprops."""


@app.command()
@click.option("--source", type=click.Choice(["files", "synthetic", "live"]), default="files")
@click.option("--path", type=click.Path(path_type=Path), default=None, help="Folder of staged files")
@click.option("--seasons", type=click.IntRange(min=1), default=2, help="Synthetic seasons")
@click.option("--seed", type=int, default=7, help="Synthetic seed")
@click.option("--seasons-list", default=None, help="Live: comma list of seasons, e.g. 2024-25,2025-26")
@click.option(
    "--season-type", "season_types", multiple=True,
    type=click.Choice(["Regular Season", "Playoffs", "PlayIn", "Pre Season"]),
    help="Live: season type (repeatable; default Regular Season)",
)  # fmt: skip
@db_option
@json_option
def ingest(
    source: str, path: Path | None, seasons: int, seed: int, seasons_list: str | None,
    season_types: tuple[str, ...], db: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Phase 2: load staged files (or a synthetic league, or NBA.com live) into raw.*, with quarantine
    and audit."""
    from nbaprops.ingest.command import print_report, run_ingest

    if source == "files" and path is None:
        raise UsageError("--source files needs --path DIR")
    live = None
    if source == "live":
        from nbaprops.ingest.live import live_request

        live = live_request(seasons_list, season_types)
    with open_warehouse(db) as wh:
        report = run_ingest(wh, source, path, seasons, seed, quiet=as_json, live=live)
    if as_json:
        emit_json(report.as_json())
    else:
        print_report(out, report)


PHASE_CHOICES = click.Choice(["analytics", "precompute", "features", "predictions"])


@app.command()
@click.option("--start", default=None, help="First date (YYYY-MM-DD); default: schedule start")
@click.option("--end", default=None, help="Last date (YYYY-MM-DD); default: schedule end")
@click.option("--through", type=PHASE_CHOICES, default="features", help="Last phase to build")
@click.option("--dry-run", is_flag=True, help="Print the plan: per table, dates and why")
@click.option("--batch-days", type=click.IntRange(min=1), default=None, help="Days per batch")
@click.option(
    "--season-phases",
    default="regular,play_in,playoffs,cup_final",
    help="Comma list of season phases that count as expected",
)
@click.option(
    "--override-gate",
    "override_gate",
    type=int,
    multiple=True,
    metavar="SEASON",
    help="Let a season (start year) through the gates despite known gaps; recorded in state.runs",
)
@with_engine_options
@state_option
@db_option
@json_option
def backfill(
    start: str | None,
    end: str | None,
    through: str,
    dry_run: bool,
    batch_days: int | None,
    season_phases: str,
    override_gate: tuple[int, ...],
    engine: str | None,
    spark_master: str | None,
    spark_dir: str | None,
    state: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Bring every table up to date for a range, in DAG order, with gates between phases."""
    from nbaprops.backfill_command import print_plan, run_backfill
    from nbaprops.partitions import parse_date

    first = parse_date(start, "--start") if start else None
    last = parse_date(end, "--end") if end else None
    if first and last and first > last:
        raise UsageError(f"--start {first} is after --end {last}")
    phases = tuple(p.strip() for p in season_phases.split(",") if p.strip())
    with open_warehouse(db, True, state, (engine, spark_master, spark_dir)) as wh:
        summary = run_backfill(wh, first, last, through, dry_run, batch_days, phases, as_json, override_gate)
    if as_json:
        emit_json(summary)
    elif dry_run:
        print_plan(out, summary)
    else:
        for m in summary["models"]:
            out.print(
                f"{m['table']}: {m['partitions_written']} written, "
                f"{m['partitions_failed']} failed, {m['rows']:,} rows, {m['seconds']:.2f}s"
            )
        out.print(
            f"{summary['status']}: {summary['partitions_written']} partitions written, "
            f"{summary['partitions_skipped']} up to date, {summary['partitions_failed']} failed "
            f"in {summary['seconds']:.1f}s (run {summary['run_id']})"
        )
    if summary.get("gate_report"):
        sys.stderr.write("gate refused seasons (their later phases were not built):\n")
        sys.stderr.write("\n".join(summary["gate_report"]) + "\n")
    if summary.get("gate_report"):
        sys.exit(1)  # failed partitions are recorded in the ledger; `validate` judges readiness


@app.command()
@state_option
@db_option
@json_option
def status(state: str | None, db: str | None, as_json: bool) -> None:
    """Per table and season: expected, complete, missing, stale, failed, historically incomplete."""
    from rich.table import Table as RichTable

    from nbaprops.backfill_command import status_rows

    with open_warehouse(db, must_exist=True, state=state) as wh:
        rows = status_rows(wh)
    if as_json:
        emit_json({"tables": rows})
        return
    grid = RichTable(title="partition status")
    for col in (
        "table",
        "season",
        "expected",
        "complete",
        "missing",
        "stale",
        "failed",
        "hist_incomplete",
        "complete_pct",
    ):
        grid.add_column(col)
    for r in rows:
        grid.add_row(
            *(
                str(r[c])
                for c in (
                    "table",
                    "season",
                    "expected",
                    "complete",
                    "missing",
                    "stale",
                    "failed",
                    "hist_incomplete",
                    "complete_pct",
                )
            )
        )
    out.print(grid)


@app.command()
@click.option("--seasons", type=click.IntRange(min=1), default=2, help="Synthetic seasons")
@click.option("--seed", type=int, default=7)
@click.option(
    "--report-dir",
    type=click.Path(path_type=Path),
    default=Path("demo-report"),
    help="Where the report and dashboard go",
)
@db_option
def demo(seasons: int, seed: int, db: str | None, report_dir: Path) -> None:
    """The main job: synthetic league → ingest → backfill → readiness → train → predict → grade → report."""
    from nbaprops.demo import run_demo

    with open_warehouse(db) as wh:
        run_demo(wh, seasons, seed, report_dir, out)


@app.command("sql")
@click.argument("table")
@click.option("--dialect", type=click.Choice(["duckdb", "bigquery", "spark"]), default="duckdb")
def sql_command(table: str, dialect: str) -> None:
    """Print a model's SQL, transpiled with sqlglot to another engine."""
    from nbaprops import registry
    from nbaprops.sql import transpile

    click.echo(transpile(registry.get(table).sql, dialect))


# -- validation, readiness and reports (issue 6) ------------------------------------------------------
VALIDATE_PHASES = click.Choice(["raw", "analytics", "precompute", "features"])
SEASON_PHASES_ALL = "regular,play_in,playoffs,cup_final"


def _range_options(start: str | None, end: str | None) -> tuple[Any, Any]:
    from nbaprops.partitions import parse_date

    first = parse_date(start, "--start") if start else None
    last = parse_date(end, "--end") if end else None
    if first and last and first > last:
        raise UsageError(f"--start {first} is after --end {last}")
    return first, last


def _read_warehouse(db: str | None) -> Warehouse:
    """An existing warehouse, opened read-only (validation never writes)."""
    settings = Settings.from_env(db)
    if not settings.db_path.exists():
        raise UsageError(f"no warehouse at {settings.db_path} (run `nbaprops ingest` first)")
    return Warehouse(settings.db_path, read_only=True)


@app.command()
@click.option("--phase", type=VALIDATE_PHASES, required=True, help="Phase to validate")
@click.option("--start", default=None, help="First date (YYYY-MM-DD); default: schedule start")
@click.option("--end", default=None, help="Last date (YYYY-MM-DD); default: schedule end")
@click.option(
    "--season-phases", default=SEASON_PHASES_ALL, help="Comma list of season phases that count as expected"
)
@click.option("--strict", is_flag=True, help="PARTIAL contamination fails too")
@click.option("--verbose", is_flag=True, help="List every date and item")
@db_option
@json_option
def validate(
    phase: str,
    start: str | None,
    end: str | None,
    season_phases: str,
    strict: bool,
    verbose: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """Check every table of a phase (SPEC §7): exit 0 ready, 1 not ready, 2 bad usage."""
    from nbaprops.validate.phase import resolve, validate_phase

    first, last = _range_options(start, end)
    phases = tuple(p.strip() for p in season_phases.split(",") if p.strip())
    with _read_warehouse(db) as wh:
        rng, note = resolve(wh, first, last, phases, phase)
        report = validate_phase(wh, phase, rng, strict)
    report.notes[:0] = [note] if note else []
    if as_json:
        emit_json(report.as_json(verbose))
    else:
        for line in report.lines(verbose):
            click.echo(line)
    if not report.ready:
        sys.exit(1)


@app.command()
@click.option("--phase", type=VALIDATE_PHASES, required=True, help="Phase to list")
@click.option("--start", default=None, help="First date (YYYY-MM-DD); default: schedule start")
@click.option("--end", default=None, help="Last date (YYYY-MM-DD); default: schedule end")
@click.option(
    "--season-phases", default=SEASON_PHASES_ALL, help="Comma list of season phases that count as expected"
)
@db_option
def checklist(phase: str, start: str | None, end: str | None, season_phases: str, db: str | None) -> None:
    """A markdown checklist generated from the registry: every table and check, ticked by measurement."""
    from nbaprops.validate.checklist import render
    from nbaprops.validate.phase import resolve, validate_phase

    first, last = _range_options(start, end)
    phases = tuple(p.strip() for p in season_phases.split(",") if p.strip())
    with _read_warehouse(db) as wh:
        rng, note = resolve(wh, first, last, phases, phase)
        report = validate_phase(wh, phase, rng)
    report.notes[:0] = [note] if note else []
    click.echo(render(report, phase))
    if not report.ready:
        sys.exit(1)


@app.command()
@click.option("--start", default=None, help="First date (YYYY-MM-DD); default: feature store start")
@click.option("--end", default=None, help="Last date (YYYY-MM-DD); default: feature store end")
@click.option(
    "--min-rows", type=click.IntRange(min=0), default=50_000, help="Training rows needed (default 50,000)"
)
@click.option("--verbose", is_flag=True, help="List every date and item")
@db_option
@json_option
def readiness(
    start: str | None, end: str | None, min_rows: int, verbose: bool, db: str | None, as_json: bool
) -> None:
    """ML training readiness (SPEC §7.2) and the four ways datasets lie: exit 0 ready, 1 not."""
    from nbaprops.validate.readiness import readiness as check_readiness

    first, last = _range_options(start, end)
    with _read_warehouse(db) as wh:
        report = check_readiness(wh, first, last, min_rows)
    if as_json:
        emit_json(report.as_json(verbose))
    else:
        for line in report.lines(verbose):
            click.echo(line)
    if not report.ready:
        sys.exit(1)


@app.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the result documents and index.html",
)
@click.option("--start", default=None, help="First date (YYYY-MM-DD); default: schedule start")
@click.option("--end", default=None, help="Last date (YYYY-MM-DD); default: schedule end")
@click.option("--min-rows", type=click.IntRange(min=0), default=50_000, help="Readiness row minimum")
@db_option
@json_option
def report(
    out_dir: Path, start: str | None, end: str | None, min_rows: int, db: str | None, as_json: bool
) -> None:
    """Write PHASE3/PHASE4 validation results, ML-READINESS.md and an offline HTML dashboard."""
    from nbaprops.report.build import write_report

    first, last = _range_options(start, end)
    with _read_warehouse(db) as wh:
        written = write_report(wh, out_dir, first, last, min_rows)
    if as_json:
        emit_json(
            {"out": str(out_dir), "files": [str(p) for p in written["files"]], "ready": written["ready"]}
        )
    else:
        for p in written["files"]:
            click.echo(f"wrote {p}")
        for name, ok in written["ready"].items():
            click.echo(f"{name}: {'READY' if ok else 'NOT_READY'}")


TARGET_CHOICES = click.Choice(["points", "threes"])


@app.command()
@click.option("--target", type=TARGET_CHOICES, default="points", help="Label: points or threes made")
@click.option("--start", default=None, help="First training date; default: --end minus 364 days")
@click.option("--end", default=None, help="Last training date; default: last training-ready date")
@click.option("--test-end", default=None, help="Last held-out test date; default: --end + 60 days")
@db_option
@json_option
def train(
    target: str, start: str | None, end: str | None, test_end: str | None, db: str | None, as_json: bool
) -> None:
    """Phase 5: fit a GBDT (chronological early stopping) and register a versioned artifact."""
    from nbaprops.ml.train import run_train
    from nbaprops.partitions import parse_date

    first = parse_date(start, "--start") if start else None
    last = parse_date(end, "--end") if end else None
    test_last = parse_date(test_end, "--test-end") if test_end else None
    with open_warehouse(db, must_exist=True) as wh:
        card = run_train(wh, target, first, last, test_last)
    if as_json:
        emit_json(card)
        return
    m = card["metrics"]
    out.print(
        f"{card['model_id']}: {card['n_train']:,} fit + {card['n_valid']:,} validation rows "
        f"({card['train_start']} .. {card['trained_through_date']}), {card['best_iteration']} "
        f"iterations, validation MAE {m['valid_mae']}"
    )
    if m["test"]["n"]:
        base = ", ".join(f"{k.removeprefix('baseline_')} {v}" for k, v in m["test"]["baselines"].items())
        out.print(
            f"test {card['test_start']} .. {card['test_end']}: {m['test']['n']:,} rows, MAE "
            f"{m['test']['mae']} (baselines: {base})"
        )
    out.print(f"artifact {card['artifact_path']}")


@app.command()
@click.option("--seasons", default=None, help="Comma list of season start years (default 2023,2024)")
@click.option("--window-days", type=click.IntRange(min=30), default=365, help="Training window per month")
@click.option("--min-edge", type=click.FloatRange(min=0), default=1.0, help="Edge needed to bet")
@db_option
@json_option
def evaluate(seasons: str | None, window_days: int, min_edge: float, db: str | None, as_json: bool) -> None:
    """Phase 5: monthly walk-forward backtest, baselines, and the markets against real prop lines."""
    from nbaprops.ml.evaluate import run_evaluate
    from nbaprops.runs import finish_run, start_run

    try:
        years = tuple(int(s) for s in seasons.split(",") if s.strip()) if seasons else None
    except ValueError:
        raise UsageError(f"--seasons {seasons!r}: use start years such as 2023,2024") from None
    with open_warehouse(db, must_exist=True) as wh:
        args = {"seasons": years, "window_days": window_days, "min_edge": min_edge}
        run_id = start_run(wh, "evaluate", args)
        try:
            report = run_evaluate(wh, years, window_days, min_edge, run_id)
        except BaseException as exc:
            finish_run(wh, run_id, "failed", {"error": str(exc).splitlines()[0] if str(exc) else repr(exc)})
            raise
        finish_run(wh, run_id, "succeeded", {"suspected_leakage": report["suspected_leakage"]})
    if as_json:
        emit_json(report)
        return
    wf = report["walk_forward"]
    base = ", ".join(f"{k} {v}" for k, v in wf["baselines"].items())
    out.print(
        f"walk-forward points {', '.join(wf['seasons'])}: n={wf['n']:,} MAE {wf['mae']} (baselines: {base})"
    )
    for tier, v in wf["by_minutes_tier"].items():
        out.print(f"  minutes {tier}: n={v['n']:,} MAE {v['mae']}")
    for market, m in report["markets"].items():
        if not m.get("n"):
            out.print(f"{market}: {m.get('note', 'no rows')}")
            continue
        out.print(
            f"{market} vs lines {m['period'][0]} .. {m['period'][1]}: n={m['n']:,} model MAE "
            f"{m['model_mae']} vs line MAE {m['line_mae']}"
        )
        for t, rate in m["hit_rate"].items():
            lo, hi = m["hit_rate_ci95"][t]
            out.print(
                f"  |edge| >= {t}: {m['n_at_edge'][t]:,} bets, hit rate {rate} [{lo}, {hi}], "
                f"ROI {m['roi'][t]}"
            )
    for flag in report["suspected_leakage"]:
        err.print(f"[bold red]SUSPECTED LEAKAGE[/]: {flag}")


@app.command()
@click.option("--date", "day", required=True, help="Game date to predict (YYYY-MM-DD), past or future")
@click.option("--target", type=TARGET_CHOICES, default=None, help="One market (default: every trained one)")
@click.option("--model-id", default=None, help="A registered model (default: newest trained before --date)")
@click.option(
    "--min-edge",
    type=click.FloatRange(min=0),
    default=1.0,
    help="Bet only when |predicted - line| >= this (default 1.0)",
)
@db_option
@json_option
def predict(
    day: str, target: str | None, model_id: str | None, min_edge: float, db: str | None, as_json: bool
) -> None:
    """Phase 5: write predictions.player_prop_predictions for one date (models and baselines)."""
    from nbaprops.ml.predict import run_predict
    from nbaprops.partitions import parse_date
    from nbaprops.runs import finish_run, start_run

    d = parse_date(day, "--date")
    with open_warehouse(db, must_exist=True) as wh:
        run_id = start_run(
            wh, "predict", {"date": d, "target": target, "model_id": model_id, "min_edge": min_edge}
        )
        try:
            summary = run_predict(wh, d, min_edge, (target,) if target else None, model_id, run_id)
        except BaseException as exc:
            finish_run(wh, run_id, "failed", {"error": str(exc).splitlines()[0] if str(exc) else repr(exc)})
            raise
        finish_run(wh, run_id, "succeeded", summary)
    if as_json:
        emit_json(summary)
        return
    out.print(
        f"{summary['date']}: {summary['rows_written']:,} predictions for {summary['eligible_rows']:,} "
        f"eligible players ({', '.join(f'{k}: {v}' for k, v in summary['models'].items())})"
    )
    if summary["note"]:
        out.print(summary["note"])
    for k, v in summary["gbdt_recommendations"].items():
        out.print(f"  {k}: {v}")


def main() -> None:
    """Entry point: run the app and turn every expected failure into one line and an exit code."""
    try:
        app.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except GateFailed as exc:
        sys.stderr.write(f"{exc}\n")
        sys.exit(exc.exit_code)
    except NbapropsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: partitions already published are kept; re-run to finish\n")
        sys.exit(130)


def entry() -> None:
    """The console script (and `python -m nbaprops.cli`): `main`, then exit without the interpreter's
    teardown.

    Every command has closed its warehouse, and with it DuckDB's checkpoint, before `main` returns;
    what is left is Python unloading some 270 modules one by one, 50-110 ms measured after a daily
    backfill. Output is flushed first. An unexpected error still ends in Python's own traceback, and
    a process that started Spark exits the usual way (its JVM is shut down by the interpreter's exit
    hooks).
    """
    try:
        main()
    except SystemExit as exc:
        code: Any = exc.code
    else:
        code = 0
    if "pyspark" in sys.modules:
        sys.exit(code)
    if isinstance(code, str):  # what sys.exit("message") prints, with status 1
        sys.stderr.write(code + "\n")
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        pass
    code = code if isinstance(code, int) else int(code is not None)
    os._exit(code)


if __name__ == "__main__":
    entry()
