"""Where the widget's view puts several panels on screen, computed in Python: the rule
of js/render/layout.js ``computeLayout`` and js/render/panels.js ``panelLayout`` as
js/view/arrange.js calls them while several panels are shown, so that the Python exports
(:mod:`tokenheat._grid_export`) arrange the panels as the screen does, in two steps:

1. The panel area is the plot area the widget's view has while several panels are shown
   (:func:`screen_area`: a :data:`TOOLBAR_ROW` above the plot, a bottom margin for the
   matrix's column labels under the lowest panels, sized, turned and thinned for one
   panel's columns; the row labels take a band inside the area, see 2.). Its width is the
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
   js/render/panelview.js ``placePanels`` calls it), after a band for the matrix's row
   labels at the left (:func:`screen_row_band`; a grid's own row labels left of it): a
   grid keeps its ``gr x gc``; a wrapped row takes the number of columns whose panels
   have the largest square cell ``min(w / cols, h / rows)``, ties going to fewer rows,
   then to the larger panel (:func:`arrange`); panels :data:`GAP` px apart, each filling
   its slot as on screen (cells may be stretched). Labels of each panel's own
   (:mod:`tokenheat._axis_labels`) take such a band of row labels left of every column
   of panels, and a band of column labels (as high as the margin under the panels)
   under every row of panels but the last; the bands hold the widest label any panel
   has at each row / column.

tests/test_panels_export.py checks this against the JS run in node.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import _axis_labels
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

# js/render/layout.js: margins, the colour bar's column, the automatic height's bounds,
# the column labels' rules
_PAD, _LABEL_GAP, _COL_GAP = 8, 6, 4
_MAX_LABELS, _COL_CAP, _H_LABEL_SPACE = 300, 180, 10
#: Above this many labels the browser measures only those of a thinned full view
#: (``MEASURE_ALL_LABELS`` in js/view/labels.js).
_MEASURE_ALL_LABELS = 5000
_MIN_PLOT_HEIGHT, _MAX_PLOT_HEIGHT = 160, 600
_RANGE_GAP, _CONTROL_WIDTH = 10, 84
_BAR_COLUMN = 16 + 10 + 16 + 4 + 3  # track, funnel, bar, tick mark and its gap


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


def _axis_widths(widget: Heatmap, axis: int) -> tuple[list[int], int]:
    """The width on screen of the widest label at each row (``axis`` 0) / column of any
    panel, whole px (js/view/labels.js ``rowWidth`` while many panels are shown), and the
    widest of all when there are few enough labels to measure them all, else 0
    (``rowLabelMax``)."""
    show = ex.visible_if_blank if widget.show_whitespace else (lambda t: t)
    widths = _axis_labels.widest_labels(widget, axis, lambda t: math.ceil(_screen_width(show(t))))
    every = _axis_labels.label_count(widget, axis) <= _MEASURE_ALL_LABELS
    return widths, max(widths) if every else 0


def _stride(span: float, pitch: float, need: float) -> int:
    """js/render/layout.js ``labelStride``."""
    by_room = math.ceil(need / pitch - 1e-9) if pitch > 0 else math.inf
    return max(1, by_room, math.ceil(span / _MAX_LABELS - 1e-9))


def _indices(start: float, end: float, k: int) -> list[int]:
    """js/render/layout.js ``labelIndices``."""
    first = math.ceil(max(0, math.ceil(start - 0.5)) / k) * k
    return list(range(first, math.floor(end - 0.5) + 1, k))


def screen_row_band(widget: Heatmap, view_width: float) -> int:
    """The band left of the panels that holds the matrix's row labels on screen (a view
    ``view_width`` px wide): the widest label, at most the layout's ``rowCap``, and the
    gap to the panels (js/render/layout.js ``panelRowBand``)."""
    widths, widest_all = _axis_widths(widget, 0)
    rows = len(widths)
    shown = _indices(0, rows, _stride(rows, math.inf, 0))
    widest = max([widest_all] + [widths[i] for i in shown])
    w = max(160, _js_round(view_width))
    cap = min(220, max(40, math.floor(w * 0.28)))
    return math.ceil(min(cap, widest)) + _LABEL_GAP


def _column_margin(
    widths: list[int], widest_all: int, pitch: float, panel_width: float
) -> tuple[float, float]:
    """``(extent, overhang)`` of the column labels of the full matrix under a panel of
    ``panel_width`` px, ``pitch`` px per column: how far they reach below their top and
    left of the panel (js/render/layout.js ``columnAxis`` with no limit on the room, then
    ``columnOverhang``); ``widest_all`` is the widest of all labels, 0 when unknown."""
    lh, cols = SCREEN_LINE, len(widths)

    def widest(idx: list[int], cap: float) -> float:
        return max((min(cap, widths[i]) for i in idx), default=0)

    k = _stride(cols, pitch, 1)
    idx = _indices(0, cols, k)
    w = widest(idx, _COL_CAP)
    for _ in range(4):
        k2 = max(k, _stride(cols, pitch, w + _H_LABEL_SPACE))
        if k2 == k:
            break
        k, idx = k2, _indices(0, cols, k2)
        w = widest(idx, _COL_CAP)
    rotation, extent = 0, lh
    if k > 1:
        # (turned 45 degrees when every column has room for it: the cap, 180 px with no
        # limit on the room, is always over the 2 lines the browser asks)
        if _stride(cols, pitch, (lh + 2) * math.sqrt(2)) == 1:
            idx = _indices(0, cols, 1)
            w = widest(idx, _COL_CAP)
            rotation, extent = 45, math.sqrt(0.5) * (w + lh)
        elif w > 2.5 * lh:
            idx = _indices(0, cols, _stride(cols, pitch, lh + 2))
            w = widest(idx, _COL_CAP)
            rotation, extent = 90, w
    if rotation == 90:
        extent = max(extent, min(_COL_CAP, widest_all))
    over = 0.0
    for i in idx:
        x = (i + 0.5) / cols * panel_width
        c = min(_COL_CAP, widths[i])
        reach = (
            c / 2 if rotation == 0 else math.sqrt(0.5) * c + 0.36 * lh if rotation == 45 else lh / 2
        )
        over = max(over, reach - x)
    return extent, over


def _right_margin(widget: Heatmap) -> int:
    """The view's margin right of the plot: the colour bar's column (computeLayout)."""
    bar_title = SCREEN_LINE + 8 if widget.colorbar_title else 0
    column = _BAR_COLUMN + screen_tick_width(widget) + bar_title
    return _RANGE_GAP + max(column, _CONTROL_WIDTH) + _PAD


def _view_width(widget: Heatmap, plot_width: int) -> int:
    """The view's width: the ``width`` trait, else one whose plot area is ``plot_width``
    (taking the left margin as the least it can be)."""
    return widget.width if widget.width is not None else plot_width + _PAD + _right_margin(widget)


def screen_area(widget: Heatmap, plot_width: int = 600) -> tuple[int, int]:
    """``(width, height)`` of the plot area, CSS px, that the widget's view gives its panels
    (js/render/layout.js ``computeLayout`` while several panels are shown: the column
    labels under the panels, the row labels in a band inside the area).

    Width: with the ``width`` trait, the view's width less its margins; else
    ``plot_width``. Height: with the ``height`` trait, the view's height less its margins;
    else ``rows / cols`` of one panel times the width, from 160 to 600 px (the cap in a
    window :data:`WINDOW_HEIGHT` px tall).

    >>> import numpy as np
    >>> from tokenheat import Heatmap
    >>> screen_area(Heatmap(np.zeros((3, 10, 100)))), screen_area(Heatmap(np.zeros((3, 100, 10))))
    ((600, 160), (600, 600))
    >>> screen_area(Heatmap(np.zeros((3, 10, 100)), width=900, height=150))
    (790, 63)
    """
    return _screen(widget, plot_width)[:2]


def _screen(widget: Heatmap, plot_width: int) -> tuple[int, int, int]:
    """:func:`screen_area`, and the room the column labels take under a panel (the
    bottom margin less its padding: js/render/layout.js ``colBand``), which labels of each
    panel's own take under every row of panels."""
    rows, cols = widget.shape
    lh = SCREEN_LINE
    if widget.title:
        top = _PAD + SCREEN_TITLE + max(8, math.ceil(lh / 2) + 2) + TOOLBAR_ROW
    else:
        top = _PAD + math.ceil(lh / 2) + TOOLBAR_ROW
    right = _right_margin(widget)
    total_w = None if widget.width is None else max(160, widget.width)
    band = screen_row_band(widget, _view_width(widget, plot_width))
    label_width = screen_label_width(widget)
    col_widths, col_widest = _axis_widths(widget, 1)
    left, bottom = _PAD + _LABEL_GAP, _PAD + _COL_GAP + lh
    for it in range(8):  # computeLayout's margins settle within its 8 passes
        plot_w = plot_width if total_w is None else max(16, total_w - left - right)
        if widget.height is not None:
            plot_h = max(16, widget.height - top - bottom)
        else:
            cap = min(_MAX_PLOT_HEIGHT, max(0.85 * WINDOW_HEIGHT, 360) - top - bottom)
            plot_h = _js_round(max(_MIN_PLOT_HEIGHT, min(cap, plot_w * rows / cols)))
        # the margins are sized for one panel (its column labels under it)
        pw, ph, offset = _panel_box(widget, plot_w, plot_h, label_width, band, bottom - _PAD)
        pw, ph = max(1, pw), max(1, ph)  # (panels that do not fit: 1 px, as computeLayout)
        extent, over = _column_margin(col_widths, col_widest, pw / cols, pw)
        # the lowest row's label may hang into the column labels' band
        col_gap = _COL_GAP + max(0, math.ceil(lh / 2 - ph / rows / 2))
        new_left = math.ceil(_PAD + max(0, over - offset))
        new_bottom = math.ceil(_PAD + col_gap + extent)
        if it >= 2:
            new_left, new_bottom = max(left, new_left), max(bottom, new_bottom)
        if (new_left, new_bottom) == (left, bottom) or it == 7:
            break
        left, bottom = new_left, new_bottom
    return plot_w, plot_h, bottom - _PAD


