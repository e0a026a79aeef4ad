"""`nbaprops predict --date D`: one date's rows of `predictions.player_prop_predictions`.

Grain: (`game_date`, `game_id`, `player_id`, `market`, `model_id`). Rows: every MLFS row on D with
`is_prediction_eligible` and not `early_season_flag` (SPEC §6), past or future (scheduled games have
feature rows). Per market (`points`, `threes`) the GBDT model (`model_family` gbdt) and the baselines
(`baseline_season_avg`, `baseline_last_10`, `baseline_weighted`, and `baseline_line` for lined rows;
`model_family` baseline) are written.

* The GBDT is the newest registered model of the market with `trained_through_date` < D, or the one
  named by `--model-id`, which is refused when it was trained through D or later. Baselines use only
  data before D, so their `trained_through_date` is D − 1.
* line / line_book: UPCG `points_line` / `threes_line` and book at prediction time.
* edge = predicted − line; recommendation OVER if edge ≥ min_edge (default 1.0), UNDER if
  edge ≤ −min_edge, else PASS; PASS without a line (edge NULL); PASS when a required feature was
  defaulted (`required_default_count` > 0, the feature-quality gate); `baseline_line` always PASS
  (edge 0). `pass_reason` says which rule passed.
* The write replaces the date's rows of the markets predicted in one transaction (idempotent).
* A future date is not an expected partition of the backfill (Phase 4 expects completed games), so
  when D has UPCG rows but no feature rows, `ensure_features` builds D's Phase 4 partitions
  (precompute, then the feature store) with the engine's own stage-audit-publish step first.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from nbaprops.errors import UsageError
from nbaprops.feature_contract import FEATURE_VERSION
from nbaprops.ml import metrics
from nbaprops.ml.dataset import MLFS, TARGETS, load_rows
from nbaprops.ml.evaluate import LINE_COLUMNS, baselines
from nbaprops.ml.model import latest_model, load, predict_with
from nbaprops.ml.schema import PREDICTION_COLUMNS, PREDICTIONS, REGISTRY, ensure_prediction_tables
from nbaprops.warehouse import Warehouse


def registered_markets(wh: Warehouse) -> list[str]:
    return [
        r[0]
        for r in wh.rows(f"select distinct market from {REGISTRY} where model_family = 'gbdt' order by 1")
    ]


def choose_model(wh: Warehouse, market: str, day: date, model_id: str | None) -> tuple[dict[str, Any], Any]:
    """The model to serve `day`; refuses one trained through `day` or later (look-ahead)."""
    chosen = model_id or latest_model(wh, market, day)
    if chosen is None:
        raise UsageError(
            f"no {market} model trained before {day}: run `nbaprops train --target {market} "
            f"--end {day - timedelta(days=1)}`"
        )
    card, estimator = load(wh, chosen)
    if card["market"] != market:
        raise UsageError(f"model {chosen} is a {card['market']} model, not {market}")
    if card["trained_through_date"] >= day:
        raise UsageError(
            f"model {chosen} was trained through {card['trained_through_date']}, "
            f"not before {day}: refusing a look-ahead prediction"
        )
    return card, estimator


def ensure_features(wh: Warehouse, day: date, run_id: str) -> list[str]:
    """Build `day`'s Phase 4 partitions when it has UPCG rows but no feature rows (a scheduled date);
    returns the tables built. A date that already has feature rows is left alone."""
    from nbaprops import registry
    from nbaprops.backfill import build_batch
    from nbaprops.planner import prepare

    if wh.scalar(f"select count(*) from {MLFS} where game_date = ?", [day]):
        return []
    if not wh.scalar(
        "select count(*) from analytics.upcoming_player_game_context where game_date = ?", [day]
    ):
        return []
    prepare(wh)
    built = []
    for table in registry.all_tables():
        if table.phase in ("precompute", "features"):
            build_batch(wh, table, [day], run_id)
            built.append(table.name)
    return built


def run_predict(
    wh: Warehouse,
    day: date,
    min_edge: float = metrics.DEFAULT_MIN_EDGE,
    markets: tuple[str, ...] | None = None,
    model_id: str | None = None,
    run_id: str = "predict",
) -> dict[str, Any]:
    """Predict every eligible row of `day` and replace the date's rows; returns a summary."""
    ensure_prediction_tables(wh)
    if min_edge < 0:
        raise UsageError("--min-edge must be >= 0")
    if markets is None:
        markets = tuple(m for m in TARGETS if m in registered_markets(wh))
        if model_id:
            markets = tuple(
                r[0] for r in wh.rows(f"select market from {REGISTRY} where model_id = ?", [model_id])
            )
        if not markets:
            raise UsageError("no trained model: run `nbaprops train` first")
    elif model_id and len(markets) != 1:
        raise UsageError("--model-id serves one market; pass --target too")
    if not wh.table_exists(MLFS):
        raise UsageError(f"no {MLFS}: run `nbaprops backfill --through features` first")
    built = ensure_features(wh, day, run_id)
    rows = load_rows(wh, day, day, "eligible")
    n_feature_rows = int(wh.scalar(f"select count(*) from {MLFS} where game_date = ?", [day]))
    gated = (
        np.nan_to_num(rows.context["required_default_count"].astype(float)) > 0
        if len(rows)
        else np.zeros(0, bool)
    )
    parts: list[pa.Table] = []
    models: dict[str, str] = {}
    for market in markets:
        card, estimator = choose_model(wh, market, day, model_id)
        models[market] = card["model_id"]
        line_col, book_col = LINE_COLUMNS[market]
        line = rows.context[line_col].astype(float) if len(rows) else np.zeros(0)
        book = rows.context[book_col] if len(rows) else np.zeros(0, object)
        preds: dict[str, tuple[str, np.ndarray, date, np.ndarray]] = {}
        if len(rows):
            preds[card["model_id"]] = (
                "gbdt",
                predict_with(estimator, rows.X),
                card["trained_through_date"],
                gated,
            )
            for name, values in baselines(rows, market).items():
                preds[name] = ("baseline", values, day - timedelta(days=1), gated)
            preds["baseline_line"] = ("baseline", line, day - timedelta(days=1), gated)
        for mid, (family, values, through, gate) in preds.items():
            keep = ~np.isnan(line) if mid == "baseline_line" else np.ones(len(rows), bool)
            keep &= ~np.isnan(values)
            edge, rec, reason = metrics.recommend(values, line, min_edge, gate)
            if mid == "baseline_line":
                reason = np.full(len(rec), "line_model", dtype=object)
                rec = np.full(len(rec), "PASS", dtype=object)
            parts.append(
                _table(
                    rows,
                    keep,
                    market,
                    mid,
                    family,
                    values,
                    through,
                    line,
                    book,
                    edge,
                    rec,
                    reason,
                    min_edge,
                    run_id,
                )
            )
    written = _write(wh, day, markets, parts)
    counts = {
        m: int(sum(t.num_rows for t in parts if t.num_rows and t.column("market")[0].as_py() == m))
        for m in markets
    }
    recs = {}
    if written:
        recs = {
            f"{m}/{r}": n
            for m, r, n in wh.rows(
                f"select market, recommendation, count(*) from {PREDICTIONS} where game_date = ? "
                "and model_family = 'gbdt' group by 1, 2 order by 1, 2",
                [day],
            )
        }
    return {
        "date": day.isoformat(),
        "eligible_rows": len(rows),
        "feature_rows": n_feature_rows,
        "rows_written": written,
        "by_market": counts,
        "models": models,
        "gbdt_recommendations": recs,
        "min_edge": min_edge,
        "gated_feature_defaults": int(gated.sum()),
        "features_built": built,
        "note": None
        if len(rows)
        else (
            "no eligible feature rows on this date (no games, or an "
            "early-season date whose rows are placeholders)"
        ),
    }


