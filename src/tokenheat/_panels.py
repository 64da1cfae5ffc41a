"""Many matrices ("panels") in one Heatmap, as small multiples: validated once into a
stack the widget trusts. Array-likes are read by :mod:`tokenheat._array_input`; the
panels' titles, the focused panel and the selection are checked against the stack's
layout in :mod:`tokenheat._panel_settings`.

The panel model
---------------
Every input becomes a float32 stack of shape ``(P, R, C)`` and a ``layout``:

- ``()``: a single heatmap (a 2-D input, ``P = 1``);
- ``(P,)``: a row of ``P`` panels, wrapped when drawn (a 3-D input ``(panels, rows,
  cols)``, or a list of 2-D arrays, which may differ in shape);
- ``(gr, gc)``: a grid, e.g. layers x heads (a 4-D input ``(grid_rows, grid_cols, rows,
  cols)``), ``P = gr * gc``.

Panels are stored panel-major: the panel in grid row ``i`` and grid column ``j`` is
``p = i * gc + j``. Panels of different shapes are padded with NaN at the bottom and the
right up to the largest rows and the largest columns; ``Stack.shapes`` keeps each one's
own shape, so a padded cell can be told from a cell that holds NaN ("no value
(padding)"). Each panel is checked by :func:`tokenheat._data.coerce_matrix`, so the rules
for one matrix (dtypes, non-finite values, float32 range, exact originals) are the rules
for every panel. Errors name the argument, what was given and what was expected.
Normalisation per row, column or panel is in :mod:`tokenheat._normalize`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from . import _data, _lazy_stack, _normalize, _xarray
from ._array_input import is_array_object, to_array

_SHAPES = "2-D (rows, cols), 3-D (panels, rows, cols) or 4-D (grid_rows, grid_cols, rows, cols)"


@dataclass(frozen=True)
class Stack:
    """Validated panels and what the front end needs of them."""

    f32: np.ndarray
    """Read-only C-contiguous little-endian float32 ``(P, R, C)``, a copy of its own;
    padding is NaN."""
    exact: np.ndarray | None
    """Read-only float64 ``(P, R, C)`` originals for the tooltip, when float32 loses
    precision and the stack is at most :data:`tokenheat._data.MAX_EXACT_CELLS` cells."""
    approximate: bool
    """Whether float32 changes any value given (as :attr:`tokenheat._data.Matrix.approximate`)."""
    data_range: tuple[float, float] | None
    """Finite min and max over all panels (of ``exact`` if kept, else of ``f32``), or
    ``None`` when every cell is NaN."""
    layout: tuple[int, ...]
    """``()`` single heatmap, ``(P,)`` a row of panels, ``(gr, gc)`` a grid."""
    shapes: tuple[tuple[int, int], ...]
    """Each panel's own ``(rows, cols)``, before padding."""
    dtype: np.dtype
    """The dtype of the values given (float64 for Python objects such as ``None``)."""
    row_names: list[str] | None = None
    """Labels carried by a 2-D pandas DataFrame, if any."""
    col_names: list[str] | None = None
    array: np.ndarray | None = None
    """The read-only snapshot ``Heatmap.values`` returns. A single heatmap: the values
    given, in their dtype up to :data:`tokenheat._data.MAX_EXACT_CELLS` cells, else
    float32 (:attr:`tokenheat._data.Matrix.array`). Panels: the stack in the input's
    layout shape, ``(P, R, C)`` or ``(gr, gc, R, C)``: ``exact`` when kept, else ``f32``
    (no copy of its own)."""
    panel_names: list[str] | tuple[list[str], list[str]] | None = None
    """Panel titles carried by an xarray DataArray's third / fourth dimension, if any."""

    @property
    def panels(self) -> int:
        return self.f32.shape[0]

    @property
    def padded(self) -> bool:
        """Whether some panel is smaller than the stack (so some cells are padding)."""
        return any(s != self.f32.shape[1:] for s in self.shapes)

    @functools.cached_property
    def norms(self) -> np.ndarray:
        """Every normalisation divisor, :func:`tokenheat._normalize.norm_table` of ``f32``
        (none for a pyramid, which is not normalised)."""
        if _lazy_stack.is_lazy(self.f32):
            return np.empty(0, dtype=np.float32)
        return _normalize.norm_table(self.f32)

    def divisors(self, mode: str) -> np.ndarray:
        """:func:`tokenheat._normalize.divisors` of ``f32`` for a mode, read from
        :attr:`norms` (computed once): ``(P, R, 1)``, ``(P, 1, C)`` or ``(P, 1, 1)``."""
        panels, rows, cols = self.f32.shape
        table = self.norms
        if mode == "row":
            return table[: panels * rows].reshape(panels, rows, 1)
        if mode == "column":
            return table[panels * rows : panels * (rows + cols)].reshape(panels, 1, cols)
        return table[panels * (rows + cols) :].reshape(panels, 1, 1)

    @functools.cached_property
    def ranges(self) -> dict[str | None, tuple[float, float] | None]:
        """The data range drawn in each normalisation mode (None: :attr:`data_range`;
        a mode: :func:`tokenheat._normalize.normalized_range` of ``f32``)."""
        out: dict[str | None, tuple[float, float] | None] = {None: self.data_range}
        lazy = _lazy_stack.is_lazy(self.f32)  # (a pyramid is not normalised)
        for mode in _normalize.NORMALIZE_MODES[1:]:
            out[mode] = None if lazy else _normalize.normalized_range(self.f32, mode)
        return out

    def padding(self) -> np.ndarray:
        """Boolean ``(P, R, C)`` mask, True where a cell is padding rather than a value."""
        mask = np.ones(self.f32.shape, dtype=bool)
        for p, (rows, cols) in enumerate(self.shapes):
            mask[p, :rows, :cols] = False
        return mask


