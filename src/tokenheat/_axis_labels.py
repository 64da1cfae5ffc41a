"""The matrix's row and column labels: one list shared by every panel, or one list per
panel (``row_labels=[["the", "cat"], ["a", "big", "dog"]]``), each as long as that
panel's own rows / columns. Checked in two steps, as the other settings: the form and the
text when the labels are set (:func:`coerce_axis_labels`), the counts against the matrix
(:func:`fit_axis_labels`, called by :mod:`tokenheat._shape_checks`); and read back for the
exports (:func:`axis_label`).

Labels of each panel's own need several panels, in a row (3-D values or a list of 2-D
arrays) or in a grid (4-D values; one list per panel in panel order, ``p = grid_row *
grid_cols + grid_col``). A panel padded to the stack's shape may be given its own number
of labels or the padded one; the labels of padding are dropped (padding has none), so the
value kept is each panel's own length.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _settings

if TYPE_CHECKING:
    from ._panels import Stack
    from .widget import Heatmap

#: The trait names by axis (0: rows, 1: columns).
NAMES = ("row_labels", "column_labels")
_KINDS = ("row", "column")


def _is_list(item: object) -> bool:
    """Whether a label list's item is itself a list (of one panel's labels)."""
    if isinstance(item, (str, bytes, Real, np.generic)):
        return False
    return isinstance(item, Sequence) or (hasattr(item, "tolist") and hasattr(item, "__len__"))


def per_panel(labels: Any) -> bool:
    """Whether validated labels are one list per panel (not one shared list)."""
    return bool(labels) and isinstance(labels[0], list)


def coerce_axis_labels(labels: object, *, name: str, axis: str) -> list[str] | list[list[str]]:
    """Validate labels set for an axis (``axis`` "row" or "column"): a sequence of str
    (numbers shown as their ``str``) shared by every panel, or a sequence of such
    sequences, one per panel. Their counts are checked against the matrix apart.

    Examples
    --------
    >>> coerce_axis_labels(["a", 1], name="row_labels", axis="row")
    ['a', '1']
    >>> coerce_axis_labels([["a", "b"], ("c",)], name="row_labels", axis="row")
    [['a', 'b'], ['c']]
    >>> coerce_axis_labels([["a"], "b"], name="row_labels", axis="row")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: row_labels must be one str per row (shared by every panel) or one ...
    """
    if hasattr(labels, "tolist") and not isinstance(labels, (str, bytes)):
        labels = labels.tolist()  # numpy arrays (2-D: one row per panel), pandas Index
    # (the first item tells the form: a shared list may be millions of labels long)
    if (
        not isinstance(labels, Sequence)
        or isinstance(labels, (str, bytes))
        or not labels
        or not _is_list(labels[0])
    ):
        return _settings.coerce_labels(labels, None, name=name, axis=axis)
    lists = [_is_list(item) for item in labels]
    if not all(lists):
        a, b = 0, lists.index(False)
        raise TypeError(
            f"{name} must be one str per {axis} (shared by every panel) or one sequence of "
            f"str per panel, got a mix: {name}[{a}] is a {type(labels[a]).__name__} and "
            f"{name}[{b}] a {type(labels[b]).__name__}"
        )
    return [
        _settings.coerce_labels(item, None, name=f"{name}[{p}]", axis=axis)
        for p, item in enumerate(labels)
    ]


def _panel_name(layout: tuple[int, ...], p: int) -> str:
    if len(layout) == 2:
        i, j = divmod(p, layout[1])
        return f"panel {p} (grid row {i}, grid column {j})"
    return f"panel {p}"


def fit_axis_labels(
    name: str, labels: list[Any], stack: Stack, hint: str = ""
) -> list[str] | list[list[str]]:
    """Labels of ``name`` (``row_labels`` / ``column_labels``) checked against the matrix
    ``stack``: shared ones must be one per row / column (of the padded stack); one list
    per panel needs several panels, one list for each, each with the panel's own number
    of labels or the padded one. Returns them as kept: each panel's list cut to its own
    length. ``hint`` ends each error (how to change both at once).

    >>> from tokenheat._panels import coerce_stack
    >>> s = coerce_stack([np.zeros((2, 3)), np.zeros((3, 3))])
    >>> fit_axis_labels("row_labels", [["a", "b", "-"], ["c", "d", "e"]], s)
    [['a', 'b'], ['c', 'd', 'e']]
    >>> fit_axis_labels("row_labels", [["a"], ["c", "d", "e"]], s)
    Traceback (most recent call last):
    ...
    ValueError: row_labels[0] has 1 labels but panel 0 of values has 2 rows (3 with padding)
    """
    axis = NAMES.index(name)
    kind = _KINDS[axis]
    n = stack.f32.shape[1 + axis]
    if not per_panel(labels):
        if len(labels) != n:
            raise ValueError(f"values has {n} {kind}s but {name} has {len(labels)} entries{hint}")
        return labels
    layout = stack.layout
    if not layout:
        raise ValueError(
            f"{name} has one list of labels per panel, but values is 2-D (one matrix): labels "
            f"of each panel's own need several panels (3-D or 4-D values, or a list of 2-D "
            f"arrays); pass one str per {kind}{hint}"
        )
    panels = stack.panels
    if len(labels) != panels:
        order = (
            f" (a {layout[0]}x{layout[1]} grid: one list per panel, in panel order "
            f"p = grid_row * {layout[1]} + grid_col)"
            if len(layout) == 2
            else ""
        )
        raise ValueError(
            f"{name} has {len(labels)} lists (one per panel) but values has {panels} "
            f"panels{order}{hint}"
        )
    out = []
    for p, own_labels in enumerate(labels):
        own = stack.shapes[p][axis]
        if len(own_labels) not in (own, n):
            padded = f" ({n} with padding)" if own != n else ""
            raise ValueError(
                f"{name}[{p}] has {len(own_labels)} labels but {_panel_name(layout, p)} of "
                f"values has {own} {kind}s{padded}{hint}"
            )
        out.append(own_labels[:own])
    return out


def axis_label(widget: Heatmap, axis: int, p: int, i: int) -> str | None:
    """The label of row (``axis`` 0) or column ``i`` of panel ``p``: the shared one, or
    the panel's own; None when the panel's own labels end before ``i`` (padding)."""
    labels = getattr(widget, NAMES[axis])
    if not per_panel(labels):
        return labels[i]
    own = labels[p]
    return own[i] if i < len(own) else None


def widest_labels(widget: Heatmap, axis: int, width: Any) -> list[float]:
    """For each row / column index, the widest label any panel has there (``width`` of
    its text; 0 where none has one): what the one set of bands around the panels must
    hold."""
    labels = getattr(widget, NAMES[axis])
    if not per_panel(labels):
        return [width(t) for t in labels]
    out = [0.0] * widget.shape[axis]
    for own in labels:
        for i, text in enumerate(own):
            out[i] = max(out[i], width(text))
    return out


def label_count(widget: Heatmap, axis: int) -> int:
    """How many labels of an axis there are in all (one per row / column, or the sum of
    every panel's own)."""
    labels = getattr(widget, NAMES[axis])
    return sum(len(own) for own in labels) if per_panel(labels) else len(labels)


def label_centre(i: int, start: float, end: float, size: float) -> float:
    """Where label ``i`` goes along a box of ``size`` px showing cells ``start`` to
    ``end``: the middle of the part of its cell in view, so that the label of a cell cut
    by the box's edge stays by the box (``labelCenter`` in ``js/render/layout.js``)."""
    lo, hi = max(i, start), min(i + 1, end)
    return ((lo + hi) / 2 - start) / (end - start) * size
