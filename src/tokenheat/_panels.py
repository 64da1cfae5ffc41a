"""Many matrices ("panels") in one Heatmap, as small multiples: validated once into a
stack the widget trusts, with their labels, the focused panel and the selection.

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

import contextlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from . import _data, _settings

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

    @property
    def panels(self) -> int:
        return self.f32.shape[0]

    @property
    def padded(self) -> bool:
        """Whether some panel is smaller than the stack (so some cells are padding)."""
        return any(s != self.f32.shape[1:] for s in self.shapes)

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
    if isinstance(obj, (list, tuple)) and not obj:
        raise ValueError(f"{name} must hold at least one panel, got an empty {type(obj).__name__}")
    if isinstance(obj, (list, tuple)) and any(_is_array_object(x) for x in obj):
        items = [_to_array(x, f"{name}[{i}]")[0] for i, x in enumerate(obj)]
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
    else:
        arr, row_names, col_names = _to_array(obj, name)
    if arr.ndim not in (2, 3, 4):
        hint = f"{name}.reshape(1, -1) for one row" if arr.ndim < 2 else f"{name}[0]"
        raise ValueError(
            f"{name} must be {_SHAPES}, got a {arr.ndim}-D array of shape {arr.shape}; "
            f"index or reshape it, e.g. {hint}"
        )
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
    return _build(
        [arr[ij] for ij in index],
        where,
        name,
        arr.shape[:-2] if arr.ndim > 2 else (),
        _effective(arr.dtype),
        row_names,
        col_names,
    )


def _is_array_object(x: object) -> bool:
    """An item of a list that is an array itself (numpy, pandas, torch), not a number
    (numpy's included) or a nested Python list."""
    if isinstance(x, (list, tuple)):
        return False
    shape = getattr(x, "shape", None)
    return len(shape) > 0 if shape is not None else hasattr(x, "__array__")


def _effective(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float64) if dtype.kind == "O" else dtype


def _to_array(obj: object, name: str) -> tuple[np.ndarray, list[str] | None, list[str] | None]:
    """``obj`` as a numpy array (no copy where possible), and a DataFrame's labels."""
    what = f"{name} must be an array-like of real numbers"
    if obj is None:
        raise TypeError(f"{what}, got None")
    if isinstance(obj, (str, bytes, Mapping, set, frozenset)):
        raise TypeError(f"{what}, got {type(obj).__name__} {obj!r:.40}")
    row_names, col_names = _data._frame_names(obj)
    frame = row_names is not None
    if frame:
        obj = obj.to_numpy()  # type: ignore[attr-defined]
    if hasattr(obj, "detach") and hasattr(obj, "cpu"):  # torch, without importing torch
        obj = obj.detach().cpu()
        if hasattr(obj, "numpy"):
            try:
                obj = obj.numpy()
            except TypeError:  # bfloat16 has no numpy dtype; float32 holds it exactly
                obj = obj.float().numpy()
    if isinstance(obj, np.ma.MaskedArray):
        obj = obj.astype(np.float64).filled(np.nan)
    try:
        arr = np.asarray(obj)
    except ValueError as exc:
        where = _ragged_where(obj, name)
        raise ValueError(
            f"{name} must be a rectangular array-like of real numbers, but "
            f"{where or f'numpy could not build one ({exc})'}; pad ragged sequences with "
            "NaN, or pass a list of 2-D arrays (e.g. numpy) for panels of different shapes"
        ) from None
    if frame and arr.dtype.kind == "O" and any(np.ndim(v) > 0 for v in arr.flat):
        raise TypeError(
            f"{name} is a DataFrame whose cells hold sequences; a DataFrame is one 2-D panel: "
            "pass a 3-D array (panels, rows, cols) or a list of DataFrames for several panels"
        )
    return arr, row_names, col_names


def _seq_len(x: object) -> int | None:
    if isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim):
        return len(x)  # type: ignore[arg-type]
    return None


def _ragged_where(obj: object, name: str) -> str | None:
    """Where a nested sequence stops being rectangular, compared with the first items."""
    expected, x = [], obj
    while (n := _seq_len(x)) is not None:
        expected.append(n)
        if n == 0:
            break
        x = x[0]  # type: ignore[index]

    def walk(x: object, path: tuple[int, ...]) -> str | None:
        n, d = _seq_len(x), len(path)
        here, first = name + "".join(f"[{i}]" for i in path), name + "[0]" * d
        if d >= len(expected):
            return None if n is None else f"{here} has {n} items where {first} is a number"
        if n != expected[d]:
            got = "is a number" if n is None else f"has {n} items"
            return f"{here} {got} where {first} has {expected[d]}"
        return next(filter(None, (walk(v, (*path, i)) for i, v in enumerate(x))), None)  # type: ignore[arg-type]

    return walk(obj, ())


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
    f32 = None
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
        else:
            f32[p, : shapes[p][0], : shapes[p][1]] = m.f32
        approximate |= m.approximate
        if keep_exact and m.exact is not None:
            exacts[p] = m.exact
        if m.data_range is not None:
            lo, hi = min(lo, m.data_range[0]), max(hi, m.data_range[1])
    assert f32 is not None
    exact = None
    if approximate and keep_exact:
        exact = f32.astype("<f8")  # float32 panels are their values; the others:
        for p, e in exacts.items():
            exact[p, : shapes[p][0], : shapes[p][1]] = e
        exact.flags.writeable = False
    elif lo <= hi:  # the range of what is kept: float32 (rounding keeps the order)
        lo, hi = float(np.float32(lo)), float(np.float32(hi))
    f32.flags.writeable = False
    data_range = (lo, hi) if lo <= hi else None
    return Stack(f32, exact, approximate, data_range, layout, shapes, dtype, row_names, col_names)


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
