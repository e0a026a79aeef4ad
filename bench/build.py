"""Real-data builds: the full build (ingest, then backfill over the whole range) and the incremental
day (a warehouse finished through day D-1, then `backfill --end D`).

Every stage is a child process (`bench.proc.run_cli`); phase seconds are the per-model seconds of
`backfill --json` summed by phase (models of one parallel group overlap, so a phase's sum can exceed
its wall time).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.proc import Stage, copy_db, run_cli
from nbaprops.warehouse import Warehouse


def backfill_args(db: Path, start: date | None, end: date | None, through: str) -> list[str]:
    args = ["backfill", "--db", str(db), "--through", through]
    if start:
        args += ["--start", start.isoformat()]
    if end:
        args += ["--end", end.isoformat()]
    return args


def models_wall(seconds: dict[str, float]) -> float:
    """The models' share of a build's wall time: a table starts once its inputs are built, so the
    slowest chain of each phase counts (`phase_runner.critical_path_seconds`)."""
    from nbaprops import registry
    from nbaprops.phase_runner import critical_path_seconds

    return critical_path_seconds(list(registry.all_tables()), seconds)


def summarize_backfill(stage: Stage) -> dict[str, Any]:
    """The stage's measurements plus what `backfill --json` said: status, phases, rows, partitions."""
    out = stage.as_json()
    p = stage.payload
    if not p or "models" not in p:
        out["error"] = "no JSON summary from backfill"
        return out
    phases: dict[str, dict[str, Any]] = {}
    for m in p["models"]:
        ph = phases.setdefault(
            m["table"].split(".")[0], {"seconds": 0.0, "rows": 0, "partitions_written": 0, "models": 0}
        )
        ph["seconds"] += m["seconds"]
        ph["rows"] += m["rows"]
        ph["partitions_written"] += m["partitions_written"]
        ph["models"] += 1
    for ph in phases.values():
        ph["seconds"] = round(ph["seconds"], 3)
        ph["rows_per_s"] = round(ph["rows"] / ph["seconds"]) if ph["seconds"] else None
    rows = sum(m["rows"] for m in p["models"])
    out |= {
        "status": p.get("status"),
        "seconds_reported": p.get("seconds"),
        # what is not model work: start-up, planning (input fingerprints, ledger), gates, run records
        "outside_models_s": round(
            stage.wall_s - models_wall({m["table"]: m["seconds"] for m in p["models"]}), 3
        ),
        "rows_written": rows,
        "rows_per_s": round(rows / stage.wall_s) if stage.wall_s else None,
        "partitions_written": p.get("partitions_written"),
        "partitions_failed": p.get("partitions_failed"),
        "gates_refused": sorted({g.get("check", "") for g in p.get("gates", [])}),
        "phases": phases,
        "models": {
            m["table"]: {
                "seconds": m["seconds"],
                "rows": m["rows"],
                "batches": m["batches"],
                "partitions_failed": m["partitions_failed"],
            }
            for m in p["models"]
        },
    }
    return out


def summarize_ingest(stage: Stage) -> dict[str, Any]:
    out = stage.as_json()
    p = stage.payload
    if not p or "files" not in p:
        out["error"] = "no JSON report from ingest"
        return out
    read = sum(f["rows_read"] for f in p["files"])
    out |= {
        "seconds_reported": p.get("seconds"),
        "files": len(p["files"]),
        "rows_read": read,
        "rows_loaded": sum(f["rows_loaded"] for f in p["files"]),
        "rows_quarantined": sum(f["rows_quarantined"] for f in p["files"]),
        "rows_per_s": round(read / stage.wall_s) if stage.wall_s else None,
    }
    return out


