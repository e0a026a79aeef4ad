"""One phase's tables built as a DAG: each table starts as soon as the tables it reads are built.

Grain: one task per `PlanItem` (a table and its candidate dates), each on its own connection and
thread. A table waits for every input of its own phase; earlier phases are finished, and gated,
before its phase starts (`backfill.run_plan`).

The one exception is an input the table reads strictly before its dates (`Table.reads_before`). The
table waits only until that input knows which dates it builds. If each of those dates is on or after
the table's last candidate date, no row of the table reads them, and the ledger windows of its dates
end the day before (`Table.lag`). The two then build side by side: a single-day run builds player
games and team context together. Otherwise the table waits for the input as usual. Over a range the
input's first date comes before the table's last one, so nothing changes there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from nbaprops.planner import PlanItem
from nbaprops.registry import Table
from nbaprops.warehouse import Warehouse

R = TypeVar("R")

#: Builds one table: (connection, item, callback taking the dates it builds) -> result.
Build = Callable[[Warehouse, PlanItem, Callable[[list[date]], None]], R]


class UpstreamFailed(RuntimeError):
    """A table's input failed to build; the input's own error is the one reported."""


@dataclass
class _Slot:
    """What the other tasks of the phase may wait for: the table's dates, then its build."""

    planned: threading.Event = field(default_factory=threading.Event)
    built: threading.Event = field(default_factory=threading.Event)
    dates: list[date] = field(default_factory=list)
    failed: bool = False


def builds_beside(input_dates: list[date], candidates: list[date]) -> bool:
    """True when a table may build beside an input it reads strictly before its dates: each date
    the input builds in this run is on or after the table's last candidate date."""
    return not input_dates or not candidates or min(input_dates) >= max(candidates)


def run_phase(
    wh: Warehouse, items: list[PlanItem], build: Build[R], refused: set[date] | frozenset[date] = frozenset()
) -> list[R]:
    """Build a phase's tables, each as soon as its inputs allow; results in `items` order.

    A single table runs on `wh` itself. The first error is raised once every task has stopped; a
    table whose input failed is not built.
    """
    if len(items) == 1:
        return [build(wh, items[0], lambda dates: None)]
    slots = {item.table.name: _Slot() for item in items}

    def task(cur: Warehouse, item: PlanItem) -> R:
        slot = slots[item.table.name]
        try:
            candidates = [d for d in item.expected if d not in refused]
            for name in item.table.inputs:
                upstream = slots.get(name)
                if upstream is None:
                    continue  # another phase's table: already built
                if name in item.table.reads_before:
                    upstream.planned.wait()
                    if not upstream.failed and builds_beside(upstream.dates, candidates):
                        continue
                upstream.built.wait()
                if upstream.failed:
                    raise UpstreamFailed(f"{item.table.name}: input {name} failed")

            def planned(dates: list[date]) -> None:
                slot.dates = list(dates)
                slot.planned.set()

            return build(cur, item, planned)
        except BaseException:
            slot.failed = True
            raise
        finally:  # also after a failure: no task waits forever
            slot.planned.set()
            slot.built.set()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = [pool.submit(task, wh.cursor(), item) for item in items]
        return [f.result() for f in futures]


def critical_path_seconds(tables: list[Table], seconds: dict[str, float]) -> float:
    """The models' share of a range build's wall time when each table starts once its inputs are
    built: per phase, the slowest chain of tables that read each other; the phases one after another.
    (Over a range, `reads_before` inputs are waited for like any other.)"""
    by_name = {t.name: t for t in tables if t.name in seconds}
    finish: dict[str, float] = {}

    def finish_of(name: str) -> float:
        if name not in finish:
            t = by_name[name]
            same = [i for i in t.inputs if i in by_name and by_name[i].phase == t.phase]
            finish[name] = seconds[name] + max((finish_of(i) for i in same), default=0.0)
        return finish[name]

    phases: dict[str, float] = {}
    for name, t in by_name.items():
        phases[t.phase] = max(phases.get(t.phase, 0.0), finish_of(name))
    return sum(phases.values())
