"""Load one staged file into its raw table: read strings, type them in SQL, quarantine, audit.

Grain of what this writes: `raw.<format table>` one row per loadable source line; `meta.quarantine` one
row per line that could not be loaded (with reason and raw text); `meta.load_audit` one row per file
per run, where rows_read = rows_loaded + rows_quarantined always holds.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from nbaprops.errors import UsageError
from nbaprops.ingest.spec import KIND_REASON, KIND_SQL, NULLABLE_TOKENS, Check, FileFormat
from nbaprops.warehouse import Warehouse

#: A blank (whitespace-only) line after the first, in a text without its final newline.
BLANK_LINE = re.compile(rb"\n[ \t\r]*(?:\n|\Z)")

QUARANTINE_DDL = """
create table if not exists meta.quarantine (
    run_id varchar, staged_file varchar, staged_line bigint, raw_record varchar,
    target_table varchar, reason varchar, detail varchar
)"""
AUDIT_DDL = """
create table if not exists meta.load_audit (
    run_id varchar, staged_file varchar, target_table varchar, sha256 varchar,
    rows_read bigint, rows_loaded bigint, rows_quarantined bigint, loaded_at timestamp
)"""


@dataclass(frozen=True)
class FileResult:
    """Row accounting for one loaded file."""

    file: str
    table: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


@dataclass(frozen=True)
class StagedText:
    """A file's cells as an Arrow table of strings plus `staged_line` (1-based; header = line 1),
    and the records whose field count differs from the header's (set aside as malformed)."""

    header: list[str]
    table: pa.Table
    malformed: list[tuple[int, list[str]]]
    sha256: str

    @property
    def rows_read(self) -> int:
        return self.table.num_rows + len(self.malformed)


def read_bytes(path: Path) -> bytes:
    """The decompressed bytes of a `.csv` or `.csv.gz` file; unreadable files raise `UsageError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = gzip.decompress(raw) if path.name.endswith(".gz") else raw
        data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    return data.removeprefix(b"\xef\xbb\xbf")


def read_header(path: Path) -> list[str]:
    """The first line of a staged file, split as CSV (streams: reads only the first line)."""
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), [])
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


def header_names(header: list[str]) -> list[str]:
    return [h if h else f"_blank_{i}" for i, h in enumerate(header)]


def read_staged(path: Path) -> StagedText:
    """Parse with Arrow's CSV reader (all strings); line numbers come from the non-blank lines.

    Falls back to the csv module when a quoted value spans lines (then rows ≠ lines).
    """
    data = read_bytes(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    header = next(csv.reader(io.StringIO(data.split(b"\n", 1)[0].decode("utf-8"))), [])
    names = header_names(header)
    malformed: list[tuple[int, list[str]]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        malformed.append((row.number, next(csv.reader([row.text]), [])))
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(use_threads=False, skip_rows=1, column_names=names),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False
        ),
    )
    record_lines = record_line_numbers(data)
    good_lines = record_lines[~np.isin(record_lines, [line for line, _ in malformed])]
    if len(good_lines) != table.num_rows:
        return read_staged_slow(path, data, digest)
    table = table.append_column("staged_line", pa.array(good_lines, pa.int64()))
    return StagedText(names, table, malformed, digest)


def record_line_numbers(data: bytes) -> np.ndarray:
    """1-based numbers of the non-blank lines after the header."""
    body = data.removesuffix(b"\n")
    if BLANK_LINE.search(body) is None:  # the common case: every line after the header is a record
        return np.arange(2, body.count(b"\n") + 2, dtype=np.int64)
    lines = data.split(b"\n")
    return np.array([i for i, line in enumerate(lines, 1) if line.strip() and i > 1], dtype=np.int64)


def read_staged_slow(path: Path, data: bytes, digest: str) -> StagedText:
    """Record-by-record csv parsing (values containing newlines): exact line of each record's start."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader, [])
    records: list[list[str]] = []
    lines: list[int] = []
    malformed: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    for record in reader:
        if record and len(record) == len(header):
            records.append(record)
            lines.append(start)
        elif record:
            malformed.append((start, record))
        start = reader.line_num + 1
    names = header_names(header)
    columns = list(zip(*records, strict=True)) if records else [() for _ in names]
    arrays = [pa.array(col, pa.string()) for col in columns]
    arrays.append(pa.array(lines, pa.int64()))
    table = pa.Table.from_arrays(arrays, names=[*names, "staged_line"])
    return StagedText(names, table, malformed, digest)


