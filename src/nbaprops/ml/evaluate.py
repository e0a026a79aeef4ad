"""`nbaprops evaluate`: monthly walk-forward backtest, baselines, and markets against real lines.

Walk-forward (SPEC §6): for every calendar month M of the evaluated seasons, a model is trained only on
training-ready rows dated in [M − window_days, M − 1] (its own chronological early-stopping split
inside that window) and predicts the eligible rows of M. Every prediction therefore has
trained_through_date < game_date. MAE is over played rows only; the baselines are scored on exactly
the same rows.

Markets: every eligible, played row with a real pre-tip line (UPCG `points_line` / `threes_line`),
predicted by the same walk-forward scheme (points model for points, a second model on
`target_threes_made` for threes). Per market: model MAE vs line MAE on the same player-games, hit rate
at |edge| ≥ 1, 3, 5 with n and a 95% Wilson interval (pushes and voids excluded, the feature-quality
gate applied as in `predict`), and ROI at the chosen book's real American prices for the selected
main line. Results that look too good are flagged as suspected leakage (pitfall 51).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from nbaprops.errors import UsageError
from nbaprops.ml import metrics
from nbaprops.ml.dataset import MLFS, TARGETS, Dataset, load_rows
from nbaprops.ml.model import fit_dataset, mae
from nbaprops.ml.schema import GRADES, SUMMARY, ensure_prediction_tables
from nbaprops.warehouse import Warehouse

DEFAULT_SEASONS = (2023, 2024)
TRAIN_WINDOW_DAYS = 365
#: Leakage flags (pitfall 51, SPEC §6 sanity ranges).
LEAK_MAE = 3.6
LEAK_HIT_RATE = 0.60
LEAK_MIN_BETS = 500
MINUTES_TIERS = (("under_20", 0.0, 20.0), ("20_to_30", 20.0, 30.0), ("30_plus", 30.0, 1e9))
PROP_TABLES = {"points": "raw.oddsapi_player_points_props", "threes": "raw.oddsapi_player_threes_props"}
LINE_COLUMNS = {"points": ("points_line", "points_line_book"), "threes": ("threes_line", "threes_line_book")}


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _dates(a: np.ndarray) -> list[date]:
    return [date.fromisoformat(str(x)) for x in a.astype("datetime64[D]")]


@dataclass
class WalkForward:
    """Monthly walk-forward models of one market; models are cached by month across callers."""

    wh: Warehouse
    market: str
    window_days: int = TRAIN_WINDOW_DAYS
    months: dict[date, dict[str, Any]] = field(default_factory=dict)
    _models: dict[date, Any] = field(default_factory=dict)
    _train: Dataset | None = None
    _train_span: tuple[date, date] | None = None

    def _training_rows(self, first: date, last: date) -> Dataset:
        lo, hi = first - timedelta(days=self.window_days), last - timedelta(days=1)
        if self._train_span is None or lo < self._train_span[0] or hi > self._train_span[1]:
            if self._train_span is not None:
                lo, hi = min(lo, self._train_span[0]), max(hi, self._train_span[1])
            self._train = load_rows(self.wh, lo, hi, "training")
            self._train_span = (lo, hi)
        assert self._train is not None
        return self._train

    @property
    def audit(self) -> dict[str, Any] | None:
        """How MLFS points_avg_last_5 matched the strict vs the inclusive window on the training rows."""
        return self._train.audit if self._train is not None else None

    def predict(self, rows: Dataset) -> np.ndarray:
        """Walk-forward predictions for `rows` (NaN where a month had too little history)."""
        out = np.full(len(rows), np.nan)
        if not len(rows):
            return out
        days = _dates(rows.game_date)
        months = sorted({month_start(d) for d in days})
        train = self._training_rows(months[0], next_month(months[-1]))
        month_of = np.array([month_start(d) for d in days], dtype=object)
        for m in months:
            if m not in self._models:
                self._models[m] = self._fit_month(train, m)
            fitted = self._models[m]
            if fitted is None:
                continue
            mask = month_of == m
            out[mask] = fitted.predict(rows.X[mask])
        return out

    def _fit_month(self, train: Dataset, m: date) -> Any:
        lo = np.datetime64(m - timedelta(days=self.window_days))
        window = (train.game_date >= lo) & (train.game_date < np.datetime64(m))
        info: dict[str, Any] = {"month": m.isoformat(), "n_window": int(window.sum())}
        self.months[m] = info
        if window.sum() < 300:
            info["skipped"] = "too few training rows"
            return None
        rows = train.take(window)
        try:
            fitted, split = fit_dataset(rows, self.market)
        except UsageError as exc:
            info["skipped"] = str(exc)
            return None
        spans = split.dates(rows.game_date)
        info.update(
            {
                "train_start": spans["train"][0],
                "valid_start": spans["valid"][0],
                "trained_through_date": spans["valid"][1],
                "best_iteration": fitted.best_iteration,
                "valid_mae": round(fitted.valid_mae, 4),
            }
        )
        assert spans["valid"][1] is not None and spans["valid"][1] < m  # trained_through < every game
        return fitted


def baselines(rows: Dataset, market: str) -> dict[str, np.ndarray]:
    """The SPEC baselines for a market, on the rows' pre-game values (never the game itself)."""
    if market == "points":
        l5, l10, season = (
            rows.column(n) for n in ("points_avg_last_5", "points_avg_last_10", "points_avg_season")
        )
    else:
        season = np.nan_to_num(rows.context["threes_avg_season"], nan=0.0)
        l10 = np.where(
            np.isnan(rows.context["threes_avg_last_10"]), season, rows.context["threes_avg_last_10"]
        )
        l5 = np.where(np.isnan(rows.context["threes_avg_last_5"]), l10, rows.context["threes_avg_last_5"])
    return {
        "baseline_season_avg": season,
        "baseline_last_10": l10,
        "baseline_weighted": metrics.weighted_rule(l5, l10, season),
    }


