"""`nbaprops demo`: the main job on a fresh clone, end to end on the synthetic league.

synthetic league → ingest → backfill (every phase) → readiness → train → predict the next slate →
grade history (backfill through predictions) → report. Prints one line per step with its figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from rich.console import Console

from nbaprops.backfill_command import run_backfill
from nbaprops.ingest.command import run_ingest
from nbaprops.ml.predict import run_predict
from nbaprops.ml.train import run_train
from nbaprops.partitions import SEASON_PHASES
from nbaprops.report.build import write_report
from nbaprops.runs import finish_run, start_run
from nbaprops.validate.readiness import readiness
from nbaprops.warehouse import Warehouse

#: The synthetic league is small: readiness asks for fewer rows than on real data (SPEC: 50,000).
DEMO_MIN_ROWS = 5_000


def next_slate(wh: Warehouse) -> date | None:
    """The first date with scheduled (unplayed) games that has feature rows."""
    return wh.scalar(
        "select min(f.game_date) from features.ml_feature_store_v2 f join raw.schedule_games g "
        "on g.game_date = f.game_date where g.game_status = 'scheduled'"
    )


def run_demo(wh: Warehouse, seasons: int, seed: int, report_dir: Path, console: Console) -> None:
    ingest = run_ingest(wh, "synthetic", None, seasons, seed, quiet=True)
    loaded = sum(f.rows_loaded for f in ingest.files)
    console.print(
        f"ingest: {len(ingest.files)} files, {loaded:,} rows loaded, "
        f"{sum(f.rows_quarantined for f in ingest.files)} quarantined ({ingest.seconds:.1f}s)"
    )
    built = run_backfill(wh, None, None, "features", False, None, SEASON_PHASES, quiet=True)
    console.print(
        f"backfill through features: {built['partitions_written']:,} partitions written, "
        f"{built['partitions_failed']} failed, status {built['status']} ({built['seconds']:.1f}s)"
    )
    for m in built["models"]:
        console.print(f"  {m['table']}: {m['rows']:,} rows in {m['seconds']:.2f}s")
    ready = readiness(wh, None, None, DEMO_MIN_ROWS)
    console.print(
        f"readiness: {'READY' if ready.ready else 'NOT_READY'} "
        f"({sum(r.passed for r in ready.results)}/{len(ready.results)} checks pass)"
    )
    last_ready = wh.scalar(
        "select max(game_date) from features.ml_feature_store_v2 where is_training_ready and game_id in "
        "(select game_id from raw.schedule_games where game_status = 'final')"
    )
    # hold out the last four weeks of history as a chronological test period
    card = run_train(wh, "points", end=last_ready - timedelta(days=28), test_end=last_ready)
    test = card["metrics"]["test"]
    console.print(
        f"train: {card['model_id']} on {card['n_train']:,} rows through {card['trained_through_date']}"
    )
    if test.get("n"):
        baselines = ", ".join(f"{k.removeprefix('baseline_')} {v}" for k, v in test["baselines"].items())
        console.print(
            f"  held-out {card['test_start']} .. {card['test_end']}: {test['n']:,} rows, "
            f"MAE {test['mae']} (baselines: {baselines})"
        )
    slate = next_slate(wh)
    if slate is not None:
        run_id = start_run(wh, "predict", {"date": slate})
        summary = run_predict(wh, slate, run_id=run_id)
        finish_run(wh, run_id, "succeeded", summary)
        console.print(f"predict {slate} (unplayed slate): {summary['rows_written']:,} predictions")
    graded = run_backfill(wh, None, None, "predictions", False, None, SEASON_PHASES, quiet=True)
    console.print(f"grade: {graded['partitions_written']:,} prediction partitions graded")
    written = write_report(wh, report_dir, None, None, DEMO_MIN_ROWS)
    verdicts = ", ".join(f"{k} {'READY' if v else 'NOT_READY'}" for k, v in written["ready"].items())
    console.print(f"report: {report_dir / 'index.html'} ({verdicts})")
