"""The ML feature contract (SPEC §5.5) as data: `seeds/feature_contract.csv`, read once.

One row per feature: `index`, `name`, `definition`, `source` (the first-available chain, as text),
`default` (empty = NULL; a feature name = that feature's value), `role` (R required, O optional) and
`version`. Indices 0–32 are the v1 contract (`v2_33features`); higher indices are optional extension
features (role O, `v2_60features`), appended in contract order.

Processors, training and serving all read this one object (pitfall 55): the feature store SQL joins
`meta.feature_contract`, which `install()` writes from the same CSV, so no default is written twice.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from typing import Any

from nbaprops.seeds import seed_path
from nbaprops.warehouse import Warehouse

__all__ = [
    "FEATURES",
    "FEATURE_COUNT",
    "FEATURE_DEFAULTS",
    "FEATURE_NAMES",
    "FEATURE_VERSION",
    "REQUIRED",
    "SOURCE_TAGS",
    "SOURCE_WEIGHTS",
    "V1_FEATURES",
    "Feature",
    "install",
    "load",
    "render_markdown",
]

CONTRACT_FILE = "feature_contract.csv"

#: The version of the v1 contract: features 0–32, the ones training reads (SPEC §6).
FEATURE_VERSION = "v2_33features"

#: Quality-score weight of each source tag (SPEC §5.5). `missing` and `not_covered` are never scored.
SOURCE_WEIGHTS: dict[str, int] = {
    "phase4": 100,
    "phase3": 87,
    "calculated": 100,
    "vegas": 100,
    "opponent_history": 90,
    "default": 40,
}

#: Every source tag a feature can carry (SPEC §5.5).
SOURCE_TAGS = (*SOURCE_WEIGHTS, "missing", "not_covered")


@dataclass(frozen=True)
class Feature:
    """One contract row."""

    index: int
    name: str
    definition: str
    source: str
    default: float | None
    default_feature: str | None
    role: str
    version: str

    @property
    def required(self) -> bool:
        return self.role == "R"


def _parse(row: dict[str, str]) -> Feature:
    text = row["default"].strip()
    default: float | None = None
    default_feature: str | None = None
    if text:
        try:
            default = float(text)
        except ValueError:
            default_feature = text
    return Feature(
        index=int(row["index"]),
        name=row["name"].strip(),
        definition=row["definition"].strip(),
        source=row["source"].strip(),
        default=default,
        default_feature=default_feature,
        role=row["role"].strip(),
        version=row["version"].strip(),
    )


@cache
def load() -> tuple[Feature, ...]:
    """The contract rows in contract order, validated (unique names, increasing indices, roles)."""
    with seed_path(CONTRACT_FILE).open(encoding="utf-8", newline="") as fh:
        features = tuple(_parse(row) for row in csv.DictReader(fh))
    names = [f.name for f in features]
    if len(set(names)) != len(names):
        raise ValueError(f"{CONTRACT_FILE}: duplicate feature names")
    indices = [f.index for f in features]
    if indices != sorted(set(indices)):
        raise ValueError(f"{CONTRACT_FILE}: indices must be unique and increasing")
    for f in features:
        if f.role not in ("R", "O"):
            raise ValueError(f"{CONTRACT_FILE}: feature {f.name} has role {f.role!r}")
        if f.name.startswith("target_"):
            raise ValueError(f"{CONTRACT_FILE}: feature {f.name} looks like a label")
        if f.default_feature is not None and f.default_feature not in names:
            raise ValueError(f"{CONTRACT_FILE}: {f.name} defaults to unknown {f.default_feature!r}")
    return features


FEATURES: tuple[Feature, ...] = load()
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
V1_FEATURES: tuple[Feature, ...] = tuple(f for f in FEATURES if f.version == FEATURE_VERSION)
FEATURE_COUNT = len(V1_FEATURES)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FEATURES if f.required)

#: The single defaults object (SPEC §5.5): name → numeric default, or None (NULL). A default that
#: names another feature (`avg_points_vs_opponent` → `points_avg_season`) maps to that feature's
#: numeric default, the value it takes when both are defaulted; `default_feature` keeps the link.
FEATURE_DEFAULTS: dict[str, float | None] = {
    f.name: f.default
    if f.default_feature is None
    else next(g.default for g in FEATURES if g.name == f.default_feature)
    for f in FEATURES
}


def contract_columns() -> dict[str, tuple[str, list[Any]]]:
    """The contract as columns of `meta.feature_contract`: {column: (SQL type, values)}."""
    return {
        "feature_index": ("integer", [f.index for f in FEATURES]),
        "name": ("varchar", [f.name for f in FEATURES]),
        "definition": ("varchar", [f.definition for f in FEATURES]),
        "source_chain": ("varchar", [f.source for f in FEATURES]),
        "default_value": ("double", [f.default for f in FEATURES]),
        "default_feature": ("varchar", [f.default_feature for f in FEATURES]),
        "role": ("varchar", [f.role for f in FEATURES]),
        "version": ("varchar", [f.version for f in FEATURES]),
    }


def weights_columns() -> dict[str, tuple[str, list[Any]]]:
    """The quality-score source weights as columns of `meta.feature_source_weights`."""
    return {
        "source": ("varchar", list(SOURCE_WEIGHTS)),
        "weight": ("double", list(SOURCE_WEIGHTS.values())),
    }


def install(wh: Warehouse) -> None:
    """(Re)create `meta.feature_contract` and `meta.feature_source_weights` from the contract.

    Each table is replaced in one statement, and only when its rows or column types differ from the
    contract's (every backfill installs it: an unchanged contract is no catalogue change and nothing
    for the close to write); no transaction is opened here, so a caller may run this inside its own."""
    for table, columns in (
        ("meta.feature_contract", contract_columns()),
        ("meta.feature_source_weights", weights_columns()),
    ):
        wh.temp_table("_contract_rows", columns)
        try:
            if not _holds_contract_rows(wh, table):
                wh.execute(f"create or replace table {table} as select * from _contract_rows")
        finally:
            wh.unregister("_contract_rows")


def _holds_contract_rows(wh: Warehouse, table: str) -> bool:
    """Whether `table` has the columns (names and types, in order) and exactly the rows of
    `_contract_rows`."""
    if not wh.table_exists(table) or wh.rows(f"describe {table}") != wh.rows("describe _contract_rows"):
        return False
    differing = wh.scalar(
        f"select count(*) from ((from {table} except all from _contract_rows) "
        f"union all (from _contract_rows except all from {table}))"
    )
    return differing == 0


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """`docs/features.md`, generated from the contract (a test keeps the checked-in file equal)."""
    lines = [
        "# Feature contract",
        "",
        f"Generated from `src/nbaprops/seeds/{CONTRACT_FILE}` by "
        "`nbaprops.feature_contract.render_markdown()`; do not edit by hand.",
        "",
        f"The v1 contract is `{FEATURE_VERSION}`: features 0–{FEATURE_COUNT - 1}, the only ones "
        "training reads. Higher indices are optional extension features, stored in "
        "`features.ml_feature_store_v2` after the v1 columns but never scored.",
        "",
        "Role R = required (a default caps the quality score); O = optional (missing is normal). "
        "An empty default is NULL.",
        "",
        "| # | Name | Definition | Source (first available) | Default | Role | Version |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in FEATURES:
        if f.default_feature is not None:
            default = f"`{f.default_feature}`"
        elif f.default is None:
            default = "NULL"
        else:
            default = repr(f.default)
        lines.append(
            f"| {f.index} | `{f.name}` | {_cell(f.definition)} | {_cell(f.source)} | {default} "
            f"| {f.role} | {f.version} |"
        )
    lines += [
        "",
        "## Quality score",
        "",
        "Source weights: "
        + ", ".join(f"`{k}` {v}" for k, v in SOURCE_WEIGHTS.items())
        + ". `missing` (optional, absent) and `not_covered` (no staged source covers the season) "
        "are excluded from the score and are not defaults.",
        "",
        f"Score = mean weight over the {FEATURE_VERSION} features that are required or present; "
        "capped at 69 with ≥ 1 required default and at 49 with ≥ 5. "
        "Tiers: gold ≥ 95, silver ≥ 85, bronze ≥ 70, poor ≥ 50, critical < 50.",
        "",
    ]
    return "\n".join(lines)
