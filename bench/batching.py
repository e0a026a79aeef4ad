"""Set-based vs day-by-day: one window built whole-range and with `--batch-days 1`, each on its own
copy of the same ingested warehouse, in the same run.

The whole-range build runs twice, before and after the day-by-day one, so that a change in machine
load during the long day-by-day build does not tilt the ratio (the mean of the two is used), and so
that run-to-run determinism is checked apart from batch invariance.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from bench.build import backfill_args, summarize_backfill
from bench.fingerprint import compare
from bench.proc import copy_db, run_cli


def log(msg: str) -> None:
    sys.stderr.write(f"[bench] {msg}\n")
    sys.stderr.flush()


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def batching(ingested: Path, work: Path, start: date, end: date, through: str) -> tuple[dict[str, Any], Path]:
    """Returns the result and the path of the first whole-range warehouse (a finished base)."""
    runs: dict[str, dict[str, Any]] = {}
    dbs: dict[str, Path] = {}
    for name, extra in (("whole_1", []), ("daily", ["--batch-days", "1"]), ("whole_2", [])):
        log(f"batching: {name} {start}..{end}")
        dbs[name] = copy_db(ingested, work / f"batch_{name}.duckdb")
        stage = run_cli(f"batch_{name}", backfill_args(dbs[name], start, end, through) + extra, work)
        runs[name] = summarize_backfill(stage)
    whole = [runs["whole_1"], runs["whole_2"]]

    def mean(key: str) -> float | None:
        vals = [r.get(key) for r in whole]
        return sum(vals) / 2 if all(isinstance(v, int | float) for v in vals) else None

    daily = runs["daily"]
    dates = max((m["batches"] for m in daily.get("models", {}).values()), default=0)
    log("batching: comparing tables")
    result = {
        "window": [start.isoformat(), end.isoformat()],
        "through": through,
        "dates": dates,
        "speedup": ratio(daily.get("seconds_reported"), mean("seconds_reported")),
        "speedup_wall": ratio(daily.get("wall_s"), mean("wall_s")),
        "speedup_cpu": ratio(daily.get("cpu_s"), mean("cpu_s")),
        "whole_range_s": mean("seconds_reported"),
        "day_by_day_s": daily.get("seconds_reported"),
        "day_by_day_s_per_date": round(daily["seconds_reported"] / dates, 3)
        if dates and daily.get("seconds_reported")
        else None,
        "identical": None,
        "whole_vs_daily": compare(dbs["whole_1"], dbs["daily"], through),
        "whole_vs_whole": compare(dbs["whole_1"], dbs["whole_2"], through),
        "runs": runs,
    }
    result["identical"] = result["whole_vs_daily"]["identical"]
    return result, dbs["whole_1"]
