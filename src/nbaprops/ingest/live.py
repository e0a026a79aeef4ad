"""Live source (`nbaprops ingest --source live`, optional extra `nbaprops[live]`): NBA.com via nba_api.

Like the synthetic league, the live source WRITES files in the staged NBA.com formats into a
folder and the ordinary file ingest loads them (same raw tables, quarantine and audit). Per season
and season type it makes three requests:

| request (nba_api) | files written (`<S>` = `2024-25_regular_season`) |
|---|---|
| LeagueGameLog, `player_or_team_abbreviation='P'` | `nbacom_player_game_logs_live_<S>.csv` |
| LeagueGameLog, `player_or_team_abbreviation='T'` | `nbacom_team_game_logs_live_<S>.csv`, |
| | `nbacom_schedule_gameids_live_<S>.csv` |
| ShotChartDetail, `team_id=0, player_id=0, context_measure_simple='FGA'` | `nbacom_shots_live_<S>.csv` |

One file per season and season type: the loader replaces a raw table's rows by file name, so
fetching 2025-26 later keeps the 2024-25 rows, and re-fetching a season refreshes just that season.

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
#: table → (staged file-name prefix, header), in the order the files are written.
FILES = {
    "player_logs": ("nbacom_player_game_logs", live_tables.PLAYER_LOGS_HEADER),
    "team_logs": ("nbacom_team_game_logs", live_tables.TEAM_LOGS_HEADER),
    "schedule": ("nbacom_schedule_gameids", live_tables.SCHEDULE_IDS_HEADER),
    "shots": ("nbacom_shots", live_tables.SHOTS_HEADER),
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
        raise NbapropsError(
            f"live fetch {endpoint} {describe(params)} failed after {attempts} tries: {detail}"
        )

    return fetch


def describe(params: dict[str, Any]) -> str:
    keys = ("season", "season_nullable", "season_type_all_star", "player_or_team_abbreviation")
    return " ".join(f"{k}={params[k]}" for k in keys if k in params)


def live_file_name(table: str, season: str, season_type: str) -> str:
    """`nbacom_shots_live_2024-25_regular_season.csv`: one file per table, season and season type, so
    re-fetching a season replaces just that season's rows (the loader replaces rows by file name)."""
    return f"{FILES[table][0]}_live_{season}_{season_type.lower().replace(' ', '_')}.csv"


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
    files: list[tuple[str, list[str], list[dict[str, str]]]] = []  # (file name, header, rows)
    for season in request.seasons:
        for season_type in request.season_types:
            tables: dict[str, list[dict[str, str]]] = {}
            for table, endpoint, params in requests_for(season, season_type):
                if progress:
                    progress(f"live {endpoint} {season} {season_type}")
                response = request.fetch(endpoint, params)
                if table == "player_logs":
                    tables["player_logs"] = live_tables.player_logs(response, season)
                elif table == "team_logs":
                    tables["team_logs"], tables["schedule"] = live_tables.team_logs(response, season)
                else:
                    tables["shots"] = live_tables.shots(response, season)
            files += [
                (live_file_name(name, season, season_type), FILES[name][1], tables[name])
                for name in FILES
                if tables.get(name)
            ]
    if not files:
        raise NbapropsError(
            f"the live source returned no games for {', '.join(request.seasons)} "
            f"({', '.join(request.season_types)})"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for file_name, header, rows in files:
        path = out_dir / file_name
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
