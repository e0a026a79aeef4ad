"""`nbaprops report --out DIR`: validate every phase, check readiness, write the documents and dashboard.

Writes PHASE3-VALIDATION-RESULTS.md (raw + analytics gates), PHASE4-VALIDATION-RESULTS.md (precompute +
features), ML-READINESS.md and index.html. Validation is read-only; the report never changes data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from nbaprops.partitions import SEASON_PHASES
from nbaprops.report import dashboard, data, documents
from nbaprops.validate.phase import resolve, validate_phase
from nbaprops.validate.readiness import readiness
from nbaprops.validate.results import Report
from nbaprops.warehouse import Warehouse

PHASES = ("raw", "analytics", "precompute", "features")


def write_report(
    wh: Warehouse, out: Path, start: date | None, end: date | None, min_rows: int
) -> dict[str, Any]:
    """Every document; returns the files written and each gate's verdict."""
    out.mkdir(parents=True, exist_ok=True)
    rng, note = resolve(wh, start, end, SEASON_PHASES, "analytics")
    reports: dict[str, Report] = {f"validate {p}": validate_phase(wh, p, rng) for p in PHASES}
    for rep in reports.values():
        rep.notes[:0] = [note] if note else []
    reports["readiness"] = readiness(wh, start, end, min_rows)
    history = data.run_history(wh)
    evaluation = data.evaluation(wh)
    files = {
        "PHASE3-VALIDATION-RESULTS.md": documents.phase_document(
            "Phase 3 validation results (raw and analytics gates)",
            [reports["validate raw"], reports["validate analytics"]],
            history,
        ),
        "PHASE4-VALIDATION-RESULTS.md": documents.phase_document(
            "Phase 4 validation results (precompute and features gates)",
            [reports["validate precompute"], reports["validate features"]],
            history,
        ),
        "ML-READINESS.md": documents.readiness_document(reports["readiness"], history, evaluation),
        "index.html": dashboard.render(
            wh.path,
            reports,
            data.coverage_grid(wh, rng),
            history,
            data.feature_quality(wh, rng),
            evaluation,
        ),
    }
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return {"files": written, "ready": {k: v.ready for k, v in reports.items()}}
