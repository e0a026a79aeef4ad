"""The feature contract (SPEC §5.5) as data, and the feature store that reads it (pitfall 55).

The SPEC table is restated here as an independent oracle: the CSV must match it, the model's output
columns must be the contract's names in contract order (FLOAT), and no training-facing name is a label.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sqlglot
import yaml
from sqlglot import exp

from nbaprops import feature_contract as fc
from nbaprops import registry
from nbaprops.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "transforms" / "ml_feature_store_v2.yaml"
MLFS = "features.ml_feature_store_v2"

# SPEC §5.5, "Feature contract v1: indices 0-32": (name, default, role). None = NULL.
SPEC_V1: list[tuple[str, float | str | None, str]] = [
    ("points_avg_last_5", 10.0, "R"),
    ("points_avg_last_10", 10.0, "R"),
    ("points_avg_season", 10.0, "R"),
    ("points_std_last_10", 5.0, "R"),
    ("games_in_last_7_days", 3.0, "R"),
    ("fatigue_score", 50.0, "R"),
    ("shot_zone_mismatch_score", 0.0, "R"),
    ("pace_score", 0.0, "R"),
    ("usage_spike_score", 0.0, "R"),
    ("rest_advantage", 0.0, "R"),
    ("injury_risk", 0.0, "R"),
    ("recent_trend", 0.0, "R"),
    ("minutes_change", 0.0, "R"),
    ("opponent_def_rating", 112.0, "R"),
    ("opponent_pace", 100.0, "R"),
    ("home_away", 0.5, "R"),
    ("back_to_back", 0.0, "R"),
    ("playoff_game", 0.0, "R"),
    ("pct_paint", None, "R"),
    ("pct_mid_range", None, "R"),
    ("pct_three", None, "R"),
    ("pct_free_throw", 0.15, "R"),
    ("team_pace", 100.0, "R"),
    ("team_off_rating", 112.0, "R"),
    ("team_win_pct", 0.5, "R"),
    ("vegas_points_line", None, "O"),
    ("vegas_opening_line", None, "O"),
    ("vegas_line_move", None, "O"),
    ("has_vegas_line", 0.0, "R"),
    ("avg_points_vs_opponent", "points_avg_season", "R"),
    ("games_vs_opponent", 0.0, "R"),
    ("minutes_avg_last_10", 25.0, "R"),
    ("ppm_avg_last_10", 0.4, "R"),
]

# SPEC §5.5 optional extension list (indices 33-59); the contract may hold a subset, at these indices.
SPEC_EXTENSION = [
    "dnp_rate",
    "pts_slope_10g",
    "pts_vs_season_zscore",
    "breakout_flag",
    "star_teammates_out",
    "game_total_line",
    "days_rest",
    "minutes_in_last_7_days",
    "spread_magnitude",
    "implied_team_total",
    "points_avg_last_3",
    "scoring_trend_slope",
    "deviation_from_avg_last_3",
    "consecutive_games_below_avg",
    "teammate_usage_available",
    "usage_rate_avg_last_5",
    "games_since_structural_change",
    "multi_book_line_std",
    "prop_over_streak",
    "prop_under_streak",
    "line_vs_season_avg",
    "prop_line_delta",
    "over_rate_last_10",
    "line_margin_avg_last_5",
    "blowout_minutes_risk",
    "minutes_std_last_10",
    "opponent_pace_mismatch",
]

# The extension features the brief requires at least.
REQUIRED_EXTENSIONS = {
    "dnp_rate",
    "star_teammates_out",
    "game_total_line",
    "days_rest",
    "minutes_in_last_7_days",
    "spread_magnitude",
    "implied_team_total",
    "points_avg_last_3",
    "minutes_std_last_10",
    "prop_over_streak",
    "prop_under_streak",
    "line_vs_season_avg",
}


def test_v1_contract_matches_spec_order_defaults_and_roles() -> None:
    v1 = [f for f in fc.FEATURES if f.index < 33]
    assert [f.index for f in v1] == list(range(33))
    assert [f.name for f in v1] == [name for name, _, _ in SPEC_V1]
    for f, (name, default, role) in zip(v1, SPEC_V1, strict=True):
        assert f.role == role, name
        assert f.version == fc.FEATURE_VERSION == "v2_33features", name
        if isinstance(default, str):
            assert f.default is None and f.default_feature == default, name
        else:
            assert f.default == default and f.default_feature is None, name
    assert fc.FEATURE_COUNT == 33
    assert len([f for f in v1 if f.required]) == 30
    assert fc.FEATURE_DEFAULTS["avg_points_vs_opponent"] == fc.FEATURE_DEFAULTS["points_avg_season"]
    assert fc.FEATURE_DEFAULTS["pct_paint"] is None
    assert fc.FEATURE_DEFAULTS["ppm_avg_last_10"] == 0.4


def test_extension_features_are_optional_and_keep_spec_indices() -> None:
    extension = [f for f in fc.FEATURES if f.index >= 33]
    assert extension, "no extension features"
    assert all(f.role == "O" and f.version != fc.FEATURE_VERSION for f in extension)
    assert all(f.default is None and f.default_feature is None for f in extension)
    for f in extension:
        assert SPEC_EXTENSION[f.index - 33] == f.name, f"{f.name} is not SPEC feature #{f.index}"
    assert {f.name for f in extension} >= REQUIRED_EXTENSIONS


def test_source_weights() -> None:
    assert fc.SOURCE_WEIGHTS == {
        "phase4": 100,
        "phase3": 87,
        "calculated": 100,
        "vegas": 100,
        "opponent_history": 90,
        "default": 40,
    }


def test_no_training_facing_name_is_a_label() -> None:
    assert not [n for n in fc.FEATURE_NAMES if n.startswith("target_")]
    assert not [c for c in _model_columns() if c.startswith("target_")]
    assert "points" not in _model_columns()


def _final_columns() -> list[str]:
    """The model's output columns, read statically from its `final` CTE (sqlglot); a `cte.*` in
    it is expanded from that CTE's own select list."""
    tree = sqlglot.parse_one(registry.get(MLFS).sql, read="duckdb")
    ctes = {c.alias: c.this for c in tree.find_all(exp.CTE)}
    columns: list[str] = []
    for projection in ctes["final"].expressions:
        if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
            columns += list(ctes[projection.table].named_selects)
        else:
            columns.append(projection.alias_or_name)
    return columns


