"""Every check of one registered table over a range (SPEC §7.2), measured on the table itself.

Grain of the results: one `CheckResult` per (table, check), except date completeness (one per season).
Coverage, entities and uniqueness come from `validate.coverage`; this module adds the contract's own
SQL checks, critical fields, cascade contamination, historical completeness and the feature store's
bootstrap placeholders, and `check_table` runs them all.
"""

from __future__ import annotations

from datetime import date

from nbaprops.checks import extra_check_failures
from nbaprops.partitions import DateRange, bootstrap_dates
from nbaprops.registry import Table
from nbaprops.validate.coverage import (
    DayFacts,
    date_completeness,
    entity_check,
    grain_unique,
    measure_days,
    table_missing,
    uncovered_phases,
)
from nbaprops.validate.gates import critical_fields
from nbaprops.validate.results import CheckResult, backfill_fix
from nbaprops.warehouse import Warehouse

#: Cascade contamination classes (share of healthy rows per date).
CLEAN, PARTIAL = 0.99, 0.50
#: Historical completeness (ledger `hist_complete`, MLFS `hist_is_complete`).
HIST_MIN_SHARE = 0.95


def extra_checks(wh: Warehouse, table: Table, rng: DateRange, expected: list[date]) -> list[CheckResult]:
    """The contract's own SQL checks (offending rows per date; 0 = pass), over the whole table, with
    offending rows kept when they fall on an expected date of the range or carry no date (a
    table-level offence)."""
    keep = set(expected)
    out = []
    for check in table.checks:
        one = Table(**{**table.__dict__, "checks": (check,)})
        try:
            found = extra_check_failures(wh, one, table.name)[check.name]
        except Exception as exc:  # a broken check must fail loudly, never pass (pitfall 26)
            out.append(
                CheckResult(
                    table.name,
                    f"check:{check.name}",
                    False,
                    None,
                    0.0,
                    unit="count",
                    direction="max",
                    fix=f"fix the check's SQL in models/{table.schema}/{table.short}.yml",
                    note=f"the check's SQL failed: {str(exc).splitlines()[0]}",
                )
            )
            continue
        per_date: dict[date | None, int] = {d: n for d, n in found.items() if d is None or d in keep}
        bad = tuple(sorted(d for d in per_date if d is not None))
        n = float(sum(per_date.values()))
        passed = not per_date or not check.blocking
        out.append(
            CheckResult(
                table.name,
                f"check:{check.name}",
                passed,
                n,
                0.0,
                bad,
                backfill_fix(bad, table.phase),
                unit="count",
                direction="max",
                note=(check.description or "").strip()
                + ("" if check.blocking else "; non-blocking")
                + (f"; {per_date[None]:,} offending rows without a date" if None in per_date else ""),
                warn=bool(per_date) and not check.blocking,
            )
        )
    return out


def contamination(wh: Warehouse, table: Table, facts: DayFacts, strict: bool) -> list[CheckResult]:
    """Per date: share of rows meeting every contamination condition → CLEAN / PARTIAL / CONTAMINATED."""
    if not table.contamination:
        return []
    cond = " and ".join(f"({c})" for c in table.contamination)
    dates = [d for d in facts.expected if facts.rows.get(d)]
    if not dates:
        return [
            CheckResult(
                table.name,
                "contamination",
                True,
                None,
                CLEAN if strict else PARTIAL,
                note="no rows on expected dates",
            )
        ]
    wh.register_dates("_v_days", dates)
    d = table.date_column
    shares = {
        day: healthy / total
        for day, total, healthy in wh.rows(
            f"select {d}, count(*), count(*) filter (where {cond}) from {table.name} "
            f"where {d} in (select d from _v_days) group by 1"
        )
    }
    wh.unregister("_v_days")
    clean = [x for x, s in shares.items() if s >= CLEAN]
    partial = sorted(x for x, s in shares.items() if PARTIAL <= s < CLEAN)
    dirty = sorted(x for x, s in shares.items() if s < PARTIAL)
    failing = tuple(sorted(dirty + (partial if strict else [])))
    note = f"{len(clean)} CLEAN, {len(partial)} PARTIAL, {len(dirty)} CONTAMINATED dates"
    if partial and not strict:
        note += f"; PARTIAL from {partial[0]}"
    upstream = ", ".join(i for i in table.inputs if i.split(".")[0] not in ("raw", "meta")) or "its inputs"
    return [
        CheckResult(
            table.name,
            "contamination",
            not failing,
            min(shares.values()),
            CLEAN if strict else PARTIAL,
            failing,
            f"rebuild the upstream table first ({upstream}), then: {backfill_fix(failing, table.phase)}",
            note=note,
            warn=bool(partial) and not strict,
        )
    ]


