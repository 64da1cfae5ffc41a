"""The side of a :class:`~tokenheat.Heatmap` that shows a source read in the background
(:mod:`tokenheat._source_levels`): starting and stopping the pass as ``values`` change,
and sending its views what it has read.

While the pass goes on, the overview rows read since the last time go to the views in
``{"type": "rows"}`` messages (a band is a few hundred KiB; the overview, up to 16 MiB, is
not sent again each time), with the small traits that follow them: ``_rows_read``, the
range and the default colour range. At the end the whole overview goes in ``_values``, so
that a saved notebook and a view made later have it. A view made meanwhile asks for the
rows read so far. docs/architecture.md, "A source read in the background".

:class:`ReadingMixin` holds these methods; :class:`tokenheat.Heatmap` inherits them.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any

import traitlets as t

from . import _sync

if TYPE_CHECKING:
    import anywidget

    from ._panels import Stack
    from ._source_levels import SourceLevels
    from ._tile_server import TileServer

    _Widget = anywidget.AnyWidget
else:
    _Widget = t.HasTraits

#: Most often what a source's background pass has read is sent to the views.
READ_SHOWN_SECONDS = 1.0
#: Most bytes of overview rows in one ``rows`` message.
ROWS_BYTES = 2**20


class ReadingMixin(_Widget):
    """Shows a source read in the background as it is read."""

    if TYPE_CHECKING:  # the widget's own state, set in Heatmap.__init__
        _matrix: Stack | None
        _tiles: TileServer
        _read_shown: float
        _read_lock: threading.Lock
        _read_timer: threading.Timer | None
        _rows_sent: int
        _watchers: set[str]
        _values: Any
        normalize: Any

        def _refresh_auto_range(self) -> None: ...

    def wait_for_source(self, timeout: float | None = None) -> bool:
        """Wait until a source shown without a pyramid is read.

        A memmap, zarr array, h5py dataset or dask array of more than ``2**26`` cells is
        read once in the background (the picture fills in as it goes, and the kernel runs
        other cells meanwhile); exports wait for it. Returns True once every row is read
        (at once for any other values), False if ``timeout`` seconds passed first; a read
        that failed raises its error.

        Examples
        --------
        >>> import numpy as np
        >>> from tokenheat import Heatmap
        >>> Heatmap(np.eye(3)).wait_for_source()
        True
        """
        levels = _sync.reading(self._matrix)
        if levels is None:
            return True
        levels.resume()  # (paused while no view showed it: it is wanted now)
        ended = levels.wait(timeout)
        if levels.error is not None:
            raise levels.error
        return ended and levels.done

    def close(self) -> None:
        """Close the widget (its views in the front end go) and stop reading a source shown
        without a pyramid, after the band being read (a read no view shows is only
        paused, :meth:`_watch`; this lets it go)."""
        levels = _sync.reading(getattr(self, "_matrix", None))
        if levels is not None:
            levels.stop()
        super().close()

    def _watch(self, view: Any, showing: bool) -> None:
        """A view (its id) began or stopped showing a source read in the background: the
        pass pauses once the last view that showed it is gone (e.g. its cell was run
        again: ipywidgets keeps the widget, and the pass would read on for nobody) and
        goes on when a view shows it again (or :meth:`wait_for_source` wants it)."""
        if not isinstance(view, str) or not view or len(view) > 100:
            return  # (a view that does not say which it is: never paused for it)
        if showing:
            self._watchers.add(view)
        elif view in self._watchers:
            self._watchers.discard(view)
        else:
            return
        levels = _sync.reading(self._matrix)
        if levels is None:
            return
        if self._watchers:
            levels.resume()
        else:
            levels.pause()

    def _follow_reading(self, old: Stack | None, matrix: Stack) -> None:
        """Stop reading a source the widget no longer shows; start reading a new one, and
        show its rows as they are read (:meth:`_show_rows_read`, on the pass's thread)."""
        before, now = _sync.reading(old), _sync.reading(matrix)
        if before is not None and before is not now:
            before.stop()
        if now is not None:
            self._rows_sent = 0
            ref = weakref.WeakMethod(self._show_rows_read)
            now.listeners.append(lambda: (show := ref()) is not None and show())
            now.start()

    def _show_rows_read(self) -> None:
        """Send what the pass has read (:meth:`_send_rows_read`): at most every
        :data:`READ_SHOWN_SECONDS` (what came in between is sent when they are up), and
        at once at the end. Tiles that waited for rows are tried again."""
        levels = _sync.reading(self._matrix)
        if levels is None:
            return
        wait = READ_SHOWN_SECONDS - (time.monotonic() - self._read_shown)
        if levels.ended or wait <= 0:
            self._send_rows_read(levels)
        elif self._read_timer is None:
            self._read_timer = threading.Timer(wait, self._send_rows_read_later)
            self._read_timer.daemon = True
            self._read_timer.start()
        self._tiles.retry()

    def _send_rows_read(self, levels: SourceLevels) -> None:
        """Send the overview rows read since the last time (the whole overview at the
        end), the rows read, the range and the default colour range that follows it."""
        with self._read_lock:
            self._read_shown = time.monotonic()
            matrix = self._matrix
            if _sync.reading(matrix) is not levels:
                return  # the values were replaced meanwhile
            matrix = dataclasses.replace(matrix, data_range=levels.data_range)  # type: ignore[arg-type]
            self._matrix = matrix
            if not levels.ended:
                self._send_rows(self._rows_sent)
            with self.hold_sync():
                if levels.ended:
                    overview, _ = matrix.f32.overview()  # type: ignore[attr-defined]
                    self._values = memoryview(overview).cast("B")
                for name, value in _sync.reading_state(matrix).items():
                    setattr(self, name, value)
                self._data_range = _sync.data_range(matrix, self.normalize)
                self._norm_ranges = _sync.norm_ranges(matrix)
                self._refresh_auto_range()

    def _send_rows_read_later(self) -> None:
        self._read_timer = None
        levels = _sync.reading(self._matrix)
        if levels is not None:
            self._send_rows_read(levels)

    def _send_rows(self, first: int) -> None:
        """Send overview rows from ``first`` to the last one read, in ``rows`` messages
        of at most :data:`ROWS_BYTES`."""
        levels = _sync.reading(self._matrix)
        if levels is None:
            return
        k = levels.overview_level
        fr = levels.factors[k][0]
        panels, height, width = levels.levels[k].shape
        end = -(-levels.rows_read // fr) if not levels.done else height
        step = max(1, ROWS_BYTES // (4 * width * panels))
        for a in range(first, end, step):
            b = min(end, a + step)
            rows = levels.overview_rows(a, b)  # every panel's, panel-major
            self.send({"type": "rows", "rows": [a, b]}, [memoryview(rows).cast("B")])
        self._rows_sent = max(self._rows_sent, end)
