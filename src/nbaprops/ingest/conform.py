"""Conformed Phase 2 tables built from raw: schedule, arenas, player identities (in this order)."""

from __future__ import annotations

from typing import Any

from nbaprops.warehouse import Warehouse

STEPS: list[Any] = []