def _fit(length: int, n: int, base: int, lead: int, gap: int) -> int:
    """Panel size along an axis (js/render/panels.js ``fitAxis``)."""
    free = length - base - n * lead
    return free if n == 1 else (free - (n - 1) * gap) // n


def arrange(
    count: int,
    rows: int,
    cols: int,
    width: int,
    height: int,
    gap: int = GAP,
    base: int = 0,
    each: int = 0,
    foot: int = 0,
) -> tuple[int, int]:
    """``(nr, nc)`` of a wrapped row of ``count`` panels of ``rows`` x ``cols`` cells in a
    ``width`` x ``height`` area whose first ``base`` px are the row labels' band, by the
    front end's rule (js/render/panels.js ``arrange``); ``each`` px more left of every
    column and ``foot`` px under every row of panels but the last (labels of each
    panel's own).

    >>> arrange(2, 10, 10, 600, 600), arrange(16, 10, 10, 600, 600), arrange(3, 100, 5, 600, 600)
    ((1, 2), (4, 4), (1, 3))
    >>> arrange(3, 10, 100, 600, 160), arrange(3, 10, 100, 790, 64)
    ((3, 1), (1, 3))
    """
    best, best_key = (1, count), None
    for nc in range(1, count + 1):
        nr = -(-count // nc)
        w = _fit(width, nc, base, each, gap)
        h = _fit(height, nr, 0, TITLE_HEIGHT, gap + foot)
        ok = w >= 1 and h >= 1
        key = (ok, min(w / cols, h / rows), -nr, w * h)
        if best_key is None or key > best_key:
            best, best_key = (nr, nc), key
    return best


def place(
    widget: Heatmap, width: int, height: int, label_width: int, band: int = 0, foot: int = 0
) -> tuple[int, int, int, int, int]:
    """``(nr, nc, panel width, panel height, gap)`` of all panels in a ``width`` x
    ``height`` area whose left ``label_width`` (a grid's labels) and then ``band`` px (the
    matrix's row labels) are kept for labels (js/render/panels.js ``panelLayout``): with
    no room for every panel at 1 px the gap becomes 0; the export then keeps panels of
    1 px (the screen draws none). With labels of each panel's own, the ``band`` is left
    of every column of panels, and ``foot`` px (the column labels' room) under every row
    of panels but the last.
    """
    nr, nc, w, h, gap = _place(widget, width, height, label_width, band, foot)
    return nr, nc, max(1, w), max(1, h), gap


def _bands(widget: Heatmap, label_width: int, band: int, foot: int) -> tuple[int, int, int]:
    """``(base, each, foot)``: px left of the first column of panels, more left of every
    column, and under every row of panels but the last (js/render/panels.js ``Bands``)."""
    each = band if _axis_labels.per_panel(widget.row_labels) else 0
    base = (label_width if len(widget.panel_layout) == 2 else 0) + band - each
    return base, each, foot if _axis_labels.per_panel(widget.column_labels) else 0


def _place(
    widget: Heatmap, width: int, height: int, label_width: int, band: int, foot: int = 0
) -> tuple[int, int, int, int, int]:
    """:func:`place` before panels too small to draw are given 1 px."""
    layout = widget.panel_layout
    rows, cols = widget.shape
    base, each, foot = _bands(widget, label_width, band, foot)
    for gap in (GAP, 0):
        if len(layout) == 2:
            nr, nc = layout
            w = _fit(width, nc, base, each, gap)
            h = _fit(height, nr, TITLE_HEIGHT, 0, gap + foot)
        else:
            nr, nc = arrange(math.prod(layout), rows, cols, width, height, gap, base, each, foot)
            w = _fit(width, nc, base, each, gap)
            h = _fit(height, nr, 0, TITLE_HEIGHT, gap + foot)
        if w >= 1 and h >= 1:
            break
    return nr, nc, w, h, gap


def _panel_box(
    widget: Heatmap, width: int, height: int, label_width: int, band: int, foot: int = 0
) -> tuple[int, int, int]:
    """``(panel width, panel height, left)`` as js/view/arrange.js ``panelBox`` gives them
    to the layout: 0 x 0 when the panels do not fit; ``left`` the first column's offset."""
    _, _, w, h, _ = _place(widget, width, height, label_width, band, foot)
    left = (label_width if len(widget.panel_layout) == 2 else 0) + band
    return (w, h, left) if w >= 1 and h >= 1 else (0, 0, left)
