"""Raw ingest: cell parsing rules, row accounting, quarantine of damaged rows, idempotency, errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from nbaprops.errors import UsageError
from nbaprops.ingest.run import ingest_directory
from nbaprops.warehouse import Warehouse
from tests.conftest import real_data_dir


def kind_value(kind: str, cell: str) -> object:
    from nbaprops.ingest.spec import KIND_SQL

    wh = Warehouse(":memory:")
    return wh.scalar(f"select {KIND_SQL[kind].format(x='$cell')}", {"cell": cell})


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        ("minutes", "39:36", 39.6),
        ("minutes", "0:00", 0.0),
        ("minutes", "39.6", None),
        ("float", ".478", 0.478),
        ("float", "+5", 5.0),
        ("float", "-3", -3.0),
        ("thousands", "20,562", 20562),
        ("game_id", "22300003", "0022300003"),
        ("date_mdy", "10-19-2022", date(2022, 10, 19)),
        ("bool_tf", "TRUE", True),
        ("line", "PK", 0.0),
        ("line", "NL", None),
        ("line", "+145\u00a0", 145.0),
    ],
)
def test_cell_parsing_rules(kind: str, cell: str, value: object) -> None:
    got = kind_value(kind, cell)
    if isinstance(value, float):
        assert got == pytest.approx(value)
    else:
        assert got == value


def damaged_copy(src: Path, dst: Path, keep: int = 200) -> list[str]:
    """The first `keep` lines of a real file, then four damaged lines (returned in order)."""
    lines = gzip.decompress(src.read_bytes()).decode("utf-8").splitlines()[:keep]
    good = lines[5].split(",")
    truncated = ",".join(good[:10])
    bad_points = good.copy()
    bad_points[-2] = "twelve"
    unknown_team = good.copy()
    unknown_team[1] = "XXX"
    damaged = [truncated, ",".join(bad_points), ",".join(unknown_team), lines[6]]
    dst.write_text("\n".join(lines + damaged) + "\n", encoding="utf-8")
    return damaged


def test_damaged_rows_are_quarantined_with_reasons(tmp_path: Path) -> None:
    data = real_data_dir()
    folder = tmp_path / "staged"
    folder.mkdir()
    damaged_copy(data / "bref_player_box_2017-18_2023-24.csv.gz", folder / "bref_player_box_damaged.csv")
    wh = Warehouse(tmp_path / "w.duckdb")
    report = ingest_directory(wh, folder, "t1")
    (result,) = report.files
    assert result.rows_read == 199 + 4
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    reasons = dict(
        wh.rows(
            "select staged_line, reason from meta.quarantine "
            "where staged_file = 'bref_player_box_damaged.csv'"
        )
    )
    assert reasons == {
        201: "missing_required_field",
        202: "unparseable_number",
        203: "unknown_team",
        204: "duplicate_row",
    }
    raw = json.loads(wh.scalar("select raw_record from meta.quarantine where staged_line = 202"))
    assert raw["pts"] == "twelve"
    assert wh.scalar("select count(*) from raw.bref_player_box") == 199
    assert wh.scalar("select min(staged_line), max(staged_line) from raw.bref_player_box") == 2


def test_second_ingest_changes_nothing(tmp_path: Path) -> None:
    data = real_data_dir()
    folder = tmp_path / "staged"
    folder.mkdir()
    for name in ("bref_team_box_2017-18_2023-24.csv.gz", "arenas_kennethday8.csv"):
        (folder / name).write_bytes((data / name).read_bytes())
    wh = Warehouse(tmp_path / "w.duckdb")
    first = ingest_directory(wh, folder, "a")
    counts = {t: wh.count(t) for t in ("raw.bref_team_box", "raw.static_arenas", "meta.quarantine")}
    second = ingest_directory(wh, folder, "b")
    assert {t: wh.count(t) for t in counts} == counts
    assert [f.rows_loaded for f in first.files] == [f.rows_loaded for f in second.files]
    assert counts["raw.bref_team_box"] == 16936


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        ingest_directory(Warehouse(":memory:"), tmp_path / "nope", "x")


def test_cli_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbaprops.cli",
            "ingest",
            "--path",
            str(tmp_path / "nope"),
            "--db",
            str(tmp_path / "w.duckdb"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_locked_database_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = Warehouse(db)
    code = (
        "import sys\nfrom nbaprops.warehouse import Warehouse\nfrom nbaprops.errors import UsageError\n"
        f"try:\n    Warehouse({str(db)!r})\nexcept UsageError as e:\n    print(e); sys.exit(2)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    holder.close()
    assert proc.returncode == 2
    assert "in use" in proc.stdout


def test_files_of_one_format_with_different_headers_all_load(tmp_path: Path) -> None:
    """2024-25 shots lack the POSITION columns: every file still lands in raw.nbacom_shots."""
    data = real_data_dir()
    folder = tmp_path / "staged"
    folder.mkdir()
    for season in ("2023-24", "2024-25"):
        lines = gzip.decompress((data / f"nbacom_shots_{season}.csv.gz").read_bytes()).decode().splitlines()
        (folder / f"nbacom_shots_{season}.csv").write_text("\n".join(lines[:101]) + "\n", encoding="utf-8")
    wh = Warehouse(tmp_path / "w.duckdb")
    report = ingest_directory(wh, folder, "t")
    assert [f.rows_loaded for f in report.files] == [100, 100]
    assert wh.count("raw.nbacom_shots") == 200
    by_file = dict(wh.rows("select staged_file, count(position) from raw.nbacom_shots group by 1"))
    assert by_file == {"nbacom_shots_2023-24.csv": 100, "nbacom_shots_2024-25.csv": 0}
