"""The offline HTML dashboard (`index.html`): one self-contained file, inline CSS, SVG and a little JS.

Sections: summary cards (gates and key figures), coverage heatmap (tables × dates, per season), gate
results (every check), run history and timings, feature coverage and quality, model evaluation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from nbaprops.report import charts
from nbaprops.validate.results import Report

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2733}
body{background:#f6f8fa}
header{background:#15314b;color:#fff;padding:16px 28px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.8}
main{padding:12px 28px 40px}
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:14px 18px;margin:16px 0}
h2{margin:0 0 10px;font-size:18px}
h3{margin:14px 0 6px;font-size:15px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #dde3ea;border-radius:8px;padding:10px 14px;min-width:150px;background:#fbfcfd}
.card .k{font-size:12px;color:#5b6b7b;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:600}
.ready{color:#1e7d43}
.notready{color:#c0392b}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e6ebf0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f3f6}
tr.fail td{background:#fdecea}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1e7d43;font-weight:600}
.failtxt{color:#c0392b;font-weight:600}
svg text.lbl{font-size:11px;fill:#26323f}
svg text.axis{font-size:10px;fill:#5b6b7b}
svg text.fig{font-size:11px;fill:#26323f}
svg text.ttl{font-size:12px;font-weight:600;fill:#26323f}
svg rect.cell:hover{stroke:#000;stroke-width:1}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
#hover{min-height:18px;color:#34495e;font-family:ui-monospace,monospace;font-size:12px}
.scroll{overflow-x:auto}
details{margin:8px 0}summary{cursor:pointer;font-size:15px;padding:4px 0}
.muted{color:#6b7b8b}
"""

JS = """
(function(){
  var out=document.getElementById('hover');
  document.querySelectorAll('svg.heatmap rect.cell').forEach(function(r){
    r.addEventListener('mouseenter',function(){
      out.textContent=r.parentNode.dataset.table+'  '+r.dataset.date+'  '+r.classList[1];
    });
  });
  var box=document.getElementById('only-failures');
  if(box){box.addEventListener('change',function(){
    document.querySelectorAll('#gates tr.passrow').forEach(function(tr){
      tr.style.display=box.checked?'none':'';
    });
  });}
  document.body.dataset.rendered='yes';
})();
"""


def _card(key: str, value: str, cls: str = "", attr: str = "") -> str:
    return (
        f'<div class="card"{attr}><div class="k">{escape(key)}</div>'
        f'<div class="v {cls}">{escape(value)}</div></div>'
    )


def _gate_rows(rep: Report) -> str:
    rows = []
    for r in rep.results:
        failing = ", ".join(d.isoformat() for d in r.dates[:10]) if not r.passed else ""
        if not r.passed and r.items:
            failing += (" " if failing else "") + ", ".join(r.items[:10])
        cls = "fail" if not r.passed else "passrow"
        mark = '<span class="pass">PASS</span>' if r.passed else '<span class="failtxt">FAIL</span>'
        rows.append(
            f'<tr class="{cls}"><td>{mark}</td><td>{escape(r.table)}</td><td>{escape(r.check)}</td>'
            f'<td class="num">{escape(r.figure())}</td><td class="num">{escape(r.limit())}</td>'
            f"<td>{escape(failing)}</td><td>{escape(r.note)}</td></tr>"
        )
    return "".join(rows)


def gates_section(reports: dict[str, Report]) -> str:
    """Every check of every gate; a gate's table is folded when it passes, failures listed first."""
    parts = [
        '<section id="gates"><h2>Gates</h2><label><input type="checkbox" id="only-failures"> '
        "show failures only</label>"
    ]
    for name, rep in reports.items():
        cls = "ready" if rep.ready else "notready"
        ordered = Report(
            rep.scope, rep.start, rep.end, sorted(rep.results, key=lambda r: r.passed), rep.notes, rep.context
        )
        parts.append(
            f'<details data-gate="{escape(name)}"{"" if rep.ready else " open"}><summary>'
            f'<b>{escape(name)}</b>: <span class="{cls}">{escape(rep.result_line())}</span> '
            f"<span class=muted>({rep.start}..{rep.end}; {len(rep.results)} checks)</span>"
            "</summary>"
        )
        parts += [f'<p class="muted">{escape(n)}</p>' for n in rep.notes]
        parts.append(
            "<table><tr><th></th><th>table</th><th>check</th><th>value</th><th>threshold</th>"
            f"<th>failing</th><th>note</th></tr>{_gate_rows(ordered)}</table></details>"
        )
    parts.append("</section>")
    return "".join(parts)


def coverage_section(grid: list[dict[str, Any]]) -> str:
    legend = "".join(
        f'<span><i style="background:{charts.COLORS[s]}"></i>{s}</span>'
        for s in ("complete", "failed", "missing", "skipped", "none")
    )
    parts = [
        '<section id="coverage"><h2>Coverage (tables × dates)</h2>',
        f'<div class="legend">{legend}</div><div id="hover"></div>',
    ]
    if not grid:
        parts.append("<p>No schedule in the warehouse.</p>")
    for season in grid:
        parts.append(
            f'<h3>{escape(season["season"])}</h3><div class="scroll">'
            f"{charts.heatmap(season['season'], season['dates'], season['tables'])}</div>"
        )
    parts.append("</section>")
    return "".join(parts)


