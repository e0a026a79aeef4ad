"""Box-score simulator of the synthetic league (vectorised over a batch of games).

A batch of G games has 2G team-game rows: row 2g is the away team, row 2g+1 the home team.
Each row holds up to `ROSTER_SLOTS` players in depth order. Counting stats are drawn per
player from persistent skills (shot-zone attempts and makes, free throws, rebounds...), so
every total is a sum of player rows and points = 2*FGM + FG3M + FTM holds by construction.
Regulation minutes are integer seconds summing to 14,400 per team; tied games (and ~3% of
close games) go to overtime, where the five heaviest-minute players add 300 s per period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nbaprops.ingest.synthetic_players import ACTIVE_MAX, SeasonRoster

ZONES = (
    "Restricted Area", "In The Paint (Non-RA)", "Mid-Range",
    "Left Corner 3", "Right Corner 3", "Above the Break 3", "Backcourt",
)  # fmt: skip
ZONE_POINTS = np.array([2, 2, 2, 3, 3, 3, 3])
IS_THREE = ZONE_POINTS == 3
# Stat columns: 7 zone attempts, 7 zone makes, then the rest.
ZA, ZM = slice(0, 7), slice(7, 14)
FTA, FTM, OREB, DREB, AST, STL, BLK, TOV, PF = range(14, 23)
N_STAT = 23
# Status codes of a roster cell.
EMPTY, INACTIVE, DNP, DND, PLAYED = 0, 1, 2, 3, 4

# Minutes weight and probability of playing by rank among healthy active players.
BASE_MIN = np.array([38, 36, 35, 33.5, 32, 23, 20, 17, 13, 8, 5, 3.5, 2.5])
PLAY_P = np.array([1, 1, 1, 1, 1, 0.99, 0.97, 0.95, 0.9, 0.75, 0.55, 0.45, 0.4])
ROTATION = 9  # healthy players ranked below this rotate in and out of the 13 active
REG_SECS = 14400  # 240 team minutes
TEAM_FGA = 87.5  # expected team field-goal attempts per 48 minutes at average pace
P_CLOSE_OT = 0.3  # share of 1-3 point regulation margins turned into overtime games


@dataclass
class Skills:
    """Per-player expected rates for one season (index = player index)."""

    fga36: np.ndarray  # field-goal attempts per 36 minutes
    share: np.ndarray  # (P, 7) share of attempts by zone
    make: np.ndarray  # (P, 7) make probability by zone
    ftr: np.ndarray  # free-throw attempts per field-goal attempt
    ftp: np.ndarray  # free-throw percentage
    rate36: np.ndarray  # (P, 7) OREB, DREB, AST, STL, BLK, TOV, PF per 36 minutes

    def points_per_minute(self) -> np.ndarray:
        """Expected points per minute played."""
        per_fga = (self.share * self.make * ZONE_POINTS).sum(1) + self.ftr * self.ftp
        return self.fga36 / 36.0 * per_fga


def skills(r: SeasonRoster) -> Skills:
    """Derive a season's rates from quality, archetype and persistent traits."""
    q, a, tr = r.q, r.archetype, r.traits
    era = float(np.clip(0.35 + 0.65 * (r.season - 1993) / 31.0, 0.35, 1.05))
    fga36 = np.clip(12.7 + 3.0 * q + 1.2 * tr[:, 0], 4.0, 26.0)
    r3 = np.clip(np.array([0.47, 0.43, 0.15])[a] + 0.07 * tr[:, 1], 0.0, 0.8) * era
    ra = np.array([0.42, 0.48, 0.64])[a]
    nra = np.array([0.38, 0.33, 0.29])[a]
    two = 1.0 - r3
    corner = 0.225 + 0.02 * np.tanh(tr[:, 4])
    share = np.stack(
        [
            two * ra,
            two * nra,
            two * (1.0 - ra - nra),
            r3 * corner / 2,
            r3 * corner / 2,
            r3 * (0.994 - corner),
            r3 * 0.006,
        ],
        axis=1,
    )
    fin = 0.025 * tr[:, 2] + 0.012 * q
    sho = 0.02 * tr[:, 3] + 0.01 * q
    base = np.array([0.655, 0.44, 0.415, 0.39, 0.39, 0.357, 0.03])
    adj = np.stack([fin, fin, sho, sho, sho, sho, np.zeros_like(q)], axis=1)
    make = np.clip(base + adj, 0.01, 0.9)
    ftr = np.clip(0.25 + 0.03 * q + 0.06 * tr[:, 4] + np.array([-0.03, 0.0, 0.06])[a], 0.05, 0.6)
    ftp = np.clip(np.array([0.81, 0.78, 0.70])[a] + 0.05 * tr[:, 5], 0.45, 0.95)
    reb = np.exp(0.2 * tr[:, 6])
    play = np.exp(0.3 * tr[:, 7] + 0.1 * q)
    ast36 = np.array([5.5, 2.8, 2.2])[a] * play
    rate36 = np.stack(
        [
            np.array([0.9, 1.4, 3.3])[a] * reb,
            np.array([3.8, 5.4, 8.6])[a] * reb,
            ast36,
            np.array([1.2, 1.1, 0.8])[a] * np.ones_like(q),
            np.array([0.3, 0.6, 1.6])[a] * reb,
            0.6 + 0.08 * fga36 + 0.15 * ast36,
            np.array([2.9, 3.1, 3.9])[a] * np.ones_like(q),
        ],
        axis=1,
    )
    return Skills(fga36, share, make, ftr, ftp, rate36)


