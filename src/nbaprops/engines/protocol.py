"""What a data engine does for the backfill, per batch of one table (grain: a (table, date) partition)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from nbaprops.registry import Table
    from nbaprops.warehouse import Warehouse


class DataEngine(Protocol):
    """Stage a batch where the local warehouse can audit it, then replace its partitions."""

    name: str

    def begin_run(self, wh: Warehouse, tables: list[Table]) -> None:
        """Once per run, before any batch: make the run's inputs readable by the engine."""

    def stage(self, wh: Warehouse, table: Table, dates: list[date], run_id: str) -> None:
        """Compute the batch (dates in relation `_planned`) into the local temp relation `_stage`."""

    def publish(self, wh: Warehouse, table: Table, dates: list[date], withheld: list[date]) -> None:
        """Replace the batch's partitions with the staged rows (minus `withheld` dates); data only."""

    def close(self) -> None:
        """Release the engine's resources."""
