"""A Heatmap of a source too big to read whole and without a pyramid (issue 17): one pass
over the source, on a background thread, reduces it a band of rows at a time into the
max-|v| levels that fit a memory budget, and the picture is drawn from what is read so
far (the rest is shown as not read yet) while the kernel runs other cells.

The levels, finest first, follow :func:`tokenheat.pyramid.level_factors` down to the
overview (the finest within ``TILE_CELLS``):

- *direct* levels, whose tiles are read from the source when asked for: those whose
  cells stand for at most :data:`DIRECT_CELLS` source cells, so that a tile of
  ``TILE_CELLS`` cells reads at most ``READ_CELLS``;
- *kept* levels, made by the pass and kept in memory: the finest of at most
  :data:`MEMORY_CELLS` cells and every coarser one down to the overview.

Levels in between are not served: a view that would need one gets the next kept level
(``_tile_blocks`` tells the browser so; js/data/lod.js ``servedBlock``). A tile of a
kept level whose rows are not read yet waits (:class:`NotReady`) until the pass has
read them. The finite range is found by the same pass, so the default colour range
follows it as it grows. :class:`SourceLevels` has the parts of
:class:`tokenheat.Pyramid` that :class:`tokenheat._lazy.LazyMatrix` and
:class:`tokenheat._lazy_stack.LazyPanels` use (``levels``, ``factors``,
``reduce_window``, ``data_range``).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _data, _sources
from ._blocks import reduce_blocks

_log = logging.getLogger("tokenheat")

#: Most cells of the finest level kept in memory: 2**26 (256 MiB as float32; the coarser
#: ones add a third of that).
MEMORY_CELLS = 2**26
#: Most source cells one cell of a level read straight from the source stands for.
DIRECT_CELLS = 16
#: Fewest bands a pass is read in when they are whole storage chunks of rows (fewer: a
#: band is the overview's rows, so that the picture still fills in as it is read).
MIN_BANDS = 4


class NotReady(Exception):
    """A tile of a level whose rows the pass has not read yet."""


class StillReading(ValueError):
    """An export of a source that is still being read."""


class _Virtual:
    """A level that is not kept: its shape only (its tiles are read from the source)."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape


