"""Every check of one registered table over a range (SPEC §7.1, §7.2), measured on the table itself.

Grain of the results: one `CheckResult` per (table, check), except date completeness (one per season).
Nothing here trusts a flag alone: a date counts as present only if its ledger partition is `complete`
AND the table really has rows on it AND those rows pass the per-date entity rule and grain uniqueness
now. So a date deleted from a table after it was built, or duplicated by a bad write, is missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from nbaprops.checks import duplicate_dates, entity_counts, extra_check_failures
from nbaprops.partitions import DateRange, bootstrap_dates, expected_dates
from nbaprops.registry import Table
from nbaprops.validate.gates import DATE_COMPLETENESS, critical_fields, season_label
from nbaprops.validate.results import CheckResult, backfill_fix
from nbaprops.warehouse import Warehouse

#: Per-date entity share for Phase 4 rules (SPEC §5.0): below fails, below WARN warns.
ENTITY_MIN_SHARE = 0.90
ENTITY_WARN_SHARE = 0.95
#: Entity rules that must hold exactly (SPEC §7.2: two team rows per game, every game present).
EXACT_RULES = ("two_per_final_game", "two_per_scheduled_game", "players_per_final_game")
#: Cascade contamination classes (share of healthy rows per date).
CLEAN, PARTIAL = 0.99, 0.50
#: Historical completeness (ledger `hist_complete`, MLFS `hist_is_complete`).
HIST_MIN_SHARE = 0.95


@dataclass
class DayFacts:
    """What was measured per expected date of one table."""

    expected: list[date]
    seasons: dict[date, int]
    ledger: dict[date, str]
    rows: dict[date, int]
    duplicates: dict[date, int]
    entities: dict[date, tuple[int, int]]
    entity_ok: dict[date, bool] = field(default_factory=dict)

    def present(self, d: date) -> bool:
        return (
            self.ledger.get(d) == "complete"
            and self.rows.get(d, 0) > 0
            and not self.duplicates.get(d)
            and self.entity_ok.get(d, True)
        )

    def why_missing(self, d: date) -> str:
        if not self.rows.get(d):
            return "no rows"
        if self.duplicates.get(d):
            return "duplicates"
        if not self.entity_ok.get(d, True):
            return "entities short"
        return f"ledger {self.ledger.get(d) or 'absent'}"


def in_range(table: Table, rng: DateRange) -> str:
    """The table restricted to the range (a subquery usable wherever a relation is)."""
    return (
        f"(select * from {table.name} where {table.date_column} "
        f"between DATE '{rng.start}' and DATE '{rng.end}')"
    )


def measure_days(wh: Warehouse, table: Table, rng: DateRange) -> DayFacts:
    """Ledger status, row counts, duplicates and entity counts per expected date, set-based."""
    expected = expected_dates(wh, table.expected, rng)
    seasons = dict(
        wh.rows(
            "select game_date, max(season_year) from raw.schedule_games "
            "where game_date between ? and ? group by 1",
            [rng.start, rng.end],
        )
    )
    ledger = (
        dict(
            wh.rows(
                "select partition_date, status from meta.partitions where table_name = ? "
                "and partition_date between ? and ?",
                [table.name, rng.start, rng.end],
            )
        )
        if wh.table_exists("meta.partitions")
        else {}
    )
    d = table.date_column
    rows = dict(
        wh.rows(
            f"select {d}, count(*) from {table.name} where {d} between ? and ? group by 1",
            [rng.start, rng.end],
        )
    )
    dups = duplicate_dates(wh, table, in_range(table, rng))
    entities = entity_counts(wh, table, in_range(table, rng), expected)
    facts = DayFacts(expected, seasons, ledger, rows, dups, entities)
    need = 1.0 if table.entity in EXACT_RULES else ENTITY_MIN_SHARE
    for day, (exp_n, act_n) in entities.items():
        facts.entity_ok[day] = (act_n / exp_n if exp_n else 1.0) >= need
    return facts


def table_missing(wh: Warehouse, table: Table, rng: DateRange) -> CheckResult:
    """Fault (f): a registered table that does not exist in the warehouse: every expected date missing."""
    expected = tuple(expected_dates(wh, table.expected, rng))
    return CheckResult(
        table.name,
        "table_exists",
        False,
        0.0 if expected else None,
        1.0,
        expected,
        backfill_fix(expected, table.phase),
        note=f"registered table {table.name} does not exist in the warehouse: 0/{len(expected)} "
        "expected dates present",
    )


def date_completeness(facts: DayFacts, table: Table) -> list[CheckResult]:
    """Per season: present expected dates / expected dates ≥ 95%, missing dates by name."""
    if not facts.expected:
        return [
            CheckResult(
                table.name,
                "date_completeness",
                True,
                None,
                DATE_COMPLETENESS,
                note="no expected dates in range",
            )
        ]
    by_season: dict[int, list[date]] = defaultdict(list)
    for d in facts.expected:
        by_season[facts.seasons.get(d, d.year)].append(d)
    out = []
    for season, days in sorted(by_season.items()):
        missing = tuple(d for d in days if not facts.present(d))
        share = 1 - len(missing) / len(days)
        reasons: dict[str, int] = defaultdict(int)
        for d in missing:
            reasons[facts.why_missing(d)] += 1
        note = f"{len(days) - len(missing)}/{len(days)} dates"
        if reasons:
            note += "; " + ", ".join(f"{n} {why}" for why, n in sorted(reasons.items()))
        out.append(
            CheckResult(
                table.name,
                f"date_completeness:{season_label(season)}",
                share >= DATE_COMPLETENESS,
                share,
                DATE_COMPLETENESS,
                missing,
                backfill_fix(missing, table.phase),
                note=note,
            )
        )
    return out


def uncovered_phases(wh: Warehouse, table: Table, facts: DayFacts, rng: DateRange) -> list[str]:
    """Season-phases of the expected dates on which the table has no row at all (named, not hidden)."""
    if not facts.expected:
        return []
    wh.register_dates("_v_exp", facts.expected)
    groups = wh.rows(
        "select season_year, season_phase, list(distinct game_date order by game_date) "
        "from raw.schedule_games where game_date in (select d from _v_exp) "
        "and season_phase in (select unnest(?)) group by 1, 2 order by 1, 2",
        [list(rng.season_phases)],
    )
    wh.unregister("_v_exp")
    out = []
    for season, phase, days in groups:
        if not any(facts.rows.get(d) for d in days):
            out.append(
                f"{table.name}: no rows at all for {season_label(season)} {phase} "
                f"({len(days)} dates, {days[0]}..{days[-1]}): no source covers it or it was "
                "never built"
            )
    return out


def entity_check(facts: DayFacts, table: Table) -> list[CheckResult]:
    """Per-date entity rule; value = the lowest per-date share."""
    if table.entity == "none":
        return []
    if not facts.entities:
        return [
            CheckResult(
                table.name, f"entity:{table.entity}", True, None, None, note="no expected entities in range"
            )
        ]
    shares = {d: (a / e if e else 1.0) for d, (e, a) in facts.entities.items()}
    need = 1.0 if table.entity in EXACT_RULES else ENTITY_MIN_SHARE
    bad = tuple(sorted(d for d, s in shares.items() if s < need))
    warn = sorted(d for d, s in shares.items() if need <= s < ENTITY_WARN_SHARE)
    expected_n = sum(e for e, _ in facts.entities.values())
    actual_n = sum(a for _, a in facts.entities.values())
    note = f"{actual_n:,}/{expected_n:,} entities over {len(shares)} dates"
    if table.entity in EXACT_RULES:
        note += "; every game of every date must be complete"
    if warn:
        note += f"; {len(warn)} dates in the 90-95% warning band (first {warn[0]})"
    return [
        CheckResult(
            table.name,
            f"entity:{table.entity}",
            not bad,
            min(shares.values()),
            need,
            bad,
            backfill_fix(bad, table.phase),
            note=note,
            warn=bool(warn) and not bad,
        )
    ]


def grain_unique(facts: DayFacts, table: Table) -> CheckResult:
    dup_dates = tuple(sorted(facts.duplicates))
    surplus = float(sum(facts.duplicates.values()))
    return CheckResult(
        table.name,
        "grain_unique",
        not dup_dates,
        surplus,
        0.0,
        dup_dates,
        backfill_fix(dup_dates, table.phase),
        unit="count",
        direction="max",
        note=f"grain ({', '.join(table.grain)})"
        + (f"; {surplus:,.0f} surplus rows on {len(dup_dates)} dates" if dup_dates else ""),
    )


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
            "select partition_date, hist_complete from meta.partitions where table_name = ? "
            "and status = 'complete' and partition_date between ? and ?",
            [table.name, rng.start, rng.end],
        )
        if wh.table_exists("meta.partitions")
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
