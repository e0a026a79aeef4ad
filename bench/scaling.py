"""Scaling: the synthetic league at several sizes (`ingest --source synthetic --seasons N`, then a
backfill of its whole schedule). The exponent between the smallest and largest size is
log(time ratio) / log(rows ratio): 1.0 is linear; fixed start-up costs pull it below 1 at small sizes.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from bench.build import backfill_args, summarize_backfill, summarize_ingest
from bench.proc import run_cli

#: A model whose time grows faster than this power of the rows is flagged.
SUPERLINEAR = 1.1


def exponent(t0: float | None, t1: float | None, r0: float | None, r1: float | None) -> float | None:
    if not (t0 and t1 and r0 and r1) or r0 == r1:
        return None
    return round(math.log(t1 / t0) / math.log(r1 / r0), 3)


def scaling(work: Path, sizes: list[int], through: str, keep: bool) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    for n in sizes:
        sys.stderr.write(f"[bench] scaling: {n} synthetic seasons\n")
        db = work / f"synthetic_{n}.duckdb"
        ingest_args = ["ingest", "--source", "synthetic", "--seasons", str(n), "--db", str(db)]
        ingest = summarize_ingest(run_cli(f"synthetic_{n}_ingest", ingest_args, work))
        build_args = backfill_args(db, None, None, through)
        backfill = summarize_backfill(run_cli(f"synthetic_{n}_backfill", build_args, work))
        points.append(
            {
                "seasons": n,
                "raw_rows": ingest.get("rows_read"),
                "rows_written": backfill.get("rows_written"),
                "ingest_wall_s": ingest.get("wall_s"),
                "backfill_wall_s": backfill.get("wall_s"),
                "backfill_seconds_reported": backfill.get("seconds_reported"),
                "total_wall_s": round(ingest["wall_s"] + backfill["wall_s"], 3),
                "total_cpu_s": round(ingest["cpu_s"] + backfill["cpu_s"], 3),
                "peak_rss_mb": max(ingest["max_rss_mb"], backfill["max_rss_mb"]),
                "backfill_status": backfill.get("status"),
                "ingest": {k: v for k, v in ingest.items() if k != "files"},
                "backfill": backfill,
            }
        )
        if not keep:
            for suffix in ("", ".wal"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    first, last = points[0], points[-1]
    # per model: its seconds against the build's rows (a model whose work grows faster shows here,
    # even when fixed costs at the small size hide it in the total)
    m0, m1 = first["backfill"].get("models", {}), last["backfill"].get("models", {})
    models = {
        name: exponent(m0[name]["seconds"], m1[name]["seconds"], first["rows_written"], last["rows_written"])
        for name in m1
        if name in m0
    }
    return {
        "sizes": sizes,
        "points": points,
        # the build: backfill time against the rows it writes
        "exponent": exponent(
            first["backfill_wall_s"], last["backfill_wall_s"], first["rows_written"], last["rows_written"]
        ),
        "exponent_backfill_reported": exponent(
            first["backfill_seconds_reported"],
            last["backfill_seconds_reported"],
            first["rows_written"],
            last["rows_written"],
        ),
        "exponent_ingest": exponent(
            first["ingest_wall_s"], last["ingest_wall_s"], first["raw_rows"], last["raw_rows"]
        ),
        # the whole pipeline (ingest + backfill) against the rows the build writes
        "exponent_total": exponent(
            first["total_wall_s"], last["total_wall_s"], first["rows_written"], last["rows_written"]
        ),
        "exponent_total_cpu": exponent(
            first["total_cpu_s"], last["total_cpu_s"], first["rows_written"], last["rows_written"]
        ),
        "model_exponents": models,
        "superlinear_models": sorted(m for m, e in models.items() if e is not None and e > SUPERLINEAR),
    }