def _golden_inputs() -> tuple[dict[str, Any], dict[str, Any]]:
    spec = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    case = spec["cases"][0]
    return case["given"], case.get("types", {})


def _create_empty(wh: Warehouse, table: str, rows: list[dict[str, Any]], types: dict[str, str]) -> None:
    """An empty input table with the golden rows' columns (`types` fixes ambiguous ones)."""
    names = list(dict.fromkeys([k for row in rows for k in row] + list(types)))
    data = pa.Table.from_pylist(rows) if rows else None
    cols = []
    for name in names:
        if data is not None and name in data.column_names and name not in types:
            cols.append(f'"{name}"')
        else:
            cols.append(f'cast(null as {types.get(name, "varchar")}) as "{name}"')
    if data is not None:
        wh.register("_given", data)
        wh.execute(f"create table {table} as select {', '.join(cols)} from _given where false")
        wh.unregister("_given")
    else:
        wh.execute(f"create table {table} as select {', '.join(cols)} where false")


def _empty_run() -> list[tuple[str, str]]:
    """Run the model on a warehouse whose inputs have the golden columns but no rows."""
    given, types = _golden_inputs()
    wh = Warehouse(":memory:")
    for name, rows in given.items():
        _create_empty(wh, name, rows or [], types.get(name, {}))
    fc.install(wh)  # the real contract tables, replacing the golden copies
    params = {"start_date": dt.date(2023, 1, 1), "end_date": dt.date(2023, 12, 31)}
    wh.execute(f"create table out as select * from ({registry.get(MLFS).sql})", params)
    assert wh.count("out") == 0
    return [(r[0], r[1]) for r in wh.rows("describe out")]


def _model_columns() -> list[str]:
    return [name for name, _ in _empty_run()]


def test_model_feature_columns_are_the_contract_in_order() -> None:
    static = _final_columns()
    described = _empty_run()
    assert static == [name for name, _ in described]
    names = list(fc.FEATURE_NAMES)
    start = static.index(names[0])
    assert static[start : start + len(names)] == names
    assert static[start + len(names)] == "feature_sources"
    types = dict(described)
    assert {types[n] for n in names} == {"DOUBLE"}
    context = static[:start]
    for column in (
        "game_date",
        "player_id",
        "game_id",
        "player_lookup",
        "team_abbr",
        "opponent_team_abbr",
        "home_game",
        "is_prediction_eligible",
    ):
        assert column in context
    for column in (
        "feature_sources",
        "feature_quality_score",
        "quality_tier",
        "default_feature_count",
        "required_default_count",
        "default_feature_indices",
        "uncovered_feature_indices",
        "data_source",
        "early_season_flag",
        "hist_games_expected",
        "hist_games_found",
        "hist_is_complete",
        "hist_game_dates",
        "is_training_ready",
        "feature_version",
        "feature_count",
    ):
        assert column in static[start + len(names) :]


