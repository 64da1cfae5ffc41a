"""Python exports of several panels (small multiples): where each panel goes, and the
PNG and SVG drawn from it. A single heatmap, or a focused panel, is drawn by
:mod:`tokenheat.export` alone; this module adds the grid around the same pieces (the
pixel rule per panel, colours, labels, colour bar, token text).

The panels are where the screen puts them, by one rule in two steps:

1. The panel area is the plot area the widget's view has while several panels are shown
   (:func:`screen_area`: js/render/layout.js ``computeLayout`` as js/view/arrange.js calls it
   then: no matrix labels, a :data:`TOOLBAR_ROW` above the plot). Its width is the
   ``width`` trait's plot area when the trait is set, else ``plot_width``; its height is
   the ``height`` trait's plot area when set, else the automatic one: one panel's aspect
   (``rows / cols`` of the whole matrix, not of the zoomed view, nor of the grid) times
   the width, from 160 to 600 px. The browser also caps that at ``0.85 * window height``
   less its margins; Python cannot know the window, so it takes one
   :data:`WINDOW_HEIGHT` px tall, for which the cap is 600 px, as for every window over
   about 840 px. Text is measured at the screen's default size
   (:data:`SCREEN_FONT_SIZE`) in the export font, so the colour bar's ticks and a grid's
   row labels take about the width they take on screen.
2. In that area the panels are placed by js/render/panels.js ``panelLayout`` (as
   js/render/panelview.js ``placePanels`` calls it): a grid keeps its ``gr x gc``; a
   wrapped row takes the number of columns whose panels have the largest square cell
   ``min(w / cols, h / rows)``, ties going to fewer rows, then to the larger panel
   (:func:`arrange`); panels :data:`GAP` px apart, each filling its slot as on screen
   (cells may be stretched).

The figure around the panels is the export's own (the matrix's row and column labels at
the edge of the grid, the colour bar, the title), so the file is not the screen's pixels,
but it has the screen's arrangement and panel sizes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import export as ex

if TYPE_CHECKING:
    from .widget import Heatmap

#: The widget's text on screen: JupyterLab's default UI font size (``--jp-ui-font-size1``,
#: the CSS fallback in js/render/theme.js), its line (1.3 em, rounded up, as ``readFonts``)
#: and the title's line (1.15 em, as js/view/arrange.js gives ``computeLayout``), CSS px.
SCREEN_FONT_SIZE = 13
SCREEN_LINE = math.ceil(SCREEN_FONT_SIZE * 1.3)
SCREEN_TITLE = math.ceil(SCREEN_FONT_SIZE * 1.15 * 1.3)
#: Window height the automatic plot height is computed for (a desktop window; the browser
#: tests' too): the height cap is then its 600 px maximum, as in any window over ~840 px.
WINDOW_HEIGHT = 1000
#: Room kept above the plot for the toolbar while several panels are shown, CSS px
#: (``TOOLBAR_ROW`` in js/interact/toolbar.js).
TOOLBAR_ROW = 34
#: Space between panels, CSS px (``PANEL_GAP`` in js/render/panelview.js).
GAP = 6
#: Height of a panel's title (wrapped row) or of the grid's column labels: one screen line.
TITLE_HEIGHT = SCREEN_LINE

# js/render/layout.js: margins, the colour bar's column, the automatic height's bounds
_PAD, _LABEL_GAP, _COL_GAP = 8, 6, 4
_MIN_PLOT_HEIGHT, _MAX_PLOT_HEIGHT = 160, 600
_RANGE_GAP, _CONTROL_WIDTH = 10, 84
_BAR_COLUMN = 16 + 10 + 16 + 4 + 3  # track, funnel, bar, tick mark and its gap


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


def _js_round(x: float) -> int:
    """JavaScript's ``Math.round`` (halves up; Python's ``round`` takes them to even)."""
    return math.floor(x + 0.5)


def _screen_width(text: str) -> float:
    """Width of ``text`` at the screen's size, cut as the front end cuts it first."""
    if len(text) > ex.MEASURE_CHARS:
        text = text[: ex.MEASURE_CHARS] + ex.ELLIPSIS
    return ex._text_width(text, SCREEN_FONT_SIZE)


def screen_tick_width(widget: Heatmap) -> int:
    """Room the view keeps for the colour bar's tick labels: the widest of ``-0.00`` and
    the ticks (js/view/arrange.js ``reservedTickWidth``), rounded up."""
    ticks = ex.tick_labels(widget)[1]
    return math.ceil(max(_screen_width(t) for t in ["-0.00", *ticks]))


def screen_label_width(widget: Heatmap) -> int:
    """The band of a grid's row labels on screen: the widest label + 4 (0 for a row)."""
    if len(widget.panel_layout) != 2:
        return 0
    return math.ceil(max(_screen_width(t) for t in widget.panel_labels[0])) + 4


