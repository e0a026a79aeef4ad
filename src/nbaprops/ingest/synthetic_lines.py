"""Betting lines of the synthetic league in the SBR and The Odds API formats.

* `sbr_game_odds_*`: one row per played game, per-season conventions as in the staged file:
  `Date` = `YYYY-YY-MMDD` up to 2022-23, ISO from 2023-24; `Spread` = unsigned favourite margin
  up to 2021-22 (the favourite shows in the moneylines; ~2% of rows print 0.0), the away team's
  line (positive = home favoured) from 2022-23; Charlotte is "Charlotte Bobcats" up to 2021-22.
* `oddsapi_props_player_points_*`: newest season only, played and future regular-season
  games; per (game, player expected to play >= 15 minutes, book) a main line (x.5, priced near
  -110/-110) plus 1-3 lopsided alternate lines, in two pulls per game date (15:00 and 22:00
  UTC, both before tip-off) whose lines sometimes move.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np

from nbaprops.ingest.synthetic_box import expected_minutes, lineups
from nbaprops.ingest.synthetic_csv import Cat, CsvOut, DayText, ints, mapped, one_decimal, relabel
from nbaprops.ingest.synthetic_players import PlayerPool, book_spelling
from nbaprops.ingest.synthetic_schedule import win_probability
from nbaprops.ingest.synthetic_season import Season
from nbaprops.ingest.synthetic_teams import N_TEAMS, TEAMS, et_utc_offset_hours, season_label

SBR_HEADER = [
    "source_table", "Date", "Home", "Away", "OU", "Spread", "ML_Home", "ML_Away", "Points",
    "Win_Margin", "Days_Rest_Home", "Days_Rest_Away",
]  # fmt: skip
PROPS_HEADER = [
    "source_file", "event_id", "player", "market", "line", "bookmaker", "game", "game_time",
    "over_odds", "under_odds",
]  # fmt: skip
BOOKS = ("draftkings", "fanduel", "betmgm", "williamhill_us", "fanatics", "betrivers",
         "bovada", "betonlineag")  # fmt: skip
BOOK_P = np.array([0.9, 0.85, 0.35, 0.25, 0.15, 0.12, 0.1, 0.08])  # share of players quoted
PULLS = ("150000", "220000")
VIG = 0.024


def american(p: np.ndarray) -> np.ndarray:
    """American price of an implied probability (integers; never inside (-100, 100))."""
    p = np.clip(p, 0.02, 0.98)
    fav = np.rint(-100.0 * p / (1.0 - p))
    dog = np.rint(100.0 * (1.0 - p) / p)
    out = np.where(p >= 0.5, np.minimum(fav, -100), np.maximum(dog, 100))
    return out.astype(np.int64)


def _sbr_name(team: int, season: int) -> str:
    if TEAMS[team].tri == "CHA" and season <= 2021:
        return "Charlotte Bobcats"
    return TEAMS[team].full_name


def write_sbr_season(out: CsvOut, s: Season, text: DayText, rng: np.random.Generator) -> None:
    """Append one row per played game of a season."""
    games = np.flatnonzero(s.box_row >= 0)
    games = games[np.lexsort((np.asarray(s.game_id)[games], s.day[games]))]
    pts = s.box.pts()
    hp, ap = pts[2 * s.box_row[games] + 1], pts[2 * s.box_row[games]]
    home, away = s.home[games], s.away[games]
    regular = s.phase[games] == 2
    # Market view of the teams: season point differential and points for/against per game.
    n_games = np.bincount(home[regular], minlength=N_TEAMS) + np.bincount(away[regular], minlength=N_TEAMS)
    n_games = np.maximum(n_games, 1)
    diff = (np.bincount(home[regular], (hp - ap)[regular], N_TEAMS)
            + np.bincount(away[regular], (ap - hp)[regular], N_TEAMS)) / n_games  # fmt: skip
    scored = (np.bincount(home[regular], hp[regular], N_TEAMS)
              + np.bincount(away[regular], ap[regular], N_TEAMS)) / n_games  # fmt: skip
    allowed = scored - diff
    exp_margin = diff[home] - diff[away] + 2.5 + rng.normal(0.0, 1.5, len(games))
    exp_total = (scored[home] + allowed[away] + scored[away] + allowed[home]) / 2
    total = np.floor(exp_total + rng.normal(0.0, 3.0, len(games))) + 0.5 * (rng.random(len(games)) < 0.5)
    home_line = -np.round(exp_margin * 2) / 2  # negative = home favoured
    p_home = np.array([win_probability(m) for m in exp_margin.tolist()])
    ml_home, ml_away = american(p_home + VIG), american(1 - p_home + VIG)
    if s.season <= 2021:
        spread = np.abs(home_line)
        spread[rng.random(len(games)) < 0.02] = 0.0
    else:
        spread = -home_line
    last = np.full(N_TEAMS, -1)
    rest_home, rest_away = [], []
    first_rest = 10 if s.season <= 2021 else 7
    for h, a, d in zip(home.tolist(), away.tolist(), s.day[games].tolist(), strict=True):
        rest_home.append(d - last[h] if last[h] >= 0 else first_rest)
        rest_away.append(d - last[a] if last[a] >= 0 else first_rest)
        last[h] = last[a] = d
    label = season_label(s.season)
    if s.season <= 2022:
        dates = relabel(text(s.day[games], "compact"), lambda c: f"{label}-{c[4:]}")
    else:
        dates = text(s.day[games], "iso")

    def rest_text(values: list[int]) -> list[str]:
        return [f"{v:.1f}" if s.season <= 2021 else str(v) for v in values]

    out.add(
        {
            "source_table": f"odds_{label}",
            "Date": dates,
            "Home": [_sbr_name(t, s.season) for t in home.tolist()],
            "Away": [_sbr_name(t, s.season) for t in away.tolist()],
            "OU": one_decimal(total),
            "Spread": one_decimal(spread + 0.0),
            "ML_Home": ints(ml_home),
            "ML_Away": ints(ml_away),
            "Points": ints(hp + ap),
            "Win_Margin": ints(hp - ap),
            "Days_Rest_Home": rest_text(rest_home),
            "Days_Rest_Away": rest_text(rest_away),
        }
    )


def _utc(day: int, tip: int) -> tuple[str, str]:
    """(UTC ISO timestamp, ET compact date) of an ET tip-off."""
    date = dt.date.fromordinal(day)
    moment = dt.datetime(date.year, date.month, date.day) + dt.timedelta(
        minutes=tip - 60 * et_utc_offset_hours(date)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), date.strftime("%Y%m%d")


def open_props(out_dir: Path) -> CsvOut:
    return CsvOut(out_dir / "oddsapi_props_player_points_synthetic.csv", PROPS_HEADER)


def write_props(out: CsvOut, s: Season, pool: PlayerPool, seed: int, rng: np.random.Generator) -> None:
    """Append the points props of every regular-season game (played and future) of a season."""
    games = np.flatnonzero(s.phase == 2)
    games = games[np.lexsort((np.asarray(s.game_id)[games], s.day[games]))]
    team = np.stack([s.away[games], s.home[games]], axis=1).ravel()
    day = np.repeat(s.day[games], 2)
    players, hrank, _ = lineups(s.roster, team, day)
    minutes = expected_minutes(hrank)
    ppm = s.skills.points_per_minute()
    row, k = np.nonzero(minutes >= 15.0)
    player = players[row, k]
    expected = minutes[row, k] * ppm[player]
    game = games[row // 2]
    sd = 2.0 + 0.9 * np.sqrt(expected)  # spread of a player's points around expectation
    has_book = rng.random((len(player), len(BOOKS))) < BOOK_P
    has_book[:, 0] |= ~has_book.any(axis=1)
    pick, book = np.nonzero(has_book)
    opening = expected + rng.normal(0.0, 1.0, len(player))
    moved = rng.random(len(player)) < 0.3
    current = np.where(
        moved, opening + 0.6 * (expected - opening) + rng.normal(0.0, 0.4, len(player)), opening
    )
    drop_suffix = rng.random(len(pick)) < 0.3
    name_code = player[pick] * 2 + drop_suffix
    book_names = tuple(book_spelling(n, d) for n in pool.names for d in (False, True))
    n_all = len(s.game_id)
    event = tuple(hashlib.md5(f"{seed}:{gid}".encode()).hexdigest() for gid in s.game_id)
    labels = tuple(
        f"{TEAMS[a].full_name} @ {TEAMS[h].full_name}"
        for h, a in zip(s.home.tolist(), s.away.tolist(), strict=True)
    )
    times = tuple(_utc(int(s.day[g]), int(s.tip[g])) for g in range(n_all))
    parts: list[tuple[np.ndarray, ...]] = []
    offsets = np.array([-3, -2, -1, 1, 2, 3])
    for pull, center in enumerate((opening, current)):
        c = center[pick] + rng.normal(0.0, 0.25, len(pick))
        main = np.floor(c) + 0.5
        n_alt = rng.choice([1, 2, 3], len(pick), p=[0.5, 0.3, 0.2])
        alt_rank = rng.random((len(pick), 6)).argsort(axis=1)
        rows = [np.arange(len(pick))]
        lines = [main]
        for j in range(3):
            has = n_alt > j
            rows.append(np.flatnonzero(has))
            alt = main[has] + offsets[alt_rank[has, j]]
            lines.append(np.where(alt > 0, alt, alt + 8))  # below zero: mirror above the main line
        r = np.concatenate(rows)
        line = np.concatenate(lines)
        is_main = np.arange(len(r)) < len(pick)
        z = (c[r] - line) / sd[pick][r]
        p_over = 1.0 / (1.0 + np.exp(-1.702 * z))  # logistic approximation of the normal cdf
        p_over = np.where(is_main, 0.5 + 0.5 * (p_over - 0.5), p_over)  # main line priced near even
        over, under = american(p_over + VIG), american(1.0 - p_over + VIG)
        parts.append((np.full(len(r), pull), r, line, over, under))
    pull_of, r, line, over, under = (np.concatenate(x) for x in zip(*parts, strict=True))
    gpos = (row // 2)[pick][r]
    order = np.lexsort((line, r, gpos, pull_of, s.day[games][gpos]))
    pull_of, r, line, over, under = (a[order] for a in (pull_of, r, line, over, under))
    g = game[pick][r]
    out.add(
        {
            "source_file": mapped(g * 2 + pull_of, lambda v: f"raw_{times[v // 2][1]}_{PULLS[v % 2]}.csv"),
            "event_id": Cat(g, event),
            "player": Cat(name_code[r], book_names),
            "market": "player_points",
            "line": one_decimal(line),
            "bookmaker": Cat(book[r], BOOKS),
            "game": Cat(g, labels),
            "game_time": Cat(g, tuple(t[0] for t in times)),
            "over_odds": one_decimal(over),
            "under_odds": one_decimal(under),
        }
    )
