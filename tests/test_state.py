"""The state store beside a warehouse: readers of a warehouse that has none get an empty one."""

from __future__ import annotations

from pathlib import Path

from nbaprops.warehouse import Warehouse


def test_a_reader_of_a_warehouse_without_state_sees_an_empty_ledger(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        wh.execute("create table raw.t as select 1 as x")
    Path(str(db) + ".state.duckdb").unlink()
    with Warehouse(db, read_only=True) as wh:
        assert wh.scalar("select count(*) from raw.t") == 1
        assert wh.scalar("select count(*) from state.partitions") == 0
    assert not Path(str(db) + ".state.duckdb").exists()  # a reader never creates one