def screen_area(widget: Heatmap, plot_width: int = 600) -> tuple[int, int]:
    """``(width, height)`` of the plot area, CSS px, that the widget's view gives its panels
    (js/render/layout.js ``computeLayout`` while several panels are shown: no matrix labels).

    Width: with the ``width`` trait, the view's width less its margins; else
    ``plot_width``. Height: with the ``height`` trait, the view's height less its margins;
    else ``rows / cols`` of one panel times the width, from 160 to 600 px (the cap in a
    window :data:`WINDOW_HEIGHT` px tall).

    >>> import numpy as np
    >>> from tokenheat import Heatmap
    >>> screen_area(Heatmap(np.zeros((3, 10, 100)))), screen_area(Heatmap(np.zeros((3, 100, 10))))
    ((600, 160), (600, 600))
    >>> screen_area(Heatmap(np.zeros((3, 10, 100)), width=900, height=150))
    (790, 64)
    """
    rows, cols = widget.shape
    lh = SCREEN_LINE
    if widget.title:
        top = _PAD + SCREEN_TITLE + max(8, math.ceil(lh / 2) + 2) + TOOLBAR_ROW
    else:
        top = _PAD + math.ceil(lh / 2) + TOOLBAR_ROW
    bar_title = lh + 8 if widget.colorbar_title else 0
    column = _BAR_COLUMN + screen_tick_width(widget) + bar_title
    right = _RANGE_GAP + max(column, _CONTROL_WIDTH) + _PAD
    total_w = None if widget.width is None else max(160, widget.width)
    left, bottom = _PAD + _LABEL_GAP, _PAD + _COL_GAP + lh
    for it in range(8):  # computeLayout's margins settle within its 8 passes
        plot_w = plot_width if total_w is None else max(16, total_w - left - right)
        if widget.height is not None:
            plot_h = max(16, widget.height - top - bottom)
        else:
            cap = min(_MAX_PLOT_HEIGHT, max(0.85 * WINDOW_HEIGHT, 360) - top - bottom)
            plot_h = _js_round(max(_MIN_PLOT_HEIGHT, min(cap, plot_w * rows / cols)))
        # the lowest row's label may hang into the column labels' band (empty labels
        # while several panels are shown: the band is one line, the left margin _PAD)
        col_gap = _COL_GAP + max(0, math.ceil(lh / 2 - plot_h / rows / 2))
        new_left, new_bottom = _PAD, _PAD + col_gap + lh
        if it >= 2:
            new_left, new_bottom = max(left, new_left), max(bottom, new_bottom)
        if (new_left, new_bottom) == (left, bottom) or it == 7:
            break
        left, bottom = new_left, new_bottom
    return plot_w, plot_h


def _fit(length: int, n: int, base: int, lead: int, gap: int) -> int:
    """Panel size along an axis (js/render/panels.js ``fitAxis``)."""
    free = length - base - n * lead
    return free if n == 1 else (free - (n - 1) * gap) // n


def arrange(
    count: int, rows: int, cols: int, width: int, height: int, gap: int = GAP
) -> tuple[int, int]:
    """``(nr, nc)`` of a wrapped row of ``count`` panels of ``rows`` x ``cols`` cells in a
    ``width`` x ``height`` area, by the front end's rule (js/render/panels.js ``arrange``).

    >>> arrange(2, 10, 10, 600, 600), arrange(16, 10, 10, 600, 600), arrange(3, 100, 5, 600, 600)
    ((1, 2), (4, 4), (1, 3))
    >>> arrange(3, 10, 100, 600, 160), arrange(3, 10, 100, 790, 64)
    ((3, 1), (1, 3))
    """
    best, best_key = (1, count), None
    for nc in range(1, count + 1):
        nr = -(-count // nc)
        w = _fit(width, nc, 0, 0, gap)
        h = _fit(height, nr, 0, TITLE_HEIGHT, gap)
        ok = w >= 1 and h >= 1
        key = (ok, min(w / cols, h / rows), -nr, w * h)
        if best_key is None or key > best_key:
            best, best_key = (nr, nc), key
    return best


def place(
    widget: Heatmap, width: int, height: int, label_width: int
) -> tuple[int, int, int, int, int]:
    """``(nr, nc, panel width, panel height, gap)`` of all panels in a ``width`` x
    ``height`` area (js/render/panels.js ``panelLayout``): with no room for every panel at
    1 px the gap becomes 0; the export then keeps panels of 1 px (the screen draws none).
    """
    layout = widget.panel_layout
    rows, cols = widget.shape
    for gap in (GAP, 0):
        if len(layout) == 2:
            nr, nc = layout
            w = _fit(width, nc, label_width, 0, gap)
            h = _fit(height, nr, TITLE_HEIGHT, 0, gap)
        else:
            nr, nc = arrange(math.prod(layout), rows, cols, width, height, gap)
            w = _fit(width, nc, 0, 0, gap)
            h = _fit(height, nr, 0, TITLE_HEIGHT, gap)
        if w >= 1 and h >= 1:
            break
    return nr, nc, max(1, w), max(1, h), gap


def grid_layout(widget: Heatmap, plot_width: int = 600) -> GridFrame:
    """Where everything goes for all panels: placed as on screen (see the module's rule)
    in the view's panel area (:func:`screen_area`; ``plot_width`` is its width when the
    widget has no ``width`` trait)."""
    layout = widget.panel_layout
    count = math.prod(layout)
    r0, r1, _, _ = widget.view
    grid = len(layout) == 2
    area = screen_area(widget, plot_width)
    label_width = screen_label_width(widget)
    nr, nc, w, h, gap = place(widget, *area, label_width)
    lead = 0 if grid else TITLE_HEIGHT
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
        panels.append((p, px + j * (w + gap), top + lead + i * (lead + h + gap), w, h))
    area_h = nr * (lead + h) + (nr - 1) * gap
    ticks_w = max(ex._text_width(t) for t in ex.tick_labels(widget)[1])
    bar_x = px + nc * w + (nc - 1) * gap + ex.BAR_GAP
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
        area=area,
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