def season_span(wh: Warehouse, season: int) -> tuple[date, date] | None:
    row = wh.rows(
        "select min(game_date), max(game_date) from raw.schedule_games where season_year = ?", [season]
    )
    return None if row[0][0] is None else (row[0][0], row[0][1])


def pick_seasons(wh: Warehouse, seasons: tuple[int, ...] | None) -> tuple[int, ...]:
    """The requested seasons; by default 2023-24 and 2024-25 when the store has labelled rows for
    them, else the last two seasons that do."""
    labelled = [
        r[0]
        for r in wh.rows(
            f"select distinct u.season_year from {MLFS} f join analytics.upcoming_player_game_context u "
            "using (game_id, player_id) join analytics.player_game_summary p using (game_id, player_id) "
            "where f.is_prediction_eligible and not f.early_season_flag and p.played_flag order by 1"
        )
    ]
    if seasons:
        missing = [s for s in seasons if s not in labelled]
        if missing:
            raise UsageError(f"no labelled feature rows for season(s) {missing} (have {labelled})")
        return seasons
    if all(s in labelled for s in DEFAULT_SEASONS):
        return DEFAULT_SEASONS
    if not labelled:
        raise UsageError("no labelled, eligible feature rows: run `nbaprops backfill --through features`")
    return tuple(labelled[-2:])


