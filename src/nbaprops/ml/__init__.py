"""Phase 5: training data, gradient-boosted models, walk-forward evaluation, predictions, grading.

* `dataset`  — contract features + `target_*` labels, refusals (labels, unknown columns, placeholders,
               same-day leaks) and chronological splits;
* `model`    — HistGradientBoostingRegressor with early stopping on a chronological validation set;
               versioned artifacts and `predictions.model_registry`;
* `evaluate` — monthly walk-forward backtest, baselines, markets against real prop lines;
* `predict`  — `predictions.player_prop_predictions` for one date (models + baselines);
* `schema`   — the Phase 5 tables that Python writes (created empty so the grading model can run);
* grading itself is the SQL model `models/predictions/prediction_grades.sql`.
"""
