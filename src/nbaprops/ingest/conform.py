"""Conformed Phase 2 tables built from raw, in order: arenas, schedule, player identities."""

from __future__ import annotations

from typing import Any

from nbaprops.ingest.arenas import build_arenas_step
from nbaprops.ingest.identity import build_identity_step
from nbaprops.ingest.schedule import build_schedule_step

STEPS: list[Any] = [build_arenas_step, build_schedule_step, build_identity_step]
