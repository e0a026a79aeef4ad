"""Golden transform cases: `tests/transforms/<table>.yaml`, small and hand-made (DESIGN §7).

Each file holds `cases`; a case gives rows per input table (`given`), the model parameters and the
rows it must produce (`expect`, compared on the columns listed, floats to 1e-6, in the grain's order).
Inputs a case does not mention are created empty from `empty_inputs` column lists when given.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from nbaprops import registry
from nbaprops.warehouse import Warehouse

CASES_DIR = Path(__file__).parent / "transforms"


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["table"], case, id=f"{path.stem}:{case['name']}"))
    return params


def create_input(wh: Warehouse, table: str, rows: list[dict[str, Any]], types: dict[str, str]) -> None:
    """Create `table` from hand-written rows; `types` (column → SQL type) fixes ambiguous columns."""
    names: list[str] = []
    for row in rows:
        names += [k for k in row if k not in names]
    names += [k for k in types if k not in names]
    # every row carries every column (pyarrow takes the columns of the first row only)
    data = pa.Table.from_pylist([{k: row.get(k) for k in names} for row in rows]) if rows else None
    cols = []
    for name in names:
        sql_type = types.get(name)
        if data is not None and name in data.column_names and sql_type is None:
            cols.append(f'"{name}"')
        elif data is not None and name in data.column_names:
            cols.append(f'cast("{name}" as {sql_type}) as "{name}"')
        else:
            cols.append(f'cast(null as {sql_type or "varchar"}) as "{name}"')
    if data is not None:
        wh.register("_given", data)
        wh.execute(f"create table {table} as select {', '.join(cols)} from _given")
        wh.unregister("_given")
    else:
        wh.execute(f"create table {table} as select {', '.join(cols)} where false")


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
    if isinstance(a, dt.datetime) and isinstance(b, dt.date) and not isinstance(b, dt.datetime):
        return a.date() == b
    return bool(a == b)


@pytest.mark.parametrize(("table_name", "case"), load_cases())
def test_golden_case(table_name: str, case: dict[str, Any]) -> None:
    table = registry.get(table_name)
    wh = Warehouse(":memory:")
    types = case.get("types", {})
    for name, rows in case["given"].items():
        create_input(wh, name, rows or [], types.get(name, {}))
    params = {
        "start_date": case.get("start_date", dt.date(1900, 1, 1)),
        "end_date": case.get("end_date", dt.date(2100, 1, 1)),
    }
    got = wh.dicts(f"select * from ({table.sql}) order by {', '.join(table.grain)}", params)
    expect = case["expect"]
    assert len(got) == len(expect), f"expected {len(expect)} rows, got {len(got)}: {got}"
    for i, (g, e) in enumerate(zip(got, expect, strict=True)):
        for col, value in e.items():
            assert col in g, f"row {i}: model has no column {col}"
            assert (g[col] is None and value is None) or same(g[col], value), (
                f"row {i} column {col}: got {g[col]!r}, expected {value!r}"
            )
