"""Curated reference tables shipped with the package → `meta.team_codes`, `meta.team_names`,
`meta.player_aliases`, `meta.arena_seed` and the view `meta.known_team_codes`.

Grain: team_codes one row per team code (30 NBA teams plus guest/All-Star codes seen in the sources);
team_names one row per spelling; player_aliases one row per curated alias; arena_seed one row per arena
site per tenancy (coordinates for kennethday8 arenas come from `raw.static_arenas` at conform time).
"""

from __future__ import annotations

from nbaprops.seeds import seed_path
from nbaprops.warehouse import Warehouse

SEEDS = {
    "meta.team_codes": ("team_codes.csv", "team_abbr"),
    "meta.team_names": ("team_names.csv", "name"),
    "meta.player_aliases": ("player_aliases.csv", "alias_lookup"),
    "meta.arena_seed": ("arenas.csv", "arena_key"),
}
TYPES = {
    "nba_team_id": "bigint",
    "is_nba": "boolean",
    "utc_offset_std": "double",
    "player_id": "bigint",
    "lat": "double",
    "lon": "double",
    "valid_from_season": "integer",
    "valid_to_season": "integer",
    "valid_from": "date",
    "valid_to": "date",
}


def load_reference_seeds(wh: Warehouse) -> None:
    """(Re)create the curated meta tables from the package's seed CSVs."""
    for table, (file_name, order) in SEEDS.items():
        path = seed_path(file_name)
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        select = ", ".join(f'cast(nullif("{c}", \'\') as {TYPES.get(c, "varchar")}) as "{c}"' for c in header)
        wh.execute(
            f"create or replace table {table} as select {select} from read_csv(?, all_varchar = true, "
            f"header = true, quote = '\"', escape = '\"') order by \"{order}\"",
            [str(path)],
        )
    wh.execute(
        "create or replace view meta.known_team_codes as "
        "select team_abbr as code from meta.team_codes union "
        "select bref_code from meta.team_codes where bref_code is not null"
    )
