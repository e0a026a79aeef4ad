"""The live source: nba_api responses → staged NBA.com formats → the ordinary file ingest.

Every test runs on the small hand-made responses in `tests/fixtures/live/` (nba_api's response
shape: 2 games, 7 players, 6 shots) through a fake fetcher, with sockets disabled.
"""

from __future__ import annotations

import copy
import csv
import gzip
import importlib
import importlib.util
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nbaprops.errors import NbapropsError, UsageError
from nbaprops.ingest import live, live_tables
from nbaprops.ingest.command import run_ingest
from nbaprops.ingest.formats import recognise
from nbaprops.ingest.synthetic_nbacom import PLAYER_LOGS_HEADER, SCHEDULE_IDS_HEADER, TEAM_LOGS_HEADER
from nbaprops.ingest.synthetic_shots import SHOTS_HEADER
from nbaprops.warehouse import Warehouse
from tests.conftest import real_data_dir

FIXTURES = Path(__file__).parent / "fixtures" / "live"
RAW = {
    "raw.nbacom_player_game_logs": 7,
    "raw.nbacom_team_game_logs": 4,
    "raw.nbacom_schedule_game_ids": 4,
    "raw.nbacom_shots": 6,
}


def fixture_name(endpoint: str, params: dict[str, Any]) -> str:
    season = params.get("season") or params["season_nullable"]
    kind = params.get("player_or_team_abbreviation")
    slug = params["season_type_all_star"].lower().replace(" ", "_")
    return "_".join(p for p in (endpoint, kind, season, slug) if p) + ".json"


