"""The synthetic league: real formats, consistent box scores, realistic schedule, determinism.

One 2-season league (2023-24 complete with play-in and playoffs, 2024-25 stopping ~70% through
the regular season) is generated once per module and every invariant is checked on the written
CSV files, read back with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math
import re
import unicodedata
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from nbaprops.ingest.synthetic import write_league
from nbaprops.ingest.synthetic_csv import CsvOut, DayText
from nbaprops.ingest.synthetic_lines import SBR_HEADER, write_sbr_season
from nbaprops.ingest.synthetic_players import PlayerPool
from nbaprops.ingest.synthetic_season import simulate_season
from tests.conftest import real_data_dir

SEED = 11
BREF_TO_TRI = {"BRK": "BKN", "CHO": "CHA", "PHO": "PHX"}
FILES = {
    "bref_schedule_synthetic.csv": "bref_schedule_*.csv.gz",
    "bref_games_synthetic.csv": "bref_games_*.csv.gz",
    "bref_player_box_synthetic.csv": "bref_player_box_*.csv.gz",
    "bref_team_box_synthetic.csv": "bref_team_box_*.csv.gz",
    "bref_inactives_synthetic.csv": "bref_inactives_*.csv.gz",
    "nbacom_schedule_gameids_synthetic.csv": "nbacom_schedule_gameids_*.csv.gz",
    "nbacom_team_game_logs_synthetic.csv": "nbacom_team_game_logs_*.csv.gz",
    "nbacom_player_game_logs_synthetic.csv": "nbacom_player_game_logs_2017-18_2024-25.csv.gz",
    "nbacom_shots_synthetic.csv": "nbacom_shots_2024-25.csv.gz",
    "sbr_game_odds_synthetic.csv": "sbr_game_odds_*.csv.gz",
    "oddsapi_props_player_points_synthetic.csv": "oddsapi_props_player_points_*.csv.gz",
    "arenas_synthetic.csv": "arenas_*.csv",
}
STATS = ("fg", "fga", "fg3", "fg3a", "ft", "fta", "orb", "drb", "trb", "ast", "stl", "blk",
         "tov", "pf", "pts")  # fmt: skip


class League:
    """The written files, each read once (lists of dict rows)."""

    def __init__(self, root: Path, paths: list[Path]) -> None:
        self.root = root
        self.paths = paths
        self._cache: dict[str, list[dict[str, str]]] = {}

    def rows(self, name: str) -> list[dict[str, str]]:
        """Rows as dicts (small and medium files)."""
        if name not in self._cache:
            with (self.root / f"{name}_synthetic.csv").open(encoding="utf-8", newline="") as fh:
                self._cache[name] = list(csv.DictReader(fh))
        return self._cache[name]

    def table(self, name: str) -> tuple[dict[str, int], list[list[str]]]:
        """(column index, rows as lists): cheaper for the big shots and props files."""
        with (self.root / f"{name}_synthetic.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            return {c: i for i, c in enumerate(header)}, list(reader)


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> League:
    """Seasons 2023-24 (complete) and 2024-25 (~70% played), written once for the module."""
    root = tmp_path_factory.mktemp("league")
    return League(root, write_league(root, seasons=2, seed=SEED))


def secs(mp: str) -> int:
    m, s = mp.split(":")
    return int(m) * 60 + int(s)


def lookup(name: str) -> str:
    """SPEC 2.2 `player_lookup` normalisation."""
    text = unicodedata.normalize("NFKC", name).replace("ı", "i").replace("İ", "I")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    tokens = text.casefold().split()
    if len(tokens) > 1 and re.sub(r"[^0-9a-z]", "", tokens[-1]) in {"jr", "sr", "ii", "iii", "iv"}:
        tokens = tokens[:-1]
    return re.sub(r"[^0-9a-z]", "", "".join(tokens))


def phase_of(league: League) -> dict[str, str]:
    """bref game_key -> regular / play_in / playoffs (from the page title, as SPEC 2.3)."""
    out = {}
    for r in league.rows("bref_games"):
        title = r["title"]
        if title.startswith("Play-In Game: "):
            out[r["game_key"]] = "play_in"
        elif re.match(r"^\d{4} NBA ", title):
            out[r["game_key"]] = "playoffs"
        else:
            out[r["game_key"]] = "regular"
    return out


def key_date(game_key: str) -> dt.date:
    """Date of a bref game_key."""
    return dt.date(int(game_key[:4]), int(game_key[4:6]), int(game_key[6:8]))


def team_days(rows: list[dict[str, str]]) -> dict[tuple[str, str], list[dt.date]]:
    """(season_end_year, team) -> sorted game dates, from bref_schedule rows."""
    out: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for r in rows:
        day = key_date(r["game_key"])
        out[(r["season_end_year"], r["visitor_team_abbr"])].append(day)
        out[(r["season_end_year"], r["home_team_abbr"])].append(day)
    return {k: sorted(v) for k, v in out.items()}


def regular_schedule(league: League) -> list[dict[str, str]]:
    phase = phase_of(league)
    return [r for r in league.rows("bref_schedule") if phase.get(r["game_key"], "regular") == "regular"]


# ---------------------------------------------------------------- files and formats


def test_every_format_is_written(league: League) -> None:
    assert sorted(p.name for p in league.paths) == sorted(FILES)
    for path in league.paths:
        assert path.stat().st_size > 0
        with path.open("rb") as fh:
            assert b"\r" not in fh.read(100_000)


def test_headers_equal_the_real_files(league: League) -> None:
    data = real_data_dir()
    for synthetic, pattern in FILES.items():
        real = sorted(data.glob(pattern))
        assert real, pattern
        opener = gzip.open if real[0].suffix == ".gz" else open
        with opener(real[0], "rt", encoding="utf-8") as fh:
            real_header = next(csv.reader(fh))
        with (league.root / synthetic).open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == real_header, synthetic


def test_same_seed_gives_identical_bytes(league: League, tmp_path: Path) -> None:
    again = write_league(tmp_path, seasons=2, seed=SEED)
    for first, second in zip(league.paths, again, strict=True):
        assert first.name == second.name
        assert first.read_bytes() == second.read_bytes(), first.name


def test_cell_formats(league: League) -> None:
    box = league.rows("bref_player_box")
    played = [r for r in box if not r["status"]]
    assert all(re.fullmatch(r"\d{1,2}:\d{2}", r["mp"]) for r in played)
    assert all(re.fullmatch(r"(\.\d{3}|1\.000|)", r["fg_pct"]) for r in played)
    assert all(re.fullmatch(r"(\+[1-9]\d*|-[1-9]\d*|0)", r["plus_minus"]) for r in played)
    logs = league.rows("nbacom_team_game_logs")
    assert all(re.fullmatch(r"-?\d+\.0", r["PLUS_MINUS"]) for r in logs)
    assert all(re.fullmatch(r"0\.\d{1,3}|1\.0", r["FG_PCT"]) for r in logs)
    sched = league.rows("bref_schedule")
    assert all(
        re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [A-Z][a-z]{2} \d{1,2}, \d{4}", r["date"]) for r in sched
    )
    assert all(re.fullmatch(r"\d{1,2}:\d{2}p", r["game_start_time"]) for r in sched)
    assert all(re.fullmatch(r"\d{1,2},\d{3}|", r["attendance"]) for r in sched)


# ---------------------------------------------------------------- schedule


def test_82_games_41_at_home(league: League) -> None:
    rows = regular_schedule(league)
    games: Counter[tuple[str, str]] = Counter()
    home: Counter[tuple[str, str]] = Counter()
    for r in rows:
        games[(r["season_end_year"], r["home_team_abbr"])] += 1
        games[(r["season_end_year"], r["visitor_team_abbr"])] += 1
        home[(r["season_end_year"], r["home_team_abbr"])] += 1
    assert len(games) == 60
    assert set(games.values()) == {82}
    assert set(home.values()) == {41}


def test_schedule_calendar(league: League) -> None:
    rows = regular_schedule(league)
    for season, year in (("2024", 2023), ("2025", 2024)):
        days = sorted({key_date(r["game_key"]) for r in rows if r["season_end_year"] == season})
        assert days[0].month == 10 and 15 <= days[0].day <= 21  # third week of October
        assert dt.date(year + 1, 4, 5) <= days[-1] <= dt.date(year + 1, 4, 20)
        gaps = [(b - a).days for a, b in pairwise(days) if a.month == 2]
        assert max(gaps) >= 7  # All-Star break: no games for a week in February
    for dates in team_days(league.rows("bref_schedule")).values():
        assert len(dates) == len(set(dates))  # at most one game per day
        assert all((c - a).days > 2 for a, c in zip(dates, dates[2:], strict=False))  # never 3 in a row


def test_back_to_backs_and_road_trips(league: League) -> None:
    rows = regular_schedule(league)
    for season in ("2024", "2025"):
        season_rows = sorted((r for r in rows if r["season_end_year"] == season), key=lambda r: r["game_key"])
        b2b = total = 0
        for (_, team), dates in team_days(season_rows).items():
            team_b2b = sum((b - a).days == 1 for a, b in pairwise(dates))
            assert team_b2b / len(dates) <= 0.35
            b2b += team_b2b
            total += len(dates)
            streak = best = 0
            for r in season_rows:
                if team in (r["home_team_abbr"], r["visitor_team_abbr"]):
                    streak = streak + 1 if r["visitor_team_abbr"] == team else 0
                    best = max(best, streak)
            assert 3 <= best <= 10, (team, best)
        assert 0.10 <= b2b / total <= 0.25


def test_postseason(league: League) -> None:
    phase = phase_of(league)
    sched = {r["game_key"]: r for r in league.rows("bref_schedule")}
    play_in = [k for k, p in phase.items() if p == "play_in"]
    playoffs = [k for k, p in phase.items() if p == "playoffs"]
    assert len(play_in) == 6
    assert all(sched[k]["game_remarks"] == "Play-In Game" for k in play_in)
    assert all(sched[k]["season_end_year"] == "2024" for k in play_in + playoffs)  # newest: none
    series: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for k in playoffs:
        r = sched[k]
        home, away = r["home_team_abbr"], r["visitor_team_abbr"]
        winner = home if int(r["home_pts"]) > int(r["visitor_pts"]) else away
        series[frozenset((home, away))][winner] += 1
    assert len(series) == 15
    teams = {t for pair in series for t in pair}
    assert len(teams) == 16
    for wins in series.values():
        assert wins.most_common(1)[0][1] == 4 and sum(wins.values()) - 4 <= 3  # best of 7
    titles = [r["title"] for r in league.rows("bref_games") if r["game_key"] in playoffs]
    assert any(t.startswith("2024 NBA Eastern Conference First Round Game 1: ") for t in titles)
    assert any(t.startswith("2024 NBA Finals Game 4: ") for t in titles)
    regular = [r["title"] for r in league.rows("bref_games") if phase[r["game_key"]] == "regular"]
    assert all(
        re.fullmatch(r"[A-Za-z0-9 ]+ at [A-Za-z0-9 ]+ Box Score, [A-Z][a-z]+ \d{1,2}, \d{4}", t)
        for t in regular
    )


def test_game_ids_and_keys(league: League) -> None:
    ids = league.rows("nbacom_schedule_gameids")
    phase_digit = {"regular_season": "2", "playin": "5", "playoffs": "4"}
    by_game: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in ids:
        by_game[r["GAME_ID"]].append(r)
        m = re.fullmatch(r"(\d{4})-\d{2}_(regular_season|playin|playoffs)\.csv", r["source_file"])
        assert m
        assert re.fullmatch(r"00[245]\d{7}", r["GAME_ID"])
        assert r["GAME_ID"][2] == phase_digit[m.group(2)] == r["SEASON_ID"][0]
        assert r["GAME_ID"][3:5] == m.group(1)[2:] == r["SEASON_ID"][3:]
    assert all(len(v) == 2 for v in by_game.values())
    assert all(sorted(r["WL"] for r in v) == ["L", "W"] for v in by_game.values())
    # Regular-season sequence numbers are chronological.
    regular = sorted((r["GAME_ID"], r["GAME_DATE"]) for r in ids if r["GAME_ID"][2] == "2")
    dates = [d for _, d in regular]
    assert dates == sorted(dates)
    # Every completed game joins the bref schedule on (date, home team) via the game_key.
    keys = [r["game_key"] for r in league.rows("bref_schedule")]
    assert all(re.fullmatch(r"\d{8}0[A-Z]{3}", k) for k in keys)
    date_home = {(k[:8], BREF_TO_TRI.get(k[9:], k[9:])) for k in keys}
    for v in by_game.values():
        home = next(r for r in v if " vs. " in r["MATCHUP"])
        assert (home["GAME_DATE"].replace("-", ""), home["TEAM_ABBREVIATION"]) in date_home


# ---------------------------------------------------------------- box scores


def test_box_scores_are_consistent(league: League) -> None:
    players: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in league.rows("bref_player_box"):
        players[(r["game_key"], r["team"])].append(r)
    teams = league.rows("bref_team_box")
    sched = {r["game_key"]: r for r in league.rows("bref_schedule")}
    assert len(players) == len(teams)
    starter_minutes = []
    dnp = 0
    for t in teams:
        rows = players[(t["game_key"], t["team"])]
        assert [r["starter"] for r in rows[:5]] == ["1"] * 5
        assert all(r["starter"] == "0" for r in rows[5:])
        played = [r for r in rows if not r["status"]]
        for r in rows:
            if r["status"]:
                dnp += 1
                assert r["status"] in {"Did Not Play", "Did Not Dress"}
                assert all(r[s] == "" for s in (*STATS, "mp", "plus_minus"))
        for r in [*played, t]:
            v = {s: int(r[s]) for s in STATS}
            assert v["pts"] == 2 * v["fg"] + v["fg3"] + v["ft"]
            assert v["fg"] <= v["fga"] and v["fg3"] <= v["fg3a"] <= v["fga"] and v["fg3"] <= v["fg"]
            assert v["ft"] <= v["fta"] and v["trb"] == v["orb"] + v["drb"]
        for s in STATS:
            assert sum(int(r[s]) for r in played) == int(t[s]), (t["game_key"], s)
        ot = {"": 0, "OT": 1}.get(sched[t["game_key"]]["overtimes"])
        if ot is None:
            ot = int(sched[t["game_key"]]["overtimes"][:-2])
        assert int(t["mp"]) == 240 + 25 * ot
        assert sum(secs(r["mp"]) for r in played) == 60 * (240 + 25 * ot)
        if ot == 0:
            starter_minutes += [secs(r["mp"]) / 60 for r in rows[:5]]
        ls = [int(t[f"ls_{q}"]) for q in range(1, 5)] + [int(t[f"ls_{q}OT"]) for q in range(1, ot + 1)]
        assert sum(ls) == int(t["ls_T"]) == int(t["pts"])
    assert 30 <= float(np.mean(starter_minutes)) <= 38
    assert dnp > 0


def test_games_have_a_winner_and_overtimes(league: League) -> None:
    teams = league.rows("bref_team_box")
    sched = {r["game_key"]: r for r in league.rows("bref_schedule")}
    logs = {
        (r["GAME_DATE"].replace("-", ""), r["TEAM_ABBREVIATION"]): r
        for r in league.rows("nbacom_team_game_logs")
    }
    n_ot: Counter[str] = Counter()
    for away, home in zip(teams[0::2], teams[1::2], strict=True):
        assert away["game_key"] == home["game_key"] and home["is_home"] == "1"
        assert int(away["pts"]) != int(home["pts"])
        s = sched[home["game_key"]]
        assert (int(s["home_pts"]), int(s["visitor_pts"])) == (int(home["pts"]), int(away["pts"]))
        n_ot[s["overtimes"]] += 1
        if s["overtimes"]:  # tied after regulation
            assert sum(int(away[f"ls_{q}"]) for q in range(1, 5)) == sum(
                int(home[f"ls_{q}"]) for q in range(1, 5)
            )
        for row, opp in ((home, away), (away, home)):
            log = logs[(row["game_key"][:8], BREF_TO_TRI.get(row["team"], row["team"]))]
            assert int(log["PTS"]) == int(row["pts"])
            assert log["WL"] == ("W" if int(row["pts"]) > int(opp["pts"]) else "L")
            assert float(log["PLUS_MINUS"]) == int(row["pts"]) - int(opp["pts"])
            assert max(0, round((int(log["MIN"]) - 240) / 25)) == (int(row["mp"]) - 240) // 25
    games = sum(n_ot.values())
    assert 0.03 <= (games - n_ot[""]) / games <= 0.10
    assert n_ot["2OT"] + n_ot["3OT"] + n_ot["4OT"] >= 1


def test_plus_minus_sums_to_five_times_the_margin(league: League) -> None:
    pm: Counter[tuple[str, str]] = Counter()
    for r in league.rows("bref_player_box"):
        if not r["status"]:
            pm[(r["game_key"], r["team"])] += int(r["plus_minus"])
    teams = league.rows("bref_team_box")
    for away, home in zip(teams[0::2], teams[1::2], strict=True):
        margin = int(home["pts"]) - int(away["pts"])
        assert pm[(home["game_key"], home["team"])] == 5 * margin
        assert pm[(away["game_key"], away["team"])] == -5 * margin


def test_published_oracles_follow_the_bref_formulas(league: League) -> None:
    teams = league.rows("bref_team_box")
    for pair in zip(teams[0::2], teams[1::2], strict=True):
        raw = []
        for t, o in (pair, pair[::-1]):
            g = {k: int(t[k]) for k in STATS}
            h = {k: int(o[k]) for k in STATS}
            raw.append(
                g["fga"]
                + 0.4 * g["fta"]
                - 1.07 * g["orb"] / (g["orb"] + h["drb"]) * (g["fga"] - g["fg"])
                + g["tov"]
            )
        poss = sum(raw) / 2
        minutes = int(pair[0]["mp"])
        pace = 48 * poss / (minutes / 5)
        for t, o in (pair, pair[::-1]):
            assert abs(float(t["ff_pace"]) - pace) <= 0.05 + 1e-9
            assert abs(float(t["adv_off_rtg"]) - 100 * int(t["pts"]) / poss) <= 0.05 + 1e-9
            assert abs(float(t["ff_off_rtg"]) - 100 * int(t["pts"]) / poss) <= 0.05 + 1e-9
            assert abs(float(t["adv_def_rtg"]) - 100 * int(o["pts"]) / poss) <= 0.05 + 1e-9


def test_player_logs_are_regular_season_appearances(league: League) -> None:
    logs = league.rows("nbacom_player_game_logs")
    phase = phase_of(league)
    played_regular = sum(
        1 for r in league.rows("bref_player_box") if not r["status"] and phase[r["game_key"]] == "regular"
    )
    assert len(logs) == played_regular
    assert {r["SEASON_ID"][0] for r in logs} == {"2"}
    team_pts = {(r["GAME_ID"], r["TEAM_ID"]): int(r["PTS"]) for r in league.rows("nbacom_team_game_logs")}
    sums: Counter[tuple[str, str]] = Counter()
    for r in logs:
        assert re.fullmatch(r"\d+", r["MIN"]) and re.fullmatch(r"\d{6,7}", r["PLAYER_ID"])
        sums[(r["GAME_ID"], r["TEAM_ID"])] += int(r["PTS"])
    assert all(team_pts[k] == v for k, v in sums.items())
    assert len(sums) == sum(1 for r in league.rows("nbacom_team_game_logs") if r["SEASON_ID"][0] == "2")


def test_persistent_skill_and_scoring_level(league: League) -> None:
    logs = [r for r in league.rows("nbacom_player_game_logs") if r["SEASON_LABEL"] == "2023-24"]
    by_player: dict[str, list[int]] = defaultdict(list)
    for r in sorted(logs, key=lambda r: r["GAME_DATE"]):
        by_player[r["PLAYER_ID"]].append(int(r["PTS"]))
    halves = [
        (np.mean(v[: len(v) // 2]), np.mean(v[len(v) // 2 :])) for v in by_player.values() if len(v) >= 40
    ]
    first, second = np.array(halves).T
    assert np.corrcoef(first, second)[0, 1] > 0.8  # rolling averages are predictive
    assert 100 <= float(np.mean([int(r["PTS"]) for r in league.rows("nbacom_team_game_logs")])) <= 125


# ---------------------------------------------------------------- players


def test_player_identity_trades_and_injuries(league: League) -> None:
    box = league.rows("bref_player_box")
    names_by_slug: dict[str, set[str]] = defaultdict(set)
    for r in box + league.rows("bref_inactives"):
        names_by_slug[r["player_id"]].add(r["player"])
        assert re.fullmatch(r"[a-z]{1,7}\d{2}", r["player_id"])
    assert all(len(v) == 1 for v in names_by_slug.values())
    names_by_id: dict[str, set[str]] = defaultdict(set)
    teams_by_season: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in league.rows("nbacom_player_game_logs"):
        names_by_id[r["PLAYER_ID"]].add(r["PLAYER_NAME"])
        teams_by_season[(r["SEASON_LABEL"], r["PLAYER_ID"])].add(r["TEAM_ABBREVIATION"])
    assert all(len(v) == 1 for v in names_by_id.values())
    assert sum(len(v) == 2 for v in teams_by_season.values()) >= 4  # mid-season trades
    both = {pid for (label, pid) in teams_by_season if label == "2023-24"} & {
        pid for (label, pid) in teams_by_season if label == "2024-25"
    }
    assert len(both) > 300  # players keep their id across seasons
    names = {n for v in names_by_slug.values() for n in v}
    assert any(n.endswith((" Jr.", " III", " II")) for n in names)
    assert any(unicodedata.normalize("NFKD", n) != n for n in names)
    assert any("ı" in n for n in names)
    # Injury stretches: some players sit out >= 5 consecutive games of their team.
    inactive = defaultdict(set)
    for r in league.rows("bref_inactives"):
        inactive[r["player_id"]].add(r["game_key"])
    keys_by_team: dict[str, list[str]] = defaultdict(list)
    for r in league.rows("bref_team_box"):
        keys_by_team[r["team"]].append(r["game_key"])
    long_absences = 0
    box_keys = {(r["game_key"], r["player_id"]) for r in box}
    for r in league.rows("bref_inactives"):
        assert (r["game_key"], r["player_id"]) not in box_keys  # inactive list is disjoint from the box
    team_of = {r["player_id"]: r["team"] for r in league.rows("bref_inactives")}
    for slug, keys in inactive.items():
        run = best = 0
        for k in keys_by_team[team_of[slug]]:
            run = run + 1 if k in keys else 0
            best = max(best, run)
        long_absences += best >= 5
        if long_absences >= 20:
            break
    assert long_absences >= 20


# ---------------------------------------------------------------- shots


def test_shots_match_the_box_score(league: League) -> None:
    col, shots = league.table("nbacom_shots")
    season, gid, pid, made_c, shot_type, zone_c = (
        col[c] for c in ("SEASON_2", "GAME_ID", "PLAYER_ID", "SHOT_MADE", "SHOT_TYPE", "BASIC_ZONE")
    )
    assert {r[season] for r in shots} == {"2023-24", "2024-25"}
    threes = {"Left Corner 3", "Right Corner 3", "Above the Break 3", "Backcourt"}
    agg: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    zones: Counter[str] = Counter()
    for r in shots:
        three_zone = r[zone_c] in threes
        assert three_zone == (r[shot_type] == "3PT Field Goal")
        made = r[made_c] == "TRUE"
        a = agg[(r[gid], r[pid])]
        a[0] += 1
        a[1] += three_zone
        a[2] += made
        a[3] += made and three_zone
        zones[r[zone_c]] += 1
    for r in shots[:20000]:
        assert (r[made_c] == "TRUE") == (r[col["EVENT_TYPE"]] == "Made Shot")
        assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", r[col["GAME_DATE"]]) and len(r[gid]) == 8
        d = math.hypot(float(r[col["LOC_X"]]), float(r[col["LOC_Y"]]) - 5.25)
        assert abs(d - int(r[col["SHOT_DISTANCE"]])) <= 1.5
    logs = {(r["GAME_ID"], r["PLAYER_ID"]): r for r in league.rows("nbacom_player_game_logs")}
    assert {g.zfill(10) for g, _ in agg} <= {g for g, _ in logs}  # regular season, padded id joins
    for (game_id, player_id), log in logs.items():
        expected = [int(log[c]) for c in ("FGA", "FG3A", "FGM", "FG3M")]
        assert agg.get((game_id.lstrip("0"), player_id), [0, 0, 0, 0]) == expected
    total = sum(zones.values())
    paint = (zones["Restricted Area"] + zones["In The Paint (Non-RA)"]) / total
    three = sum(zones[z] for z in threes) / total
    assert 0.40 <= paint <= 0.56 and 0.33 <= three <= 0.47


# ---------------------------------------------------------------- future games and lines


def test_newest_season_stops_with_future_games(league: League) -> None:
    newest = [r for r in league.rows("bref_schedule") if r["season_end_year"] == "2025"]
    future = [r for r in newest if not r["home_pts"]]
    assert 0.25 <= len(future) / len(newest) <= 0.35
    assert all(r["visitor_pts"] == "" and r["box_score_text"] == "" and r["attendance"] == "" for r in future)
    last_played = max(r["game_key"][:8] for r in newest if r["home_pts"])
    assert min(r["game_key"][:8] for r in future) > last_played
    played_keys = {r["game_key"] for r in league.rows("bref_games")}
    assert not played_keys & {r["game_key"] for r in future}
    assert all(r["GAME_DATE"].replace("-", "") <= last_played for r in league.rows("nbacom_team_game_logs"))


def _american_p(a: float) -> float:
    return 100 / (a + 100) if a > 0 else -a / (-a + 100)


def test_points_props(league: League) -> None:
    col, props = league.table("oddsapi_props_player_points")
    src, event, player, market, line, book, game_c, time_c, over, under = (
        col[c] for c in ("source_file", "event_id", "player", "market", "line", "bookmaker",
                         "game", "game_time", "over_odds", "under_odds")
    )  # fmt: skip
    sched = {(r["game_key"][:8], r["visitor_team_name"], r["home_team_name"]): r
             for r in league.rows("bref_schedule") if r["season_end_year"] == "2025"}  # fmt: skip
    rosters: dict[str, set[str]] = defaultdict(set)  # lookup names per bref team, newest season
    for b in league.rows("bref_player_box") + league.rows("bref_inactives"):
        if b["game_key"][:8] >= "20241001":
            rosters[b["team"]].add(lookup(b["player"]))
    groups: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    pulls: dict[str, set[str]] = defaultdict(set)
    checked: dict[tuple[str, ...], set[str]] = {}  # (pull, tip, game) -> lookups of both rosters
    known = {b: lookup(b) for b in {r[player] for r in props}}
    for r in props:
        assert r[market] == "player_points"
        key = (r[src], r[time_c], r[game_c])
        if key not in checked:
            m = re.fullmatch(r"raw_(\d{8})_(150000|220000)\.csv", r[src])
            assert m
            tip = dt.datetime.strptime(r[time_c], "%Y-%m-%dT%H:%M:%SZ")
            pulled = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            assert pulled < tip and tip.hour in (23, 0, 1, 2, 3)
            away, home = r[game_c].split(" @ ")
            game = sched[(m.group(1), away, home)]  # ET date of the file = schedule date
            checked[key] = rosters[game["home_team_abbr"]] | rosters[game["visitor_team_abbr"]]
            pulls[r[event]].add(m.group(2))
        assert known[r[player]] in checked[key]
        groups[(r[src], r[event], r[player], r[book])].append(r)
    assert all(p == {"150000", "220000"} for p in pulls.values())
    future = {
        (g["game_key"][:8], g["visitor_team_name"], g["home_team_name"])
        for g in sched.values()
        if not g["home_pts"]
    }
    lined = {(k[0][4:12], *k[2].split(" @ ")) for k in checked}
    assert future <= lined and len(lined) == len(sched)  # every game of the season, played or not
    assert len({r[book] for r in props}) >= 6
    main_lines: dict[tuple[str, ...], float] = {}
    for group, rows in groups.items():
        assert 2 <= len(rows) <= 4  # main + 1-3 alternates
        gap = [abs(_american_p(float(r[over])) - _american_p(float(r[under]))) for r in rows]
        main = rows[int(np.argmin(gap))]
        assert float(main[line]) % 1 == 0.5
        assert -135 <= float(main[over]) <= 105 and -135 <= float(main[under]) <= 105
        assert sorted(gap)[1] > min(gap)  # alternates are more lopsided than the main line
        main_lines[group] = float(main[line])
    opening = {k[1:]: v for k, v in main_lines.items() if k[0].endswith("_150000.csv")}
    current = {k[1:]: v for k, v in main_lines.items() if k[0].endswith("_220000.csv")}
    moved = sum(opening[k] != v for k, v in current.items() if k in opening)
    assert 0.05 <= moved / len(current) <= 0.5


def test_game_odds(league: League) -> None:
    odds = league.rows("sbr_game_odds")
    played = [r for r in league.rows("bref_schedule") if r["home_pts"]]
    assert len(odds) == len(played)
    by_key = {(r["game_key"][:8], r["home_team_name"], r["visitor_team_name"]): r for r in played}
    agree = 0
    for r in odds:
        assert r["source_table"] in {"odds_2023-24", "odds_2024-25"}
        game = by_key[(r["Date"].replace("-", ""), r["Home"], r["Away"])]
        assert int(r["Points"]) == int(game["home_pts"]) + int(game["visitor_pts"])
        assert int(r["Win_Margin"]) == int(game["home_pts"]) - int(game["visitor_pts"])
        home_favoured = float(r["Spread"]) > 0  # away team's line, positive = home favoured
        if float(r["Spread"]) != 0:
            agree += home_favoured == (int(r["ML_Home"]) < int(r["ML_Away"]))
    assert agree >= 0.99 * sum(float(r["Spread"]) != 0 for r in odds)
    assert np.mean([abs(float(r["Spread"])) for r in odds]) > 3


@pytest.mark.parametrize("season", [2019, 2022])
def test_older_sbr_conventions(season: int, tmp_path: Path) -> None:
    pool = PlayerPool(np.random.default_rng([SEED, 0]))
    pool.populate()
    s = simulate_season(pool, season, newest=True, seed=SEED)
    with CsvOut(tmp_path / "sbr.csv", SBR_HEADER) as out:
        write_sbr_season(out, s, DayText(), np.random.default_rng(0))
    with (tmp_path / "sbr.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    label = f"{season}-{(season + 1) % 100:02d}"
    assert all(
        r["source_table"] == f"odds_{label}" and re.fullmatch(rf"{label}-\d{{4}}", r["Date"]) for r in rows
    )
    charlotte = {r["Home"] for r in rows} & {"Charlotte Bobcats", "Charlotte Hornets"}
    if season <= 2021:
        assert charlotte == {"Charlotte Bobcats"}
        assert all(float(r["Spread"]) >= 0 and r["Days_Rest_Home"].endswith(".0") for r in rows)
        assert 0 < sum(float(r["Spread"]) == 0 for r in rows) < 0.05 * len(rows)
    else:
        assert charlotte == {"Charlotte Hornets"}
        assert any(float(r["Spread"]) < 0 for r in rows) and any(float(r["Spread"]) > 0 for r in rows)


def test_arenas(league: League) -> None:
    arenas = {r["Tm"]: r for r in league.rows("arenas")}
    assert len(arenas) == 30
    for r in arenas.values():
        assert "Synthetic" in r["arena"]
        assert 25 <= float(r["lat"]) <= 46 and -123 <= float(r["long"]) <= -70
    assert {r["arena_name"] for r in league.rows("bref_schedule")} == {r["arena"] for r in arenas.values()}
    assert {r["home_team_abbr"] for r in league.rows("bref_schedule")} == set(arenas)
