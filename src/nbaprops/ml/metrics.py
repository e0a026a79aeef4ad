"""Betting and error arithmetic shared by `evaluate` and `predict` (SPEC §6), vectorised over rows.

* `recommend`: OVER if edge ≥ min_edge, UNDER if edge ≤ −min_edge, PASS otherwise, without a line, or
  when the row fails the feature-quality gate (a required feature was defaulted).
* `line_result`: OVER / UNDER / PUSH (explicit, pitfall 23); None without a line or when not played.
* `hit_rate`: hits / bets at |edge| ≥ t, pushes and voids excluded, with a 95% Wilson interval.
* `roi`: flat one-unit stakes at the real American price of the side taken.
* Baselines: season average, last 10, and the weighted rule 0.35·L5 + 0.40·L10 + 0.25·season.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Break-even hit rate at −110 on both sides: 110/210.
BREAK_EVEN = 110 / 210
EDGE_THRESHOLDS = (1.0, 3.0, 5.0)
DEFAULT_MIN_EDGE = 1.0
WEIGHTS = (0.35, 0.40, 0.25)


def weighted_rule(last_5: np.ndarray, last_10: np.ndarray, season: np.ndarray) -> np.ndarray:
    """`baseline_weighted`: 0.35·L5 + 0.40·L10 + 0.25·season."""
    w5, w10, ws = WEIGHTS
    return w5 * np.asarray(last_5, float) + w10 * np.asarray(last_10, float) + ws * np.asarray(season, float)


def recommend(
    predicted: np.ndarray,
    line: np.ndarray,
    min_edge: float = DEFAULT_MIN_EDGE,
    gated: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(edge, recommendation, pass_reason) per row; edge is NaN without a line."""
    predicted = np.asarray(predicted, float)
    line = np.asarray(line, float)
    edge = predicted - line
    rec = np.full(len(edge), "PASS", dtype=object)
    reason = np.full(len(edge), None, dtype=object)
    has_line = ~np.isnan(line) & ~np.isnan(predicted)
    over = has_line & (edge >= min_edge)
    under = has_line & (edge <= -min_edge)
    rec[over] = "OVER"
    rec[under] = "UNDER"
    reason[~has_line] = "no_line"
    reason[has_line & ~over & ~under] = "below_min_edge"
    if gated is not None:
        gate = np.asarray(gated, bool) & has_line & (over | under)
        rec[gate] = "PASS"
        reason[gate] = "feature_defaults"
    return edge, rec, reason


def line_result(actual: np.ndarray, line: np.ndarray, played: np.ndarray) -> np.ndarray:
    """OVER / UNDER / PUSH per row; None when there is no line or the player did not play."""
    actual = np.asarray(actual, float)
    line = np.asarray(line, float)
    ok = np.asarray(played, bool) & ~np.isnan(actual) & ~np.isnan(line)
    out = np.full(len(actual), None, dtype=object)
    out[ok & (actual > line)] = "OVER"
    out[ok & (actual < line)] = "UNDER"
    out[ok & (actual == line)] = "PUSH"
    return out


def prediction_correct(rec: np.ndarray, result: np.ndarray) -> np.ndarray:
    """True/False for OVER/UNDER bets against an OVER/UNDER result; None for PASS, PUSH and voids."""
    out = np.full(len(rec), None, dtype=object)
    for i, (r, res) in enumerate(zip(rec, result, strict=True)):
        if r in ("OVER", "UNDER") and res in ("OVER", "UNDER"):
            out[i] = r == res
    return out


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return None, None
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return round(centre - half, 4), round(centre + half, 4)


def win_profit(american: np.ndarray) -> np.ndarray:
    """Profit of a winning one-unit stake at American odds (+150 → 1.5, −110 → 0.909)."""
    o = np.asarray(american, float)
    return np.where(o > 0, o / 100.0, 100.0 / np.abs(o))


def betting_summary(
    edge: np.ndarray,
    rec: np.ndarray,
    result: np.ndarray,
    over_odds: np.ndarray | None = None,
    under_odds: np.ndarray | None = None,
    thresholds: tuple[float, ...] = EDGE_THRESHOLDS,
) -> dict[str, dict[str, Any]]:
    """Per |edge| threshold: bets, hits, hit rate (Wilson 95%), pushes, and ROI at the real prices."""
    edge = np.asarray(edge, float)
    correct = prediction_correct(rec, result)
    out: dict[str, dict[str, Any]] = {}
    for t in thresholds:
        take = np.array([r in ("OVER", "UNDER") for r in rec]) & (np.abs(np.nan_to_num(edge)) >= t)
        decided = take & np.array([c is not None for c in correct])
        hits = int(sum(1 for c in correct[decided] if c))
        n = int(decided.sum())
        lo, hi = wilson(hits, n)
        entry: dict[str, Any] = {
            "n": n,
            "hits": hits,
            "hit_rate": round(hits / n, 4) if n else None,
            "ci95": [lo, hi],
            "pushes": int(sum(1 for r in result[take] if r == "PUSH")),
            "beats_break_even": (lo is not None and lo > BREAK_EVEN),
        }
        if over_odds is not None and under_odds is not None:
            price = np.where(rec == "OVER", np.asarray(over_odds, float), np.asarray(under_odds, float))
            priced = decided & ~np.isnan(price)
            wins = np.array([bool(c) for c in correct[priced]], bool)
            profit = np.where(wins, win_profit(price[priced]), -1.0)
            entry["n_priced"] = int(priced.sum())
            entry["profit_units"] = round(float(profit.sum()), 3) if priced.any() else None
            entry["roi"] = round(float(profit.mean()), 4) if priced.any() else None
        out[f"{t:g}"] = entry
    return out
