"""Fault injection for the kill-and-resume tests (no effect unless `NBAPROPS_CRASH_AT` is set).

`NBAPROPS_CRASH_AT=<point>:<n>` sends this process SIGKILL the n-th time it reaches `<point>`:
`staged` (a batch is staged), `mid_publish` (data partly replaced), `data_published` (data replaced,
ledger not yet written) and `published` (data and ledger written).
"""

from __future__ import annotations

import os
import signal

_CRASH_COUNTS: dict[str, int] = {}


def crash_point(name: str) -> None:
    """SIGKILL this process if `NBAPROPS_CRASH_AT` names this point and its count is reached."""
    spec = os.environ.get("NBAPROPS_CRASH_AT")
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _CRASH_COUNTS[name] = _CRASH_COUNTS.get(name, 0) + 1
    if _CRASH_COUNTS[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
