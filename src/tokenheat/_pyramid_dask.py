"""Levels of a pyramid (:mod:`tokenheat.pyramid`) written by dask, for a dask source: each
level is one dask computation whose tasks read, reduce and write squares of whole tiles
where dask runs them (dask's threads, or the user's ``dask.distributed`` cluster when a
``Client`` is active), so the kernel holds no part of the matrix. The squares line up with
the level's zarr chunks, so tasks never write to the same chunk and need no lock.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _sources
from ._blocks import reduce_blocks

#: What a refused value's message says to do after clipping (%s: what a build keeps).
AGAIN = ", then build again (the %s already written are kept)"

#: Cells of the dask chunks a level is written in (each a square of whole tiles): 2**22,
#: 16 MiB of float32, so a 2**34-cell source is some 4,096 tasks a level, not a million.
CHUNK_CELLS = 2**22


def write_level(
    source: Any, group: Any, k: int, tile: int, step: tuple[int, int]
) -> list[float] | None:
    """Write level ``k`` of the pyramid in ``group``: level 0 from the dask ``source``, a
    higher one from level ``k - 1``. Each task reads a square of whole tiles, writes it
    and returns only (for level 0) the finite minimum and maximum of what it wrote, so no
    task's data waits for another's. For level 0, the values' ``[min, max]`` (None when
    all are NaN)."""
    import dask.array as da

    target = group[str(k)]
    side = tile * max(1, math.isqrt(CHUNK_CELLS) // tile)  # output cells per chunk side
    sr, sc = step
    below = source if k == 0 else da.from_zarr(group[str(k - 1)])
    below = below.rechunk((side * sr, side * sc))

    described = _sources.describe(source)

    def write(block: np.ndarray, block_info: Any = None) -> np.ndarray:
        (r0, _), (c0, _) = block_info[0]["array-location"]
        if k == 0:
            out = _sources.finite_float32(block, r0, c0, described, AGAIN % "levels")
        else:
            out = reduce_blocks(block, sr, sc)
        o0, o1 = r0 // sr, c0 // sc
        target[o0 : o0 + out.shape[0], o1 : o1 + out.shape[1]] = out
        found = _sources.finite_range(out) if k == 0 else None  # higher levels: no range
        return np.array([found or [np.nan, np.nan]], dtype=np.float64)

    ends = below.map_blocks(
        write,
        chunks=((1,) * len(below.chunks[0]), (2,) * len(below.chunks[1])),
        dtype=np.float64,
        meta=np.empty((0, 0), np.float64),
    ).compute()
    # each block's minimum is at most its maximum: the extremes of all are the range
    return _sources.finite_range(ends) if k == 0 else None
