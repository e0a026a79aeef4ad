"""Player identity (SPEC §3.7): registry, unresolved identities, prop player map.

Small hand-made warehouses check each rule; the real-data tests ingest ``../shared/data`` (or
``$NBAPROPS_DATA``) once per module and are skipped when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nbaprops.ingest.identity import build_identity_step
from nbaprops.warehouse import Warehouse

DATA_DIR = Path(os.environ.get("NBAPROPS_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

# -- tiny hand-made warehouses ---------------------------------------------------------------

_BOX_COLS = (
    "bref_player_slug varchar, player varchar, game_date date, team_abbr varchar, status varchar, "
    "mp double, pts int, fga int, fta int, trb int, staged_file varchar, staged_line bigint"
)
_LOG_COLS = (
    "player_id bigint, player_name varchar, game_date date, team_abbreviation varchar, pts int, "
    "fga int, fta int, reb int, staged_file varchar, staged_line bigint"
)
_PROP_COLS = (
    "player varchar, home_team_abbr varchar, away_team_abbr varchar, game_date date, "
    "staged_file varchar, staged_line bigint"
)

D1, D2, D3 = date(2023, 1, 2), date(2023, 1, 4), date(2023, 5, 1)


def _wh(
    box: list[tuple[Any, ...]],
    logs: list[tuple[Any, ...]],
    props: list[tuple[Any, ...]] | None = None,
    aliases: list[tuple[str, int]] | None = None,
    inactives: list[tuple[Any, ...]] | None = None,
) -> Warehouse:
    """An in-memory warehouse with only the raw tables a test needs (the rest are absent)."""
    wh = Warehouse(":memory:")
    wh.execute(f"create table raw.bref_player_box ({_BOX_COLS})")
    for i, row in enumerate(box):
        wh.execute("insert into raw.bref_player_box values (?,?,?,?,?,?,?,?,?,?,'box',?)", [*row, i])
    wh.execute(f"create table raw.nbacom_player_game_logs ({_LOG_COLS})")
    for i, row in enumerate(logs):
        wh.execute("insert into raw.nbacom_player_game_logs values (?,?,?,?,?,?,?,?,'log',?)", [*row, i])
    if props is not None:
        wh.execute(f"create table raw.oddsapi_player_points_props ({_PROP_COLS})")
        for i, row in enumerate(props):
            wh.execute("insert into raw.oddsapi_player_points_props values (?,?,?,?,'pts',?)", [*row, i])
    if aliases is not None:
        wh.execute(
            "create table meta.player_aliases (alias_lookup varchar, player_id bigint, "
            "source varchar, valid_from date, valid_to date)"
        )
        for alias, pid in aliases:
            wh.execute("insert into meta.player_aliases values (?, ?, 'curated', null, null)", [alias, pid])
    if inactives is not None:
        wh.execute(
            "create table raw.bref_inactives (bref_player_slug varchar, player varchar, "
            "game_date date, team_abbr varchar, staged_file varchar, staged_line bigint)"
        )
        for i, row in enumerate(inactives):
            wh.execute("insert into raw.bref_inactives values (?,?,?,?,'inact',?)", [*row, i])
    return wh


def _registry(wh: Warehouse) -> dict[str, int]:
    return dict(
        wh.rows(
            "select bref_player_slug, player_id from meta.player_registry where bref_player_slug is not null"
        )
    )


def _unresolved(wh: Warehouse) -> list[dict[str, Any]]:
    return wh.dicts("select * from meta.unresolved_identities order by source, staged_line")


def test_name_match_resolves_slug_and_its_dnp_and_playoff_rows() -> None:
    wh = _wh(
        box=[
            ("tatumja01", "Jayson Tatum", D1, "BOS", None, 36.5, 30, 20, 8, 9),
            ("tatumja01", "Jayson Tatum", D2, "BOS", "Did Not Play", None, None, None, None, None),
            ("tatumja01", "Jayson Tatum", D3, "BOS", None, 40.0, 41, 25, 10, 12),  # playoffs
        ],
        logs=[(1628369, "Jayson Tatum", D1, "BOS", 30, 20, 8, 9)],
        inactives=[("tatumja01", "Jayson Tatum", date(2023, 1, 6), "BOS")],
    )
    out = build_identity_step(wh, "t")
    assert _registry(wh) == {"tatumja01": 1628369}
    assert _unresolved(wh) == []
    assert out["identity"] == {"player_games": 2, "resolved": 2, "unresolved": 0}
    first, last = wh.rows("select first_game_date, last_game_date from meta.player_registry")[0]
    assert (first, last) == (D1, D3)


def test_stat_fallback_used_only_when_unique() -> None:
    wh = _wh(
        box=[
            # name mismatch, unique stat line in its team-game → fallback resolves
            ("smithbo01", "Bobby Smith", D1, "NYK", None, 20.0, 11, 9, 2, 4),
            ("jonesjo01", "John Jones", D1, "NYK", None, 25.0, 11, 9, 2, 5),
            # two name-mismatched rows with the same line → neither resolves
            ("aaaaaa01", "Aaa Alpha", D2, "MIA", None, 1.0, 0, 0, 0, 0),
            ("bbbbbb01", "Bbb Beta", D2, "MIA", None, 2.0, 0, 0, 0, 0),
        ],
        logs=[
            (11, "Robert Smith", D1, "NYK", 11, 9, 2, 4),
            (12, "John Jones", D1, "NYK", 11, 9, 2, 5),
            (21, "Alpha A", D2, "MIA", 0, 0, 0, 0),
            (22, "Beta B", D2, "MIA", 0, 0, 0, 0),
        ],
    )
    build_identity_step(wh, "t")
    assert _registry(wh) == {"smithbo01": 11, "jonesjo01": 12}
    rows = _unresolved(wh)
    assert {(r["raw_name"], r["reason"]) for r in rows if r["source"] == "bref_player_box"} == {
        ("Aaa Alpha", "no_match"),
        ("Bbb Beta", "no_match"),
    }


def test_stat_fallback_ignores_nba_rows_already_matched_by_name() -> None:
    # Carl's row has the same line as Dan's NBA.com row, but Dan is claimed by name.
    wh = _wh(
        box=[
            ("dandan01", "Dan Dan", D1, "UTA", None, 10.0, 2, 2, 0, 1),
            ("carlca01", "Carl Nomatch", D1, "UTA", None, 5.0, 2, 2, 0, 1),
        ],
        logs=[(31, "Dan Dan", D1, "UTA", 2, 2, 0, 1)],
    )
    build_identity_step(wh, "t")
    assert _registry(wh) == {"dandan01": 31}
    assert [r["raw_name"] for r in _unresolved(wh)] == ["Carl Nomatch"]


def test_conflicting_slug_is_reported_and_not_registered() -> None:
    wh = _wh(
        box=[
            ("doejo01", "John Doe", D1, "LAL", None, 10.0, 5, 4, 0, 2),
            ("doejo01", "John Doe", D2, "LAC", None, 12.0, 7, 6, 1, 3),
            ("doejo01", "John Doe", D3, "LAC", "Did Not Play", None, None, None, None, None),
        ],
        logs=[
            (41, "John Doe", D1, "LAL", 5, 4, 0, 2),
            (42, "John Doe", D2, "LAC", 7, 6, 1, 3),
        ],
    )
    out = build_identity_step(wh, "t")
    assert _registry(wh) == {}
    assert wh.scalar("select count(*) from meta.player_registry") == 2  # both ids, no slug
    bref = [r for r in _unresolved(wh) if r["source"] == "bref_player_box"]
    assert len(bref) == 3
    assert {r["reason"] for r in bref} == {"conflict"}
    assert all(r["candidate_player_ids"] == [41, 42] for r in bref)
    assert out["identity"] == {"player_games": 2, "resolved": 0, "unresolved": 2}
    assert any("doejo01" in note for note in out["notes"])


def test_two_slugs_claiming_one_id_conflict() -> None:
    wh = _wh(
        box=[
            ("smithja01", "James Smith", D1, "DEN", None, 10.0, 5, 4, 0, 2),
            ("smithja02", "James Smith", D2, "DEN", None, 10.0, 6, 4, 0, 2),
        ],
        logs=[
            (51, "James Smith", D1, "DEN", 5, 4, 0, 2),
            (51, "James Smith", D2, "DEN", 6, 4, 0, 2),
        ],
    )
    build_identity_step(wh, "t")
    assert _registry(wh) == {}
    bref = [r for r in _unresolved(wh) if r["source"] == "bref_player_box"]
    assert [(r["reason"], r["candidate_player_ids"]) for r in bref] == [("conflict", [51])] * 2


def test_alias_and_lookup_fallback_for_dnp_only_slug() -> None:
    wh = _wh(
        box=[
            ("claxtni01", "Nicolas Claxton", D1, "BKN", None, 30.0, 10, 6, 2, 9),
            # never played in an NBA.com-covered game: resolved by a unique lookup on team/season
            ("benchbo01", "Bob Bench", D1, "BKN", "Did Not Play", None, None, None, None, None),
        ],
        logs=[
            (1629651, "Nic Claxton", D1, "BKN", 10, 6, 2, 9),
            (61, "Bob Bench", D2, "BKN", 2, 1, 0, 0),
        ],
        aliases=[("nicolasclaxton", 1629651)],
    )
    build_identity_step(wh, "t")
    assert _registry(wh) == {"claxtni01": 1629651, "benchbo01": 61}
    assert _unresolved(wh) == []


def test_reconcile_missing_in_bref() -> None:
    wh = _wh(
        box=[("aaa01", "A A", D1, "BOS", None, 30.0, 10, 8, 0, 3)],
        logs=[
            (71, "A A", D1, "BOS", 10, 8, 0, 3),
            (72, "Ghost Player", D1, "BOS", 2, 1, 0, 0),  # NBA.com only, bref covers the game
            (73, "Other Team", D1, "CHI", 2, 1, 0, 0),  # bref does not cover CHI that day
        ],
    )
    build_identity_step(wh, "t")
    rows = _unresolved(wh)
    assert [(r["raw_name"], r["reason"], r["candidate_player_ids"]) for r in rows] == [
        ("Ghost Player", "reconcile_missing_in_bref", [72])
    ]


def test_props_resolve_within_the_games_teams() -> None:
    wh = _wh(
        box=[],
        logs=[
            (81, "Chris Johnson", date(2024, 11, 1), "DAL", 1, 1, 0, 0),
            (82, "Chris Johnson", date(2024, 11, 2), "MIA", 1, 1, 0, 0),
            (83, "Marcus Morris Sr.", date(2024, 11, 1), "CLE", 1, 1, 0, 0),
            # traded: WAS before the game date, SAC after
            (84, "Jonas Valanciunas", date(2025, 2, 3), "WAS", 1, 1, 0, 0),
            (84, "Jonas Valanciunas", date(2025, 2, 6), "SAC", 1, 1, 0, 0),
            # known only from last season: team unknown this season, unique lookup accepted
            (85, "Ron Holland II", date(2025, 3, 1), "DET", 1, 1, 0, 0),
        ],
        props=[
            ("Chris Johnson", "MIA", "BOS", date(2024, 11, 5)),
            ("Chris Johnson", "MIA", "BOS", date(2024, 11, 5)),  # a second book
            ("Chris Johnson", "NYK", "BOS", date(2024, 11, 5)),  # neither candidate plays
            ("Marcus Morris", "CLE", "ORL", date(2024, 11, 3)),
            ("Jonas Valančiūnas", "BKN", "WAS", date(2025, 2, 5)),
            ("Ronald Holland", "CHI", "HOU", date(2025, 10, 22)),
            ("Cooper Flagg", "DAL", "SAS", date(2025, 10, 22)),
        ],
        aliases=[("ronaldholland", 85)],
    )
    build_identity_step(wh, "t")
    got = {
        (r["player"], r["home_team_abbr"]): (r["player_id"], r["match_method"])
        for r in wh.dicts("select * from meta.prop_player_map")
    }
    assert got == {
        ("Chris Johnson", "MIA"): (82, "team"),
        ("Chris Johnson", "NYK"): (None, "no_match"),
        ("Marcus Morris", "CLE"): (83, "team"),
        ("Jonas Valančiūnas", "BKN"): (84, "team"),
        ("Ronald Holland", "CHI"): (85, "lookup_unique"),
        ("Cooper Flagg", "DAL"): (None, "no_match"),
    }
    rows = [r for r in _unresolved(wh) if r["source"] == "oddsapi_player_points_props"]
    assert [(r["raw_name"], r["staged_line"], r["reason"]) for r in rows] == [
        ("Chris Johnson", 2, "no_match"),
        ("Cooper Flagg", 6, "no_match"),
    ]
    assert rows[0]["candidate_player_ids"] == [81, 82]


def test_step_is_idempotent() -> None:
    wh = _wh(
        box=[("doejo01", "John Doe", D1, "LAL", None, 10.0, 5, 4, 0, 2)],
        logs=[(41, "John Doe", D1, "LAL", 5, 4, 0, 2), (49, "Nobody", D1, "LAL", 0, 0, 0, 0)],
        props=[("Someone New", "LAL", "BOS", D1)],
    )
    first = build_identity_step(wh, "a")
    tables = ("meta.player_registry", "meta.unresolved_identities", "meta.prop_player_map")
    counts = [wh.count(t) for t in tables]
    second = build_identity_step(wh, "b")
    assert [wh.count(t) for t in tables] == counts
    assert first["identity"] == second["identity"]


# -- real data -----------------------------------------------------------------------------------

realdata = pytest.mark.skipif(
    not DATA_DIR.is_dir(), reason=f"real staged data not found at {DATA_DIR} (set NBAPROPS_DATA)"
)


@pytest.fixture(scope="module")
def built(
    real_ingested: Path, real_ingest_report: dict[str, Any]
) -> Iterator[tuple[Warehouse, dict[str, Any]]]:
    """The session's real-data warehouse (read-only use) and its ingest report."""
    wh = Warehouse(real_ingested, read_only=True)
    yield wh, real_ingest_report
    wh.close()


