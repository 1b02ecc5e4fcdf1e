"""The yearly report's charts as SVG drawn on the server: no JavaScript, the same bytes for the same chart.

A chart (``content.Chart``) is grouped bars (``kind="bar"``) or stacked bars (``kind="stacked"``)
with a y axis, a few gridlines, the points' labels under the bars and a legend. Every label is
escaped here and the finished text is marked safe by :func:`po_meetings.markup.trusted_svg`, the
one place Markup is made.

Accessible without colour: each series has its own colour (at least 4.5:1 on white) *and* its own
fill pattern (solid, stripes, dots, cross-hatch), repeated in the legend. ``role="img"`` with
``aria-labelledby`` gives screen readers the title and a one-line description; the numbers are in
the table beside the chart (``templates/annual_reports/_chart.html``).

Small counts: a value below five is never drawn at its height or printed. Its bar (or stacked
segment) is drawn up to five with a dashed edge and a faded fill, labelled "<5", exactly as the
table masks it, so the picture cannot be measured to read the number back.

Sizes are in the ``viewBox`` only: the SVG scales to its container, a 375 px phone as well as the
A4 page.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from markupsafe import Markup, escape

from .. import markup
from ..filters import anchor
from ..statistics.services import SMALL_COUNT, mask_small
from .content import Chart, Series

WIDTH = 400
PLOT_HEIGHT = 180
LEFT = 44
RIGHT = 12
TOP = 16
FONT_SIZE = 14
SMALL_FONT_SIZE = 11
#: a rough glyph width in font sizes (DejaVu Sans and system sans fonts are about this wide)
GLYPH = 0.58
LINE_HEIGHT = 16

TEXT = "#1b1f24"
MUTED = "#55606e"
GRID = "#d3d9e0"
AXIS = "#5f6b7a"
#: the series' colours: 6.7, 5.5, 5.1 and 7.6 to 1 on white (WCAG AA asks 3:1 for graphics)
COLOURS = ("#1b5e9e", "#b34700", "#2e7d46", "#6a3d9a")
#: the series' fills, so two series differ without colour too
PATTERNS = ("solid", "stripes", "dots", "cross")
PATTERN_NAMES = {"solid": "fylld", "stripes": "randig", "dots": "prickig", "cross": "rutig"}

KINDS = {"bar": "Stapeldiagram", "stacked": "Staplat stapeldiagram"}


def chart_id(chart: Chart) -> str:
    """Return the id of a chart's figure ("chart-" and its title as ASCII); the SVG's ids start with it."""
    return f"chart-{anchor(chart.title)}"


def svg(chart: Chart) -> Markup:
    """Return the chart as an inline SVG (safe Markup), the same text for the same chart."""
    return markup.trusted_svg("".join(_svg_parts(chart)))


def is_empty(chart: Chart) -> bool:
    """Return whether the chart has nothing to draw (no points or no series)."""
    return not chart.points or not chart.series


def _n(value: float) -> str:
    """Return a coordinate with at most one decimal and no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _colour(index: int) -> str:
    """Return a series' colour."""
    return COLOURS[index % len(COLOURS)]


def _pattern(index: int) -> str:
    """Return a series' fill pattern."""
    return PATTERNS[index % len(PATTERNS)]


def _shown(value: int, masks: bool = True) -> int:
    """Return the height a value is drawn at: a masked value up to the masking limit, never its own."""
    return SMALL_COUNT if _is_masked(value, masks) else value


def _value(series: Series, point: int) -> int:
    """Return a series' value at a point (0 where the series is short of points)."""
    return series.values[point] if point < len(series.values) else 0


def _is_masked(value: int, masks: bool = True) -> bool:
    """Return whether the report shows a value as "<5" (only in a chart of counts of clients)."""
    return masks and mask_small(value) != str(value)


def _count_text(value: int, masks: bool) -> str:
    """Return a value as the chart prints it: "<5" for a small count of clients, else the number."""
    return mask_small(value) if masks else str(value)


def _nice_step(top: float) -> int:
    """Return a whole gridline step (1, 2 or 5 times a power of ten) giving about four gridlines."""
    rough = max(top / 4, 1)
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * power >= rough:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _scale_top(chart: Chart) -> tuple[int, int]:
    """Return the axis maximum and the gridline step."""
    if chart.kind == "stacked":
        heights = [
            sum(_shown(_value(s, i), chart.masks_small) for s in chart.series)
            for i in range(len(chart.points))
        ]
    else:
        heights = [
            _shown(_value(s, i), chart.masks_small) for s in chart.series for i in range(len(chart.points))
        ]
    highest = max(heights, default=0) or 1
    step = _nice_step(highest)
    return step * math.ceil(highest / step), step


