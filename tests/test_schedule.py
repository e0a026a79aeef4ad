"""Conformed schedule `raw.schedule_games` and arenas (SPEC §2.3, §3.3, §3.9, §9).

Hand-made examples run everywhere; the real-data checks build one warehouse per module from
`../shared/data` (or `NBAPROPS_DATA`) and are skipped when that folder is absent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nbaprops.ingest.arenas import build_arena_locations
from nbaprops.ingest.loader import ensure_meta
from nbaprops.ingest.reference_seeds import load_reference_seeds
from nbaprops.ingest.schedule import COLUMNS, build_schedule, season_year_for_date
from nbaprops.warehouse import Warehouse


def _data_dir() -> Path:
    env = os.environ.get("NBAPROPS_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


DATA = _data_dir()
HAS_DATA = (DATA / "nbacom_team_game_logs_2014-15_2024-25.csv.gz").exists()


# -- month rule (SPEC §2.3) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "season"),
    [
        (date(2018, 9, 28), 2018),
        (date(2020, 10, 11), 2019),
        (date(2020, 12, 22), 2020),
        (date(2021, 7, 20), 2020),
        (date(2022, 9, 30), 2022),
        (date(2020, 7, 30), 2019),
        (date(2020, 8, 1), 2019),
        (date(2020, 10, 31), 2019),
        (date(2020, 11, 1), 2020),
        (date(2024, 6, 17), 2023),
        (date(2024, 8, 1), 2024),
        (date(2025, 1, 1), 2024),
    ],
)
def test_season_year_month_rule(day: date, season: int) -> None:
    assert season_year_for_date(day) == season


# -- hand-made league -----------------------------------------------------------------------------
def _team_rows(
    game_id: str, day: str, away: str, home: str, pts: tuple[int, int], minutes: int, neutral: bool = False
) -> list[tuple[object, ...]]:
    """Two NBA.com team-log rows (away first); neutral games print `AWAY @ HOME` on both rows."""
    matchup_home = f"{away} @ {home}" if neutral else f"{home} vs. {away}"
    return [
        (game_id, day, 2030, "regular", away, False, f"{away} @ {home}", pts[0], minutes),
        (game_id, day, 2030, "regular", home, not neutral, matchup_home, pts[1], minutes),
    ]


@pytest.fixture()
def league() -> Iterator[Warehouse]:
    wh = Warehouse(":memory:")
    ensure_meta(wh)
    load_reference_seeds(wh)
    wh.execute(
        "create table raw.static_arenas as select arena_key as arena, 'somewhere' as city, "
        "40.0::double as lat, -75.0::double as lon, null::varchar as tm from meta.arena_seed "
        "where source = 'kennethday8' group by arena_key"
    )
    wh.execute(
        "create table raw.nbacom_team_game_logs (game_id varchar, game_date date, season_year int, "
        "season_phase varchar, team_abbreviation varchar, is_home boolean, matchup varchar, pts int, "
        "min double, ot_periods int, staged_file varchar, staged_line bigint)"
    )
    rows = (
        _team_rows("0023000001", "2030-10-20", "NYK", "BOS", (100, 110), 240)
        + _team_rows("0023000002", "2030-10-22", "BOS", "NYK", (101, 99), 265)
        + _team_rows("0023000003", "2030-10-24", "CHI", "MIL", (90, 95), 241, neutral=True)
        + [("0013000009", "2030-10-05", 2030, "preseason", "BOS", True, "BOS vs. NYK", 99, 240)]
    )
    for i, r in enumerate(rows):
        wh.execute(
            "insert into raw.nbacom_team_game_logs (game_id, game_date, season_year, season_phase, "
            "team_abbreviation, is_home, matchup, pts, min, ot_periods, staged_file, staged_line) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'teams.csv', ?)",
            [*r, max(0, round((int(r[-1]) - 240) / 25)), i + 2],
        )
    # schedule ids: a neutral game printed TEAM @ OPP on both rows, which no other input covers
    wh.execute(
        "create table raw.nbacom_schedule_game_ids as select * from (values "
        "('0023000004', date '2030-10-23', 2030, 'regular', 'MIA', false, 'ids.csv', 2), "
        "('0023000004', date '2030-10-23', 2030, 'regular', 'ORL', false, 'ids.csv', 3)) "
        "v(game_id, game_date, season_year, season_phase, team_abbreviation, is_home, "
        "staged_file, staged_line)"
    )
    wh.execute(
        "create table raw.fixturedownload_schedule as select * from (values "
        "(2030, date '2030-10-20', 'BOS', 'NYK', 'TD Garden', timestamp '2030-10-20 19:30', "
        " null::int, null::int, 'fx.csv', 2),"
        "(2030, date '2030-10-21', 'LAL', 'BOS', 'Staples Center', timestamp '2030-10-21 22:30', "
        " null, null, 'fx.csv', 3),"
        "(2030, date '2030-10-24', 'MIL', 'CHI', 'Arena CDMX', timestamp '2030-10-24 20:00', "
        " null, null, 'fx.csv', 4),"
        "(2030, date '2030-10-25', 'BOS', 'LAL', 'Nowhere Dome', timestamp '2030-10-25 19:00', "
        " null, null, 'fx.csv', 5)) "
        "v(season_year, game_date, home_team_abbr, away_team_abbr, location, tip_time_et, "
        "home_points, away_points, staged_file, staged_line)"
    )
    build_arena_locations(wh)
    yield wh
    wh.close()


def _games(wh: Warehouse) -> dict[str, dict[str, object]]:
    return {r["game_id"]: r for r in wh.dicts("select * from raw.schedule_games")}


def test_hand_made_league(league: Warehouse) -> None:
    report = build_schedule(league, "t")
    assert league.columns("raw.schedule_games") == list(COLUMNS)
    games = _games(league)
    assert set(games) == {"0023000001", "0023000002", "0023000003", "T301025BOS"}
    g1 = games["0023000001"]
    assert (g1["home_team_abbr"], g1["away_team_abbr"], g1["home_points"], g1["away_points"]) == (
        "BOS",
        "NYK",
        110,
        100,
    )
    assert g1["arena_key"] == "TD Garden" and g1["is_neutral_site"] is False
    assert g1["game_status"] == "final" and str(g1["tip_time_et"]) == "2030-10-20 19:30:00"
    assert games["0023000002"]["ot_periods"] == 1
    # the neutral game: home from `AWAY @ HOME`; arena from the fixture (alias of Mexico City Arena)
    g3 = games["0023000003"]
    assert (g3["home_team_abbr"], g3["arena_key"], g3["is_neutral_site"]) == (
        "MIL",
        "Mexico City Arena",
        True,
    )
    # future fixture → provisional scheduled game; unknown arena name falls back to the home arena
    g5 = games["T301025BOS"]
    assert g5["game_status"] == "scheduled" and g5["home_points"] is None
    assert g5["arena_key"] == "TD Garden" and g5["sources"] == ["fixturedownload"]
    sched = report["schedule"]
    assert sched["superseded"] == 1  # LAL-BOS 2030-10-21, on or before the last completed date
    assert sched["unresolved_games"] == 1
    assert sched["unknown_arena_names"] == ["Nowhere Dome (1)"]
    q = league.rows("select staged_file, detail from meta.quarantine where reason = 'unresolved_game'")
    assert len(q) == 2 and all("0023000004" in d for _, d in q)
    # calendar
    cal = league.dicts("select * from raw.season_calendar")
    assert cal == [
        {
            "season_year": 2030,
            "season_start": date(2030, 10, 20),
            "bootstrap_end": date(2030, 11, 2),
            "last_regular_date": date(2030, 10, 25),
            "last_game_date": date(2030, 10, 25),
            "last_completed_date": date(2030, 10, 24),
        }
    ]
    # idempotent: a second build gives the same table and does not duplicate quarantine rows
    build_schedule(league, "t2")
    assert _games(league) == games
    assert league.scalar("select count(*) from meta.quarantine") == 2


def test_as_of(league: Warehouse) -> None:
    report = build_schedule(league, "t", as_of=date(2030, 10, 21))
    games = _games(league)
    assert set(games) == {"0023000001", "0023000002", "0023000003", "T301025BOS"}
    assert games["0023000001"]["game_status"] == "final"
    assert games["0023000001"]["home_points"] == 110
    for gid in ("0023000002", "0023000003", "T301025BOS"):
        g = games[gid]
        assert g["game_status"] == "scheduled"
        assert g["home_points"] is None and g["away_points"] is None and g["ot_periods"] is None
    # identity is unchanged: same teams and arenas as without as-of
    assert games["0023000003"]["home_team_abbr"] == "MIL"
    assert report["schedule"]["superseded"] == 1
    assert report["schedule"]["final"] == 1 and report["schedule"]["scheduled"] == 3


def test_static_only_arena_is_a_home_arena() -> None:
    """A synthetic league's invented arena (not in the seed) is its team's home arena."""
    wh = Warehouse(":memory:")
    load_reference_seeds(wh)
    wh.execute(
        "create table raw.static_arenas as select * from (values "
        "('Boston Synthetic Arena', 'Boston', 42.36, -71.06, 'BOS'), "
        "('Brooklyn Synthetic Arena', 'Brooklyn', 40.68, -73.97, 'BRK')) v(arena, city, lat, lon, tm)"
    )
    out = build_arena_locations(wh)
    assert out["arenas"]["static_only_sites"] == 2
    rows = wh.dicts("select * from meta.arena_locations where team_abbr in ('BOS', 'BKN')")
    assert {(r["arena_key"], r["team_abbr"], r["tz"]) for r in rows} == {
        ("Boston Synthetic Arena", "BOS", "America/New_York"),
        ("Brooklyn Synthetic Arena", "BKN", "America/New_York"),
    }
    # curated rows keep their own coordinates; seed sites with no static row are skipped
    assert wh.scalar("select count(*) from meta.arena_locations where arena_key = 'Intuit Dome'") == 1
    assert wh.scalar("select count(*) from meta.arena_locations where arena_key = 'TD Garden'") == 0
    assert wh.scalar("select count(*) from meta.arena_locations where lat is null") == 0
    wh.close()


# -- real data (SPEC §9) --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(real_ingested: Path, real_ingest_report: dict[str, Any]) -> Iterator[Warehouse]:
    """The session's real-data warehouse (read-only use) and its ingest report."""
    from types import SimpleNamespace

    wh = Warehouse(real_ingested, read_only=True)
    wh.report = SimpleNamespace(conformed=real_ingest_report)  # type: ignore[attr-defined]
    yield wh
    wh.close()


