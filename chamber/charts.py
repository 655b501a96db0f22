"""Charts drawn on the server as inline SVG: no JavaScript, no library, nothing fetched.

The dashboard, the federation pages and later the annual report (WeasyPrint renders the
same SVG) need a handful of simple charts: horizontal bars, a donut, a monthly line.
Each function returns a `Chart`: the SVG markup (marked safe; every label is escaped
here) with a <title> and a <desc> that spells out the figures, and an HTML table with the
same figures for screen readers and for anyone who prefers reading to looking (the
templates put it in a <details> under the chart). The markup is well-formed XML, so
it can be embedded in HTML, parsed, or written to a file as it is.

The default sizes (about 400 user units wide) are chosen for a half-width card on a
desktop and the full width of a phone: the SVG scales to its box, so text drawn for a far
wider box would shrink to nothing at 375 px.

Labels are Chinese more often than not: the SVG names the CJK font families the site
uses (see static/css/app.css), and label widths are estimated with CJK characters
counted as a full em.
"""
import itertools
import math
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

from django.utils.safestring import SafeString, mark_safe

# The site's font stack (static/css/app.css), quoted for an XML attribute.
FONT_FAMILY = "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
# Seal red first, then colours that stay apart for the common colour-vision deficiencies.
PALETTE = ("#b42318", "#1d4ed8", "#15803d", "#b45309", "#7c3aed", "#0e7490", "#be185d", "#4d7c0f", "#475569")
FONT_SIZE = 13
_ids = itertools.count(1)


@dataclass(frozen=True)
class ChartItem:
    """One bar, slice or point: a label, a number, and where the number links to (optional)."""

    label: str
    value: int
    url: str = ""


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    table: SafeString
    title: str

    def __str__(self):
        # `{{ chart }}` in a template draws the chart followed by its table.
        return self.svg + self.table

    __html__ = __str__


def _esc(text):
    """Escape for XML text and double-quoted attributes alike."""
    return _xml_escape(str(text), {'"': "&quot;"})


