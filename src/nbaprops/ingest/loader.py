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
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from nbaprops.errors import UsageError
from nbaprops.ingest.spec import KIND_REASON, KIND_SQL, NULLABLE_TOKENS, Check, FileFormat
from nbaprops.warehouse import Warehouse

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
    record_lines = [i for i, line in enumerate(data.split(b"\n"), 1) if line.strip() and i > 1]
    bad = {line for line, _ in malformed}
    good_lines = [i for i in record_lines if i not in bad]
    if len(good_lines) != table.num_rows:
        return read_staged_slow(path, data, digest)
    table = table.append_column("staged_line", pa.array(good_lines, pa.int64()))
    return StagedText(names, table, malformed, digest)


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
    key = ", ".join(q(k) for k in fmt.key) or "1"
    record = "to_json(struct_pack(" + ", ".join(f"{q(h)} := {q('_s_' + h)}" for h in header) + "))"
    return f"""
    with p as (
        select s.staged_line, {", ".join(parsed)}, {cells}
        from _staged_strings s
    ), d as (
        select p.* {"," if derived else ""} {derived} from p
    ), r as (
        select d.*, {reason} as _reason, {detail} as _detail
        from d
    ), dup as (
        select r.*, row_number() over (
            partition by (r._reason is null), hash({", ".join(q("_s_" + h) for h in header)})
            order by r.staged_line) as _copy
        from r
    ), k as (
        select dup.*, count(*) over (
            partition by (dup._reason is null and dup._copy = 1), {key}) as _key_rows
        from dup
    )
    select k.*, case when _reason is not null or _copy > 1 or _key_rows > 1 then {record} end
        as _raw_record, case
        when _reason is not null then _reason
        when _copy > 1 then 'duplicate_row'
        when {"true" if fmt.key else "false"} and _key_rows > 1 then 'duplicate_key'
    end as _why,
    case
        when _reason is not null then _detail
        when _copy > 1 then 'exact copy of an earlier line'
        else 'key (' || '{", ".join(fmt.key)}' || ') repeats with different content'
    end as _why_detail
    from k
    """


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
    out_cols = [c.name for c in fmt.columns] + [name for name, _ in fmt.derived]
    wh.execute(
        f"create table {fmt.table} as select {', '.join(q(c) for c in out_cols)}, "
        f"cast(null as varchar) as staged_file, staged_line, cast(null as varchar) as run_id "
        f"from ({typed_select(fmt, header)}) where false"
    )
    wh.unregister("_staged_strings")


def load_file(wh: Warehouse, path: Path, fmt: FileFormat, run_id: str) -> FileResult:
    """Replace everything this file contributed to raw and quarantine, in one transaction."""
    text = read_staged(path)
    wh.register("_staged_strings", text.table)
    out_cols = [c.name for c in fmt.columns] + [name for name, _ in fmt.derived]
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
        wh.execute(
            f"create or replace temp table _good as select "
            f"{', '.join(q(c) for c in out_cols)}, $file as staged_file, staged_line, "
            f"$run as run_id from _typed where _why is null order by staged_line",
            {"file": path.name, "run": run_id},
        )
        if wh.table_exists(fmt.table) and set(wh.columns(fmt.table)) != set(wh.columns("_good")):
            wh.execute(f"drop table {fmt.table}")  # the format changed: raw is reloadable
        if not wh.table_exists(fmt.table):
            wh.execute(f"create table {fmt.table} as select * from _good limit 0")
        wh.execute(f"delete from {fmt.table} where staged_file = ?", [path.name])
        wh.execute(f"insert into {fmt.table} by name select * from _good")
        loaded = int(wh.scalar("select count(*) from _good"))
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
