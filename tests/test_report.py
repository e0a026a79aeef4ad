"""`nbaprops report --out DIR` on the synthetic league: the three result documents and the offline
dashboard, rendered in headless Chromium (skipped, with the reason, when Chromium is not installed).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from nbaprops import registry
from nbaprops.state import copy_warehouse
from nbaprops.warehouse import Warehouse
from tests.test_validate import built_league, run_cli

CHROMIUM = Path("/usr/bin/chromium")
MLFS = "features.ml_feature_store_v2"


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`nbaprops report --out DIR` run once (a real subprocess) on a copy of the league."""
    base = tmp_path_factory.mktemp("report")
    db = base / "w.duckdb"
    copy_warehouse(built_league(tmp_path_factory), db)
    out = base / "out"
    proc = run_cli("report", "--out", str(out), "--min-rows", "100", "--db", str(db))
    return {"db": db, "out": out, "proc": proc}


@pytest.fixture(scope="module")
def report_dir(reported: dict[str, object]) -> Path:
    out = reported["out"]
    assert isinstance(out, Path)
    return out


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (CI installs it: apt-get install -y chromium)")
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_report_command_writes_every_document(reported: dict[str, object], report_dir: Path) -> None:
    proc = reported["proc"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = {"PHASE3-VALIDATION-RESULTS.md", "PHASE4-VALIDATION-RESULTS.md", "ML-READINESS.md", "index.html"}
    assert {p.name for p in report_dir.iterdir()} == names
    assert f"wrote {report_dir / 'index.html'}" in proc.stdout
    assert "validate analytics: READY" in proc.stdout


def test_documents_record_range_checks_and_runs(report_dir: Path, reported: dict[str, object]) -> None:
    phase3 = (report_dir / "PHASE3-VALIDATION-RESULTS.md").read_text()
    phase4 = (report_dir / "PHASE4-VALIDATION-RESULTS.md").read_text()
    ready = (report_dir / "ML-READINESS.md").read_text()
    with Warehouse(str(reported["db"]), read_only=True) as wh:
        tables = [t.name for t in registry.all_tables()]
        lo, hi = wh.rows(
            "select min(partition_date), max(partition_date) from state.partitions "
            "where table_name in (select unnest(?)) and status in ('complete', 'failed')",
            [tables],
        )[0]
        runs = {
            r[0]
            for r in wh.rows(
                "select distinct run_id from state.partitions where status = 'complete' "
                "and table_name like 'analytics.%'"
            )
        }
    assert f"Range: {lo}..{hi}" in phase3, "the built span by default"
    assert f"range {lo}..{hi} defaulted to the built span" in phase3
    for table in registry.tables_in("analytics"):
        assert f"`{table.name}` | `date_completeness:2024-25`" in phase3
    for table in (*registry.tables_in("precompute"), *registry.tables_in("features")):
        assert f"`{table.name}` | `grain_unique`" in phase4
    assert any(f"`{r}`" in phase3 for r in runs), "the run that produced the data"
    assert "## `nbaprops validate --phase analytics`: READY" in phase3
    for check in ("leak_audit", "duplicates:grain", "constant_features", "chronological_split"):
        assert f"`{check}`" in ready


def test_dashboard_renders_offline_in_chromium(
    report_dir: Path, reported: dict[str, object], tmp_path: Path
) -> None:
    page = report_dir / "index.html"
    html = page.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "no CDN or remote asset"
    shot = tmp_path / "dashboard.png"
    proc = chromium(f"--screenshot={shot}", "--window-size=1400,2000", page.as_uri(), profile=tmp_path / "p1")
    assert shot.exists() and shot.stat().st_size > 20_000, proc.stderr[-1000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "p2").stdout
    assert 'data-rendered="yes"' in dom, "the inline script ran"
    with Warehouse(str(reported["db"]), read_only=True) as wh:
        mlfs_rows = wh.count(MLFS) if wh.table_exists(MLFS) else None
        final_dates = wh.scalar("select count(distinct game_date) from raw.schedule_games")
        evaluated = wh.table_exists("predictions.evaluation_summary") and wh.count(
            "predictions.evaluation_summary"
        )
    # coverage heatmap: one cell per registered table and schedule date
    cells = len(re.findall(r'<rect class="cell ', dom))
    built = [t for t in registry.all_tables() if t.phase != "raw"]
    assert cells == len(built) * final_dates
    assert 'class="heatmap" data-season="2024-25"' in dom
    assert dom.count('class="cell complete"') > 0
    # gates, run history and feature quality with their key figures
    for gate in (
        "validate raw",
        "validate analytics",
        "validate precompute",
        "validate features",
        "readiness",
    ):
        assert f'data-gate-card="{gate}"' in dom and f'data-gate="{gate}"' in dom
    assert 'id="runs"' in dom and "backfill-" in dom
    if mlfs_rows is not None:
        assert re.search(rf'id="fig-mlfs-rows">.*?{mlfs_rows:,}<', dom)
        assert 'id="tiers-chart"' in dom and 'id="sources-chart"' in dom
        assert len(re.findall(r'<rect class="seg"', dom)) >= 33
    if not evaluated:
        assert "no model evaluated yet" in dom


@pytest.mark.parametrize(
    ("row", "suspect"),
    [
        ({"market": "points", "mae": 4.6, "edge_threshold": 3.0, "hit_rate": 0.54}, False),
        ({"market": "points", "mae": 3.4, "edge_threshold": 1.0, "hit_rate": 0.55}, True),
        ({"market": "points", "mae": 4.6, "edge_threshold": 3.0, "hit_rate": 0.72}, True),
        ({"market": "threes", "mae": 0.9, "edge_threshold": 1.0, "hit_rate": 0.58}, False),
    ],
)
def test_unbelievable_backtests_are_flagged(row: dict[str, object], suspect: bool) -> None:
    """Pitfall 51: MAE < 3.6 (points) or a hit rate > 60% at |edge| >= 3 is leakage until disproven."""
    from nbaprops.report.data import sanity

    assert sanity(row).startswith("LEAKAGE SUSPECT") is suspect
