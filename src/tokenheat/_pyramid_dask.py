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

from ._blocks import reduce_blocks


def _finite_float32(block: np.ndarray, block_info: Any = None) -> np.ndarray:
    """A source block as float32, refused (with the place) if a value is infinite or too
    big for float32."""
    with np.errstate(over="ignore"):
        out = np.asarray(block, dtype=np.float32)
    bad = np.isinf(out)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        (r0, _), (c0, _) = block_info[0]["array-location"]
        raise ValueError(
            f"source must hold finite values or NaN that fit in float32 (|v| <= 3.4e38): "
            f"row {r0 + r}, column {c0 + c} is {float(block[r, c])} ({out[r, c]} as float32); clip "
            "or rescale it, then build again (the levels already written are kept)"
        )
    return out


def _extremes(block: np.ndarray) -> np.ndarray:
    """The finite minimum and maximum of a block, as a 1 x 2 array (NaN when all NaN)."""
    return np.array(
        [[np.fmin.reduce(block, axis=None), np.fmax.reduce(block, axis=None)]], dtype=np.float64
    )


#: Cells of the dask chunks a level is written in (each a square of whole tiles): 2**22,
#: 16 MiB of float32, so a 2**34-cell source is some 4,096 tasks a level, not a million.
CHUNK_CELLS = 2**22


def write_level(
    source: Any, group: Any, k: int, tile: int, step: tuple[int, int]
) -> list[float] | None:
    """Write level ``k`` of the pyramid in ``group``: level 0 from the dask ``source``, a
    higher one from level ``k - 1``. Each task reads a square of whole tiles, writes it
    and returns only the finite minimum and maximum of what it wrote, so no task's data
    waits for another's. For level 0, the values' ``[min, max]`` (None when all NaN)."""
    import dask.array as da

    target = group[str(k)]
    side = tile * max(1, math.isqrt(CHUNK_CELLS) // tile)  # output cells per chunk side
    sr, sc = step
    below = source if k == 0 else da.from_zarr(group[str(k - 1)])
    below = below.rechunk((side * sr, side * sc))

    def write(block: np.ndarray, block_info: Any = None) -> np.ndarray:
        (r0, _), (c0, _) = block_info[0]["array-location"]
        out = _finite_float32(block, block_info) if k == 0 else reduce_blocks(block, sr, sc)
        o0, o1 = r0 // sr, c0 // sc
        target[o0 : o0 + out.shape[0], o1 : o1 + out.shape[1]] = out
        return _extremes(out)

    ends = below.map_blocks(
        write,
        chunks=((1,) * len(below.chunks[0]), (2,) * len(below.chunks[1])),
        dtype=np.float64,
        meta=np.empty((0, 0), np.float64),
    ).compute()
    lo, hi = np.fmin.reduce(ends[:, 0::2], axis=None), np.fmax.reduce(ends[:, 1::2], axis=None)
    return None if k > 0 or np.isnan(lo) else [float(lo), float(hi)]
