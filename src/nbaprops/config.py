"""Frozen settings: database path, data directory and the constants every phase shares.

Environment variables use the prefix `NBAPROPS_` (`NBAPROPS_DB`, `NBAPROPS_DATA`, `NBAPROPS_ENGINE`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: First days of each regular season without Phase 4 rows (SPEC §2.3). One constant, used everywhere.
BOOTSTRAP_DAYS = 14

DEFAULT_DB = "nbaprops.duckdb"

#: Schemas of the warehouse, one per layer (SPEC §1.1).
SCHEMAS = ("raw", "analytics", "precompute", "features", "predictions", "meta")

#: The 30 NBA tricodes; nothing else reaches analytics (SPEC §3.2).
NBA_TRICODES = [
    "ATL",
    "BKN",
    "BOS",
    "CHA",
    "CHI",
    "CLE",
    "DAL",
    "DEN",
    "DET",
    "GSW",
    "HOU",
    "IND",
    "LAC",
    "LAL",
    "MEM",
    "MIA",
    "MIL",
    "MIN",
    "NOP",
    "NYK",
    "OKC",
    "ORL",
    "PHI",
    "PHX",
    "POR",
    "SAC",
    "SAS",
    "TOR",
    "UTA",
    "WAS",
]


@dataclass(frozen=True)
class Settings:
    """Where the warehouse lives and where real data is read from."""

    db_path: Path
    data_dir: Path | None = None

    @classmethod
    def from_env(cls, db: str | None = None, data: str | None = None) -> Settings:
        """Resolve `--db` / `NBAPROPS_DB` (default `./nbaprops.duckdb`) and `NBAPROPS_DATA`."""
        db_value = db or os.environ.get("NBAPROPS_DB") or DEFAULT_DB
        data_value = data or os.environ.get("NBAPROPS_DATA")
        return cls(Path(db_value), Path(data_value) if data_value else None)


def default_data_dir() -> Path:
    """The real-data folder: `NBAPROPS_DATA`, else `../shared/data` beside the checkout."""
    env = os.environ.get("NBAPROPS_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"