@realdata
@pytest.mark.realdata
def test_played_player_games_resolve(built: tuple[Warehouse, dict[str, Any]]) -> None:
    wh, conformed = built
    figures = conformed["identity"]
    assert figures["player_games"] > 170_000
    assert figures["resolved"] / figures["player_games"] >= 0.995
    assert figures["resolved"] + figures["unresolved"] == figures["player_games"]
    # every unresolved played row is listed
    missing = wh.scalar(
        """
        select count(*) from raw.bref_player_box b
        left join meta.player_registry r on r.bref_player_slug = b.bref_player_slug
        anti join meta.unresolved_identities u
          on u.source = 'bref_player_box' and u.staged_file = b.staged_file
         and u.staged_line = b.staged_line
        where r.player_id is null
        """
    )
    assert missing == 0


@realdata
@pytest.mark.realdata
def test_row_count_balance(built: tuple[Warehouse, dict[str, Any]]) -> None:
    """SPEC §8 #24: bref played rows = resolved + unresolved, nothing silently dropped."""
    wh, _ = built
    played, resolved, unresolved = wh.rows(
        """
        select count(*),
               count(*) filter (where r.player_id is not null),
               count(*) filter (where u.staged_line is not null)
        from raw.bref_player_box b
        left join meta.player_registry r on r.bref_player_slug = b.bref_player_slug
        left join meta.unresolved_identities u
          on u.source = 'bref_player_box' and u.staged_file = b.staged_file
         and u.staged_line = b.staged_line
        where b.status is null
        """
    )[0]
    assert played == resolved + unresolved
    assert resolved > 0
    inactive_balance = wh.rows(
        """
        select count(*), count(r.player_id) + count(u.staged_line)
        from raw.bref_inactives i
        left join meta.player_registry r on r.bref_player_slug = i.bref_player_slug
        left join meta.unresolved_identities u
          on u.source = 'bref_inactives' and u.staged_file = i.staged_file
         and u.staged_line = i.staged_line
        """
    )[0]
    assert inactive_balance[0] == inactive_balance[1]


