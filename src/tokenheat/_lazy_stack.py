"""A Heatmap of a pyramid too big to send whole (issue 17): the stack's float32 matrix
stands for :func:`tokenheat.open_pyramid`'s levels, read a window or a level at a time
through a :class:`tokenheat._lazy.LazyMatrix`, never whole. A source too big to read
whole stands in the same way for the levels a pass makes of it in the background
(:class:`tokenheat._source_levels.SourceLevels`: the same rules, over the levels it
serves; exports wait until it is read); a 3-D or 4-D one is a stack of panels, one
LazyMatrix each, whose tiles hold the same window of every panel.

- The overview sent with the state is the finest level within ``TILE_CELLS``: its cells
  are the max-|v| blocks of its factors, as the overview of a matrix in memory.
- Its tiles are fixed ones of its levels (:mod:`tokenheat._tiles`): a level's cells
  under a square of the level, read and sent as they are
  (:meth:`tokenheat.Pyramid.reduce_window`), kept in ``tile_cache``. The browser asks for
  those of the finest level at least as coarse as the block it wants (``_tile_blocks``,
  js/data/lod.js ``servedBlock``), so it does not ask again for what it has.
- The range is the pyramid's, from its metadata. There are no float64 originals (a
  pyramid holds float32) and no normalisation (its divisors would need a pass over every
  cell): ``normalize`` is refused.
- A Python export of a view the browser draws from the overview (its blocks no bigger
  than a pixel's cells) is drawn from the overview's cells under it by the browser's rule
  for a grid, so the output's PNG fallback draws the first view as the browser does;
  another view's cells are read, up to :data:`READ_CELLS`, and one covering more is
  drawn from a level's cells under it (:meth:`LazyPanels.export_level`). Only
  :meth:`Heatmap.to_rgba` of the whole of a big one is refused.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _data, _sources
from ._source_levels import PanelLevels, SourceLevels

if TYPE_CHECKING:
    from ._lazy import LazyMatrix

#: Most cells a Python export (or an index of ``Heatmap.values``' stand-in) reads of a
#: pyramid at once: 2**26 (256 MiB as float32, the LazyMatrix cache's budget).
READ_CELLS = 2**26


def read_in_background(obj: object) -> bool:
    """Whether ``obj`` is a 2-D, 3-D or 4-D source (memmap, zarr, h5py, dask) of more than
    :data:`READ_CELLS` cells in all, shown from levels made by a pass in the background
    (:mod:`tokenheat._source_levels`) instead of being read whole; one of more than
    ``MAX_PYRAMID_CELLS`` is refused."""
    if isinstance(obj, (list, tuple)):
        return _list_in_background(obj)
    if not _sources.is_source(obj) or len(obj.shape) not in (2, 3, 4):  # type: ignore[attr-defined]
        return False
    cells = math.prod(int(n) for n in obj.shape)  # type: ignore[attr-defined]
    if cells <= READ_CELLS:
        return False
    if cells > _data.MAX_PYRAMID_CELLS:
        raise ValueError(
            f"values is a {_sources.describe(obj)}: {cells:,} cells, more than the "
            f"{_data.MAX_PYRAMID_CELLS:,} (2**40) a tokenheat Heatmap shows; show a part of "
            "it (a slice), or a reduced copy, e.g. tokenheat.downsample(source, (fr, fc))"
        )
    return True


def _list_in_background(items: list | tuple) -> bool:
    """Whether a list of panels is 2-D sources (not pyramids) of more than
    :data:`READ_CELLS` cells in all, read in the background; refused when they differ in
    shape (panels of different shapes are padded, which needs them read) or are more
    than ``MAX_PYRAMID_CELLS`` cells."""
    if not items or not all(_sources.is_source(x) and not is_pyramid(x) for x in items):
        return False
    shapes = [tuple(int(n) for n in x.shape) for x in items]
    cells = sum(math.prod(s) for s in shapes)
    if cells <= READ_CELLS or any(len(s) != 2 for s in shapes):
        return False  # (read whole, as other arrays; a list of 3-D ones is a grid)
    if len(set(shapes)) > 1:
        i = next(i for i, s in enumerate(shapes) if s != shapes[0])
        raise ValueError(
            f"values is a list of sources of {cells:,} cells in all, more than the "
            f"{READ_CELLS:,} tokenheat reads at once, and values[{i}] has shape {shapes[i]} "
            f"where values[0] has {shapes[0]}: such panels are read in the background only "
            "when they have one shape; pass slices of one shape, or reduced copies, e.g. "
            "[tokenheat.downsample(s, (fr, fc)) for s in values]"
        )
    if cells > _data.MAX_PYRAMID_CELLS:
        raise ValueError(
            f"values is a list of {len(items)} sources of {shapes[0]}: {cells:,} cells, more "
            f"than the {_data.MAX_PYRAMID_CELLS:,} (2**40) a tokenheat Heatmap shows; pass "
            "fewer, slices of them, or reduced copies"
        )
    return True


def pyramid_list(obj: object) -> bool:
    """Whether ``obj`` is a list of pyramids (:func:`tokenheat.open_pyramid`) of more than
    ``SEND_CELLS`` cells in all, shown as a row of panels drawn from their levels;
    refused when their shapes or levels differ (a tile is the same window of every one)."""
    if not isinstance(obj, (list, tuple)) or not obj or not all(is_pyramid(x) for x in obj):
        return False
    if sum(math.prod(x.shape) for x in obj) <= _data.SEND_CELLS:  # type: ignore[attr-defined]
        return False
    first = obj[0]
    for i, x in enumerate(obj):
        if x.shape != first.shape or x.factors != first.factors:  # type: ignore[attr-defined]
            raise ValueError(
                f"values is a list of pyramids, but values[{i}] ({x.store!r}) is "  # type: ignore[attr-defined]
                f"{x.shape[0]:,} x {x.shape[1]:,} in levels of {x.factors} where values[0] "  # type: ignore[attr-defined]
                f"({first.store!r}) is {first.shape[0]:,} x {first.shape[1]:,} in levels of "  # type: ignore[attr-defined]
                f"{first.factors}; pyramids shown together must have one shape and be "  # type: ignore[attr-defined]
                "built with one tile size"
            )
    return True


def is_pyramid(obj: object) -> bool:
    """Whether ``obj`` is a :class:`tokenheat.Pyramid` (none exists unless
    ``tokenheat.pyramid`` was imported, so it is not imported to find out)."""
    module = sys.modules.get("tokenheat.pyramid")
    return module is not None and isinstance(obj, module.Pyramid)


class TooBig(ValueError):
    """A read of a pyramid that would cover more than :data:`READ_CELLS` cells."""


class LazyPanels:
    """The ``(P, rows, cols)`` float32 stack of a pyramid (``P`` 1) or of the panels of a
    source read in the background, one :class:`~tokenheat._lazy.LazyMatrix` a panel
    (``lazies``; ``lazy`` is the first, whose levels' factors all share), read on
    indexing: ``[p, rows, cols]`` with slices of unit step reads that window of panel
    ``p`` (at most :data:`READ_CELLS` cells); anything that would read it whole is
    refused."""

    ndim = 3
    dtype = np.dtype(np.float32)

    def __init__(self, lazies: list[LazyMatrix]) -> None:
        from ._lazy import TileCache
        from ._tiles import CACHE_BYTES

        self.lazies = lazies
        self.lazy = lazies[0]
        self.shape = (len(lazies), *self.lazy.shape)
        self.size = math.prod(self.shape)
        self.tile_cache = TileCache(CACHE_BYTES)  # fixed tiles sent (:mod:`tokenheat._tiles`)

    def __repr__(self) -> str:
        panels, rows, cols = self.shape
        what = f"{rows} x {cols}" if panels == 1 else f"{panels} panels of {rows} x {cols}"
        name = self.lazy.name if self.reading is None else self.reading.name
        return f"<tokenheat LazyPanels of {what}: {name}>"

    def __getitem__(self, key: Any) -> np.ndarray:
        panels = self.shape[0]
        if not (
            isinstance(key, tuple)
            and len(key) == 3
            and isinstance(key[0], (int, np.integer))
            and -panels <= key[0] < panels
        ):
            raise TypeError(f"a pyramid's stack is read as [panel, rows, cols], got {key!r:.80}")
        p, rows, cols = key
        (r0, r1), (c0, c1) = _span(rows, self.shape[1]), _span(cols, self.shape[2])
        self.check_read("export it")
        lazy = self.lazies[p]
        check_cells((r1 - r0) * (c1 - c0), lazy)
        if r0 == r1 or c0 == c1:
            return np.empty((r1 - r0, c1 - c0), dtype=np.float32)
        return lazy.window(r0, r1, c0, c1, keep=False)  # read once, by an export

    def whole(self) -> np.ndarray:
        """Every panel's values, ``(P, rows, cols)``, when they are at most
        :data:`READ_CELLS` in all (:class:`TooBig` otherwise)."""
        self.check_read("export it")
        check_cells(self.size, self.lazy, self.shape[0])
        return np.stack([self[p, :, :] for p in range(self.shape[0])])

    def __iter__(self):
        raise TypeError("a pyramid's stack is read a window at a time: index it [p, rows, cols]")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError("a pyramid's stack is read a window at a time: index it [p, rows, cols]")

    @property
    def reading(self) -> SourceLevels | None:
        """The levels of a source read in the background, None for a pyramid."""
        levels = self.lazy.pyramid
        return levels.owner if isinstance(levels, PanelLevels) else None

    def levels_of(self, p: int) -> Any:
        """Panel ``p``'s levels: the pyramid's, or its view of a source's
        (:class:`~tokenheat._source_levels.PanelLevels`)."""
        return self.lazies[p].pyramid

    def check_read(self, what: str) -> None:
        """Refuse ``what`` while a source is still being read (:class:`StillReading`)."""
        if self.reading is not None:
            self.reading.check_read(what)

    def overview_level(self) -> int:
        """The finest level of at most ``TILE_CELLS`` cells: the overview's."""
        if self.reading is not None:
            return self.reading.overview_level  # (planned with the levels)
        pyramid, panels = self.lazy.pyramid, self.shape[0]
        for k, level in enumerate(pyramid.levels):
            if math.prod(level.shape) * panels <= _data.TILE_CELLS:
                return k
        if panels > 1:  # its coarsest level is one tile: too many of them for an overview
            raise ValueError(
                f"{panels} pyramids are too many to show together: {panels} of their "
                f"coarsest level, {pyramid.levels[-1].shape}, are more than the "
                f"{_data.TILE_CELLS:,} cells of an overview; show fewer at a time"
            )
        raise ValueError(  # build_pyramid halves every level until it fits one tile
            f"the pyramid at {pyramid.store!r} has no level of at most {_data.TILE_CELLS:,} "
            "cells; build it again with tokenheat.build_pyramid"
        )

    def overview(self) -> tuple[np.ndarray, tuple[int, int]]:
        """The overview's values ``(P, h, w)`` and its factors."""
        k = self.overview_level()
        pyramid = self.lazy.pyramid
        if self.reading is not None:  # a copy: the pass writes on into the level
            return self.reading.snapshot(), pyramid.factors[k]
        levels = [lazy.pyramid.levels[k][...] for lazy in self.lazies]
        return np.ascontiguousarray(np.stack(levels), dtype="<f4"), pyramid.factors[k]

    def export_level(self, view: list[float], width: int, height: int) -> int | None:
        """The level a Python export of ``view`` in ``width`` x ``height`` pixels draws
        from: the overview when its blocks are no bigger than the cells a pixel covers
        (the browser then draws the view from it, and so does the export, reading only
        the overview's cells under the view); else None when the view's cells are few
        enough to read (at most :data:`READ_CELLS`); else the coarsest level that is no
        coarser than what a pixel covers (finer than the level the browser's tiles come
        in when the two differ); of a source read in the background, the
        coarsest kept level no coarser than that, or its finest kept one."""
        self.check_read("export it")
        r0, r1, c0, c1 = view
        want = [max(1, math.floor((r1 - r0) / height)), max(1, math.floor((c1 - c0) / width))]
        factors = self.lazy.pyramid.factors
        k = self.overview_level()
        if factors[k][0] <= want[0] and factors[k][1] <= want[1]:
            return k
        cells = (math.ceil(r1) - math.floor(r0)) * (math.ceil(c1) - math.floor(c0))
        if cells <= READ_CELLS:
            return None
        if self.reading is not None:  # of a source's levels, only the kept ones are read
            factors = factors[self.reading.first_kept :]
            return self.reading.first_kept + factors.index(nearest_factors(factors, want))
        return factors.index(nearest_factors(factors, want))


def nearest_factors(factors: list[tuple[int, int]], block: list[int]) -> tuple[int, int]:
    """The factors of the coarsest level no coarser than ``block`` on either axis.

    >>> nearest_factors([(1, 1), (2, 2), (4, 4)], [3, 9])
    (2, 2)
    """
    best = factors[0]
    for lr, lc in factors:
        if lr <= block[0] and lc <= block[1]:
            best = (lr, lc)
    return best


def _span(s: Any, n: int) -> tuple[int, int]:
    if isinstance(s, slice) and s.step in (None, 1):
        start, stop, _ = s.indices(n)
        return start, max(start, stop)
    raise TypeError(f"a pyramid's stack is read by slices of step 1, got {s!r:.60}")


def check_cells(cells: int, lazy: LazyMatrix, panels: int = 1) -> None:
    """Refuse a read of more than :data:`READ_CELLS` cells of a pyramid."""
    if cells > READ_CELLS:
        rows, cols = lazy.shape
        kind = "matrix" if isinstance(lazy.pyramid, PanelLevels) else "pyramid"
        what = f"the {rows:,} x {cols:,} {kind}"
        name = lazy.name
        if panels > 1:
            what = f"the {panels:,} panels of {rows:,} x {cols:,}"
            levels = lazy.pyramid
            name = levels.owner.name if isinstance(levels, PanelLevels) else f"{lazy.name}, ..."
        raise TooBig(
            f"this would read {cells:,} cells of {what} "
            f"({name}), more than the {READ_CELLS:,} tokenheat reads at once; zoom in "
            "(set view to a window of fewer cells) before exporting, or export a reduced "
            "copy, e.g. Heatmap(tokenheat.downsample(pyramid, (fr, fc)))"
        )


def is_lazy(f32: object) -> bool:
    return isinstance(f32, LazyPanels)


def check_normalize(f32: object, mode: str | None) -> None:
    """Refuse a normalisation of a pyramid: its divisors would need a pass over every cell."""
    if mode is not None and isinstance(f32, LazyPanels):
        rows, cols = f32.shape[1:]
        name = f32.lazy.name if f32.reading is None else f32.reading.name
        raise ValueError(
            f"normalize={mode!r} is not available for the {rows:,} x {cols:,} pyramid "
            f"({name}): its divisors would need a pass over every cell; use "
            "normalize=None"
        )
