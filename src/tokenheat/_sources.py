"""Matrices read a part at a time: numpy memmaps, zarr arrays, h5py datasets, dask arrays
and anything else with ``shape``, ``dtype`` and 2-D slicing. Nothing here reads one whole.

:func:`tokenheat.downsample` reduces such a *source* by blocks with bounded memory: a
dask array as a dask computation (on the threads of dask's default scheduler, or on the
user's ``dask.distributed`` cluster when a ``Client`` is active), any other source in
parts of at most :data:`PART_BYTES`, each part's blocks reduced by
:func:`tokenheat._blocks.reduce_blocks`, the rule the browser's zoomed-out pixels use.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

#: Most bytes of a source read at once (one part of a reduction): 64 MiB.
PART_BYTES = 2**26


def is_dask(obj: object) -> bool:
    """A dask array, without importing dask."""
    return type(obj).__module__.startswith("dask.") and hasattr(obj, "compute")


def is_source(obj: object) -> bool:
    """Whether ``obj`` is read a part at a time instead of being converted whole: a numpy
    memmap, a dask array, or an object that is not an in-memory array but has ``shape``,
    ``dtype``, ``ndim`` and item access (zarr arrays, h5py datasets). torch tensors,
    pandas and xarray objects are not sources (they are converted as before)."""
    if isinstance(obj, np.memmap) or is_dask(obj):
        return True
    if isinstance(obj, (np.ndarray, list, tuple)):
        return False
    if hasattr(obj, "detach") or hasattr(obj, "to_numpy") or hasattr(obj, "coords"):
        return False  # torch, pandas, xarray (h5py datasets have `dims` too, not `coords`)
    return all(hasattr(obj, a) for a in ("shape", "dtype", "ndim", "__getitem__"))


def describe(obj: object) -> str:
    """``zarr Array of shape (20000, 20000) and dtype float32``, for error messages."""
    if isinstance(obj, PanelOf):
        return f"panel {obj.where} of {describe(obj.source)}"
    root = type(obj).__module__.split(".", 1)[0]
    owner = "" if root in ("builtins", "numpy") else f"{root} "
    return f"{owner}{type(obj).__name__} of shape {tuple(obj.shape)} and dtype {obj.dtype}"  # type: ignore[attr-defined]


class PanelOf:
    """One 2-D panel of a 3-D or 4-D source (zarr, h5py, anything sliced on demand), read
    only when sliced: ``PanelOf(source, (i, j))[rows, cols]`` reads ``source[i, j, rows,
    cols]``. Its storage chunks are the source's last two."""

    ndim = 2

    def __init__(self, source: Any, index: tuple[int, ...]) -> None:
        self.source, self.index = source, index
        self.shape = tuple(int(n) for n in source.shape[-2:])
        self.dtype = np.dtype(source.dtype)
        chunks = getattr(source, "chunks", None)
        if isinstance(chunks, tuple) and len(chunks) == len(source.shape):
            self.chunks = tuple(chunks[-2:])

    @property
    def where(self) -> str:
        """``[i]`` or ``[i, j]``: the panel's place in the source."""
        return "[" + ", ".join(str(i) for i in self.index) + "]"

    def __repr__(self) -> str:
        return f"<tokenheat PanelOf {describe(self)}>"

    def __getitem__(self, key: tuple[slice, slice]) -> Any:
        return self.source[(*self.index, *key)]


def panel_sources(source: Any) -> list[tuple[Any, str]]:
    """The 2-D panels of a 2-D, 3-D or 4-D source (or of a list of 2-D sources),
    panel-major, none of them read, each with its name for messages: the source itself
    (each item), or each panel as a dask array of it (lazy) or a :class:`PanelOf`."""
    if isinstance(source, (list, tuple)):  # a list of 2-D sources
        return [(x, f"values[{i}], a {describe(x)}") for i, x in enumerate(source)]
    lead = tuple(int(n) for n in source.shape[:-2])
    if not lead:
        return [(source, describe(source))]
    out = []
    for index in np.ndindex(lead):
        panel = PanelOf(source, index)
        out.append((source[index] if is_dask(source) else panel, describe(panel)))
    return out


def check_matrix(source: object, what: str = "values") -> tuple[int, int, np.dtype]:
    """Rows, columns and dtype of a 2-D source of real numbers, or a clear error; reads
    nothing."""
    shape = tuple(int(n) for n in source.shape)  # type: ignore[attr-defined]
    dtype = np.dtype(source.dtype)  # type: ignore[attr-defined]
    if len(shape) != 2:
        raise ValueError(f"{what} must be 2-D, got {len(shape)}-D {describe(source)}")
    if dtype.kind == "c":
        raise TypeError(
            f"{what} must be real numbers, got complex {describe(source)}; pass e.g. its magnitude"
        )
    if dtype.kind not in "biuf":
        raise TypeError(f"{what} must be real numbers, got {describe(source)}")
    if 0 in shape:
        raise ValueError(f"{what} must not be empty, got {describe(source)}")
    return shape[0], shape[1], dtype