@realdata
@pytest.mark.realdata
def test_registry_is_unique(built: tuple[Warehouse, dict[str, Any]]) -> None:
    wh, _ = built
    n, ids, slugs, slug_rows = wh.rows(
        "select count(*), count(distinct player_id), count(distinct bref_player_slug), "
        "count(bref_player_slug) from meta.player_registry"
    )[0]
    assert n == ids > 1000
    assert slugs == slug_rows > 1000
    assert wh.scalar("select count(*) from meta.player_registry where player_lookup is null") == 0
    assert wh.scalar("select count(*) from meta.player_registry where first_game_date > last_game_date") == 0
    # a spot check: bref slug ↔ NBA.com id
    assert (
        wh.scalar("select player_id from meta.player_registry where bref_player_slug = 'tatumja01'")
        == 1628369
    )


def _prop_listing(wh: Warehouse, table: str, lo: str, hi: str) -> tuple[int, int, int]:
    """(unresolved raw rows, those listed in unresolved_identities, distinct unresolved names)."""
    return wh.rows(
        f"""
        select count(*), count(u.staged_line), count(distinct p.player)
        from raw.{table} p
        join meta.prop_player_map m
          on m.source_table = '{table}' and m.player = p.player and m.game_date = p.game_date
         and m.home_team_abbr = p.home_team_abbr and m.away_team_abbr = p.away_team_abbr
        left join meta.unresolved_identities u
          on u.source = '{table}' and u.staged_file = p.staged_file
         and u.staged_line = p.staged_line
        where m.player_id is null and p.game_date between '{lo}' and '{hi}'
        """
    )[0]