class FakeFetch:
    """Returns the recorded response for a request; `tamper` edits a response before it is returned."""

    def __init__(self, tamper: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.tamper = tamper or {}

    def __call__(self, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((endpoint, params))
        name = fixture_name(endpoint, params)
        path = FIXTURES / name
        if path.exists():
            response: dict[str, Any] = json.loads(path.read_text())
        else:  # not recorded: the 2024-25 recording, for `tamper` to edit, else without rows (as NBA.com)
            kind = params.get("player_or_team_abbreviation")
            recorded = next(FIXTURES.glob(f"{endpoint}_{kind + '_' if kind else ''}2024-25_*.json"))
            response = json.loads(recorded.read_text())
            if name not in self.tamper:
                for rs in response["resultSets"]:
                    rs["rowSet"] = []
        if name in self.tamper:
            response = self.tamper[name](copy.deepcopy(response))
        return response


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the live tests must not use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def request(fetch: Any = None, seasons: str = "2024-25", types: tuple[str, ...] = ()) -> live.LiveRequest:
    return live.live_request(seasons, types, fetch=fetch or FakeFetch())


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def live_csv(folder: Path, table: str, season: str = "2024-25") -> list[dict[str, str]]:
    return read_csv(folder / live.live_file_name(table, season, "Regular Season"))


# -- files written -------------------------------------------------------------------------------------
def test_live_writes_the_staged_formats(tmp_path: Path) -> None:
    fetch = FakeFetch()
    paths = live.write_live(tmp_path, request(fetch))
    assert [p.name for p in paths] == [
        "nbacom_player_game_logs_live_2024-25_regular_season.csv",
        "nbacom_team_game_logs_live_2024-25_regular_season.csv",
        "nbacom_schedule_gameids_live_2024-25_regular_season.csv",
        "nbacom_shots_live_2024-25_regular_season.csv",
    ]
    headers = [p.read_text().splitlines()[0].split(",") for p in paths]
    assert headers == [PLAYER_LOGS_HEADER, TEAM_LOGS_HEADER, SCHEDULE_IDS_HEADER, SHOTS_HEADER]
    assert [recognise(p).name for p in paths] == [  # type: ignore[union-attr]
        "nbacom_player_game_logs",
        "nbacom_team_game_logs",
        "nbacom_schedule_game_ids",
        "nbacom_shots",
    ]
    assert fetch.calls == [
        ("leaguegamelog", {"season": "2024-25", "season_type_all_star": "Regular Season",
                           "player_or_team_abbreviation": "P"}),
        ("leaguegamelog", {"season": "2024-25", "season_type_all_star": "Regular Season",
                           "player_or_team_abbreviation": "T"}),
        ("shotchartdetail", {"team_id": 0, "player_id": 0, "season_nullable": "2024-25",
                             "context_measure_simple": "FGA", "season_type_all_star": "Regular Season"}),
    ]  # fmt: skip


def test_cells_are_formatted_like_the_staged_files(tmp_path: Path) -> None:
    live.write_live(tmp_path, request())
    player = live_csv(tmp_path, "player_logs")
    first = player[0]
    assert (first["GAME_ID"], first["GAME_DATE"], first["MIN"], first["PLUS_MINUS"]) == (
        "0022400061", "2024-10-22", "35", "18"
    )  # fmt: skip
    assert (first["FG_PCT"], first["FT_PCT"], first["SEASON_LABEL"], first["SEASON_ID"]) == (
        "0.526", "1.0", "2024-25", "22024"
    )  # fmt: skip
    assert "FANTASY_PTS" not in first
    no_shots = next(r for r in player if r["PLAYER_NAME"] == "Theo Lindqvist")
    assert (no_shots["FG_PCT"], no_shots["FG3_PCT"], no_shots["FT_PCT"]) == ("", "", "")
    team = live_csv(tmp_path, "team_logs")
    assert {r["source_file"] for r in team} == {"nba_games_2024_25.csv"}
    assert [r["PLUS_MINUS"] for r in team] == ["-23.0", "23.0", "-7.0", "7.0"]
    assert {r["SEASON"] for r in team} == {"2024-25"}
    schedule = live_csv(tmp_path, "schedule")
    assert {r["source_file"] for r in schedule} == {"2024-25_regular_season.csv"}
    assert [r["MATCHUP"] for r in schedule] == [r["MATCHUP"] for r in team]
    shots = live_csv(tmp_path, "shots")
    corner = shots[0]
    assert (corner["SEASON_1"], corner["SEASON_2"], corner["GAME_DATE"], corner["GAME_ID"]) == (
        "2025", "2024-25", "10-22-2024", "0022400061"
    )  # fmt: skip
    assert (corner["HOME_TEAM"], corner["AWAY_TEAM"], corner["SHOT_MADE"], corner["QUARTER"]) == (
        "BOS", "NYK", "TRUE", "1"
    )  # fmt: skip
    assert (corner["BASIC_ZONE"], corner["ZONE_NAME"], corner["ZONE_ABB"], corner["ZONE_RANGE"]) == (
        "Left Corner 3", "Left Side", "L", "24+ ft."
    )  # fmt: skip
    assert (corner["MINS_LEFT"], corner["SECS_LEFT"], corner["SHOT_DISTANCE"]) == ("11", "26", "22")


def test_shot_locations_are_converted_to_the_staged_frame(tmp_path: Path) -> None:
    """Tenths of feet from the hoop → feet; x negated (staged: left side positive, centre `-0`),
    y measured from the baseline (+5.25)."""
    live.write_live(tmp_path, request())
    got = [(r["ZONE_ABB"], r["LOC_X"], r["LOC_Y"]) for r in live_csv(tmp_path, "shots")]
    assert got == [
        ("L", "22.6", "6.45"),  # API (-226, 12)
        ("C", "-0", "5.75"),  # (0, 5)
        ("RC", "-12", "19.25"),  # (120, 140)
        ("C", "0.8", "6.25"),  # (-8, 10)
        ("LC", "15.5", "24.75"),  # (-155, 195)
        ("BC", "-4", "66.25"),  # (40, 610)
    ]


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (live_tables.integer, 34.6, "35"),
        (live_tables.integer, "34:30", "35"),
        (live_tables.integer, None, ""),
        (live_tables.integer, "n/a", "n/a"),
        (live_tables.pct, 0.3333, "0.333"),
        (live_tables.pct, 1, "1.0"),
        (live_tables.one_decimal, -12, "-12.0"),
        (live_tables.game_id, 22400061, "0022400061"),
        (live_tables.zone_area, "Left Side Center(LC)", ("Left Side Center", "LC")),
        (live_tables.zone_area, "Back Court", ("Back Court", "")),
    ],
)
def test_cell_helpers(fn: Any, value: Any, expected: Any) -> None:
    assert fn(value) == expected