def lineups(
    r: SeasonRoster, team: np.ndarray, day: np.ndarray, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pre-game lineup of each team-game: (players, rank among healthy active players or -1,
    inactive mask). Injured players and healthy players beyond the 13th are inactive. With
    `rng`, the healthy players below the top 9 are reshuffled (rotating healthy scratches)."""
    seg = (day >= r.deadline).astype(np.int64)
    players = r.seg_roster[team, seg]
    valid = players >= 0
    p = np.where(valid, players, 0)
    d = day[:, None, None]
    injured = ((r.inj_start[p] <= d) & (d < r.inj_end[p])).any(-1) & valid
    healthy = valid & ~injured
    rank = np.cumsum(healthy, axis=1) - 1
    if rng is not None:
        key = np.where(healthy, np.where(rank < ROTATION, rank, ROTATION + rng.random(rank.shape)), 99.0)
        order = np.argsort(key, axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(order.shape[1])[None, :], axis=1)
    hrank = np.where(healthy & (rank < ACTIVE_MAX), rank, -1)
    return players, hrank, valid & (hrank < 0)


def expected_minutes(hrank: np.ndarray) -> np.ndarray:
    """Pre-game expected minutes of every active player (sums to 240 per team-game)."""
    active = hrank >= 0
    w = np.where(active, BASE_MIN[np.clip(hrank, 0, 12)] * PLAY_P[np.clip(hrank, 0, 12)], 0.0)
    return 240.0 * w / w.sum(axis=1, keepdims=True)


def allocate_seconds(weight: np.ndarray, total: int, cap: int) -> np.ndarray:
    """Integer seconds proportional to `weight`, at most `cap` each, summing to `total`."""
    s = weight / weight.sum(axis=1, keepdims=True) * total
    for _ in range(3):
        excess = np.clip(s - cap, 0.0, None).sum(axis=1, keepdims=True)
        s = np.minimum(s, cap)
        room = np.where((s < cap) & (weight > 0), s, 0.0)
        s = s + excess * room / np.maximum(room.sum(axis=1, keepdims=True), 1e-9)
    fl = np.floor(s)
    rem = total - fl.sum(axis=1).astype(np.int64)
    order = np.argsort(-(s - fl), axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(s.shape[1])[None, :], axis=1)
    return (fl + (ranks < rem[:, None])).astype(np.int64)


def draw(
    rng: np.random.Generator,
    sk: Skills,
    pidx: np.ndarray,
    secs: np.ndarray,
    team_fga: np.ndarray,
    eff: np.ndarray,
) -> np.ndarray:
    """Counting stats (T, C, N_STAT) of T team rows with C player cells each. The team's
    `team_fga` attempts are split multinomially by usage x minutes and shot zone; `eff`
    shifts the team's make probabilities."""
    n_rows, n_cells = pidx.shape
    w = sk.fga36[pidx] * secs
    share = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-9)
    probs = (share[:, :, None] * sk.share[pidx]).reshape(n_rows, n_cells * 7)
    probs /= probs.sum(axis=1, keepdims=True)
    za = rng.multinomial(team_fga, probs).reshape(n_rows, n_cells, 7)
    zm = rng.binomial(za, np.clip(sk.make[pidx] + eff[:, None, None], 0.005, 0.95))
    expected = team_fga[:, None] * share
    fta = rng.poisson(expected * sk.ftr[pidx])
    ftm = rng.binomial(fta, sk.ftp[pidx])
    other = rng.poisson(sk.rate36[pidx] * (secs[:, :, None] / 2160.0))
    return np.concatenate([za, zm, fta[..., None], ftm[..., None], other], axis=2)


