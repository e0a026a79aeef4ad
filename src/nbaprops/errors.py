"""Errors that the CLI turns into a one-line message and an exit code (never a traceback)."""

from __future__ import annotations


class NbapropsError(Exception):
    """Base class: `exit_code` is what the CLI exits with."""

    exit_code = 1


class UsageError(NbapropsError):
    """Bad arguments, a missing path, an unreadable file, a locked database: exit 2."""

    exit_code = 2


class GateFailed(NbapropsError):
    """A validation gate refused to let the run continue: exit 1."""

    exit_code = 1
