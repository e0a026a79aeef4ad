"""`state.runs` (in the state store): one row per command invocation (arguments, start, end,
status, per-model details).

A run is recorded as `running` when it starts and closed as `succeeded`, `failed` or `interrupted`;
a row left `running` by a killed process is visible as such (nothing pretends it finished).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from typing import Any

from nbaprops.warehouse import Warehouse


def new_run_id(command: str) -> str:
    """A sortable, unique id: command, UTC time and a random suffix."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{command}-{stamp}-{secrets.token_hex(3)}"


def start_run(wh: Warehouse, command: str, arguments: dict[str, Any]) -> str:
    """Record a command's start in `state.runs` (created with the state store when it is attached)."""
    run_id = new_run_id(command)
    wh.execute(
        "insert into state.runs values (?, ?, ?, now(), null, 'running', ?, null)",
        [run_id, command, json.dumps(arguments, default=str, sort_keys=True), os.getpid()],
    )
    return run_id


def finish_run(wh: Warehouse, run_id: str, status: str, details: dict[str, Any]) -> None:
    wh.execute(
        "update state.runs set ended_at = now(), status = ?, details = ? where run_id = ?",
        [status, json.dumps(details, default=str, sort_keys=True), run_id],
    )