def chosen_prices(wh: Warehouse, market: str, start: date, end: date) -> pa.Table:
    """The over/under prices of the line each row was graded against: the chosen book's main line in
    its latest pre-tip snapshot, both prices present (a median line without prices has no price)."""
    table = PROP_TABLES[market]
    line, book = LINE_COLUMNS[market]
    if not wh.table_exists(table) or not wh.table_exists("meta.prop_player_map"):
        return pa.table(
            {
                "game_id": pa.array([], pa.string()),
                "player_id": pa.array([], pa.int64()),
                "over_odds": pa.array([], pa.float64()),
                "under_odds": pa.array([], pa.float64()),
            }
        )
    return wh.arrow(
        f"""
        with lined as (
            select u.game_id, u.game_date, u.player_id, u.{line} as line, u.{book} as book,
                   g.home_team_abbr, g.away_team_abbr
            from analytics.upcoming_player_game_context u
            join raw.schedule_games g on g.game_id = u.game_id
            where u.{line} is not null and u.game_date between $start and $end
        ),
        quotes as (
            select m.player_id, r.game_date, r.home_team_abbr, r.away_team_abbr, r.bookmaker, r.line,
                   r.snapshot_ts, cast(r.over_odds as double) as over_odds,
                   cast(r.under_odds as double) as under_odds
            from {table} r
            join meta.prop_player_map m
              on m.source_table = '{table.split(".")[1]}' and m.player = r.player
             and m.game_date = r.game_date and m.home_team_abbr = r.home_team_abbr
             and m.away_team_abbr = r.away_team_abbr
            where r.is_pre_tip and r.snapshot_ts < r.game_time and m.player_id is not null
              and r.over_odds is not null and r.under_odds is not null
              and r.game_date between $start and $end
        )
        select l.game_id, cast(l.player_id as bigint) as player_id, q.over_odds, q.under_odds
        from lined l
        join quotes q
          on q.player_id = l.player_id and q.game_date = l.game_date
         and q.home_team_abbr = l.home_team_abbr and q.away_team_abbr = l.away_team_abbr
         and q.bookmaker = l.book and q.line = l.line
        qualify row_number() over (partition by l.game_id, l.player_id
                                   order by q.snapshot_ts desc, abs(q.over_odds - q.under_odds) asc) = 1
        """,
        {"start": start, "end": end},
    )


