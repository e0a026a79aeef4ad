"""One simulated season: regular season (partly future in the newest season), play-in, playoffs.

Games carry NBA.com-style ids: `00` + phase digit (2 regular, 5 play-in, 4 playoffs) + the
two-digit season start year + a 5-digit sequence (chronological for the regular season;
round/series/game digits for the post-season, as NBA.com does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nbaprops.ingest.synthetic_box import Box, Skills, simulate, skills
from nbaprops.ingest.synthetic_players import PlayerPool, SeasonRoster
from nbaprops.ingest.synthetic_schedule import regular_season, season_days
from nbaprops.ingest.synthetic_teams import N_TEAMS, TEAMS

PLAYED_SHARE_NEWEST = 0.7
GAME_OFFSETS = (0, 2, 4, 6, 8, 10, 12)  # day offsets of games 1-7 of a series
HIGH_SEED_HOME = (True, True, False, False, True, False, True)  # 2-2-1-1-1


@dataclass
class Season:
    """All games of a season (index = game) and the box scores of the played ones."""

    season: int
    roster: SeasonRoster
    skills: Skills
    home: np.ndarray
    away: np.ndarray
    day: np.ndarray  # ordinal ET date
    tip: np.ndarray  # ET minutes after midnight
    phase: np.ndarray  # 2 regular, 5 play-in, 4 playoffs
    game_id: list[str]
    title_prefix: list[str]  # "" | "Play-In Game: " | "2024 NBA Eastern Conference ... Game 1: "
    box_row: np.ndarray  # index into `box` (game order), -1 for a future game
    box: Box


def _concat(boxes: list[Box]) -> Box:
    fields = Box.__dataclass_fields__
    return Box(**{f: np.concatenate([getattr(b, f) for b in boxes]) for f in fields})


class _Builder:
    """Accumulates a season's games (and box scores) in the order they are simulated."""

    def __init__(self, rng: np.random.Generator, r: SeasonRoster, sk: Skills) -> None:
        self.rng, self.r, self.sk = rng, r, sk
        self.cols: dict[str, list[int]] = {"home": [], "away": [], "day": [], "tip": [], "phase": []}
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.box_row: list[int] = []
        self.boxes: list[Box] = []
        self.n_boxed = 0

    def add(self, box: Box, tip: np.ndarray, phase: int, ids: list[str], titles: list[str]) -> None:
        n = len(box.home)
        for key, values in (("home", box.home), ("away", box.away), ("day", box.day), ("tip", tip)):
            self.cols[key].extend(values.tolist())
        self.cols["phase"].extend([phase] * n)
        self.ids.extend(ids)
        self.titles.extend(titles)
        self.box_row.extend(range(self.n_boxed, self.n_boxed + n))
        self.n_boxed += n
        self.boxes.append(box)

    def add_future(self, games: dict[str, np.ndarray], ids: list[str]) -> None:
        """Scheduled games without a result (the rest of the newest season)."""
        for key in ("home", "away", "day", "tip"):
            self.cols[key].extend(games[key].tolist())
        self.cols["phase"].extend([2] * len(ids))
        self.ids.extend(ids)
        self.titles.extend([""] * len(ids))
        self.box_row.extend([-1] * len(ids))

    def play(self, home: list[int], away: list[int], day: list[int]) -> Box:
        return simulate(self.rng, self.r, self.sk, np.asarray(home), np.asarray(away), np.asarray(day))


def _standings(box: Box) -> np.ndarray:
    """Rank key per team (higher is better): wins, then point differential."""
    pts = box.pts()
    margin = pts[1::2] - pts[0::2]
    wins = np.bincount(box.home, margin > 0, N_TEAMS) + np.bincount(box.away, margin < 0, N_TEAMS)
    diff = np.bincount(box.home, margin, N_TEAMS) - np.bincount(box.away, margin, N_TEAMS)
    return wins * 10000.0 + diff + np.arange(N_TEAMS) * 1e-3


def _playoff_title(season: int, conf: str, rnd: int, game: int) -> str:
    if rnd == 4:
        return f"{season + 1} NBA Finals Game {game}: "
    name = ("First Round", "Semifinals", "Finals")[rnd - 1]
    return f"{season + 1} NBA {conf}ern Conference {name} Game {game}: "