@pytest.mark.realdata
def test_regular_games_per_season(real: Warehouse) -> None:
    counts = dict(
        real.rows(
            "select season_year, count(*) from raw.schedule_games where season_phase = 'regular' group by 1"
        )
    )
    for season in range(2017, 2025):
        expected = {2019: 1059, 2020: 1080}.get(season, 1230)
        assert counts[season] == expected, season
    # 2025-26: 1,230 less the two quarantined Cup semifinals
    assert counts[2025] == 1228


@pytest.mark.realdata
def test_ids_teams_and_arenas(real: Warehouse) -> None:
    assert real.scalar("select count(*) - count(distinct game_id) from raw.schedule_games") == 0
    assert real.scalar("select count(*) from raw.schedule_games where length(game_id) <> 10") == 0
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games where home_team_abbr = away_team_abbr "
            "or home_team_abbr is null or away_team_abbr is null"
        )
        == 0
    )
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games where home_team_abbr not in "
            "(select team_abbr from meta.team_codes where is_nba) or away_team_abbr not in "
            "(select team_abbr from meta.team_codes where is_nba)"
        )
        == 0
    )
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games where season_phase not in "
            "('regular', 'play_in', 'playoffs', 'cup_final')"
        )
        == 0
    )
    # every game has arena coordinates
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games g left join (select distinct arena_key, lat, lon "
            "from meta.arena_locations) a using (arena_key) where a.lat is null or a.lon is null"
        )
        == 0
    )
    report = real.report  # type: ignore[attr-defined]
    assert report.conformed["schedule"]["unknown_arena_names"] == []