def _prices_for(rows: Dataset, prices: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    key = {
        (g, int(p)): (o, u)
        for g, p, o, u in zip(
            prices.column("game_id").to_pylist(),
            prices.column("player_id").to_pylist(),
            prices.column("over_odds").to_pylist(),
            prices.column("under_odds").to_pylist(),
            strict=True,
        )
    }
    pairs = [key.get((g, int(p)), (None, None)) for g, p in zip(rows.game_id, rows.player_id, strict=True)]
    over = np.array([np.nan if o is None else o for o, _ in pairs], float)
    under = np.array([np.nan if u is None else u for _, u in pairs], float)
    return over, under


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(float(x), nd)


def error_block(pred: np.ndarray, actual: np.ndarray) -> dict[str, Any]:
    ok = ~(np.isnan(pred) | np.isnan(actual))
    return {
        "n": int(ok.sum()),
        "mae": _r(mae(pred, actual)),
        "bias": _r(float(np.mean(pred[ok] - actual[ok]))) if ok.any() else None,
    }


def walk_forward_report(wf: WalkForward, rows: Dataset) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """MAE of the walk-forward model and the baselines on the same played rows, with breakdowns."""
    y = rows.y(wf.market)
    pred = wf.predict(rows)
    base = baselines(rows, wf.market)
    same = ~np.isnan(pred) & ~np.isnan(y)
    for b in base.values():
        same &= ~np.isnan(b)
    r = rows.take(same)
    pred, y = pred[same], y[same]
    base = {k: v[same] for k, v in base.items()}
    report: dict[str, Any] = {
        "market": wf.market,
        "n": len(y),
        "mae": _r(mae(pred, y)),
        "bias": _r(float(np.mean(pred - y))) if len(y) else None,
        "baselines": {
            k.removeprefix("baseline_").replace("weighted", "weighted_rule"): _r(mae(v, y))
            for k, v in base.items()
        },
        "rows_without_prediction": int((~same).sum()),
    }
    best = min(
        ((k, v) for k, v in report["baselines"].items() if v is not None),
        key=lambda kv: kv[1],
        default=(None, None),
    )
    report["best_baseline"] = {"name": best[0], "mae": best[1]}
    minutes = r.column("minutes_avg_last_10")
    report["by_minutes_tier"] = {
        name: {
            "n": int(m.sum()),
            "mae": _r(mae(pred[m], y[m])),
            **{k.removeprefix("baseline_"): _r(mae(v[m], y[m])) for k, v in base.items()},
        }
        for name, lo, hi in MINUTES_TIERS
        for m in [(minutes >= lo) & (minutes < hi)]
    }
    by_line: dict[str, Any] = {}
    for mkt, (col, _) in LINE_COLUMNS.items():
        has = ~np.isnan(r.context[col].astype(float))
        by_line[f"{mkt}_line"] = {
            flag: {"n": int(m.sum()), "mae": _r(mae(pred[m], y[m]))}
            for flag, m in (("with_line", has), ("without_line", ~has))
        }
    report["by_line"] = by_line
    seasons = r.context["season_year"]
    report["by_season"] = {
        str(int(s)): {
            "n": int((seasons == s).sum()),
            "mae": _r(mae(pred[seasons == s], y[seasons == s])),
            **{
                k.removeprefix("baseline_"): _r(mae(v[seasons == s], y[seasons == s]))
                for k, v in base.items()
            },
        }
        for s in sorted(set(seasons.tolist()))
    }
    return report, {"gbdt": pred, **base, "_actual": y, "_dates": r.game_date}


def market_report(
    wh: Warehouse,
    wf: WalkForward,
    min_edge: float,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model against real lines on every lined, played, eligible row of the market."""
    line_col, _ = LINE_COLUMNS[wf.market]
    span = wh.rows(
        f"select min(game_date), max(game_date) from analytics.upcoming_player_game_context "
        f"where {line_col} is not null"
    )[0]
    empty: dict[str, Any] = {"n": 0, "note": f"no {wf.market} lines in the warehouse"}
    if span[0] is None:
        return empty, {}
    rows = load_rows(wh, span[0], span[1], "eligible")
    line = rows.context[line_col].astype(float)
    y = rows.y(wf.market)
    keep = rows.played & ~np.isnan(line) & ~np.isnan(y)
    rows = rows.take(keep)
    if not len(rows):
        return {**empty, "note": f"no played, eligible rows with a {wf.market} line"}, {}
    pred = wf.predict(rows)
    ok = ~np.isnan(pred)
    rows, pred = rows.take(ok), pred[ok]
    y, line = rows.y(wf.market), rows.context[line_col].astype(float)
    gated = np.nan_to_num(rows.context["required_default_count"].astype(float)) > 0
    edge, rec, _ = metrics.recommend(pred, line, min_edge, gated)
    result = metrics.line_result(y, line, rows.played)
    over, under = _prices_for(rows, chosen_prices(wh, wf.market, span[0], span[1]))
    base = baselines(rows, wf.market)
    _, rec_all, _ = metrics.recommend(pred, line, min_edge)

    def block(m: np.ndarray) -> dict[str, Any]:
        bets = metrics.betting_summary(edge[m], rec[m], result[m], over[m], under[m])
        days = _dates(rows.game_date[m])
        out: dict[str, Any] = {
            "n": int(m.sum()),
            "period": [min(days).isoformat(), max(days).isoformat()],
            "model_mae": _r(mae(pred[m], y[m])),
            "line_mae": _r(mae(line[m], y[m])),
            "model_bias": _r(float(np.mean(pred[m] - y[m]))),
            "line_bias": _r(float(np.mean(line[m] - y[m]))),
            "baseline_mae": {k.removeprefix("baseline_"): _r(mae(v[m], y[m])) for k, v in base.items()},
            "pushes": int(sum(1 for r in result[m] if r == "PUSH")),
            "gated_feature_defaults": int(gated[m].sum()),
            "rows_with_price": int((~np.isnan(over[m])).sum()),
            "hit_rate": {k: v["hit_rate"] for k, v in bets.items()},
            "hit_rate_ci95": {k: v["ci95"] for k, v in bets.items()},
            "n_at_edge": {k: v["n"] for k, v in bets.items()},
            "roi": {k: v.get("roi") for k, v in bets.items()},
            "n_priced_at_edge": {k: v.get("n_priced") for k, v in bets.items()},
            "beats_break_even": {k: v["beats_break_even"] for k, v in bets.items()},
            "over_share_at_edge": {
                f"{t:g}": _r(float(np.mean(rec[m][take] == "OVER"))) if take.any() else None
                for t in metrics.EDGE_THRESHOLDS
                for take in [np.isin(rec[m], ("OVER", "UNDER")) & (np.abs(np.nan_to_num(edge[m])) >= t)]
            },
        }
        if gated[m].any():
            # the same bets without the feature-quality gate: how the model does where a required
            # feature had to be defaulted (e.g. a season without a team box source)
            loose = metrics.betting_summary(edge[m], rec_all[m], result[m], over[m], under[m])
            out["ungated"] = {
                "hit_rate": {k: v["hit_rate"] for k, v in loose.items()},
                "hit_rate_ci95": {k: v["ci95"] for k, v in loose.items()},
                "n_at_edge": {k: v["n"] for k, v in loose.items()},
                "roi": {k: v.get("roi") for k, v in loose.items()},
            }
        return out

    everything = np.ones(len(y), bool)
    report = block(everything)
    report["min_edge"] = min_edge
    report["break_even"] = round(metrics.BREAK_EVEN, 4)
    seasons = rows.context["season_year"]
    report["by_season"] = {
        f"{int(s)}-{(int(s) + 1) % 100:02d}": block(seasons == s) for s in sorted(set(seasons.tolist()))
    }
    return report, {
        "gbdt": pred,
        **base,
        "baseline_line": line,
        "_actual": y,
        "_dates": rows.game_date,
        "_gated": gated,
        "_result": result,
        "_line": line,
    }


def leakage_flags(report: dict[str, Any]) -> list[str]:
    """SPEC §6 sanity ranges: MAE < 3.6 on points, or hit rate > 60% on > 500 bets."""
    flags = []
    wf = report.get("walk_forward", {})
    if wf.get("market") == "points" and wf.get("mae") is not None and wf["mae"] < LEAK_MAE:
        flags.append(
            f"walk-forward points MAE {wf['mae']} < {LEAK_MAE}: suspected leakage (rerun pitfalls 14-16)"
        )
    for market, m in report.get("markets", {}).items():
        if market == "points" and m.get("model_mae") is not None and m["model_mae"] < LEAK_MAE:
            flags.append(f"{market} market model MAE {m['model_mae']} < {LEAK_MAE}: suspected leakage")
        for label, block in (("", m), (" (ungated)", m.get("ungated") or {})):
            for t, rate in (block.get("hit_rate") or {}).items():
                n = (block.get("n_at_edge") or {}).get(t, 0)
                if rate is not None and rate > LEAK_HIT_RATE and n > LEAK_MIN_BETS:
                    flags.append(
                        f"{market} hit rate{label} {rate:.1%} on {n} bets at |edge| >= {t}: suspected leakage"
                    )
    return flags


def summary_rows(
    model_prefix: str, market: str, preds: dict[str, np.ndarray], min_edge: float, lined: bool, source: str
) -> list[dict[str, Any]]:
    """`predictions.evaluation_summary` rows: per model, one row per edge threshold (whole period)."""
    if not preds:
        return []
    y, days = preds["_actual"], _dates(preds["_dates"])
    out = []
    for model, p in preds.items():
        if model.startswith("_"):
            continue
        model_id = f"{model_prefix}_{market}" if model == "gbdt" else model
        err = p - y
        row = {
            "model_id": model_id,
            "market": market,
            "source": source,
            "period_start": min(days),
            "period_end": max(days),
            "n_predictions": len(y),
            "mae": float(np.mean(np.abs(err))),
            "bias": float(np.mean(err)),
            "mae_lined": float(np.mean(np.abs(err))) if lined else None,
        }
        if lined and model != "baseline_line":
            edge, rec, _ = metrics.recommend(p, preds["_line"], min_edge, preds["_gated"])
            bets = metrics.betting_summary(edge, rec, preds["_result"])
        else:
            bets = {}
        for t in metrics.EDGE_THRESHOLDS:
            b = bets.get(f"{t:g}", {})
            out.append(
                {
                    **row,
                    "edge_threshold": t,
                    "n_bets": b.get("n", 0),
                    "hits": b.get("hits", 0),
                    "hit_rate": b.get("hit_rate"),
                    "beats_break_even": b.get("beats_break_even", False),
                }
            )
    return out


def write_summary(wh: Warehouse, rows: list[dict[str, Any]], run_id: str) -> None:
    """Replace the rows of every (model_id, market, source) written, in one transaction."""
    ensure_prediction_tables(wh)
    cols = [
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
        "hits",
        "hit_rate",
        "beats_break_even",
    ]
    data = pa.table({c: [r[c] for r in rows] for c in [*cols, "source"]}) if rows else None
    with wh.transaction():
        for mid, mkt, src in sorted({(r["model_id"], r["market"], r["source"]) for r in rows}):
            wh.execute(
                f"delete from {SUMMARY} where model_id = ? and market = ? and source = ?", [mid, mkt, src]
            )
        if data is not None:
            wh.register("_summary_rows", data)
            wh.execute(
                f"insert into {SUMMARY} select {', '.join(cols)}, source, ?, now() from _summary_rows",
                [run_id],
            )
            wh.unregister("_summary_rows")


def graded_summary_rows(wh: Warehouse) -> list[dict[str, Any]]:
    """`evaluation_summary` rows from `predictions.prediction_grades` (what `predict` + the grading
    backfill produced): per (model_id, market) over every graded date, per edge threshold."""
    if not wh.table_exists(GRADES):
        return []
    found = wh.dicts(
        f"""
        select model_id, market, min(game_date) as period_start, max(game_date) as period_end,
               t.edge_threshold,
               count(*) filter (where played_flag and actual_value is not null) as n_predictions,
               avg(absolute_error) as mae, avg(signed_error) as bias,
               avg(absolute_error) filter (where line is not null) as mae_lined,
               count(*) filter (where prediction_correct is not null
                                and abs(edge) >= t.edge_threshold) as n_bets,
               count(*) filter (where prediction_correct and abs(edge) >= t.edge_threshold) as hits
        from {GRADES}
        cross join (select unnest(?::double[]) as edge_threshold) t
        group by all
        order by all
        """,
        [list(metrics.EDGE_THRESHOLDS)],
    )
    for r in found:
        n, hits = int(r["n_bets"]), int(r["hits"])
        lo, _ = metrics.wilson(hits, n)
        r.update(
            source="graded",
            hit_rate=hits / n if n else None,
            beats_break_even=bool(lo is not None and lo > metrics.BREAK_EVEN),
        )
    return found


def run_evaluate(
    wh: Warehouse,
    seasons: tuple[int, ...] | None = None,
    window_days: int = TRAIN_WINDOW_DAYS,
    min_edge: float = metrics.DEFAULT_MIN_EDGE,
    run_id: str = "evaluate",
) -> dict[str, Any]:
    """The whole report (JSON-shaped); also writes `predictions.evaluation_summary`."""
    started = time.perf_counter()
    ensure_prediction_tables(wh)
    chosen = pick_seasons(wh, seasons)
    spans = [s for s in (season_span(wh, y) for y in chosen) if s]
    rows = load_rows(wh, min(s[0] for s in spans), max(s[1] for s in spans), "eligible")
    rows = rows.take(rows.played & ~np.isnan(rows.y("points")))
    models = {m: WalkForward(wh, m, window_days) for m in TARGETS}
    wf_report, wf_preds = walk_forward_report(models["points"], rows)
    wf_report["seasons"] = [f"{s}-{(s + 1) % 100:02d}" for s in chosen]
    report: dict[str, Any] = {"walk_forward": wf_report, "markets": {}}
    summary = summary_rows("gbdt_walkforward", "points", wf_preds, min_edge, False, "walk_forward")
    for market, wf in models.items():
        m_report, m_preds = market_report(wh, wf, min_edge)
        report["markets"][market] = m_report
        summary += summary_rows("gbdt_walkforward", market, m_preds, min_edge, True, "market_lines")
    report["walk_forward"]["months"] = [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in info.items()}
        for m in models.values()
        for info in [dict(x, market=m.market) for x in m.months.values()]
    ]
    report["window_days"] = window_days
    report["point_in_time_audit"] = {m: wf.audit for m, wf in models.items() if wf.audit}
    report["suspected_leakage"] = leakage_flags(report)
    graded = graded_summary_rows(wh)
    report["graded_predictions"] = {
        f"{r['model_id']}/{r['market']}": {
            "n": r["n_predictions"],
            "mae": _r(r["mae"]),
            "period": [str(r["period_start"]), str(r["period_end"])],
        }
        for r in graded
        if r["edge_threshold"] == metrics.EDGE_THRESHOLDS[0]
    }
    write_summary(wh, summary + graded, run_id)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report
