"""The Phase 5 tables written from Python, created empty up front (SPEC §6).

`predictions.player_prop_predictions` is written by `nbaprops predict` and read by the grading model
`predictions.prediction_grades` (a registered SQL model built by the backfill engine). The engine
needs every input table to exist, so `ensure_prediction_tables()` creates the table empty with its
final schema; the backfill's `prepare()` step and every ML command call it. It is idempotent and
never alters existing rows.

* `player_prop_predictions` — grain (`game_date`, `game_id`, `player_id`, `market`, `model_id`).
* `model_registry` — one row per trained model (`model_id`), with the artifact path and metadata.
* `evaluation_summary` — grain (`model_id`, `market`, `period_start`, `period_end`,
  `edge_threshold`); written by `nbaprops evaluate` (walk-forward and market backtests) and from the
  graded predictions (`source` says which).
"""

from __future__ import annotations

from nbaprops.warehouse import Warehouse

PREDICTIONS = "predictions.player_prop_predictions"
GRADES = "predictions.prediction_grades"
SUMMARY = "predictions.evaluation_summary"
REGISTRY = "predictions.model_registry"

PREDICTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("game_date", "date"),
    ("game_id", "varchar"),
    ("player_id", "integer"),
    ("market", "varchar"),  # points | threes
    ("model_id", "varchar"),
    ("model_family", "varchar"),  # baseline | gbdt
    ("feature_version", "varchar"),
    ("trained_through_date", "date"),  # always < game_date
    ("predicted_value", "double"),
    ("line", "double"),  # UPCG points_line / threes_line at prediction time
    ("line_book", "varchar"),
    ("edge", "double"),  # predicted_value - line; NULL without a line
    ("recommendation", "varchar"),  # OVER | UNDER | PASS
    ("min_edge", "double"),
    ("pass_reason", "varchar"),  # why PASS: no_line | below_min_edge | feature_defaults | line_model
    ("required_default_count", "integer"),
    ("feature_quality_score", "double"),
    ("run_id", "varchar"),
    ("created_at", "timestamp"),
)

DDL = (
    f"create table if not exists {PREDICTIONS} ("
    + ", ".join(f"{name} {kind}" for name, kind in PREDICTION_COLUMNS)
    + ")",
    f"""create table if not exists {REGISTRY} (
        model_id varchar, market varchar, model_family varchar, target varchar,
        feature_version varchar, features varchar[], params varchar,
        train_start date, trained_through_date date, valid_start date, valid_end date,
        test_start date, test_end date, n_train bigint, n_valid bigint, n_test bigint,
        best_iteration integer, metrics varchar, artifact_path varchar, created_at timestamp)""",
    f"""create table if not exists {SUMMARY} (
        model_id varchar, market varchar, period_start date, period_end date,
        edge_threshold double, n_predictions bigint, mae double, bias double, mae_lined double,
        n_bets bigint, hits bigint, hit_rate double, beats_break_even boolean, source varchar,
        run_id varchar, created_at timestamp)""",
)


def ensure_prediction_tables(wh: Warehouse) -> None:
    """Create the Python-written Phase 5 tables if they are missing (never touches their rows; a
    table already there is not even asked for, so the catalogue stays as the process knows it)."""
    for name, ddl in zip((PREDICTIONS, REGISTRY, SUMMARY), DDL, strict=True):
        if not wh.table_exists(name):
            wh.execute(ddl)
