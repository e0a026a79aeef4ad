"""The `nbaprops` command line: thin commands, each parsing options and calling one library function.

Errors are one line on stderr with exit code 2 (usage/input) or 1 (not ready/failed), never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from nbaprops.config import Settings
from nbaprops.errors import NbapropsError, UsageError
from nbaprops.warehouse import Warehouse

err = Console(stderr=True)
out = Console()

db_option = click.option(
    "--db", default=None, help="Warehouse file (env NBAPROPS_DB, default ./nbaprops.duckdb)"
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object")


def open_warehouse(db: str | None, must_exist: bool = False) -> Warehouse:
    settings = Settings.from_env(db)
    if must_exist and not settings.db_path.exists():
        raise UsageError(f"no warehouse at {settings.db_path} (run `nbaprops ingest` first)")
    return Warehouse(settings.db_path)


def emit_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")


@click.group(help=__doc__)
def app() -> None:
    """nbaprops."""


@app.command()
@click.option("--source", type=click.Choice(["files", "synthetic"]), default="files")
@click.option("--path", type=click.Path(path_type=Path), default=None, help="Folder of staged files")
@click.option("--seasons", type=click.IntRange(min=1), default=2, help="Synthetic seasons")
@click.option("--seed", type=int, default=7, help="Synthetic seed")
@db_option
@json_option
def ingest(
    source: str, path: Path | None, seasons: int, seed: int, db: str | None, as_json: bool
) -> None:
    """Phase 2: load staged files (or a synthetic league) into raw.*, with quarantine and audit."""
    from nbaprops.ingest.command import print_report, run_ingest

    if source == "files" and path is None:
        raise UsageError("--source files needs --path DIR")
    with open_warehouse(db) as wh:
        report = run_ingest(wh, source, path, seasons, seed, quiet=as_json)
    if as_json:
        emit_json(report.as_json())
    else:
        print_report(out, report)


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
        err.print("interrupted")
        sys.exit(130)
    except NbapropsError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted: partitions already published are kept; re-run to finish")
        sys.exit(130)


if __name__ == "__main__":
    main()