def runs_section(history: list[dict[str, Any]]) -> str:
    parts = ['<section id="runs"><h2>Run history and timings</h2>']
    if not history:
        parts.append("<p>No runs recorded in state.runs.</p></section>")
        return "".join(parts)
    parts.append(
        "<table><tr><th>run</th><th>command</th><th>started</th><th>seconds</th><th>status</th>"
        "<th>arguments</th></tr>"
    )
    for r in history:
        secs = "" if r["seconds"] is None else f"{float(r['seconds']):.1f}"
        error = ": " + escape(str(r["error"])) if r.get("error") else ""
        cls = "fail" if r["status"] not in ("succeeded", "dry_run", "running") else ""
        parts.append(
            f'<tr class="{cls}"><td>{escape(r["run_id"])}</td><td>{escape(str(r["command"]))}</td>'
            f'<td>{escape(r["started_at"])}</td><td class="num">{secs}</td>'
            f"<td>{escape(str(r['status']))}{error}</td>"
            f"<td>{escape(str(r['arguments'] or ''))}</td></tr>"
        )
    parts.append("</table>")
    latest = next((r for r in history if r["command"] == "backfill" and r["models"]), None)
    if latest:
        items = [(m["table"], float(m["seconds"] or 0)) for m in latest["models"]]
        parts.append(
            f"<h3>Model timings of {escape(latest['run_id'])}</h3>"
            + charts.bars(items, "seconds per model", "s", css_id="timings-chart")
        )
    parts.append("</section>")
    return "".join(parts)


def features_section(fq: dict[str, Any]) -> str:
    parts = ['<section id="features"><h2>Feature coverage and quality</h2>']
    if not fq:
        parts.append("<p>No feature store yet (features.ml_feature_store_v2).</p></section>")
        return "".join(parts)
    t = fq["totals"]
    parts.append(
        '<div class="cards">'
        + _card("feature rows", f"{t['rows']:,}", attr=' id="fig-mlfs-rows"')
        + _card("training-ready", f"{t['training_ready']:,}", attr=' id="fig-training-ready"')
        + _card("eligible (non-early)", f"{t['eligible']:,}")
        + _card("early-season placeholders", f"{t['early']:,}")
        + _card("mean quality", f"{float(t['mean_quality'] or 0):.1f}", attr=' id="fig-mean-quality"')
        + "</div>"
    )
    parts.append(
        '<div class="scroll">'
        + charts.bars(
            [(str(k), float(n)) for k, n in fq["tiers"]],
            "rows per quality tier",
            colors=charts.COLORS,
            css_id="tiers-chart",
        )
        + "</div>"
    )
    parts.append(
        '<div class="scroll">'
        + charts.bars(
            [(f"{k} defaults", float(n)) for k, n in fq["defaults"]],
            "non-early rows by default feature count",
            color="#ef6c00",
            css_id="defaults-chart",
        )
        + "</div>"
    )
    keys = [
        "phase4",
        "phase3",
        "calculated",
        "vegas",
        "opponent_history",
        "default",
        "missing",
        "not_covered",
        "null",
    ]
    parts.append(
        '<div class="scroll">'
        + charts.stacked(
            fq["mix"], keys, "source of each v1 feature (non-early rows)", css_id="sources-chart"
        )
        + "</div>"
    )
    parts.append("</section>")
    return "".join(parts)


def evaluation_section(rows: list[dict[str, Any]]) -> str:
    parts = ['<section id="evaluation"><h2>Model evaluation</h2>']
    if not rows:
        parts.append('<p id="no-model">no model evaluated yet</p></section>')
        return "".join(parts)
    cols = list(rows[0])
    parts.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr>")
    for r in rows:
        cells = []
        for c in cols:
            v = r[c]
            text = f"{v:.3f}" if isinstance(v, float) else ("" if v is None else str(v))
            cells.append(f"<td>{escape(text)}</td>")
        cls = ' class="fail"' if r.get("sanity") else ""
        parts.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    parts.append("</table></section>")
    return "".join(parts)


def render(
    db: str,
    reports: dict[str, Report],
    grid: list[dict[str, Any]],
    history: list[dict[str, Any]],
    fq: dict[str, Any],
    evaluation: list[dict[str, Any]],
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cards = "".join(
        _card(
            name,
            "READY" if rep.ready else f"NOT READY ({len(rep.failures)})",
            "ready" if rep.ready else "notready",
            f' data-gate-card="{escape(name)}"',
        )
        for name, rep in reports.items()
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>nbaprops dashboard</title><style>{CSS}{charts.heatmap_css()}</style></head><body>"
        f"<header><h1>nbaprops dashboard</h1><p>{escape(db)} · generated {stamp}</p></header><main>"
        f'<section id="summary"><h2>Gates at a glance</h2><div class="cards">{cards}</div></section>'
        + coverage_section(grid)
        + gates_section(reports)
        + runs_section(history)
        + features_section(fq)
        + evaluation_section(evaluation)
        + f"</main><script>{JS}</script></body></html>"
    )