def _postseason(b: _Builder, season: int, key: np.ndarray, last_day: int) -> None:
    yy = f"{season % 100:02d}"
    seeds: dict[str, list[int]] = {}
    for conf in ("East", "West"):
        members = [i for i, t in enumerate(TEAMS) if t.conf == conf]
        seeds[conf] = sorted(members, key=lambda i: -key[i])
    # Play-in: 7v8 and 9v10 (round 1), then loser(7v8) hosts winner(9v10) (round 2).
    first = b.play(
        [seeds[c][6] for c in ("East", "West")] + [seeds[c][8] for c in ("East", "West")],
        [seeds[c][7] for c in ("East", "West")] + [seeds[c][9] for c in ("East", "West")],
        [last_day + 3, last_day + 4, last_day + 3, last_day + 4],
    )
    pts = first.pts()
    home_won = pts[1::2] > pts[0::2]
    winners = np.where(home_won, first.home, first.away)
    losers = np.where(home_won, first.away, first.home)
    ids = [f"00{5}{yy}001{s}1" for s in (0, 2, 1, 3)]
    b.add(first, np.full(4, 19 * 60 + 30), 5, ids, ["Play-In Game: "] * 4)
    second = b.play(
        [int(losers[0]), int(losers[1])], [int(winners[2]), int(winners[3])],
        [last_day + 6, last_day + 6],
    )  # fmt: skip
    pts = second.pts()
    eighth = np.where(pts[1::2] > pts[0::2], second.home, second.away)
    b.add(second, np.full(2, 20 * 60), 5, [f"005{yy}00201", f"005{yy}00211"], ["Play-In Game: "] * 2)
    for c, conf in enumerate(("East", "West")):
        seeds[conf][6] = int(winners[c])
        seeds[conf][7] = int(eighth[c])
    # Playoffs: (higher seed, lower seed, conference) per series, bracket order 1-8, 4-5, 3-6, 2-7.
    series = [
        (seeds[conf][h], seeds[conf][lo], conf)
        for conf in ("East", "West")
        for h, lo in ((0, 7), (3, 4), (2, 5), (1, 6))
    ]
    start = last_day + 8
    for rnd in range(1, 5):
        home, away, day = [], [], []
        for s, (high, low, _) in enumerate(series):
            for g in range(7):
                home.append(high if HIGH_SEED_HOME[g] else low)
                away.append(low if HIGH_SEED_HOME[g] else high)
                day.append(start + s % 2 + GAME_OFFSETS[g])
        box = b.play(home, away, day)
        pts = box.pts()
        home_won = pts[1::2] > pts[0::2]
        keep: list[int] = []
        advance: list[int] = []
        for s, (high, low, _) in enumerate(series):
            wins = {high: 0, low: 0}
            for g in range(7):
                i = 7 * s + g
                winner = home[i] if home_won[i] else away[i]
                wins[winner] += 1
                keep.append(i)
                if wins[winner] == 4:
                    advance.append(winner)
                    break
        sub = box.take(np.asarray(keep))
        ids = []
        titles = []
        for i in keep:
            s, g = divmod(i, 7)
            ids.append(f"004{yy}00{rnd}{s}{g + 1}")
            titles.append(_playoff_title(season, series[s][2], rnd, g + 1))
        b.add(sub, np.full(len(keep), 20 * 60 + 30), 4, ids, titles)
        start = int(sub.day.max()) + 2
        if rnd == 4:
            break
        pairs = [(advance[i], advance[i + 1]) for i in range(0, len(advance), 2)]
        series = [
            (max(a, c, key=lambda t: key[t]), min(a, c, key=lambda t: key[t]), series[2 * j][2])
            for j, (a, c) in enumerate(pairs)
        ]


def simulate_season(pool: PlayerPool, season: int, newest: bool, seed: int) -> Season:
    """Schedule and simulate one season (the newest one stops ~70% through the regular season)."""
    rng = np.random.default_rng([seed, season, 1])
    games = regular_season(rng, season)
    _, first_day, last_day = season_days(season)
    r = pool.season_roster(season, first_day, last_day)
    sk = skills(r)
    b = _Builder(np.random.default_rng([seed, season, 2]), r, sk)
    n = len(games["home"])
    played = np.ones(n, dtype=bool)
    if newest:
        played = games["day"] < games["day"][int(PLAYED_SHARE_NEWEST * n)]
    box = b.play(
        games["home"][played].tolist(), games["away"][played].tolist(), games["day"][played].tolist()
    )
    yy = f"{season % 100:02d}"
    ids = np.array([f"002{yy}{i + 1:05d}" for i in range(n)])
    b.add(box, games["tip"][played], 2, ids[played].tolist(), [""] * len(box.home))
    if newest:
        b.add_future({k: v[~played] for k, v in games.items()}, ids[~played].tolist())
    else:
        _postseason(b, season, _standings(box), int(games["day"].max()))
    return Season(
        season=season,
        roster=r,
        skills=sk,
        home=np.asarray(b.cols["home"]),
        away=np.asarray(b.cols["away"]),
        day=np.asarray(b.cols["day"]),
        tip=np.asarray(b.cols["tip"]),
        phase=np.asarray(b.cols["phase"]),
        game_id=b.ids,
        title_prefix=b.titles,
        box_row=np.asarray(b.box_row),
        box=_concat(b.boxes),
    )
