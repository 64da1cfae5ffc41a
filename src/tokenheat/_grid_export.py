"""Python exports of several panels (small multiples): where each panel goes, and the
PNG and SVG drawn from it. A single heatmap, or a focused panel, is drawn by
:mod:`tokenheat.export` alone; this module adds the grid around the same pieces (the
pixel rule per panel, colours, labels, colour bar, token text).

The arrangement of a wrapped row of panels is the front end's (``arrange`` in
js/render/panels.js): the number of columns whose panels have the largest square cell
``min(w / cols, h / rows)``, ties going to fewer rows, then to the larger panel; here in
a panel area ``plot_width`` wide and :data:`MAX_AREA_HEIGHT` high, then the panels are
made no taller than square cells need (at least :data:`MIN_PANEL_HEIGHT`).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import export as ex

if TYPE_CHECKING:
    from .widget import Heatmap

#: Space between panels, CSS px.
GAP = 8
#: Height of a panel's title (wrapped row) or of the grid's column labels, CSS px.
TITLE_HEIGHT = ex.FONT_SIZE + 6
#: Height of the panel area the number of columns of a wrapped row is chosen for.
MAX_AREA_HEIGHT = 600
#: Panels are at least this tall (or as tall as the area allows), CSS px.
MIN_PANEL_HEIGHT = 24


@dataclass(frozen=True)
class GridFrame:
    """Geometry of an export of several panels, in CSS pixels (before ``scale``)."""

    width: int
    height: int
    panels: tuple[tuple[int, int, int, int, int], ...]  # (p, x, y, w, h) of each panel
    nr: int  # rows of panels
    nc: int  # columns of panels
    grid: bool  # a fixed grid (labels at the left and on top) or a wrapped row (titles)
    label_width: int  # the grid's row labels, at the far left
    bar: tuple[int, int, int, int]
    rotate_columns: bool
    rows: tuple[int, ...]  # matrix rows whose label is drawn (thinned to fit)
    columns: tuple[int, ...]


def _fit(length: int, n: int, base: int, lead: int, gap: int) -> int:
    """Panel size along an axis (js/render/panels.js ``fitAxis``)."""
    free = length - base - n * lead
    return free if n == 1 else (free - (n - 1) * gap) // n


def arrange(count: int, rows: int, cols: int, width: int, height: int) -> tuple[int, int]:
    """``(nr, nc)`` of a wrapped row of ``count`` panels of ``rows`` x ``cols`` cells in a
    ``width`` x ``height`` area, by the front end's rule (js/render/panels.js).

    >>> arrange(2, 10, 10, 600, 600), arrange(16, 10, 10, 600, 600), arrange(3, 100, 5, 600, 600)
    ((1, 2), (4, 4), (1, 3))
    """
    best, best_key = (1, count), None
    for nc in range(1, count + 1):
        nr = -(-count // nc)
        w = _fit(width, nc, 0, 0, GAP)
        h = _fit(height, nr, 0, TITLE_HEIGHT, GAP)
        ok = w >= 1 and h >= 1
        key = (ok, min(w / cols, h / rows), -nr, w * h)
        if best_key is None or key > best_key:
            best, best_key = (nr, nc), key
    return best


def grid_layout(widget: Heatmap, plot_width: int = 600) -> GridFrame:
    """Where everything goes for all panels, with a panel area ``plot_width`` px wide."""
    layout = widget.panel_layout
    count = math.prod(layout)
    rows_n, cols_n = widget.shape
    r0, r1, c0, c1 = widget.view
    grid = len(layout) == 2
    if grid:
        nr, nc = layout
        grid_labels = [ex._label_text(widget, t) for t in widget.panel_labels[0]]
        label_width = int(max(ex._text_width(t) for t in grid_labels)) + 8
        w = _fit(plot_width - label_width, nc, 0, 0, GAP)
        h_room = _fit(MAX_AREA_HEIGHT, nr, 0, 0, GAP)
        lead = 0
    else:
        nr, nc = arrange(count, rows_n, cols_n, plot_width, MAX_AREA_HEIGHT)
        label_width = 0
        w = _fit(plot_width, nc, 0, 0, GAP)
        h_room = _fit(MAX_AREA_HEIGHT, nr, 0, TITLE_HEIGHT, GAP)
        lead = TITLE_HEIGHT
    w = max(1, w)
    h = max(1, min(h_room, max(MIN_PANEL_HEIGHT, round(w * (r1 - r0) / (c1 - c0)))))
    row_idx = ex.label_indices(r0, r1, h / (r1 - r0), ex.LINE)
    row_w = int(
        max(
            (ex._text_width(ex._label_text(widget, widget.row_labels[i])) for i in row_idx),
            default=0,
        )
    )
    columns, rotate = ex._column_labels(widget, w)
    widest_col = max(
        (ex._text_width(ex._label_text(widget, widget.column_labels[j])) for j in columns),
        default=0,
    )
    bottom = ex.PAD + (int(widest_col) if rotate else ex.FONT_SIZE) + 6
    top = ex.PAD + (ex.TITLE_SIZE + 10 if widget.title else 0) + (TITLE_HEIGHT if grid else 0)
    px = ex.PAD + label_width + row_w + 6
    panels = []
    for p in range(count):
        i, j = divmod(p, nc)
        panels.append((p, px + j * (w + GAP), top + lead + i * (lead + h + GAP), w, h))
    area_h = nr * (lead + h) + (nr - 1) * GAP
    ticks_w = max(ex._text_width(t) for t in ex.tick_labels(widget)[1])
    bar_x = px + nc * w + (nc - 1) * GAP + ex.BAR_GAP
    bar_top = top + lead
    bar_h = max(1, top + area_h - bar_top - 2 * ex.EXT)
    colorbar_title = ex.FONT_SIZE + 10 if widget.colorbar_title else 0
    right = bar_x + ex.BAR_WIDTH + 6 + int(ticks_w) + colorbar_title
    return GridFrame(
        width=right + ex.PAD,
        height=top + area_h + bottom,
        panels=tuple(panels),
        nr=nr,
        nc=nc,
        grid=grid,
        label_width=label_width,
        bar=(bar_x, bar_top + ex.EXT, ex.BAR_WIDTH, bar_h),
        rotate_columns=rotate,
        rows=tuple(row_idx),
        columns=tuple(columns),
    )


def _texts(widget: Heatmap, f: GridFrame):
    """Every text of the figure, as :func:`tokenheat.export._texts` gives them."""
    r0, r1, c0, c1 = widget.view
    ink = ex.INK
    first = f.panels[0]
    last_x = max(x + w for _, x, _, w, _ in f.panels)
    if widget.title:
        yield ex.title_item(widget, (first[1] + last_x) / 2, f.width)
    if f.grid:
        row_titles, col_titles = widget.panel_labels
        for i in range(f.nr):
            _, _, y, _, h = f.panels[i * f.nc]
            text = ex._label_text(widget, row_titles[i])
            yield (ex.PAD, y + h / 2, text, "lm", ex.FONT_SIZE, 0, ink)
        for j in range(f.nc):
            _, x, y, w, _ = f.panels[j]
            text = ex.elide(ex._label_text(widget, col_titles[j]), cap=w)
            yield (x + w / 2, y - TITLE_HEIGHT / 2, text, "mm", ex.FONT_SIZE, 0, ink)
    else:
        for p, x, y, w, _ in f.panels:
            text = ex.elide(ex._label_text(widget, ex.panel_title(widget, p)), cap=w)
            yield (x + w / 2, y - TITLE_HEIGHT / 2, text, "mm", ex.FONT_SIZE, 0, ink)
    for p, x, y, w, h in f.panels:
        i, j = divmod(p, f.nc)
        if j == 0:  # the matrix's row labels, left of the first column of panels
            for r in f.rows:
                text = ex._label_text(widget, widget.row_labels[r])
                yield (x - 6, y + (r + 0.5 - r0) / (r1 - r0) * h, text, "rm", ex.FONT_SIZE, 0, ink)
        if p + f.nc >= len(f.panels):  # the lowest panel of its column: column labels
            for c in f.columns:
                cx = x + (c + 0.5 - c0) / (c1 - c0) * w
                text = ex._label_text(widget, widget.column_labels[c])
                if f.rotate_columns:
                    cy = y + h + 6 + ex._text_width(text) / 2
                    yield (cx, cy, text, "mm", ex.FONT_SIZE, 90, ink)
                else:
                    yield (cx, y + h + 6, text, "mt", ex.FONT_SIZE, 0, ink)
        yield from ex.token_texts(widget, (x, y, w, h), p)
    yield from ex.bar_texts(widget, f)


def render_png(
    widget: Heatmap, scale: float, plot_width: int, fast: bool
) -> tuple[bytes, GridFrame]:
    """All panels as PNG bytes (see :func:`tokenheat.export.to_png`), and their frame."""
    from PIL import Image, ImageDraw

    f = grid_layout(widget, plot_width)
    s = scale
    image = Image.new("RGBA", (round(f.width * s), round(f.height * s)), "white")
    for p, x, y, w, h in f.panels:
        # every panel the same device size; the pixel rule within each panel alone
        cells = ex.cell_pixels(widget, round(w * s), round(h * s), p)
        image.paste(Image.fromarray(cells, "RGBA"), (round(x * s), round(y * s)))
    bx, by, bw, bh = (round(v * s) for v in f.bar)
    image.paste(Image.fromarray(ex.colorbar_pixels(widget, bw, bh), "RGBA"), (bx, by))
    draw = ImageDraw.Draw(image)
    for points, colour in ex.extends(widget, f):
        draw.polygon([(x * s, y * s) for x, y in points], fill=colour)
    ex.draw_texts(image, _texts(widget, f), s)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=1 if fast else 6)
    return out.getvalue(), f


def to_svg(widget: Heatmap) -> str:
    """All panels as an SVG document (see :func:`tokenheat.export.to_svg`)."""
    f = grid_layout(widget)
    rows, cols = ex.visible_cells(widget)
    rects = len(rows) * len(cols) * len(f.panels) <= ex.SVG_MAX_RECTS
    parts = ex.svg_head(f.width, f.height)
    for p, x, y, w, h in f.panels:
        parts += ex.svg_cells(widget, (x, y, w, h), p, rects)
    parts += ex.svg_bar(widget, f)
    parts += ex.svg_texts(_texts(widget, f))
    parts.append("</svg>")
    return "\n".join(parts)