@pytest.mark.realdata
def test_every_bref_key_maps_to_an_nba_id(real: Warehouse) -> None:
    keys = real.scalar("select count(distinct game_key) from raw.bref_schedule")
    mapped = real.scalar(
        "select count(*) from raw.schedule_games where bref_game_key is not null and game_id not like 'T%'"
    )
    assert keys == mapped == 8807
    missing_games = real.scalar(
        "select count(*) from raw.bref_games where game_key not in "
        "(select bref_game_key from raw.schedule_games where bref_game_key is not null)"
    )
    assert missing_games == 0
    # the 198 unplayed 2023-24 bref rows have their NBA.com ids
    assert (
        real.scalar(
            "select count(*) from raw.bref_schedule b join raw.schedule_games s "
            "on s.bref_game_key = b.game_key where b.home_pts is null"
        )
        == 198
    )


@pytest.mark.realdata
def test_restart_playoffs_and_season_years(real: Warehouse) -> None:
    phases = {
        r[0]
        for r in real.rows(
            "select distinct season_phase from raw.schedule_games where game_date = '2020-08-20'"
        )
    }
    assert phases == {"playoffs"}
    years = dict(
        real.rows(
            "select game_date, any_value(season_year) from raw.schedule_games "
            "where game_date in ('2020-10-11', '2020-12-22', '2021-07-20') group by 1"
        )
    )
    assert years == {date(2020, 10, 11): 2019, date(2020, 12, 22): 2020, date(2021, 7, 20): 2020}
    # restart games are at the Lake Buena Vista site
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games where game_date between '2020-07-30' "
            "and '2020-10-11' and arena_key <> 'HP Field House'"
        )
        == 0
    )
    start = dict(real.rows("select season_year, season_start from raw.season_calendar"))
    assert start[2020] == date(2020, 12, 22) and start[2023] == date(2023, 10, 24)