def _table(
    rows: Any,
    keep: np.ndarray,
    market: str,
    model_id: str,
    family: str,
    values: np.ndarray,
    through: date,
    line: np.ndarray,
    book: np.ndarray,
    edge: np.ndarray,
    rec: np.ndarray,
    reason: np.ndarray,
    min_edge: float,
    run_id: str,
) -> pa.Table:
    n = int(keep.sum())

    def nullable(a: np.ndarray) -> pa.Array:
        v = np.asarray(a, float)[keep]
        return pa.array(v, pa.float64(), mask=np.isnan(v))

    rdc = rows.context["required_default_count"].astype(float)[keep]
    return pa.table(
        {
            "game_date": pa.array(rows.game_date[keep].astype("datetime64[D]"), pa.date32()),
            "game_id": pa.array(list(rows.game_id[keep]), pa.string()),
            "player_id": pa.array(rows.player_id[keep].astype(np.int32), pa.int32()),
            "market": pa.array([market] * n, pa.string()),
            "model_id": pa.array([model_id] * n, pa.string()),
            "model_family": pa.array([family] * n, pa.string()),
            "feature_version": pa.array([FEATURE_VERSION] * n, pa.string()),
            "trained_through_date": pa.array([through] * n, pa.date32()),
            "predicted_value": nullable(values),
            "line": nullable(line),
            "line_book": pa.array(list(book[keep]), pa.string()),
            "edge": nullable(edge),
            "recommendation": pa.array(list(rec[keep]), pa.string()),
            "min_edge": pa.array([min_edge] * n, pa.float64()),
            "pass_reason": pa.array(list(reason[keep]), pa.string()),
            "required_default_count": pa.array(rdc, pa.int32(), mask=np.isnan(rdc)),
            "feature_quality_score": nullable(rows.context["feature_quality_score"].astype(float)),
            "run_id": pa.array([run_id] * n, pa.string()),
        }
    )


def _write(wh: Warehouse, day: date, markets: tuple[str, ...], parts: list[pa.Table]) -> int:
    """Replace the date's rows of these markets in one transaction; returns rows inserted."""
    names = [c for c, _ in PREDICTION_COLUMNS if c != "created_at"]
    staged = pa.concat_tables([p.select(names) for p in parts]) if parts else None
    with wh.transaction():
        wh.execute(
            f"delete from {PREDICTIONS} where game_date = ? and market in (select unnest(?))",
            [day, list(markets)],
        )
        if staged is not None and staged.num_rows:
            wh.register("_predictions", staged)
            try:
                cols = ", ".join(names)
                wh.execute(
                    f"insert into {PREDICTIONS} ({cols}, created_at) select {cols}, now() from _predictions"
                )
            finally:
                wh.unregister("_predictions")
    return 0 if staged is None else staged.num_rows