def _text_width(text, size=FONT_SIZE):
    """Rough rendered width: wide (CJK) characters take one em, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in str(text))


def _clip(text, max_width, size=FONT_SIZE):
    """`text` shortened with an ellipsis to fit `max_width` (the full text stays in <title>)."""
    text = str(text)
    if _text_width(text, size) <= max_width:
        return text
    while text and _text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _linked(markup, url):
    """Wrap a bar or legend entry in an SVG link (focusable with the keyboard) when it has a url."""
    return f'<a href="{_esc(url)}">{markup}</a>' if url else markup


def _number(value):
    return "{:,}".format(value)


def _svg(width, height, title, desc, body):
    n = next(_ids)
    title_id, desc_id = f"chart-title-{n}", f"chart-desc-{n}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f'<title id="{title_id}">{_esc(title)}</title><desc id="{desc_id}">{_esc(desc)}</desc>'
        f"{body}</svg>"
    )


def _table(title, headers, rows):
    """A table of the same figures (numbers link where the item has a url): the text alternative."""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers)
    body = []
    for label, cells in rows:
        tds = []
        for value, url in cells:
            shown = _esc(_number(value))
            tds.append(f'<td><a href="{_esc(url)}">{shown}</a></td>' if url else f"<td>{shown}</td>")
        body.append(f'<tr><th scope="row">{_esc(label)}</th>{"".join(tds)}</tr>')
    return mark_safe(
        f'<table class="table table-sm chart-table"><caption>{_esc(title)}</caption>'
        f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _summary(items):
    return "; ".join(f"{item.label}: {_number(item.value)}" for item in items)


def bar_chart(items, *, title, label_header="", value_header="", width=400, color=PALETTE[0]):
    """Horizontal bars, one per item, longest label on the left: reads well in Chinese and at 375 px."""
    items = list(items)
    bar_height, gap, top = 22, 8, 6
    label_width = min(max([_text_width(i.label) for i in items] + [40]) + 8, width * 0.42)
    value_width = max([_text_width(_number(i.value)) for i in items] + [10]) + 8
    plot_width = max(width - label_width - value_width - 4, 40)
    peak = max([i.value for i in items] + [0]) or 1
    height = top * 2 + max(len(items), 1) * (bar_height + gap)
    parts = []
    for row, item in enumerate(items):
        y = top + row * (bar_height + gap)
        length = plot_width * item.value / peak
        middle = y + bar_height / 2
        bar = (
            f'<g class="bar"><title>{_esc(item.label)}: {_esc(_number(item.value))}</title>'
            f'<text x="{label_width - 6:.1f}" y="{middle:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'fill="#1f2933">{_esc(_clip(item.label, label_width - 8))}</text>'
            f'<rect x="{label_width:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="3" fill="{color}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{middle:.1f}" dominant-baseline="middle" '
            f'fill="#1f2933">{_esc(_number(item.value))}</text></g>'
        )
        parts.append(_linked(bar, item.url))
    if not items:
        parts.append(f'<text x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" fill="#616e7c">—</text>')
    svg = _svg(width, height, title, _summary(items), "".join(parts))
    rows = [(i.label, [(i.value, i.url)]) for i in items]
    return Chart(svg=svg, table=_table(title, [label_header, value_header], rows), title=title)


def donut_chart(items, *, title, label_header="", value_header="", size=180, legend_width=200):
    """Shares of a whole as a ring, with a legend (label and number) beside it; slices of 0 are left out."""
    items = list(items)
    total = sum(i.value for i in items)
    radius, stroke = size / 2 - 22, 30
    cx = cy = size / 2
    circumference = 2 * math.pi * radius
    parts = [f'<circle cx="{cx:g}" cy="{cy:g}" r="{radius:g}" fill="none" stroke="#e4e7eb" stroke-width="{stroke}"/>']
    offset = 0.0
    for index, item in enumerate(items):
        if not total or not item.value:
            continue
        length = circumference * item.value / total
        # A dash of the slice's length on a circle, started where the previous one ended
        # (rotated so the first slice starts at twelve o'clock).
        parts.append(
            f'<circle class="slice" cx="{cx:g}" cy="{cy:g}" r="{radius:g}" fill="none" '
            f'stroke="{PALETTE[index % len(PALETTE)]}" stroke-width="{stroke}" '
            f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" stroke-dashoffset="{-offset:.2f}" '
            f'transform="rotate(-90 {cx:g} {cy:g})">'
            f'<title>{_esc(item.label)}: {_esc(_number(item.value))}</title></circle>'
        )
        offset += length
    parts.append(f'<text x="{cx:g}" y="{cy:g}" text-anchor="middle" dominant-baseline="middle" '
                 f'font-size="22" font-weight="700" fill="#1f2933">{_esc(_number(total))}</text>')
    line = 20
    legend_top = max((size - len(items) * line) / 2, 4)
    for index, item in enumerate(items):
        y = legend_top + index * line
        parts.append(_linked(
            f'<g class="legend"><rect x="{size + 8:g}" y="{y:.1f}" width="12" height="12" rx="2" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{size + 26:g}" y="{y + 6:.1f}" dominant-baseline="middle" fill="#1f2933">'
            f'{_esc(_clip(item.label, legend_width - 70))} {_esc(_number(item.value))}</text></g>',
            item.url,
        ))
    height = max(size, legend_top + len(items) * line + 4)
    svg = _svg(size + legend_width, height, title, _summary(items), "".join(parts))
    rows = [(i.label, [(i.value, i.url)]) for i in items]
    return Chart(svg=svg, table=_table(title, [label_header, value_header], rows), title=title)


def line_chart(labels, series, *, title, label_header="", width=420, height=200):
    """Lines over the same x labels (e.g. twelve months); `series` is [(name, [values])]."""
    labels = list(labels)
    left, right, top, bottom = 36, 12, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for _, values in series for v in values] + [0])
    ceiling = max(peak, 1)
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i, v):
        return left + i * step, top + plot_h - plot_h * v / ceiling

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9aa5b1"/>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" dominant-baseline="middle" fill="#616e7c">0</text>',
        f'<text x="{left - 6}" y="{top}" text-anchor="end" dominant-baseline="middle" '
        f'fill="#616e7c">{_number(ceiling)}</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#616e7c" '
                     f'font-size="11">{_esc(label)}</text>')
    legend_x = left
    for index, (name, values) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        points = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in enumerate(values))
        parts.append(f'<polyline class="series" points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(values):
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                         f'<title>{_esc(name)} {_esc(labels[i])}: {_esc(_number(v))}</title></circle>')
        parts.append(f'<rect x="{legend_x}" y="{height - 14}" width="12" height="4" fill="{color}"/>'
                     f'<text x="{legend_x + 16}" y="{height - 12}" dominant-baseline="middle" '
                     f'fill="#1f2933">{_esc(name)}</text>')
        legend_x += 16 + _text_width(name) + 20
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{label} {_number(v)}" for label, v in zip(labels, values)) for name, values in series
    )
    svg = _svg(width, height, title, desc, "".join(parts))
    rows = [(label, [(values[i], "") for _, values in series]) for i, label in enumerate(labels)]
    return Chart(svg=svg, table=_table(title, [label_header] + [name for name, _ in series], rows), title=title)
