"""Synthetic NBA league written as files in the formats of the real staged sources.

`write_league(out_dir, seasons)` simulates `seasons` seasons ending with `last_season_year`
(season start year; 2024 = 2024-25) and writes one uncompressed CSV per source format, with
the real file-name prefixes and exactly the real headers, so the file ingester loads them like
the staged files and every later phase runs unchanged:

| file | rows |
|---|---|
| `bref_schedule_synthetic.csv` | every game, incl. future games of the newest season |
| `bref_games_synthetic.csv` | every played game (title gives the phase) |
| `bref_player_box_synthetic.csv` | players listed in each played team-game (played + DNP) |
| `bref_team_box_synthetic.csv` | two rows per played game |
| `bref_inactives_synthetic.csv` | inactive players per played team-game |
| `nbacom_schedule_gameids_synthetic.csv` | two rows per played game |
| `nbacom_team_game_logs_synthetic.csv` | two rows per played game |
| `nbacom_player_game_logs_synthetic.csv` | appeared players, regular season |
| `nbacom_shots_synthetic.csv` | one row per FGA, regular season, newest 3 seasons |
| `sbr_game_odds_synthetic.csv` | one row per played game |
| `oddsapi_props_player_points_synthetic.csv` | newest season, played and future games |
| `arenas_synthetic.csv` | one invented arena per team |

The league is invented: generated player names, invented arena names, approximate city
coordinates. The same seed gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nbaprops.ingest import synthetic_bref, synthetic_lines, synthetic_nbacom, synthetic_shots
from nbaprops.ingest.synthetic_csv import CsvOut, DayText
from nbaprops.ingest.synthetic_players import PlayerPool
from nbaprops.ingest.synthetic_season import simulate_season
from nbaprops.ingest.synthetic_teams import TEAMS

ARENAS_HEADER = ["arena", "city", "state", "country", "lat", "long", "Tm", "Color"]
SHOT_SEASONS = 3


def write_arenas(out_dir: Path) -> Path:
    """`arenas_synthetic.csv`: one invented arena per team (bref team codes in `Tm`)."""
    path = out_dir / "arenas_synthetic.csv"
    with CsvOut(path, ARENAS_HEADER) as out:
        out.add(
            {
                "arena": [t.arena for t in TEAMS],
                "city": [t.city for t in TEAMS],
                "state": [t.state for t in TEAMS],
                "country": [t.country for t in TEAMS],
                "lat": [f"{t.lat:.2f}" for t in TEAMS],
                "long": [f"{t.lon:.2f}" for t in TEAMS],
                "Tm": [t.bref for t in TEAMS],
                "Color": [t.color for t in TEAMS],
            }
        )
    return path


def write_league(out_dir: Path, seasons: int, seed: int = 7, last_season_year: int = 2024) -> list[Path]:
    """Write a synthetic league as files in the SAME formats (names, headers, cell formats)
    as the real staged files. Returns the written paths."""
    if seasons < 1:
        raise ValueError("seasons must be >= 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = PlayerPool(np.random.default_rng([seed, 0]))
    pool.populate()
    text = DayText()
    first = last_season_year - seasons + 1
    bref = synthetic_bref.BrefFiles.open(out_dir)
    nbacom = synthetic_nbacom.NbacomFiles.open(out_dir)
    shots = synthetic_shots.open_shots(out_dir)
    sbr = CsvOut(out_dir / "sbr_game_odds_synthetic.csv", synthetic_lines.SBR_HEADER)
    props = synthetic_lines.open_props(out_dir)
    outputs: list[CsvOut] = [*bref.all(), *nbacom.all(), shots, sbr, props]
    try:
        for season in range(first, last_season_year + 1):
            if season > first:
                pool.offseason()
            newest = season == last_season_year
            s = simulate_season(pool, season, newest, seed)

            def rng(k: int, season: int = season) -> np.random.Generator:
                return np.random.default_rng([seed, season, 10 + k])

            synthetic_bref.write_season(bref, s, pool, text, rng(0))
            synthetic_nbacom.write_season(nbacom, s, pool, text, rng(1))
            if season > last_season_year - SHOT_SEASONS:
                synthetic_shots.write_season(shots, s, pool, text, rng(2))
            synthetic_lines.write_sbr_season(sbr, s, text, rng(3))
            if newest:
                synthetic_lines.write_props(props, s, pool, seed, rng(4))
    finally:
        for out in outputs:
            out.close()
    return [out.path for out in outputs] + [write_arenas(out_dir)]
