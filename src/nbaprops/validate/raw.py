"""Phase 2 gate (`validate --phase raw`, SPEC §7.2): load audit, schedule, identities.

Grain of the results: one load-audit line per staged file (its latest load), then schedule and identity
lines over the range. Identity thresholds:
  * unresolved played player-games ≤ 0.1% of bref played rows (minutes > 0), the rows the registry
    must map to an NBA.com PLAYER_ID (NBA.com rows carry their id);
  * unresolved prop rows ≤ 5%, POOLED over every prop file: SPEC states the threshold over prop rows,
    unlike the quarantine threshold, which it states per file. The per-file shares are printed in the
    note (the 2025-26 points file alone is at 5.1% because of rookies the logs do not name yet), and
    every unresolved name is listed with `--verbose`.
"""

from __future__ import annotations

from nbaprops.config import NBA_TRICODES
from nbaprops.partitions import DateRange
from nbaprops.validate.results import CheckResult
from nbaprops.warehouse import Warehouse

QUARANTINE_MAX = 0.005
QUARANTINE_MAX_SBR = 0.02
PLAYED_UNRESOLVED_MAX = 0.001
PROPS_UNRESOLVED_MAX = 0.05
PROP_TABLES = ("raw.oddsapi_player_points_props", "raw.oddsapi_player_threes_props")
INGEST_FIX = "nbaprops ingest --source files --path DIR"
ALIAS_FIX = "add the alias to the curated aliases file (seeds/player_aliases.csv), then ingest again"


def load_audit(wh: Warehouse) -> list[CheckResult]:
    """Per staged file (latest load): rows_read = loaded + quarantined, and the quarantine share."""
    if not wh.table_exists("meta.load_audit"):
        return [
            CheckResult(
                "meta.load_audit",
                "load_audit",
                False,
                None,
                None,
                fix=INGEST_FIX,
                note="no load audit: nothing was ingested",
            )
        ]
    rows = wh.rows(
        """
        select staged_file, target_table, rows_read, rows_loaded, rows_quarantined
        from meta.load_audit
        qualify row_number() over (partition by staged_file order by loaded_at desc) = 1
        order by target_table, staged_file
        """
    )
    if not rows:
        return [
            CheckResult(
                "meta.load_audit",
                "load_audit",
                False,
                None,
                None,
                fix=INGEST_FIX,
                note="no staged file was loaded",
            )
        ]
    out = []
    for file, table, read, loaded, quarantined in rows:
        limit = QUARANTINE_MAX_SBR if "sbr" in table else QUARANTINE_MAX
        balanced = read == loaded + quarantined
        share = quarantined / read if read else 0.0
        note = f"{read:,} read = {loaded:,} loaded + {quarantined:,} quarantined"
        if not balanced:
            note = f"UNBALANCED: {read:,} read != {loaded:,} loaded + {quarantined:,} quarantined"
        out.append(
            CheckResult(
                table,
                f"load_audit:{file}",
                balanced and share <= limit,
                share,
                limit,
                fix=f"fix the staged file's bad rows (see meta.quarantine), then: {INGEST_FIX}",
                note=note,
                direction="max",
            )
        )
    return out


def schedule(wh: Warehouse, rng: DateRange) -> list[CheckResult]:
    """Every NBA.com GAME_ID of the 30 teams in the range is a schedule game; every game has an arena fix."""
    if not wh.table_exists("raw.schedule_games"):
        return [
            CheckResult(
                "raw.schedule_games",
                "table_exists",
                False,
                None,
                None,
                fix=INGEST_FIX,
                note="registered table raw.schedule_games does not exist in the warehouse",
            )
        ]
    out = []
    phases = list(rng.season_phases)
    if wh.table_exists("raw.nbacom_schedule_game_ids"):
        ids = wh.rows(
            """
            with reported as (  -- games quarantined by name (SPEC §3.3: no input names the home team)
                select distinct json_extract_string(raw_record, '$.game_id') as game_id
                from meta.quarantine
                where target_table = 'raw.schedule_games' and reason = 'unresolved_game')
            select s.game_id, min(s.game_date),
                   bool_or(g.game_id is not null or s.game_id in (select game_id from reported))
            from raw.nbacom_schedule_game_ids s
            left join raw.schedule_games g on g.game_id = s.game_id
            where s.game_date between ? and ? and s.season_phase in (select unnest(?))
              and s.team_abbreviation in (select unnest(?))
            group by 1 order by 2, 1
            """,
            [rng.start, rng.end, phases, NBA_TRICODES],
        )
        missing = [r for r in ids if not r[2]]
        share = 1 - len(missing) / len(ids) if ids else None
        out.append(
            CheckResult(
                "raw.schedule_games",
                "nbacom_game_ids_present",
                not missing,
                share,
                1.0,
                tuple(sorted({r[1] for r in missing})),
                INGEST_FIX,
                note=f"{len(ids) - len(missing):,}/{len(ids):,} NBA.com game ids (preseason and All-Star "
                "excluded)"
                if ids
                else "no NBA.com game-id list rows in range",
                items=tuple(r[0] for r in missing),
                items_label="game_ids",
            )
        )
    games = wh.rows(
        """
        with sites as (select arena_key, bool_or(lat is not null and lon is not null) as fixed
                       from meta.arena_locations group by 1)
        select g.game_id, g.game_date, coalesce(s.fixed, false)
        from raw.schedule_games g left join sites s using (arena_key)
        where g.game_date between ? and ? and g.season_phase in (select unnest(?))
        order by 2, 1
        """
        if wh.table_exists("meta.arena_locations")
        else "select game_id, game_date, false from raw.schedule_games "
        "where game_date between ? and ? and season_phase in (select unnest(?)) order by 2, 1",
        [rng.start, rng.end, phases],
    )
    unfixed = [r for r in games if not r[2]]
    out.append(
        CheckResult(
            "raw.schedule_games",
            "arena_coordinates",
            not unfixed,
            1 - len(unfixed) / len(games) if games else None,
            1.0,
            tuple(sorted({r[1] for r in unfixed})),
            "add the arena (or its alias) to seeds/arenas.csv, then: " + INGEST_FIX,
            note=f"{len(games) - len(unfixed):,}/{len(games):,} games have arena coordinates in "
            "meta.arena_locations"
            if games
            else "no games in range",
            items=tuple(r[0] for r in unfixed),
            items_label="game_ids",
        )
    )
    return out


