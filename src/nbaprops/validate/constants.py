"""Readiness lie 3: placeholder or constant prop lines, and required features with zero variance.

Lines: per table and line column, the most common line's share of the lined rows must stay under a
limit, and no date may have all of its (at least `SAME_DAY_MIN`) lined rows on one value.
Features: no required v1 feature may be constant over the range (SPEC §7.2, pitfall 28), except
`playoff_game` in a single-phase range and `has_vegas_line` when no points-props rows cover the range;
values tagged `not_covered` are left out.
"""

from __future__ import annotations

from datetime import date

from nbaprops.feature_contract import V1_FEATURES
from nbaprops.validate.leakage import source_position
from nbaprops.validate.results import CheckResult
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
UPCG = "analytics.upcoming_player_game_context"
REBUILD = "nbaprops backfill --through features"
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
        f"count(distinct {f.name}) filter (where feature_sources[{source_position(f.name)}] <> 'not_covered')"
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
