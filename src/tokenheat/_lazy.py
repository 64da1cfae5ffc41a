"""A matrix bigger than memory, read a window at a time (issue 17's kernel side): the
values of a window, the max-|v| blocks of a window, and the finite range, from a source
(a memmap, zarr array, h5py dataset or dask array: :mod:`tokenheat._sources`) or from a
:class:`tokenheat.Pyramid`'s nearest level, with what was read kept in an LRU cache of a
stated byte budget.

Everything is float32, as a Heatmap's matrix is: a source of another dtype is cast a part
at a time *before* its blocks are reduced (the max-|v| of float64 values and of their
float32 casts can differ in sign where two values of opposite sign round to one
magnitude), and a value that is infinite, or too big for float32, is refused with its
place, as :func:`tokenheat._data.coerce_matrix` refuses it in memory.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from . import _sources

#: Bytes of windows and blocks a LazyMatrix keeps by default.
CACHE_BYTES = 2**28


class TileCache:
    """Arrays by key, least recently used first out once their bytes pass ``max_bytes``
    (an array bigger than the budget is returned but not kept)."""

    def __init__(self, max_bytes: int) -> None:
        if not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"max_bytes must be an int >= 0, got {max_bytes!r}")
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def peek(self, key: Hashable) -> np.ndarray | None:
        """The array kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return found

    def get(
        self, key: Hashable, make: Callable[[], np.ndarray], *, keep: bool = True
    ) -> np.ndarray:
        """The array kept for ``key``, or ``make()``'s (kept when it fits the budget and
        ``keep`` is true; read once otherwise, e.g. by an export, or kept elsewhere).
        Safe from several threads (a pyramid's tiles are read on a worker thread while
        an export reads in the kernel's); two may make the same array at once."""
        found = self.peek(key)
        if found is not None:
            return found
        with self._lock:
            self.misses += 1
        made = make()
        made.flags.writeable = False  # shared by every caller that asks again
        if not keep:
            return made
        with self._lock:
            if made.nbytes <= self.max_bytes and key not in self._items:
                self._items[key] = made
                self.bytes += made.nbytes
                while self.bytes > self.max_bytes:
                    _, old = self._items.popitem(last=False)
                    self.bytes -= old.nbytes
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


class _AsFloat32:
    """A source read as finite float32: each part read, cast and checked."""

    def __init__(self, source: Any, name: str) -> None:
        self.source, self.name = source, name
        self.shape, self.ndim = tuple(source.shape), 2
        self.dtype = np.dtype(np.float32)
        self.chunks = _sources.storage_chunks(source)
        kind = np.dtype(source.dtype)
        self._read_as = kind if kind == np.float32 else np.dtype(np.float64)

    def __getitem__(self, key: tuple[slice, slice]) -> np.ndarray:
        rows, cols = key
        r0, c0 = rows.start, cols.start
        part = _sources.read(self.source, r0, rows.stop, c0, cols.stop, self._read_as)
        return _sources.finite_float32(part, r0, c0, self.name)


def _cast32(block: np.ndarray) -> np.ndarray:
    """A dask block as float32 (a value too big for float32 becomes inf, reported later)."""
    with np.errstate(over="ignore"):
        return np.asarray(block, dtype=np.float32)


def check_blocks(
    blocks: np.ndarray, window: tuple[int, int, int, int], fr: int, fc: int, name: str
) -> None:
    """Refuse the ``fr`` x ``fc`` max-|v| blocks of ``window`` of a dask source cast to
    float32 where dask ran, if one is infinite (:class:`tokenheat._sources.BadValue` with
    the block's place): a value too big for float32 is then its block's strongest."""
    bad = np.argwhere(np.isinf(blocks))
    if len(bad):
        r, c = window[0] + int(bad[0][0]) * fr, window[2] + int(bad[0][1]) * fc
        raise _sources.BadValue(
            f"{name} must hold finite values or NaN that fit in float32 (|v| <= 3.4e38): "
            f"the block of rows {r}:{min(r + fr, window[1])}, columns "
            f"{c}:{min(c + fc, window[3])} holds {blocks[tuple(bad[0])]} as float32; clip or "
            "rescale it"
        )


