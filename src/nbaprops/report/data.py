"""Facts the dashboard and the result documents show, read from the warehouse (never recomputed by hand).

* `coverage_grid`: per season, per registered table and schedule date, one status:
  `complete` (ledger complete and rows present), `failed`, `missing` (expected but absent, or ledger
  complete while the table has no rows), `skipped` (bootstrap), or `none` (not expected).
* `run_history`: `state.runs`, newest first, with durations and per-model timings of backfills.
* `feature_quality`: MLFS tiers, default counts and the source tag mix of every v1 feature.
* `evaluation`: `predictions.evaluation_summary` rows, when a model has been evaluated.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from nbaprops import registry
from nbaprops.feature_contract import V1_FEATURES
from nbaprops.partitions import DateRange, expected_dates
from nbaprops.validate.gates import season_label
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
SUMMARY = "predictions.evaluation_summary"
STATUSES = ("complete", "failed", "missing", "skipped", "none")


def coverage_grid(wh: Warehouse, rng: DateRange) -> list[dict[str, Any]]:
    """One entry per season: its dates and, per table, a status letter per date."""
    if not wh.table_exists("raw.schedule_games"):
        return []
    days = wh.rows(
        "select game_date, max(season_year) from raw.schedule_games where game_date between ? and ? "
        "group by 1 order by 1",
        [rng.start, rng.end],
    )
    ledger: dict[tuple[str, date], str] = {}
    if wh.table_exists("state.partitions"):
        ledger = {
            (t, d): s
            for t, d, s in wh.rows(
                "select table_name, partition_date, status from state.partitions "
                "where partition_date between ? and ?",
                [rng.start, rng.end],
            )
        }
    tables = [t for t in registry.all_tables() if t.phase != "raw"]
    rows_on: dict[str, set[date]] = {}
    expected: dict[str, set[date]] = {}
    for t in tables:
        expected[t.name] = set(expected_dates(wh, t.expected, rng))
        rows_on[t.name] = (
            {
                r[0]
                for r in wh.rows(
                    f"select distinct {t.date_column} from {t.name} where {t.date_column} between ? and ?",
                    [rng.start, rng.end],
                )
            }
            if wh.table_exists(t.name)
            else set()
        )
    seasons: dict[int, list[date]] = {}
    for d, s in days:
        seasons.setdefault(s, []).append(d)
    out = []
    for season, dates in sorted(seasons.items()):
        grid = {}
        for t in tables:
            cells = []
            for d in dates:
                status = ledger.get((t.name, d))
                if status == "skipped":
                    cells.append("skipped")
                elif d not in expected[t.name]:
                    cells.append("none")
                elif status == "complete" and d in rows_on[t.name]:
                    cells.append("complete")
                elif status == "failed":
                    cells.append("failed")
                else:
                    cells.append("missing")
            grid[t.name] = cells
        out.append({"season": season_label(season), "dates": [d.isoformat() for d in dates], "tables": grid})
    return out


def run_history(wh: Warehouse, limit: int = 50) -> list[dict[str, Any]]:
    """`state.runs`, newest first, with seconds and (for backfills) per-model timings."""
    if not wh.table_exists("state.runs"):
        return []
    rows = wh.dicts(
        "select run_id, command, arguments, started_at, ended_at, status, details, "
        "epoch(ended_at - started_at) as seconds from state.runs order by started_at desc limit ?",
        [limit],
    )
    for r in rows:
        try:
            details = json.loads(r.pop("details") or "{}")
        except json.JSONDecodeError:
            details = {}
        r["models"] = [
            {
                "table": m.get("table"),
                "seconds": m.get("seconds"),
                "rows": m.get("rows"),
                "partitions": m.get("partitions_written"),
            }
            for m in details.get("models", [])
            if isinstance(m, dict)
        ]
        r["error"] = details.get("error")
        r["started_at"] = str(r["started_at"])
        r["ended_at"] = str(r["ended_at"]) if r["ended_at"] else None
    return rows


def feature_quality(wh: Warehouse, rng: DateRange) -> dict[str, Any]:
    """Tiers, default counts and per-feature source mix of the feature store over the range."""
    if not wh.table_exists(MLFS):
        return {}
    where = "game_date between ? and ?"
    params = [rng.start, rng.end]
    tiers = wh.rows(
        f"select coalesce(quality_tier, 'placeholder'), count(*) from {MLFS} where {where} "
        "group by 1 order by 2 desc",
        params,
    )
    defaults = wh.rows(
        f"select default_feature_count, count(*) from {MLFS} where {where} "
        "and not early_season_flag group by 1 order by 1",
        params,
    )
    totals = wh.dicts(
        f"select count(*) as rows, count(*) filter (where early_season_flag) as early, "
        f"count(*) filter (where is_training_ready) as training_ready, "
        f"count(*) filter (where is_prediction_eligible and not early_season_flag) as eligible, "
        f"avg(feature_quality_score) filter (where not early_season_flag) as mean_quality "
        f"from {MLFS} where {where}",
        params,
    )[0]
    mix = []
    for i, f in enumerate(V1_FEATURES):
        counts = dict(
            wh.rows(
                f"select feature_sources[{i + 1}], count(*) from {MLFS} where {where} "
                "and not early_season_flag group by 1",
                params,
            )
        )
        sources = {k or "null": v for k, v in counts.items()}
        mix.append({"feature": f.name, "role": f.role, "sources": sources})
    return {"tiers": tiers, "defaults": defaults, "totals": totals, "mix": mix}


#: SPEC §6 sanity ranges (pitfall 51): a held-out points MAE below this, or a hit rate above
#: `HIT_RATE_MAX` at |edge| >= 3, is treated as leakage until disproven.
POINTS_MAE_MIN = 3.6
HIT_RATE_MAX = 0.60


def sanity(row: dict[str, Any]) -> str:
    """'' for a believable evaluation row, else why it is a leakage suspect (SPEC §6)."""
    flags = []
    mae = row.get("mae")
    if row.get("market") == "points" and mae is not None and mae < POINTS_MAE_MIN:
        flags.append(f"MAE {mae:.2f} < {POINTS_MAE_MIN}")
    rate, edge = row.get("hit_rate"), row.get("edge_threshold")
    if rate is not None and edge is not None and edge >= 3 and rate > HIT_RATE_MAX:
        flags.append(f"hit rate {rate:.1%} > {HIT_RATE_MAX:.0%} at |edge| >= {edge:g}")
    return (
        ("LEAKAGE SUSPECT: " + "; ".join(flags) + "; rerun the leak tests (SPEC §8 #14-16)") if flags else ""
    )


def evaluation(wh: Warehouse) -> list[dict[str, Any]]:
    if not wh.table_exists(SUMMARY):
        return []
    cols = set(wh.columns(SUMMARY))
    keep = [
        c
        for c in (
            "model_id",
            "market",
            "period_start",
            "period_end",
            "edge_threshold",
            "n_predictions",
            "mae",
            "bias",
            "mae_lined",
            "n_bets",
            "hit_rate",
            "beats_break_even",
            "source",
        )
        if c in cols
    ]
    rows = wh.dicts(f"select {', '.join(keep)} from {SUMMARY} order by all limit 200")
    for r in rows:
        r["sanity"] = sanity(r)
    return rows
