"""NBA.com-format files of the synthetic league (completed games only).

* `nbacom_schedule_gameids_*`: one row per team per completed game; `source_file` names the
  season and phase (`2024-25_regular_season.csv`, `_playin.csv`, `_playoffs.csv`).
* `nbacom_team_game_logs_*`: one row per team per completed game, all phases; `MIN` is the
  rounded team minutes (240/265, occasionally 239/241 as NBA.com prints), `PLUS_MINUS` `8.0`.
* `nbacom_player_game_logs_*`: league player logs, regular season only, one row per player who
  appeared; integer `MIN`, the same counts as the bref box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nbaprops.ingest.synthetic_box import PLAYED, counts
from nbaprops.ingest.synthetic_csv import Cat, Cell, CsvOut, DayText, ints, one_decimal, pct
from nbaprops.ingest.synthetic_players import PlayerPool
from nbaprops.ingest.synthetic_season import Season
from nbaprops.ingest.synthetic_teams import N_TEAMS, TEAMS, season_label

SCHEDULE_IDS_HEADER = [
    "source_file", "SEASON_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE",
    "MATCHUP", "WL",
]  # fmt: skip
STATS = "PTS,FGM,FGA,FG_PCT,FG3M,FG3A,FG3_PCT,FTM,FTA,FT_PCT,OREB,DREB,REB,AST,STL,BLK,TOV,PF,PLUS_MINUS"
TEAM_LOGS_HEADER = (
    f"source_file,SEASON_ID,TEAM_ID,TEAM_ABBREVIATION,TEAM_NAME,GAME_ID,GAME_DATE,MATCHUP,WL,"
    f"MIN,{STATS},SEASON"
).split(",")
PLAYER_LOGS_HEADER = (
    f"SEASON_ID,PLAYER_ID,PLAYER_NAME,TEAM_ID,TEAM_ABBREVIATION,TEAM_NAME,GAME_ID,GAME_DATE,"
    f"MATCHUP,WL,MIN,{STATS},SEASON_LABEL"
).split(",")
NBA_NAMES = {
    "fg": "FGM", "fga": "FGA", "fg3": "FG3M", "fg3a": "FG3A", "ft": "FTM", "fta": "FTA",
    "orb": "OREB", "drb": "DREB", "trb": "REB", "ast": "AST", "stl": "STL", "blk": "BLK",
    "tov": "TOV", "pf": "PF", "pts": "PTS",
}  # fmt: skip
TRI = tuple(t.tri for t in TEAMS)
NAME = tuple(t.nba_name for t in TEAMS)
TEAM_ID = tuple(str(t.team_id) for t in TEAMS)
PHASE_FILE = ("", "", "regular_season", "", "playoffs", "playin")  # by SEASON_ID phase digit


@dataclass
class NbacomFiles:
    """Open NBA.com-format outputs."""

    schedule_ids: CsvOut
    team_logs: CsvOut
    player_logs: CsvOut

    @classmethod
    def open(cls, out_dir: Path) -> NbacomFiles:
        return cls(
            CsvOut(out_dir / "nbacom_schedule_gameids_synthetic.csv", SCHEDULE_IDS_HEADER),
            CsvOut(out_dir / "nbacom_team_game_logs_synthetic.csv", TEAM_LOGS_HEADER),
            CsvOut(out_dir / "nbacom_player_game_logs_synthetic.csv", PLAYER_LOGS_HEADER),
        )

    def all(self) -> list[CsvOut]:
        return [self.schedule_ids, self.team_logs, self.player_logs]


def write_season(
    f: NbacomFiles, s: Season, pool: PlayerPool, text: DayText, rng: np.random.Generator
) -> None:
    """Append one season's completed games to the NBA.com files."""
    order = np.lexsort((np.asarray(s.game_id), s.day))
    played = order[s.box_row[order] >= 0]
    b = s.box
    br = s.box_row[played]
    tg = np.stack([2 * br, 2 * br + 1], axis=1).ravel()
    game = np.repeat(played, 2)
    team = np.stack([s.away[played], s.home[played]], axis=1).ravel()
    opp = np.stack([s.home[played], s.away[played]], axis=1).ravel()
    is_home = np.tile([0, 1], len(played))
    matchups = tuple(
        f"{TRI[t]} {sep} {TRI[o]}" for t in range(N_TEAMS) for o in range(N_TEAMS) for sep in ("@", "vs.")
    )
    matchup = Cat((team * N_TEAMS + opp) * 2 + is_home, matchups)
    c = counts(b.st[tg].sum(axis=1))
    opp_pts = c["pts"].reshape(-1, 2)[:, ::-1].ravel()
    win = (c["pts"] > opp_pts).astype(np.int64)
    phase = s.phase[game]
    label = season_label(s.season)
    season_id = Cat(phase, tuple(f"{p}{s.season}" for p in range(6)))
    game_id = Cat(game, tuple(s.game_id))
    dates = text(s.day[game], "iso")
    common: dict[str, Cat] = {
        "SEASON_ID": season_id,
        "TEAM_ID": Cat(team, TEAM_ID),
        "TEAM_ABBREVIATION": Cat(team, TRI),
        "TEAM_NAME": Cat(team, NAME),
        "GAME_ID": game_id,
        "GAME_DATE": dates,
        "MATCHUP": matchup,
        "WL": Cat(win, ("L", "W")),
    }
    f.schedule_ids.add({"source_file": Cat(phase, tuple(f"{label}_{x}.csv" for x in PHASE_FILE)), **common})
    minutes = 240 + 25 * b.ot[tg // 2]
    wobble = rng.random(len(tg))
    minutes = minutes + (wobble < 0.02) - ((wobble > 0.98) & (minutes > 240))
    cols: dict[str, Cell] = {
        "source_file": f"nba_games_{s.season}_{(s.season + 1) % 100:02d}.csv",
        **common,
        "MIN": ints(minutes),
        "PLUS_MINUS": one_decimal(c["pts"] - opp_pts),
        "SEASON": label,
    }
    _stat_columns(cols, c)
    f.team_logs.add(cols)

    # Player logs: regular season, appeared players, in (game, team, minutes) order.
    rows = np.flatnonzero(phase == 2)
    status = b.status[tg[rows]]
    width = status.shape[1]
    idx = np.flatnonzero((status == PLAYED).ravel())
    r, k = np.divmod(idx, width)
    secs = b.secs[tg[rows]].ravel()
    idx = idx[np.lexsort((k, -secs[idx], r))]
    src = rows[idx // width]  # index into the team-game arrays above
    player = b.players[tg[rows]].ravel()[idx]
    pc = counts(b.st[tg[rows]].reshape(-1, b.st.shape[2])[idx])
    pcols: dict[str, Cell] = {key: Cat(col.codes[src], col.vocab) for key, col in common.items()}
    pcols.update(
        {
            "PLAYER_ID": Cat(player, tuple(str(i) for i in pool.ids)),
            "PLAYER_NAME": Cat(player, tuple(pool.names)),
            "MIN": ints((secs[idx] + 30) // 60),
            "PLUS_MINUS": ints(b.pm[tg[rows]].ravel()[idx]),
            "SEASON_LABEL": label,
        }
    )
    _stat_columns(pcols, pc)
    f.player_logs.add(pcols)


def _stat_columns(cols: dict[str, Cell], c: dict[str, np.ndarray]) -> None:
    for name, values in c.items():
        cols[NBA_NAMES[name]] = ints(values)
    for name, made, att in (("FG_PCT", "fg", "fga"), ("FG3_PCT", "fg3", "fg3a"), ("FT_PCT", "ft", "fta")):
        cols[name] = pct(c[made], c[att], "nba")
