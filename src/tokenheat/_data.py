"""The matrix: validated once at the API boundary into a snapshot the widget trusts
(float32 for drawing, float64 originals for the tooltip), and the size limits of what
is sent to the browser. Errors name the argument, what was given and what was expected.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

# float32 holds every integer up to 2**24 exactly; beyond it the tooltip needs float64.
_F32_EXACT_INT = 2**24
#: Largest matrix a Heatmap takes: 2**31 cells (8 GiB as float32; the kernel keeps one
#: float32 copy of it).
MAX_CELLS = 2**31
#: Largest matrix a Heatmap shows from a pyramid on disk (tokenheat.open_pyramid), which
#: is never held whole: 2**40 cells (4 TiB as float32).
MAX_PYRAMID_CELLS = 2**40
#: Matrices up to this many cells go to the browser whole: 2**24 cells (64 MiB as
#: float32). Bigger ones go as an overview and, when zoomed in, the window on screen.
SEND_CELLS = 2**24
#: Most cells in the overview of a bigger matrix and in each window sent for it:
#: 2**22 (16 MiB as float32), each cell the strongest value of its block.
TILE_CELLS = 2**22
#: Above this many cells the float64 originals are not sent (tooltips show float32,
#: marked "≈"): 2**24 cells (128 MiB as float64).
MAX_EXACT_CELLS = 2**24


def is_masked(obj: object) -> bool:
    """Whether ``obj`` is a numpy masked array, without importing ``numpy.ma``: numpy 2
    loads it on first use, 16 ms that a first ``Heatmap(z)`` in a fresh kernel would pay
    on the way to the screen; no masked array exists until it has been imported."""
    ma = sys.modules.get("numpy.ma")
    return ma is not None and isinstance(obj, ma.MaskedArray)


@dataclass(frozen=True)
class Matrix:
    """A validated attribution matrix and what the front end needs of it."""

    array: np.ndarray
    """A read-only snapshot of the user's values, taken when they were given: in their
    dtype up to :data:`MAX_EXACT_CELLS` cells (sharing memory with ``f32`` or ``exact``
    where the dtype matches), else ``f32`` itself."""
    f32: np.ndarray
    """C-contiguous little-endian float32 copy, sent to the browser for drawing."""
    exact: np.ndarray | None
    """C-contiguous little-endian float64 copy for the tooltip, when float32 loses
    precision and the matrix is at most :data:`MAX_EXACT_CELLS` cells; else ``None``."""
    approximate: bool
    """Whether float32 changes any value given (then the tooltip needs ``exact``, or marks
    float32 values with "≈" when the matrix is too big to keep them)."""
    data_range: tuple[float, float] | None
    """Finite min and max, or ``None`` when every cell is NaN."""
    row_names: list[str] | None
    """Labels carried by the input (a pandas index), if any."""
    col_names: list[str] | None


def _describe(obj: object) -> str:
    shape = getattr(obj, "shape", None)
    if shape is not None:
        return f"{type(obj).__name__} of shape {tuple(shape)}"
    return type(obj).__name__


def _frame_names(obj: object) -> tuple[list[str] | None, list[str] | None]:
    """Labels of a pandas DataFrame (duck-typed: no pandas import)."""
    index, columns = getattr(obj, "index", None), getattr(obj, "columns", None)
    if index is None or columns is None or not hasattr(obj, "to_numpy"):
        return None, None
    return [str(v) for v in index], [str(v) for v in columns]


def coerce_matrix(obj: object) -> Matrix:
    """Validate ``values`` and prepare its float32 (and, if needed, float64) buffers."""
    if obj is None:
        raise TypeError("values must be a 2-D array-like of real numbers, got None")
    if isinstance(obj, (str, bytes, Mapping, set, frozenset)):
        raise TypeError(
            f"values must be a 2-D array-like of real numbers, got {type(obj).__name__} {obj!r:.40}"
        )
    row_names, col_names = _frame_names(obj)
    if row_names is not None:
        obj = obj.to_numpy()  # type: ignore[attr-defined]
    if hasattr(obj, "detach") and hasattr(obj, "cpu"):  # torch tensors, without importing torch
        obj = obj.detach().cpu()
    if is_masked(obj):
        obj = obj.astype(np.float64).filled(np.nan)
    try:
        arr = np.asarray(obj)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(
            "values must be a rectangular 2-D array-like of real numbers (all rows the "
            f"same length; pad ragged sequences with NaN), but numpy could not build one: {exc}"
        ) from None
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                "values must contain real numbers, but it holds Python objects that are "
                f"not numbers (e.g. strings) in {_describe(obj)}; use NaN (or None) for "
                "missing cells"
            ) from None
    if arr.dtype.kind == "c":
        raise TypeError(
            f"values must be real numbers, got complex dtype {arr.dtype}; "
            "pass e.g. the real part or the magnitude (np.abs)"
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"values must be real numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(
            f"values must be 2-D (rows = tokens, columns = examples), got {arr.ndim}-D "
            f"{_describe(obj)}; reshape it, e.g. values.reshape(1, -1) for one row"
        )
    if arr.size == 0:
        raise ValueError(f"values must not be empty, got shape {arr.shape}")
    if arr.size > MAX_CELLS:
        rows, cols = arr.shape
        raise ValueError(
            f"values has {rows:,} x {cols:,} = {arr.size:,} cells, more than the "
            f"{MAX_CELLS:,} ({MAX_CELLS * 4 / 2**30:.3g} GiB as float32) a tokenheat "
            "Heatmap takes; reduce it first, e.g. "
            f"tokenheat.downsample(values, {_factor_for(arr.shape)}) keeps the strongest value "
            "of each block, or pass a slice of the rows/columns you need"
        )

    try:
        with np.errstate(over="ignore"):  # overflow is reported below, with its position
            # always a copy of our own, so the matrix drawn, exported and hovered is a
            # snapshot: changing the caller's array later changes none of them
            f32 = np.array(arr, dtype="<f4", order="C", copy=True)
    except MemoryError:
        raise MemoryError(
            f"not enough memory for a float32 copy of values ({arr.shape[0]:,} x "
            f"{arr.shape[1]:,}, {arr.size * 4 / 2**20:,.0f} MiB); reduce it first, e.g. with "
            f"tokenheat.downsample(values, {_factor_for(arr.shape, 2**24)})"
        ) from None
    if arr.dtype.kind == "f":
        # Infinite input first; then finite input too large for float32.
        for source, problem in (
            (arr, "must be finite or NaN (use NaN for 'no value', or clip)"),
            (f32, "must fit in float32, |v| <= 3.4e38 (rescale the matrix)"),
        ):
            if np.isinf(source).any():
                bad = np.isinf(source)
                r, c = np.argwhere(bad)[0]
                raise ValueError(
                    f"values {problem}: got {arr[r, c]} at row {r}, column {c} "
                    f"({int(bad.sum())} such cell(s) in all)"
                )
    approximate = _needs_exact(arr, f32)
    # Up to MAX_EXACT_CELLS (and only when sent whole) the snapshot keeps the caller's
    # dtype, and float64 originals for exact tooltips; a bigger one keeps float32 only.
    exact = None
    if arr.size <= min(SEND_CELLS, MAX_EXACT_CELLS):
        if approximate:
            exact = np.array(arr, dtype="<f8", order="C", copy=True)
        if arr.dtype == f32.dtype:
            array = f32
        elif exact is not None and arr.dtype == exact.dtype:
            array = exact
        else:
            array = np.array(arr, order="C", copy=True)
    else:
        array = f32

    src = exact if exact is not None else f32
    lo, hi = float(np.fmin.reduce(src, axis=None)), float(np.fmax.reduce(src, axis=None))
    data_range = None if math.isnan(lo) else (lo, hi)  # NaN only when every cell is

    view = array.view()
    view.flags.writeable = False
    return Matrix(view, f32, exact, approximate, data_range, row_names, col_names)


def _factor_for(shape: tuple[int, ...], cells: int | None = None) -> int:
    """The smallest square block factor that brings ``shape`` within ``cells``
    (default :data:`MAX_CELLS`)."""
    cells = MAX_CELLS if cells is None else cells
    k = 2
    while (-(-shape[0] // k)) * (-(-shape[1] // k)) > cells:
        k += 1
    return k


def _needs_exact(arr: np.ndarray, f32: np.ndarray) -> bool:
    """Whether float32 changes any value the user passed (so hover needs float64)."""
    if arr.dtype.kind == "b" or arr.dtype.itemsize <= 2:
        return False
    if arr.dtype.kind in "iu":
        # max and min, not abs(): no copy of the matrix
        return bool(max(int(arr.max()), -int(arr.min())) > _F32_EXACT_INT)
    if arr.dtype == np.float32:
        return False
    step = max(1, 2**20 // arr.shape[1])  # rows at a time: small temporaries
    with np.errstate(invalid="ignore"):
        for i in range(0, arr.shape[0], step):
            part, ours = arr[i : i + step], f32[i : i + step]
            if np.any((ours != part) & ~np.isnan(part)):
                return True
    return False