@realdata
@pytest.mark.realdata
def test_prop_names_resolve(built: tuple[Warehouse, dict[str, Any]]) -> None:
    wh, _ = built
    # every raw prop row has exactly one map row
    for table in ("oddsapi_player_points_props", "oddsapi_player_threes_props"):
        unmapped = wh.scalar(
            f"""
            select count(*) from raw.{table} p
            anti join meta.prop_player_map m
              on m.source_table = '{table}' and m.player = p.player and m.game_date = p.game_date
             and m.home_team_abbr = p.home_team_abbr and m.away_team_abbr = p.away_team_abbr
            """
        )
        assert unmapped == 0
    dup = wh.scalar(
        "select count(*) from (select 1 from meta.prop_player_map group by source_table, player, "
        "game_date, home_team_abbr, away_team_abbr having count(*) > 1)"
    )
    assert dup == 0

    rows, listed, names = _prop_listing(wh, "oddsapi_player_threes_props", "2024-08-01", "2025-07-31")
    assert (rows, listed, names) == (0, 0, 0)

    rows, listed, names = _prop_listing(wh, "oddsapi_player_points_props", "2025-08-01", "2026-07-31")
    assert rows == listed > 0
    assert 15 <= names <= 30  # 2025-26 rookies absent from the partial logs (SPEC §3.7)
    # the listed names are rookies: none has any NBA.com row
    known = wh.scalar(
        """
        select count(*) from meta.unresolved_identities u
        join meta.player_registry r on r.player_lookup = u.player_lookup
        where u.source = 'oddsapi_player_points_props'
        """
    )
    assert known == 0


@realdata
@pytest.mark.realdata
def test_report_notes(built: tuple[Warehouse, dict[str, Any]]) -> None:
    _, conformed = built
    notes = conformed["notes"]
    assert any("oddsapi_player_points_props" in n for n in notes)
    assert any("Cooper Flagg" in n for n in notes)