def points(st: np.ndarray) -> np.ndarray:
    """Points of stat rows (any leading shape): 2 or 3 per make by zone, plus FTM."""
    return (st[..., ZM] * ZONE_POINTS).sum(-1) + st[..., FTM]


@dataclass
class Box:
    """Simulated batch of G games (team-game row 2g = away, 2g + 1 = home)."""

    home: np.ndarray
    away: np.ndarray
    day: np.ndarray
    players: np.ndarray  # (2G, K) player index or -1
    status: np.ndarray  # (2G, K) EMPTY / INACTIVE / DNP / DND / PLAYED
    starter: np.ndarray  # (2G, K) bool
    secs: np.ndarray  # (2G, K) seconds played
    st: np.ndarray  # (2G, K, N_STAT)
    pm: np.ndarray  # (2G, K) plus-minus
    ot: np.ndarray  # (G,) overtime periods
    ls: np.ndarray  # (2G, 8) points by quarter 1-4 and OT 1-4

    def pts(self) -> np.ndarray:
        """Team points per team-game row."""
        return points(self.st).sum(axis=1)

    def take(self, games: np.ndarray) -> Box:
        """The sub-batch of the given game indices (in that order)."""
        rows = np.stack([2 * games, 2 * games + 1], axis=1).ravel()
        return Box(
            self.home[games], self.away[games], self.day[games], self.players[rows],
            self.status[rows], self.starter[rows], self.secs[rows], self.st[rows],
            self.pm[rows], self.ot[games], self.ls[rows],
        )  # fmt: skip


