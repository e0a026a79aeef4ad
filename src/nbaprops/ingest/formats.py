"""Every staged file format nbaprops recognises, and the lookup from a file to its format."""

from __future__ import annotations

from pathlib import Path

from nbaprops.errors import UsageError
from nbaprops.ingest import formats_bref, formats_lines, formats_nbacom, formats_reference
from nbaprops.ingest.loader import read_header
from nbaprops.ingest.spec import FileFormat

ALL_FORMATS: tuple[FileFormat, ...] = (
    *formats_bref.FORMATS,
    *formats_nbacom.FORMATS,
    *formats_lines.FORMATS,
    *formats_reference.FORMATS,
)


def recognise(path: Path) -> FileFormat | None:
    """The format whose documented name pattern and required columns match this file.

    None when no format's name pattern matches (not a staged file). A file that is named like a
    format but lacks its required columns is an input error, not a silent skip.
    """
    candidates = [f for f in ALL_FORMATS if f.named(path.name)]
    if not candidates:
        return None
    header = read_header(path)
    for fmt in candidates:
        if fmt.matches(path.name, header):
            return fmt
    missing = sorted(candidates[0].signature - set(header))
    raise UsageError(f"{path.name} is named like {candidates[0].name} but lacks columns {missing}")
