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
from nbaprops.ingest.synthetic_csv import CsvOut, DayText, ints, pct
from nbaprops.ingest.synthetic_players import PlayerPool
from nbaprops.ingest.synthetic_season import Season
from nbaprops.ingest.synthetic_teams import TEAMS, season_label

SCHEDULE_IDS_HEADER = [
    "source_file", "SEASON_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE",
    "MATCHUP", "WL",
]  # fmt: skip
STATS = (
    "PTS,FGM,FGA,FG_PCT,FG3M,FG3A,FG3_PCT,FTM,FTA,FT_PCT,OREB,DREB,REB,AST,STL,BLK,TOV,PF,"
    "PLUS_MINUS"
)
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
TRI = np.array([t.tri for t in TEAMS], dtype=object)
NAME = np.array([t.nba_name for t in TEAMS], dtype=object)
TEAM_ID = np.array([str(t.team_id) for t in TEAMS], dtype=object)
PHASE_FILE = {2: "regular_season", 5: "playin", 4: "playoffs"}


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
    order = np.lexsort((s.game_id, s.day))
    played = order[s.box_row[order] >= 0]
    b = s.box
    br = s.box_row[played]
    tg = np.stack([2 * br, 2 * br + 1], axis=1).ravel()
    game = np.repeat(played, 2)
    team = np.stack([s.away[played], s.home[played]], axis=1).ravel()
    opp = np.stack([s.home[played], s.away[played]], axis=1).ravel()
    home_row = np.tile([False, True], len(played))
    matchup = [
        f"{TRI[t]} vs. {TRI[o]}" if h else f"{TRI[t]} @ {TRI[o]}"
        for t, o, h in zip(team.tolist(), opp.tolist(), home_row.tolist(), strict=True)
    ]
    c = counts(b.st[tg].sum(axis=1))
    opp_pts = c["pts"].reshape(-1, 2)[:, ::-1].ravel()
    wl = np.where(c["pts"] > opp_pts, "W", "L")
    phase = s.phase[game]
    label = season_label(s.season)
    season_id = [f"{p}{s.season}" for p in phase.tolist()]
    game_ids = [s.game_id[g] for g in game.tolist()]
    dates = text(s.day[game], "iso")
    f.schedule_ids.add(
        {
            "source_file": [f"{label}_{PHASE_FILE[p]}.csv" for p in phase.tolist()],
            "SEASON_ID": season_id,
            "TEAM_ABBREVIATION": list(TRI[team]),
            "TEAM_NAME": list(NAME[team]),
            "GAME_ID": game_ids,
            "GAME_DATE": dates,
            "MATCHUP": matchup,
            "WL": list(wl),
        }
    )
    minutes = 240 + 25 * b.ot[tg // 2]
    wobble = rng.random(len(tg))
    minutes = minutes + (wobble < 0.02).astype(int) - ((wobble > 0.98) & (minutes > 240)).astype(int)
    margin = c["pts"] - opp_pts
    cols: dict[str, list[str]] = {
        "source_file": [f"nba_games_{s.season}_{(s.season + 1) % 100:02d}.csv"] * len(tg),
        "SEASON_ID": season_id,
        "TEAM_ID": list(TEAM_ID[team]),
        "TEAM_ABBREVIATION": list(TRI[team]),
        "TEAM_NAME": list(NAME[team]),
        "GAME_ID": game_ids,
        "GAME_DATE": dates,
        "MATCHUP": matchup,
        "WL": list(wl),
        "MIN": ints(minutes),
        "PLUS_MINUS": [f"{float(m):.1f}" for m in margin.tolist()],
        "SEASON": [label] * len(tg),
    }
    _stat_columns(cols, c)
    f.team_logs.add(cols)

    # Player logs: regular season, appeared players, in (game, team, box order) order.
    regular = phase == 2
    rows = np.flatnonzero(regular)
    status = b.status[tg[rows]]
    width = status.shape[1]
    idx = np.flatnonzero((status == PLAYED).ravel())
    r, k = np.divmod(idx, width)
    secs = b.secs[tg[rows]].ravel()[idx]
    idx = idx[np.lexsort((k, -secs, r))]
    r = idx // width
    src = rows[r]  # index into the team-game arrays above
    player = b.players[tg[rows]].ravel()[idx]
    pc = counts(b.st[tg[rows]].reshape(-1, b.st.shape[2])[idx])
    names = np.array(pool.names, dtype=object)
    ids = np.array([str(i) for i in pool.ids], dtype=object)
    pcols: dict[str, list[str]] = {
        "SEASON_ID": [season_id[i] for i in src.tolist()],
        "PLAYER_ID": list(ids[player]),
        "PLAYER_NAME": list(names[player]),
        "TEAM_ID": list(TEAM_ID[team[src]]),
        "TEAM_ABBREVIATION": list(TRI[team[src]]),
        "TEAM_NAME": list(NAME[team[src]]),
        "GAME_ID": [game_ids[i] for i in src.tolist()],
        "GAME_DATE": [dates[i] for i in src.tolist()],
        "MATCHUP": [matchup[i] for i in src.tolist()],
        "WL": list(wl[src]),
        "MIN": ints((b.secs[tg[rows]].ravel()[idx] + 30) // 60),
        "PLUS_MINUS": ints(b.pm[tg[rows]].ravel()[idx]),
        "SEASON_LABEL": [label] * len(idx),
    }
    _stat_columns(pcols, pc)
    f.player_logs.add(pcols)


def _stat_columns(cols: dict[str, list[str]], c: dict[str, np.ndarray]) -> None:
    for name, values in c.items():
        cols[NBA_NAMES[name]] = ints(values)
    for name, made, att in (("FG_PCT", "fg", "fga"), ("FG3_PCT", "fg3", "fg3a"), ("FT_PCT", "ft", "fta")):
        cols[name] = pct(c[made], c[att], "nba")
