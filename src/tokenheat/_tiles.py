"""Fixed tiles of a pyramid's levels, or of those a source read in the background serves
(issue 17; docs/architecture.md, "Fixed tiles"): a tile is a square of :func:`tile_side`
of a level's cells (:func:`tile_window`), the same place of every panel of a stack. A
request is read a batch at a time (one window around the tiles of a square,
:func:`read_tiles`), so that a storage chunk under several tiles is read once, what is
read is kept by level and place for the next time, and the tiles go together in messages
of up to 1 MiB (:func:`messages`). :mod:`tokenheat._tile_server` answers on a thread.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._source_levels import NotReady

#: Side of a fixed tile (level cells) for one panel: half a pyramid's storage tile, so the
#: tiles over a view hold fewer cells outside it (256 made a tile under the view arrive in
#: 82 / 110 ms, median / p95, at 131072²; 128 in 53 / 93: benchmarks/README.md).
TILE_SIDE = 128
#: Most cells of one tile, every panel's together (1 MiB as float32): a stack's tiles are
#: smaller squares, so that a tile comes in one message.
TILE_CELLS = 2**18
#: Most cells a batch reads at once, every panel's together (what a window reads).
BATCH_CELLS = 2**22
#: Bytes of tiles the kernel keeps for the next time a view asks for them.
CACHE_BYTES = 2**27
#: Most tiles one request may ask for.
MAX_ASKED = 4096


def tile_side(panels: int) -> int:
    """The side of a tile of a stack of ``panels``: :data:`TILE_SIDE` halved until a tile
    of every panel is within :data:`TILE_CELLS` (16 at least).

    >>> [tile_side(p) for p in (1, 16, 17, 144, 1024, 5000)]
    [128, 128, 64, 32, 16, 16]
    """
    side = TILE_SIDE
    while side > 16 and panels * side * side > TILE_CELLS:
        side //= 2
    return side


def level_tiles(level: tuple[int, int], side: int, shape: tuple[int, int]) -> tuple[int, int]:
    """How many tiles of ``side`` a level of ``level`` factors of a ``shape`` matrix has
    down and across.

    >>> level_tiles((4, 4), 256, (5000, 2000))
    (5, 2)
    """
    (fr, fc), (rows, cols) = level, shape
    return -(-rows // (fr * side)), -(-cols // (fc * side))


def tile_window(
    level: tuple[int, int], tile: tuple[int, int], side: int, shape: tuple[int, int]
) -> tuple[int, int, int, int]:
    """The matrix cells ``(r0, r1, c0, c1)`` tile ``(ti, tj)`` of a level stands for:
    ``side`` x ``side`` of the level's cells (fewer at the matrix's edges).

    >>> tile_window((4, 4), (4, 1), 256, (5000, 2000))
    (4096, 5000, 1024, 2000)
    """
    (fr, fc), (ti, tj), (rows, cols) = level, tile, shape
    r0, c0 = ti * side * fr, tj * side * fc
    return r0, min(rows, r0 + side * fr), c0, min(cols, c0 + side * fc)


def _batches(tiles: list[tuple[int, int]], per_batch: int) -> list[list[tuple[int, int]]]:
    """``tiles`` in groups of a square of at most ``per_batch`` tile places each (a batch
    is read as one window: the box around its tiles), each group where its first tile is
    asked for (those under the view come first)."""
    across = max(1, math.isqrt(per_batch))
    down = max(1, per_batch // across)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for ti, tj in tiles:
        groups.setdefault((ti // down, tj // across), []).append((ti, tj))
    return list(groups.values())


Found = list[tuple[tuple[int, int], tuple[int, int, int, int], np.ndarray]]


def read_tiles(
    stack: Any,
    level: tuple[int, int],
    tiles: list[tuple[int, int]],
    side: int,
    cache: Any,
) -> Iterator[Found]:
    """``(tile, window, values)`` of each of ``tiles`` of ``level`` of a
    :class:`tokenheat._lazy_stack.LazyPanels` ``stack``, ``values`` ``(P, h, w)`` the
    level's cells under the tile's window of every panel, in lists: those ``cache`` (a
    :class:`tokenheat._lazy.TileCache`) keeps first, then the rest read a batch at a time
    (one window around the tiles of a square of at most :data:`BATCH_CELLS` cells, so a
    storage chunk under several tiles is read once), a list a batch. :class:`NotReady`
    (after the tiles that could be read) when some are of rows a source's pass has not
    read yet."""
    panels, rows, cols = stack.shape
    shape = (rows, cols)
    fr, fc = level
    kept: Found = []
    waiting = []
    for tile in tiles:
        found = cache.peek((fr, fc, *tile))
        if found is not None:
            kept.append((tile, tile_window(level, tile, side, shape), found))
        else:
            waiting.append(tile)
    if kept:
        yield kept
    late: list[tuple[int, int]] = []
    for batch in _batches(waiting, max(1, BATCH_CELLS // (panels * side * side))):
        windows = [tile_window(level, tile, side, shape) for tile in batch]
        box = (
            min(w[0] for w in windows),
            max(w[1] for w in windows),
            min(w[2] for w in windows),
            max(w[3] for w in windows),
        )
        read: Found = []
        try:
            values = _read(stack, level, box)
        except NotReady:  # some rows are read: answer those tiles, one at a time
            for tile, window in zip(batch, windows, strict=True):
                try:
                    read.append(
                        (tile, window, _kept(cache, level, tile, _read(stack, level, window)))
                    )
                except NotReady:
                    late.append(tile)
            if read:
                yield read
            continue
        for tile, window in zip(batch, windows, strict=True):
            r0, c0 = (window[0] - box[0]) // fr, (window[2] - box[2]) // fc
            h, w = -(-(window[1] - window[0]) // fr), -(-(window[3] - window[2]) // fc)
            cut = np.ascontiguousarray(values[:, r0 : r0 + h, c0 : c0 + w])
            read.append((tile, window, _kept(cache, level, tile, cut)))
        yield read
    if late:
        raise NotReady(f"{len(late)} tiles of rows not read yet")


def messages(
    request: str, level: tuple[int, int], found: Found, panels: bool
) -> Iterator[tuple[list[tuple[int, int]], dict[str, Any], list[Any]]]:
    """The messages that carry ``found`` tiles: ``(places, content, buffers)``. Tiles go
    together, a buffer each, in a ``tiles`` message of at most
    :data:`tokenheat._chunks.CHUNK_BYTES` (a message a tile: the tiles under a view at
    131072² arrived in 83 / 158 ms, median / p95; together in 53 / 93); a bigger tile alone, in
    parts (:func:`tokenheat._chunks.split`). ``panels``: say how many (a stack's)."""
    from ._chunks import CHUNK_BYTES, split

    def entry(tile: tuple[int, int], window: tuple[int, ...], values: np.ndarray) -> dict:
        return {"tile": list(tile), "window": list(window), "shape": list(values.shape[1:])}

    group: Found = []
    size = 0
    for item in [*found, None]:
        if group and (item is None or size + item[2].nbytes > CHUNK_BYTES):
            content: dict[str, Any] = {"type": "tiles", "id": request, "block": list(level)}
            content["tiles"] = [entry(*t) for t in group]
            if panels:
                content["panels"] = group[0][2].shape[0]
            yield [t[0] for t in group], content, [memoryview(t[2]).cast("B") for t in group]
            group, size = [], 0
        if item is None:
            break
        if item[2].nbytes > CHUNK_BYTES:  # alone, in parts
            tile, _, values = item
            reply = {"type": "tile", "id": request, "block": list(level), **entry(*item)}
            if panels:
                reply["panels"] = values.shape[0]
            for part, buffers in split(reply, values):
                yield [tile], part, buffers
            continue
        group.append(item)
        size += item[2].nbytes


def _read(stack: Any, level: tuple[int, int], window: tuple[int, int, int, int]) -> np.ndarray:
    """The level's cells under ``window`` of every panel, ``(P, h, w)``, not kept by the
    panels' own caches (the tiles cut from them are)."""
    return np.stack([lazy.reduce(*level, window, keep=False) for lazy in stack.lazies])


def _kept(cache: Any, level: tuple[int, int], tile: tuple[int, int], values: np.ndarray):
    return cache.get((*level, *tile), lambda: values)
