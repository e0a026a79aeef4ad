"""Arena sites (`meta.arena_locations`, SPEC §3.9) and the per-game arena resolution used by the schedule.

Grain: `meta.arena_locations` has one row per arena site per tenancy (a site shared by two teams, or a
team that left and came back, has several rows with the same `arena_key`, aliases and coordinates).
`meta.arena_names` has one row per known spelling (`name_lookup` = lower-cased, trimmed name) → `arena_key`.

Sources:
* `meta.arena_seed` (package seed `arenas.csv`): `source=kennethday8` rows take city and coordinates from
  `raw.static_arenas` (matched by name, case-insensitively, on the key or an alias); `source=curated` rows
  carry their own.
* `raw.static_arenas` rows whose name the seed does not know (the synthetic league's invented arenas) are
  added as sites of their own: the tenant is the team whose basketball-reference code is `Tm`, and the time
  zone comes from `meta.team_codes`. Such a team's seed tenancies are dropped, so every team still has
  exactly one home arena per season.
* Seed sites left without coordinates (no static row) are skipped and reported: every row has coordinates.

Game resolution order (SPEC §3.9): bref `arena_name` → fixture `Location` → the curated neutral-site list
(`NEUTRAL_SITES`) → the home team's arena for the season. Names that do not resolve are reported and the
next rule is tried. `is_neutral_site` = the resolved site is not the home team's home arena that season.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nbaprops.warehouse import Warehouse

#: Curated neutral sites for games without an arena name: (first date, last date, arena_key, games).
#: `games` is `all` (every game in the range) or `neutral` (only games a source marks as neutral-site,
#: or Cup finals). The 2019-20 restart was played at one site; Cup semifinals and finals in Las Vegas.
NEUTRAL_SITES: tuple[tuple[date, date, str, str], ...] = (
    (date(2020, 7, 30), date(2020, 10, 11), "HP Field House", "all"),
    (date(2023, 12, 7), date(2023, 12, 9), "T-Mobile Arena", "neutral"),
    (date(2024, 12, 14), date(2024, 12, 17), "T-Mobile Arena", "neutral"),
    (date(2025, 12, 13), date(2025, 12, 16), "T-Mobile Arena", "neutral"),
)

ARENA_COLUMNS = (
    "arena_key",
    "aliases",
    "city",
    "lat",
    "lon",
    "tz",
    "utc_offset_std",
    "team_abbr",
    "valid_from_season",
    "valid_to_season",
)


def _static_relation(wh: Warehouse) -> str:
    if wh.table_exists("raw.static_arenas"):
        return "(select arena, city, lat, lon, tm from raw.static_arenas where arena is not null)"
    return (
        "(select null::varchar as arena, null::varchar as city, null::double as lat, "
        "null::double as lon, null::varchar as tm where false)"
    )


def build_arena_locations(wh: Warehouse) -> dict[str, Any]:
    """(Re)build `meta.arena_locations` and `meta.arena_names`; returns figures for the ingest report."""
    static = _static_relation(wh)
    wh.execute(
        f"""
        create or replace temp table _ar_seed_names as
        select distinct arena_key, lower(trim(n)) as name_lookup
        from (
            select arena_key, arena_key as n from meta.arena_seed
            union all
            select arena_key, unnest(string_split(aliases, '|')) from meta.arena_seed
            where aliases is not null
        ) where n is not null and trim(n) <> '';

        create or replace temp table _ar_static as
        select s.arena, any_value(s.city) as city, any_value(s.lat) as lat, any_value(s.lon) as lon,
               any_value(n.arena_key) as seed_key,
               list(distinct coalesce(tc.team_abbr, tc2.team_abbr)) filter (
                   where coalesce(tc.team_abbr, tc2.team_abbr) is not null) as teams,
               any_value(coalesce(tc.tz, tc2.tz)) as tz,
               any_value(coalesce(tc.utc_offset_std, tc2.utc_offset_std)) as utc_offset_std
        from {static} s
        left join _ar_seed_names n on n.name_lookup = lower(trim(s.arena))
        left join meta.team_codes tc on tc.is_nba and tc.bref_code = s.tm
        left join meta.team_codes tc2 on tc2.is_nba and tc2.team_abbr = s.tm and tc.team_abbr is null
        where s.lat is not null and s.lon is not null
        group by s.arena;

        create or replace temp table _ar_extra as
        select arena as arena_key, city, lat, lon, tz, utc_offset_std, unnest(
            case when len(teams) = 0 then [null::varchar] else teams end) as team_abbr
        from _ar_static where seed_key is null;

        create or replace temp table _ar_seed as
        select s.arena_key, s.aliases,
               case when s.source = 'kennethday8' then st.city else coalesce(s.city, st.city) end as city,
               case when s.source = 'kennethday8' then st.lat else coalesce(s.lat, st.lat) end as lat,
               case when s.source = 'kennethday8' then st.lon else coalesce(s.lon, st.lon) end as lon,
               s.tz, s.utc_offset_std,
               case when s.team_abbr in (select team_abbr from _ar_extra where team_abbr is not null)
                    then null else s.team_abbr end as team_abbr,
               s.team_abbr in (select team_abbr from _ar_extra where team_abbr is not null) as displaced,
               s.valid_from_season, s.valid_to_season
        from meta.arena_seed s
        left join (select seed_key, any_value(city) as city, any_value(lat) as lat,
                          any_value(lon) as lon
                   from _ar_static where seed_key is not null group by seed_key) st
          on st.seed_key = s.arena_key;
        """
    )
    missing = [
        r[0]
        for r in wh.rows(
            "select distinct arena_key from _ar_seed where lat is null or lon is null order by 1"
        )
    ]
    wh.execute(
        """
        create or replace table meta.arena_locations as
        select arena_key, aliases, city, lat, lon, tz, utc_offset_std, team_abbr,
               valid_from_season, valid_to_season
        from (
            -- a displaced tenancy survives only as a neutral row when its site has no other row
            select * exclude (displaced) from _ar_seed
            where lat is not null and lon is not null
              and not (displaced and arena_key in (
                  select arena_key from _ar_seed where not displaced))
            qualify not displaced or row_number() over (partition by arena_key) = 1
            union all
            select arena_key, null, city, lat, lon, tz, utc_offset_std, team_abbr, null, null
            from _ar_extra
        )
        order by arena_key, team_abbr, valid_from_season;

        create or replace table meta.arena_names as
        select distinct name_lookup, arena_key from (
            select name_lookup, arena_key from _ar_seed_names
            union all
            select lower(trim(arena_key)), arena_key from _ar_extra
        ) where arena_key in (select arena_key from meta.arena_locations)
        order by name_lookup;
        """
    )
    figures = {
        "arena_sites": int(wh.scalar("select count(distinct arena_key) from meta.arena_locations")),
        "arena_rows": wh.count("meta.arena_locations"),
        "static_only_sites": int(wh.scalar("select count(distinct arena_key) from _ar_extra")),
        "seed_sites_without_coordinates": len(missing),
        "seed_sites_skipped": missing,
    }
    for tmp in ("_ar_seed_names", "_ar_static", "_ar_extra", "_ar_seed"):
        wh.execute(f"drop table if exists {tmp}")
    # (the schedule step reports skipped sites in its notes: the ingest report keeps one notes list)
    return {"arenas": figures}


def build_arenas_step(wh: Warehouse, run_id: str) -> dict[str, Any]:
    """Conform step: `meta.arena_locations` (run before the schedule)."""
    del run_id
    return build_arena_locations(wh)


def neutral_site_sql() -> str:
    """The curated neutral-site list as a SQL relation (date_from, date_to, arena_key, games)."""
    rows = ", ".join(
        f"(date '{lo.isoformat()}', date '{hi.isoformat()}', '{key}', '{games}')"
        for lo, hi, key, games in NEUTRAL_SITES
    )
    return f"(select * from (values {rows}) v(date_from, date_to, arena_key, games))"


def resolve_game_arenas(wh: Warehouse, games: str, out: str) -> dict[str, Any]:
    """Resolve every game of relation `games` to an arena; write temp table `out`.

    `games` needs: game_id, game_date, season_year, home_team_abbr, bref_arena_name, fixture_location,
    neutral_hint (a source marks the game as neutral-site, or it is a Cup final).
    `out` gets: game_id, arena_key, arena_rule (`bref_name`/`fixture_name`/`neutral_list`/`home_arena`
    or NULL when nothing resolves), is_neutral_site. Returns counts by rule plus unknown names.
    """
    if not wh.table_exists("meta.arena_locations"):
        build_arena_locations(wh)
    wh.execute(
        f"""
        create or replace temp table _ar_home as
        select g.game_id, a.arena_key
        from {games} g
        join meta.arena_locations a
          on a.team_abbr = g.home_team_abbr
         and g.season_year between coalesce(a.valid_from_season, -9999)
                               and coalesce(a.valid_to_season, 9999)
        qualify row_number() over (
            partition by g.game_id order by a.valid_from_season desc nulls last, a.arena_key) = 1;

        create or replace temp table {out} as
        with named as (
            select g.game_id, g.bref_arena_name, g.fixture_location,
                   nb.arena_key as bref_key, nf.arena_key as fixture_key,
                   (select any_value(n.arena_key) from {neutral_site_sql()} n
                     where g.game_date between n.date_from and n.date_to
                       and (n.games = 'all' or g.neutral_hint)) as list_key,
                   h.arena_key as home_key
            from {games} g
            left join meta.arena_names nb on nb.name_lookup = lower(trim(g.bref_arena_name))
            left join meta.arena_names nf on nf.name_lookup = lower(trim(g.fixture_location))
            left join _ar_home h on h.game_id = g.game_id
        )
        select game_id,
               coalesce(bref_key, fixture_key, list_key, home_key) as arena_key,
               case when bref_key is not null then 'bref_name'
                    when fixture_key is not null then 'fixture_name'
                    when list_key is not null then 'neutral_list'
                    when home_key is not null then 'home_arena' end as arena_rule,
               coalesce(bref_key, fixture_key, list_key, home_key) is distinct from home_key
                   as is_neutral_site,
               case when bref_arena_name is not null and bref_key is null then bref_arena_name end
                   as unknown_bref_name,
               case when fixture_location is not null and fixture_key is null then fixture_location end
                   as unknown_fixture_name
        from named;
        """
    )
    by_rule = {
        str(r[0]): int(r[1])
        for r in wh.rows(f"select coalesce(arena_rule, 'unresolved'), count(*) from {out} group by 1")
    }
    unknown = [
        (str(r[0]), int(r[1]))
        for r in wh.rows(
            f"""
            select name, count(*) from (
                select unknown_bref_name as name from {out} where unknown_bref_name is not null
                union all
                select unknown_fixture_name from {out} where unknown_fixture_name is not null
            ) group by 1 order by 2 desc, 1
            """
        )
    ]
    wh.execute("drop table if exists _ar_home")
    return {"by_rule": by_rule, "unknown_names": unknown}
