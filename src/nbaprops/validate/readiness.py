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

from nbaprops.feature_contract import FEATURES, V1_FEATURES
from nbaprops.validate.results import CheckResult, Report
from nbaprops.validate.split import split_check
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
PGS = "analytics.player_game_summary"
UPCG = "analytics.upcoming_player_game_context"
MIN_ROWS = 50_000
READY_SHARE = 0.80
MEAN_QUALITY = 85.0
FEATURE_COVERAGE = 0.80
USAGE_SHARE, MINUTES_SHARE = 0.95, 0.99
#: A line value held by more than this share of lined rows is a placeholder. Threes lines live on
#: 0.5..4.5 and 1.5 is naturally near half of them (46.8% of the real 2024-26 threes lines), so their
#: limit is higher; a date whose lined rows all share one line fails either way.
LINE_MODAL_MAX = 0.50
LINE_MODAL_MAX_THREES = 0.75
#: A date is a constant-line date when at least this many lined rows all share one line (so that a
#: small slate of 1.5 threes lines is not mistaken for a placeholder: 0.47^20 is about 3e-7).
SAME_DAY_MIN = 20
LINE_COLUMNS = (
    (MLFS, "vegas_points_line"),
    (MLFS, "vegas_opening_line"),
    (UPCG, "points_line"),
    (UPCG, "threes_line"),
)
#: Stored features are FLOAT: values equal within this tolerance are the same value.
TOLERANCE = 0.011
LEAK_FEATURES = ("points_avg_last_5", "points_avg_last_10", "points_avg_season")
WINDOWS = {"points_avg_last_5": 5, "points_avg_last_10": 10, "points_avg_season": 100_000}
REBUILD = "nbaprops backfill --through features"


def _index(name: str) -> int:
    """1-based position of a feature in `feature_sources` (contract order)."""
    return next(i for i, f in enumerate(FEATURES) if f.name == name) + 1