def simulate(
    rng: np.random.Generator,
    r: SeasonRoster,
    sk: Skills,
    home: np.ndarray,
    away: np.ndarray,
    day: np.ndarray,
) -> Box:
    """Simulate the box scores of a batch of games."""
    n_games = len(home)
    team = np.stack([away, home], axis=1).ravel()
    days2 = np.repeat(day, 2)
    players, hrank, inactive = lineups(r, team, days2, rng)
    active = hrank >= 0
    k = np.clip(hrank, 0, 12)
    played = active & (rng.random(hrank.shape) < PLAY_P[k])
    played |= active & (active.sum(axis=1, keepdims=True) <= 9)
    starter = active & (hrank < 5)
    weight = np.where(played, BASE_MIN[k] * rng.lognormal(0.0, 0.12, hrank.shape), 0.0)
    secs = allocate_seconds(weight, REG_SECS, 46 * 60)
    pidx = np.where(players >= 0, players, 0)
    strength = (r.q[pidx] * secs).sum(axis=1) / REG_SECS
    opp_strength = strength.reshape(-1, 2)[:, ::-1].ravel()
    home_edge = np.tile([-0.009, 0.009], n_games)
    eff = 0.035 * (strength - opp_strength) + home_edge
    pace = np.repeat(rng.normal(1.0, 0.05, n_games), 2)
    team_fga = np.rint(TEAM_FGA * pace + rng.normal(0.0, 1.5, 2 * n_games)).astype(np.int64)
    st = draw(rng, sk, pidx, secs, team_fga, eff)

    # Overtime: ties, plus some close games made level by extra regulation free throws.
    pts = points(st).sum(axis=1)
    margin = pts[1::2] - pts[0::2]
    ot_game = (margin == 0) | ((np.abs(margin) <= 3) & (rng.random(n_games) < P_CLOSE_OT))
    top = np.argsort(-secs, axis=1, kind="stable")
    for g in np.flatnonzero(ot_game & (margin != 0)).tolist():
        row = 2 * g + (1 if margin[g] < 0 else 0)
        st[row, top[row, 0], FTA] += abs(int(margin[g]))
        st[row, top[row, 0], FTM] += abs(int(margin[g]))
    ls = np.zeros((2 * n_games, 8), dtype=np.int64)
    ls[:, :4] = rng.multinomial(points(st).sum(axis=1), [0.25] * 4)
    ot = np.zeros(n_games, dtype=np.int64)
    live = ot_game.copy()
    for period in range(4):
        games = np.flatnonzero(live)
        if games.size == 0:
            break
        ot[games] += 1
        rows = np.stack([2 * games, 2 * games + 1], axis=1).ravel()
        ks = top[rows, :5]
        secs[rows[:, None], ks] += 300
        ot_fga = rng.poisson(TEAM_FGA * 5 / 48 * pace[rows])
        extra = draw(rng, sk, pidx[rows[:, None], ks], secs[rows[:, None], ks], ot_fga, eff[rows])
        st[rows[:, None], ks] += extra
        period_pts = points(extra).sum(axis=1)
        tied = period_pts[0::2] == period_pts[1::2]
        if period == 3 and tied.any():  # no 5OT: the home team gets one more free throw
            home_rows = 2 * games[tied] + 1
            st[home_rows, top[home_rows, 0], FTA] += 1
            st[home_rows, top[home_rows, 0], FTM] += 1
            period_pts[1::2][tied] += 1
            tied[:] = False
        ls[rows, 4 + period] = period_pts
        live[games] = tied

    # Plus-minus: minutes share of 5 x final margin plus noise, summing exactly to 5 x margin.
    final = points(st).sum(axis=1)
    team_margin = final - final.reshape(-1, 2)[:, ::-1].ravel()
    team_secs = (REG_SECS + 1500 * np.repeat(ot, 2))[:, None]
    noise = rng.normal(0.0, 4.5, secs.shape) * np.sqrt(secs / 2880.0)
    pm = np.where(played, np.rint(team_margin[:, None] * secs * 5 / team_secs + noise), 0)
    pm = pm.astype(np.int64)
    residual = 5 * team_margin - pm.sum(axis=1)
    n_played = played.sum(axis=1)
    base = np.floor_divide(residual, n_played)
    extra_one = residual - base * n_played
    order = np.cumsum(played, axis=1) - 1
    pm += np.where(played, base[:, None] + (order < extra_one[:, None]), 0)

    status = np.full(players.shape, EMPTY, dtype=np.int8)
    status[inactive] = INACTIVE
    dnp = active & ~played
    status[dnp] = np.where(rng.random(int(dnp.sum())) < 0.07, DND, DNP)
    status[played] = PLAYED
    return Box(home, away, day, players, status, starter, secs, st, pm, ot, ls)


def counts(st: np.ndarray) -> dict[str, np.ndarray]:
    """Box-score counts (bref names) of stat rows of any leading shape."""
    fg3 = st[..., ZM][..., IS_THREE].sum(-1)
    orb, drb = st[..., OREB], st[..., DREB]
    return {
        "fg": st[..., ZM].sum(-1),
        "fga": st[..., ZA].sum(-1),
        "fg3": fg3,
        "fg3a": st[..., ZA][..., IS_THREE].sum(-1),
        "ft": st[..., FTM],
        "fta": st[..., FTA],
        "orb": orb,
        "drb": drb,
        "trb": orb + drb,
        "ast": st[..., AST],
        "stl": st[..., STL],
        "blk": st[..., BLK],
        "tov": st[..., TOV],
        "pf": st[..., PF],
        "pts": points(st),
    }