class LazyMatrix:
    """A 2-D source or :class:`tokenheat.Pyramid` read a window at a time, as float32 (or
    a panel of a source's :class:`tokenheat._source_levels.SourceLevels`: its kept
    levels, else the source).

    Parameters
    ----------
    source
        A numpy memmap, zarr array, h5py dataset, dask array (anything with ``shape``,
        ``dtype`` and 2-D slicing), or a pyramid from :func:`tokenheat.open_pyramid`.
    cache_bytes
        Most bytes of windows and blocks kept for the next time they are asked for.
    name
        What messages call it (default: :func:`tokenheat._sources.describe` of it).
    """

    def __init__(
        self, source: Any, *, cache_bytes: int = CACHE_BYTES, name: str | None = None
    ) -> None:
        from ._source_levels import PanelLevels
        from .pyramid import Pyramid

        self.pyramid = source if isinstance(source, (Pyramid, PanelLevels)) else None
        written = isinstance(source, Pyramid)  # its level 0 is float32 and finite
        if written:
            base = source.levels[0]
        elif isinstance(source, PanelLevels):
            base, name = source.source, source.name
        else:
            base = source
        rows, cols, _ = _sources.check_matrix(base)
        self.shape = (rows, cols)
        self.name = _sources.describe(base) if name is None else name
        self.source = source
        self._dask = _sources.is_dask(base)
        self.chunk_rows = _sources.chunk_rows(base)  # (a read of whole ones reads each once)
        if written:
            self._f32: Any = base  # (build_pyramid refuses the rest)
        elif isinstance(source, PanelLevels):  # the panel's reader (its pass's) reads it
            self._f32 = source.reader._f32
        elif self._dask:
            self._f32 = base.map_blocks(_cast32, dtype=np.float32)  # checked where reduced
        else:
            self._f32 = _AsFloat32(base, self.name)
        self.cache = TileCache(cache_bytes)

    def __repr__(self) -> str:
        return f"<tokenheat LazyMatrix of {self.shape[0]} x {self.shape[1]}: {self.name}>"

    def window(self, r0: int, r1: int, c0: int, c1: int, *, keep: bool = True) -> np.ndarray:
        """The values of rows ``r0:r1`` and columns ``c0:c1`` (read only, float32); kept in
        the cache unless ``keep`` is false (a read streamed once, e.g. by an export)."""
        r0, r1, c0, c1 = _sources.check_window((r0, r1, c0, c1), *self.shape)
        key = ("window", r0, r1, c0, c1)
        return self.cache.get(key, lambda: self._read(r0, r1, c0, c1), keep=keep)

    def _read(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        part = _sources.read(self._f32, r0, r1, c0, c1, np.dtype(np.float32))
        return _sources.finite_float32(part, r0, c0, self.name) if self._dask else part

    def reduce(
        self,
        fr: int,
        fc: int,
        window: tuple[int, int, int, int] | None = None,
        *,
        keep: bool = True,
    ) -> np.ndarray:
        """The strongest value of each ``fr`` x ``fc`` block of ``window`` (the whole
        matrix when None; blocks start at its corner), as the browser's rule keeps it
        (:func:`tokenheat._blocks.reduce_blocks` of the float32 values); read only, float32.
        A pyramid gives it from its coarsest level that does so exactly. Kept in the cache
        unless ``keep`` is false (a batch of fixed tiles, kept as tiles instead)."""
        fr, fc = _sources.check_blocks(fr, fc)
        rows, cols = self.shape
        w = (0, rows, 0, cols) if window is None else _sources.check_window(window, rows, cols)

        def make() -> np.ndarray:
            if self.pyramid is not None:
                kept = self.pyramid.reduce_window(w, fr, fc)
                if kept is not None:  # (None: a source's levels read it for these blocks)
                    return kept
            out = _sources.reduce_source(self._f32, fr, fc, w)
            if self._dask:  # cast where dask ran: an infinite value is the block's strongest
                check_blocks(out, w, fr, fc, self.name)
            return out

        return self.cache.get(("blocks", fr, fc, *w), make, keep=keep)

    def data_range(self) -> tuple[float, float] | None:
        """The smallest and largest value that is not NaN (None when all are NaN): from a
        pyramid's metadata, else found once, a part at a time."""
        if self.pyramid is not None:
            return self.pyramid.data_range
        return self._found_range

    @functools.cached_property
    def _found_range(self) -> tuple[float, float] | None:
        """The range of a source without a pyramid, found once."""
        if self._dask:  # a dask computation, wherever dask runs
            import warnings

            import dask
            import dask.array as da

            with warnings.catch_warnings(), np.errstate(invalid="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)  # chunks of NaN only
                lo, hi = dask.compute(da.nanmin(self._f32), da.nanmax(self._f32))
            if np.isnan(lo):
                return None
            if np.isinf(lo) or np.isinf(hi):
                raise _sources.BadValue(
                    f"{self.name} must hold finite values or NaN that fit in float32 "
                    f"(|v| <= 3.4e38), but its range as float32 is {lo} .. {hi}; clip or "
                    "rescale it"
                )
            return float(lo), float(hi)
        rows, cols = self.shape
        height, width = _sources.part_shape(rows, cols, 1, 1, 4, _sources.storage_chunks(self._f32))
        found = None
        for r0 in range(0, rows, height):
            for c0 in range(0, cols, width):
                r1, c1 = min(rows, r0 + height), min(cols, c0 + width)
                part = _sources.finite_range(self._read(r0, r1, c0, c1))
                found = _sources.widen_range(found, part)
        return None if found is None else (found[0], found[1])
