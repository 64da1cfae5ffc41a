"""Levels of a pyramid (:mod:`tokenheat.pyramid`) written by dask, for a dask source: each
level is one dask computation that reads, reduces and writes tile-sized chunks where dask
runs them (dask's threads, or the user's ``dask.distributed`` cluster when a ``Client`` is
active), so the kernel holds no part of the matrix. The chunks written line up with the
level's zarr chunks, so tasks never write to the same chunk and need no lock.
"""

from __future__ import annotations

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


def write_level(
    source: Any, group: Any, k: int, tile: int, step: tuple[int, int]
) -> list[float] | None:
    """Write level ``k`` of the pyramid in ``group``: level 0 from the dask ``source``, a
    higher one from level ``k - 1``. For level 0, the values' finite ``[min, max]`` (None
    when all are NaN), found in the same pass."""
    import dask
    import dask.array as da

    target = group[str(k)]
    if k == 0:
        level = source.rechunk((tile, tile)).map_blocks(
            _finite_float32, dtype=np.float32, meta=np.empty((0, 0), np.float32)
        )
        ends = level.map_blocks(
            _extremes,
            chunks=((1,) * len(level.chunks[0]), (2,) * len(level.chunks[1])),
            dtype=np.float64,
            meta=np.empty((0, 0), np.float64),
        )
        _, found = dask.compute(da.store(level, target, lock=False, compute=False), ends)
        lo = np.fmin.reduce(found[:, 0::2], axis=None)
        hi = np.fmax.reduce(found[:, 1::2], axis=None)
        return None if np.isnan(lo) else [float(lo), float(hi)]
    sr, sc = step
    below = da.from_zarr(group[str(k - 1)]).rechunk((tile * sr, tile * sc))

    def reduce_chunk(block: np.ndarray) -> np.ndarray:
        return reduce_blocks(block, sr, sc)

    level = below.map_blocks(
        reduce_chunk,
        chunks=(
            tuple(-(-c // sr) for c in below.chunks[0]),
            tuple(-(-c // sc) for c in below.chunks[1]),
        ),
        dtype=np.float32,
        meta=np.empty((0, 0), np.float32),
    )
    da.store(level, target, lock=False)
    return None
