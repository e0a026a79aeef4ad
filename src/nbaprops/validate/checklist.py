"""`nbaprops checklist --phase P`: a markdown checklist generated from the registry and measured.

Every table of the phase (as `registry.tables_in` lists it) is a line, ticked when all its checks pass,
and every check is an indented line under it with its measured figure. Nothing here names a table:
a newly registered table shows up with no change.
"""

from __future__ import annotations

from nbaprops import registry
from nbaprops.validate.results import CheckResult, Report


def _tick(ok: bool) -> str:
    return "[x]" if ok else "[ ]"


def check_line(r: CheckResult) -> str:
    text = f"  - {_tick(r.passed)} `{r.check}`: {r.figure()} (threshold {r.limit()})"
    if r.dates and not r.passed:
        shown = ", ".join(d.isoformat() for d in r.dates[:10])
        more = f" (+{len(r.dates) - 10} more)" if len(r.dates) > 10 else ""
        text += f"; failing dates {shown}{more}"
    if r.items and not r.passed:
        text += f"; {r.items_label} {', '.join(r.items[:10])}" + (
            f" (+{len(r.items) - 10} more)" if len(r.items) > 10 else ""
        )
    if r.warn:
        text += "; WARN"
    if r.note:
        text += f"; {r.note}"
    return text


def render(report: Report, phase: str) -> str:
    """The checklist as markdown."""
    groups: dict[str, list[CheckResult]] = {}
    for t in registry.tables_in(phase):
        groups[t.name] = []
    for r in report.results:
        groups.setdefault(r.table, []).append(r)
    described = {t.name: t.description for t in registry.tables_in(phase)}
    lines = [
        f"# Checklist: {phase}",
        "",
        f"Range {report.start}..{report.end}; season phases "
        f"{', '.join(report.context.get('season_phases', []))}. Generated from the registry and "
        "measured on the warehouse.",
        "",
    ]
    lines += [f"> {n}" for n in report.notes] + ([""] if report.notes else [])
    for table, results in groups.items():
        ok = bool(results) and all(r.passed for r in results)
        passed = sum(r.passed for r in results)
        lines.append(f"- {_tick(ok)} **{table}**: {passed}/{len(results)} checks pass")
        if table in described:
            lines.append(f"  {described[table]}")
        lines += [check_line(r) for r in results]
    lines += ["", f"**{report.result_line()}**", ""]
    return "\n".join(lines)