def historical_completeness(
    wh: Warehouse, table: Table, facts: DayFacts, rng: DateRange
) -> list[CheckResult]:
    """Phase 4 / features: ledger `hist_complete` per date, and MLFS rows with `hist_is_complete`."""
    if table.phase not in ("precompute", "features"):
        return []
    out = []
    rows = (
        wh.rows(
            "select partition_date, hist_complete from state.partitions where table_name = ? "
            "and status = 'complete' and partition_date between ? and ?",
            [table.name, rng.start, rng.end],
        )
        if wh.table_exists("state.partitions")
        else []
    )
    expected = set(facts.expected)
    rows = [r for r in rows if r[0] in expected]
    if rows:
        bad = tuple(sorted(d for d, ok in rows if ok is False))
        share = 1 - len(bad) / len(rows)
        out.append(
            CheckResult(
                table.name,
                "hist_complete:ledger",
                share >= HIST_MIN_SHARE,
                share,
                HIST_MIN_SHARE,
                bad,
                "rebuild the missing Phase 3 dates first: nbaprops backfill --through analytics, "
                f"then {backfill_fix(bad, table.phase)}",
                note=f"{len(rows) - len(bad)}/{len(rows)} partitions built on a complete Phase 3 history",
            )
        )
    cols = wh.columns(table.name)
    if "hist_is_complete" in cols:
        early = "and not coalesce(early_season_flag, false)" if "early_season_flag" in cols else ""
        d = table.date_column
        per = wh.rows(
            f"select {d}, count(*), count(*) filter (where hist_is_complete) from {table.name} "
            f"where {d} between ? and ? {early} group by 1 order by 1",
            [rng.start, rng.end],
        )
        per = [r for r in per if r[0] in expected]
        total = sum(r[1] for r in per)
        good = sum(r[2] for r in per)
        row_share = good / total if total else None
        bad = tuple(r[0] for r in per if r[1] and r[2] / r[1] < HIST_MIN_SHARE)
        out.append(
            CheckResult(
                table.name,
                "hist_is_complete:rows",
                row_share is None or row_share >= HIST_MIN_SHARE,
                row_share,
                HIST_MIN_SHARE,
                bad,
                backfill_fix(bad, table.phase),
                note=f"{good:,}/{total:,} non-early rows" if total else "no non-early rows in range",
            )
        )
    return out


def bootstrap_placeholders(wh: Warehouse, table: Table, rng: DateRange) -> list[CheckResult]:
    """A table that writes early-season placeholders (MLFS): one per UPCG player on bootstrap dates."""
    cols = wh.columns(table.name)
    if "early_season_flag" not in cols or not wh.table_exists("analytics.upcoming_player_game_context"):
        return []
    days = bootstrap_dates(wh, rng)
    if not days:
        return [
            CheckResult(
                table.name, "bootstrap_placeholders", True, None, 1.0, note="no bootstrap dates in range"
            )
        ]
    wh.register_dates("_v_boot", days)
    d = table.date_column
    placeholder = "early_season_flag" + (
        " and not coalesce(is_training_ready, false)" if "is_training_ready" in cols else ""
    )
    per = wh.rows(
        f"""
        with u as (select game_date, count(distinct player_id) as n
                   from analytics.upcoming_player_game_context
                   where game_date in (select d from _v_boot) group by 1),
        t as (select {d} as game_date, count(*) as n,
                     count(*) filter (where {placeholder}) as placeholders
              from {table.name} where {d} in (select d from _v_boot) group by 1)
        select b.d, coalesce(u.n, 0), coalesce(t.n, 0), coalesce(t.placeholders, 0)
        from _v_boot b left join u on u.game_date = b.d left join t on t.game_date = b.d
        order by 1
        """
    )
    wh.unregister("_v_boot")
    bad = tuple(r[0] for r in per if not (r[1] == r[2] == r[3]))
    expected_n = sum(r[1] for r in per)
    placeholders = sum(r[3] for r in per)
    share = placeholders / expected_n if expected_n else 1.0
    return [
        CheckResult(
            table.name,
            "bootstrap_placeholders",
            not bad,
            share,
            1.0,
            bad,
            backfill_fix(bad, table.phase),
            note=f"{placeholders:,} placeholder rows for {expected_n:,} UPCG players on {len(per)} "
            "bootstrap dates",
        )
    ]


def check_table(
    wh: Warehouse, table: Table, rng: DateRange, strict: bool = False
) -> tuple[list[CheckResult], list[str]]:
    """Every check of one table; returns (results, notes)."""
    if not wh.table_exists(table.name):
        return [table_missing(wh, table, rng)], []
    facts = measure_days(wh, table, rng)
    results = date_completeness(facts, table)
    results += entity_check(facts, table)
    results.append(grain_unique(facts, table))
    results += critical_fields(wh, table, rng, facts.expected)
    results += extra_checks(wh, table, rng, facts.expected)
    results += contamination(wh, table, facts, strict)
    results += historical_completeness(wh, table, facts, rng)
    results += bootstrap_placeholders(wh, table, rng)
    return results, uncovered_phases(wh, table, facts, rng)
