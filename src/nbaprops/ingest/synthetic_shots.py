"""NBA.com shot-chart-format file (`nbacom_shots_*`, 2024-25 header) of the synthetic league.

One row per field-goal attempt of a regular-season game, expanded from the simulated zone
counts, so per player-game the attempts by `BASIC_ZONE` sum to FGA, the three-point zones sum
to FG3A (`SHOT_TYPE` always agrees with the zone) and the made rows sum to FGM / FG3M.
Coordinates follow the staged file's convention (feet; x in -25..25 with positive x on the
left, y from the baseline with the hoop at 5.25; `SHOT_DISTANCE` = floor of the distance).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nbaprops.ingest.synthetic_box import IS_THREE, PLAYED, ZA, ZM, ZONES
from nbaprops.ingest.synthetic_csv import Cat, CsvOut, DayText, ints
from nbaprops.ingest.synthetic_players import PlayerPool
from nbaprops.ingest.synthetic_season import Season
from nbaprops.ingest.synthetic_teams import TEAMS, season_label

TRI = tuple(t.tri for t in TEAMS)

SHOTS_HEADER = [
    "SEASON_1", "SEASON_2", "TEAM_ID", "TEAM_NAME", "PLAYER_ID", "PLAYER_NAME", "GAME_DATE",
    "GAME_ID", "HOME_TEAM", "AWAY_TEAM", "EVENT_TYPE", "SHOT_MADE", "ACTION_TYPE", "SHOT_TYPE",
    "BASIC_ZONE", "ZONE_NAME", "ZONE_ABB", "ZONE_RANGE", "LOC_X", "LOC_Y", "SHOT_DISTANCE",
    "QUARTER", "MINS_LEFT", "SECS_LEFT",
]  # fmt: skip
ACTIONS = (
    ("Driving Layup Shot", "Cutting Layup Shot", "Layup Shot", "Running Layup Shot", "Dunk Shot",
     "Cutting Dunk Shot", "Tip Layup Shot", "Putback Layup Shot", "Driving Finger Roll Layup Shot"),
    ("Driving Floating Jump Shot", "Floating Jump shot", "Turnaround Hook Shot", "Hook Shot",
     "Driving Floating Bank Jump Shot", "Jump Shot"),
    ("Jump Shot", "Pullup Jump shot", "Step Back Jump shot", "Fadeaway Jump Shot",
     "Turnaround Fadeaway shot", "Running Jump Shot"),
    ("Jump Shot", "Pullup Jump shot", "Step Back Jump shot", "Running Pull-Up Jump Shot"),
)  # fmt: skip
ACTION_SET = (0, 1, 2, 3, 3, 3, 3)  # zone -> ACTIONS index
ACTION_VOCAB = tuple(sorted({a for group in ACTIONS for a in group}))
SIDES = (("Left Side", "L"), ("Left Side Center", "LC"), ("Center", "C"),
         ("Right Side Center", "RC"), ("Right Side", "R"), ("Back Court", "BC"))  # fmt: skip
RANGES = ("Less Than 8 ft.", "8-16 ft.", "16-24 ft.", "24+ ft.", "Back Court Shot")
LOC_X = tuple(str(v // 10) if v % 10 == 0 else f"{v / 10:.1f}" for v in range(-300, 301))
LOC_Y = tuple(f"{(v * 10 + 525) // 100}.{(v * 10 + 525) % 100:02d}" for v in range(-52, 1000))


def open_shots(out_dir: Path) -> CsvOut:
    return CsvOut(out_dir / "nbacom_shots_synthetic.csv", SHOTS_HEADER)


def _geometry(rng: np.random.Generator, zone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x, y (feet) of each shot, drawn inside its zone."""
    n = len(zone)
    x = np.zeros(n)
    y = np.zeros(n)
    for z in range(7):
        m = np.flatnonzero(zone == z)
        k = len(m)
        if z in (0, 2, 5):
            lo, hi = {0: (0.0, 3.9), 2: (8.6, 21.5), 5: (23.9, 23.9)}[z]
            r = rng.uniform(lo, hi, k) if z != 5 else 23.9 + np.abs(rng.normal(0.0, 1.8, k))
            floor = np.arcsin(np.clip((14.2 - 5.25) / r, -1, 1)) if z == 5 else np.zeros(k)
            theta = rng.uniform(floor, np.pi - floor)
            x[m], y[m] = r * np.cos(theta), 5.25 + r * np.sin(theta)
            if z == 2:  # push mid-range shots out of the paint rectangle
                inside = (np.abs(x[m]) < 8.2) & (y[m] < 19.2)
                y[m[inside]] = 19.3 + rng.uniform(0.0, 2.0, int(inside.sum()))
        elif z == 1:
            x[m], y[m] = rng.uniform(-7.9, 7.9, k), rng.uniform(0.2, 18.9, k)
            d = np.hypot(x[m], y[m] - 5.25)
            close = d < 4.2
            y[m[close]] = 5.25 + 4.3 + rng.uniform(0.0, 3.0, int(close.sum()))
        elif z in (3, 4):
            x[m] = (1 if z == 3 else -1) * rng.uniform(22.1, 24.6, k)
            y[m] = rng.uniform(0.2, 13.9, k)
        else:
            x[m], y[m] = rng.uniform(-24.0, 24.0, k), rng.uniform(47.0, 85.0, k)
    return x, y


