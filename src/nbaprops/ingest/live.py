"""Live source (`nbaprops ingest --source live`, optional extra `nbaprops[live]`): NBA.com via nba_api.

Like the synthetic league, the live source WRITES files in the staged NBA.com formats into a
folder and the ordinary file ingest loads them (same raw tables, quarantine and audit). Per season
and season type it makes three requests:

| request | file written |
|---|---|
| LeagueGameLog, `player_or_team_abbreviation='P'` | `nbacom_player_game_logs_live.csv` |
| LeagueGameLog, `player_or_team_abbreviation='T'` | `nbacom_team_game_logs_live.csv`, `nbacom_schedule_gameids_live.csv` |
| ShotChartDetail, `team_id=0, player_id=0, context_measure_simple='FGA'` | `nbacom_shots_live.csv` |

The schedule comes from the team game log (one row per team per played game): games not yet
played are not in it. The fetcher is injectable, `fetch(endpoint_name, params) -> response dict`
(params are nba_api's keyword arguments); the default imports nba_api lazily, waits between
requests and retries a failed request twice.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbaprops.errors import NbapropsError, UsageError
from nbaprops.ingest import live_tables

Fetch = Callable[[str, dict[str, Any]], dict[str, Any]]

INSTALL_HINT = "the live source needs the optional extra: pip install 'nbaprops[live]'"
#: nba_api's `season_type_all_star` values whose games the staged formats hold.
SEASON_TYPES = ("Regular Season", "Playoffs", "PlayIn", "Pre Season")
#: endpoint name → nba_api class (module `nba_api.stats.endpoints.<name>`).
ENDPOINTS = {"leaguegamelog": "LeagueGameLog", "shotchartdetail": "ShotChartDetail"}
FILES = {
    "player_logs": ("nbacom_player_game_logs_live.csv", live_tables.PLAYER_LOGS_HEADER),
    "team_logs": ("nbacom_team_game_logs_live.csv", live_tables.TEAM_LOGS_HEADER),
    "schedule": ("nbacom_schedule_gameids_live.csv", live_tables.SCHEDULE_IDS_HEADER),
    "shots": ("nbacom_shots_live.csv", live_tables.SHOTS_HEADER),
}


@dataclass(frozen=True)
class LiveRequest:
    """What to fetch: seasons (`2024-25`), season types, and the fetcher to use."""

    seasons: tuple[str, ...]
    season_types: tuple[str, ...]
    fetch: Fetch

    def describe(self) -> dict[str, list[str]]:
        return {"seasons": list(self.seasons), "season_types": list(self.season_types)}


def parse_seasons(text: str | None) -> tuple[str, ...]:
    """`2024-25,2025-26` → ("2024-25", "2025-26"); anything else is a usage error."""
    if not text or not text.strip():
        raise UsageError("--source live needs --seasons-list, e.g. --seasons-list 2024-25,2025-26")
    seasons = []
    for part in (p.strip() for p in text.split(",")):
        m = re.fullmatch(r"(\d{4})-(\d{2})", part)
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            raise UsageError(f"bad season {part!r} in --seasons-list (expected like 2024-25)")
        if part not in seasons:
            seasons.append(part)
    return tuple(seasons)


def live_request(
    seasons_list: str | None, season_types: Sequence[str] = (), fetch: Fetch | None = None
) -> LiveRequest:
    """Validate the options; without `fetch`, the nba_api fetcher (a usage error if not installed)."""
    seasons = parse_seasons(seasons_list)
    types = tuple(dict.fromkeys(season_types)) or ("Regular Season",)
    unknown = [t for t in types if t not in SEASON_TYPES]
    if unknown:
        raise UsageError(f"unknown season type {unknown[0]!r}; expected one of {', '.join(SEASON_TYPES)}")
    return LiveRequest(seasons, types, fetch if fetch is not None else nba_api_fetcher())


def nba_api_fetcher(
    min_interval: float = 1.5,
    timeout: float = 60.0,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Fetch:
    """A fetcher over nba_api: at most one request per `min_interval` seconds, `timeout` per request,
    `attempts` tries with a growing pause between them."""
    if importlib.util.find_spec("nba_api") is None:
        raise UsageError(INSTALL_HINT)
    last_call = [float("-inf")]

    def fetch(endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown live endpoint {endpoint!r}")
        try:
            module = importlib.import_module(f"nba_api.stats.endpoints.{endpoint}")
        except ImportError as exc:
            raise UsageError(INSTALL_HINT) from exc
        cls = getattr(module, ENDPOINTS[endpoint])
        error: Exception | None = None
        for attempt in range(attempts):
            wait = last_call[0] + min_interval * (2**attempt) - clock()
            if wait > 0:
                sleep(wait)
            last_call[0] = clock()
            try:
                response: dict[str, Any] = cls(**params, timeout=timeout).get_dict()
                return response
            except Exception as exc:  # network, HTTP or JSON errors: retry, then report one line
                error = exc
        detail = str(error).splitlines()[0] if error and str(error) else repr(error)
        raise NbapropsError(f"live fetch {endpoint} {describe(params)} failed after {attempts} tries: {detail}")

    return fetch


def describe(params: dict[str, Any]) -> str:
    keys = ("season", "season_nullable", "season_type_all_star", "player_or_team_abbreviation")
    return " ".join(f"{k}={params[k]}" for k in keys if k in params)


def requests_for(season: str, season_type: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(table, endpoint, nba_api keyword arguments) of one season and season type."""
    log = {"season": season, "season_type_all_star": season_type}
    return [
        ("player_logs", "leaguegamelog", {**log, "player_or_team_abbreviation": "P"}),
        ("team_logs", "leaguegamelog", {**log, "player_or_team_abbreviation": "T"}),
        (
            "shots",
            "shotchartdetail",
            {
                "team_id": 0,
                "player_id": 0,
                "season_nullable": season,
                "context_measure_simple": "FGA",
                "season_type_all_star": season_type,
            },
        ),
    ]


def write_live(
    out_dir: Path, request: LiveRequest, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Fetch every season × season type and write the staged-format files; returns their paths."""
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in FILES}
    for season in request.seasons:
        for season_type in request.season_types:
            for table, endpoint, params in requests_for(season, season_type):
                if progress:
                    progress(f"live {endpoint} {season} {season_type}")
                response = request.fetch(endpoint, params)
                if table == "player_logs":
                    tables["player_logs"] += live_tables.player_logs(response, season)
                elif table == "team_logs":
                    logs, schedule = live_tables.team_logs(response, season)
                    tables["team_logs"] += logs
                    tables["schedule"] += schedule
                else:
                    tables["shots"] += live_tables.shots(response, season)
    if not any(tables.values()):
        raise NbapropsError(
            f"the live source returned no games for {', '.join(request.seasons)} "
            f"({', '.join(request.season_types)})"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables.items():
        if not rows:
            continue
        file_name, header = FILES[name]
        path = out_dir / file_name
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
