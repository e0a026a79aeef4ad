"""The phase runner (`nbaprops.phase_runner`): a table starts after the tables of its phase it reads,
except beside an input it reads strictly before its dates when that input builds none of the dates
before the table's last one. Orders are asserted from recorded events, never from timings."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from nbaprops import registry
from nbaprops.phase_runner import builds_beside, critical_path_seconds, run_phase
from nbaprops.planner import PlanItem
from nbaprops.warehouse import Warehouse

DAY = date(2025, 4, 13)


def item(
    name: str, inputs: tuple[str, ...] = (), before: tuple[str, ...] = (), dates: list[date] | None = None
) -> PlanItem:
    table = replace(registry.get("upcoming_team_game_context"), name=name, inputs=inputs, reads_before=before)
    return PlanItem(table, expected=dates or [DAY])


class Recorder:
    """A fake build: records start and end of each table; `y` reports `y_dates` and, when told to,
    holds until `x` has started (a deadlock guard stops a wrong order from hanging the test)."""

    def __init__(self, y_dates: list[date], hold: bool) -> None:
        self.events: list[str] = []
        self.lock = threading.Lock()
        self.x_started = threading.Event()
        self.y_dates, self.hold = y_dates, hold
        self.saw_x_while_building_y = False

    def __call__(self, wh: Warehouse, it: PlanItem, planned: Any) -> str:
        name = it.table.name
        with self.lock:
            self.events.append(f"start {name}")
        if name == "y":
            planned(self.y_dates)
            if self.hold:
                self.saw_x_while_building_y = self.x_started.wait(timeout=60)
        else:
            planned(it.expected)
            if name == "x":
                self.x_started.set()
        with self.lock:
            self.events.append(f"end {name}")
        return name


def test_a_table_builds_beside_an_input_it_reads_before_its_dates() -> None:
    build = Recorder(y_dates=[DAY], hold=True)
    with Warehouse(":memory:") as wh:
        out = run_phase(wh, [item("y"), item("x", ("y",), ("y",))], build)
    assert out == ["y", "x"]
    assert build.saw_x_while_building_y


@pytest.mark.parametrize(
    ("before", "y_dates"),
    [
        (("y",), [DAY - timedelta(days=1)]),  # the input rebuilds a date the table reads
        ((), [DAY]),  # an ordinary input: always waited for
    ],
)
def test_a_table_waits_for_an_input_it_may_read(before: tuple[str, ...], y_dates: list[date]) -> None:
    build = Recorder(y_dates=y_dates, hold=False)
    with Warehouse(":memory:") as wh:
        run_phase(wh, [item("y"), item("x", ("y",), before)], build)
    assert build.events.index("end y") < build.events.index("start x")


def test_a_failed_input_stops_the_tables_that_read_it() -> None:
    built: list[str] = []

    def build(wh: Warehouse, it: PlanItem, planned: Any) -> str:
        if it.table.name == "y":
            raise ValueError("y broke")
        built.append(it.table.name)
        return it.table.name

    with Warehouse(":memory:") as wh, pytest.raises(ValueError, match="y broke"):
        run_phase(wh, [item("y"), item("x", ("y",), ("y",)), item("z", ("x",))], build)
    assert built == []


def test_builds_beside_compares_the_inputs_first_date_with_the_tables_last() -> None:
    assert builds_beside([DAY], [DAY])
    assert builds_beside([], [DAY])
    assert not builds_beside([DAY - timedelta(days=1), DAY], [DAY])
    assert not builds_beside([DAY], [DAY, DAY + timedelta(days=1)])


def test_critical_path_adds_each_phases_slowest_chain() -> None:
    a = replace(registry.get("team_offense_game_summary"), name="a", inputs=())
    b = replace(a, name="b", inputs=("a",))
    c = replace(a, name="c", inputs=())
    d = replace(registry.get("player_daily_cache"), name="d", inputs=("b",))
    seconds = {"a": 1.0, "b": 2.0, "c": 2.5, "d": 4.0}
    assert critical_path_seconds([a, b, c, d], seconds) == pytest.approx(3.0 + 4.0)