def _wrap(label: str, width: float, font_size: int = FONT_SIZE) -> list[str]:
    """Split a label into at most two lines that fit ``width``; a longer rest ends in "…"."""
    per_line = max(int(width / (font_size * GLYPH)), 3)
    lines: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [line if len(line) <= per_line else line[: per_line - 1] + "…" for line in lines]


def _fit(label: str, width: float) -> tuple[list[str], int]:
    """Return a point's label as lines and the font size they fit in: the smaller size before "…"."""
    for size in (FONT_SIZE, SMALL_FONT_SIZE):
        lines = _wrap(label, width, size)
        if not any(line.endswith("…") for line in lines) or size == SMALL_FONT_SIZE:
            return lines, size
    return lines, SMALL_FONT_SIZE  # pragma: no cover - the loop always returns


def _text_width(text: str, font_size: int = FONT_SIZE) -> float:
    """Return about how wide a text is drawn."""
    return len(text) * font_size * GLYPH


def _legend_rows(chart: Chart, has_masked: bool) -> list[list[tuple[float, int | None, str]]]:
    """Return the legend's entries laid out in rows: (x, series index or None for "<5", text)."""
    entries: list[tuple[int | None, str]] = [(i, s.name) for i, s in enumerate(chart.series)]
    if has_masked:
        entries.append((None, f"färre än {SMALL_COUNT} (visas som ”{mask_small(0)}”)"))
    rows: list[list[tuple[float, int | None, str]]] = [[]]
    x = float(LEFT)
    for index, text in entries:
        width = 20 + _text_width(text) + 16
        if rows[-1] and x + width > WIDTH - RIGHT:
            rows.append([])
            x = float(LEFT)
        rows[-1].append((x, index, text))
        x += width
    return rows


def _defs(prefix: str, count: int) -> Iterator[str]:
    """Yield the fill patterns of the series (the first series is solid and needs none)."""
    yield "<defs>"
    for index in range(count):
        colour, kind, pid = _colour(index), _pattern(index), f"{prefix}-fill-{index}"
        if kind == "stripes":
            yield (
                f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="#fff"/>'
                f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{colour}" stroke-width="2.5"/>'
                "</pattern>"
            )
        elif kind == "dots":
            yield (
                f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.9" fill="{colour}"/>'
                "</pattern>"
            )
        elif kind == "cross":
            yield (
                f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="#fff"/>'
                f'<path d="M0,4 h8 M4,0 v8" stroke="{colour}" stroke-width="2"/>'
                "</pattern>"
            )
    yield "</defs>"


def _fill(prefix: str, index: int) -> str:
    """Return a series' fill: its colour (solid) or its pattern."""
    return _colour(index) if _pattern(index) == "solid" else f"url(#{prefix}-fill-{index})"


def _bar(prefix: str, index: int, x: float, y: float, width: float, height: float, masked: bool) -> str:
    """Return one bar or segment: a masked value gets a dashed edge and a faded fill."""
    extra = ' fill-opacity="0.35" stroke-dasharray="4 3"' if masked else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{_fill(prefix, index)}" stroke="{_colour(index)}" stroke-width="1.5"{extra}/>'
    )


def _label(x: float, y: float, text: str, *, boxed: bool = False) -> str:
    """Return a value label centred on x (on a white box when it sits on a bar)."""
    box = ""
    if boxed:
        width = _text_width(text, SMALL_FONT_SIZE) + 6
        box = (
            f'<rect x="{_n(x - width / 2)}" y="{_n(y - SMALL_FONT_SIZE)}" width="{_n(width)}" '
            f'height="{_n(SMALL_FONT_SIZE + 4)}" fill="#fff" rx="2"/>'
        )
    return (
        f'{box}<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" font-size="{SMALL_FONT_SIZE}" '
        f'fill="{TEXT}">{escape(text)}</text>'
    )


def _empty(chart: Chart, prefix: str) -> Iterator[str]:
    """Yield an SVG saying the chart has no figures."""
    height = 80
    yield (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart__svg" '
        f'font-family="PO Sans, DejaVu Sans, system-ui, sans-serif" font-size="{FONT_SIZE}">'
    )
    yield f'<title id="{prefix}-title">{escape(chart.title)}</title>'
    yield f'<desc id="{prefix}-desc">Inga uppgifter att visa.</desc>'
    yield f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" fill="#fff" stroke="{GRID}"/>'
    yield (
        f'<text x="{WIDTH // 2}" y="{height // 2 + 5}" text-anchor="middle" fill="{MUTED}">'
        "Inga uppgifter att visa.</text>"
    )
    yield "</svg>"


