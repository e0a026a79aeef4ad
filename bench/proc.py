"""Run one CLI stage as a child process and measure it: wall seconds, the child's own CPU seconds and
peak RSS (`os.wait4` in a small launcher, so each stage is measured alone), and how busy the rest of
the machine was.

Also: the machine description (cores, memory, load) and the commit, read from `.git` without git.
"""

from __future__ import annotations

import compileall
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: The nbaprops source the children run: a snapshot taken when the run starts (`snapshot_source`),
#: so that edits to the working tree during a long run cannot change what is measured halfway.
SOURCE = REPO / "src"

#: Variables that would change what a child builds or how: never inherited by a benchmark stage.
SCRUBBED = ("NBAPROPS_DB", "NBAPROPS_CRASH_AT", "NBAPROPS_ENGINE")


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from /proc/stat (0, 0 where unreadable)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


@dataclass
class Stage:
    """One measured child process."""

    name: str
    argv: list[str]
    returncode: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    max_rss_mb: float = 0.0
    load1_before: float = 0.0
    load1_after: float = 0.0
    others_cpu_share: float | None = None
    payload: dict[str, Any] | None = None
    stderr_tail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = {
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "max_rss_mb": round(self.max_rss_mb, 1),
            "returncode": self.returncode,
            "load1_before": round(self.load1_before, 2),
            "load1_after": round(self.load1_after, 2),
            "others_cpu_share": self.others_cpu_share,
        }
        if self.returncode not in (0, 1) or self.payload is None:
            out["stderr_tail"] = self.stderr_tail
        return out | self.extra


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["PYTHONPATH"] = str(SOURCE) + os.pathsep + env.get("PYTHONPATH", "")
    return env


#: A small launcher that forks and execs the stage, then reports the stage's own rusage. Linux keeps a
#: process's peak RSS across exec, starting from the memory of the process that forked it, so a stage
#: forked straight from this (large) harness would report at least the harness's RSS. Forked from a
#: fresh `python -S` (~10 MB), it reports its own peak.
LAUNCHER = """
import json, os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    json.dump({"wall_s": time.perf_counter() - t0, "maxrss_kb": ru.ru_maxrss,
               "cpu_s": ru.ru_utime + ru.ru_stime, "returncode": os.waitstatus_to_exitcode(status)}, fh)
"""


def run_cli(name: str, args: list[str], log_dir: Path) -> Stage:
    """Run `nbaprops <args>` (with `--json`) as a child; parse its JSON; never raise on exit codes.

    Exit code 1 is an answer, not a crash (a gate refused a season, some partitions failed), so the
    payload is kept; anything else is recorded with the tail of stderr.
    """
    argv = [sys.executable, "-m", "nbaprops.cli", *args, "--json"]
    stage = Stage(name, argv)
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    usage_path = log_dir / f"{name}.rusage.json"
    usage_path.unlink(missing_ok=True)
    stage.load1_before = os.getloadavg()[0]
    busy0, total0 = cpu_jiffies()
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        launcher = [sys.executable, "-S", "-c", LAUNCHER, str(usage_path), *argv]
        subprocess.run(launcher, stdout=out, stderr=err, env=child_env(), cwd=log_dir, check=False)
    wall = time.perf_counter() - started
    busy1, total1 = cpu_jiffies()
    stage.load1_after = os.getloadavg()[0]
    try:
        usage = json.loads(usage_path.read_text())
    except (OSError, json.JSONDecodeError):
        usage = {"wall_s": wall, "maxrss_kb": 0, "cpu_s": 0.0, "returncode": -1}
    stage.wall_s = usage["wall_s"]
    stage.returncode = usage["returncode"]
    stage.cpu_s = usage["cpu_s"]
    stage.max_rss_mb = usage["maxrss_kb"] / 1024  # Linux reports KiB
    if total1 > total0:
        # jiffies are counted per core: busy share of all cores, minus what this stage used
        hz = os.sysconf("SC_CLK_TCK")
        others = (busy1 - busy0) / hz - stage.cpu_s
        stage.others_cpu_share = round(max(0.0, others) / ((total1 - total0) / hz), 3)
    text = out_path.read_text(errors="replace").strip()
    try:
        stage.payload = json.loads(text.splitlines()[-1]) if text else None
    except json.JSONDecodeError:
        stage.payload = None
    stage.stderr_tail = "\n".join(err_path.read_text(errors="replace").strip().splitlines()[-6:])
    return stage


def snapshot_source(work: Path) -> tuple[Path, str]:
    """Copy `src/nbaprops` into the scratch folder; returns its path and a sha256 of its files."""
    global SOURCE
    dst = work / "src"
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(
        REPO / "src" / "nbaprops", dst / "nbaprops", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    digest = hashlib.sha256()
    for f in sorted(p for p in (dst / "nbaprops").rglob("*") if p.is_file()):
        digest.update(str(f.relative_to(dst)).encode() + b"\0" + f.read_bytes())
    # byte-compile once, as an installed package is: with PYTHONDONTWRITEBYTECODE set (as on the CI
    # machines) every measured command would otherwise compile every module it imports
    compileall.compile_dir(dst, quiet=1)
    SOURCE = dst
    return dst, digest.hexdigest()


def copy_db(src: Path, dst: Path) -> Path:
    """Copy a warehouse file, its WAL (if a writer left one) and its default state store (the ledger,
    `<db>.state.duckdb`, and that file's WAL) to `dst`."""
    for suffix in ("", ".wal", ".state.duckdb", ".state.duckdb.wal"):
        s, d = Path(str(src) + suffix), Path(str(dst) + suffix)
        if d.exists():
            d.unlink()
        if s.exists():
            shutil.copyfile(s, d)
    # write the copy out now: otherwise the measured command's first fsync flushes these hundreds of
    # megabytes of dirty pages (measured: +0.35 s on the first commit of an incremental day)
    os.sync()
    return dst


def meminfo_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def commit() -> str | None:
    """HEAD's commit, read from the .git folder (no git process)."""
    git = REPO / ".git"
    try:
        if git.is_file():  # a worktree: `.git` names its own folder, refs live in the common one
            git = (REPO / git.read_text().strip().removeprefix("gitdir: ")).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        common = (git / "commondir").read_text().strip() if (git / "commondir").exists() else "."
        git = (git / common).resolve()
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "mem_total_gb": meminfo_gb(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "duckdb": version("duckdb"),
        "platform": platform.platform(),
    }
