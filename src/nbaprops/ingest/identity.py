"""Player identity (SPEC §3.7): registry, unresolved identities and the prop player map.

Tables: `meta.player_registry`, `meta.unresolved_identities`, `meta.prop_player_map`.

A Phase 2 conform step, set-based in SQL. Python only normalises the *distinct* names of every
source with `player_lookup` (SPEC §2.2); the result is registered as a small Arrow table.

Registry (one row per NBA.com `player_id`, unique `bref_player_slug`):
  1. NBA.com ids and names come from the league player logs, the partial 2025-26 logs and the shot
     charts. `player_name` is the latest name seen; first/last game dates span NBA.com appearances
     and the bref played rows of the player's slug.
  2. A bref played row (box `status` NULL) is matched to the NBA.com box rows of the same
     (date, team) by name: its lookup equals one of the player's NBA.com lookups or a curated alias
     (`meta.player_aliases`, honouring valid_from/valid_to). Rows without a name match fall back to
     (date, team, PTS, FGA, FTA, TRB), accepted only when it is unique on both sides among the rows
     of that team-game that the name pass left unmatched.
  3. A slug resolves when all of its row matches agree on one id (several ids → `conflict`; a row
     whose name matches two ids of one team-game → `ambiguous`). A slug is one player across games,
     so its DNP, inactive and playoff rows (the NBA.com league log is regular season only) resolve
     through the same slug. A slug with no row match at all (DNP/inactive/playoff-only) falls back
     to its lookup: the unique NBA.com player with that lookup on the same team in the same season,
     else the unique one league-wide.
  4. One id claimed by two slugs is a `conflict` for both; neither enters the registry.

Unresolved identities (never dropped; one row per source row):
  * `bref_player_box` / `bref_inactives`: every row whose slug does not resolve.
  * `nbacom_player_game_logs`, reason `reconcile_missing_in_bref`: an NBA.com row of a team-game
    that bref covers, whose player has no bref row (any status) in that team-game (SPEC §3.4).
  * `oddsapi_player_points_props` / `oddsapi_player_threes_props`: every prop row whose player does
    not resolve.

Prop resolution, `meta.prop_player_map`. Grain: one row per (`source_table`, `player`, `game_date`,
`home_team_abbr`, `away_team_abbr`), i.e. per distinct raw name per game, for every game the props
quote (resolved or not; `player_id` NULL when unresolved). Phase 3 joins raw prop rows on exactly
these five columns; `game_id` is left to the schedule join because the game is named by its two
teams and the ET date. Resolution: name → lookup → NBA.com lookups and aliases give league-wide
candidates. A candidate is kept when its team on the nearest NBA.com row before or after the game
date (logs, partial logs, shots; same season only, so a player traded between two rows counts for
both teams) is one of the game's two teams. When no candidate has any NBA.com row in the game's
season (team unknown, e.g. a 2025-26 player absent from the partial logs), a unique league-wide
lookup match is accepted. `match_method` says which rule fired: `team`, `lookup_unique`,
`ambiguous` or `no_match`.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa

from nbaprops.ingest.player_lookup import player_lookup
from nbaprops.warehouse import Warehouse

__all__ = ["BREF_SOURCES", "PROP_TABLES", "build_identity_step"]

PROP_TABLES = ("oddsapi_player_points_props", "oddsapi_player_threes_props")
BREF_SOURCES = ("bref_player_box", "bref_inactives")
RECONCILE_SOURCE = "nbacom_player_game_logs"
_OWNED_SOURCES = (*BREF_SOURCES, *PROP_TABLES, RECONCILE_SOURCE)

# Empty typed stand-ins for raw tables a partial load did not create.
_EMPTY = {
    "raw.nbacom_player_game_logs": (
        "select null::bigint player_id, null::varchar player_name, null::date game_date, "
        "null::varchar team_abbreviation, null::int pts, null::int fga, null::int fta, "
        "null::int reb, null::varchar staged_file, null::bigint staged_line where false"
    ),
    "raw.nbacom_player_game_logs_partial": (
        "select null::bigint player_id, null::varchar player, null::date game_date, "
        "null::varchar team_abbreviation, null::int pts, null::int fga, null::int fta, "
        "null::int reb where false"
    ),
    "raw.nbacom_shots": (
        "select null::bigint player_id, null::varchar player_name, null::date game_date, "
        "null::bigint team_id where false"
    ),
    "raw.bref_player_box": (
        "select null::varchar bref_player_slug, null::varchar player, null::date game_date, "
        "null::varchar team_abbr, null::varchar status, null::double mp, null::int pts, "
        "null::int fga, null::int fta, null::int trb, null::varchar staged_file, "
        "null::bigint staged_line where false"
    ),
    "raw.bref_inactives": (
        "select null::varchar bref_player_slug, null::varchar player, null::date game_date, "
        "null::varchar team_abbr, null::varchar staged_file, null::bigint staged_line where false"
    ),
    "raw.oddsapi_player_points_props": (
        "select null::varchar player, null::varchar home_team_abbr, null::varchar away_team_abbr, "
        "null::date game_date, null::varchar staged_file, null::bigint staged_line where false"
    ),
    "meta.player_aliases": (
        "select null::varchar alias_lookup, null::bigint player_id, null::varchar source, "
        "null::date valid_from, null::date valid_to where false"
    ),
    "meta.team_codes": (
        "select null::varchar team_abbr, null::bigint nba_team_id, null::boolean is_nba where false"
    ),
}
_EMPTY["raw.oddsapi_player_threes_props"] = _EMPTY["raw.oddsapi_player_points_props"]

_DDL = {
    "meta.player_registry": (
        "player_id bigint, player_name varchar, player_lookup varchar, bref_player_slug varchar, "
        "first_game_date date, last_game_date date"
    ),
    "meta.unresolved_identities": (
        "source varchar, staged_file varchar, staged_line bigint, raw_name varchar, "
        "player_lookup varchar, team_abbr varchar, game_date date, candidate_player_ids bigint[], "
        "reason varchar"
    ),
    "meta.prop_player_map": (
        "source_table varchar, player varchar, home_team_abbr varchar, away_team_abbr varchar, "
        "game_date date, player_lookup varchar, player_id bigint, match_method varchar"
    ),
}


def _season(col: str) -> str:
    """SQL for the season start year of a date column (SPEC §2.3: seasons start from August)."""
    return f"(case when month({col}) >= 8 then year({col}) else year({col}) - 1 end)"


def _src(wh: Warehouse, table: str) -> str:
    """`table` if it exists, else an empty typed subquery with the columns this step reads."""
    return table if wh.table_exists(table) else f"({_EMPTY[table]})"


def _register_lookups(wh: Warehouse, sources: dict[str, str]) -> None:
    """Compute `player_lookup` once per distinct name and expose it as `_id_names(name, lookup)`."""
    parts = [
        f"select player_name as name from {sources['logs']}",
        f"select player as name from {sources['partial']}",
        f"select player_name as name from {sources['shots']}",
        f"select player as name from {sources['box']}",
        f"select player as name from {sources['inactives']}",
        f"select player as name from {sources['points']}",
        f"select player as name from {sources['threes']}",
    ]
    union = " union ".join(parts)
    names = [r[0] for r in wh.rows(f"select distinct name from ({union}) where name is not null")]
    lookups = [player_lookup(n) for n in names]
    table = pa.table({"name": pa.array(names, pa.string()), "lookup": pa.array(lookups, pa.string())})
    wh.register("_id_names_arrow", table)
    wh.execute("create or replace temp table _id_names as select * from _id_names_arrow")
    wh.unregister("_id_names_arrow")


def _build_nbacom(wh: Warehouse, s: dict[str, str]) -> None:
    """NBA.com player-games (`_id_nba`, with box stats where known) and the name keys `_id_keys`."""
    wh.execute(
        f"""
        create or replace temp table _id_nba as
        select player_id::bigint as player_id, player_name as name, game_date,
               team_abbreviation as team_abbr, pts, fga, fta, reb, 'logs' as src
        from {s["logs"]}
        union all
        select player_id::bigint, player, game_date, team_abbreviation, pts, fga, fta, reb,
               'partial'
        from {s["partial"]}
        union all
        select distinct sh.player_id::bigint, sh.player_name, sh.game_date, t.team_abbr,
               null::int, null::int, null::int, null::int, 'shots'
        from {s["shots"]} sh
        join (select nba_team_id, min(team_abbr) as team_abbr from {s["teams"]}
              where is_nba and nba_team_id is not null group by 1) t
          on t.nba_team_id = sh.team_id
        """
    )
    # Box rows a bref row can match: one per (player, date, team); logs win over the partial file.
    wh.execute(
        """
        create or replace temp table _id_nba_box as
        select player_id, game_date, team_abbr,
               arg_min(pts, src) as pts, arg_min(fga, src) as fga, arg_min(fta, src) as fta,
               arg_min(reb, src) as reb
        from _id_nba where src <> 'shots' and player_id is not null
        group by all
        """
    )
    # One team per (player, date) for the nearest-date team lookups; box sources win over shots.
    wh.execute(
        """
        create or replace temp table _id_pteam as
        select player_id, game_date, arg_min(team_abbr, src) as team_abbr
        from _id_nba where player_id is not null and team_abbr is not null
        group by all
        """
    )
    wh.execute(
        f"""
        create or replace temp table _id_keys as
        select distinct g.player_id, n.lookup, null::date as valid_from, null::date as valid_to
        from (select distinct player_id, name from _id_nba where player_id is not null) g
        join _id_names n on n.name = g.name
        union all
        select player_id::bigint, alias_lookup, valid_from, valid_to
        from {s["aliases"]} where alias_lookup is not null and player_id is not null
        """
    )


def _match_bref(wh: Warehouse, s: dict[str, str]) -> None:
    """Row matches of bref played rows, then one verdict per slug in `_id_slug`."""
    wh.execute(
        f"""
        create or replace temp table _id_bref_played as
        select b.staged_file, b.staged_line, b.bref_player_slug as slug, b.player, n.lookup,
               b.game_date, b.team_abbr, b.mp, b.pts, b.fga, b.fta, b.trb
        from {s["box"]} b left join _id_names n on n.name = b.player
        where b.status is null
        """
    )
    wh.execute(
        """
        create or replace temp table _id_name_match as
        select p.staged_file, p.staged_line, list(distinct g.player_id order by g.player_id) as ids
        from _id_bref_played p
        join _id_nba_box g on g.game_date = p.game_date and g.team_abbr = p.team_abbr
        join _id_keys k on k.player_id = g.player_id and k.lookup = p.lookup
             and (k.valid_from is null or p.game_date >= k.valid_from)
             and (k.valid_to is null or p.game_date <= k.valid_to)
        group by all
        """
    )
    # Stat fallback among the rows the name pass left over, unique on both sides.
    wh.execute(
        """
        create or replace temp table _id_stat_match as
        with left_bref as (
            select p.* from _id_bref_played p
            anti join _id_name_match m
              on m.staged_file = p.staged_file and m.staged_line = p.staged_line
        ),
        claimed as (
            select distinct p.game_date, p.team_abbr, m.ids[1] as player_id
            from _id_name_match m
            join _id_bref_played p
              on p.staged_file = m.staged_file and p.staged_line = m.staged_line
            where len(m.ids) = 1
        ),
        left_nba as (
            select g.* from _id_nba_box g
            anti join claimed c on c.game_date = g.game_date and c.team_abbr = g.team_abbr
                 and c.player_id = g.player_id
        ),
        pairs as (
            select b.staged_file, b.staged_line, g.player_id, g.game_date, g.team_abbr
            from left_bref b
            join left_nba g on g.game_date = b.game_date and g.team_abbr = b.team_abbr
                 and g.pts = b.pts and g.fga = b.fga and g.fta = b.fta and g.reb = b.trb
        )
        select staged_file, staged_line, player_id from pairs
        qualify count(*) over (partition by staged_file, staged_line) = 1
            and count(*) over (partition by game_date, team_abbr, player_id) = 1
        """
    )
    wh.execute(
        """
        create or replace temp table _id_row_match as
        select staged_file, staged_line, ids[1] as player_id, 'name' as method
        from _id_name_match where len(ids) = 1
        union all
        select staged_file, staged_line, player_id, 'stats' from _id_stat_match
        """
    )
    # Per slug: the ids its rows agree (or disagree) on.
    wh.execute(
        """
        create or replace temp table _id_slug_matches as
        select p.slug,
               list(distinct r.player_id order by r.player_id)
                   filter (where r.player_id is not null) as ids,
               list(distinct a.id order by a.id) filter (where a.id is not null) as amb_ids
        from _id_bref_played p
        left join _id_row_match r on r.staged_file = p.staged_file and r.staged_line = p.staged_line
        left join (
            select staged_file, staged_line, unnest(ids) as id
            from _id_name_match where len(ids) > 1
        ) a on a.staged_file = p.staged_file and a.staged_line = p.staged_line
        group by p.slug
        """
    )
    # Lookup fallback for slugs with no row match (DNP/inactive/playoff-only, or name and stats both
    # disagree): same team in the same season first, else unique league-wide.
    wh.execute(
        f"""
        create or replace temp table _id_slug_rows as
        select bref_player_slug as slug, player, game_date, team_abbr from {s["box"]}
        union all
        select bref_player_slug, player, game_date, team_abbr from {s["inactives"]}
        """
    )
    wh.execute(
        f"""
        create or replace temp table _id_slug_fallback as
        with slug_keys as (
            select distinct r.slug, n.lookup, r.team_abbr,
                   {_season("r.game_date")} as season, r.game_date
            from _id_slug_rows r join _id_names n on n.name = r.player
        ),
        cands as (
            select distinct sk.slug, k.player_id
            from slug_keys sk join _id_keys k on k.lookup = sk.lookup
                 and (k.valid_from is null or sk.game_date >= k.valid_from)
                 and (k.valid_to is null or sk.game_date <= k.valid_to)
        ),
        nba_team_seasons as (
            select distinct player_id, team_abbr,
                   {_season("game_date")} as season
            from _id_nba
        ),
        team_cands as (
            select distinct c.slug, c.player_id
            from cands c
            join slug_keys sk on sk.slug = c.slug
            join nba_team_seasons t on t.player_id = c.player_id and t.team_abbr = sk.team_abbr
                 and t.season = sk.season
        )
        select c.slug,
               list(distinct c.player_id order by c.player_id) as all_ids,
               list(distinct t.player_id order by t.player_id)
                   filter (where t.player_id is not null) as team_ids
        from cands c left join team_cands t on t.slug = c.slug and t.player_id = c.player_id
        group by c.slug
        """
    )
    wh.execute(
        """
        create or replace temp table _id_slug_pre as
        with slugs as (select distinct slug from _id_slug_rows where slug is not null)
        select s.slug,
               case when len(m.ids) = 1 then m.ids[1]
                    when coalesce(len(m.ids), 0) = 0 and coalesce(len(m.amb_ids), 0) = 0
                         and len(f.team_ids) = 1 then f.team_ids[1]
                    when coalesce(len(m.ids), 0) = 0 and coalesce(len(m.amb_ids), 0) = 0
                         and coalesce(len(f.team_ids), 0) = 0 and len(f.all_ids) = 1
                         then f.all_ids[1]
               end as player_id,
               case when len(m.ids) = 1 then 'row_match'
                    when len(m.ids) > 1 then 'conflict'
                    when len(m.amb_ids) > 0 then 'ambiguous'
                    when len(f.team_ids) = 1 then 'lookup_team_season'
                    when len(f.team_ids) > 1 then 'ambiguous'
                    when len(f.all_ids) = 1 then 'lookup_unique'
                    when len(f.all_ids) > 1 then 'ambiguous'
                    else 'no_match'
               end as verdict,
               coalesce(
                   case when len(m.ids) > 0 then m.ids end,
                   case when len(m.amb_ids) > 0 then m.amb_ids end,
                   case when len(f.team_ids) > 0 then f.team_ids end,
                   f.all_ids
               ) as candidates
        from slugs s
        left join _id_slug_matches m on m.slug = s.slug
        left join _id_slug_fallback f on f.slug = s.slug
        """
    )
    # One id claimed by two slugs: both are conflicts.
    wh.execute(
        """
        create or replace temp table _id_slug as
        select slug,
               case when n_slugs > 1 then null else player_id end as player_id,
               case when n_slugs > 1 then 'conflict' else verdict end as verdict,
               candidates
        from (
            select *, count(player_id) over (partition by player_id) as n_slugs
            from _id_slug_pre
        )
        """
    )


def _write_registry(wh: Warehouse) -> None:
    wh.execute(
        """
        create or replace temp table _id_registry as
        with players as (
            -- latest name; on a tie (two sources, one date) the greatest, so that reruns agree
            select player_id, arg_max(name, struct_pack(d := game_date, n := name)) as player_name,
                   min(game_date) as first_date, max(game_date) as last_date
            from _id_nba where player_id is not null group by player_id
        ),
        slug_dates as (
            select s.player_id, s.slug,
                   min(p.game_date) as first_date, max(p.game_date) as last_date
            from _id_slug s join _id_bref_played p on p.slug = s.slug
            where s.player_id is not null group by all
        ),
        slug_only as (
            select s.player_id, s.slug from _id_slug s where s.player_id is not null
        )
        select p.player_id, p.player_name, n.lookup as player_lookup, so.slug as bref_player_slug,
               least(p.first_date, sd.first_date) as first_game_date,
               greatest(p.last_date, sd.last_date) as last_game_date
        from players p
        left join _id_names n on n.name = p.player_name
        left join slug_only so on so.player_id = p.player_id
        left join slug_dates sd on sd.player_id = p.player_id
        order by p.player_id
        """
    )
    wh.execute(f"create table if not exists meta.player_registry ({_DDL['meta.player_registry']})")
    wh.execute("delete from meta.player_registry")
    wh.execute("insert into meta.player_registry select * from _id_registry")


def _resolve_props(wh: Warehouse, s: dict[str, str]) -> None:
    """One verdict per (source_table, player, game) in `_id_prop_map`."""
    wh.execute(
        f"""
        create or replace temp table _id_prop_keys as
        select distinct '{PROP_TABLES[0]}' as source_table, player, home_team_abbr, away_team_abbr,
               game_date
        from {s["points"]}
        union
        select distinct '{PROP_TABLES[1]}', player, home_team_abbr, away_team_abbr, game_date
        from {s["threes"]}
        """
    )
    wh.execute(
        f"""
        create or replace temp table _id_prop_map as
        with keyed as (
            select pk.*, n.lookup from _id_prop_keys pk left join _id_names n on n.name = pk.player
        ),
        cands as (
            select distinct k.source_table, k.player, k.home_team_abbr, k.away_team_abbr,
                   k.game_date, c.player_id
            from keyed k join _id_keys c on c.lookup = k.lookup
                 and (c.valid_from is null or k.game_date >= c.valid_from)
                 and (c.valid_to is null or k.game_date <= c.valid_to)
        ),
        neighbours as (
            select c.*, a.team_abbr as prev_team, a.game_date as prev_date,
                   b.team_abbr as next_team, b.game_date as next_date
            from cands c
            asof left join _id_pteam a on a.player_id = c.player_id and a.game_date <= c.game_date
            asof left join _id_pteam b on b.player_id = c.player_id and b.game_date >= c.game_date
        ),
        judged as (
            select *,
                   coalesce(prev_in_season and prev_team in (home_team_abbr, away_team_abbr), false)
                     or coalesce(next_in_season and next_team in (home_team_abbr, away_team_abbr),
                                 false) as on_team,
                   coalesce(prev_in_season, false) or coalesce(next_in_season, false)
                       as has_team_info
            from (
                select *, {_season("prev_date")} = {_season("game_date")} as prev_in_season,
                       {_season("next_date")} = {_season("game_date")} as next_in_season
                from neighbours
            )
        ),
        agg as (
            select source_table, player, home_team_abbr, away_team_abbr, game_date,
                   list(distinct player_id order by player_id) as all_ids,
                   list(distinct player_id order by player_id) filter (where on_team) as team_ids,
                   count(*) filter (where coalesce(has_team_info, false)) as n_info
            from judged group by all
        )
        select k.source_table, k.player, k.home_team_abbr, k.away_team_abbr, k.game_date, k.lookup,
               case when len(a.team_ids) = 1 then a.team_ids[1]
                    when coalesce(len(a.team_ids), 0) = 0 and a.n_info = 0 and len(a.all_ids) = 1
                         then a.all_ids[1]
               end as player_id,
               case when len(a.team_ids) = 1 then 'team'
                    when len(a.team_ids) > 1 then 'ambiguous'
                    when a.n_info = 0 and len(a.all_ids) = 1 then 'lookup_unique'
                    when a.n_info = 0 and len(a.all_ids) > 1 then 'ambiguous'
                    else 'no_match'
               end as match_method,
               coalesce(case when len(a.team_ids) > 0 then a.team_ids end, a.all_ids) as candidates
        from keyed k
        left join agg a using (source_table, player, home_team_abbr, away_team_abbr, game_date)
        """
    )
    wh.execute(f"create table if not exists meta.prop_player_map ({_DDL['meta.prop_player_map']})")
    wh.execute("delete from meta.prop_player_map")
    wh.execute(
        """
        insert into meta.prop_player_map
        select source_table, player, home_team_abbr, away_team_abbr, game_date, lookup, player_id,
               match_method
        from _id_prop_map
        order by source_table, game_date, home_team_abbr, player
        """
    )


def _write_unresolved(wh: Warehouse, s: dict[str, str]) -> None:
    ddl = _DDL["meta.unresolved_identities"]
    wh.execute(f"create table if not exists meta.unresolved_identities ({ddl})")
    owned = ", ".join(f"'{x}'" for x in _OWNED_SOURCES)
    wh.execute(f"delete from meta.unresolved_identities where source in ({owned})")
    bref_reason = "case when s.verdict in ('conflict', 'ambiguous') then s.verdict else 'no_match' end"
    for source, table in (("bref_player_box", s["box"]), ("bref_inactives", s["inactives"])):
        wh.execute(
            f"""
            insert into meta.unresolved_identities
            select '{source}', b.staged_file, b.staged_line, b.player, n.lookup, b.team_abbr,
                   b.game_date, s.candidates, {bref_reason}
            from {table} b
            left join _id_names n on n.name = b.player
            left join _id_slug s on s.slug = b.bref_player_slug
            where s.player_id is null
            order by b.staged_file, b.staged_line
            """
        )
    wh.execute(
        f"""
        insert into meta.unresolved_identities
        with covered as (select distinct game_date, team_abbr from {s["box"]}),
        mapped as (
            select distinct b.game_date, b.team_abbr, s.player_id
            from {s["box"]} b join _id_slug s on s.slug = b.bref_player_slug
            where s.player_id is not null
        )
        select '{RECONCILE_SOURCE}', l.staged_file, l.staged_line, l.player_name, n.lookup,
               l.team_abbreviation, l.game_date, [l.player_id::bigint], 'reconcile_missing_in_bref'
        from {s["logs"]} l
        join covered c on c.game_date = l.game_date and c.team_abbr = l.team_abbreviation
        left join _id_names n on n.name = l.player_name
        anti join mapped m on m.game_date = l.game_date and m.team_abbr = l.team_abbreviation
             and m.player_id = l.player_id
        order by l.staged_file, l.staged_line
        """
    )
    for source in PROP_TABLES:
        table = s["points"] if source == PROP_TABLES[0] else s["threes"]
        wh.execute(
            f"""
            insert into meta.unresolved_identities
            select '{source}', r.staged_file, r.staged_line, r.player, m.lookup, null,
                   r.game_date, m.candidates,
                   case when m.match_method = 'ambiguous' then 'ambiguous' else 'no_match' end
            from {table} r
            join _id_prop_map m on m.source_table = '{source}' and m.player = r.player
                 and m.home_team_abbr = r.home_team_abbr and m.away_team_abbr = r.away_team_abbr
                 and m.game_date = r.game_date
            where m.player_id is null
            order by r.staged_file, r.staged_line
            """
        )


def _figures(wh: Warehouse, seconds: float) -> dict[str, Any]:
    played, resolved = wh.rows(
        """
        select count(*), count(*) filter (where s.player_id is not null)
        from _id_bref_played p left join _id_slug s on s.slug = p.slug
        where p.mp > 0
        """
    )[0]
    notes: list[str] = []
    for source, reason, n in wh.rows(
        "select source, reason, count(*) from meta.unresolved_identities group by all order by source, reason"
    ):
        notes.append(f"identity: unresolved {source} ({reason}): {n} rows")
    for source, names in wh.rows(
        """
        select source, list(raw_name order by raw_name)[1:8]
        from (select distinct source, raw_name from meta.unresolved_identities
              where reason <> 'reconcile_missing_in_bref')
        group by source order by source
        """
    ):
        notes.append(f"identity: unresolved {source} names (first): {', '.join(str(x) for x in names)}")
    for slug, ids in wh.rows(
        "select slug, candidates from _id_slug where verdict = 'conflict' order by slug limit 10"
    ):
        notes.append(f"identity: conflicting bref slug {slug}: candidate ids {ids}")
    notes.append(f"identity: built in {seconds:.2f}s")
    return {
        "identity": {
            "player_games": int(played),
            "resolved": int(resolved),
            "unresolved": int(played) - int(resolved),
        },
        "notes": notes,
    }


def build_identity_step(wh: Warehouse, run_id: str) -> dict[str, Any]:
    """Conform step: build the registry, the prop player map and the unresolved list (SPEC §3.7)."""
    del run_id  # the tables are rebuilt whole; lineage stays in the raw rows they point to
    started = time.perf_counter()
    s = {
        "logs": _src(wh, "raw.nbacom_player_game_logs"),
        "partial": _src(wh, "raw.nbacom_player_game_logs_partial"),
        "shots": _src(wh, "raw.nbacom_shots"),
        "box": _src(wh, "raw.bref_player_box"),
        "inactives": _src(wh, "raw.bref_inactives"),
        "points": _src(wh, "raw.oddsapi_player_points_props"),
        "threes": _src(wh, "raw.oddsapi_player_threes_props"),
        "aliases": _src(wh, "meta.player_aliases"),
        "teams": _src(wh, "meta.team_codes"),
    }
    with wh.transaction():
        _register_lookups(wh, s)
        _build_nbacom(wh, s)
        _match_bref(wh, s)
        _write_registry(wh)
        _resolve_props(wh, s)
        _write_unresolved(wh, s)
    figures = _figures(wh, time.perf_counter() - started)
    for (name,) in wh.rows(
        "select table_name from duckdb_tables() where temporary and table_name like '\\_id\\_%' escape '\\'"
    ):
        wh.execute(f'drop table if exists temp."{name}"')
    return figures
