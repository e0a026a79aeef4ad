"""GBDT training with chronological early stopping, versioned artifacts and the model registry.

Model (SPEC §6): scikit-learn `HistGradientBoostingRegressor(max_depth=6, learning_rate=0.05,
max_iter=1000)`. sklearn's own `early_stopping` holds out a RANDOM fraction of rows, which leaks the
future into model selection (pitfall 21), so it is off: the booster grows in chunks of
`CHUNK` iterations with `warm_start`, the validation error of every stage is read with
`staged_predict` on the chronological validation rows (the last 15% of the window by date), and
growth stops `PATIENCE` iterations after the best stage. The final model is refit on fit + validation
rows with exactly the best number of iterations, so `trained_through_date` is the last training date.

Artifacts: `<db folder>/artifacts/<model_id>.joblib` (the estimator and its feature list) and a
`<model_id>.json` sidecar; the same metadata is a row of `predictions.model_registry`.
`model_id` = `gbdt_<market>_<trained_through YYYYMMDD>_<8 hex of the training fingerprint>`, so the
same training on the same rows reproduces the same id and overwrites the same files.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from nbaprops import feature_contract
from nbaprops.errors import UsageError
from nbaprops.ml.dataset import Dataset, Split, chronological_split
from nbaprops.ml.schema import REGISTRY, ensure_prediction_tables
from nbaprops.warehouse import Warehouse

PARAMS: dict[str, Any] = {"max_depth": 6, "learning_rate": 0.05, "max_iter": 1000, "random_state": 0}
CHUNK = 50
PATIENCE = 100
#: OpenMP threads for boosting. One by default: on a busy 2-core machine sklearn's spinning OpenMP
#: threads are ~30x slower than one thread (measured: 50 iterations on 22k rows, 1.1 s vs 33 s).
THREADS = int(os.environ.get("NBAPROPS_ML_THREADS", "1"))
#: Fewer fit rows than this cannot train a model worth saving.
MIN_TRAIN_ROWS = 200


@dataclass
class Fitted:
    """A fitted model and how it was chosen."""

    estimator: HistGradientBoostingRegressor
    best_iteration: int
    valid_mae: float
    valid_curve: list[float] = field(default_factory=list)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return predict_with(self.estimator, X)


def predict_with(estimator: HistGradientBoostingRegressor, X: np.ndarray) -> np.ndarray:
    with threadpool_limits(limits=THREADS, user_api="openmp"):
        return np.asarray(estimator.predict(X), dtype=np.float64)


def _regressor(max_iter: int, warm_start: bool = False) -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(
        max_depth=PARAMS["max_depth"],
        learning_rate=PARAMS["learning_rate"],
        max_iter=max_iter,
        early_stopping=False,
        warm_start=warm_start,
        random_state=PARAMS["random_state"],
    )


def fit_chronological(
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    X_valid: np.ndarray,
    y_valid: np.ndarray,
    refit_on_all: bool = True,
) -> Fitted:
    """Grow on the fit rows, pick the iteration count on the (later) validation rows, refit."""
    with threadpool_limits(limits=THREADS, user_api="openmp"):
        return _fit_chronological(X_fit, y_fit, X_valid, y_valid, refit_on_all)


def _fit_chronological(
    X_fit: np.ndarray, y_fit: np.ndarray, X_valid: np.ndarray, y_valid: np.ndarray, refit_on_all: bool
) -> Fitted:
    if len(y_fit) < MIN_TRAIN_ROWS:
        raise UsageError(f"only {len(y_fit)} training rows (need {MIN_TRAIN_ROWS})")
    if not len(y_valid):
        raise UsageError("no validation rows")
    # A feature that is NULL on every fit row (e.g. the points line in a season without points props)
    # carries no information; sklearn's binning cannot handle an all-NaN column, so it becomes a
    # constant the trees can never split on.
    empty = np.isnan(X_fit).all(axis=0)
    if empty.any():
        X_fit, X_valid = X_fit.copy(), X_valid.copy()
        X_fit[:, empty] = 0.0
        X_valid[:, empty] = 0.0
    booster = _regressor(CHUNK, warm_start=True)
    curve: list[float] = []
    best_pred = np.zeros(len(y_valid))
    while True:
        booster.fit(X_fit, y_fit)
        for i, pred in enumerate(booster.staged_predict(X_valid)):
            if i >= len(curve):
                curve.append(float(np.mean((pred - y_valid) ** 2)))
                if len(curve) == 1 or curve[-1] < min(curve[:-1]):
                    best_pred = pred
        best = int(np.argmin(curve))
        grown = booster.n_iter_
        if grown < booster.max_iter or grown - (best + 1) >= PATIENCE or grown >= PARAMS["max_iter"]:
            break
        booster.set_params(max_iter=min(grown + CHUNK, PARAMS["max_iter"]))
    best_iter = best + 1
    if refit_on_all:
        final = _regressor(best_iter).fit(np.vstack([X_fit, X_valid]), np.concatenate([y_fit, y_valid]))
    else:
        final = _regressor(best_iter).fit(X_fit, y_fit)
    return Fitted(final, best_iter, float(np.mean(np.abs(best_pred - y_valid))), curve)


def fit_dataset(data: Dataset, market: str, trained_through: date | None = None) -> tuple[Fitted, Split]:
    """Split the rows chronologically (window ≤ `trained_through`) and fit on the window."""
    y = data.y(market)
    split = chronological_split(data.game_date, trained_through)
    fitted = fit_chronological(data.X[split.train], y[split.train], data.X[split.valid], y[split.valid])
    return fitted, split


def mae(pred: np.ndarray, actual: np.ndarray) -> float | None:
    ok = ~(np.isnan(pred) | np.isnan(actual))
    return float(np.mean(np.abs(pred[ok] - actual[ok]))) if ok.any() else None


@dataclass
class ModelCard:
    """Everything about a trained model except the estimator (the registry row and the sidecar)."""

    model_id: str
    market: str
    model_family: str
    target: str
    feature_version: str
    features: list[str]
    params: dict[str, Any]
    train_start: date
    trained_through_date: date
    valid_start: date
    valid_end: date
    test_start: date | None
    test_end: date | None
    n_train: int
    n_valid: int
    n_test: int
    best_iteration: int
    metrics: dict[str, Any]
    artifact_path: str
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))


def model_id_for(market: str, trained_through: date, fingerprint: dict[str, Any]) -> str:
    digest = hashlib.sha1(json.dumps(fingerprint, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"gbdt_{market}_{trained_through:%Y%m%d}_{digest}"


def artifacts_dir(db_path: str | Path) -> Path:
    """`artifacts/` next to the warehouse file (the working directory for `:memory:`)."""
    p = Path(str(db_path))
    return (Path.cwd() if str(db_path) == ":memory:" else p.resolve().parent) / "artifacts"


def save(wh: Warehouse, card: ModelCard, fitted: Fitted) -> ModelCard:
    """Write the artifact and sidecar, and replace the registry row of `card.model_id`."""
    folder = artifacts_dir(wh.path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{card.model_id}.joblib"
    card.artifact_path = str(path)
    joblib.dump({"estimator": fitted.estimator, "features": card.features, "card": card.as_json()}, path)
    (folder / f"{card.model_id}.json").write_text(json.dumps(card.as_json(), indent=2, sort_keys=True) + "\n")
    ensure_prediction_tables(wh)
    with wh.transaction():
        wh.execute(f"delete from {REGISTRY} where model_id = ?", [card.model_id])
        wh.execute(
            f"insert into {REGISTRY} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                card.model_id,
                card.market,
                card.model_family,
                card.target,
                card.feature_version,
                card.features,
                json.dumps(card.params, sort_keys=True),
                card.train_start,
                card.trained_through_date,
                card.valid_start,
                card.valid_end,
                card.test_start,
                card.test_end,
                card.n_train,
                card.n_valid,
                card.n_test,
                card.best_iteration,
                json.dumps(card.metrics, sort_keys=True, default=str),
                card.artifact_path,
                card.created_at,
            ],
        )
    return card


def load(wh: Warehouse, model_id: str) -> tuple[dict[str, Any], HistGradientBoostingRegressor]:
    """A registered model's registry row and estimator; the feature list must be today's contract."""
    ensure_prediction_tables(wh)
    rows = wh.dicts(f"select * from {REGISTRY} where model_id = ?", [model_id])
    if not rows:
        raise UsageError(f"unknown model {model_id!r} (see predictions.model_registry)")
    row = rows[0]
    path = Path(row["artifact_path"])
    if not path.exists():
        raise UsageError(f"model {model_id}: artifact {path} is missing (train again)")
    blob = joblib.load(path)
    expected = [f.name for f in feature_contract.V1_FEATURES]
    if list(blob["features"]) != expected:
        raise UsageError(f"model {model_id} was trained on another feature list; retrain it")
    return row, blob["estimator"]


def latest_model(wh: Warehouse, market: str, before: date) -> str | None:
    """The newest registered GBDT of `market` whose training ended strictly before `before`."""
    ensure_prediction_tables(wh)
    return wh.scalar(
        f"select model_id from {REGISTRY} where market = ? and model_family = 'gbdt' "
        "and trained_through_date < ? order by trained_through_date desc, created_at desc limit 1",
        [market, before],
    )
