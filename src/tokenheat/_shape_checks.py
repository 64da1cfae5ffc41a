"""Whether the settings that depend on the matrix's shape fit it: row and column labels
(shared, or each panel's own: :mod:`tokenheat._axis_labels`), tokens and panel titles,
checked when either side changes. The errors say how to change both at once
(``w.update(values=..., ...)``).

Labels and panel titles that follow the data (:func:`tokenheat._sync.labels_follow`)
always fit: new values replace them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _axis_labels, _panel_settings, _sync
from ._panels import Stack


def _update_hint(name: str) -> str:
    return f"; to change both, pass them together: w.update(values=..., {name}=...)"


def check_labels(name: str, labels: list[Any], stack: Stack) -> list[Any]:
    """Row (``name`` "row_labels") or column labels set for the matrix ``stack``: one
    per row / column, or one list per panel (:func:`tokenheat._axis_labels.fit_axis_labels`);
    returns them as kept (each panel's own cut to its own length)."""
    return _axis_labels.fit_axis_labels(name, labels, stack, _update_hint(name))


def check_tokens(stack: Stack, tokens: np.ndarray | None) -> None:
    """Tokens must be ``(rows, cols)`` (the same in every panel) or the shape of values."""
    _, rows, cols = stack.f32.shape
    if tokens is None or tokens.shape in ((rows, cols), stack.array.shape):
        return
    if not stack.layout:
        raise ValueError(
            f"values has shape {(rows, cols)} but tokens has shape {tokens.shape}; "
            "to change both, pass them together: w.update(values=..., tokens=...)"
        )
    raise ValueError(
        f"values has {stack.panels} panels of {rows} x {cols} but tokens has shape "
        f"{tokens.shape}: tokens must have shape {(rows, cols)} (the same text in every "
        f"panel) or {stack.array.shape} (the shape of values); to change both, pass "
        "them together: w.update(values=..., tokens=...)"
    )


def check_new_values(
    stack: Stack,
    old: Stack | None,
    row_labels: list[Any],
    column_labels: list[Any],
    tokens: np.ndarray | None,
) -> None:
    """New values ``stack`` (replacing ``old``) against the labels and tokens set."""
    for axis, labels in enumerate((row_labels, column_labels)):
        try:
            check_labels(_axis_labels.NAMES[axis], labels, stack)
        except ValueError:
            if not _sync.labels_follow(old, axis, labels):
                raise
    check_tokens(stack, tokens)


def check_new_layout(stack: Stack, old: Stack | None, panel_labels: Any) -> None:
    """New values ``stack`` (replacing ``old``) against the panel titles set."""
    if _sync.panel_labels_follow(old, panel_labels):
        return
    try:
        _panel_settings.coerce_panel_labels(panel_labels, stack.layout)
    except (TypeError, ValueError):
        kind = "is 2-D" if not stack.layout else f"has panel layout {stack.layout}"
        raise ValueError(
            f"values {kind} but panel_labels is {panel_labels!r:.80}; to change both, pass "
            "them together: w.update(values=..., panel_labels=...) (None for the "
            "panel numbers)"
        ) from None
