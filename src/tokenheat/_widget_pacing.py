"""Sending a heatmap's state to its views at most :data:`UPDATES_PER_SECOND` times a
second: a burst of changes (a loop setting ``vmin`` ten thousand times) is sent as a few
messages, each with the newest values of every trait changed since the last.

Why: ipywidgets sends one message per change, and the Jupyter server stops forwarding a
kernel's messages while they come faster than ``ServerApp.iopub_msg_rate_limit`` (1000 a
second, averaged over 3 s) — it drops them, so a loop of updates could leave the browser
showing a state Python no longer has, with no way to catch up. A view draws at most once
an animation frame anyway.

- A change when none was sent in the last interval goes at once, as before; later ones
  wait for the interval's end and go together, read then (``send_state`` of the union of
  their traits).
- Any other message (a custom one: tiles, rows read, capture answers; an echo of the
  browser's own change; an update sent with ``_send`` itself) first sends what waits, so
  messages keep their order.
- A change and what its observers change are one message (the widget's ``notify_change``
  holds the sync); the lock here keeps a send on the timer's thread from reading traits
  while another thread is in the middle of a change.
- When a cell ends (IPython's ``post_run_cell``, before the kernel says it is idle) every
  widget's waiting state is sent: ``nbconvert --execute`` (nbclient) keeps the widget state
  of the messages that come while a cell runs.
- Only messages through a Jupyter kernel (ipykernel's ``IPythonKernel``: JupyterLab,
  Notebook 7, Voilà, VS Code) are paced. A widget made outside a kernel sends nothing,
  and hosts with comms or kernels of their own (marimo, Solara, Panel, Shiny) have no
  such limit and may not take messages from another thread.
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import traitlets as t

if TYPE_CHECKING:
    import anywidget

    _Widget = anywidget.AnyWidget
else:
    _Widget = t.HasTraits

#: Most state messages a heatmap sends its views in a second (a display's frame rate).
UPDATES_PER_SECOND = 60

#: The widgets with state waiting to be sent.
_waiting: weakref.WeakSet[PacingMixin] = weakref.WeakSet()
#: The IPython shells whose cells send the waiting state when they end.
_hooked: weakref.WeakSet[Any] = weakref.WeakSet()


def send_all_waiting(*_: Any) -> None:
    """Send the waiting state of every widget (when a cell ends)."""
    for widget in list(_waiting):
        widget._send_waiting()


def _hook_cell_end() -> None:
    """Have the running IPython shell call :func:`send_all_waiting` after each cell."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and shell not in _hooked:
        shell.events.register("post_run_cell", send_all_waiting)
        _hooked.add(shell)


class PacingMixin(_Widget):
    """State messages at most :data:`UPDATES_PER_SECOND` a second; nothing lost or reordered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # (before the traits: the widget's constructor sets them, which may send state)
        self._pace_lock = threading.RLock()
        self._pace_last = -float("inf")  # time.monotonic() of the last state message
        self._pace_waiting: set[str] = set()  # traits changed since, still to send
        self._pace_timer: threading.Timer | None = None
        super().__init__(*args, **kwargs)

    def notify_change(self, change: Any) -> None:
        with self._pace_lock:  # (a send on the timer's thread waits for the whole change)
            super().notify_change(change)

    def send_state(self, key: str | Iterable[str] | None = None) -> None:
        keys = set(self.keys) if key is None else {key} if isinstance(key, str) else set(key)
        if not keys:
            return
        if not self._paced():
            super().send_state(keys)
            return
        with self._pace_lock:
            now = time.monotonic()
            interval = 1.0 / UPDATES_PER_SECOND
            if not self._pace_waiting and now - self._pace_last >= interval:
                self._pace_last = now
                super().send_state(keys)
                return
            self._pace_waiting |= keys
            _waiting.add(self)
            _hook_cell_end()
            if self._pace_timer is None:
                delay = max(0.0, self._pace_last + interval - now)
                self._pace_timer = threading.Timer(delay, self._send_waiting)
                self._pace_timer.name = "tokenheat-sync"
                self._pace_timer.daemon = True
                self._pace_timer.start()

    def _send_waiting(self) -> None:
        """Send the state that waits, if any (the timer's, or before another message)."""
        with self._pace_lock:
            if self._pace_timer is not None and self._pace_timer is not threading.current_thread():
                self._pace_timer.cancel()
            self._pace_timer = None
            keys, self._pace_waiting = self._pace_waiting, set()
            _waiting.discard(self)
            if keys:
                self._pace_last = time.monotonic()
                super().send_state(keys)

    def _send(self, msg: dict, buffers: Any = None) -> None:
        # Any other message (custom, an echo, an update sent directly) follows the state
        # that waits. A state message of this mixin's own never finds any: it is sent
        # under the lock, with nothing waiting or after taking what waited.
        if self._pace_waiting:
            self._send_waiting()
        super()._send(msg, buffers=buffers)  # type: ignore[misc]

    def _paced(self) -> bool:
        """Whether this widget's messages go through a Jupyter kernel (an ipykernel comm of
        an ``IPythonKernel``), which a Jupyter server rate-limits; sends from another
        thread are safe there (the tile and reading threads send too). Panel's and
        Solara's kernels are other ``ipykernel`` kernels, which send through a document or
        session of the current thread: not paced."""
        comms = sys.modules.get("ipykernel.comm.comm")
        kernels = sys.modules.get("ipykernel.ipkernel")
        comm = self.comm
        if comms is None or kernels is None or not isinstance(comm, comms.BaseComm):
            return False
        return isinstance(comm.kernel, kernels.IPythonKernel)
