"""Array-likes as numpy arrays, for :func:`tokenheat._panels.coerce_stack`: numpy,
nested lists, pandas DataFrames (with their labels), torch tensors (on the CPU,
bfloat16 widened to float32) and masked arrays (masked cells NaN), without importing
pandas or torch. A ragged nested list is refused with the place where it stops being
rectangular.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from . import _data, _sources


def is_array_object(x: object) -> bool:
    """An item of a list that is an array itself (numpy, pandas, torch), not a number
    (numpy's included) or a nested Python list."""
    if isinstance(x, (list, tuple)):
        return False
    shape = getattr(x, "shape", None)
    return len(shape) > 0 if shape is not None else hasattr(x, "__array__")


def to_array(obj: object, name: str) -> tuple[np.ndarray, list[str] | None, list[str] | None]:
    """``obj`` as a numpy array (no copy where possible), and a DataFrame's labels."""
    what = f"{name} must be an array-like of real numbers"
    if obj is None:
        raise TypeError(f"{what}, got None")
    if isinstance(obj, (str, bytes, Mapping, set, frozenset)):
        raise TypeError(f"{what}, got {type(obj).__name__} {obj!r:.40}")
    if _sources.is_source(obj):
        _refuse_big_source(obj, name)
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
    if _data.is_masked(obj):
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


def _refuse_big_source(source: object, name: str) -> None:
    """A memmap, zarr array, h5py dataset or dask array of more cells than a Heatmap holds
    is refused before anything is read (reading it whole could take the kernel's memory
    and hours); smaller ones are read whole like any array."""
    shape = tuple(int(n) for n in source.shape)  # type: ignore[attr-defined]
    cells = math.prod(shape)
    if cells <= _data.MAX_CELLS:
        return
    hint = (
        "build its max-|v| pyramid once, tokenheat.build_pyramid(source, store), and show "
        "Heatmap(tokenheat.open_pyramid(store)), which reads only what is on screen; or "
        f"reduce it, e.g. tokenheat.downsample({name}, {_data._factor_for(shape)}) keeps "
        "the strongest value of each block and reads the source a part at a time"
        if len(shape) == 2
        else "pass a slice of it, or downsample each 2-D matrix with tokenheat.downsample, "
        "which reads the source a part at a time"
    )
    raise ValueError(
        f"{name} is a {_sources.describe(source)}: {cells:,} cells, more than the "
        f"{_data.MAX_CELLS:,} a tokenheat Heatmap holds in memory; {hint}"
    )


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