def coerce_stack(obj: object, *, name: str = "values") -> Stack:
    """Validate one matrix or many panels and prepare their float32 (and float64) stacks.

    Parameters
    ----------
    obj : array-like
        2-D ``(rows, cols)`` (numpy, nested lists, pandas DataFrame, torch tensor, ...),
        3-D ``(panels, rows, cols)``, 4-D ``(grid_rows, grid_cols, rows, cols)``, or a
        list of 2-D array-likes, which may differ in shape (padded with NaN). A list of
        numbers, or of nested lists, is one array; it must be rectangular.
    name : str
        The argument named in errors.

    Notes
    -----
    A list or tuple is a list of panels when some item is a 2-D array object (numpy,
    pandas, torch: not a Python list); then every item must be 2-D and all of one dtype.
    Any other list is one array, as numpy reads it: nested lists of numbers, 1-D arrays
    as the rows of a matrix, or equal-shaped 3-D arrays (e.g. ``(heads, R, C)`` per
    layer) as a 4-D grid.

    Examples
    --------
    >>> s = coerce_stack([np.ones((3, 4)), np.zeros((5, 2))])
    >>> s.layout, s.f32.shape, s.shapes
    ((2,), (2, 5, 4), ((3, 4), (5, 2)))
    >>> coerce_stack(np.zeros((2, 3, 4, 5))).layout
    (2, 3)
    >>> coerce_stack(np.zeros(3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: values must be 2-D (rows, cols), 3-D (panels, rows, cols) or 4-D ...
    """
    panel_names = None
    if _lazy_stack.is_pyramid(obj) and math.prod(obj.shape) > _data.SEND_CELLS:  # type: ignore[attr-defined]
        return _pyramid_stack(obj, obj)
    if _lazy_stack.pyramid_list(obj):
        return _pyramid_stack(obj, obj)
    if _lazy_stack.read_in_background(obj):
        from ._source_levels import SourceLevels

        return _pyramid_stack(SourceLevels(obj), obj)
    if isinstance(obj, (list, tuple)) and not obj:
        raise ValueError(
            f"{name} must hold at least one panel, got an empty {type(obj).__name__}: {name} "
            f"must be {_SHAPES}, or a list of 2-D arrays"
        )
    if isinstance(obj, (list, tuple)) and any(is_array_object(x) for x in obj):
        items = [to_array(x, f"{name}[{i}]")[0] for i, x in enumerate(obj)]
        if any(a.ndim == 2 for a in items):
            return _panel_list(items, name)
        _check_dtypes(items, name)
        first = items[0].shape
        for i, a in enumerate(items):
            if a.shape != first:
                raise ValueError(
                    f"{name} is a list of arrays of different shapes: {name}[0] has shape "
                    f"{first} but {name}[{i}] has shape {a.shape}; only 2-D panels may "
                    "differ in shape (they are padded with NaN)"
                )
        arr, row_names, col_names = np.stack(items), None, None
    elif _xarray.is_dataset(obj):
        raise _xarray.dataset_error(obj, name)
    elif _xarray.is_data_array(obj):
        arr, row_names, col_names, panel_names = _xarray.unpack(obj, name)
    else:
        arr, row_names, col_names = to_array(obj, name)
    if arr.ndim not in (2, 3, 4):
        hint = f"{name}.reshape(1, -1) for one row" if arr.ndim < 2 else f"{name}[0]"
        raise ValueError(
            f"{name} must be {_SHAPES}, got {arr.ndim}-D array of shape {arr.shape}; "
            f"index or reshape it, e.g. {hint}"
        )
    if arr.size == 0 and arr.ndim == 2:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(
            f"{name} must not be empty, got a {arr.ndim}-D array of shape {arr.shape}: there "
            "must be at least one panel, each with at least one row and one column"
        )
    if arr.ndim > 2:
        _check_size(math.prod(arr.shape[:-2]), *arr.shape[-2:], name)
    if arr.dtype.kind != "O":  # dtype rules once, on one cell, with unprefixed messages
        _coerce_panel(arr[(0,) * (arr.ndim - 2)][:1, :1], name, name)
    index = list(np.ndindex(arr.shape[:-2]))
    where = [name + "".join(f"[{k}]" for k in ij) for ij in index]
    stack = _build(
        [arr[ij] for ij in index],
        where,
        name,
        arr.shape[:-2] if arr.ndim > 2 else (),
        _effective(arr.dtype),
        row_names,
        col_names,
    )
    return stack if panel_names is None else replace(stack, panel_names=panel_names)


