"""Training and scoring rows: MLFS contract features joined to PGS labels, with leak refusals.

Grain: one row per (`game_date`, `player_id`) of `features.ml_feature_store_v2`.

* Features are the v1 contract (`nbaprops.feature_contract.V1_FEATURES`, indices 0–32, in contract
  order), never a hand list. Labels are `target_points` / `target_threes_made` (PGS `points` /
  `three_pt_makes`), kept apart from the feature matrix.
* Training rows (`mode="training"`): `is_training_ready` and a PGS label with `played_flag`.
  Scoring rows (`mode="eligible"`): `is_prediction_eligible` and not `early_season_flag`; the label is
  attached when the game has been played (NaN otherwise, `played` False).
* Refusals (`LeakageError`, a one-line `UsageError`): a `target_*` or label-like column among the
  features; a column not in the contract, or a contract feature missing; an early-season placeholder
  row; a feature equal to (or perfectly correlated with) the label; a feature store whose
  `points_avg_last_5` matches the window that includes the game itself better than the strict one
  (pitfall 14, the "85% hit rate" leak).
* Splits are chronological only (pitfall 21): `chronological_split` puts the last 15% of the training
  window's rows, cut at a date boundary, in validation; `split_dates` asserts
  max(train) < min(valid) < min(test).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from nbaprops import feature_contract
from nbaprops.errors import UsageError
from nbaprops.warehouse import Warehouse

MLFS = "features.ml_feature_store_v2"
PGS = "analytics.player_game_summary"
UPCG = "analytics.upcoming_player_game_context"

#: market → (label column in the dataset, PGS column it comes from)
TARGETS: dict[str, tuple[str, str]] = {
    "points": ("target_points", "points"),
    "threes": ("target_threes_made", "three_pt_makes"),
}
#: Names that are the game's own outcome: never a feature, whatever the contract says.
LABEL_NAMES = frozenset(
    {
        "points",
        "three_pt_makes",
        "actual_points",
        "actual_value",
        "minutes_played",
        "played_flag",
        "line_margin",
        "over_under_result",
        "win_flag",
    }
)
VALID_FRACTION = 0.15
#: Minimum rows for the point-in-time audit to say anything.
AUDIT_MIN_ROWS = 50


class LeakageError(UsageError):
    """The dataset would leak the label or the future into training: refused."""


def contract_features() -> tuple[str, ...]:
    """The model inputs: the v1 contract features (0–32) in contract order."""
    return tuple(f.name for f in feature_contract.V1_FEATURES)


def check_feature_names(names: Sequence[str]) -> tuple[str, ...]:
    """Refuse labels, non-contract columns and missing contract features; returns the names."""
    names = tuple(names)
    labels = [n for n in names if n.startswith("target_") or n in LABEL_NAMES]
    if labels:
        raise LeakageError(f"label column(s) among the features: {', '.join(labels)}")
    contract = contract_features()
    unknown = [n for n in names if n not in contract]
    if unknown:
        raise LeakageError(
            f"column(s) not in the feature contract {feature_contract.FEATURE_VERSION}: {', '.join(unknown)}"
        )
    missing = [n for n in contract if n not in names]
    if missing:
        raise UsageError(f"contract feature(s) missing from the dataset: {', '.join(missing)}")
    if len(set(names)) != len(names):
        raise UsageError("duplicate feature columns")
    return names


@dataclass
class Dataset:
    """Feature matrix, labels and the context columns evaluation needs (never fed to a model)."""

    features: tuple[str, ...]
    X: np.ndarray  # float64, NaN = NULL
    game_date: np.ndarray  # datetime64[D]
    game_id: np.ndarray
    player_id: np.ndarray
    played: np.ndarray  # bool: a PGS label with played_flag
    targets: dict[str, np.ndarray]  # label name -> float64 (NaN when not played)
    context: dict[str, np.ndarray] = field(default_factory=dict)
    audit: dict[str, Any] | None = None  # point-in-time audit of the rows (training mode)

    def __len__(self) -> int:
        return len(self.game_date)

    def take(self, mask: np.ndarray) -> Dataset:
        return Dataset(
            self.features,
            self.X[mask],
            self.game_date[mask],
            self.game_id[mask],
            self.player_id[mask],
            self.played[mask],
            {k: v[mask] for k, v in self.targets.items()},
            {k: v[mask] for k, v in self.context.items()},
        )

    def y(self, market: str) -> np.ndarray:
        return self.targets[TARGETS[market][0]]

    def column(self, name: str) -> np.ndarray:
        """A feature column by name."""
        return self.X[:, self.features.index(name)]

    @classmethod
    def from_arrow(cls, table: pa.Table, features: Sequence[str] | None = None) -> Dataset:
        """Validate and convert query rows; every refusal of the module applies here."""
        names = check_feature_names(features if features is not None else contract_features())
        cols = set(table.column_names)
        absent = [n for n in names if n not in cols]
        if absent:
            raise UsageError(f"feature store lacks contract column(s): {', '.join(absent)}")
        if "early_season_flag" in cols:
            early = table.column("early_season_flag").to_numpy(zero_copy_only=False)
            n_early = int(np.sum(early.astype(bool))) if len(early) else 0
            if n_early:
                raise LeakageError(
                    f"{n_early} early-season placeholder row(s) in the dataset: placeholders "
                    "carry no features and must never be trained on or scored"
                )
        if "data_source" in cols:
            src = table.column("data_source").to_pylist()
            if any(s == "early_season" for s in src):
                raise LeakageError(
                    "early-season placeholder row(s) (data_source = 'early_season') in the dataset"
                )
        X = (
            np.column_stack([_floats(table.column(n)) for n in names])
            if len(table)
            else np.zeros((0, len(names)))
        )
        played = (
            (_floats(table.column("played_flag")) == 1.0)
            if "played_flag" in cols
            else np.zeros(len(table), bool)
        )
        targets = {
            label: np.where(played, _floats(table.column(label)), np.nan)
            for label, _ in TARGETS.values()
            if label in cols
        }
        skip = {*names, "game_date", "game_id", "player_id", "played_flag", *targets}
        context = {c: _numpy(table.column(c)) for c in table.column_names if c not in skip}
        return cls(
            features=names,
            X=X,
            game_date=table.column("game_date").to_numpy(zero_copy_only=False).astype("datetime64[D]"),
            game_id=np.asarray(table.column("game_id").to_pylist(), dtype=object),
            player_id=_numpy(table.column("player_id")).astype(np.int64),
            played=played,
            targets=targets,
            context=context,
        )


def _floats(col: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_boolean(col.type):
        col = col.cast(pa.int8())
    return col.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)


def _numpy(col: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type) or pa.types.is_decimal(col.type):
        if col.null_count == 0 and pa.types.is_integer(col.type):
            return col.to_numpy()
        return _floats(col)
    if pa.types.is_boolean(col.type):
        return np.asarray([bool(v) if v is not None else False for v in col.to_pylist()])
    if pa.types.is_date(col.type):
        return col.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return np.asarray(col.to_pylist(), dtype=object)


def rows_sql(features: Sequence[str], mode: str) -> str:
    """The dataset query over [$start, $end]: MLFS features, UPCG lines, PGS labels, threes history.

    Threes history (`threes_avg_*`) is the player's made threes over his played games of the season
    strictly before the date; it feeds only the threes baselines, never a model.
    """
    if mode not in ("training", "eligible"):
        raise UsageError(f"unknown dataset mode {mode!r}")
    where = (
        "f.is_training_ready and p.played_flag"
        if mode == "training"
        else "f.is_prediction_eligible and not f.early_season_flag"
    )
    feats = ",\n            ".join(f'cast(f."{n}" as double) as "{n}"' for n in features)
    labels = ",\n            ".join(f"cast(p.{src} as double) as {label}" for label, src in TARGETS.values())
    return f"""
    with history as (
        select player_id, season_year, game_date,
               avg(three_pt_makes) over w5 as t5, avg(three_pt_makes) over w10 as t10,
               avg(three_pt_makes) over ws as ts
        from {PGS}
        where played_flag and minutes_played > 0
          and game_date >= cast($start as date) - interval 400 day and game_date < $end
        window w5 as (partition by player_id, season_year order by game_date asc nulls first
                      rows between 4 preceding and current row),
               w10 as (partition by player_id, season_year order by game_date asc nulls first
                       rows between 9 preceding and current row),
               ws as (partition by player_id, season_year order by game_date asc nulls first
                      rows between unbounded preceding and current row)
    ),
    joined as (
        select
            f.game_date, f.game_id, f.player_id, f.team_abbr, u.season_year,
            f.early_season_flag, f.data_source, f.is_training_ready, f.is_prediction_eligible,
            f.required_default_count, cast(f.feature_quality_score as double) as feature_quality_score,
            f.feature_version,
            {feats},
            u.points_line, u.points_line_book, u.threes_line, u.threes_line_book,
            coalesce(p.played_flag, false) as played_flag,
            {labels}
        from {MLFS} f
        left join {UPCG} u on u.game_id = f.game_id and u.player_id = f.player_id
        left join {PGS} p on p.game_id = f.game_id and p.player_id = f.player_id
        where f.game_date between $start and $end and {where}
    )
    select j.*, h.t5 as threes_avg_last_5, h.t10 as threes_avg_last_10, h.ts as threes_avg_season
    from joined j
    asof left join history h
      on h.player_id = j.player_id and h.season_year = j.season_year and j.game_date > h.game_date
    order by j.game_date, j.game_id, j.player_id
    """


def load_rows(
    wh: Warehouse,
    start: date,
    end: date,
    mode: str = "training",
    features: Sequence[str] | None = None,
    audit: bool = True,
) -> Dataset:
    """Rows of [start, end] as a validated `Dataset` (refusals in the module docstring)."""
    names = check_feature_names(features if features is not None else contract_features())
    for table in (MLFS, PGS, UPCG):
        if not wh.table_exists(table):
            raise UsageError(f"no {table}: run `nbaprops backfill --through features` first")
    present = set(wh.columns(MLFS))
    absent = [n for n in names if n not in present]
    if absent:
        raise UsageError(f"{MLFS} lacks contract column(s): {', '.join(absent)}")
    data = Dataset.from_arrow(wh.arrow(rows_sql(names, mode), {"start": start, "end": end}), names)
    if mode == "training":
        refuse_label_copies(data)
        if audit:
            data.audit = audit_point_in_time(wh, start, end)
    return data


def refuse_label_copies(data: Dataset) -> None:
    """A feature equal to the label on ≥ 95% of rows, or correlated ≥ 0.99, is a same-day leak."""
    for label, y in data.targets.items():
        ok = ~np.isnan(y)
        if ok.sum() < 20 or np.nanstd(y[ok]) == 0:
            continue
        for j, name in enumerate(data.features):
            x = data.X[ok, j]
            have = ~np.isnan(x)
            if have.sum() < 20:
                continue
            equal = float(np.mean(np.isclose(x[have], y[ok][have])))
            sx = np.std(x[have])
            corr = float(np.corrcoef(x[have], y[ok][have])[0, 1]) if sx > 0 else 0.0
            if equal >= 0.95 or corr >= 0.99:
                raise LeakageError(
                    f"feature {name} reproduces the label {label} (equal on {equal:.0%} of rows, "
                    f"correlation {corr:.3f}): a same-day value leaked into the feature store"
                )


def audit_point_in_time(wh: Warehouse, start: date, end: date) -> dict[str, Any]:
    """Compare MLFS `points_avg_last_5` with the strict (< d) and the inclusive (<= d) PGS window.

    A healthy store matches the strict window; matching the inclusive one more often means the game's
    own box score is inside its features (pitfall 14). Returns the match shares; raises on a leak.
    """
    row = wh.rows(
        f"""
        with played as (
            select player_id, season_year, game_date, points
            from {PGS}
            where played_flag and minutes_played > 0
              and game_date between cast($start as date) - interval 400 day and $end
        ),
        windows as (
            select player_id, game_date,
                   avg(points) over (partition by player_id, season_year order by game_date asc nulls first
                                     rows between 4 preceding and current row) as inclusive_l5,
                   avg(points) over (partition by player_id, season_year order by game_date asc nulls first
                                     rows between 5 preceding and 1 preceding) as strict_l5
            from played
        )
        select count(*),
               count(*) filter (where abs(f.points_avg_last_5 - w.strict_l5) < 0.01),
               count(*) filter (where abs(f.points_avg_last_5 - w.inclusive_l5) < 0.01)
        from {MLFS} f
        join windows w on w.player_id = f.player_id and w.game_date = f.game_date
        where f.game_date between $start and $end and f.is_training_ready
          and w.strict_l5 is not null and w.inclusive_l5 <> w.strict_l5
        """,
        {"start": start, "end": end},
    )[0]
    n, strict, inclusive = (int(v or 0) for v in row)
    result = {
        "rows": n,
        "strict_match": strict / n if n else None,
        "inclusive_match": inclusive / n if n else None,
    }
    if n >= AUDIT_MIN_ROWS and inclusive > strict and inclusive >= 0.5 * n:
        raise LeakageError(
            f"points_avg_last_5 matches the window that includes the game itself on {inclusive / n:.0%} "
            f"of {n} rows (strict window: {strict / n:.0%}): same-day leak (pitfall 14); rebuild the "
            "feature store"
        )
    return result


@dataclass(frozen=True)
class Split:
    """Boolean masks over one dataset, in time order: fit rows, then validation rows, then test rows."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray

    def dates(self, game_date: np.ndarray) -> dict[str, tuple[date | None, date | None]]:
        out: dict[str, tuple[date | None, date | None]] = {}
        for name in ("train", "valid", "test"):
            d = game_date[getattr(self, name)]
            out[name] = (_py(d.min()), _py(d.max())) if len(d) else (None, None)
        return out


