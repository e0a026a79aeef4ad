"""ML training readiness (`nbaprops readiness`, SPEC §7.2 last row), and the four ways datasets lie.

Grain of the results: one `CheckResult` per check over the range. The dataset is the one training
reads (SPEC §6): MLFS rows with `is_training_ready`, joined to their PGS label with `played_flag`.

The four lies, each its own check:
  1. `leak_audit`: a feature computed from the same or a later game. For every non-early MLFS row the
     windowed points features are recomputed from PGS over the player's played games of the season
     STRICTLY before the game date, and must equal the stored values; the team history dates
     (`hist_game_dates`) must all be before the game date. A row equal to the same-day-inclusive
     recomputation instead is the leak signature (pitfall 14) and is counted as such.
  2. `duplicates`: repeated rows on the MLFS grain, and training rows duplicated by the label join.
  3. `constant_lines` / `constant_features`: placeholder or constant lines (one line value on more
     than half of the lined rows, or on every lined row of a date) and required features with zero
     variance over the range (SPEC exemptions: `playoff_game` in single-phase ranges; features whose
     source does not cover the range, e.g. `has_vegas_line` with no points-props rows).
  4. `chronological_split`: max(train date) < min(validation date) < min(test date), read from the
     latest model artifact when one exists, else from the split the dataset builder would produce.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nbaprops.feature_contract import V1_FEATURES
from nbaprops.validate.constants import constant_features, constant_lines
from nbaprops.validate.leakage import leak_audit, source_position
from nbaprops.validate.results import CheckResult, Report
from nbaprops.validate.split import split_check
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
PGS = "analytics.player_game_summary"
MIN_ROWS = 50_000
READY_SHARE = 0.80
MEAN_QUALITY = 85.0
FEATURE_COVERAGE = 0.80
USAGE_SHARE, MINUTES_SHARE = 0.95, 0.99
REBUILD = "nbaprops backfill --through features"
#: Training readiness is about history: rows of games still to be played (tomorrow's slate) have no
#: label and are left out.
PLAYED_GAMES = "game_id in (select game_id from raw.schedule_games where game_status = 'final')"


def rows_available(wh: Warehouse, rng: tuple[date, date], min_rows: int) -> list[CheckResult]:
    """Training rows (ready, labelled, played), ready share, quality distribution."""
    facts = wh.dicts(
        f"""
        with m as (select * from {MLFS} where game_date between $s and $e and {PLAYED_GAMES}),
        lab as (select game_date, player_id, bool_or(played_flag) as played from {PGS}
                where game_date between $s and $e group by 1, 2)
        select
            count(*) filter (where m.is_training_ready and lab.played) as training_rows,
            count(*) filter (where m.is_prediction_eligible and not m.early_season_flag) as eligible,
            count(*) filter (where m.is_prediction_eligible and not m.early_season_flag
                             and m.is_training_ready) as eligible_ready,
            avg(m.feature_quality_score) filter (where m.is_training_ready and lab.played) as mean_q,
            count(*) filter (where not m.early_season_flag) as non_early,
            count(*) filter (where m.early_season_flag) as early,
            avg(m.default_feature_count) filter (where not m.early_season_flag) as mean_defaults,
            count(*) filter (where m.required_default_count > 0 and not m.early_season_flag)
                as rows_with_required_default
        from m left join lab using (game_date, player_id)
        """,
        {"s": rng[0], "e": rng[1]},
    )[0]
    tiers = wh.rows(
        f"select coalesce(quality_tier, 'placeholder'), count(*) from {MLFS} "
        "where game_date between ? and ? group by 1 order by 2 desc",
        list(rng),
    )
    tier_text = ", ".join(f"{t} {n:,}" for t, n in tiers)
    n = facts["training_rows"] or 0
    eligible = facts["eligible"] or 0
    share = facts["eligible_ready"] / eligible if eligible else None
    mean_q = facts["mean_q"]
    return [
        CheckResult(
            MLFS,
            "training_rows",
            n >= min_rows,
            float(n),
            float(min_rows),
            unit="count",
            fix="widen the range, or build more seasons: " + REBUILD,
            note="is_training_ready rows whose PGS label has played_flag",
        ),
        CheckResult(
            MLFS,
            "ready_share",
            share is not None and share >= READY_SHARE,
            share,
            READY_SHARE,
            fix=REBUILD,
            note=f"{facts['eligible_ready'] or 0:,}/{eligible:,} eligible non-early rows are training-ready",
        ),
        CheckResult(
            MLFS,
            "mean_quality_score",
            mean_q is not None and mean_q >= MEAN_QUALITY,
            None if mean_q is None else float(mean_q),
            MEAN_QUALITY,
            unit="count",
            fix=REBUILD,
            note=f"training rows; tiers: {tier_text or 'none'}; mean default features "
            f"{float(facts['mean_defaults'] or 0):.2f}/row; "
            f"{facts['rows_with_required_default'] or 0:,} non-early rows with a required "
            f"default; {facts['early'] or 0:,} early-season placeholders",
        ),
    ]


def pgs_fields(wh: Warehouse, rng: tuple[date, date]) -> list[CheckResult]:
    """The label table's critical fields over the range (played rows)."""
    played, usage, minutes = wh.rows(
        f"select count(*), count(usage_rate), count(minutes_played) from {PGS} "
        "where played_flag and game_date between ? and ?",
        list(rng),
    )[0]
    out = []
    for col, got, need in (("usage_rate", usage, USAGE_SHARE), ("minutes_played", minutes, MINUTES_SHARE)):
        share = got / played if played else None
        out.append(
            CheckResult(
                PGS,
                f"critical_field:{col}",
                share is not None and share >= need,
                share,
                need,
                fix="nbaprops backfill --through analytics",
                note=f"{got:,}/{played:,} played rows",
            )
        )
    return out


