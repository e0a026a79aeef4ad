"""`nbaprops ingest`: choose the source (a folder of staged files or a synthetic league), record the
run in `state.runs`, and print the accounting."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from nbaprops.ingest.run import ConformStep, IngestReport, ingest_directory
from nbaprops.runs import finish_run, start_run
from nbaprops.warehouse import Warehouse

if TYPE_CHECKING:
    from nbaprops.ingest.live import LiveRequest


def conform_steps() -> list[ConformStep]:
    """The conform steps, in order: schedule, arenas, identities."""
    from nbaprops.ingest import conform

    return list(conform.STEPS)


def run_ingest(
    wh: Warehouse,
    source: str,
    path: Path | None,
    seasons: int,
    seed: int,
    quiet: bool = False,
    live: LiveRequest | None = None,
) -> IngestReport:
    """Ingest a folder of staged files, a generated synthetic league or the live source (`live`)."""
    arguments: dict[str, object] = {"source": source, "path": path, "seasons": seasons, "seed": seed}
    if live is not None:
        arguments["live"] = live.describe()
    run_id = start_run(wh, "ingest", arguments)
    console = Console(stderr=True, quiet=quiet)
    try:
        with console.status("ingesting") as status:

            def progress(name: str) -> None:
                status.update(f"ingesting {name}")

            if source == "synthetic":
                from nbaprops.ingest.synthetic import write_league

                with tempfile.TemporaryDirectory(prefix="nbaprops-synthetic-") as tmp:
                    write_league(Path(tmp), seasons=seasons, seed=seed)
                    report = ingest_directory(wh, Path(tmp), run_id, conform_steps(), progress)
            elif source == "live":
                from nbaprops.ingest.live import write_live

                assert live is not None
                with tempfile.TemporaryDirectory(prefix="nbaprops-live-") as tmp:
                    write_live(Path(tmp), live, progress)
                    report = ingest_directory(wh, Path(tmp), run_id, conform_steps(), progress)
            else:
                assert path is not None
                report = ingest_directory(wh, path, run_id, conform_steps(), progress)
    except BaseException as exc:
        finish_run(wh, run_id, "failed", {"error": str(exc).splitlines()[0] if str(exc) else repr(exc)})
        raise
    finish_run(wh, run_id, "succeeded", report.as_json())
    return report


def print_report(console: Console, report: IngestReport) -> None:
    """Per-file accounting, then identity figures and anything unresolved."""
    table = Table(title=f"ingest {report.run_id}")
    for col in ("file", "table", "read", "loaded", "quarantined"):
        table.add_column(col, justify="right" if col in ("read", "loaded", "quarantined") else "left")
    for f in report.files:
        table.add_row(f.file, f.table, f"{f.rows_read:,}", f"{f.rows_loaded:,}", f"{f.rows_quarantined:,}")
    console.print(table)
    for name in report.skipped:
        console.print(f"skipped (not a staged format): {name}")
    identity = report.conformed.get("identity")
    if identity:
        console.print(
            f"identity: {identity['player_games']:,} player-games, {identity['resolved']:,} resolved, "
            f"{identity['unresolved']:,} unresolved"
        )
    for line in report.conformed.get("notes", []):
        console.print(line)
    console.print(f"done in {report.seconds:.1f}s")
