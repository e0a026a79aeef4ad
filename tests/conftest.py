"""Shared fixtures: where the real data lives, and one fully ingested real-data warehouse per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REAL_DATA = Path(os.environ.get("NBAPROPS_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def real_data_dir() -> Path:
    """The staged real data, or skip the test with the reason."""
    if not (REAL_DATA / "README.md").exists():
        pytest.skip(f"real data not found at {REAL_DATA} (set NBAPROPS_DATA)")
    return REAL_DATA