def feature_coverage(wh: Warehouse, rng: tuple[date, date]) -> CheckResult:
    """Per required feature: share of eligible non-early rows holding a real value (not a default,
    not missing; `not_covered` rows are left out: no source covers them)."""
    required = [f for f in V1_FEATURES if f.required]
    parts = ", ".join(
        f"count(*) filter (where feature_sources[{source_position(f.name)}] not in ('default', 'missing') "
        f"and feature_sources[{source_position(f.name)}] <> 'not_covered'), "
        f"count(*) filter (where feature_sources[{source_position(f.name)}] <> 'not_covered')"
        for f in required
    )
    row = wh.rows(
        f"select {parts} from {MLFS} where game_date between ? and ? "
        f"and is_prediction_eligible and not early_season_flag and {PLAYED_GAMES}",
        list(rng),
    )[0]
    shares = {}
    for i, f in enumerate(required):
        real, covered = row[2 * i], row[2 * i + 1]
        if covered:
            shares[f.name] = real / covered
    low = sorted(name for name, s in shares.items() if s < FEATURE_COVERAGE)
    worst = min(shares, key=lambda k: shares[k]) if shares else None
    return CheckResult(
        MLFS,
        "required_feature_coverage",
        not low,
        shares.get(worst) if worst else None,
        FEATURE_COVERAGE,
        fix=REBUILD,
        items=tuple(low),
        items_label="features",
        note=(f"lowest: {worst} {shares[worst] * 100:.1f}%; " if worst else "")
        + f"{len(shares)} required features measured on eligible non-early rows",
    )


def duplicates(wh: Warehouse, rng: tuple[date, date]) -> list[CheckResult]:
    """Lie 2: repeated rows on the MLFS grain, and training rows duplicated by the label join."""
    grain = wh.rows(
        f"select game_date, count(*) - 1 from {MLFS} where game_date between ? and ? "
        "group by game_date, player_id having count(*) > 1",
        list(rng),
    )
    joined = wh.rows(
        f"""
        select m.game_date, count(*) - 1 from {MLFS} m
        join {PGS} p on p.game_date = m.game_date and p.player_id = m.player_id and p.played_flag
        where m.game_date between ? and ? and m.is_training_ready
        group by m.game_date, m.player_id having count(*) > 1
        """,
        list(rng),
    )
    out = []
    for check, rows, note in (
        ("duplicates:grain", grain, "(game_date, player_id) repeated in the feature store"),
        ("duplicates:training_join", joined, "training rows repeated by the PGS label join"),
    ):
        dates = tuple(sorted({r[0] for r in rows}))
        n = float(sum(r[1] for r in rows))
        out.append(
            CheckResult(
                MLFS, check, not rows, n, 0.0, dates, REBUILD, unit="count", direction="max", note=note
            )
        )
    return out


def default_range(wh: Warehouse) -> tuple[date, date]:
    lo, hi = wh.rows(f"select min(game_date), max(game_date) from {MLFS}")[0]
    return lo, hi


def readiness(wh: Warehouse, start: date | None, end: date | None, min_rows: int = MIN_ROWS) -> Report:
    """Every readiness check over the range (default: the feature store's span)."""
    missing = [t for t in (MLFS, PGS) if not wh.table_exists(t)]
    report = Report("readiness", start, end)
    if missing:
        report.results = [
            CheckResult(
                t,
                "table_exists",
                False,
                None,
                None,
                fix=REBUILD,
                note=f"registered table {t} does not exist in the warehouse",
            )
            for t in missing
        ]
        return report
    lo, hi = default_range(wh)
    rng = (start or lo, end or hi)
    report.start, report.end = rng
    if rng[0] is None or rng[1] is None:
        report.results = [
            CheckResult(
                MLFS,
                "training_rows",
                False,
                0.0,
                float(min_rows),
                unit="count",
                fix=REBUILD,
                note="the feature store is empty",
            )
        ]
        return report
    results: list[CheckResult] = []
    results += rows_available(wh, rng, min_rows)
    results.append(feature_coverage(wh, rng))
    results += pgs_fields(wh, rng)
    results.append(leak_audit(wh, rng))
    results += duplicates(wh, rng)
    results += constant_lines(wh, rng)
    results.append(constant_features(wh, rng))
    split, context = split_check(wh, rng)
    results.append(split)
    report.results = results
    report.context = {"min_rows": min_rows, "split": context, **_runs(wh, rng)}
    return report


def _runs(wh: Warehouse, rng: tuple[date, date]) -> dict[str, Any]:
    """The run ids that wrote the feature store's partitions in the range."""
    if not wh.table_exists("state.partitions"):
        return {"run_ids": []}
    rows = wh.rows(
        "select run_id, count(*) from state.partitions where table_name = ? and status = 'complete' "
        "and partition_date between ? and ? group by 1 order by 1",
        [MLFS, *rng],
    )
    return {"run_ids": [{"run_id": r, "partitions": n} for r, n in rows]}
