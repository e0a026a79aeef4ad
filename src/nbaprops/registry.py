"""Every table's contract, read from `models/<schema>/<table>.yml` beside its `.sql`.

The registry is the single list of tables: backfill order, gates, validation and checklists are all
derived from it, so a table added here (two files) needs no other change. Inputs are read from the
SQL with sqlglot, never declared by hand. What a model may declare is how it reads one: `reads_before`
lists the registered inputs it reads strictly before each row's date (point in time), which makes
staleness exact (a change to the input on date d reaches the table's dates after d, never d itself)
and lets a build of later dates run beside the input's build (`phase_runner.run_phase`); a test checks
every such declaration against the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from nbaprops.errors import UsageError

#: Layers in build order; `raw` is filled by ingest, the rest by backfill.
PHASES = ("raw", "analytics", "precompute", "features", "predictions")

#: How a table's expected partitions are derived from the schedule (SPEC §7.1).
EXPECTED_KINDS = (
    "final",
    "scheduled",
    "final_post_bootstrap",
    "scheduled_post_bootstrap",
    "shots_post_bootstrap",
)


@dataclass(frozen=True)
class CriticalField:
    """A column that must be non-NULL on at least `min_share` of the rows matching `where`."""

    column: str
    min_share: float
    where: str = "true"


@dataclass(frozen=True)
class ExtraCheck:
    """A SQL check: `sql` selects offending rows with the table's date column; 0 rows = pass."""

    name: str
    sql: str
    blocking: bool = True
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One registered table and its contract."""

    name: str
    phase: str
    grain: tuple[str, ...]
    date_column: str
    description: str
    expected: str
    build: str
    reach_days: int
    entity: str
    critical_fields: tuple[CriticalField, ...]
    contamination: tuple[str, ...]
    checks: tuple[ExtraCheck, ...]
    sql_path: Path
    inputs: tuple[str, ...] = field(default=())
    reads_before: tuple[str, ...] = field(default=())
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def short(self) -> str:
        return self.name.split(".")[1]

    @property
    def sql(self) -> str:
        return self.sql_path.read_text(encoding="utf-8")

    def lag(self, table: str) -> int:
        """Days between this table's partition date and the latest date it reads of input `table`'s:
        1 for an input in `reads_before` (strictly before), else 0 (the same date)."""
        return 1 if table in self.reads_before else 0

    @property
    def model_hash(self) -> str:
        """Fingerprint of the model's SQL and contract: a change makes its partitions stale."""
        import hashlib

        text = self.sql + self.sql_path.with_suffix(".yml").read_text(encoding="utf-8")
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def models_dir() -> Path:
    return Path(str(files("nbaprops").joinpath("models")))


def _load(yml: Path) -> Table:
    from nbaprops.sql import input_tables

    # libyaml's safe loader when PyYAML was built with it: ten times faster than the pure one
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(yml.read_text(encoding="utf-8"), Loader=loader)
    sql_path = yml.with_suffix(".sql")
    name = f"{yml.parent.name}.{yml.stem}"
    if spec.get("table", name) != name:
        raise UsageError(f"{yml}: table {spec['table']!r} does not match its path {name!r}")
    if spec["phase"] not in PHASES or {spec["expected"], spec.get("build", spec["expected"])} - set(
        EXPECTED_KINDS
    ):
        raise UsageError(f"{yml}: bad phase or expected kind")
    return Table(
        name=name,
        phase=spec["phase"],
        grain=tuple(spec["grain"]),
        date_column=spec["date_column"],
        description=spec["description"].strip(),
        expected=spec["expected"],
        build=spec.get("build", spec["expected"]),
        reach_days=int(spec.get("reach_days", 0)),
        entity=spec.get("entity", "none"),
        critical_fields=tuple(CriticalField(**c) for c in spec.get("critical_fields", [])),
        contamination=tuple(spec.get("contamination", [])),
        checks=tuple(ExtraCheck(**c) for c in spec.get("checks", [])),
        sql_path=sql_path,
        inputs=tuple(sorted(input_tables(sql_path.read_text(encoding="utf-8")) - {name})),
        reads_before=tuple(sorted(spec.get("reads_before", []))),
        extra={k: v for k, v in spec.items() if k not in Table.__dataclass_fields__},
    )


@cache
def all_tables() -> tuple[Table, ...]:
    """Every registered table, in dependency order (inputs before the tables that read them)."""
    tables = {t.name: t for t in (_load(p) for p in sorted(models_dir().glob("*/*.yml")))}
    for t in tables.values():
        for name in t.reads_before:
            if name not in t.inputs or name not in tables:
                raise UsageError(f"{t.name}: reads_before {name!r} is not a registered input of its SQL")
    ordered = [tables[name] for level in dag_levels(tables) for name in level]
    return tuple(sorted(ordered, key=lambda t: PHASES.index(t.phase)))  # stable: keeps DAG order


def dag_levels(tables: dict[str, Table]) -> list[list[str]]:
    """Topological levels: every table's registered inputs sit in earlier levels (parallel groups)."""
    remaining = dict(tables)
    done: set[str] = set()
    levels: list[list[str]] = []
    while remaining:
        ready = sorted(n for n, t in remaining.items() if all(i in done or i not in tables for i in t.inputs))
        if not ready:
            raise UsageError(f"dependency cycle among {sorted(remaining)}")
        levels.append(ready)
        done.update(ready)
        for n in ready:
            del remaining[n]
    return levels


def get(name: str) -> Table:
    """A table by qualified or short name; unknown names are a usage error."""
    for t in all_tables():
        if name in (t.name, t.short):
            return t
    raise UsageError(f"unknown table {name!r}")


def tables_in(phase: str) -> tuple[Table, ...]:
    return tuple(t for t in all_tables() if t.phase == phase)


def phases_through(last: str) -> tuple[str, ...]:
    """The backfill phases up to and including `last`."""
    if last not in PHASES[1:]:
        raise UsageError(f"unknown phase {last!r} (use one of {', '.join(PHASES[1:])})")
    return PHASES[1 : PHASES.index(last) + 1]
