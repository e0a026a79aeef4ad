"""Date coverage of one registered table (SPEC §7.1): which expected dates are really present.

Grain: one `DayFacts` per (table, range), then one `CheckResult` per (table, check) built from it
(date completeness per season, the per-date entity rule, grain uniqueness, a missing table).
Nothing here trusts a flag alone: a date counts as present only if its ledger partition is `complete`
AND the table really has rows on it AND those rows pass the per-date entity rule and grain uniqueness
now. So a date deleted from a table after it was built, or duplicated by a bad write, is missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from nbaprops.checks import duplicate_dates, entity_counts
from nbaprops.partitions import DateRange, expected_dates
from nbaprops.registry import Table
from nbaprops.validate.gates import DATE_COMPLETENESS, season_label
from nbaprops.validate.results import CheckResult, backfill_fix
from nbaprops.warehouse import Warehouse

#: Per-date entity share for Phase 4 rules (SPEC §5.0): below fails, below WARN warns.
ENTITY_MIN_SHARE = 0.90
ENTITY_WARN_SHARE = 0.95
#: Entity rules that must hold exactly (SPEC §7.2: two team rows per game, every game present).
EXACT_RULES = ("two_per_final_game", "two_per_scheduled_game", "players_per_final_game")


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
                "select partition_date, status from state.partitions where table_name = ? "
                "and partition_date between ? and ?",
                [table.name, rng.start, rng.end],
            )
        )
        if wh.table_exists("state.partitions")
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