@pytest.mark.parametrize(
    ("value", "iso"),
    [("2024-10-22", "2024-10-22"), ("2024-10-22T00:00:00", "2024-10-22"), ("20241022", "2024-10-22"),
     ("OCT 22, 2024", "2024-10-22"), ("22/10/2024", "22/10/2024")],
)  # fmt: skip
def test_dates(value: str, iso: str) -> None:
    assert live_tables.date_as(value, "%Y-%m-%d") == iso


# -- the ingest ----------------------------------------------------------------------------------------
def test_live_ingest_loads_the_same_raw_tables(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    report = run_ingest(wh, "live", None, 1, 0, quiet=True, live=request())
    assert {t: wh.count(t) for t in RAW} == RAW
    by_table = {f.table: f for f in report.files}
    assert set(by_table) == set(RAW)
    for f in report.files:
        assert f.rows_read == f.rows_loaded + f.rows_quarantined
        assert (f.rows_loaded, f.rows_quarantined) == (RAW[f.table], 0)
    for table in RAW:
        assert wh.scalar(f"select count(*) from {table} where length(game_id) <> 10") == 0
    assert wh.rows(
        "select game_id, team_abbreviation, is_home, opponent_abbreviation, season_phase, season_year "
        "from raw.nbacom_schedule_game_ids order by game_id, is_home"
    ) == [
        ("0022400061", "NYK", False, "BOS", "regular", 2024),
        ("0022400061", "BOS", True, "NYK", "regular", 2024),
        ("0022400062", "MIN", False, "LAL", "regular", 2024),
        ("0022400062", "LAL", True, "MIN", "regular", 2024),
    ]
    assert wh.rows(
        "select loc_x, loc_y, shot_made, zone, game_date from raw.nbacom_shots where player_id = 1900001"
    ) == [(22.6, 6.45, True, "three", __import__("datetime").date(2024, 10, 22))]
    assert wh.scalar("select sum(pts) from raw.nbacom_player_game_logs") == 142
    args = json.loads(wh.scalar("select arguments from state.runs where command = 'ingest'"))
    assert args["live"] == {"seasons": ["2024-25"], "season_types": ["Regular Season"]}


def test_bad_rows_are_quarantined_not_dropped(tmp_path: Path) -> None:
    def bad_points(resp: dict[str, Any]) -> dict[str, Any]:
        resp["resultSets"][0]["rowSet"][0][28] = 99  # PTS <> 2*FGM + FG3M + FTM
        return resp

    def bad_date(resp: dict[str, Any]) -> dict[str, Any]:
        resp["resultSets"][0]["rowSet"][1][21] = "not a date"
        return resp

    fetch = FakeFetch(
        {
            "leaguegamelog_P_2024-25_regular_season.json": bad_points,
            "shotchartdetail_2024-25_regular_season.json": bad_date,
        }
    )
    wh = Warehouse(tmp_path / "w.duckdb")
    report = run_ingest(wh, "live", None, 1, 0, quiet=True, live=request(fetch))
    got = {f.table: (f.rows_read, f.rows_loaded, f.rows_quarantined) for f in report.files}
    assert got["raw.nbacom_player_game_logs"] == (7, 6, 1)
    assert got["raw.nbacom_shots"] == (6, 5, 1)
    assert dict(wh.rows("select reason, count(*) from meta.quarantine group by 1 order by 1")) == {
        "bad_date": 1,
        "impossible_value": 1,
    }


def next_season(resp: dict[str, Any]) -> dict[str, Any]:
    """The 2024-25 recording moved to 2025-26 (season id, game ids, dates)."""
    text = json.dumps(resp)
    for old, new in (
        ("22024", "22025"),
        ("00224", "00225"),
        ("2024-10-22", "2025-10-22"),
        ("20241022", "20251022"),
    ):
        text = text.replace(old, new)
    return dict(json.loads(text))


def test_later_seasons_add_and_refetches_replace(tmp_path: Path) -> None:
    """Files are per season: ingesting 2025-26 later keeps 2024-25, re-fetching a season replaces it."""
    fetch = FakeFetch(
        {
            name: next_season
            for name in (
                "leaguegamelog_P_2025-26_regular_season.json",
                "leaguegamelog_T_2025-26_regular_season.json",
                "shotchartdetail_2025-26_regular_season.json",
            )
        }
    )
    wh = Warehouse(tmp_path / "w.duckdb")
    run_ingest(wh, "live", None, 1, 0, quiet=True, live=request(fetch, "2024-25"))
    run_ingest(wh, "live", None, 1, 0, quiet=True, live=request(fetch, "2025-26"))
    run_ingest(wh, "live", None, 1, 0, quiet=True, live=request(fetch, "2025-26"))
    assert {t: wh.count(t) for t in RAW} == {t: 2 * n for t, n in RAW.items()}
    assert wh.rows(
        "select season_label, count(*) from raw.nbacom_player_game_logs group by 1 order by 1"
    ) == [("2024-25", 7), ("2025-26", 7)]
    assert wh.scalar("select count(distinct game_id) from raw.nbacom_shots") == 4


def test_several_seasons_and_types_are_fetched_in_order(tmp_path: Path) -> None:
    fetch = FakeFetch()
    req = request(fetch, "2024-25,2025-26", ("Regular Season", "Playoffs"))
    live.write_live(tmp_path, req)  # only 2024-25 regular season has recorded games
    assert [
        (c[1].get("season") or c[1]["season_nullable"], c[1]["season_type_all_star"]) for c in fetch.calls
    ][::3] == [
        ("2024-25", "Regular Season"),
        ("2024-25", "Playoffs"),
        ("2025-26", "Regular Season"),
        ("2025-26", "Playoffs"),
    ]
    assert len(live_csv(tmp_path, "team_logs")) == 4


def test_no_games_is_an_error_not_an_empty_ingest(tmp_path: Path) -> None:
    with pytest.raises(NbapropsError, match="no games for 2030-31"):
        live.write_live(tmp_path, request(seasons="2030-31"))


def test_a_changed_response_is_a_clear_error(tmp_path: Path) -> None:
    def drop_column(resp: dict[str, Any]) -> dict[str, Any]:
        rs = resp["resultSets"][0]
        rs["headers"] = rs["headers"][:-1]
        rs["rowSet"] = [row[:-1] for row in rs["rowSet"]]
        return resp

    fetch = FakeFetch({"shotchartdetail_2024-25_regular_season.json": drop_column})
    with pytest.raises(NbapropsError, match=r"lacks columns \['VTM'\]"):
        live.write_live(tmp_path, request(fetch))


@pytest.mark.parametrize("text", [None, "", "2024", "2024-26", "2024-25,25-26"])
def test_bad_seasons_list_is_a_usage_error(text: str | None) -> None:
    with pytest.raises(UsageError, match="seasons-list"):
        live.live_request(text, (), fetch=FakeFetch())


def test_unknown_season_type_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="season type"):
        live.live_request("2024-25", ("All Star",), fetch=FakeFetch())


