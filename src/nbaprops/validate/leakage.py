"""Readiness lie 1: a feature computed from the same or a later game (pitfall 14), as a SQL audit.

For every non-early MLFS row in the range, the windowed points features (`points_avg_last_5`,
`points_avg_last_10`, `points_avg_season`) are recomputed from PGS over the player's played games
(`played_flag and minutes_played > 0`) of the same season STRICTLY before the game date, and must equal
the stored values wherever the feature came from a real source (phase4 / phase3, not a default). The
recomputation that includes the game date is computed too: a stored value equal to it (and not to the
strict one) is the leak signature. The team history dates (`hist_game_dates`) must all be before the
game date.
"""

from __future__ import annotations

from datetime import date

from nbaprops.feature_contract import FEATURES
from nbaprops.validate.results import CheckResult
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
PGS = "analytics.player_game_summary"
REBUILD = "nbaprops backfill --through features"
#: Stored features are FLOAT: values equal within this tolerance are the same value.
TOLERANCE = 0.011
LEAK_FEATURES = ("points_avg_last_5", "points_avg_last_10", "points_avg_season")
WINDOWS = {"points_avg_last_5": 5, "points_avg_last_10": 10, "points_avg_season": 100_000}


def source_position(name: str) -> int:
    """1-based position of a feature in `feature_sources` (contract order)."""
    return next(i for i, f in enumerate(FEATURES) if f.name == name) + 1


def leak_audit(wh: Warehouse, rng: tuple[date, date]) -> CheckResult:
    """Lie 1: stored windowed features must equal the strictly-before recomputation from PGS."""
    src = ", ".join(f"m.feature_sources[{source_position(f)}] as src_{f}" for f in LEAK_FEATURES)
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
