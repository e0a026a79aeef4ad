"""Where the slowest model spends its time: DuckDB's JSON profile of its SQL over the whole range.

The query is the model's own SELECT with the run's `$start_date`/`$end_date`, consumed by a count
over all its columns (hashing each row, so no column is pruned). Operator timings are summed over
threads (CPU seconds), so they can exceed the wall time.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from nbaprops import registry
from nbaprops.warehouse import Warehouse


def walk(node: dict[str, Any], depth: int = 0) -> list[tuple[dict[str, Any], int]]:
    out = [(node, depth)]
    for child in node.get("children", []):
        out.extend(walk(child, depth + 1))
    return out


def brief(extra: Any, limit: int = 240) -> str:
    text = json.dumps(extra) if not isinstance(extra, str) else extra
    return text if len(text) <= limit else text[: limit - 3] + "..."


def profile_model(db: Path, table_name: str, start: date, end: date, top: int = 8) -> dict[str, Any]:
    """Run one model's SQL under the profiler on a finished warehouse (read-only)."""
    table = registry.get(table_name)
    with tempfile.TemporaryDirectory(prefix="nbaprops-profile-") as tmp:
        out_file = Path(tmp) / "profile.json"
        with Warehouse(db, read_only=True) as wh:
            wh.execute("set enable_progress_bar = false")
            wh.execute("set enable_profiling = 'json'")
            wh.execute(f"set profiling_output = '{out_file}'")
            wh.execute("set profiling_mode = 'detailed'")
            started = time.perf_counter()
            rows, _ = wh.rows(
                f"select count(*), bit_xor(hash(m)) from ({table.sql}) m "
                f"where m.{table.date_column} between $start_date and $end_date",
                {"start_date": start, "end_date": end},
            )[0]
            wall = time.perf_counter() - started
        prof = json.loads(out_file.read_text())
    nodes = [n for root in prof.get("operator", []) for n in walk(root)]
    total = sum(n.get("timing", 0.0) for n, _ in nodes)
    by_type: dict[str, float] = {}
    for n, _ in nodes:
        by_type[n.get("name", "?")] = by_type.get(n.get("name", "?"), 0.0) + n.get("timing", 0.0)
    ranked = sorted(nodes, key=lambda nd: -nd[0].get("timing", 0.0))[:top]
    system = prof.get("system", {})
    return {
        "table": table_name,
        "rows": int(rows),
        "wall_s": round(wall, 3),
        "cpu_s": round(prof.get("query", {}).get("cpu_time", total), 3),
        "peak_buffer_memory_mb": round(system.get("peak_buffer_memory", 0) / 2**20, 1),
        "operator_seconds_by_type": {
            k: round(v, 2) for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])[:8]
        },
        "top_operators": [
            {
                "operator": n.get("name"),
                "seconds": round(n.get("timing", 0.0), 3),
                "share": round(n.get("timing", 0.0) / total, 3) if total else None,
                "rows_out": n.get("intermediate_rows", n.get("operator_cardinality")),
                "depth": depth,
                "detail": brief(n.get("extra_info", {})),
            }
            for n, depth in ranked
        ],
    }