def rows_available(wh: Warehouse, rng: tuple[date, date], min_rows: int) -> list[CheckResult]:
    """Training rows (ready, labelled, played), ready share, quality distribution."""
    facts = wh.dicts(
        f"""
        with m as (select * from {MLFS} where game_date between $s and $e),
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
        f"count(*) filter (where feature_sources[{_index(f.name)}] not in ('default', 'missing') "
        f"and feature_sources[{_index(f.name)}] <> 'not_covered'), "
        f"count(*) filter (where feature_sources[{_index(f.name)}] <> 'not_covered')"
        for f in required
    )
    row = wh.rows(
        f"select {parts} from {MLFS} where game_date between ? and ? "
        "and is_prediction_eligible and not early_season_flag",
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


def leak_audit(wh: Warehouse, rng: tuple[date, date]) -> CheckResult:
    """Lie 1: stored windowed features must equal the strictly-before recomputation from PGS."""
    src = ", ".join(f"m.feature_sources[{_index(f)}] as src_{f}" for f in LEAK_FEATURES)
    vals = ", ".join(f"m.{f}" for f in LEAK_FEATURES)

    def window_aggs(prefix: str) -> str:
        return ", ".join(f"avg(points) filter (where rn <= {n}) as {prefix}{f}" for f, n in WINDOWS.items())

    rows = wh.dicts(
        f"""
        with m as (
            select m.game_date, m.player_id, s.season_year, {vals}, {src},
                   coalesce(list_max(m.hist_game_dates) >= m.game_date, false) as hist_leak
            from {MLFS} m join raw.schedule_games s on s.game_id = m.game_id
            where m.game_date between $s and $e and not m.early_season_flag),
        played as (select player_id, season_year, game_date, cast(points as double) as points
                   from {PGS} where played_flag and minutes_played > 0),
        strict_hist as (
            select m.game_date, m.player_id, p.points,
                   row_number() over (partition by m.game_date, m.player_id
                                      order by p.game_date desc) as rn
            from m join played p on p.player_id = m.player_id and p.season_year = m.season_year
                                 and p.game_date < m.game_date),
        incl_hist as (
            select m.game_date, m.player_id, p.points,
                   row_number() over (partition by m.game_date, m.player_id
                                      order by p.game_date desc) as rn
            from m join played p on p.player_id = m.player_id and p.season_year = m.season_year
                                 and p.game_date <= m.game_date),
        strict as (select game_date, player_id, {window_aggs("s_")} from strict_hist group by 1, 2),
        incl as (select game_date, player_id, {window_aggs("i_")} from incl_hist group by 1, 2),
        judged as (
            select m.game_date, m.player_id, m.hist_leak,
                   {
            ", ".join(
                f"(m.src_{f} in ('phase4', 'phase3')) as chk_{f}, "
                f"coalesce(abs(m.{f} - s.s_{f}) <= {TOLERANCE}, false) as ok_{f}, "
                f"coalesce(abs(m.{f} - i.i_{f}) <= {TOLERANCE}, false) "
                f"and not coalesce(abs(s.s_{f} - i.i_{f}) <= {TOLERANCE}, false) as leak_{f}"
                for f in LEAK_FEATURES
            )
        }
            from m left join strict s using (game_date, player_id)
                   left join incl i using (game_date, player_id))
        select game_date, player_id, hist_leak,
               {" or ".join(f"(chk_{f} and not ok_{f})" for f in LEAK_FEATURES)} as bad,
               {" or ".join(f"(chk_{f} and leak_{f})" for f in LEAK_FEATURES)} as same_day,
               {" or ".join(f"chk_{f}" for f in LEAK_FEATURES)} as checked
        from judged
        """,
        {"s": rng[0], "e": rng[1]},
    )
    checked = [r for r in rows if r["checked"] or r["hist_leak"]]
    bad = [r for r in checked if r["bad"] or r["hist_leak"]]
    same_day = sum(1 for r in bad if r["same_day"])
    hist = sum(1 for r in bad if r["hist_leak"])
    dates = tuple(sorted({r["game_date"] for r in bad}))
    return CheckResult(
        MLFS,
        "leak_audit",
        not bad,
        float(len(bad)),
        0.0,
        dates,
        "find the window that reaches the game date (every window is strict `< d`), fix the model, "
        f"then: {REBUILD}",
        unit="count",
        direction="max",
        note=f"{len(checked):,} rows recomputed from PGS strictly before the game date "
        f"({', '.join(LEAK_FEATURES)}); {len(bad):,} differ, {same_day:,} of them equal the "
        f"same-day-inclusive window (leak signature); {hist:,} with hist_game_dates on or after "
        "the game date",
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


def constant_lines(wh: Warehouse, rng: tuple[date, date]) -> list[CheckResult]:
    """Lie 3a: placeholder or constant prop lines, per table and line column."""
    out = []
    for table, col in LINE_COLUMNS:
        limit = LINE_MODAL_MAX_THREES if "threes" in col else LINE_MODAL_MAX
        if not wh.table_exists(table) or col not in wh.columns(table):
            continue
        lined, modal, modal_n = wh.rows(
            f"""
            with v as (select {col} as line, count(*) as n from {table}
                       where game_date between ? and ? and {col} is not null group by 1)
            select (select coalesce(sum(n), 0) from v),
                   (select line from v order by n desc, line limit 1),
                   (select coalesce(max(n), 0) from v)
            """,
            list(rng),
        )[0]
        if not lined:
            out.append(
                CheckResult(
                    table,
                    f"constant_lines:{col}",
                    True,
                    None,
                    limit,
                    direction="max",
                    note="no lined rows in range",
                )
            )
            continue
        same_day = wh.rows(
            f"select game_date from {table} where game_date between ? and ? and {col} is not null "
            f"group by 1 having count(*) >= {SAME_DAY_MIN} and count(distinct {col}) = 1 order by 1",
            list(rng),
        )
        dates = tuple(r[0] for r in same_day)
        share = modal_n / lined
        out.append(
            CheckResult(
                table,
                f"constant_lines:{col}",
                share <= limit and not dates,
                share,
                limit,
                dates,
                "check the prop source and line selection (SPEC §3.5), re-ingest, then: "
                "nbaprops backfill --through features",
                direction="max",
                note=f"most common line {modal:g} on {modal_n:,}/{lined:,} lined rows"
                + (f"; {len(dates)} dates where every line is the same" if dates else ""),
            )
        )
    return out


def constant_features(wh: Warehouse, rng: tuple[date, date]) -> CheckResult:
    """Lie 3b: no required feature has zero variance over the range (SPEC §7.2 exemptions)."""
    required = [f for f in V1_FEATURES if f.required]
    parts = ", ".join(
        f"count(distinct {f.name}) filter (where feature_sources[{_index(f.name)}] <> 'not_covered')"
        for f in required
    )
    counts = wh.rows(
        f"select {parts} from {MLFS} where game_date between ? and ? and not early_season_flag", list(rng)
    )[0]
    exempt: dict[str, str] = {}
    phases = {
        r[0]
        for r in wh.rows(
            "select distinct season_phase in ('play_in', 'playoffs') from raw.schedule_games "
            "where game_status = 'final' and game_date between ? and ?",
            list(rng),
        )
    }
    if len(phases) <= 1:
        exempt["playoff_game"] = "single-phase range"
    if not _props_in_range(wh, rng):
        exempt["has_vegas_line"] = "no points-props rows in range"
    constant = [f.name for f, n in zip(required, counts, strict=True) if n <= 1 and f.name not in exempt]
    dates: tuple[date, ...] = ()
    if constant:
        lo, hi = wh.rows(
            f"select min(game_date), max(game_date) from {MLFS} "
            "where game_date between ? and ? and not early_season_flag",
            list(rng),
        )[0]
        dates = tuple(d for d in (lo, hi) if d is not None)
    return CheckResult(
        MLFS,
        "constant_features",
        not constant,
        float(len(constant)),
        0.0,
        dates,
        "compute every feature for past dates with the same code as live (pitfall 28), then: " + REBUILD,
        unit="count",
        direction="max",
        items=tuple(constant),
        items_label="features",
        note=f"{len(required)} required features; exempt: "
        + (", ".join(f"{k} ({v})" for k, v in exempt.items()) or "none"),
    )


def _props_in_range(wh: Warehouse, rng: tuple[date, date]) -> bool:
    if not wh.table_exists("raw.oddsapi_player_points_props"):
        return False
    return bool(
        wh.scalar(
            "select count(*) > 0 from raw.oddsapi_player_points_props where game_date between ? and ?",
            list(rng),
        )
    )


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
    if not wh.table_exists("meta.partitions"):
        return {"run_ids": []}
    rows = wh.rows(
        "select run_id, count(*) from meta.partitions where table_name = ? and status = 'complete' "
        "and partition_date between ? and ? group by 1 order by 1",
        [MLFS, *rng],
    )
    return {"run_ids": [{"run_id": r, "partitions": n} for r, n in rows]}