def q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def typed_select(fmt: FileFormat, header: list[str]) -> str:
    """SQL over `_staged_strings` that types every column and names each row's quarantine reason."""
    present = set(header)
    parsed: list[str] = []
    rules: list[Check] = []
    for col in fmt.columns:
        if col.source not in present:
            parsed.append(f"cast(null as {sql_type(col.kind)}) as {q(col.name)}")
            continue
        cell = q("_s_" + col.source)
        expr = KIND_SQL[col.kind].format(x=f"nullif(s.{q(col.source)}, '')")
        parsed.append(f"{expr} as {q(col.name)}")
        if col.required:
            rules.append(Check("missing_required_field", f"{cell} is null", f"'{col.source} is empty'"))
        if col.kind == "int":
            bad = (
                f"{cell} is not null and (try_cast({cell} as double) is null "
                f"or try_cast({cell} as double) <> round(try_cast({cell} as double)))"
            )
        elif col.kind != "str":
            bad = f"{cell} is not null and {q(col.name)} is null"
            if col.kind in NULLABLE_TOKENS:
                bad += " and not (" + NULLABLE_TOKENS[col.kind].format(x=cell) + ")"
        else:
            continue
        reason = KIND_REASON.get(col.kind, "unparseable_number")
        rules.append(Check(reason, bad, f"'{col.source}=' || {cell}"))
    known = "(select code from meta.known_team_codes)"
    for team in fmt.teams:
        rules.append(
            Check(
                "unknown_team",
                f"{q(team)} is not null and {q(team)} not in {known}",
                f"'unknown team ' || {q(team)}",
            )
        )
    names = "(select name from meta.team_names)"
    for team in fmt.team_names:
        rules.append(
            Check(
                "unknown_team",
                f"{q(team)} is not null and {q(team)} not in {names}",
                f"'unknown team name ' || {q(team)}",
            )
        )
    rules.extend(fmt.checks)
    reason = "case " + " ".join(f"when {r.bad_sql} then '{r.reason}'" for r in rules) + " end"
    detail = "case " + " ".join(f"when {r.bad_sql} then {r.detail}" for r in rules) + " end"
    if not rules:
        reason = detail = "cast(null as varchar)"
    cells = ", ".join(f"nullif(s.{q(h)}, '') as {q('_s_' + h)}" for h in header)
    derived = ", ".join(f"{expr} as {q(name)}" for name, expr in fmt.derived)
    record = "to_json(struct_pack(" + ", ".join(f"{q(h)} := {q('_s_' + h)}" for h in header) + "))"
    return f"""
    with p as (
        select s.staged_line, {", ".join(parsed)}, {cells}
        from _staged_strings s
    ), d as (
        select p.* {"," if derived else ""} {derived} from p
    ), r0 as (
        select d.*, {reason} as _reason
        from d
    ), r as (
        -- the detail is worked out for the (few) failing rows only
        select r0.*, case when _reason is not null then {detail} end as _detail from r0
    ), {repeat_flags(fmt, header)}
    select r.staged_line, {", ".join(q(c) for c in output_columns(fmt))},
        case when _reason is not null or _is_copy or _key_repeats then {record} end
        as _raw_record, case
        when _reason is not null then _reason
        when _is_copy then 'duplicate_row'
        when _key_repeats then 'duplicate_key'
    end as _why,
    case
        when _reason is not null then _detail
        when _is_copy then 'exact copy of an earlier line'
        else 'key (' || '{", ".join(fmt.key)}' || ') repeats with different content'
    end as _why_detail
    from r join repeated using (staged_line)
    """


def output_columns(fmt: FileFormat) -> list[str]:
    """The raw table's data columns: the format's typed columns, then its derived ones."""
    return [c.name for c in fmt.columns] + [name for name, _ in fmt.derived]


def repeat_flags(fmt: FileFormat, header: list[str]) -> str:
    """CTEs over `r` ending in `repeated(staged_line, _is_copy, _key_repeats)`.

    `_is_copy`: an earlier line has the same cells (and the same passed/failed state).
    `_key_repeats`: a loadable first copy whose key (NULLs equal) another loadable first copy shares.
    Computed on a narrow relation with group-bys and joins: windows over the wide rows cost seconds.
    """
    keys = [q(k) for k in fmt.key]
    hashed = ", ".join(q("_s_" + h) for h in header)
    flags = f"""h as (
        select staged_line, _reason is null as _ok, hash({hashed}) as _hh{"".join(", " + k for k in keys)}
        from r
    ), firsts as (
        select min(staged_line) as staged_line from h group by _ok, _hh
    ), flags as (
        select h.*, firsts.staged_line is null as _is_copy from h left join firsts using (staged_line)
    ), """
    if not keys:
        return flags + "repeated as (select staged_line, _is_copy, false as _key_repeats from flags)"
    same_key = " and ".join(f"kd.{k} is not distinct from f.{k}" for k in keys)
    return (
        flags
        + f"""key_dups as (
        select {", ".join(keys)} from flags where _ok and not _is_copy
        group by {", ".join(keys)} having count(*) > 1
    ), repeated as (
        select f.staged_line, f._is_copy,
               f._ok and not f._is_copy and exists (select 1 from key_dups kd where {same_key})
                   as _key_repeats
        from flags f
    )"""
    )


