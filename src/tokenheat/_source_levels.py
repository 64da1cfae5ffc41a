"""A Heatmap of a source too big to read whole and without a pyramid (issue 17): one pass
over the source, on a background thread, reduces it a band of rows at a time into the
max-|v| levels that fit a memory budget, and the picture is drawn from what is read so
far (the rest is shown as not read yet) while the kernel runs other cells. A 3-D or 4-D
source is panels: the pass reads the same band of every panel before the next band, and
the panels share the budgets.

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
:class:`tokenheat.Pyramid` that :class:`tokenheat._lazy_stack.LazyPanels` uses, and
each panel's :class:`PanelLevels` those that :class:`tokenheat._lazy.LazyMatrix` uses
(``levels``, ``factors``, ``reduce_window``, ``data_range``).
"""

from __future__ import annotations

import itertools
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
#: Most cells (of every panel together) of the first band, when its bands are bigger, so
#: that the first rows show soon (the rest of the first band's chunks is read again).
FIRST_BAND_CELLS = 2**24


class NotReady(Exception):
    """A tile of a level whose rows the pass has not read yet."""


class StillReading(ValueError):
    """An export of a source that is still being read."""


class _Virtual:
    """A level that is not kept: its shape only (its tiles are read from the source)."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape


def plan(
    shape: tuple[int, int], memory_cells: int, overview_cells: int | None = None
) -> tuple[list[tuple[int, int]], int]:
    """The factors of every level served of a ``shape`` matrix (a panel's), finest first
    (the last is the overview's, the finest of at most ``overview_cells``, by default
    ``TILE_CELLS``), and the index of the finest kept level among them (the finest of at
    most ``memory_cells``).

    >>> plan((8192, 8192), 2**24)
    ([(1, 1), (2, 2), (4, 4)], 1)
    >>> plan((2**17, 2**17), 2**26)[0][-4:]
    [(4, 4), (16, 16), (32, 32), (64, 64)]
    """
    from .pyramid import level_factors

    rows, cols = shape
    factors = level_factors(shape, 1)
    cells = [-(-rows // fr) * -(-cols // fc) for fr, fc in factors]
    limit = _data.TILE_CELLS if overview_cells is None else overview_cells
    overview = next(k for k, n in enumerate(cells) if n <= limit)
    memory = min(overview, next(k for k, n in enumerate(cells) if n <= memory_cells))
    served = [f for f in factors[:memory] if f[0] * f[1] <= DIRECT_CELLS]
    return served + factors[memory : overview + 1], len(served)


class SourceLevels:
    """The levels of a 2-D source, or of every panel of a 3-D ``(panels, rows, cols)`` or
    4-D ``(grid_rows, grid_cols, rows, cols)`` one, the kept ones made by one pass on a
    thread (:meth:`start`): ``rows_read`` rows of every panel are read, ``done`` once all
    are (``error`` when a read failed), ``ended`` once the pass is over (done, failed or
    stopped). ``listeners`` are called on the thread after each band and at the end.

    The panels share the budgets: a kept level holds every panel's cells, ``(P, h, w)``,
    within ``memory_cells`` in all, and the overview's are within ``TILE_CELLS`` in all
    (as an in-memory stack's overview). ``panels[p]`` is panel ``p``'s view of them
    (:class:`PanelLevels`), which a :class:`tokenheat._lazy.LazyMatrix` reads."""

    def __init__(self, source: Any, *, memory_cells: int | None = None) -> None:
        from ._lazy import LazyMatrix

        memory_cells = MEMORY_CELLS if memory_cells is None else memory_cells
        self.source = source
        if isinstance(source, (list, tuple)):  # 2-D sources of one shape: a row of panels
            self.name = f"{len(source)} sources like the {_sources.describe(source[0])}"
            self.layout: tuple[int, ...] = (len(source),)
        else:
            self.name = _sources.describe(source)
            self.layout = tuple(int(n) for n in source.shape[:-2])
            if len(source.shape) not in (2, 3, 4) or 0 in source.shape:
                raise ValueError(
                    f"values must be a non-empty 2-D (rows, cols), 3-D (panels, rows, cols) "
                    f"or 4-D (grid_rows, grid_cols, rows, cols) source, got {self.name}"
                )
        panels = _sources.panel_sources(source)
        rows, cols, _ = _sources.check_matrix(panels[0][0])
        for panel, name in panels[1:] if isinstance(source, (list, tuple)) else []:
            if _sources.check_matrix(panel, name)[:2] != (rows, cols):
                raise ValueError(f"{name} must have the shape of values[0], {(rows, cols)}")
        self.count = len(panels)
        self.shape = (rows, cols)
        self.store = None
        self.factors, self.first_kept = plan(
            self.shape, max(1, memory_cells // self.count), max(1, _data.TILE_CELLS // self.count)
        )
        # the overview is sent as it is (NaN where not read yet); the finer kept levels
        # are read only where the pass has been (reduce_window), so their memory is taken
        # as they fill (np.full of 256 MiB took 0.5 s before anything could be shown)
        self.levels: list[Any] = []
        for k, (fr, fc) in enumerate(self.factors):
            shape = (-(-rows // fr), -(-cols // fc))
            if k == len(self.factors) - 1:
                self.levels.append(np.full((self.count, *shape), np.nan, np.float32))
            elif k >= self.first_kept:
                self.levels.append(np.empty((self.count, *shape), np.float32))
            else:
                self.levels.append(_Virtual(shape))
        # each panel's float32, checked
        self.readers = [LazyMatrix(s, cache_bytes=0, name=n) for s, n in panels]
        self.panels = [PanelLevels(self, p) for p in range(self.count)]
        self.rows_read = 0
        self.done = False
        self.ended = False  # the pass is over: done, failed or stopped
        self.error: BaseException | None = None
        self._range: list[float] | None = None
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._stop = threading.Event()
        self._gate = threading.Condition()  # (a paused pass waits on it)
        self.paused = False
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
        self.resume()  # (a paused pass ends)

    def pause(self) -> None:
        """Let the pass wait after the band it is reading until :meth:`resume` (no view
        shows it: e.g. its cell was run again, and ipywidgets keeps the widget)."""
        with self._gate:
            self.paused = True

    def resume(self) -> None:
        """Let a paused pass go on."""
        with self._gate:
            self.paused = False
            self._gate.notify_all()

    def _go(self) -> bool:
        """Wait while paused; whether the pass goes on (False: stopped)."""
        with self._gate:
            self._gate.wait_for(lambda: not self.paused or self._stop.is_set())
        return not self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the pass has ended (read every row, failed or stopped)."""
        return self._finished.wait(timeout)

    @property
    def band_rows(self) -> int:
        """Rows of a band: whole cells of the overview (so no cell of a kept level spans
        two bands), and whole storage chunks of rows (so no chunk is read twice) unless
        that leaves fewer than :data:`MIN_BANDS`; then a :data:`MIN_BANDS`-th of the rows
        (so a chunk is read at most about that many times, not once per overview row:
        1024 panels of 1024 rows in chunks of 1024 rows, 64 times). A band is read a part
        of at most ``PART_BYTES`` at a time."""
        unit = self.factors[-1][0]
        chunk = self.readers[0].chunk_rows
        if chunk is None:
            return unit
        whole = math.lcm(unit, chunk)
        if whole * MIN_BANDS <= self.shape[0]:
            return whole
        return max(unit, self.shape[0] // MIN_BANDS // unit * unit)

    def bands(self) -> list[tuple[int, int]]:
        """The row bands the pass reads, in order: :attr:`band_rows` each, but a first one of
        whole overview rows within :data:`FIRST_BAND_CELLS` when that is smaller (a 12 x 12
        grid of 8192² panels in chunks of 1024 rows: 64 rows, not 1024, before the first
        rows show), then the rest of that band."""
        rows, step, unit = self.shape[0], self.band_rows, self.factors[-1][0]
        first = max(unit, FIRST_BAND_CELLS // (self.count * self.shape[1]) // unit * unit)
        cuts = [0, first] if first < min(step, rows) else [0]
        cuts += [*range(step, rows, step), rows]
        return list(itertools.pairwise(cuts))

    def _run(self) -> None:
        try:
            for r0, r1 in self.bands():
                if not self._go():
                    return
                band = self._read_band(r0, r1)
                if band is None:  # stopped between two panels
                    return
                self._keep(r0, r1, *band)
                self._tell()
            self.done = True
        except BaseException as exc:  # shown in the view and raised by Heatmap.wait_for_source
            self.error = exc
            _log.warning("tokenheat: reading %s failed: %s", self.name, exc)
        finally:
            self.ended = True
            self._tell()  # (before a waiter is let go: it then sees the last state sent)
            self._finished.set()

    def _read_band(self, r0: int, r1: int) -> tuple[np.ndarray, list[float] | None] | None:
        """The finest kept level's cells of rows ``r0:r1`` of every panel, ``(P, h, w)``,
        and their values' range; None when the pass was stopped between two panels (it
        may be paused there too)."""
        fr, fc = self.factors[self.first_kept]
        window = (r0, r1, 0, self.shape[1])
        if self.readers[0]._dask:
            return _dask_band(self.readers, window, fr, fc)
        found = None

        def widen(part: np.ndarray) -> None:
            nonlocal found
            found = _sources.widen_range(found, _sources.finite_range(part))

        out = []
        for p, reader in enumerate(self.readers):
            if p and not self._go():
                return None
            # (the reader's float32, each part checked finite as it is read)
            out.append(_sources.reduce_source(reader._f32, fr, fc, window, each_part=widen))
        return np.stack(out), found

    def _keep(self, r0: int, r1: int, finest: np.ndarray, found: list[float] | None) -> None:
        """Write a band of every panel into every kept level, then count its rows read."""
        level = finest
        for k in range(self.first_kept, len(self.factors)):
            fr, fc = self.factors[k]
            if k > self.first_kept:
                below = self.factors[k - 1]
                level = np.stack([reduce_blocks(p, fr // below[0], fc // below[1]) for p in level])
            self.levels[k][:, r0 // fr : r0 // fr + level.shape[1]] = level
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

    def snapshot(self) -> np.ndarray:
        """A copy of the overview as read so far, ``(P, h, w)`` (NaN where not read yet;
        the finer kept levels are not even that until read)."""
        return np.array(self.levels[self.overview_level], dtype="<f4")

    def overview_rows(self, a: int, b: int) -> np.ndarray:
        """Rows ``a:b`` of every panel's overview, ``(P, b - a, w)`` (rows read: no longer
        written)."""
        return np.ascontiguousarray(self.levels[self.overview_level][:, a:b], dtype="<f4")

    def reduce_window(
        self, window: tuple[int, int, int, int], fr: int, fc: int, panel: int = 0
    ) -> np.ndarray | None:
        """The ``fr`` x ``fc`` blocks of ``window`` of a panel from the coarsest kept level
        that gives them exactly (as :meth:`tokenheat.Pyramid.reduce_window`); None when
        only the source does (read it); :class:`NotReady` when that level's rows under the
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
        return level_blocks(self.levels[best][panel], self.factors[best], window, fr, fc)

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
        paused = ", paused while no view shows it" if self.paused else ""
        raise StillReading(
            f"cannot {what} yet: the {self.name} is still being read ({self.rows_read:,} of "
            f"{rows:,} rows, {100 * self.rows_read / rows:.0f} %{paused}); wait for it with "
            "heatmap.wait_for_source(), or build its pyramid once with "
            "tokenheat.build_pyramid(source, store) and show tokenheat.open_pyramid(store)"
        )


class PanelLevels:
    """Panel ``p``'s view of a :class:`SourceLevels`: what a
    :class:`tokenheat._lazy.LazyMatrix` reads of a pyramid (``levels``, ``factors``,
    ``reduce_window``, ``data_range``), its kept levels being views of the shared ones."""

    def __init__(self, owner: SourceLevels, p: int) -> None:
        self.owner, self.index = owner, p
        self.reader = owner.readers[p]  # (its float32 and checks, shared with the pass)
        self.source, self.name = self.reader.source, self.reader.name
        self.shape, self.factors, self.store = owner.shape, owner.factors, None
        self.levels = [
            level[p] if isinstance(level, np.ndarray) else level for level in owner.levels
        ]

    def __repr__(self) -> str:
        return f"<tokenheat PanelLevels {self.index} of {self.owner!r}>"

    @property
    def data_range(self) -> tuple[float, float] | None:
        return self.owner.data_range  # (one range for all panels, as for a stack in memory)

    def reduce_window(
        self, window: tuple[int, int, int, int], fr: int, fc: int
    ) -> np.ndarray | None:
        return self.owner.reduce_window(window, fr, fc, self.index)


def _dask_band(readers: list[Any], window: tuple[int, int, int, int], fr: int, fc: int):
    """A band (``window``, whole rows) of every panel of a dask source reduced, and its
    range, in one dask computation (where dask runs: its threads or the user's cluster)."""
    import warnings

    import dask
    import dask.array as da

    from ._lazy import check_blocks

    parts = [reader._f32[window[0] : window[1]] for reader in readers]
    work = [_sources.dask_blocks(part, fr, fc, np.dtype(np.float32)) for part in parts]
    work += [da.nanmin(da.stack([da.nanmin(p) for p in parts]))]
    work += [da.nanmax(da.stack([da.nanmax(p) for p in parts]))]
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # chunks of NaN only
        *blocks, lo, hi = dask.compute(*work)
    out = np.stack([np.asarray(b, dtype=np.float32) for b in blocks])
    for reader, band in zip(readers, out, strict=True):
        check_blocks(band, window, fr, fc, reader.name)
    return out, None if np.isnan(lo) else [float(lo), float(hi)]
