"""basketball-reference-format files of the synthetic league.

* `bref_schedule_*`: one row per scheduled game (future games: empty points/box score text).
* `bref_games_*`: one row per played game (box-score page): title gives the phase.
* `bref_player_box_*`: one row per player listed in a team's box (starters = first five rows,
  then bench by minutes, then "Did Not Play"/"Did Not Dress" rows with empty stat cells).
* `bref_team_box_*`: team totals, with the advanced/four-factor oracles computed by the
  basketball-reference formulas (SPEC 4.0) and the line score.
* `bref_inactives_*`: players on the inactive list (injured, or healthy beyond the 13th).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nbaprops.ingest.synthetic_box import DND, DNP, INACTIVE, PLAYED, counts
from nbaprops.ingest.synthetic_csv import (
    Cat,
    Cell,
    CsvOut,
    DayText,
    blank_unless,
    ints,
    mapped,
    mmss,
    one_decimal,
    pct,
    relabel,
    signed,
    thousands,
    three_decimal,
)
from nbaprops.ingest.synthetic_players import ONSET, PlayerPool
from nbaprops.ingest.synthetic_season import Season
from nbaprops.ingest.synthetic_teams import TEAMS, bref_clock

SCHEDULE_HEADER = [
    "season_end_year", "game_key", "date", "game_start_time", "visitor_team_name",
    "visitor_team_abbr", "visitor_pts", "home_team_name", "home_team_abbr", "home_pts",
    "box_score_text", "overtimes", "attendance", "arena_name", "game_remarks", "schedule_file",
]  # fmt: skip
GAMES_HEADER = [
    "game_key", "season_end_year", "title", "date_time_text", "arena_location", "away_team",
    "home_team", "inactive_text", "officials", "attendance", "time_of_game",
]  # fmt: skip
BOX_STATS = "fg,fga,fg_pct,fg3,fg3a,fg3_pct,ft,fta,ft_pct,orb,drb,trb,ast,stl,blk,tov,pf,pts"
PLAYER_BOX_HEADER = (
    f"game_key,team,opp,is_home,player_id,player,starter,status,mp,{BOX_STATS},plus_minus"
).split(",")
ADV = (
    "adv_ts_pct,adv_efg_pct,adv_fg3a_per_fga_pct,adv_fta_per_fga_pct,adv_orb_pct,adv_drb_pct,"
    "adv_trb_pct,adv_ast_pct,adv_stl_pct,adv_blk_pct,adv_tov_pct,adv_usg_pct,adv_off_rtg,"
    "adv_def_rtg,adv_bpm,ff_pace,ff_efg_pct,ff_tov_pct,ff_orb_pct,ff_ft_rate,ff_off_rtg"
)
LINE_SCORE = "ls_1,ls_2,ls_3,ls_4,ls_T,ls_1OT,ls_2OT,ls_3OT,ls_4OT"
TEAM_BOX_HEADER = (f"game_key,team,opp,is_home,mp,{BOX_STATS},plus_minus,{ADV},{LINE_SCORE}").split(",")
INACTIVES_HEADER = [
    "game_key", "team", "player_id", "player",
]  # fmt: skip

BREF = tuple(t.bref for t in TEAMS)
FULL = tuple(t.full_name for t in TEAMS)
ARENA = tuple(t.arena for t in TEAMS)
OVERTIMES = ("", "OT", "2OT", "3OT", "4OT")
STATUS = tuple({DNP: "Did Not Play", DND: "Did Not Dress"}.get(code, "") for code in range(PLAYED + 1))


@dataclass
class BrefFiles:
    """Open bref-format outputs."""

    schedule: CsvOut
    games: CsvOut
    player_box: CsvOut
    team_box: CsvOut
    inactives: CsvOut

    @classmethod
    def open(cls, out_dir: Path) -> BrefFiles:
        return cls(
            CsvOut(out_dir / "bref_schedule_synthetic.csv", SCHEDULE_HEADER, ["date", "attendance"]),
            CsvOut(
                out_dir / "bref_games_synthetic.csv",
                GAMES_HEADER,
                ["title", "date_time_text", "arena_location", "inactive_text", "officials", "attendance"],
            ),
            CsvOut(out_dir / "bref_player_box_synthetic.csv", PLAYER_BOX_HEADER),
            CsvOut(out_dir / "bref_team_box_synthetic.csv", TEAM_BOX_HEADER),
            CsvOut(out_dir / "bref_inactives_synthetic.csv", INACTIVES_HEADER),
        )

    def all(self) -> list[CsvOut]:
        return [self.schedule, self.games, self.player_box, self.team_box, self.inactives]


def game_keys(s: Season, text: DayText) -> list[str]:
    """bref `game_key` of every game: `YYYYMMDD0` + home bref code."""
    days = text(s.day, "compact")
    return [days.vocab[d] + "0" + BREF[h] for d, h in zip(days.codes.tolist(), s.home.tolist(), strict=True)]


def _officials(rng: np.random.Generator, n: int) -> list[str]:
    firsts = ("Ray", "Dale", "Lena", "Omar", "Tess", "Vic", "Nina", "Hugo", "Ada", "Milo")
    pool = [f"{firsts[i % 10]} {ONSET[(7 * i) % len(ONSET)]}stone" for i in range(60)]
    return [", ".join(pool[j] for j in rng.choice(60, 3, replace=False)) for _ in range(n)]


def write_season(f: BrefFiles, s: Season, pool: PlayerPool, text: DayText, rng: np.random.Generator) -> None:
    """Append one season to every bref file."""
    keys = tuple(game_keys(s, text))
    o = np.lexsort((s.home, s.tip, s.day))
    played = o[s.box_row[o] >= 0]
    b = s.box
    pts = b.pts()
    br = s.box_row
    home_pts = np.where(br >= 0, pts[2 * br + 1], 0)
    away_pts = np.where(br >= 0, pts[2 * br], 0)
    ot = np.where(br >= 0, b.ot[br], 0)
    attendance = rng.integers(14000, 21000, len(s.home))
    done = br[o] >= 0
    f.schedule.add(
        {
            "season_end_year": str(s.season + 1),
            "game_key": Cat(o, keys),
            "date": text(s.day[o], "bref_schedule"),
            "game_start_time": mapped(s.tip[o], lambda m: bref_clock(m)[0]),
            "visitor_team_name": Cat(s.away[o], FULL),
            "visitor_team_abbr": Cat(s.away[o], BREF),
            "visitor_pts": blank_unless(ints(away_pts[o]), done),
            "home_team_name": Cat(s.home[o], FULL),
            "home_team_abbr": Cat(s.home[o], BREF),
            "home_pts": blank_unless(ints(home_pts[o]), done),
            "box_score_text": Cat(done.astype(np.int64), ("", "Box Score")),
            "overtimes": Cat(ot[o], OVERTIMES),
            "attendance": blank_unless(thousands(attendance[o]), done),
            "arena_name": Cat(s.home[o], ARENA),
            "game_remarks": Cat((s.phase[o] == 5).astype(np.int64), ("", "Play-In Game")),
            "schedule_file": relabel(text(s.day[o], "month"), lambda m: f"NBA_{s.season + 1}_games-{m}.html"),
        }
    )

    # Team-game rows of played games in chronological order: away row, then home row.
    tg = np.stack([2 * br[played], 2 * br[played] + 1], axis=1).ravel()
    tg_game = np.repeat(played, 2)  # game index of each team-game row
    team = np.stack([b.away, b.home], axis=1).ravel()[tg]
    opp = np.stack([b.home, b.away], axis=1).ravel()[tg]
    rows = _Rows(tg, Cat(tg_game, keys), team, opp)
    _write_games(f, s, pool, text, rng, played, keys, attendance, tg)
    _write_player_box(f, s, pool, rows)
    _write_team_box(f, s, rows)


@dataclass
class _Rows:
    """Team-game rows of the played games, in file order."""

    tg: np.ndarray  # row in the season's Box
    key: Cat  # game_key
    team: np.ndarray
    opp: np.ndarray

    def take(self, row: np.ndarray) -> dict[str, Cell]:
        return {
            "game_key": Cat(self.key.codes[row], self.key.vocab),
            "team": Cat(self.team[row], BREF),
            "opp": Cat(self.opp[row], BREF),
            "is_home": Cat(row % 2, ("0", "1")),
        }


def _write_games(
    f: BrefFiles,
    s: Season,
    pool: PlayerPool,
    text: DayText,
    rng: np.random.Generator,
    played: np.ndarray,
    keys: tuple[str, ...],
    attendance: np.ndarray,
    tg: np.ndarray,
) -> None:
    b = s.box
    listed: dict[int, list[str]] = {}
    cells = np.flatnonzero((b.status[tg] == INACTIVE).ravel())
    width = b.status.shape[1]
    for pos, player in zip((cells // width).tolist(), b.players[tg].ravel()[cells].tolist(), strict=True):
        listed.setdefault(pos, []).append(pool.names[player])
    side = np.stack([b.away, b.home], axis=1).ravel()[tg]  # team of each row
    inactive_text = []
    for g in range(len(played)):
        parts = [f"{BREF[side[pos]]} {', '.join(listed[pos])}" for pos in (2 * g, 2 * g + 1) if pos in listed]
        inactive_text.append(" ".join(parts))
    long_days = [text.one(d, "long") for d in s.day[played].tolist()]
    clocks = [bref_clock(int(m))[1] for m in s.tip[played].tolist()]
    ot = b.ot[s.box_row[played]]
    length = 125 + rng.integers(0, 30, len(played)) + 14 * ot
    f.games.add(
        {
            "game_key": Cat(played, keys),
            "season_end_year": str(s.season + 1),
            "title": [
                f"{s.title_prefix[g]}{FULL[s.away[g]]} at {FULL[s.home[g]]} Box Score, {d}"
                for g, d in zip(played.tolist(), long_days, strict=True)
            ],
            "date_time_text": [f"{c}, {d}" for c, d in zip(clocks, long_days, strict=True)],
            "arena_location": [
                f"{TEAMS[h].arena}, {TEAMS[h].city}, {TEAMS[h].state_full}" for h in s.home[played].tolist()
            ],
            "away_team": Cat(s.away[played], BREF),
            "home_team": Cat(s.home[played], BREF),
            "inactive_text": inactive_text,
            "officials": _officials(rng, len(played)),
            "attendance": thousands(attendance[played]),
            "time_of_game": mapped(length, lambda m: f"{m // 60}:{m % 60:02d}"),
        }
    )


def _write_player_box(f: BrefFiles, s: Season, pool: PlayerPool, rows: _Rows) -> None:
    b = s.box
    tg = rows.tg
    status, secs = b.status[tg], b.secs[tg]
    width = status.shape[1]
    group = np.where(status == PLAYED, np.where(b.starter[tg], 0, 1), np.where(status >= DNP, 2, 9)).ravel()
    idx = np.flatnonzero(group < 9)
    row, k = np.divmod(idx, width)
    idx = idx[np.lexsort((k, -secs.ravel()[idx], group[idx], row))]
    row = idx // width
    played = status.ravel()[idx] == PLAYED
    player = b.players[tg].ravel()[idx]
    c = counts(b.st[tg].reshape(-1, b.st.shape[2])[idx])
    names, slugs = tuple(pool.names), tuple(pool.slugs)
    cols = rows.take(row)
    cols.update(
        {
            "player_id": Cat(player, slugs),
            "player": Cat(player, names),
            "starter": Cat((group[idx] == 0).astype(np.int64), ("0", "1")),
            "status": Cat(status.ravel()[idx].astype(np.int64), STATUS),
            "mp": blank_unless(mmss(secs.ravel()[idx]), played),
            "plus_minus": blank_unless(signed(b.pm[tg].ravel()[idx]), played),
        }
    )
    for name, values in c.items():
        cols[name] = blank_unless(ints(values), played)
    for name, made, att in (("fg_pct", "fg", "fga"), ("fg3_pct", "fg3", "fg3a"), ("ft_pct", "ft", "fta")):
        cols[name] = blank_unless(pct(c[made], c[att], "bref"), played)
    f.player_box.add(cols)

    inactive = np.flatnonzero(status.ravel() == INACTIVE)
    player = b.players[tg].ravel()[inactive]
    icols = rows.take(inactive // width)
    f.inactives.add(
        {
            "game_key": icols["game_key"],
            "team": icols["team"],
            "player_id": Cat(player, slugs),
            "player": Cat(player, names),
        }
    )


def _write_team_box(f: BrefFiles, s: Season, rows: _Rows) -> None:
    b = s.box
    tg = rows.tg
    c = counts(b.st[tg].sum(axis=1))
    o = {k: v.reshape(-1, 2)[:, ::-1].ravel() for k, v in c.items()}  # opponent's counts
    ot = np.repeat(b.ot[tg[0::2] // 2], 2)
    minutes = 240 + 25 * ot
    raw = c["fga"] + 0.4 * c["fta"] - 1.07 * c["orb"] / (c["orb"] + o["drb"]) * (c["fga"] - c["fg"])
    raw = raw + c["tov"]
    poss = 0.5 * (raw + raw.reshape(-1, 2)[:, ::-1].ravel())
    pace = 48.0 * poss / (minutes / 5.0)
    off_rtg = 100.0 * c["pts"] / poss
    def_rtg = 100.0 * o["pts"] / poss
    fga = c["fga"].astype(float)
    tov_pct = 100.0 * c["tov"] / (fga + 0.44 * c["fta"] + c["tov"])
    orb_pct = 100.0 * c["orb"] / (c["orb"] + o["drb"])
    efg = (c["fg"] + 0.5 * c["fg3"]) / fga
    cols = rows.take(np.arange(len(tg)))
    cols.update(
        {
            "mp": ints(minutes),
            "plus_minus": "",
            "adv_ts_pct": three_decimal(c["pts"] / (2 * (fga + 0.44 * c["fta"]))),
            "adv_efg_pct": three_decimal(efg),
            "adv_fg3a_per_fga_pct": three_decimal(c["fg3a"] / fga),
            "adv_fta_per_fga_pct": three_decimal(c["fta"] / fga),
            "adv_orb_pct": one_decimal(orb_pct),
            "adv_drb_pct": one_decimal(100.0 * c["drb"] / (c["drb"] + o["orb"])),
            "adv_trb_pct": one_decimal(100.0 * c["trb"] / (c["trb"] + o["trb"])),
            "adv_ast_pct": one_decimal(100.0 * c["ast"] / np.maximum(c["fg"], 1)),
            "adv_stl_pct": one_decimal(100.0 * c["stl"] / poss),
            "adv_blk_pct": one_decimal(100.0 * c["blk"] / np.maximum(o["fga"] - o["fg3a"], 1)),
            "adv_tov_pct": one_decimal(tov_pct),
            "adv_usg_pct": "100.0",
            "adv_off_rtg": one_decimal(off_rtg),
            "adv_def_rtg": one_decimal(def_rtg),
            "adv_bpm": "",
            "ff_pace": one_decimal(pace),
            "ff_efg_pct": three_decimal(efg),
            "ff_tov_pct": one_decimal(tov_pct),
            "ff_orb_pct": one_decimal(orb_pct),
            "ff_ft_rate": three_decimal(c["ft"] / fga),
            "ff_off_rtg": one_decimal(off_rtg),
        }
    )
    for name, values in c.items():
        cols[name] = ints(values)
    for name, made, att in (("fg_pct", "fg", "fga"), ("fg3_pct", "fg3", "fg3a"), ("ft_pct", "ft", "fta")):
        cols[name] = pct(c[made], c[att], "bref")
    ls = b.ls[tg]
    for q in range(4):
        cols[f"ls_{q + 1}"] = ints(ls[:, q])
        cols[f"ls_{q + 1}OT"] = blank_unless(ints(ls[:, 4 + q]), ot > q)
    cols["ls_T"] = ints(c["pts"])
    f.team_box.add(cols)