def sql_type(kind: str) -> str:
    return {
        "line": "double",
        "int": "bigint",
        "float": "double",
        "thousands": "bigint",
        "minutes": "double",
        "date_iso": "date",
        "date_mdy": "date",
        "ts_utc": "timestamp",
        "bool_tf": "boolean",
        "bool_01": "boolean",
    }.get(kind, "varchar")


def ensure_meta(wh: Warehouse) -> None:
    wh.execute(QUARANTINE_DDL)
    wh.execute(AUDIT_DDL)


def ensure_raw_table(wh: Warehouse, fmt: FileFormat) -> None:
    """Create an empty raw table with the format's typed columns when no file of it was staged
    (e.g. the synthetic league has no threes props): later phases read it as 'no rows'."""
    if wh.table_exists(fmt.table):
        return
    header = [c.source for c in fmt.columns]
    strings = {h: pa.array([], pa.string()) for h in header}
    empty = pa.table(strings | {"staged_line": pa.array([], pa.int64())})
    wh.register("_staged_strings", empty)
    out_cols = output_columns(fmt)
    wh.execute(
        f"create table {fmt.table} as select {', '.join(q(c) for c in out_cols)}, "
        f"cast(null as varchar) as staged_file, staged_line, cast(null as varchar) as run_id "
        f"from ({typed_select(fmt, header)}) where false"
    )
    wh.unregister("_staged_strings")


def load_file(
    wh: Warehouse, path: Path, fmt: FileFormat, run_id: str, text: StagedText | None = None
) -> FileResult:
    """Replace everything this file contributed to raw and quarantine, in one transaction.

    `text` is the file already parsed by `read_staged` (read here when not given).
    """
    text = text or read_staged(path)
    wh.register("_staged_strings", text.table)
    out_cols = output_columns(fmt)
    select = typed_select(fmt, text.header)
    with wh.transaction():
        wh.execute(f"create or replace temp table _typed as {select}")
        wh.execute(
            "delete from meta.quarantine where staged_file = ? and target_table = ?",
            [path.name, fmt.table],
        )
        if text.malformed:
            malformed = pa.table(
                {
                    "staged_line": [line for line, _ in text.malformed],
                    "raw_record": [json.dumps(rec) for _, rec in text.malformed],
                    "n": [len(rec) for _, rec in text.malformed],
                }
            )
            wh.register("_malformed", malformed)
            wh.execute(
                "insert into meta.quarantine select $run, $file, staged_line, raw_record, $table, "
                "'missing_required_field', 'line has ' || n || ' fields, header has ' || $width "
                "from _malformed",
                {"run": run_id, "file": path.name, "table": fmt.table, "width": len(text.header)},
            )
            wh.unregister("_malformed")
        wh.execute(
            "insert into meta.quarantine select $run, $file, staged_line, _raw_record, $table, "
            "_why, _why_detail from _typed where _why is not null",
            {"run": run_id, "file": path.name, "table": fmt.table},
        )
        columns = [*out_cols, "staged_file", "staged_line", "run_id"]
        if wh.table_exists(fmt.table) and set(wh.columns(fmt.table)) != set(columns):
            wh.execute(f"drop table {fmt.table}")  # the format changed: raw is reloadable
        good = (
            f"select {', '.join(q(c) for c in out_cols)}, cast($file as varchar) as staged_file, "
            f"staged_line, cast($run as varchar) as run_id from _typed where _why is null"
        )
        params = {"file": path.name, "run": run_id}
        if not wh.table_exists(fmt.table):
            wh.execute(f"create table {fmt.table} as {good} limit 0", params)
        wh.execute(f"delete from {fmt.table} where staged_file = ?", [path.name])
        wh.execute(f"insert into {fmt.table} by name {good} order by staged_line", params)
        loaded = int(wh.scalar("select count(*) from _typed where _why is null"))
        quarantined = int(
            wh.scalar(
                "select count(*) from meta.quarantine where staged_file = ? and target_table = ?",
                [path.name, fmt.table],
            )
        )
        read = text.rows_read
        wh.execute(
            "insert into meta.load_audit values (?, ?, ?, ?, ?, ?, ?, now())",
            [run_id, path.name, fmt.table, text.sha256, read, loaded, quarantined],
        )
    wh.unregister("_staged_strings")
    return FileResult(path.name, fmt.table, read, loaded, quarantined)