# -- the default fetcher -------------------------------------------------------------------------------
def test_default_fetcher_without_nba_api_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(UsageError, match=r"pip install 'nbaprops\[live\]'"):
        live.live_request("2024-25", ())


FAKE_ENDPOINT = """
import json, pathlib
CALLS = []
FAIL_FIRST = [1]
class {cls}:
    def __init__(self, **kwargs):
        CALLS.append(kwargs)
        if FAIL_FIRST[0]:
            FAIL_FIRST[0] -= 1
            raise TimeoutError("read timed out")
        self.kwargs = kwargs
    def get_dict(self):
        return {{"resultSets": []}}
"""


@pytest.fixture
def fake_nba_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A stand-in `nba_api` package on sys.path (its endpoint modules are written by the test);
    removed again from sys.path and sys.modules afterwards."""
    root = tmp_path / "site"
    pkg = root / "nba_api" / "stats" / "endpoints"
    pkg.mkdir(parents=True)
    for d in (root / "nba_api", root / "nba_api" / "stats", pkg):
        (d / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(root))
    yield pkg
    for name in [m for m in sys.modules if m == "nba_api" or m.startswith("nba_api.")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def test_default_fetcher_passes_nba_api_arguments_waits_and_retries(fake_nba_api: Path) -> None:
    """The fetcher calls the endpoint class with the request's keyword arguments and a timeout,
    waits between requests and retries a failure."""
    (fake_nba_api / "leaguegamelog.py").write_text(FAKE_ENDPOINT.format(cls="LeagueGameLog"))
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    fetch = live.nba_api_fetcher(min_interval=1.5, timeout=12.0, sleep=sleep, clock=lambda: now[0])
    params = {"season": "2024-25", "season_type_all_star": "Playoffs", "player_or_team_abbreviation": "T"}
    assert fetch("leaguegamelog", params) == {"resultSets": []}
    assert fetch("leaguegamelog", params) == {"resultSets": []}
    module = sys.modules["nba_api.stats.endpoints.leaguegamelog"]
    calls = module.CALLS
    assert calls == [{**params, "timeout": 12.0}] * 3
    assert slept == [3.0, 1.5]  # retry after a doubled pause, then the polite gap
    with pytest.raises(ValueError, match="unknown live endpoint"):
        fetch("boxscoretraditionalv2", {})


def test_default_fetcher_gives_up_with_one_line(fake_nba_api: Path) -> None:
    (fake_nba_api / "shotchartdetail.py").write_text(
        FAKE_ENDPOINT.format(cls="ShotChartDetail").replace("FAIL_FIRST = [1]", "FAIL_FIRST = [9]")
    )
    fetch = live.nba_api_fetcher(sleep=lambda s: None)
    with pytest.raises(
        NbapropsError, match=r"shotchartdetail season_nullable=2024-25 .* 3 tries: read timed out"
    ):
        fetch("shotchartdetail", {"season_nullable": "2024-25", "season_type_all_star": "Regular Season"})


# -- the command line ----------------------------------------------------------------------------------
def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "ingest", *args, "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_live_without_nba_api_exits_2_with_one_line(tmp_path: Path) -> None:
    if importlib.util.find_spec("nba_api") is not None:
        pytest.skip("nba_api is installed here")
    proc = cli(tmp_path, "--source", "live", "--seasons-list", "2024-25", "--season-type", "Playoffs")
    assert proc.returncode == 2
    assert proc.stderr == "error: the live source needs the optional extra: pip install 'nbaprops[live]'\n"
    assert not (tmp_path / "w.duckdb").exists()


def test_cli_live_needs_seasons(tmp_path: Path) -> None:
    proc = cli(tmp_path, "--source", "live")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "--seasons-list" in proc.stderr


@pytest.mark.realdata
def test_live_headers_equal_the_real_files(tmp_path: Path) -> None:
    data = real_data_dir()
    live.write_live(tmp_path, request())
    for table, real in (
        ("player_logs", "nbacom_player_game_logs_2017-18_2024-25.csv.gz"),
        ("team_logs", "nbacom_team_game_logs_2014-15_2024-25.csv.gz"),
        ("schedule", "nbacom_schedule_gameids_2018-19_2025-26.csv.gz"),
        ("shots", "nbacom_shots_2024-25.csv.gz"),
    ):
        with gzip.open(data / real, "rt", encoding="utf-8") as fh:
            real_header = fh.readline().strip()
        assert list(live_csv(tmp_path, table)[0]) == real_header.split(","), table
