"""The registry and model SQL: portability (sqlglot RAISE), inputs read from SQL, DAG order."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nbaprops import registry
from nbaprops.sql import input_tables, transpile

TABLES = [t.name for t in registry.all_tables()]


@pytest.mark.parametrize("dialect", ["bigquery", "spark"])
@pytest.mark.parametrize("table", TABLES)
def test_every_model_transpiles(table: str, dialect: str) -> None:
    out = transpile(registry.get(table).sql, dialect)
    assert "select" in out.lower()


def test_all_contract_tables_are_registered() -> None:
    expected = {
        "analytics.player_game_summary",
        "analytics.team_offense_game_summary",
        "analytics.team_defense_game_summary",
        "analytics.upcoming_player_game_context",
        "analytics.upcoming_team_game_context",
        "precompute.team_defense_zone_analysis",
        "precompute.player_shot_zone_analysis",
        "precompute.player_daily_cache",
        "precompute.player_composite_factors",
        "features.ml_feature_store_v2",
    }
    assert expected <= set(TABLES)


def test_inputs_are_read_from_sql_and_order_respects_them() -> None:
    order = {name: i for i, name in enumerate(TABLES)}
    for t in registry.all_tables():
        for i in t.inputs:
            if i in order:
                assert order[i] < order[t.name], f"{i} must build before {t.name}"
    pgs = registry.get("analytics.player_game_summary")
    assert "analytics.team_offense_game_summary" in pgs.inputs
    assert input_tables("with a as (select * from raw.x) select * from a join meta.y using (k)") == {
        "raw.x",
        "meta.y",
    }


def test_phase4_order_matches_the_spec_dag() -> None:
    order = {name: i for i, name in enumerate(TABLES)}
    pcf = order["precompute.player_composite_factors"]
    for g1 in ("team_defense_zone_analysis", "player_shot_zone_analysis", "player_daily_cache"):
        assert order[f"precompute.{g1}"] < pcf
    assert pcf < order["features.ml_feature_store_v2"]


def test_no_literal_dates_in_models() -> None:
    import re

    for t in registry.all_tables():
        assert not re.search(r"'(19|20)\d\d-\d\d-\d\d'", t.sql), f"{t.name} filters on a literal date"


def test_sql_command_prints_transpiled_model_and_rejects_unknown_table() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "sql", "player_game_summary", "--dialect", "bigquery"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and "analytics.team_offense_game_summary" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "sql", "nope"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: unknown table")