def _py(d: np.datetime64) -> date:
    return date.fromisoformat(str(d.astype("datetime64[D]")))


def chronological_split(
    game_date: np.ndarray,
    trained_through: date | None = None,
    valid_fraction: float = VALID_FRACTION,
) -> Split:
    """Training window = rows dated ≤ `trained_through` (all rows when None); its last
    `valid_fraction` of rows by date (whole dates only) is validation; later rows are the test period."""
    d = game_date.astype("datetime64[D]")
    window = d <= np.datetime64(trained_through) if trained_through else np.ones(len(d), bool)
    wd = np.sort(d[window])
    if len(np.unique(wd)) < 2:
        raise UsageError(f"the training window has {len(np.unique(wd))} distinct date(s); need at least 2")
    cutoff = wd[min(int(np.floor(len(wd) * (1 - valid_fraction))), len(wd) - 1)]
    if cutoff == wd[0]:  # keep at least one date for fitting
        cutoff = wd[wd > wd[0]][0]
    split = Split(train=window & (d < cutoff), valid=window & (d >= cutoff), test=~window)
    assert_chronological(d, split)
    return split


def assert_chronological(game_date: np.ndarray, split: Split) -> None:
    """max(train date) < min(valid date) < min(test date) (pitfall 21); raises otherwise."""
    d = game_date.astype("datetime64[D]")
    tr, va, te = d[split.train], d[split.valid], d[split.test]
    if not len(tr) or not len(va):
        raise UsageError("a chronological split needs training and validation rows")
    if (
        np.any(split.train & split.valid)
        or np.any(split.valid & split.test)
        or np.any(split.train & split.test)
    ):
        raise LeakageError("a row sits in two splits")
    if not tr.max() < va.min():
        raise LeakageError(f"train reaches {tr.max()}, validation starts {va.min()}: not chronological")
    if len(te) and not va.max() < te.min():
        raise LeakageError(f"validation reaches {va.max()}, test starts {te.min()}: not chronological")