@pytest.mark.realdata
def test_cup_semifinals_2025_quarantined(real: Warehouse) -> None:
    rows = real.rows(
        "select detail from meta.quarantine where reason = 'unresolved_game' "
        "and target_table = 'raw.schedule_games'"
    )
    ids = {d.split()[1] for (d,) in rows}
    assert ids == {"0022501229", "0022501230"}
    assert (
        real.scalar("select count(*) from raw.schedule_games where game_id in ('0022501229', '0022501230')")
        == 0
    )
    sched = real.report.conformed["schedule"]  # type: ignore[attr-defined]
    assert sched["unresolved_games"] == 2


@pytest.mark.realdata
def test_neutral_sites_and_phases(real: Warehouse) -> None:
    # 2025-26 international games: home from the fixture list (unordered-pair match)
    rows = {
        r[0]: r[1:]
        for r in real.rows(
            "select game_id, home_team_abbr, arena_key, is_neutral_site from raw.schedule_games "
            "where game_id in ('0022500147', '0022500578', '0022500602', '0022400147')"
        )
    }
    assert rows["0022500578"][1:] == ("Uber Arena", True)
    assert rows["0022500602"][1:] == ("The O2 Arena", True)
    assert rows["0022500147"][1:] == ("Mexico City Arena", True)
    assert rows["0022400147"] == ("WAS", "Mexico City Arena", True)
    cup = real.rows(
        "select season_year, arena_key from raw.schedule_games where season_phase = 'cup_final' order by 1"
    )
    assert cup == [(2023, "T-Mobile Arena"), (2024, "T-Mobile Arena")]
    # TOR's 2020-21 home games are at Amalie Arena and are not neutral
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games where season_year = 2020 and home_team_abbr = 'TOR' "
            "and (arena_key <> 'Amalie Arena' or is_neutral_site)"
        )
        == 0
    )
    # points present for every NBA.com/bref game up to 2024-25
    assert (
        real.scalar(
            "select count(*) from raw.schedule_games where season_year between 2017 and 2024 "
            "and (home_points is null or away_points is null or ot_periods is null)"
        )
        == 0
    )
    sched = real.report.conformed["schedule"]  # type: ignore[attr-defined]
    assert sched["scheduled"] == 0 and sched["superseded"] == 33
