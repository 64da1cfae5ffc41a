"""Answering tile requests on a worker thread (issue 17; docs/architecture.md, "Fixed
tiles"): reading a level from disk does not hold up the kernel's other messages. Of the
requests of one view still waiting, only the newest is answered (a view that has moved on
asks again; the older ones are stale), and one being answered stops once a newer one comes
(:meth:`TileServer.is_newest`). Answers keep the order of their views' newest requests. An
answer over rows that a source's background pass has not read yet is kept until
:meth:`TileServer.retry`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ._source_levels import NotReady

_log = logging.getLogger("tokenheat")

#: Seconds an idle worker waits for a request before it ends (the next one starts another).
IDLE_SECONDS = 10.0


def view_key(request_id: str) -> str:
    """The view (and matrix generation) a tile request comes from: its id up to the last
    ``:`` (js/data/lod.js makes ids ``{view}{generation}:{sequence}``).

    >>> view_key("k3x9:2:17")
    'k3x9:2'
    """
    return request_id.rpartition(":")[0] or request_id


class TileServer:
    """Calls the answers submitted, one at a time, on a daemon thread; an answer submitted
    for a view whose previous one has not started replaces it (``dropped`` counts them)."""

    def __init__(self) -> None:
        self._waiting: dict[str, Callable[[], None]] = {}
        # each view's newest answer: an older one still being given stops (is_newest)
        self._newest: dict[str, Callable[[], None]] = {}
        # answers that raised NotReady (their rows are not read yet), by view, until retry
        self._parked: dict[str, Callable[[], None]] = {}
        self._cond = threading.Condition()
        self._worker: threading.Thread | None = None
        self._busy = False
        self.dropped = 0

    def submit(self, key: str, answer: Callable[[], None]) -> None:
        with self._cond:
            if self._waiting.pop(key, None) is not None or self._parked.pop(key, None):
                self.dropped += 1
            self._waiting[key] = answer  # (last in order: answered after the others)
            self._newest[key] = answer
            self._wake()

    def is_newest(self, key: str, answer: Callable[[], None]) -> bool:
        """Whether ``answer`` is still the newest submitted for ``key`` (an answer in
        parts, e.g. a tile at a time, stops once a newer one for its view comes: what the
        view still lacks, it asked for again in that one)."""
        with self._cond:
            return self._newest.get(key) is answer

    def retry(self) -> None:
        """Submit again the answers that waited for rows not read yet (more are read)."""
        with self._cond:
            for key, answer in self._parked.items():
                self._waiting.setdefault(key, answer)
            self._parked.clear()
            if self._waiting:
                self._wake()

    def _wake(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="tokenheat-tiles", daemon=True)
            self._worker.start()
        self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                if not self._cond.wait_for(lambda: self._waiting, IDLE_SECONDS):
                    self._worker = None  # idle: the next request starts another
                    return
                key = next(iter(self._waiting))
                answer = self._waiting.pop(key)
                self._busy = True
            try:
                answer()
            except NotReady:  # answered once the pass has read its rows (retry)
                with self._cond:
                    if key not in self._waiting:
                        self._parked[key] = answer
                continue
            except Exception as exc:  # a source that fails to read: the overview stays drawn
                _log.warning("tokenheat: could not answer a tile request: %s", exc)
            with self._cond:  # (given: its matrix need not be kept for it)
                if self._newest.get(key) is answer:
                    del self._newest[key]

    def wait(self, timeout: float = 30.0) -> bool:
        """Wait until every answer submitted has been given (for tests and scripts)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._waiting and not self._busy, timeout)
