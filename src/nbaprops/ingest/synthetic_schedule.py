"""Regular-season schedule of the synthetic league (matchups, dates, ET tip times).

82 games per team (41 home) with the NBA's matchup formula (4 x division, 3-4 x conference,
2 x other conference). Dates start on the third Tuesday of October and end in mid-April with
a 7-day All-Star break around the third Sunday of February. A greedy day-by-day scheduler
enforces at most one game per team per day and never three days in a row, prefers rested
teams (back-to-backs ~15% of team-games) and continues road trips and homestands.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from nbaprops.ingest.synthetic_teams import N_TEAMS, TEAMS, _nth_weekday

# Daily load by weekday (Mon..Sun): fewer games on Thursdays and Sundays, more mid-week.
WEEKDAY_LOAD = (0.95, 1.0, 1.2, 0.75, 1.15, 1.05, 0.9)
REST_WEIGHT = 0.3  # weight of "both teams rested"; tuned for ~15% back-to-backs


def _distance_matrix() -> np.ndarray:
    lat = np.radians([t.lat for t in TEAMS])
    lon = np.radians([t.lon for t in TEAMS])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * 3958.8 * np.arcsin(np.sqrt(a))


DISTANCE = _distance_matrix()


def season_days(season: int) -> tuple[list[int], int, int]:
    """Ordinal game days of a regular season (All-Star break removed), first day, last day."""
    start = _nth_weekday(season, 10, 1, 3)  # third Tuesday of October
    all_star = _nth_weekday(season + 1, 2, 6, 3)  # third Sunday of February
    brk_lo = all_star - dt.timedelta(days=3)
    brk_hi = all_star + dt.timedelta(days=3)
    end = _nth_weekday(season + 1, 4, 6, 2)  # second Sunday of April
    days = []
    day = start
    while day <= end:
        if not brk_lo <= day <= brk_hi:
            days.append(day.toordinal())
        day += dt.timedelta(days=1)
    return days, start.toordinal(), end.toordinal()


def matchups(season: int) -> tuple[np.ndarray, np.ndarray]:
    """(home, away) team indices of the 1,230 regular-season games."""
    home: list[int] = []
    away: list[int] = []
    div_members = [[i for i, t in enumerate(TEAMS) if t.div == d] for d in range(6)]

    def series(a: int, b: int, n_home_a: int, n_home_b: int) -> None:
        home.extend([a] * n_home_a + [b] * n_home_b)
        away.extend([b] * n_home_a + [a] * n_home_b)

    for d in range(6):  # division: 4 games (2 + 2)
        m = div_members[d]
        for i in range(5):
            for j in range(i + 1, 5):
                series(m[i], m[j], 2, 2)
    for conf_divs in ((0, 1, 2), (3, 4, 5)):  # conference, other division: 4 or 3 games
        for x in range(3):
            for y in range(x + 1, 3):
                da, db = div_members[conf_divs[x]], div_members[conf_divs[y]]
                k = (season + 2 * x + y) % 5
                for i in range(5):
                    for j in range(5):
                        if j == (i + k) % 5:  # three games, da team hosts two
                            series(da[i], db[j], 2, 1)
                        elif j == (i + k + 1) % 5:  # three games, db team hosts two
                            series(da[i], db[j], 1, 2)
                        else:
                            series(da[i], db[j], 2, 2)
    east = [i for i, t in enumerate(TEAMS) if t.conf == "East"]
    west = [i for i, t in enumerate(TEAMS) if t.conf == "West"]
    for e in east:  # other conference: 2 games (1 + 1)
        for w in west:
            series(e, w, 1, 1)
    return np.asarray(home, dtype=np.int64), np.asarray(away, dtype=np.int64)


def assign_days(rng: np.random.Generator, home: np.ndarray, away: np.ndarray, days: list[int]) -> np.ndarray:
    """Ordinal date of every game (greedy, day by day; extra days are appended if needed)."""
    n_games = len(home)
    day_of = np.full(n_games, -1, dtype=np.int64)
    remaining = np.ones(n_games, dtype=bool)
    last1 = np.full(N_TEAMS, -(10**6), dtype=np.int64)
    last2 = np.full(N_TEAMS, -(10**6), dtype=np.int64)
    venue = np.arange(N_TEAMS)  # where each team played last
    was_away = np.zeros(N_TEAMS, dtype=bool)
    streak = np.zeros(N_TEAMS, dtype=np.int64)  # consecutive games at home / away
    games_left = np.bincount(home, minlength=N_TEAMS) + np.bincount(away, minlength=N_TEAMS)
    plan = list(days)
    i = 0
    while remaining.any():
        if i >= len(plan):
            plan.append(plan[-1] + 1)
        d = plan[i]
        days_left = max(len(days) - i, 1)
        if i == 0:
            target = 2
        else:
            pace = remaining.sum() / days_left
            load = WEEKDAY_LOAD[dt.date.fromordinal(d).weekday()]
            target = int(np.clip(round(pace * load * rng.uniform(0.85, 1.15)), 1, 15))
        eligible = ~((last1 == d - 1) & (last2 == d - 2))
        cand = np.flatnonzero(remaining & eligible[home] & eligible[away])
        h, a = home[cand], away[cand]
        urgency = games_left / (0.5 * days_left)
        rested = last1 != d - 1
        trip = was_away[a] & (DISTANCE[venue[a], h] < 1100) & (streak[a] < 5)
        stand = ~was_away[h] & (last1[h] > 0) & (streak[h] < 4)
        too_long = (was_away[a] & (streak[a] >= 6)) | (~was_away[h] & (streak[h] >= 6))
        score = (
            1.6 * (urgency[h] + urgency[a])
            + REST_WEIGHT * (rested[h].astype(float) + rested[a])
            + 0.35 * trip
            + 0.2 * stand
            - 0.8 * too_long
            + rng.random(len(cand))
        )
        order = np.argsort(-score, kind="stable")
        busy: set[int] = set()
        picked: list[int] = []
        for g, hh, aa in zip(cand[order].tolist(), h[order].tolist(), a[order].tolist(), strict=True):
            if hh in busy or aa in busy:
                continue
            busy.update((hh, aa))
            picked.append(g)
            if len(picked) >= target:
                break
        if picked:
            idx = np.asarray(picked)
            day_of[idx] = d
            remaining[idx] = False
            teams = np.concatenate([home[idx], away[idx]])
            last2[teams] = last1[teams]
            last1[teams] = d
            venue[home[idx]] = home[idx]
            venue[away[idx]] = home[idx]
            hi, ai = home[idx], away[idx]
            streak[hi] = np.where(was_away[hi], 1, streak[hi] + 1)
            streak[ai] = np.where(was_away[ai], streak[ai] + 1, 1)
            was_away[hi] = False
            was_away[ai] = True
            np.subtract.at(games_left, teams, 1)
        i += 1
    return day_of


def tip_minutes(rng: np.random.Generator, home: np.ndarray) -> np.ndarray:
    """ET tip-off in minutes after midnight, by the home team's time zone (7:00p..10:30p)."""
    tz = np.asarray([t.tz for t in TEAMS])[home]
    base = np.select([tz == -5, tz == -6, tz == -7], [19 * 60, 20 * 60, 21 * 60], 22 * 60)
    return base + 30 * (rng.random(len(home)) < 0.4)


def regular_season(rng: np.random.Generator, season: int) -> dict[str, np.ndarray]:
    """All regular-season games of a season, sorted by (day, tip, home): arrays
    `home`, `away`, `day` (ordinal) and `tip` (ET minutes)."""
    home, away = matchups(season)
    perm = rng.permutation(len(home))
    home, away = home[perm], away[perm]
    days, _, _ = season_days(season)
    day = assign_days(rng, home, away, days)
    tip = tip_minutes(rng, home)
    order = np.lexsort((home, tip, day))
    return {"home": home[order], "away": away[order], "day": day[order], "tip": tip[order]}


def win_probability(margin: float, sd: float = 12.5) -> float:
    """P(margin > 0) for a normal margin with the given mean (used for moneylines)."""
    return 0.5 * (1.0 + math.erf(margin / (sd * math.sqrt(2.0))))