def identities(wh: Warehouse, rng: DateRange) -> list[CheckResult]:
    """Unresolved played player-games (≤ 0.1%) and unresolved prop rows (≤ 5%, pooled)."""
    if not wh.table_exists("meta.unresolved_identities"):
        return [
            CheckResult(
                "meta.unresolved_identities",
                "table_exists",
                False,
                None,
                None,
                fix=INGEST_FIX,
                note="identity step never ran",
            )
        ]
    out = []
    if wh.table_exists("raw.bref_player_box"):
        played, unresolved, names = wh.rows(
            """
            with played as (
                select staged_file, staged_line from raw.bref_player_box
                where status is null and mp > 0 and game_date between $start and $end),
            bad as (
                select u.raw_name from meta.unresolved_identities u
                join played p using (staged_file, staged_line)
                where u.source = 'bref_player_box')
            select (select count(*) from played), (select count(*) from bad),
                   (select list(distinct raw_name order by raw_name) from bad)
            """,
            {"start": rng.start, "end": rng.end},
        )[0]
        share = unresolved / played if played else 0.0
        out.append(
            CheckResult(
                "meta.unresolved_identities",
                "identity:played_player_games",
                share <= PLAYED_UNRESOLVED_MAX,
                share,
                PLAYED_UNRESOLVED_MAX,
                fix=ALIAS_FIX,
                note=f"{unresolved:,} of {played:,} bref played player-games unresolved",
                items=tuple(names or ()),
                items_label="players",
                direction="max",
            )
        )
    props = [t for t in PROP_TABLES if wh.table_exists(t)]
    if props:
        union = " union all ".join(
            f"select '{t.split('.')[1]}' as source, staged_file, staged_line from {t} "
            "where game_date between $start and $end"
            for t in props
        )
        per_file = wh.rows(
            f"""
            with p as ({union})
            select p.staged_file, count(*), count(u.staged_line),
                   list(distinct u.raw_name order by u.raw_name) filter (where u.raw_name is not null)
            from p left join meta.unresolved_identities u
              on u.source = p.source and u.staged_file = p.staged_file and u.staged_line = p.staged_line
            group by 1 order by 1
            """,
            {"start": rng.start, "end": rng.end},
        )
        total = sum(r[1] for r in per_file)
        bad = sum(r[2] for r in per_file)
        share = bad / total if total else 0.0
        names = sorted({n for r in per_file for n in (r[3] or [])})
        files = "; ".join(f"{f}: {b / n * 100:.1f}% ({b:,}/{n:,})" for f, n, b, _ in per_file if n)
        out.append(
            CheckResult(
                "meta.unresolved_identities",
                "identity:prop_rows",
                share <= PROPS_UNRESOLVED_MAX,
                share,
                PROPS_UNRESOLVED_MAX,
                fix=ALIAS_FIX,
                note=f"pooled over {len(per_file)} prop files, {bad:,}/{total:,} rows, "
                f"{len(names)} distinct names; per file (informational): {files or 'none'}",
                items=tuple(names),
                items_label="names",
                direction="max",
            )
        )
    return out


def check_raw(wh: Warehouse, rng: DateRange) -> list[CheckResult]:
    return [*load_audit(wh), *schedule(wh, rng), *identities(wh, rng)]
