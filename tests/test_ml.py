"""Phase 5 (SPEC §6): training data refusals, chronological splits, grading, predictions, evaluation.

Pure tests use hand-made arrays and a `:memory:` warehouse. The integration tests share one synthetic
league (`nbaprops ingest --source synthetic --seasons 2` + `nbaprops backfill`, built once per module);
its newest season has future, scheduled games.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from nbaprops.errors import UsageError
from nbaprops.ml import metrics
from nbaprops.ml.dataset import (
    Dataset,
    LeakageError,
    Split,
    assert_chronological,
    check_feature_names,
    chronological_split,
    contract_features,
    load_rows,
)
from nbaprops.ml.model import fit_chronological
from nbaprops.ml.schema import PREDICTIONS, ensure_prediction_tables
from nbaprops.registry import models_dir
from nbaprops.state import copy_warehouse
from nbaprops.warehouse import Warehouse

GRADES_SQL = models_dir() / "predictions" / "prediction_grades.sql"
LINEAGE = {"run_id", "processed_at"}


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )


# ---------------------------------------------------------------------------------------------
# pure: metrics, refusals, splits
# ---------------------------------------------------------------------------------------------
def test_weighted_rule_is_035_040_025() -> None:
    got = metrics.weighted_rule(np.array([10.0, 0.0]), np.array([20.0, 0.0]), np.array([30.0, 8.0]))
    assert got.tolist() == pytest.approx([0.35 * 10 + 0.40 * 20 + 0.25 * 30, 2.0])
    assert got[0] == pytest.approx(19.0)


def test_push_is_push_and_never_scored() -> None:
    actual = np.array([20.0, 21.0, 19.0, 20.0, np.nan])
    line = np.array([20.0, 20.5, 20.5, np.nan, 20.5])
    played = np.array([True, True, True, True, False])
    result = metrics.line_result(actual, line, played)
    assert result.tolist() == ["PUSH", "OVER", "UNDER", None, None]
    _, rec, reason = metrics.recommend(np.array([25.0, 25.0, 25.0, 25.0, 25.0]), line)
    assert rec.tolist() == ["OVER", "OVER", "OVER", "PASS", "OVER"]
    assert reason[3] == "no_line"
    correct = metrics.prediction_correct(rec, result)
    assert correct.tolist() == [None, True, False, None, None]
    bets = metrics.betting_summary(np.array([5.0, 4.5, 4.5, np.nan, 4.5]), rec, result)
    assert bets["1"]["n"] == 2 and bets["1"]["hits"] == 1 and bets["1"]["pushes"] == 1


def test_recommendation_thresholds_and_quality_gate() -> None:
    pred = np.array([21.0, 19.0, 20.5, 22.0])
    line = np.array([20.0, 20.0, 20.0, 20.0])
    edge, rec, reason = metrics.recommend(pred, line, 1.0, gated=np.array([False, False, False, True]))
    assert edge.tolist() == [1.0, -1.0, 0.5, 2.0]
    assert rec.tolist() == ["OVER", "UNDER", "PASS", "PASS"]
    assert reason.tolist() == [None, None, "below_min_edge", "feature_defaults"]


def test_wilson_interval_and_roi_at_real_prices() -> None:
    lo, hi = metrics.wilson(60, 100)
    assert lo == pytest.approx(0.5020, abs=1e-3) and hi == pytest.approx(0.6906, abs=1e-3)
    rec = np.array(["OVER", "UNDER", "OVER"], dtype=object)
    result = np.array(["OVER", "OVER", "UNDER"], dtype=object)
    bets = metrics.betting_summary(
        np.array([2.0, -2.0, 2.0]),
        rec,
        result,
        np.array([150.0, -110.0, -110.0]),
        np.array([-180.0, -120.0, -110.0]),
    )
    # +1.5 (win at +150), −1 (UNDER lost), −1 (OVER lost)
    assert bets["1"]["profit_units"] == pytest.approx(-0.5)
    assert bets["1"]["roi"] == pytest.approx(-0.5 / 3, abs=1e-4)


def test_too_good_results_are_flagged_as_leakage() -> None:
    from nbaprops.ml.evaluate import leakage_flags

    honest = {
        "walk_forward": {"market": "points", "mae": 4.9},
        "markets": {"points": {"model_mae": 5.0, "hit_rate": {"3": 0.58}, "n_at_edge": {"3": 900}}},
    }
    assert leakage_flags(honest) == []
    leaky = {
        "walk_forward": {"market": "points", "mae": 3.4},
        "markets": {
            "points": {
                "model_mae": 5.0,
                "hit_rate": {"1": 0.61, "3": 0.72},
                "n_at_edge": {"1": 501, "3": 120},
            }
        },
    }
    flags = leakage_flags(leaky)
    assert len(flags) == 2
    assert "MAE 3.4" in flags[0] and "61.0% on 501 bets" in flags[1]


def _rows(n: int, features: list[str] | None = None, early: bool = False) -> pa.Table:
    names = features or list(contract_features())
    rng = np.random.default_rng(0)
    cols: dict[str, Any] = {
        "game_date": pa.array([date(2024, 1, 1) + timedelta(days=i // 10) for i in range(n)], pa.date32()),
        "game_id": [f"g{i // 10}" for i in range(n)],
        "player_id": list(range(n)),
        "early_season_flag": [early] * n,
        "data_source": ["early_season" if early else "phase4"] * n,
        "played_flag": [True] * n,
        "target_points": rng.integers(0, 40, n).astype(float),
        "target_threes_made": rng.integers(0, 6, n).astype(float),
    }
    for name in names:
        cols[name] = rng.normal(10, 3, n)
    return pa.table(cols)


def test_label_and_unknown_columns_are_refused() -> None:
    names = list(contract_features())
    assert check_feature_names(names) == tuple(names)
    for bad in ("target_points", "points", "three_pt_makes"):
        with pytest.raises(LeakageError):
            check_feature_names([*names, bad])
    with pytest.raises(LeakageError, match="not in the feature contract"):
        check_feature_names([*names, "points_tonight_projection"])
    with pytest.raises(UsageError, match="missing"):
        check_feature_names(names[1:])


def test_early_season_placeholders_are_refused() -> None:
    assert len(Dataset.from_arrow(_rows(40))) == 40
    with pytest.raises(LeakageError, match="early-season placeholder"):
        Dataset.from_arrow(_rows(40, early=True))


def test_same_day_feature_copy_is_refused() -> None:
    from nbaprops.ml.dataset import refuse_label_copies

    table = _rows(200)
    data = Dataset.from_arrow(table)
    refuse_label_copies(data)  # independent noise: fine
    leaked = table.set_column(
        table.column_names.index("points_avg_last_5"), "points_avg_last_5", table.column("target_points")
    )
    with pytest.raises(LeakageError, match="reproduces the label"):
        refuse_label_copies(Dataset.from_arrow(leaked))


def test_chronological_split_property() -> None:
    rng = np.random.default_rng(3)
    for trial in range(50):
        n = int(rng.integers(30, 400))
        days = np.sort(rng.integers(0, 200, n)).astype("timedelta64[D]") + np.datetime64("2023-10-01")
        rng.shuffle(days)  # row order must not matter
        through = (np.datetime64("2023-10-01") + np.timedelta64(int(rng.integers(20, 220)), "D")).astype(
            object
        )
        try:
            split = chronological_split(days, through)
        except UsageError:
            continue  # fewer than two dates in the window
        tr, va, te = days[split.train], days[split.valid], days[split.test]
        assert tr.max() < va.min(), trial
        if len(te):
            assert va.max() < te.min(), trial
        assert (split.train.astype(int) + split.valid.astype(int) + split.test.astype(int) == 1).all()
        share = len(va) / (len(tr) + len(va))
        assert share >= 0.15 - 1e-9 or len(np.unique(np.concatenate([tr, va]))) <= 2, trial
    days = np.array(["2024-01-01", "2024-01-02", "2024-01-03"], dtype="datetime64[D]")
    with pytest.raises(LeakageError):
        assert_chronological(
            days,
            Split(
                np.array([False, True, False]), np.array([True, False, False]), np.array([False, False, True])
            ),
        )


def test_early_stopping_uses_the_later_rows() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 3))
    y = 2 * X[:, 0] + rng.normal(scale=0.5, size=600)
    fitted = fit_chronological(X[:500], y[:500], X[500:], y[500:])
    assert 1 <= fitted.best_iteration <= 1000
    assert fitted.best_iteration == int(np.argmin(fitted.valid_curve)) + 1
    assert fitted.estimator.n_iter_ == fitted.best_iteration
    assert fitted.valid_mae < 0.8


# ---------------------------------------------------------------------------------------------
# the grading model, run on hand-made rows
# ---------------------------------------------------------------------------------------------
def _grade(wh: Warehouse) -> list[dict[str, Any]]:
    sql = GRADES_SQL.read_text(encoding="utf-8")
    return wh.dicts(
        f"select * from ({sql}) order by model_id, player_id",
        {"start_date": date(2025, 1, 1), "end_date": date(2025, 1, 31)},
    )


def test_grading_pushes_voids_and_idempotency() -> None:
    with Warehouse(":memory:") as wh:
        ensure_prediction_tables(wh)
        wh.execute(
            "create table analytics.player_game_summary (game_id varchar, player_id integer, "
            "game_date date, played_flag boolean, points integer, three_pt_makes integer, "
            "processed_at timestamp)"
        )
        wh.execute(
            "insert into analytics.player_game_summary values "
            "('G1', 1, '2025-01-05', true, 20, 2, '2025-01-06 09:00'),"
            "('G1', 2, '2025-01-05', true, 25, 4, '2025-01-06 09:00'),"
            "('G1', 3, '2025-01-05', false, null, null, '2025-01-06 09:00'),"
            "('G1', 4, '2025-01-05', true, 8, 0, '2025-01-06 09:00')"
        )
        # player 1: line 20 = points → PUSH; 2: OVER right; 3: did not play (void); 4: PASS; 5: no PGS row
        wh.execute(f"""insert into {PREDICTIONS} (game_date, game_id, player_id, market, model_id,
            model_family, feature_version, trained_through_date, predicted_value, line, line_book, edge,
            recommendation, min_edge, created_at) values
            ('2025-01-05', 'G1', 1, 'points', 'm', 'gbdt', 'v', '2025-01-04', 23.0, 20.0, 'draftkings', 3.0,
             'OVER', 1.0, '2025-01-05 12:00'),
            ('2025-01-05', 'G1', 2, 'points', 'm', 'gbdt', 'v', '2025-01-04', 22.0, 20.5, 'draftkings', 1.5,
             'OVER', 1.0, '2025-01-05 12:00'),
            ('2025-01-05', 'G1', 3, 'points', 'm', 'gbdt', 'v', '2025-01-04', 12.0, 14.5, 'fanduel', -2.5,
             'UNDER', 1.0, '2025-01-05 12:00'),
            ('2025-01-05', 'G1', 4, 'points', 'm', 'gbdt', 'v', '2025-01-04', 9.0, null, null, null,
             'PASS', 1.0, '2025-01-05 12:00'),
            ('2025-01-05', 'G1', 5, 'points', 'm', 'gbdt', 'v', '2025-01-04', 9.0, 8.5, 'fanduel', 0.5,
             'PASS', 1.0, '2025-01-05 12:00'),
            ('2025-01-05', 'G1', 2, 'threes', 'm', 'gbdt', 'v', '2025-01-04', 2.2, 3.5, 'fanduel', -1.3,
             'UNDER', 1.0, '2025-01-05 12:00')""")
        first = _grade(wh)
        second = _grade(wh)
    assert first == second  # byte-identical: graded_at comes from the inputs, not the clock
    by = {(r["market"], r["player_id"]): r for r in first}
    push = by[("points", 1)]
    assert push["line_result"] == "PUSH" and push["prediction_correct"] is None
    assert push["actual_value"] == 20.0 and push["absolute_error"] == 3.0 and push["signed_error"] == 3.0
    assert push["within_3"] is True and push["within_5"] is True
    assert by[("points", 2)]["line_result"] == "OVER" and by[("points", 2)]["prediction_correct"] is True
    void = by[("points", 3)]
    assert void["played_flag"] is False and void["line_result"] is None and void["prediction_correct"] is None
    assert void["absolute_error"] is None
    assert by[("points", 4)]["prediction_correct"] is None and by[("points", 4)]["line_result"] is None
    assert by[("points", 4)]["absolute_error"] == 1.0
    assert by[("points", 5)]["played_flag"] is False and by[("points", 5)]["prediction_correct"] is None
    threes = by[("threes", 2)]
    assert threes["actual_value"] == 4.0 and threes["line_result"] == "OVER"
    assert threes["prediction_correct"] is False
    assert len(first) == 6


# ---------------------------------------------------------------------------------------------
# integration: the synthetic league
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The synthetic league built through the feature store, plus a trained points model.

    `NBAPROPS_ML_LEAGUE_DB` may name an already built league file (copied, never modified)."""
    db = tmp_path_factory.mktemp("ml") / "league.duckdb"
    prebuilt = os.environ.get("NBAPROPS_ML_LEAGUE_DB")
    if prebuilt:
        copy_warehouse(prebuilt, db)
    else:
        proc = cli(db, "ingest", "--source", "synthetic", "--seasons", "2", "--json")
        assert proc.returncode == 0, proc.stderr[-2000:]
        proc = cli(db, "backfill", "--json")
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
    with Warehouse(db) as wh:
        last_final = wh.scalar("select max(game_date) from raw.schedule_games where game_status = 'final'")
        future = wh.scalar(
            "select min(game_date) from raw.schedule_games g where game_date > ? and not exists (select 1 "
            "from raw.schedule_games h where h.game_date = g.game_date and h.game_status = 'final')",
            [last_final],
        )
        ready = wh.scalar("select count(*) from features.ml_feature_store_v2 where is_training_ready")
    assert ready and ready > 1000, f"only {ready} training-ready rows in the synthetic league"
    # train through a week before the last played date: the week after is a held-out test period
    proc = cli(db, "train", "--target", "points", "--end", str(last_final - timedelta(days=7)), "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    card = json.loads(proc.stdout)
    return {"db": db, "last_final": last_final, "future": future, "card": card}


def test_training_card_is_chronological(league: dict[str, Any]) -> None:
    card = league["card"]
    assert card["train_start"] < card["valid_start"] <= card["trained_through_date"]
    assert card["trained_through_date"] <= str(league["last_final"] - timedelta(days=7))
    assert card["test_start"] > card["trained_through_date"] and card["metrics"]["test"]["n"] > 0
    assert card["features"] == list(contract_features())
    assert Path(card["artifact_path"]).exists()
    assert Path(card["artifact_path"]).with_suffix(".json").exists()
    assert 1 <= card["best_iteration"] <= 1000
    with Warehouse(league["db"]) as wh:
        row = wh.dicts("select * from predictions.model_registry where model_id = ?", [card["model_id"]])
    assert row and str(row[0]["trained_through_date"]) == card["trained_through_date"]


def test_leakage_canary_same_day_feature_and_target_column(league: dict[str, Any]) -> None:
    with Warehouse(league["db"]) as wh:
        end = wh.scalar(
            "select max(game_date) from features.ml_feature_store_v2 where is_training_ready and game_id in "
            "(select game_id from raw.schedule_games where game_status = 'final')"
        )
        start = end - timedelta(days=60)
        clean = load_rows(wh, start, end, "training")
        assert len(clean) > 100
        with pytest.raises(LeakageError):
            load_rows(wh, start, end, "training", features=[*contract_features(), "target_points"])
        # a feature store whose L5 includes the game itself (pitfall 14) is refused
        with pytest.raises(LeakageError, match="same-day leak"), wh.transaction():
            wh.execute("""
                update features.ml_feature_store_v2 f set points_avg_last_5 = w.incl
                from (select player_id, game_date,
                             avg(points) over (partition by player_id, season_year order by game_date
                                               rows between 4 preceding and current row) as incl
                      from analytics.player_game_summary where played_flag and minutes_played > 0) w
                where w.player_id = f.player_id and w.game_date = f.game_date""")
            load_rows(wh, start, end, "training")


def test_predict_future_date_with_only_scheduled_games(league: dict[str, Any]) -> None:
    day = league["future"]
    assert day is not None, "the synthetic league has no future date"
    proc = cli(league["db"], "predict", "--date", str(day), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["rows_written"] > 0
    again = cli(league["db"], "predict", "--date", str(day), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["rows_written"] == summary["rows_written"]
    with Warehouse(league["db"]) as wh:
        rows = wh.dicts(f"select * from {PREDICTIONS} where game_date = ?", [day])
        eligible = wh.scalar(
            "select count(*) from features.ml_feature_store_v2 where game_date = ? "
            "and is_prediction_eligible and not early_season_flag",
            [day],
        )
        feats = {
            r["player_id"]: r
            for r in wh.dicts(
                "select player_id, points_avg_last_5, points_avg_last_10, points_avg_season "
                "from features.ml_feature_store_v2 where game_date = ?",
                [day],
            )
        }
    assert len(rows) == summary["rows_written"]  # idempotent: no duplicates after two runs
    keys = [(r["game_id"], r["player_id"], r["market"], r["model_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    gbdt = [r for r in rows if r["model_family"] == "gbdt"]
    assert len(gbdt) == eligible
    assert all(r["trained_through_date"] < day for r in rows)
    for r in rows:
        if r["line"] is None:
            assert r["edge"] is None and r["recommendation"] == "PASS"
        elif r["model_id"] == "baseline_line":
            assert r["recommendation"] == "PASS" and r["edge"] == 0
        elif r["recommendation"] == "OVER":
            assert r["edge"] >= r["min_edge"] and not r["required_default_count"]
        elif r["recommendation"] == "UNDER":
            assert r["edge"] <= -r["min_edge"] and not r["required_default_count"]
        if r["required_default_count"]:
            assert r["recommendation"] == "PASS"
    weighted = [r for r in rows if r["model_id"] == "baseline_weighted"]
    assert weighted
    for r in weighted:
        f = feats[r["player_id"]]
        assert r["predicted_value"] == pytest.approx(
            0.35 * f["points_avg_last_5"] + 0.40 * f["points_avg_last_10"] + 0.25 * f["points_avg_season"]
        )
    assert {r["model_id"] for r in rows} >= {"baseline_season_avg", "baseline_last_10", "baseline_weighted"}


def test_predict_refuses_a_model_trained_through_the_date(league: dict[str, Any]) -> None:
    card = league["card"]
    day = card["trained_through_date"]
    proc = cli(league["db"], "predict", "--date", day, "--model-id", card["model_id"], "--target", "points")
    assert proc.returncode == 2
    assert "look-ahead" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_grading_backfill_twice_is_identical(league: dict[str, Any]) -> None:
    """Predict a played date, grade it with the backfill engine twice: same rows, no duplicates."""
    from nbaprops import registry

    if "predictions.prediction_grades" not in {t.name for t in registry.all_tables()}:
        pytest.skip("prediction_grades is not registered with the engine yet")
    card = league["card"]
    with Warehouse(league["db"]) as wh:
        day = wh.scalar(
            "select max(game_date) from features.ml_feature_store_v2 where game_date > ? and game_date <= ? "
            "and is_prediction_eligible and not early_season_flag",
            [date.fromisoformat(card["trained_through_date"]), league["last_final"]],
        )
    if day is None:
        pytest.skip("no played date after the model's training window")
    assert cli(league["db"], "predict", "--date", str(day)).returncode == 0
    for _ in range(2):
        proc = cli(
            league["db"],
            "backfill",
            "--start",
            str(day),
            "--end",
            str(day),
            "--through",
            "predictions",
            "--json",
        )
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
    with Warehouse(league["db"]) as wh:
        n_pred = wh.scalar(f"select count(*) from {PREDICTIONS} where game_date = ?", [day])
        cols = [c for c in wh.columns("predictions.prediction_grades") if c not in LINEAGE]
        select = ", ".join(cols)
        first = wh.rows(
            f"select {select} from predictions.prediction_grades where game_date = ? order by all", [day]
        )
    # rebuild the same partition once more through the engine (stale: its input was re-written)
    assert cli(league["db"], "predict", "--date", str(day)).returncode == 0
    proc = cli(league["db"], "backfill", "--start", str(day), "--end", str(day), "--through", "predictions")
    with Warehouse(league["db"]) as wh:
        second = wh.rows(
            f"select {select} from predictions.prediction_grades where game_date = ? order by all", [day]
        )
        graded = wh.dicts("select * from predictions.prediction_grades where game_date = ?", [day])
    assert len(first) == n_pred and len(second) == n_pred
    strip = [i for i, c in enumerate(cols) if c != "graded_at"]
    assert [tuple(r[i] for i in strip) for r in first] == [tuple(r[i] for i in strip) for r in second]
    assert all(g["prediction_correct"] is None for g in graded if g["line_result"] in ("PUSH", None))
    assert any(g["played_flag"] for g in graded)


def test_evaluate_reports_walk_forward_and_markets(league: dict[str, Any]) -> None:
    from nbaprops.ml.evaluate import run_evaluate

    with Warehouse(league["db"]) as wh:
        newest = wh.scalar("select max(season_year) from raw.schedule_games")
        report = run_evaluate(wh, (newest,), window_days=60)
        n_summary = wh.scalar(
            "select count(*) from predictions.evaluation_summary where source = 'walk_forward'"
        )
    json.dumps(report, default=str)  # the --json payload serialises
    wf = report["walk_forward"]
    assert wf["n"] > 0 and 1.0 < wf["mae"] < 10.0
    assert set(wf["baselines"]) == {"season_avg", "last_10", "weighted_rule"}
    assert set(wf["by_minutes_tier"]) == {"under_20", "20_to_30", "30_plus"}
    assert sum(t["n"] for t in wf["by_minutes_tier"].values()) == wf["n"]
    for month in wf["months"]:
        if "trained_through_date" in month:
            assert month["trained_through_date"] < month["month"]  # trained only on earlier rows
    pts = report["markets"]["points"]
    assert pts["n"] > 0 and pts["line_mae"] > 0
    assert set(pts["hit_rate"]) == {"1", "3", "5"} and set(pts["n_at_edge"]) == {"1", "3", "5"}
    assert pts["n_at_edge"]["1"] >= pts["n_at_edge"]["3"] >= pts["n_at_edge"]["5"]
    assert pts["rows_with_price"] > 0
    assert report["point_in_time_audit"]["points"]["strict_match"] > 0.99
    assert isinstance(report["suspected_leakage"], list)
    assert n_summary and n_summary >= 4 * 3  # gbdt + three baselines, three edge thresholds
