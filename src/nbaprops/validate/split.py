"""Readiness lie 4: the training/validation/test split must be chronological (pitfall 21).

If a model has been trained, its split is read from `predictions.model_registry` (one row per model:
train_start, valid_start..valid_end, trained_through_date, test_start..test_end) and every registered
model must satisfy train_start < valid_start <= valid_end <= trained_through_date < test_start.
Otherwise the split the dataset builder would produce over the range's training rows is computed with
`nbaprops.ml.dataset.chronological_split` (training window = the first 85% of rows by date, the rest the
test period) and must satisfy max(train) < min(valid) <= max(valid) < min(test), no row in two splits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from nbaprops.validate.results import CheckResult
from nbaprops.warehouse import Warehouse

REGISTRY = "predictions.model_registry"
MLFS = "features.ml_feature_store_v2"
PGS = "analytics.player_game_summary"
TEST_FRACTION = 0.15
FIX = "train with chronological splits only (nbaprops.ml.dataset.chronological_split), then retrain"


def _registered(wh: Warehouse) -> list[dict[str, Any]]:
    if not wh.table_exists(REGISTRY):
        return []
    cols = set(wh.columns(REGISTRY))
    need = {"model_id", "train_start", "valid_start", "valid_end", "trained_through_date", "test_start"}
    if not need <= cols:
        return []
    order = "created_at" if "created_at" in cols else "model_id"
    return wh.dicts(
        f"select model_id, train_start, valid_start, valid_end, trained_through_date, test_start, "
        f"{'test_end' if 'test_end' in cols else 'null as test_end'} from {REGISTRY} order by {order}"
    )


def _models_ok(models: list[dict[str, Any]]) -> tuple[CheckResult, dict[str, Any]]:
    bad: list[str] = []
    dates: set[date] = set()
    for m in models:
        ts, vs, ve, tt, te = (
            m["train_start"],
            m["valid_start"],
            m["valid_end"],
            m["trained_through_date"],
            m["test_start"],
        )
        ok = ts is not None and vs is not None and ve is not None and ts < vs <= ve
        ok = ok and (tt is None or ve <= tt) and (te is None or (tt or ve) < te)
        if not ok:
            bad.append(m["model_id"])
            dates.update(d for d in (vs, te) if d is not None)
    last = models[-1]
    note = (
        f"{len(models)} registered model(s); latest {last['model_id']}: train from "
        f"{last['train_start']}, valid {last['valid_start']}..{last['valid_end']}, trained through "
        f"{last['trained_through_date']}, test from {last['test_start']}"
    )
    result = CheckResult(
        REGISTRY,
        "chronological_split",
        not bad,
        float(len(bad)),
        0.0,
        tuple(sorted(dates)),
        FIX,
        unit="count",
        direction="max",
        note=note,
        items=tuple(bad),
        items_label="models",
    )
    return result, {"source": "model_registry", "models": models}


def _builder_split(wh: Warehouse, rng: tuple[date, date]) -> tuple[CheckResult, dict[str, Any]]:
    days = wh.rows(
        f"""
        select m.game_date from {MLFS} m
        join {PGS} p on p.game_id = m.game_id and p.player_id = m.player_id and p.played_flag
        where m.game_date between ? and ? and m.is_training_ready order by 1
        """,
        list(rng),
    )
    d = np.array([r[0] for r in days], dtype="datetime64[D]")
    if len(np.unique(d)) < 3:
        return CheckResult(
            MLFS,
            "chronological_split",
            True,
            None,
            None,
            note=f"{len(np.unique(d))} training dates: too few to split",
        ), {"source": "dataset_builder", "rows": len(d)}
    trained_through = _py(d[int(np.floor(len(d) * (1 - TEST_FRACTION)))] - np.timedelta64(1, "D"))
    try:
        from nbaprops.ml.dataset import chronological_split

        split = chronological_split(d, trained_through)
        masks = (split.train, split.valid, split.test)
    except ImportError:  # pragma: no cover - the ML package ships with nbaprops
        cutoff = d[int(np.floor(np.sum(d <= np.datetime64(trained_through)) * 0.85))]
        window = d <= np.datetime64(trained_through)
        masks = (window & (d < cutoff), window & (d >= cutoff), ~window)
    except Exception as exc:  # the builder refused its own split: that is the finding
        return CheckResult(
            MLFS,
            "chronological_split",
            False,
            None,
            None,
            fix=FIX,
            note=f"the dataset builder's split failed: {exc}",
        ), {"source": "dataset_builder"}
    spans = {
        name: (_py(d[m].min()), _py(d[m].max())) if m.any() else (None, None)
        for name, m in zip(("train", "valid", "test"), masks, strict=True)
    }
    overlap = bool(np.any(masks[0] & masks[1]) or np.any(masks[1] & masks[2]) or np.any(masks[0] & masks[2]))
    (_, tr_max), (va_min, va_max), (te_min, _) = spans["train"], spans["valid"], spans["test"]
    ok = (
        not overlap
        and tr_max is not None
        and va_min is not None
        and tr_max < va_min
        and (te_min is None or (va_max is not None and va_max < te_min))
    )
    bad_dates = tuple(x for x in (va_min, te_min) if x is not None) if not ok else ()
    note = "no model trained yet; the dataset builder's split: " + "; ".join(
        f"{k} {a}..{b} ({int(m.sum()):,} rows)" for (k, (a, b)), m in zip(spans.items(), masks, strict=True)
    )
    return CheckResult(MLFS, "chronological_split", ok, None, None, bad_dates, FIX, note=note), {
        "source": "dataset_builder",
        **{k: [str(a), str(b)] for k, (a, b) in spans.items()},
    }


def _py(d: np.datetime64) -> date:
    return date.fromisoformat(str(d.astype("datetime64[D]")))


def split_check(wh: Warehouse, rng: tuple[date, date]) -> tuple[CheckResult, dict[str, Any]]:
    models = _registered(wh)
    if models:
        return _models_ok(models)
    return _builder_split(wh, rng)
