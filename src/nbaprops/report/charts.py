"""Inline SVG charts for the offline dashboard: no library, no CDN, just markup.

Every chart is a function from plain data to an `<svg>` string; each mark carries a `<title>` so a
hover shows its figure without any script.
"""

from __future__ import annotations

from html import escape
from typing import Any

COLORS = {
    "complete": "#2e9d57",
    "failed": "#d64541",
    "missing": "#f0a43a",
    "skipped": "#8fb8de",
    "none": "#eceff1",
    "gold": "#d4a017",
    "silver": "#9aa5b1",
    "bronze": "#b0703c",
    "poor": "#e07b53",
    "critical": "#c0392b",
    "placeholder": "#cfd8dc",
    "phase4": "#2e7d32",
    "phase3": "#66bb6a",
    "calculated": "#42a5f5",
    "vegas": "#7e57c2",
    "opponent_history": "#26a69a",
    "default": "#ef6c00",
    "missing_src": "#e53935",
    "not_covered": "#b0bec5",
    "null": "#eceff1",
}


def heatmap_css() -> str:
    """Cell colours by status (kept out of every cell to keep a multi-season page small)."""
    return "".join(
        f"svg rect.cell.{s}{{fill:{COLORS[s]}}}" for s in ("complete", "failed", "missing", "skipped", "none")
    )


def heatmap(season: str, dates: list[str], tables: dict[str, list[str]]) -> str:
    """Tables × dates of one season, one cell per (table, date) coloured by status."""
    label_w, cell_h, gap = 290, 16, 2
    cell_w = max(2, min(9, 900 // max(len(dates), 1)))
    width = label_w + cell_w * len(dates) + 10
    height = (cell_h + gap) * len(tables) + 24
    parts = [
        f'<svg class="heatmap" data-season="{escape(season)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="coverage {escape(season)}">'
    ]
    # one <g> per table row; a cell's colour comes from its status class (CSS), its date from data-date
    for i, (table, cells) in enumerate(tables.items()):
        y = i * (cell_h + gap)
        done = sum(c == "complete" for c in cells)
        exp = sum(c not in ("none", "skipped") for c in cells)
        parts.append(f'<g data-table="{escape(table)}">')
        parts.append(f'<text x="0" y="{y + cell_h - 4}" class="lbl">{escape(table)} ({done}/{exp})</text>')
        for j, status in enumerate(cells):
            parts.append(
                f'<rect class="cell {status}" x="{label_w + j * cell_w}" y="{y}" width="{cell_w - 0.5}" '
                f'height="{cell_h}" data-date="{dates[j]}"><title>{dates[j]} {status}</title></rect>'
            )
        parts.append("</g>")
    y = len(tables) * (cell_h + gap) + 14
    if dates:
        parts.append(f'<text x="{label_w}" y="{y}" class="axis">{dates[0]}</text>')
        parts.append(f'<text x="{width - 10}" y="{y}" class="axis" text-anchor="end">{dates[-1]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(
    items: list[tuple[str, float]],
    title: str,
    unit: str = "",
    color: str = "#3f7fbf",
    colors: dict[str, str] | None = None,
    css_id: str = "",
) -> str:
    """Horizontal bars with labels and figures."""
    label_w, bar_h, gap, plot_w = 300, 18, 6, 420
    top = max((v for _, v in items), default=0) or 1
    height = (bar_h + gap) * len(items) + 30
    width = label_w + plot_w + 120
    id_attr = f' id="{css_id}"' if css_id else ""
    parts = [
        f'<svg class="bars"{id_attr} width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><text x="0" y="14" class="ttl">{escape(title)}</text>'
    ]
    for i, (label, value) in enumerate(items):
        y = 24 + i * (bar_h + gap)
        w = max(1.0, plot_w * value / top) if value else 0
        fill = (colors or {}).get(label, color)
        figure = f"{value:,.2f}" if isinstance(value, float) and not value.is_integer() else f"{value:,.0f}"
        parts.append(
            f'<text x="0" y="{y + bar_h - 5}" class="lbl">{escape(label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{fill}"><title>{escape(label)}: {figure}{unit}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h - 5}" class="fig">{figure}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked(rows: list[dict[str, Any]], keys: list[str], title: str, css_id: str = "") -> str:
    """One 100%-stacked bar per row (e.g. the source mix of each feature)."""
    label_w, bar_h, gap, plot_w = 220, 14, 4, 600
    height = (bar_h + gap) * len(rows) + 50
    width = label_w + plot_w + 20
    id_attr = f' id="{css_id}"' if css_id else ""
    parts = [
        f'<svg class="stacked"{id_attr} width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f'<text x="0" y="14" class="ttl">{escape(title)}</text>'
    ]
    for i, row in enumerate(rows):
        y = 24 + i * (bar_h + gap)
        total = sum(row["sources"].values()) or 1
        parts.append(f'<text x="0" y="{y + bar_h - 3}" class="lbl">{escape(row["feature"])}</text>')
        x = float(label_w)
        for k in keys:
            n = row["sources"].get(k, 0)
            if not n:
                continue
            w = plot_w * n / total
            color = COLORS.get("missing_src" if k == "missing" else k, "#999")
            parts.append(
                f'<rect class="seg" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{color}"><title>{escape(row["feature"])} {escape(k)}: {n:,} '
                f"({n / total:.1%})</title></rect>"
            )
            x += w
    y = 24 + len(rows) * (bar_h + gap) + 8
    x = 0
    for k in keys:
        color = COLORS.get("missing_src" if k == "missing" else k, "#999")
        parts.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{y + 9}" class="axis">{escape(k)}</text>'
        )
        x += 14 + 8 * len(k) + 12
    parts.append("</svg>")
    return "".join(parts)
