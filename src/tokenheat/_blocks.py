"""Reduction by blocks, keeping the strongest value of each (largest magnitude, sign
kept): the overview and windows of big matrices, and :func:`tokenheat.downsample`. The
same rule as the browser's zoomed-out pixels (js/data/reduce.js).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _sources


def downsample(values: ArrayLike, factor: int | tuple[int, int]) -> np.ndarray:
    """Reduce a matrix by blocks of ``factor`` rows x columns, keeping in each block the
    value with the largest magnitude (its sign kept, the positive one of ``+x`` and
    ``-x``; NaN only if the whole block is NaN), so that strong cells stay visible. Edge
    blocks may be smaller. Float input keeps its dtype; other input becomes float64.

    ``values`` may be bigger than memory: a numpy memmap, a zarr array, an h5py dataset
    (anything with ``shape``, ``dtype`` and 2-D slicing) is read a part at a time, at most
    64 MiB at once; a dask array is reduced as a dask computation, on dask's threads or,
    when a ``dask.distributed`` ``Client`` is active, on its cluster. Only the result is
    held whole. A :class:`tokenheat.Pyramid` is reduced from its nearest level.

    Parameters
    ----------
    values : array-like, 2-D, or a 2-D memmap, zarr array, h5py dataset or dask array
    factor : int or (int, int)
        Block size: the same for rows and columns, or ``(rows, cols)``.

    Examples
    --------
    >>> downsample([[1.0, -5.0, 2.0], [3.0, 4.0, float("nan")]], 2)
    array([[-5.,  2.]])
    """
    fr, fc = (factor, factor) if isinstance(factor, (int, np.integer)) else tuple(factor)
    if not all(isinstance(f, (int, np.integer)) and f >= 1 for f in (fr, fc)):
        raise ValueError(f"factor must be a positive int or a pair of them, got {factor!r}")
    from .pyramid import Pyramid

    if isinstance(values, Pyramid):
        return values.downsample(int(fr), int(fc))
    if _sources.is_source(values):
        return _sources.reduce_source(values, int(fr), int(fc))
    arr = np.asarray(values)
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"downsample needs a 2-D matrix, got {arr.ndim}-D")
    return reduce_blocks(arr, int(fr), int(fc))


def reduce_blocks(
    arr: np.ndarray,
    fr: int,
    fc: int,
    window: tuple[int, int, int, int] | None = None,
    *,
    chunk: int = 2**22,
) -> np.ndarray:
    """The strongest value of each ``fr`` x ``fc`` block of ``arr[r0:r1, c0:c1]`` (blocks
    start at ``r0``, ``c0``; the last ones may be smaller), in ``arr``'s float dtype.

    The same rule as the browser's zoomed-out pixels (``stronger`` in js/data/reduce.js):
    largest ``|v|``, of ``+x`` and ``-x`` the positive, NaN only when all are NaN. Works
    through the window about ``chunk`` cells at a time, so memory beyond the result stays
    small however big ``arr`` is.
    """
    r0, r1, c0, c1 = (0, arr.shape[0], 0, arr.shape[1]) if window is None else window
    # a block larger than the window is the window: the work depends on the data only
    fr, fc = min(fr, r1 - r0), min(fc, c1 - c0)
    rows, cols = -(-(r1 - r0) // fr), -(-(c1 - c0) // fc)
    out = np.empty((rows, cols), dtype=arr.dtype)
    if fr == fc == 1:
        out[...] = arr[r0:r1, c0:c1]
        return out
    starts = np.arange(0, c1 - c0, fc)
    step = max(1, chunk // max(1, c1 - c0))  # block rows per chunk
    for i in range(0, rows, step):
        n = min(step, rows - i)
        part = arr[r0 + i * fr : min(r1, r0 + (i + n) * fr), c0:c1]
        # largest and smallest of each block (fmax/fmin skip NaN, so a block is NaN
        # only when all its cells are): first down the rows, whole rows at a time...
        hi = part[::fr].copy()
        lo = hi.copy()
        for dr in range(1, fr):
            more = part[dr::fr]
            k = more.shape[0]  # the last block may have fewer rows
            np.fmax(hi[:k], more, out=hi[:k])
            np.fmin(lo[:k], more, out=lo[:k])
        # ...then across the columns
        if fc > 1:
            hi = np.fmax.reduceat(hi, starts, axis=1)
            lo = np.fmin.reduceat(lo, starts, axis=1)
        with np.errstate(invalid="ignore"):
            out[i : i + n] = np.where(hi >= -lo, hi, lo)  # the stronger; +x before -x
    return out


def block_factors(
    shape: tuple[int, int], cells: int, start: tuple[int, int] = (1, 1)
) -> tuple[int, int]:
    """Block rows and columns, at least ``start``, that bring ``shape`` within ``cells``:
    the axis with more blocks grows first, so a long thin matrix is reduced along its
    length only.

    >>> block_factors((20000, 20000), 2**22)
    (10, 10)
    >>> block_factors((10_000_000, 50), 2**22)
    (120, 1)
    """
    fr, fc = start
    rows, cols = shape
    while (nr := -(-rows // fr)) * (nc := -(-cols // fc)) > cells:
        # grow by about the factor still missing: along the longer axis up to balance,
        # then both alike; at least one step
        need = nr * nc / cells
        if nr >= nc:
            fr = max(fr + 1, int(fr * min(need, max(nr / nc, need**0.5))))
        else:
            fc = max(fc + 1, int(fc * min(need, max(nc / nr, need**0.5))))
    return fr, fc
