"""`nbaprops train`: fit one market's GBDT on a training window and register the artifact.

Window: [--start, --end]; by default it ends on the last date with training-ready, labelled rows and
starts `TRAIN_WINDOW_DAYS` (365) days earlier. Inside it the last 15% of the rows by date is the
chronological early-stopping validation set. The test period is the rows after --end up to
--test-end (default: --end + 60 days): they are never seen by training and give the held-out metrics.
`trained_through_date` = --end's last training row date; predictions are only served for later dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from nbaprops import feature_contract
from nbaprops.errors import UsageError
from nbaprops.ml import metrics
from nbaprops.ml.dataset import MLFS, TARGETS, assert_chronological, chronological_split, load_rows
from nbaprops.ml.evaluate import TRAIN_WINDOW_DAYS, baselines
from nbaprops.ml.model import PARAMS, ModelCard, fit_chronological, mae, model_id_for, save
from nbaprops.warehouse import Warehouse

DEFAULT_TEST_DAYS = 60


def last_training_date(wh: Warehouse) -> date:
    if not wh.table_exists(MLFS):
        raise UsageError(f"no {MLFS}: run `nbaprops backfill --through features` first")
    d = wh.scalar(
        f"select max(f.game_date) from {MLFS} f join analytics.player_game_summary p "
        "using (game_id, player_id) where f.is_training_ready and p.played_flag"
    )
    if d is None:
        raise UsageError(
            "no training-ready, labelled feature rows: run `nbaprops backfill --through features`"
        )
    assert isinstance(d, date)
    return d


def run_train(
    wh: Warehouse,
    market: str = "points",
    start: date | None = None,
    end: date | None = None,
    test_end: date | None = None,
) -> dict[str, Any]:
    """Train, evaluate on validation and test, save; returns the model card as JSON."""
    if market not in TARGETS:
        raise UsageError(f"unknown target {market!r} (use {', '.join(TARGETS)})")
    end = end or last_training_date(wh)
    start = start or end - timedelta(days=TRAIN_WINDOW_DAYS - 1)
    if start > end:
        raise UsageError(f"--start {start} is after --end {end}")
    test_end = test_end or end + timedelta(days=DEFAULT_TEST_DAYS)
    if test_end < end:
        raise UsageError(f"--test-end {test_end} is before --end {end}")
    data = load_rows(wh, start, test_end, "training")
    if not len(data):
        raise UsageError(f"no training-ready, labelled rows in {start}..{end}")
    split = chronological_split(data.game_date, end)
    assert_chronological(data.game_date, split)
    y = data.y(market)
    fitted = fit_chronological(data.X[split.train], y[split.train], data.X[split.valid], y[split.valid])
    spans = split.dates(data.game_date)
    test_metrics: dict[str, Any] = {"n": int(split.test.sum())}
    if split.test.any():
        test = data.take(split.test)
        pred = fitted.predict(test.X)
        test_metrics["mae"] = round(mae(pred, test.y(market)) or 0.0, 4)
        test_metrics["baselines"] = {
            k: round(mae(v, test.y(market)) or 0.0, 4) for k, v in baselines(test, market).items()
        }
    window = split.train | split.valid
    fit_pred = fitted.predict(data.X[window])
    train_start, (valid_start, trained_through) = spans["train"][0], spans["valid"]
    assert train_start is not None and valid_start is not None and trained_through is not None
    fingerprint = {
        "market": market,
        "features": list(data.features),
        "params": PARAMS,
        "train": spans["train"],
        "valid": spans["valid"],
        "n": int(window.sum()),
        "y_sum": float(np.sum(y[window])),
    }
    card = ModelCard(
        model_id=model_id_for(market, trained_through, fingerprint),
        market=market,
        model_family="gbdt",
        target=TARGETS[market][0],
        feature_version=feature_contract.FEATURE_VERSION,
        features=list(data.features),
        params={**PARAMS, "early_stopping": "chronological", "refit_rows": "train+valid"},
        train_start=train_start,
        trained_through_date=trained_through,
        valid_start=valid_start,
        valid_end=trained_through,
        test_start=spans["test"][0],
        test_end=spans["test"][1],
        n_train=int(split.train.sum()),
        n_valid=int(split.valid.sum()),
        n_test=int(split.test.sum()),
        best_iteration=fitted.best_iteration,
        metrics={
            "valid_mae": round(fitted.valid_mae, 4),
            "in_sample_mae": round(mae(fit_pred, y[window]) or 0.0, 4),
            "test": test_metrics,
            "min_edge_default": metrics.DEFAULT_MIN_EDGE,
        },
        artifact_path="",
        created_at=datetime.now(),
    )
    save(wh, card, fitted)
    return card.as_json()
