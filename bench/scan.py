"""The scan floor: the time to read every staged raw input once, all cells as strings.

Two readers, each the best of `repeats` passes (the page cache is warm after the first): DuckDB's
`read_csv(..., all_varchar = true)` and pyarrow's CSV reader with every column typed as string. The
floor is the faster of the two; a full build can never beat it (it must read those bytes).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from nbaprops.ingest.loader import header_names, read_header
from nbaprops.ingest.run import staged_files
from nbaprops.warehouse import Warehouse


def duckdb_pass(files: list[Path]) -> tuple[int, float, float]:
    """(rows, wall seconds, cpu seconds) of one DuckDB pass over every file."""
    rows = 0
    with Warehouse(":memory:") as wh:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for path in files:
            rows += int(
                wh.scalar(
                    "select count(*) from read_csv(?, all_varchar = true, header = true, "
                    "strict_mode = false, null_padding = true)",
                    [str(path)],
                )
            )
        return rows, time.perf_counter() - wall0, time.process_time() - cpu0


def arrow_pass(files: list[Path]) -> tuple[int, float, float]:
    """(rows, wall seconds, cpu seconds) of one pyarrow pass over every file (all columns strings)."""
    rows = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for path in files:
        names = header_names(read_header(path))
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=lambda _: "skip"),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
        )
        rows += table.num_rows
    return rows, time.perf_counter() - wall0, time.process_time() - cpu0


def scan_floor(data: Path, repeats: int = 3) -> dict[str, Any]:
    files = staged_files(data)
    out: dict[str, Any] = {
        "files": len(files),
        "bytes_on_disk": sum(p.stat().st_size for p in files),
        "load1_before": round(os.getloadavg()[0], 2),
    }
    for name, reader in (("duckdb", duckdb_pass), ("pyarrow", arrow_pass)):
        passes = [reader(files) for _ in range(repeats)]
        best = min(passes, key=lambda p: p[1])
        out[name] = {
            "rows": best[0],
            "wall_s": round(best[1], 3),
            "cpu_s": round(best[2], 3),
            "all_wall_s": [round(p[1], 3) for p in passes],
        }
    out["floor_s"] = min(out["duckdb"]["wall_s"], out["pyarrow"]["wall_s"])
    out["floor_reader"] = "duckdb" if out["duckdb"]["wall_s"] <= out["pyarrow"]["wall_s"] else "pyarrow"
    out["load1_after"] = round(os.getloadavg()[0], 2)
    return out