def test_model_lists_follow_the_contract() -> None:
    """The defaults pivot and the source pattern name every contract feature once, in order."""
    sql = registry.get(MLFS).sql
    defaults = sql[sql.index("contract_defaults as (") : sql.index("feature_values as (")]
    assert re.findall(r"when name = '(\w+)' then default_value end\)\s+as (\w+)", defaults) == [
        (n, n) for n in fc.FEATURE_NAMES
    ]
    values = sql[sql.index("feature_values as (") : sql.index("source_patterns as (")]
    assert re.findall(r"coalesce\(candidates\.(\w+)_source, 'none'\)", values) == list(fc.FEATURE_NAMES)
    assert re.findall(r"end as (\w+)", values) == list(fc.FEATURE_NAMES)


def test_install_writes_the_contract(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    fc.install(wh)
    fc.install(wh)  # idempotent
    rows = wh.dicts("select * from meta.feature_contract order by feature_index")
    assert [r["name"] for r in rows] == list(fc.FEATURE_NAMES)
    by_name = {r["name"]: r for r in rows}
    assert by_name["avg_points_vs_opponent"]["default_feature"] == "points_avg_season"
    assert by_name["avg_points_vs_opponent"]["default_value"] is None
    assert by_name["pct_free_throw"]["default_value"] == 0.15
    weights = dict(wh.rows("select source, weight from meta.feature_source_weights"))
    assert weights == {k: float(v) for k, v in fc.SOURCE_WEIGHTS.items()}


def test_install_replaces_a_contract_table_that_differs(tmp_path: Path) -> None:
    """An unchanged contract is left in place; a changed row or column type is replaced."""
    wh = Warehouse(tmp_path / "w.duckdb")
    fc.install(wh)
    wh.execute("update meta.feature_contract set default_value = 99 where name = 'pct_free_throw'")
    wh.execute(
        "create or replace table meta.feature_source_weights as "
        "select source, cast(weight as varchar) as weight from meta.feature_source_weights"
    )
    fc.install(wh)
    assert wh.scalar("select default_value from meta.feature_contract where name = 'pct_free_throw'") == 0.15
    types = {r[0]: r[1] for r in wh.rows("describe meta.feature_source_weights")}
    assert types == {"source": "VARCHAR", "weight": "DOUBLE"}


def test_golden_contract_block_equals_the_csv() -> None:
    given, _ = _golden_inputs()
    block = given["meta.feature_contract"]
    assert block == [
        {
            "feature_index": f.index,
            "name": f.name,
            "default_value": f.default,
            "default_feature": f.default_feature,
            "role": f.role,
            "version": f.version,
        }
        for f in fc.FEATURES
    ]
    assert {r["source"]: r["weight"] for r in given["meta.feature_source_weights"]} == {
        k: float(v) for k, v in fc.SOURCE_WEIGHTS.items()
    }


def test_placeholder_check_lists_every_feature() -> None:
    checks = registry.get(MLFS).checks
    check = next(c for c in checks if c.name == "mlfs_early_rows_are_placeholders")
    assert re.findall(r"(\w+) is not null", check.sql) == [
        "feature_quality_score",
        "quality_tier",
        *fc.FEATURE_NAMES,
    ]


def test_docs_are_rendered_from_the_contract() -> None:
    doc = (REPO / "docs" / "features.md").read_text(encoding="utf-8")
    assert doc == fc.render_markdown(), "regenerate docs/features.md with render_markdown()"


def test_contract_rejects_a_label_name(monkeypatch: pytest.MonkeyPatch) -> None:
    row = {
        "index": "0",
        "name": "target_points",
        "definition": "",
        "source": "",
        "default": "",
        "role": "R",
        "version": "v",
    }
    feature = fc._parse(row)
    assert feature.name.startswith("target_")
    monkeypatch.setattr(fc, "seed_path", lambda _: _write_csv(row))
    fc.load.cache_clear()
    try:
        with pytest.raises(ValueError, match="label"):
            fc.load()
    finally:
        fc.load.cache_clear()


def _write_csv(row: dict[str, str]) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "feature_contract.csv"
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
    return path
