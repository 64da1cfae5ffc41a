"""The panel settings, validated against a panel layout (:mod:`tokenheat._panels`):
the panels' titles (``panel_labels``), the panel shown alone (``focus``) and the
selection's panel, row and column. Errors name the setting, what was given and what was
expected.

A layout is ``()`` for a single heatmap, ``(P,)`` for a row of ``P`` panels, ``(gr, gc)``
for a grid; panel ``(i, j)`` of a grid is ``p = i * gc + j``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from numbers import Integral

from . import _settings


def coerce_panel_labels(
    labels: object, layout: tuple[int, ...], *, name: str = "panel_labels"
) -> list[str] | tuple[list[str], list[str]]:
    """Validate the panels' titles: one per panel for a row of panels, a pair
    ``(grid_row_labels, grid_col_labels)`` for a grid, none for a single heatmap.

    ``None`` gives the panel numbers. Numbers are shown as their ``str`` (as for
    :func:`tokenheat._settings.coerce_labels`).

    Examples
    --------
    >>> coerce_panel_labels(None, (3,))
    ['0', '1', '2']
    >>> coerce_panel_labels((["L0", "L1"], range(3)), (2, 3))
    (['L0', 'L1'], ['0', '1', '2'])
    >>> coerce_panel_labels(["a"], (2,))
    Traceback (most recent call last):
    ...
    ValueError: panel_labels has 1 entries but values has 2 panels
    """
    if layout == ():
        with contextlib.suppress(TypeError):  # unsized: refused below
            if labels is None or len(labels) == 0:  # type: ignore[arg-type]
                return []
        raise ValueError(
            f"{name} must be None for a single heatmap (values is 2-D), got {labels!r:.60}"
        )
    if len(layout) == 1:
        if labels is None:
            return _settings.default_labels(layout[0])
        return _settings.coerce_labels(labels, layout[0], name=name, axis="panel")
    gr, gc = layout
    if labels is None:
        return _settings.default_labels(gr), _settings.default_labels(gc)
    expected = (
        f"{name} for a {gr}x{gc} grid of panels must be a pair (grid_row_labels, "
        f"grid_col_labels) of {gr} and {gc} strings"
    )
    if hasattr(labels, "tolist"):
        labels = labels.tolist()
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
        raise TypeError(f"{expected}, got {type(labels).__name__} {labels!r:.60}")
    if len(labels) != 2 or any(isinstance(v, (str, bytes)) for v in labels):
        raise ValueError(f"{expected}, got {labels!r:.60}")
    return (
        _settings.coerce_labels(labels[0], gr, name=f"{name}[0]", axis="grid row"),
        _settings.coerce_labels(labels[1], gc, name=f"{name}[1]", axis="grid column"),
    )


def _index(value: object, n: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{what} must be an integer in 0..{n - 1}, got {value!r:.40}")
    if not 0 <= value < n:
        raise ValueError(f"{what} must be in 0..{n - 1}, got {value}")
    return int(value)


def coerce_panel_index(
    value: object, layout: tuple[int, ...], *, name: str
) -> int | tuple[int, int]:
    """A panel's place: an int in ``0..P-1`` for a row of panels, a pair ``(i, j)``
    (list or tuple; returned as a tuple) for a grid. Not for a single heatmap."""
    if layout == ():
        raise ValueError(
            f"{name} must be None for a single heatmap (values is 2-D): there are no panels, "
            f"got {value!r:.40}"
        )
    if len(layout) == 1:
        return _index(value, layout[0], f"{name} (a panel of {layout[0]})")
    gr, gc = layout
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        kind = TypeError if not isinstance(value, (list, tuple)) else ValueError
        raise kind(
            f"{name} must be a pair (grid_row, grid_col) with grid_row in 0..{gr - 1} and "
            f"grid_col in 0..{gc - 1}, got {value!r:.40}"
        )
    return (
        _index(value[0], gr, f"{name}[0] (grid row)"),
        _index(value[1], gc, f"{name}[1] (grid column)"),
    )


def coerce_focus(
    focus: object, layout: tuple[int, ...], *, name: str = "focus"
) -> int | tuple[int, int] | None:
    """The panel shown alone (None: all of them).

    Examples
    --------
    >>> coerce_focus([1, 2], (2, 3))
    (1, 2)
    >>> coerce_focus(4, (4,))
    Traceback (most recent call last):
    ...
    ValueError: focus (a panel of 4) must be in 0..3, got 4
    """
    return None if focus is None else coerce_panel_index(focus, layout, name=name)


def coerce_selection(
    sel: object, layout: tuple[int, ...], rows: int, cols: int, *, name: str = "selection"
) -> dict[str, int | tuple[int, int]] | None:
    """None, or a dict with ``"row"`` and/or ``"col"`` (in the stack's padded ``rows`` x
    ``cols``) and, when there are panels, ``"panel"`` (:func:`coerce_panel_index`: an
    int, or a tuple for a grid). ``"panel"`` is refused for a single heatmap, required
    for more than one panel, and filled in (0 or ``(0, 0)``) when there is one.

    Examples
    --------
    >>> coerce_selection({"col": 2, "panel": [0, 1], "row": 1}, (2, 2), 3, 4)
    {'panel': (0, 1), 'row': 1, 'col': 2}
    >>> coerce_selection({"row": 0}, (), 3, 4)
    {'row': 0}
    """
    if sel is None:
        return None
    keys_text = '{"row": i, "col": j}, {"row": i} or {"col": j}'
    panel = ' with "panel": p' if len(layout) == 1 else ' with "panel": (i, j)'
    expected = f"{name} must be None, {keys_text}" + (panel if layout else "")
    if not isinstance(sel, Mapping):
        raise TypeError(f"{expected}, got {type(sel).__name__} {sel!r:.60}")
    keys = set(sel)
    allowed = {"row", "col", "panel"} if layout else {"row", "col"}
    if not keys & {"row", "col"} or keys - allowed:
        raise ValueError(f"{expected}, got keys {sorted(map(str, keys))}")
    out: dict[str, int | tuple[int, int]] = {}
    if layout:
        if "panel" in sel:
            out["panel"] = coerce_panel_index(sel["panel"], layout, name=f"{name}['panel']")
        elif math.prod(layout) == 1:
            out["panel"] = 0 if len(layout) == 1 else (0, 0)
        else:
            raise ValueError(
                f'{expected}: "panel" is needed when there are {math.prod(layout)} panels, '
                f"got keys {sorted(map(str, keys))}"
            )
    for key, n in (("row", rows), ("col", cols)):
        if key in sel:
            out[key] = _index(sel[key], n, f"{name}[{key!r}]")
    return out