def _zone_labels(zone: np.ndarray, dist: np.ndarray, angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(`SIDES` index, `RANGES` index) of each shot."""
    three_sector = np.where(angle < 72, 1, np.where(angle <= 108, 2, 3))
    side3 = np.where(angle < 60, 0, np.where(angle <= 120, 2, 4))
    side5 = np.minimum(angle // 36, 4).astype(np.int64)
    close = (zone == 0) | ((zone == 1) & (dist < 8))
    short = (zone == 1) | ((zone == 2) & (dist < 16))
    side = np.select(
        [close, zone == 6, zone == 3, zone == 4, zone == 5, short], [2, 5, 0, 4, three_sector, side3], side5
    )
    rng_ = np.select([close, zone == 6, zone >= 3, short], [0, 4, 3, 1], 2)
    return side, rng_


def write_season(out: CsvOut, s: Season, pool: PlayerPool, text: DayText, rng: np.random.Generator) -> None:
    """Append the shots of one season's played regular-season games."""
    games = np.flatnonzero((s.box_row >= 0) & (s.phase == 2))
    games = games[np.lexsort((np.asarray(s.game_id)[games], s.day[games]))]
    b = s.box
    tg = np.stack([2 * s.box_row[games], 2 * s.box_row[games] + 1], axis=1).ravel()
    width = b.status.shape[1]
    played = (b.status[tg] == PLAYED).ravel()
    za = b.st[tg][..., ZA].reshape(-1, 7) * played[:, None]
    zm = b.st[tg][..., ZM].reshape(-1, 7) * played[:, None]
    cell_zone = np.flatnonzero(za.ravel())
    n_att = za.ravel()[cell_zone]
    shot_cz = np.repeat(cell_zone, n_att)  # (cell * 7 + zone) per shot
    start = np.repeat(np.cumsum(n_att) - n_att, n_att)
    made = (np.arange(len(shot_cz)) - start) < zm.ravel()[shot_cz]
    cell, zone = np.divmod(shot_cz, 7)
    row = cell // width  # team-game row within `tg`
    game = games[row // 2]
    team = np.where(row % 2 == 1, s.home[game], s.away[game])
    player = b.players[tg].ravel()[cell]
    ot = b.ot[s.box_row[game]]
    in_ot = rng.random(len(cell)) < 25 * ot / (240 + 25 * ot)
    quarter = np.where(in_ot, 5 + (rng.random(len(cell)) * ot).astype(int), rng.integers(1, 5, len(cell)))
    left = np.where(in_ot, rng.integers(0, 300, len(cell)), rng.integers(0, 720, len(cell)))
    order = np.lexsort((-left, quarter, row // 2))
    cell, zone, made, row, game, team, player, quarter, left = (
        a[order] for a in (cell, zone, made, row, game, team, player, quarter, left)
    )
    x, y = _geometry(rng, zone)
    xt = np.clip(np.rint(x * 10).astype(np.int64), -300, 300)
    yt = np.clip(np.rint((y - 5.25) * 10).astype(np.int64), -52, 999)
    dist = np.hypot(xt / 10, yt / 10)
    angle = np.degrees(np.arctan2(np.abs(yt), xt))
    side, zrange = _zone_labels(zone, dist, angle)
    pick = rng.random(len(zone))
    action = np.zeros(len(zone), dtype=np.int64)
    for z in range(7):
        m = zone == z
        group = np.array([ACTION_VOCAB.index(a) for a in ACTIONS[ACTION_SET[z]]])
        action[m] = group[(pick[m] * len(group)).astype(np.int64)]
    made_i = made.astype(np.int64)
    out.add(
        {
            "SEASON_1": str(s.season + 1),
            "SEASON_2": season_label(s.season),
            "TEAM_ID": Cat(team, tuple(str(t.team_id) for t in TEAMS)),
            "TEAM_NAME": Cat(team, tuple(t.nba_name for t in TEAMS)),
            "PLAYER_ID": Cat(player, tuple(str(i) for i in pool.ids)),
            "PLAYER_NAME": Cat(player, tuple(pool.names)),
            "GAME_DATE": text(s.day[game], "mdy"),
            "GAME_ID": Cat(game, tuple(str(int(g)) for g in s.game_id)),
            "HOME_TEAM": Cat(s.home[game], TRI),
            "AWAY_TEAM": Cat(s.away[game], TRI),
            "EVENT_TYPE": Cat(made_i, ("Missed Shot", "Made Shot")),
            "SHOT_MADE": Cat(made_i, ("FALSE", "TRUE")),
            "ACTION_TYPE": Cat(action, ACTION_VOCAB),
            "SHOT_TYPE": Cat(IS_THREE[zone].astype(np.int64), ("2PT Field Goal", "3PT Field Goal")),
            "BASIC_ZONE": Cat(zone, ZONES),
            "ZONE_NAME": Cat(side, tuple(name for name, _ in SIDES)),
            "ZONE_ABB": Cat(side, tuple(abb for _, abb in SIDES)),
            "ZONE_RANGE": Cat(zrange, RANGES),
            "LOC_X": Cat(xt + 300, LOC_X),
            "LOC_Y": Cat(yt + 52, LOC_Y),
            "SHOT_DISTANCE": ints(np.floor(dist).astype(np.int64)),
            "QUARTER": ints(quarter),
            "MINS_LEFT": ints(left // 60),
            "SECS_LEFT": ints(left % 60),
        }
    )