def _pyramid_stack(pyramid: object, given: object) -> Stack:
    """A pyramid too big to send whole (or a list of pyramids of one shape: a row of
    panels), or the levels of a source read in the background
    (:class:`tokenheat._source_levels.SourceLevels`), read a window or a level at a time
    (:mod:`tokenheat._lazy_stack`); ``Heatmap.values`` is what was ``given``."""
    from ._lazy import CACHE_BYTES, LazyMatrix
    from ._source_levels import SourceLevels

    first = pyramid[0] if isinstance(pyramid, (list, tuple)) else pyramid
    rows, cols = first.shape  # type: ignore[attr-defined]
    if rows * cols > _data.MAX_PYRAMID_CELLS:
        raise ValueError(
            f"the pyramid {first!r} has {rows:,} x {cols:,} = {rows * cols:,} cells, more "
            f"than the {_data.MAX_PYRAMID_CELLS:,} (2**40) a tokenheat Heatmap shows; show a "
            "part of it, e.g. a pyramid of a slice of its source"
        )
    layout: tuple[int, ...] = ()
    if isinstance(pyramid, SourceLevels):  # a panel's levels each (one for a 2-D source)
        layout, panels = pyramid.layout, pyramid.panels
        data_range = pyramid.data_range
    elif isinstance(pyramid, (list, tuple)):  # pyramids of one shape: a row of panels
        layout, panels = (len(pyramid),), list(pyramid)
        ranges = [p.data_range for p in panels if p.data_range is not None]
        data_range = (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None
    else:
        panels, data_range = [pyramid], pyramid.data_range  # type: ignore[attr-defined]
    cache = max(1, CACHE_BYTES // len(panels))  # (the panels share the budget)
    lazies = [LazyMatrix(panel, cache_bytes=cache) for panel in panels]
    f32 = _lazy_stack.LazyPanels(lazies)
    return Stack(
        f32,  # type: ignore[arg-type]
        None,
        False,
        data_range,
        layout,
        ((rows, cols),) * len(lazies),
        np.dtype(np.float32),
        array=given,  # type: ignore[arg-type]
    )


def _effective(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dtype.kind == "O" else dtype


def _check_dtypes(items: list[np.ndarray], name: str) -> None:
    first = _effective(items[0].dtype)
    for i, a in enumerate(items):
        if _effective(a.dtype) != first:
            raise TypeError(
                f"{name} must have one dtype for all its panels, but {name}[0] is {first} and "
                f"{name}[{i}] is {_effective(a.dtype)}; convert them to one dtype, e.g. "
                f"[np.asarray(p, dtype=np.float64) for p in {name}]"
            )


def _check_size(panels: int, rows: int, cols: int, name: str) -> None:
    cells = panels * rows * cols
    if cells > _data.MAX_CELLS:
        raise ValueError(
            f"{name} has {panels:,} panels of {rows:,} x {cols:,} = {cells:,} cells (after "
            f"padding), more than the {_data.MAX_CELLS:,} "
            f"({_data.MAX_CELLS * 4 / 2**30:.3g} GiB as float32) a tokenheat Heatmap takes; "
            "pass fewer panels, or reduce each first, e.g. with tokenheat.downsample"
        )


def _panel_list(items: list[np.ndarray], name: str) -> Stack:
    for i, a in enumerate(items):
        if a.ndim != 2:
            raise ValueError(
                f"{name}[{i}] must be a 2-D panel (rows, cols) like the other items of {name}, "
                f"got a {a.ndim}-D array of shape {a.shape}"
            )
        if a.size == 0:
            raise ValueError(
                f"{name}[{i}] must not be empty, got shape {a.shape}; every panel needs at "
                "least one row and one column"
            )
    _check_dtypes(items, name)
    rows, cols = max(a.shape[0] for a in items), max(a.shape[1] for a in items)
    _check_size(len(items), rows, cols, name)
    where = [f"{name}[{i}]" for i in range(len(items))]
    return _build(items, where, name, (len(items),), _effective(items[0].dtype), None, None)


def _coerce_panel(panel: np.ndarray, where: str, name: str) -> _data.Matrix:
    """:func:`tokenheat._data.coerce_matrix`, its errors naming the panel."""
    try:
        return _data.coerce_matrix(panel)
    except (TypeError, ValueError) as exc:
        msg = str(exc)
        if msg.startswith("values"):
            msg = where + msg[len("values") :]
            if where != name:
                msg = msg.replace(" in all)", " in this panel)")
        raise type(exc)(msg) from None


def _build(
    panels: list[np.ndarray],
    where: list[str],
    name: str,
    layout: tuple[int, ...],
    dtype: np.dtype,
    row_names: list[str] | None,
    col_names: list[str] | None,
) -> Stack:
    """Coerce each 2-D panel and copy it into one float32 stack (NaN padding)."""
    shapes = tuple((int(a.shape[0]), int(a.shape[1])) for a in panels)
    shape = (len(panels), max(s[0] for s in shapes), max(s[1] for s in shapes))
    padded = any(s != shape[1:] for s in shapes)
    keep_exact = math.prod(shape) <= min(_data.SEND_CELLS, _data.MAX_EXACT_CELLS)
    f32, array = None, None
    if len(panels) > 1:
        try:
            f32 = np.full(shape, np.nan, dtype="<f4") if padded else np.empty(shape, "<f4")
        except MemoryError:
            raise MemoryError(
                f"not enough memory for a float32 copy of {name} ({shape[0]:,} panels of "
                f"{shape[1]:,} x {shape[2]:,}); pass fewer or smaller panels"
            ) from None
    exacts: dict[int, np.ndarray] = {}
    approximate, lo, hi = False, math.inf, -math.inf
    for p, panel in enumerate(panels):
        m = _coerce_panel(panel, where[p], name)
        if f32 is None:
            f32 = m.f32.reshape(shape)  # one panel: its own copy already
            array = m.array if layout == () else None
        else:
            f32[p, : shapes[p][0], : shapes[p][1]] = m.f32
        approximate |= m.approximate
        if keep_exact and m.exact is not None:
            exacts[p] = m.exact
        if m.data_range is not None:
            lo, hi = min(lo, m.data_range[0]), max(hi, m.data_range[1])
    assert f32 is not None
    exact = None
    if approximate and keep_exact and len(panels) == 1:
        exact = exacts[0].reshape(shape)  # one panel: its originals, no second copy
        exact.flags.writeable = False
    elif approximate and keep_exact:
        exact = f32.astype("<f8")  # float32 panels are their values; the others:
        for p, e in exacts.items():
            exact[p, : shapes[p][0], : shapes[p][1]] = e
        exact.flags.writeable = False
    elif lo <= hi:  # the range of what is kept: float32 (rounding keeps the order)
        lo, hi = float(np.float32(lo)), float(np.float32(hi))
    f32.flags.writeable = False
    data_range = (lo, hi) if lo <= hi else None
    if array is None:
        array = (exact if exact is not None else f32).reshape(layout + shape[1:])
    return Stack(
        f32, exact, approximate, data_range, layout, shapes, dtype, row_names, col_names, array
    )
