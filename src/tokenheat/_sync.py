"""The state derived from the matrix for the front end (docs/architecture.md): the
private traits that carry a validated stack to the browser, the tiles of a big matrix,
and the rules by which labels, panel titles, the view and the default colour range
follow new data.

:class:`tokenheat.Heatmap`'s observers call these and assign what they return; nothing
here reads or sets a widget.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _axis_labels, _blocks, _data, _lazy_stack, _panel_settings, _settings, _tiles
from ._panels import Stack
from ._source_levels import SourceLevels

#: The colour-range traits, in the order of :func:`tokenheat._settings.auto_range`.
SIDES = ("vmin", "vmax")


def panel_cells(panels: int) -> int:
    """Most cells per panel in an overview or a tile of ``panels`` panels, so that all
    of them together stay within ``TILE_CELLS``."""
    return max(1, _data.TILE_CELLS // panels)


def per_panel(
    matrix: Stack,
    fr: int,
    fc: int,
    window: tuple[int, int, int, int] | None = None,
    normalize: str | None = None,
) -> np.ndarray:
    """Each panel of the stack reduced by ``fr`` x ``fc`` blocks on its own
    (:func:`tokenheat._blocks.reduce_blocks`; no block mixes panels), ``(P, h, w)``:
    of the values drawn, so normalised first when ``normalize`` is set (a block's
    strongest normalised value is not its strongest value divided by one divisor, as
    rows or columns in one block have different divisors). One panel is normalised at
    a time, in float32 as the browser does (:mod:`tokenheat._normalize`)."""
    divisors = None if normalize is None else matrix.divisors(normalize)
    out = []
    for p, panel in enumerate(matrix.f32):
        if divisors is not None:
            with np.errstate(under="ignore"):
                panel = np.divide(panel, divisors[p], dtype=np.float32)
        out.append(_blocks.reduce_blocks(panel, fr, fc, window))
    return np.stack(out)


def matrix_state(matrix: Stack, normalize: str | None = None) -> dict[str, Any]:
    """The private traits that carry ``matrix`` to the browser, by name.

    Its shape and panel layout; the values to draw: the float32 stack, or for a big
    matrix (more than ``SEND_CELLS``) an overview in blocks, one block size for all
    panels, each panel reduced on its own (the window on screen follows as tiles,
    :func:`tile`), of the values drawn (normalised with ``normalize``: the browser
    cannot normalise blocks); every normalisation mode's divisors and range, so the
    browser switches modes by itself for a matrix sent whole. ``_exact`` is emptied:
    the float64 originals follow when the browser asks, after its first paint (the
    cells need not wait for them).
    """
    panels, rows, cols = matrix.f32.shape
    state: dict[str, Any] = {
        "_shape": [rows, cols],
        "_panels": list(matrix.layout),
        "_panel_shapes": [list(s) for s in matrix.shapes] if matrix.padded else [],
    }
    state["_tile_blocks"], state["_tile_side"] = [], 0
    if _lazy_stack.is_lazy(matrix.f32):  # a pyramid: its finest level within TILE_CELLS
        overview, block = matrix.f32.overview()  # type: ignore[attr-defined]
        state["_values"] = memoryview(overview).cast("B")
        state["_block"] = list(block)
        state["_tile_blocks"] = [list(f) for f in matrix.f32.lazy.pyramid.factors]  # type: ignore[attr-defined]
        state["_tile_side"] = _tiles.tile_side(panels)  # fixed tiles of its levels
    elif matrix.f32.size > _data.SEND_CELLS:
        block = _blocks.block_factors((rows, cols), panel_cells(panels))
        state["_values"] = memoryview(per_panel(matrix, *block, None, normalize)).cast("B")
        state["_block"] = list(block)
    else:
        state["_values"] = memoryview(matrix.f32).cast("B")
        state["_block"] = [1, 1]
    state.update(reading_state(matrix))
    state["_exact"] = b""
    state["_exact_available"] = matrix.approximate
    state["_norms"] = memoryview(matrix.norms).cast("B")
    state["_norm_ranges"] = norm_ranges(matrix)
    return state


def norm_ranges(matrix: Stack) -> dict[str, list[float] | None]:
    """``_norm_ranges``: the range drawn in each normalisation mode, by name."""
    return {
        "none" if mode is None else mode: None if r is None else list(r)
        for mode, r in matrix.ranges.items()
    }


def reading(matrix: Stack | None) -> SourceLevels | None:
    """The levels of a source read in the background that ``matrix`` is drawn from."""
    if matrix is None or not _lazy_stack.is_lazy(matrix.f32):
        return None
    return matrix.f32.reading  # type: ignore[attr-defined]


def reading_state(matrix: Stack) -> dict[str, Any]:
    """``_rows_read`` (-1 when every row is read, or nothing is read in the background)
    and ``_read_error`` (why the pass stopped, or "")."""
    levels = reading(matrix)
    if levels is None:
        return {"_rows_read": -1, "_read_error": ""}
    error = levels.error
    return {
        "_rows_read": -1 if levels.done else levels.rows_read,
        "_read_error": "" if error is None else f"{type(error).__name__}: {error}",
    }


def data_range(matrix: Stack, normalize: str | None) -> list[float] | None:
    """``_data_range``: the range drawn, of the values or of the normalised values."""
    drawn = matrix.ranges[normalize]
    return None if drawn is None else list(drawn)


def tile(
    matrix: Stack,
    window: list[int],
    block: list[int],
    request: str,
    normalize: str | None = None,
) -> tuple[dict[str, Any], np.ndarray]:
    """The reply to a view's request for the window it shows of a big matrix: the values
    drawn (normalised with ``normalize``) of ``window`` (``[r0, r1, c0, c1]``) in blocks
    of at least ``block`` (grown to fit ``TILE_CELLS``), the same window of every panel
    in one message, panel-major."""
    panels = matrix.f32.shape[0]
    r0, r1, c0, c1 = window
    fr, fc = _blocks.block_factors((r1 - r0, c1 - c0), panel_cells(panels), tuple(block))
    values = per_panel(matrix, fr, fc, (r0, r1, c0, c1), normalize)
    reply: dict[str, Any] = {
        "type": "tile",
        "id": request,
        "window": [r0, r1, c0, c1],
        "block": [fr, fc],
        "shape": list(values.shape[1:]),
    }
    if matrix.layout:
        reply["panels"] = panels
    return reply, values


# ------------------------------------------------------------ what follows new data
def labels_follow(matrix: Stack | None, axis: int, labels: list[str]) -> bool:
    """Whether labels are unset or the defaults of ``matrix`` (so they follow the data)."""
    if not labels:
        return True
    if matrix is None:
        return False
    names = matrix.row_names if axis == 0 else matrix.col_names
    return labels == names or labels == _settings.default_labels(matrix.f32.shape[1 + axis])


def new_labels(old: Stack | None, matrix: Stack, axis: int, labels: list[Any]) -> list[Any] | None:
    """The row (``axis`` 0) or column labels for ``matrix`` when ``labels`` follow the
    data (:func:`labels_follow` of the ``old`` matrix): the ones ``matrix`` carries (a
    DataFrame's) or the indices; None when they were given and stay. Labels of each
    panel's own given at the padded length of a panel that ``matrix`` pads are cut to its
    own (:func:`tokenheat._axis_labels.fit_axis_labels`: padding has no labels)."""
    if _axis_labels.per_panel(labels):
        kept = _axis_labels.fit_axis_labels(_axis_labels.NAMES[axis], labels, matrix)
        return None if kept == labels else kept
    if not labels_follow(old, axis, labels):
        return None
    names = matrix.row_names if axis == 0 else matrix.col_names
    return names if names is not None else _settings.default_labels(matrix.f32.shape[1 + axis])


def panel_labels_follow(matrix: Stack | None, labels: Any) -> bool:
    """Whether panel titles are unset or the defaults of ``matrix``: the titles it carries
    (an xarray DataArray's), or the numbers of its layout."""
    if not labels:
        return True
    if matrix is None:
        return False
    carried = [] if matrix.panel_names is None else [matrix.panel_names]
    return any(
        labels == _panel_settings.coerce_panel_labels(names, matrix.layout)
        for names in [None, *carried]
    )


def reshaped(old: Stack | None, matrix: Stack) -> bool:
    """Whether ``matrix`` has another ``(rows, cols)`` than ``old`` (which resets the
    view and the selection)."""
    return old is None or old.f32.shape[1:] != matrix.f32.shape[1:]


def new_layout(old: Stack | None, matrix: Stack) -> bool:
    """Whether ``matrix`` has another panel layout than ``old`` (which resets the
    selection, the focus and default panel titles)."""
    return old is None or old.layout != matrix.layout


def followed_range(
    previous: tuple[float, float], auto: tuple[float, float], limits: tuple[float, float]
) -> tuple[float, float] | None:
    """The colour range after the default moved from ``previous`` to ``auto``: each end
    of ``limits`` (``(vmin, vmax)``) that sat at its default moves to the new default,
    the others stay. None when nothing changes or the range would be empty.

    Examples
    --------
    >>> followed_range((-1.0, 1.0), (-2.0, 2.0), (-1.0, 0.5))
    (-2.0, 0.5)
    >>> followed_range((-1.0, 1.0), (-2.0, 2.0), (0.0, 0.5)) is None
    True
    """
    new = tuple(auto[i] if limits[i] == previous[i] else limits[i] for i in range(2))
    if new != tuple(limits) and new[0] < new[1]:
        return new  # type: ignore[return-value]
    return None