def full_build(
    data: Path, work: Path, start: date, end: date, through: str
) -> tuple[dict[str, Any], Path, Path]:
    """Ingest the real data, keep a copy of the ingested warehouse, then backfill the whole range.

    Returns the result and the paths of the ingested copy and the finished warehouse.
    """
    db = work / "full.duckdb"
    ingest_args = ["ingest", "--source", "files", "--path", str(data), "--db", str(db)]
    ingest = run_cli("full_ingest", ingest_args, work)
    ingested = copy_db(db, work / "ingested.duckdb")
    backfill = run_cli("full_backfill", backfill_args(db, start, end, through), work)
    i, b = summarize_ingest(ingest), summarize_backfill(backfill)
    wall = ingest.wall_s + backfill.wall_s
    phases = {"ingest": i.get("wall_s")} | {k: v["seconds"] for k, v in b.get("phases", {}).items()}
    result = {
        "range": [start.isoformat(), end.isoformat()],
        "through": through,
        "wall_s": round(wall, 3),
        "cpu_s": round(ingest.cpu_s + backfill.cpu_s, 3),
        "peak_rss_mb": round(max(ingest.max_rss_mb, backfill.max_rss_mb), 1),
        "phase_seconds": phases,
        "input_rows_per_s": round(i["rows_read"] / wall) if i.get("rows_read") and wall else None,
        "output_rows_per_s": round(b["rows_written"] / wall) if b.get("rows_written") and wall else None,
        "ingest": i,
        "backfill": b,
    }
    return result, ingested, db


def next_game_date(db: Path, after: date) -> date | None:
    """The first date after `after` with a completed game."""
    with Warehouse(db, read_only=True) as wh:
        value = wh.scalar(
            "select min(game_date) from raw.schedule_games where game_date > ? and game_status = 'final'",
            [after],
        )
    return value if isinstance(value, date) else None


def incremental(
    base_source: Path,
    work: Path,
    start: date,
    day: date,
    through: str,
    base_is_built: bool,
    repeats: int = 5,
) -> dict[str, Any]:
    """One new game date on a finished warehouse.

    `base_source` is either the ingested warehouse (then it is first built through day - 1 here) or a
    warehouse already finished through a date before `day` (`base_is_built`). The measurement is the
    daily job, `backfill --start day --end day`, run `repeats` times, each on a fresh copy of the
    finished warehouse: a single run of a few seconds moves by ±0.4 s on these shared machines, so the
    median of five is the figure (every run is reported). Then, on one of those warehouses, the
    whole-range command `backfill --start start --end day` (nothing left to do: the fixed cost of planning and
    gating the whole history), and on another copy of the base the whole-range command as the first
    run after the new date (what a user who always passes the whole range pays).
    """
    base = copy_db(base_source, work / "incremental_base.duckdb")
    out: dict[str, Any] = {"start": start.isoformat(), "day": day.isoformat()}
    if not base_is_built:
        built = run_cli(
            "incremental_base", backfill_args(base, start, day - timedelta(days=1), through), work
        )
        out["base_build"] = {k: v for k, v in summarize_backfill(built).items() if k != "models"}
    steps = []
    for i in range(repeats):
        db = copy_db(base, work / "incremental.duckdb")
        steps.append(
            summarize_backfill(
                run_cli(f"incremental_day_{i + 1}", backfill_args(db, day, day, through), work)
            )
        )
    again = summarize_backfill(run_cli("incremental_noop", backfill_args(db, start, day, through), work))
    other = copy_db(base, work / "incremental_whole.duckdb")
    whole = summarize_backfill(run_cli("incremental_whole", backfill_args(other, start, day, through), work))
    walls: list[float | None] = [s.get("wall_s") for s in steps]
    ranked = sorted(range(repeats), key=lambda i: float("inf") if walls[i] is None else float(walls[i] or 0))
    middle = ranked[repeats // 2]
    step = steps[middle]
    out["day_build"] = step  # the median run, with its per-model breakdown
    out["day_build_walls_s"] = walls
    keys = ("wall_s", "cpu_s", "returncode", "status", "partitions_written")
    out["day_build_runs"] = [{k: s.get(k) for k in keys} for s in steps]
    out["noop_rerun"] = {k: v for k, v in again.items() if k != "models"}
    out["whole_range_day_build"] = {k: v for k, v in whole.items() if k != "models"}
    out["wall_s"] = step.get("wall_s")
    out["seconds_reported"] = step.get("seconds_reported")
    out["partitions_written"] = step.get("partitions_written")
    out["whole_range_wall_s"] = whole.get("wall_s")
    out["whole_range_partitions_written"] = whole.get("partitions_written")
    out["fixed_cost_wall_s"] = again.get("wall_s")
    return out
