"""Python exports of several panels (small multiples): where each panel goes, and the
PNG and SVG drawn from it. A single heatmap, or a focused panel, is drawn by
:mod:`tokenheat.export` alone; this module adds the grid around the same pieces (the
pixel rule per panel, colours, labels, colour bar, token text).

The panels are where the screen puts them: in the panel area the widget's view has, by
the front end's arrangement rule (:mod:`tokenheat._screen_layout`: :func:`screen_area`,
then :func:`place`), with the screen's number of rows and columns of panels and panel
size. The figure around the panels is the export's own (the matrix's row and column
labels at the edge of the grid, or beside and under every panel when they are each
panel's own, the colour bar, the title), so the file is not the screen's pixels, but it
has the screen's arrangement and panel sizes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import _axis_labels
from . import _export_svg as svg
from . import export as ex
from ._panel_view import axis_label_text, widest_axis_label
from ._screen_layout import (
    GAP,
    SCREEN_FONT_SIZE,
    SCREEN_LINE,
    SCREEN_TITLE,
    TITLE_HEIGHT,
    TOOLBAR_ROW,
    WINDOW_HEIGHT,
    _screen,
    _view_width,
    arrange,
    place,
    screen_area,
    screen_label_width,
    screen_row_band,
    screen_tick_width,
)

if TYPE_CHECKING:
    from .widget import Heatmap

__all__ = [  # the screen's rule (tokenheat._screen_layout), used here and by the tests
    "GAP",
    "SCREEN_FONT_SIZE",
    "SCREEN_LINE",
    "SCREEN_TITLE",
    "TITLE_HEIGHT",
    "TOOLBAR_ROW",
    "WINDOW_HEIGHT",
    "GridFrame",
    "arrange",
    "grid_layout",
    "place",
    "render_png",
    "screen_area",
    "screen_label_width",
    "screen_row_band",
    "screen_tick_width",
    "to_svg",
]


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
    area: tuple[int, int]  # the screen's panel area they were placed in (screen_area)
    own_rows: bool = False  # row labels beside every panel (each panel's own), not the first
    own_columns: bool = False  # column labels under every panel, not the lowest


def grid_layout(widget: Heatmap, plot_width: int = 600) -> GridFrame:
    """Where everything goes for all panels: placed as on screen (see the module's rule)
    in the view's panel area (:func:`screen_area`; ``plot_width`` is its width when the
    widget has no ``width`` trait)."""
    layout = widget.panel_layout
    count = math.prod(layout)
    r0, r1, _, _ = widget.view
    grid = len(layout) == 2
    pw, ph, foot = _screen(widget, plot_width)
    label_width = screen_label_width(widget)
    band = screen_row_band(widget, _view_width(widget, plot_width))
    nr, nc, w, h, gap = place(widget, pw, ph, label_width, band, foot)
    lead = 0 if grid else TITLE_HEIGHT
    row_idx = ex.label_indices(r0, r1, h / (r1 - r0), ex.LINE)
    # (the widest label any panel has: one band holds every panel's)
    row_w = int(widest_axis_label(widget, 0, row_idx))
    columns, rotate = ex._column_labels(widget, w)
    widest_col = widest_axis_label(widget, 1, columns)
    bottom = ex.PAD + (int(widest_col) if rotate else ex.FONT_SIZE) + 6
    top = ex.PAD + (ex.TITLE_SIZE + 10 if widget.title else 0) + (TITLE_HEIGHT if grid else 0)
    px = ex.PAD + label_width + row_w + 6
    # labels of each panel's own: their bands beside and under every panel, as on screen
    own_rows = _axis_labels.per_panel(widget.row_labels)
    own_columns = _axis_labels.per_panel(widget.column_labels)
    step_x = w + gap + (row_w + 6 if own_rows else 0)
    step_y = lead + h + gap + (bottom - ex.PAD if own_columns else 0)
    panels = []
    for p in range(count):
        i, j = divmod(p, nc)
        panels.append((p, px + j * step_x, top + lead + i * step_y, w, h))
    area_h = (nr - 1) * step_y + lead + h
    ticks_w = max(ex._text_width(t) for t in ex.tick_labels(widget)[1])
    bar_x = px + (nc - 1) * step_x + w + ex.BAR_GAP
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
        area=(pw, ph),
        own_rows=own_rows,
        own_columns=own_columns,
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
        # the matrix's row labels, left of the first column of panels (of every panel,
        # when they are each panel's own: a panel's stop at its own rows)
        if j == 0 or f.own_rows:
            for r in f.rows:
                text = axis_label_text(widget, 0, p, r)
                if text is None:
                    break
                ry = y + _axis_labels.label_centre(r, r0, r1, h)
                yield (x - 6, ry, text, "rm", ex.FONT_SIZE, 0, ink)
        # the column labels under the lowest panel of each column (or under every panel)
        if p + f.nc >= len(f.panels) or f.own_columns:
            for c in f.columns:
                cx = x + _axis_labels.label_centre(c, c0, c1, w)
                text = axis_label_text(widget, 1, p, c)
                if text is None:
                    break
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
    parts = svg.svg_head(f.width, f.height)
    for p, x, y, w, h in f.panels:
        parts += svg.svg_cells(widget, (x, y, w, h), p, rects)
    parts += svg.svg_bar(widget, f)
    parts += svg.svg_texts(_texts(widget, f))
    parts.append("</svg>")
    return "\n".join(parts)
