"""Consistency of the curated seed CSVs, alone and against the real staged data.

The real-data tests read ``../shared/data`` (or ``$NBAPROPS_DATA``) and are skipped
when it is absent. They only read the files; nothing from them is written anywhere.
"""

from __future__ import annotations

import csv
import gzip
import os
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest

from nbaprops.ingest.player_lookup import player_lookup
from nbaprops.seeds import SEED_FILES, seed_path

DATA_DIR = Path(os.environ.get("NBAPROPS_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
SEASONS = range(2007, 2031)  # season start years the home-arena rule must cover


@cache
def _load(name: str) -> tuple[dict[str, str], ...]:
    with seed_path(name).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def load(name: str) -> list[dict[str, str]]:
    """Read a seed CSV as a list of all-string dicts (a fresh copy each call)."""
    return [dict(row) for row in _load(name)]


def nba_teams() -> list[dict[str, str]]:
    """The 30 ``is_nba`` rows of ``team_codes.csv``."""
    return [r for r in load("team_codes.csv") if r["is_nba"] == "true"]


def site_index() -> dict[str, set[str]]:
    """Map every casefolded arena name (key or alias) to the arena_keys it names."""
    index: dict[str, set[str]] = {}
    for row in load("arenas.csv"):
        names = [row["arena_key"], *filter(None, row["aliases"].split("|"))]
        for name in names:
            index.setdefault(name.casefold(), set()).add(row["arena_key"])
    return index


def home_arena(team: str, season: int) -> list[str]:
    """arena_keys of the rows that are ``team``'s home for ``season`` (should be one)."""
    out = []
    for row in _load("arenas.csv"):
        lo = int(row["valid_from_season"]) if row["valid_from_season"] else -(10**9)
        hi = int(row["valid_to_season"]) if row["valid_to_season"] else 10**9
        if row["team_abbr"] == team and lo <= season <= hi:
            out.append(row["arena_key"])
    return out


# --------------------------------------------------------------------------- seeds alone


def test_seed_files_exist_with_headers() -> None:
    """Every seed file is package data with its documented header."""
    headers = {
        "team_codes.csv": "team_abbr,bref_code,nba_team_id,full_name,is_nba,tz,utc_offset_std",
        "team_names.csv": "name,team_abbr",
        "arenas.csv": "arena_key,aliases,city,lat,lon,tz,utc_offset_std,team_abbr,"
        "valid_from_season,valid_to_season,source",
        "player_aliases.csv": "alias_lookup,player_id,source,valid_from,valid_to",
    }
    assert set(headers) == set(SEED_FILES)
    for name, header in headers.items():
        first = seed_path(name).read_text(encoding="utf-8").splitlines()[0]
        assert first == header, name


def test_seed_path_unknown_raises() -> None:
    """An unknown seed name is an error, not a silent empty path."""
    with pytest.raises(FileNotFoundError):
        seed_path("no_such_seed.csv")


def test_nba_team_codes() -> None:
    """30 NBA teams, unique tricodes/bref codes/team ids, standard offsets."""
    teams = nba_teams()
    assert len(teams) == 30
    for col in ("team_abbr", "bref_code", "nba_team_id", "full_name"):
        assert len({t[col] for t in teams}) == 30, col
    codes = load("team_codes.csv")
    assert len({r["team_abbr"] for r in codes}) == len(codes), "one row per code"
    by_code = {t["team_abbr"]: t for t in teams}
    assert {c: by_code[c]["bref_code"] for c in ("BKN", "CHA", "PHX")} == {
        "BKN": "BRK",
        "CHA": "CHO",
        "PHX": "PHO",
    }
    offsets = {c: by_code[c]["utc_offset_std"] for c in ("PHX", "DEN", "UTA", "CHI", "BOS", "LAL")}
    assert offsets == {"PHX": "-7", "DEN": "-7", "UTA": "-7", "CHI": "-6", "BOS": "-5", "LAL": "-8"}
    for t in teams:
        assert re.fullmatch(r"1610612\d{3}", t["nba_team_id"]), t
        assert t["tz"].startswith("America/"), t
    for r in codes:
        if r["is_nba"] == "false":
            assert r["bref_code"] == "" and r["tz"] == "" and r["full_name"], r


def test_team_names_map_to_nba_codes() -> None:
    """Every name maps to one of the 30 tricodes; names are unique."""
    nba = {t["team_abbr"] for t in nba_teams()}
    names = load("team_names.csv")
    assert len({n["name"] for n in names}) == len(names)
    assert all(n["team_abbr"] in nba for n in names)
    lookup = {n["name"]: n["team_abbr"] for n in names}
    for name, code in {
        "LA Clippers": "LAC",
        "Los Angeles Clippers": "LAC",
        "Charlotte Bobcats": "CHA",
        "New Jersey Nets": "BKN",
        "New Orleans Hornets": "NOP",
        "Seattle SuperSonics": "OKC",
    }.items():
        assert lookup[name] == code
    for t in nba_teams():
        assert lookup[t["full_name"]] == t["team_abbr"]


def test_arena_rows_consistent() -> None:
    """Rows of one site agree; curated rows carry coordinates, kennethday8 rows do not."""
    rows = load("arenas.csv")
    nba = {t["team_abbr"] for t in nba_teams()}
    by_key: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_key.setdefault(row["arena_key"], []).append(row)
        assert row["source"] in {"kennethday8", "curated"}
        assert row["team_abbr"] == "" or row["team_abbr"] in nba
        assert row["tz"] and row["utc_offset_std"]
        if row["source"] == "curated":
            lat, lon = float(row["lat"]), float(row["lon"])
            assert -90 <= lat <= 90 and -180 <= lon <= 180 and row["city"]
        else:
            assert row["lat"] == row["lon"] == row["city"] == ""
        if row["team_abbr"] == "":
            assert row["valid_from_season"] == row["valid_to_season"] == ""
    shared = ("aliases", "city", "lat", "lon", "tz", "utc_offset_std", "source")
    for key, site_rows in by_key.items():
        assert len({tuple(r[c] for c in shared) for r in site_rows}) == 1, key
        assert len({r["team_abbr"] for r in site_rows}) == len(site_rows) or all(
            r["team_abbr"] == "TOR" for r in site_rows
        ), key
    for name, keys in site_index().items():
        assert len(keys) == 1, (name, keys)


def test_arena_required_fixes() -> None:
    """SPEC §3.9 fixes: coordinates, time zones and tenancies."""
    rows = {r["arena_key"]: r for r in load("arenas.csv")}
    assert (rows["Oracle Arena"]["lat"], rows["Oracle Arena"]["lon"]) == ("37.750", "-122.203")
    assert (rows["Intuit Dome"]["lat"], rows["Intuit Dome"]["lon"]) == ("33.945", "-118.343")
    assert rows["Amalie Arena"]["tz"] == "America/New_York"
    assert rows["The O2 Arena"]["utc_offset_std"] == "0"
    assert rows["AccorHotels Arena"]["utc_offset_std"] == "1"
    assert rows["Mexico City Arena"]["utc_offset_std"] == "-6"
    assert rows["Talking Stick Resort Arena"]["utc_offset_std"] == "-7"
    index = site_index()
    for alias in ("The Arena", "Visa Athletic Center"):
        assert index[alias.casefold()] == {"HP Field House"}
    assert index["uw–milwaukee panther arena"] == {"Fiserv Forum"}
    assert home_arena("GSW", 2018) == ["Oracle Arena"]
    assert home_arena("GSW", 2019) == ["Chase Center"]
    assert home_arena("LAC", 2023) == ["Staples Center"]
    assert home_arena("LAC", 2024) == ["Intuit Dome"]
    assert home_arena("TOR", 2019) == home_arena("TOR", 2021) == ["Scotiabank Arena"]
    assert home_arena("TOR", 2020) == ["Amalie Arena"]


def test_home_arena_unique_per_team_season() -> None:
    """Every NBA team has exactly one home-arena row in every season."""
    for team in (t["team_abbr"] for t in nba_teams()):
        for season in SEASONS:
            assert len(home_arena(team, season)) == 1, (team, season)


def test_player_aliases_shape() -> None:
    """alias_lookup is unique, already normalised, and the SPEC examples are present."""
    aliases = load("player_aliases.csv")
    keys = [a["alias_lookup"] for a in aliases]
    assert len(set(keys)) == len(keys)
    for a in aliases:
        assert player_lookup(a["alias_lookup"]) == a["alias_lookup"] != ""
        assert a["player_id"].isdigit() and a["source"] == "curated"
    spec = {
        "nicolasclaxton",
        "herbjones",
        "moewagner",
        "carltoncarrington",
        "ronholland",
        "bjboston",
        "vincentwilliams",
        "kenyonmartin",
    }
    assert spec <= set(keys)


# --------------------------------------------------------------------------- real data

_skip_without_data = pytest.mark.skipif(
    not DATA_DIR.is_dir(),
    reason=f"real data folder {DATA_DIR} is absent (set NBAPROPS_DATA to run these tests)",
)
_Test = TypeVar("_Test", bound=Callable[..., None])


def needs_data(test: _Test) -> _Test:
    """Mark a test as reading the real staged data (``realdata``) and skip it without data."""
    return pytest.mark.realdata(_skip_without_data(test))


def read_columns(file_name: str, columns: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Yield the selected string cells of each row of a staged CSV (gzip or plain)."""
    path = DATA_DIR / file_name
    opener = gzip.open if file_name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        idx = [header.index(c) for c in columns]
        for row in reader:
            yield tuple(row[i] for i in idx)


def one_file(pattern: str) -> str:
    """The single staged file matching ``pattern``."""
    matches = sorted(p.name for p in DATA_DIR.glob(pattern))
    assert len(matches) == 1, (pattern, matches)
    return matches[0]


@cache
def nbacom_players() -> tuple[dict[str, set[str]], set[str]]:
    """NBA.com player lookups → ids, and all ids (league logs and partial logs)."""
    by_lookup: dict[str, set[str]] = {}
    names: set[tuple[str, str]] = set()
    for pid, name in read_columns(
        one_file("nbacom_player_game_logs_2017-18_*.csv.gz"), ("PLAYER_ID", "PLAYER_NAME")
    ):
        names.add((pid, name))
    for pid, name in read_columns(
        one_file("nbacom_player_game_logs_*_partial.csv.gz"), ("player_id", "player")
    ):
        names.add((pid, name))
    for pid, name in names:
        by_lookup.setdefault(player_lookup(name), set()).add(pid)
    return by_lookup, {pid for pid, _ in names}


@needs_data
def test_all_team_codes_known() -> None:
    """Every team code in the staged files is a seed code (tricode or bref code)."""
    codes = load("team_codes.csv")
    known = {r["team_abbr"] for r in codes} | {r["bref_code"] for r in codes if r["bref_code"]}
    seen: set[str] = set()
    for (code,) in read_columns(one_file("nbacom_team_game_logs_*.csv.gz"), ("TEAM_ABBREVIATION",)):
        seen.add(code)
    for (code,) in read_columns(one_file("nbacom_schedule_gameids_*.csv.gz"), ("TEAM_ABBREVIATION",)):
        seen.add(code)
    for home, away in read_columns(
        one_file("rest_travel_schedule_*.csv.gz"), ("home_team_tricode", "away_team_tricode")
    ):
        seen.update(c for c in (home, away) if c)
    for cells in read_columns(one_file("bref_team_box_*.csv.gz"), ("team", "opp")):
        seen.update(cells)
    for cells in read_columns(one_file("bref_schedule_*.csv.gz"), ("visitor_team_abbr", "home_team_abbr")):
        seen.update(cells)
    assert seen - known == set()


@needs_data
def test_nba_team_ids_match_nbacom() -> None:
    """NBA.com TEAM_IDs of the 30 franchises equal the seed ids (All-Star games aside)."""
    seed = {t["team_abbr"]: t["nba_team_id"] for t in nba_teams()}
    seen: dict[str, set[str]] = {}
    for season_id, team_id, code in read_columns(
        one_file("nbacom_team_game_logs_*.csv.gz"), ("SEASON_ID", "TEAM_ID", "TEAM_ABBREVIATION")
    ):
        if code in seed and not season_id.startswith("3"):
            seen.setdefault(code, set()).add(team_id)
    assert {c: {i} for c, i in seed.items()} == seen


@needs_data
def test_every_team_name_maps() -> None:
    """Every full team name used for an NBA team in any source is in team_names.csv."""
    names = {r["name"] for r in load("team_names.csv")}
    nba = {t["team_abbr"] for t in nba_teams()}
    used: set[str] = set()
    for cells in read_columns(one_file("sbr_game_odds_*.csv.gz"), ("Home", "Away")):
        used.update(cells)
    for cells in read_columns(one_file("fixturedownload_*.csv.gz"), ("Home Team", "Away Team")):
        used.update(cells)
    for cells in read_columns(one_file("bref_schedule_*.csv.gz"), ("visitor_team_name", "home_team_name")):
        used.update(cells)
    for pattern in ("oddsapi_props_player_points_*.csv.gz", "oddsapi_props_player_threes_*.csv.gz"):
        for (game,) in read_columns(one_file(pattern), ("game",)):
            away, home = game.split(" @ ")
            used.update((away, home))
    for pattern in ("nbacom_team_game_logs_*.csv.gz", "nbacom_schedule_gameids_*.csv.gz"):
        for season_id, code, name in read_columns(
            one_file(pattern), ("SEASON_ID", "TEAM_ABBREVIATION", "TEAM_NAME")
        ):
            if code in nba and not season_id.startswith("3"):
                used.add(name)
    assert used - names == set()


@cache
def _arena_names_with_context() -> frozenset[tuple[str, str, int]]:
    """Distinct (arena name, home tricode, season start year) in bref schedule/games, fixtures."""
    return frozenset(_iter_arena_names())


def _iter_arena_names() -> Iterator[tuple[str, str, int]]:
    """Yield (arena name, home tricode, season) per row; shifted bref rows are skipped."""
    bref = {r["bref_code"]: r["team_abbr"] for r in nba_teams()}
    full = {r["name"]: r["team_abbr"] for r in load("team_names.csv")}
    for season, home, arena in read_columns(
        one_file("bref_schedule_*.csv.gz"), ("season_end_year", "home_team_abbr", "arena_name")
    ):
        yield arena, bref[home], int(season) - 1
    time_first = re.compile(r"\d{1,2}:\d{2} [AP]M,")
    for season, home, when, location in read_columns(
        one_file("bref_games_*.csv.gz"),
        ("season_end_year", "home_team", "date_time_text", "arena_location"),
    ):
        if when == "In-Season Tournament" or time_first.match(location):
            continue  # shifted row: the date sits in arena_location (SPEC §3.2)
        yield location.split(",")[0], bref[home], int(season) - 1
    for source_file, home, location in read_columns(
        one_file("fixturedownload_*.csv.gz"), ("source_file", "Home Team", "Location")
    ):
        year = re.search(r"(\d{4})", source_file)
        assert year is not None
        yield location, full[home], int(year.group(1))


@needs_data
def test_every_arena_name_resolves_to_one_site() -> None:
    """Each arena string resolves to exactly one site; tenant sites match the home team."""
    index = site_index()
    rows = load("arenas.csv")
    tenants = {r["arena_key"] for r in rows if r["team_abbr"]}
    unknown: set[str] = set()
    mismatched: set[tuple[str, str, int]] = set()
    for name, home, season in _arena_names_with_context():
        keys = index.get(name.casefold())
        if not keys:
            unknown.add(name)
            continue
        assert len(keys) == 1, (name, keys)
        (key,) = keys
        if key in tenants and home_arena(home, season) != [key]:
            mismatched.add((name, home, season))
    assert unknown == set()
    assert mismatched == set()


@needs_data
def test_kennethday8_arena_keys_exist() -> None:
    """kennethday8 rows use that file's exact ``arena`` values, and cover all of them."""
    staged = {arena for (arena,) in read_columns("arenas_kennethday8.csv", ("arena",))}
    keys = {r["arena_key"] for r in load("arenas.csv") if r["source"] == "kennethday8"}
    assert keys == staged


@needs_data
def test_alias_player_ids_exist() -> None:
    """Alias ids are NBA.com PLAYER_IDs and never shadow another player's own lookup."""
    by_lookup, ids = nbacom_players()
    for alias in load("player_aliases.csv"):
        assert alias["player_id"] in ids, alias
        assert by_lookup.get(alias["alias_lookup"], {alias["player_id"]}) == {alias["player_id"]}


@needs_data
def test_prop_names_resolve_except_2025_26_rookies() -> None:
    """Prop names resolve via lookup or alias; leftovers are 2025-26 names only (SPEC §3.7)."""
    by_lookup, _ = nbacom_players()
    known = set(by_lookup) | {a["alias_lookup"] for a in load("player_aliases.csv")}
    first_seen: dict[str, str] = {}
    for pattern in ("oddsapi_props_player_points_*.csv.gz", "oddsapi_props_player_threes_*.csv.gz"):
        for player, game_time in read_columns(one_file(pattern), ("player", "game_time")):
            if game_time < first_seen.get(player, "9999"):
                first_seen[player] = game_time
    unresolved = {p: t for p, t in first_seen.items() if player_lookup(p) not in known}
    assert all(first >= "2025-10-01" for first in unresolved.values()), unresolved
    assert len(unresolved) <= 25, sorted(unresolved)
