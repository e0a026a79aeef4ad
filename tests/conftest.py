"""Shared fixtures: where the real data lives, and one fully ingested real-data warehouse per session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

REAL_DATA = Path(os.environ.get("NBAPROPS_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def real_data_dir() -> Path:
    """The staged real data, or skip the test with the reason."""
    if not (REAL_DATA / "README.md").exists():
        pytest.skip(f"real data not found at {REAL_DATA} (set NBAPROPS_DATA)")
    return REAL_DATA


@pytest.fixture(scope="session")
def real_ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with every real staged file ingested (built once per test session).

    Tests that change it must work on a copy (`shutil.copy`)."""
    import json

    from nbaprops.ingest import conform
    from nbaprops.ingest.run import ingest_directory
    from nbaprops.warehouse import Warehouse

    data = real_data_dir()
    db = tmp_path_factory.mktemp("real") / "ingested.duckdb"
    with Warehouse(db) as wh:
        report = ingest_directory(wh, data, "test-ingest", conform.STEPS)
    db.with_suffix(".report.json").write_text(json.dumps(report.as_json(), default=str))
    return db


@pytest.fixture(scope="session")
def real_ingest_report(real_ingested: Path) -> dict[str, Any]:
    """The ingest report (`IngestReport.as_json()`) of the session's real-data warehouse."""
    import json

    return dict(json.loads(real_ingested.with_suffix(".report.json").read_text()))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The Spark group first: under `pytest -n 2 --dist loadfile` (make test) one worker starts it
    at once, and its waits overlap with the other files on the other worker."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("spark") else 1)
