"""Which panel an export draws and the values it colours: the focused panel (or all),
its title, its labels, and its values as drawn (normalised when that is set)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ._axis_labels import NAMES, axis_label, per_panel
from ._export_text import label_text, text_width

if TYPE_CHECKING:
    from .widget import Heatmap


def panel_title(widget: Heatmap, p: int) -> str:
    """The title of panel ``p`` (panel-major): its label in a row of panels,
    "row label · column label" in a grid; "" for a single heatmap."""
    labels = widget.panel_labels
    layout = widget.panel_layout
    if not layout:
        return ""
    if len(layout) == 1:
        return labels[p]
    i, j = divmod(p, layout[1])
    return f"{labels[0][i]} \u00b7 {labels[1][j]}"


def focused(widget: Heatmap) -> int:
    """The panel drawn alone: the focused one, or 0 (a single heatmap)."""
    focus = widget.focus
    if focus is None:
        return 0
    return focus if isinstance(focus, int) else focus[0] * widget.panel_layout[1] + focus[1]


def is_grid(widget: Heatmap) -> bool:
    """Whether the export shows several panels (panels, none focused)."""
    return bool(widget.panel_layout) and widget.focus is None


def figure_title(widget: Heatmap) -> str:
    """The title drawn: the widget's, and the focused panel's title after it."""
    if widget.focus is None:
        return widget.title
    label = panel_title(widget, focused(widget))
    return f"{widget.title} \u2014 {label}" if widget.title else label


def drawn_block(widget: Heatmap, p: int, rows: slice, cols: slice) -> np.ndarray:
    """Panel ``p``'s values whose colours are shown, in ``rows`` x ``cols``: the values
    (as :attr:`~tokenheat.Heatmap.values` holds them), or the normalised float32 ones."""
    values = widget.values
    if widget.normalize is None and isinstance(values, np.ndarray):  # (a pyramid: float32)
        panel = values if values.ndim == 2 else values.reshape(-1, *widget.shape)[p]
        return panel[rows, cols]
    return drawn_f32(widget, p, rows, cols)


def drawn_f32(widget: Heatmap, p: int, rows: slice, cols: slice) -> np.ndarray:
    """Panel ``p``'s float32 values drawn in ``rows`` x ``cols`` (normalised, if set)."""
    f32 = widget._matrix.f32  # type: ignore[union-attr]
    block = f32[p, rows, cols]
    if widget.normalize is None:
        return block
    d = widget._matrix.divisors(widget.normalize)[p]  # type: ignore[union-attr]
    # (R, 1), (1, C) or (1, 1): the window's part
    d = d[rows if d.shape[0] > 1 else slice(None), cols if d.shape[1] > 1 else slice(None)]
    with np.errstate(under="ignore"):
        return np.divide(block, d, dtype=np.float32)


def token(widget: Heatmap, p: int, i: int, j: int) -> str:
    """The token text of cell ``(i, j)`` of panel ``p`` ("" for none)."""
    tokens = widget.tokens
    if tokens is None:
        return ""
    return (tokens[i, j] if tokens.ndim == 2 else tokens.reshape(-1, *widget.shape)[p, i, j]) or ""


def axis_label_text(widget: Heatmap, axis: int, p: int, i: int) -> str | None:
    """The label of row (``axis`` 0) or column ``i`` beside / under panel ``p``, as
    drawn; None when that panel has none there (its own labels end before ``i``)."""
    text = axis_label(widget, axis, p, i)
    return None if text is None else label_text(text, widget.show_whitespace)


def widest_axis_label(
    widget: Heatmap, axis: int, indices: Iterable[int], p: int | None = None
) -> float:
    """The widest drawn label at ``indices`` (export font): of panel ``p``, or (None) of
    any panel's; 0 when there is none."""
    if not per_panel(getattr(widget, NAMES[axis])):
        panels: Iterable[int] = [0]  # (shared: the same text beside every panel)
    else:
        panels = range(math.prod(widget.panel_layout)) if p is None else [p]
    widths = (
        text_width(t)
        for i in indices
        for q in panels
        if (t := axis_label_text(widget, axis, q, i)) is not None
    )
    return max(widths, default=0)