def _svg_parts(chart: Chart) -> Iterator[str]:
    """Yield the SVG's text piece by piece."""
    prefix = chart_id(chart)
    if is_empty(chart):
        yield from _empty(chart, prefix)
        return
    points, series = chart.points, chart.series
    stacked = chart.kind == "stacked"
    top, step = _scale_top(chart)
    plot_width = WIDTH - LEFT - RIGHT
    group = plot_width / len(points)
    labels = [_fit(label, group - 4) for label in points]
    label_lines = max(len(lines) for lines, _ in labels)
    has_masked = any(_is_masked(_value(s, p), chart.masks_small) for s in series for p in range(len(points)))
    legend = _legend_rows(chart, has_masked)
    baseline = TOP + PLOT_HEIGHT
    legend_top = baseline + 8 + label_lines * LINE_HEIGHT + 10
    height = legend_top + len(legend) * (LINE_HEIGHT + 6) + 4

    def y_of(value: float) -> float:
        """Return the y coordinate of a value on the axis."""
        return baseline - PLOT_HEIGHT * value / top

    kind = KINDS.get(chart.kind, KINDS["bar"])
    names = ", ".join(f"{s.name} ({PATTERN_NAMES[_pattern(i)]})" for i, s in enumerate(series))
    yield (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart__svg" '
        f'font-family="PO Sans, DejaVu Sans, system-ui, sans-serif" font-size="{FONT_SIZE}">'
    )
    yield f'<title id="{prefix}-title">{escape(chart.title)}</title>'
    yield (
        f'<desc id="{prefix}-desc">{escape(kind)} över {escape(", ".join(points))}: '
        f"{escape(names)}. Siffrorna finns i tabellen vid diagrammet.</desc>"
    )
    yield from _defs(prefix, len(series))

    # Gridlines and the y axis's numbers (a scale, not counts of anyone).
    yield '<g class="chart__grid">'
    for value in range(0, top + 1, step):
        y = y_of(value)
        colour = AXIS if value == 0 else GRID
        yield f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" stroke="{colour}"/>'
        yield (
            f'<text x="{LEFT - 6}" y="{_n(y + 4)}" text-anchor="end" font-size="{SMALL_FONT_SIZE}" '
            f'fill="{MUTED}">{value}</text>'
        )
    yield "</g>"

    # The bars, point by point.
    yield '<g class="chart__bars">'
    inner = group * 0.7
    for p, _point in enumerate(points):
        start = LEFT + group * p + (group - inner) / 2
        if stacked:
            width = min(inner, 64)
            x = LEFT + group * p + (group - width) / 2
            level = 0
            for i, s in enumerate(series):
                value = _value(s, p)
                shown = _shown(value, chart.masks_small)
                y, bar_height = y_of(level + shown), PLOT_HEIGHT * shown / top
                yield _bar(prefix, i, x, y, width, bar_height, _is_masked(value, chart.masks_small))
                if bar_height >= SMALL_FONT_SIZE + 6:
                    yield _label(
                        x + width / 2,
                        y + bar_height / 2 + 4,
                        _count_text(value, chart.masks_small),
                        boxed=True,
                    )
                level += shown
        else:
            width = inner / len(series)
            for i, s in enumerate(series):
                value = _value(s, p)
                shown = _shown(value, chart.masks_small)
                x, y = start + width * i, y_of(shown)
                yield _bar(prefix, i, x + 1, y, width - 2, baseline - y, _is_masked(value, chart.masks_small))
                text = _count_text(value, chart.masks_small)
                if width >= _text_width(text, SMALL_FONT_SIZE) + 2:
                    yield _label(x + width / 2, y - 4, text)
    yield "</g>"

    # The points' labels under the bars.
    yield f'<g class="chart__points" fill="{TEXT}" text-anchor="middle">'
    for p, (lines, size) in enumerate(labels):
        x = LEFT + group * p + group / 2
        smaller = "" if size == FONT_SIZE else f' font-size="{size}"'
        for line_number, line in enumerate(lines):
            y = baseline + 8 + (line_number + 1) * LINE_HEIGHT - 3
            yield f'<text x="{_n(x)}" y="{_n(y)}"{smaller}>{escape(line)}</text>'
    yield "</g>"

    # The legend: each series' swatch (colour and pattern), and the masked look when used.
    yield f'<g class="chart__legend" fill="{TEXT}">'
    for row_number, row in enumerate(legend):
        y = legend_top + row_number * (LINE_HEIGHT + 6)
        for x, index, text in row:
            if index is None:
                yield (
                    f'<rect x="{_n(x)}" y="{_n(y)}" width="14" height="14" fill="#fff" '
                    f'stroke="{AXIS}" stroke-width="1.5" stroke-dasharray="4 3"/>'
                )
            else:
                yield _bar(prefix, index, x, y, 14, 14, masked=False)
            yield f'<text x="{_n(x + 20)}" y="{_n(y + 12)}">{escape(text)}</text>'
    yield "</g>"
    yield "</svg>"
