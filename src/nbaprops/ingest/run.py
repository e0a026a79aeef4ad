"""Phase 2 driver: load every recognised staged file of a folder, then build the conformed tables.

Grain of the report: one `FileResult` per loaded file; unknown files are listed, never guessed at.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbaprops.errors import UsageError
from nbaprops.ingest.formats import ALL_FORMATS, recognise
from nbaprops.ingest.loader import FileResult, ensure_meta, ensure_raw_table, load_file, read_staged
from nbaprops.ingest.reference_seeds import load_reference_seeds
from nbaprops.warehouse import Warehouse

#: Steps that build conformed tables from raw (schedule, arenas, registry); appended by their modules.
ConformStep = Callable[[Warehouse, str], dict[str, Any]]


@dataclass
class IngestReport:
    """What one ingest did: per-file accounting, skipped files, identity resolution, timings."""

    run_id: str
    files: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    conformed: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "files": [
                {
                    "file": f.file,
                    "table": f.table,
                    "rows_read": f.rows_read,
                    "rows_loaded": f.rows_loaded,
                    "rows_quarantined": f.rows_quarantined,
                }
                for f in self.files
            ],
            "skipped": self.skipped,
            **self.conformed,
            "seconds": round(self.seconds, 3),
        }


def staged_files(folder: Path) -> list[Path]:
    """The CSV files of a folder, sorted by name; a missing folder is a usage error."""
    if not folder.exists():
        raise UsageError(f"data path does not exist: {folder}")
    if not folder.is_dir():
        raise UsageError(f"data path is not a directory: {folder}")
    return sorted(p for p in folder.iterdir() if p.name.lower().endswith((".csv", ".csv.gz")))


def ingest_directory(
    wh: Warehouse,
    folder: Path,
    run_id: str,
    conform: list[ConformStep] | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    """Load every recognised file of `folder`, then run the conform steps. Idempotent."""
    started = time.perf_counter()
    files = staged_files(folder)
    plan = [(path, recognise(path)) for path in files]
    report = IngestReport(run_id)
    report.skipped = [p.name for p, fmt in plan if fmt is None]
    if not any(fmt for _, fmt in plan):
        raise UsageError(f"no staged data files recognised in {folder}")
    ensure_meta(wh)
    load_reference_seeds(wh)
    recognised = [(path, fmt) for path, fmt in plan if fmt is not None]
    # Parsing (decompress + Arrow CSV, mostly outside the GIL) of the next file overlaps with the
    # SQL load of the current one; only those two parsed files are held at a time.
    with ThreadPoolExecutor(max_workers=1) as reader:
        upcoming = reader.submit(read_staged, recognised[0][0])
        for i, (path, fmt) in enumerate(recognised):
            current = upcoming
            if i + 1 < len(recognised):
                upcoming = reader.submit(read_staged, recognised[i + 1][0])
            if progress:
                progress(path.name)
            report.files.append(load_file(wh, path, fmt, run_id, current.result()))
    for fmt in ALL_FORMATS:
        ensure_raw_table(wh, fmt)
    for step in conform or []:
        figures = step(wh, run_id)
        notes = report.conformed.get("notes", []) + list(figures.pop("notes", []))
        report.conformed.update(figures)
        report.conformed["notes"] = notes
    report.seconds = time.perf_counter() - started
    return report