def result_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype of a reduction of ``dtype``: a float keeps its own, others float64 (as
    :func:`tokenheat.downsample` does for in-memory input)."""
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


class BadValue(ValueError):
    """A value read that cannot be shown (infinite, or too big for float32), with its
    place: :func:`read` lets it through as it is."""


def read(source: object, r0: int, r1: int, c0: int, c1: int, dtype: np.dtype) -> np.ndarray:
    """``source[r0:r1, c0:c1]`` as a numpy array of ``dtype``; a failed read names the
    part and the source."""
    try:
        part = source[r0:r1, c0:c1]  # type: ignore[index]
        if is_dask(part):
            part = part.compute()
        with np.errstate(over="ignore"):  # too big for float32: inf, which callers report
            return np.asarray(part, dtype=dtype)
    except (MemoryError, BadValue):
        raise
    except Exception as exc:
        raise OSError(
            f"reading rows {r0}:{r1}, columns {c0}:{c1} of {describe(source)} failed: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def finite_float32(part: np.ndarray, r0: int, c0: int, source: str, then: str = "") -> np.ndarray:
    """``part`` (rows from ``r0``, columns from ``c0`` of the source ``source`` describes)
    as float32, or :class:`BadValue` with the place of its first value that is infinite or
    too big for float32 (``then``: what to do after clipping, for the message)."""
    with np.errstate(over="ignore"):
        out = np.asarray(part, dtype=np.float32)
    bad = np.isinf(out)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        value = part[r, c]
        if part.dtype == np.float32:  # read as float32 already: inf or too big, unknown
            what = f"{value} as float32"
        else:
            what = str(value) if np.isinf(value) else f"{value}, too big for float32"
        raise BadValue(
            f"source must hold finite values or NaN that fit in float32 (|v| <= 3.4e38): "
            f"row {r0 + r}, column {c0 + c} of {source} is {what}; clip or rescale it{then}"
        )
    return out


def finite_range(values: np.ndarray) -> list[float] | None:
    """``[min, max]`` of the values that are not NaN, None when all are NaN."""
    lo, hi = np.fmin.reduce(values, axis=None), np.fmax.reduce(values, axis=None)
    return None if np.isnan(lo) else [float(lo), float(hi)]


def widen_range(found: list[float] | None, more: list[float] | None) -> list[float] | None:
    """The range of the values seen so far (``found``) with those of another part."""
    if more is None or found is None:
        return found if more is None else more
    return [min(found[0], more[0]), max(found[1], more[1])]


def part_shape(
    rows: int, cols: int, fr: int, fc: int, itemsize: int, chunks: tuple[int, int] | None
) -> tuple[int, int]:
    """Rows and columns of the parts a reduction by ``fr`` x ``fc`` blocks reads: whole
    blocks (so no block spans two parts), whole storage ``chunks`` where the budget allows
    (so no chunk is read twice), and at most :data:`PART_BYTES` unless one block is
    bigger.

    >>> part_shape(100_000, 100_000, 10, 10, 4, None)
    (160, 100000)
    >>> part_shape(10, 2**30, 1, 4, 4, None)
    (1, 16777216)
    >>> part_shape(131072, 131072, 16, 16, 4, (1024, 1024))  # whole chunks of rows
    (1024, 16384)
    """
    cells = max(1, PART_BYTES // itemsize)
    if chunks is not None:
        tall, wide = math.lcm(fr, chunks[0]), math.lcm(fc, chunks[1])
        if tall * wide <= cells:  # whole chunks fit: as many columns of them as fit
            width = min(cols, max(wide, cells // tall // wide * wide))
            return min(rows, max(tall, cells // width // tall * tall)), width
    if fr * cols <= cells:  # a band of whole rows
        width = cols
    else:  # as many whole blocks of columns (whole chunks where they fit) as fit
        unit = fc if chunks is None else math.lcm(fc, chunks[1])
        fit = cells // fr
        width = max(fc, fit // unit * unit if fit >= unit else fit // fc * fc)
    unit = fr if chunks is None else math.lcm(fr, chunks[0])
    fit = cells // width
    height = max(fr, fit // unit * unit if fit >= unit else fit // fr * fr)
    return min(height, rows), width


def storage_chunks(source: object) -> tuple[int, int] | None:
    """The chunk shape a zarr array or chunked h5py dataset is stored in, if any."""
    chunks = getattr(source, "chunks", None)
    if isinstance(chunks, tuple) and len(chunks) == 2 and all(isinstance(c, int) for c in chunks):
        return chunks
    return None


def chunk_rows(source: object) -> int | None:
    """Rows of a storage (or dask) chunk of a 2-D source, if it has chunks."""
    chunks = storage_chunks(source)
    if chunks is not None:
        return chunks[0]
    if is_dask(source):
        return int(max(source.chunks[0]))  # type: ignore[attr-defined]
    return None


def check_window(window: object, rows: int, cols: int) -> tuple[int, int, int, int]:
    """``window`` as ``(r0, r1, c0, c1)``: a non-empty window of a ``rows`` x ``cols``
    matrix, or ValueError saying what is wrong."""
    if not (
        isinstance(window, (tuple, list))
        and len(window) == 4
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in window)
    ):
        raise ValueError(f"window must be (row0, row1, col0, col1), four ints, got {window!r}")
    r0, r1, c0, c1 = (int(v) for v in window)
    if not (0 <= r0 < r1 <= rows and 0 <= c0 < c1 <= cols):
        raise ValueError(
            f"window {(r0, r1, c0, c1)} is not a non-empty window of the {rows} x {cols} "
            "matrix (0 <= row0 < row1 <= rows, 0 <= col0 < col1 <= cols)"
        )
    return r0, r1, c0, c1


def check_blocks(fr: object, fc: object) -> tuple[int, int]:
    """Block rows and columns as ints, or ValueError unless both are ints >= 1."""
    if not all(
        isinstance(f, (int, np.integer)) and not isinstance(f, bool) and f >= 1 for f in (fr, fc)
    ):
        raise ValueError(f"block sizes must be positive ints, got {fr!r} x {fc!r}")
    return int(fr), int(fc)  # type: ignore[arg-type]


def reduce_source(
    source: object,
    fr: int,
    fc: int,
    window: tuple[int, int, int, int] | None = None,
    *,
    each_part: Callable[[np.ndarray], Any] | None = None,
) -> np.ndarray:
    """The strongest value of each ``fr`` x ``fc`` block of a 2-D source (see
    :func:`tokenheat.downsample`), read a part at a time; of ``window`` (``(r0, r1, c0,
    c1)``, blocks starting at its corner, the last ones smaller) only, when given, so
    that only the window is read. ``each_part`` sees every part read (not for a dask
    source, which is reduced where dask runs)."""
    from ._blocks import reduce_blocks

    rows, cols, dtype = check_matrix(source)
    out_dtype = result_dtype(dtype)
    r0, r1, c0, c1 = (0, rows, 0, cols) if window is None else check_window(window, rows, cols)
    if is_dask(source):
        part = source if window is None else source[r0:r1, c0:c1]  # type: ignore[index]
        return _reduce_dask(part, fr, fc, out_dtype)
    out = np.empty((-(-(r1 - r0) // fr), -(-(c1 - c0) // fc)), dtype=out_dtype)
    height, width = part_shape(r1 - r0, c1 - c0, fr, fc, out_dtype.itemsize, storage_chunks(source))
    for a0 in range(r0, r1, height):
        a1 = min(r1, a0 + height)
        for b0 in range(c0, c1, width):
            b1 = min(c1, b0 + width)
            part = read(source, a0, a1, b0, b1, out_dtype)
            if each_part is not None:
                each_part(part)
            out[(a0 - r0) // fr : -(-(a1 - r0) // fr), (b0 - c0) // fc : -(-(b1 - c0) // fc)] = (
                reduce_blocks(part, fr, fc)
            )
    return out


def _reduce_dask(source, fr: int, fc: int, out_dtype: np.dtype) -> np.ndarray:
    """A dask array's reduction as a dask computation (:func:`dask_blocks`), each chunk
    reduced where dask runs it (a distributed cluster when a ``Client`` is active), the
    small result gathered here."""
    rows, cols = source.shape
    try:
        out = dask_blocks(source, fr, fc, out_dtype).compute()
    except MemoryError:
        raise
    except Exception as exc:
        raise OSError(
            f"reducing {describe(source)} by {fr} x {fc} blocks failed: {type(exc).__name__}: {exc}"
        ) from exc
    return np.asarray(out, dtype=out_dtype).reshape(-(-rows // fr), -(-cols // fc))


def dask_blocks(source, fr: int, fc: int, out_dtype: np.dtype):
    """The ``fr`` x ``fc`` max-|v| blocks of a dask array, as a dask array: rechunked so
    that every chunk holds whole blocks (within :data:`PART_BYTES`), each reduced alone."""
    from ._blocks import reduce_blocks

    def whole_blocks(sizes: tuple[int, ...], f: int) -> int:
        biggest = max(sizes)
        return max(f, -(-biggest // f) * f)

    height = whole_blocks(source.chunks[0], fr)
    width = whole_blocks(source.chunks[1], fc)
    # keep parts within the budget (dask's own chunks may be bigger)
    while height * width * out_dtype.itemsize > PART_BYTES and (height > fr or width > fc):
        if height >= width and height > fr:
            height = max(fr, height // 2 // fr * fr)
        else:
            width = max(fc, width // 2 // fc * fc)
    arr = source.astype(out_dtype).rechunk((height, width))

    def reduce_chunk(block: np.ndarray) -> np.ndarray:
        return reduce_blocks(np.asarray(block), fr, fc)

    return arr.map_blocks(
        reduce_chunk,
        chunks=(
            tuple(-(-c // fr) for c in arr.chunks[0]),
            tuple(-(-c // fc) for c in arr.chunks[1]),
        ),
        dtype=out_dtype,
        meta=np.empty((0, 0), dtype=out_dtype),
    )