def plan(shape: tuple[int, int], memory_cells: int) -> tuple[list[tuple[int, int]], int]:
    """The factors of every level served, finest first (the last is the overview's), and
    the index of the finest kept level among them.

    >>> plan((8192, 8192), 2**24)
    ([(1, 1), (2, 2), (4, 4)], 1)
    >>> plan((2**17, 2**17), 2**26)[0][-4:]
    [(4, 4), (16, 16), (32, 32), (64, 64)]
    """
    from .pyramid import level_factors

    rows, cols = shape
    factors = level_factors(shape, 1)
    cells = [-(-rows // fr) * -(-cols // fc) for fr, fc in factors]
    overview = next(k for k, n in enumerate(cells) if n <= _data.TILE_CELLS)
    memory = min(overview, next(k for k, n in enumerate(cells) if n <= memory_cells))
    served = [f for f in factors[:memory] if f[0] * f[1] <= DIRECT_CELLS]
    return served + factors[memory : overview + 1], len(served)


class SourceLevels:
    """The levels of a 2-D source, the kept ones made by one pass on a thread
    (:meth:`start`): ``rows_read`` source rows are read, ``done`` once all are (``error``
    when a read failed), ``ended`` once the pass is over (done, failed or stopped).
    ``listeners`` are called on the thread after each band and at the end."""

    def __init__(self, source: Any, *, memory_cells: int | None = None) -> None:
        from ._lazy import LazyMatrix

        memory_cells = MEMORY_CELLS if memory_cells is None else memory_cells
        rows, cols, _ = _sources.check_matrix(source)
        self.source = source
        self.shape = (rows, cols)
        self.name = _sources.describe(source)
        self.store = None
        self.factors, self.first_kept = plan(self.shape, memory_cells)
        self.levels: list[Any] = []
        for k, (fr, fc) in enumerate(self.factors):
            shape = (-(-rows // fr), -(-cols // fc))
            kept = k >= self.first_kept
            self.levels.append(np.full(shape, np.nan, np.float32) if kept else _Virtual(shape))
        self.reader = LazyMatrix(source, cache_bytes=0)  # the source's float32, checked
        self.rows_read = 0
        self.done = False
        self.ended = False  # the pass is over: done, failed or stopped
        self.error: BaseException | None = None
        self._range: list[float] | None = None
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listeners: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        rows, cols = self.shape
        state = "read" if self.done else f"{self.rows_read:,} of {rows:,} rows read"
        return f"<tokenheat SourceLevels of {rows} x {cols} ({state}): {self.name}>"

    # --------------------------------------------------------------- the pass
    def start(self) -> None:
        """Start the pass (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="tokenheat-read", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the pass after the band it is reading (the widget let the source go)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the pass has ended (read every row, failed or stopped)."""
        return self._finished.wait(timeout)

    @property
    def band_rows(self) -> int:
        """Rows of a band: whole cells of the overview (so no cell of a kept level spans
        two bands), and whole storage chunks of rows (so no chunk is read twice) unless
        that leaves fewer than :data:`MIN_BANDS`. A band is read a part of at most
        ``PART_BYTES`` at a time."""
        unit = self.factors[-1][0]
        chunk = _sources.chunk_rows(self.source)
        whole = unit if chunk is None else math.lcm(unit, chunk)
        return whole if whole * MIN_BANDS <= self.shape[0] else unit

    def _run(self) -> None:
        rows = self.shape[0]
        try:
            for r0 in range(0, rows, self.band_rows):
                if self._stop.is_set():
                    return
                r1 = min(rows, r0 + self.band_rows)
                finest, found = self._read_band(r0, r1)
                self._keep(r0, r1, finest, found)
                self._tell()
            self.done = True
        except BaseException as exc:  # shown in the view and raised by Heatmap.wait_for_source
            self.error = exc
            _log.warning("tokenheat: reading %s failed: %s", self.name, exc)
        finally:
            self.ended = True
            self._tell()  # (before a waiter is let go: it then sees the last state sent)
            self._finished.set()

    def _read_band(self, r0: int, r1: int) -> tuple[np.ndarray, list[float] | None]:
        """The finest kept level's cells of source rows ``r0:r1`` and their values' range."""
        fr, fc = self.factors[self.first_kept]
        window = (r0, r1, 0, self.shape[1])
        if self.reader._dask:
            return _dask_band(self.reader, window, fr, fc)
        found = None

        def widen(part: np.ndarray) -> None:
            nonlocal found
            found = _sources.widen_range(found, _sources.finite_range(part))

        # (the reader's float32, each part checked finite as it is read)
        out = _sources.reduce_source(self.reader._f32, fr, fc, window, each_part=widen)
        return out, found

    def _keep(self, r0: int, r1: int, finest: np.ndarray, found: list[float] | None) -> None:
        """Write a band into every kept level, then count its rows read."""
        level = finest
        for k in range(self.first_kept, len(self.factors)):
            fr, fc = self.factors[k]
            if k > self.first_kept:
                below = self.factors[k - 1]
                level = reduce_blocks(level, fr // below[0], fc // below[1])
            self.levels[k][r0 // fr : r0 // fr + level.shape[0]] = level
        with self._lock:
            self._range = _sources.widen_range(self._range, found)
            self.rows_read = r1

    def _tell(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except Exception as exc:  # a widget that could not update: the pass goes on
                _log.warning("tokenheat: could not show the rows read: %s", exc)

    # --------------------------------------------------------------- reading it
    @property
    def data_range(self) -> tuple[float, float] | None:
        """The finite range of the rows read so far (None while none has a value)."""
        with self._lock:
            found = self._range
        return None if found is None else (found[0], found[1])

    @property
    def overview_level(self) -> int:
        return len(self.factors) - 1

    def snapshot(self, k: int) -> np.ndarray:
        """A copy of kept level ``k`` as read so far (NaN where not read yet)."""
        return np.array(self.levels[k], dtype="<f4")

    def reduce_window(
        self, window: tuple[int, int, int, int], fr: int, fc: int
    ) -> np.ndarray | None:
        """The ``fr`` x ``fc`` blocks of ``window`` from the coarsest kept level that
        gives them exactly (as :meth:`tokenheat.Pyramid.reduce_window`); None when only
        the source does (read it); :class:`NotReady` when that level's rows under the
        window are not read yet."""
        from .pyramid import gives_blocks, level_blocks

        r0, r1, _, _ = window
        best = None
        for k in range(self.first_kept, len(self.factors)):
            if gives_blocks(self.factors[k], window, fr, fc, self.shape):
                best = k
        if best is None:
            return None
        if not self.done and r1 > self.rows_read:
            if self.error is not None:
                raise OSError(f"reading {self.name} failed: {self.error}")
            raise NotReady(f"rows {r0}:{r1} of {self.name} are not read yet")
        return level_blocks(self.levels[best], self.factors[best], window, fr, fc)

    def check_read(self, what: str) -> None:
        """Refuse ``what`` (an export) until every row is read."""
        if self.done:
            return
        rows = self.shape[0]
        if self.error is not None:
            raise StillReading(
                f"cannot {what}: reading the {self.name} failed at row {self.rows_read:,} of "
                f"{rows:,}: {self.error}"
            )
        raise StillReading(
            f"cannot {what} yet: the {self.name} is still being read ({self.rows_read:,} of "
            f"{rows:,} rows, {100 * self.rows_read / rows:.0f} %); wait for it with "
            "heatmap.wait_for_source(), or build its pyramid once with "
            "tokenheat.build_pyramid(source, store) and show tokenheat.open_pyramid(store)"
        )


def _dask_band(reader: Any, window: tuple[int, int, int, int], fr: int, fc: int):
    """A band (``window``, whole rows) of a dask source reduced, and its range, in one
    dask computation (where dask runs: its threads or the user's cluster)."""
    import warnings

    import dask
    import dask.array as da

    from ._lazy import check_blocks

    part = reader._f32[window[0] : window[1]]
    blocks = _sources.dask_blocks(part, fr, fc, np.dtype(np.float32))
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # chunks of NaN only
        out, lo, hi = dask.compute(blocks, da.nanmin(part), da.nanmax(part))
    out = np.asarray(out, dtype=np.float32)
    check_blocks(out, window, fr, fc, reader.name)
    return out, None if np.isnan(lo) else [float(lo), float(hi)]
