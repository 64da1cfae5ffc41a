"""The side of a :class:`~tokenheat.Heatmap` that faces its views in the browser: the
derived private traits kept in step with the public ones (the rules are in
:mod:`tokenheat._sync`), the views' requests (:mod:`tokenheat._requests`), and what a
person does there reaching Python (selection callbacks, linked controls).

:class:`ViewsMixin` holds these methods so that ``widget.py`` stays the class's traits,
constructor, validation and settings; :class:`tokenheat.Heatmap` inherits them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import traitlets as t

from . import _chunks, _lazy_stack, _requests, _settings, _sync, _tile_server, _tiles

_log = logging.getLogger("tokenheat")

if TYPE_CHECKING:
    import anywidget

    from ._panels import Stack
    from .controls import Controls

    # what the methods use of the widget they are mixed into (super(), send, traits)
    _Widget = anywidget.AnyWidget
else:
    # a HasTraits, so that traitlets binds the observers declared here to the widget
    _Widget = t.HasTraits


class ViewsMixin(_Widget):
    """State sent to, and requests and selections from, the views of a heatmap."""

    if TYPE_CHECKING:  # the widget's own state, set in Heatmap.__init__
        _matrix: Stack | None
        _pending_matrix: Stack | None
        _sent_mode: str | None
        _auto_range: tuple[float, float]
        _tiles: _tile_server.TileServer
        # traits of Heatmap this sets, typed there (the import cycle hides them from mypy)
        _exact: Any
        panel_labels: Any
        focus: Any
        selection: Any
        view: Any
        color_range: Any

        def _send_rows(self, first: int) -> None: ...
        def _watch(self, view: Any, showing: bool) -> None: ...

    def on_select(self, callback: Callable[[dict | None], Any], remove: bool = False) -> None:
        """Call ``callback(selection)`` whenever the selection changes.

        ``selection`` is ``{"row": i, "col": j}``, ``{"row": i}``, ``{"col": j}`` or None
        (see :attr:`selection`); with several panels it also has ``"panel"``. Clicks in
        the browser reach Python once the kernel is free, so a callback runs after the
        cell that is executing finishes.
        Pass ``remove=True`` to unregister a callback.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        self._select_callbacks.register_callback(callback, remove=remove)

    def controls(self) -> Controls:
        """ipywidgets controls linked to this heatmap in the browser.

        Returns a box with a ``FloatRangeSlider`` for ``(vmin, vmax)``, a colour-map
        chooser (a ``Combobox`` of the built-in names) and a "symmetric" ``Checkbox``.
        They are linked on the front-end side (``jslink``), so they act at once and keep
        working while the kernel is busy.
        The slider's bounds follow the data (and widen to include the current range).

        Examples
        --------
        >>> import numpy as np
        >>> from tokenheat import Heatmap
        >>> w = Heatmap(np.array([[-0.2, 0.5]]))
        >>> box = w.controls()
        >>> box.range_slider.value
        (-0.5, 0.5)
        """
        from .controls import Controls

        return Controls(self)

    # ------------------------------------------------------------ messages
    def _handle_request(self, _: Any, content: Any, buffers: list) -> None:
        """Transient requests from the front end (state itself always travels as traits)."""
        if not isinstance(content, dict):
            return
        if content.get("type") == "exact":
            self.send_exact()
        elif content.get("type") == "capture":
            self._captures.arrived(content, buffers)
        elif content.get("type") == "tile":
            self._send_tile(content)
        elif content.get("type") == "tiles":
            self._send_tiles(content)
        elif content.get("type") == "rows":  # a view that missed rows read (a new one)
            self._watch(content.get("view"), True)
            self._send_rows(0)
        elif content.get("type") == "gone":  # a view of a source read in the background went
            self._watch(content.get("view"), False)

    def _send_tile(self, content: dict) -> None:
        """Answer a view's request for the window it shows of a big matrix
        (:func:`tokenheat._sync.tile`), in parts when it is over 1 MiB
        (:mod:`tokenheat._chunks`); a bad request is logged and ignored."""
        matrix = self._matrix
        if matrix is None or self._block == [1, 1]:
            return
        if _lazy_stack.is_lazy(matrix.f32):  # its tiles are fixed ones (_send_tiles)
            _log.warning("tokenheat: ignored a window's tile request: this matrix's come fixed")
            return
        request = _requests.tile_request(content, *matrix.f32.shape[1:])
        if request is None:
            return
        request_id, window, block = request
        reply, tile = _sync.tile(matrix, window, block, request_id, self.normalize)
        for part, buffers in _chunks.split(reply, tile):
            self.send(part, buffers)

    def _send_tiles(self, content: dict) -> None:
        """Answer a view's request for fixed tiles of a level of a pyramid or of a source
        read in the background (:mod:`tokenheat._tiles`), on the tile thread, those under
        the view first, together in messages of up to 1 MiB; one that waited for rows not
        read yet sends, when tried again, only the tiles not sent yet; one a newer request
        of its view replaces stops before its next message. A bad request is logged and
        ignored."""
        matrix, side = self._matrix, self._tile_side
        if matrix is None or not side or not _lazy_stack.is_lazy(matrix.f32):
            return
        request = _requests.tiles_request(content, self._tile_blocks, side, *matrix.f32.shape[1:])
        if request is None:
            return
        request_id, level, asked = request
        stack: Any = matrix.f32
        cache, panels = stack.tile_cache, bool(matrix.layout)
        sent: set[tuple[int, int]] = set()
        view = _tile_server.view_key(request_id)

        def answer() -> None:
            for group in asked:  # those under the view first, then those around it
                todo = [tile for tile in group if tile not in sent]
                for found in _tiles.read_tiles(stack, level, todo, side, cache):
                    for places, reply, buffers in _tiles.messages(request_id, level, found, panels):
                        if not self._tiles.is_newest(view, answer):
                            return  # the view asked again for what it still lacks
                        self.send(reply, buffers)
                        sent.update(places)

        self._tiles.submit(view, answer)

    def send_exact(self) -> None:
        """Send the float64 originals of the matrix to the browser, for exact tooltips.

        The browser asks for them after its first paint; call this to include them
        in saved widget state without waiting for a browser. Matrices of more than
        ``2**24`` cells keep float32 tooltips (marked "≈"): their originals would be
        more than 128 MiB.
        """
        exact = self._matrix.exact if self._matrix is not None else None
        if exact is not None and not len(self._exact):
            self._exact = memoryview(exact).cast("B")

    # ------------------------------------------------------------ derived state
    def notify_change(self, change: Any) -> None:
        """Send a change and everything its observers change in one message.

        ipywidgets sends each trait as it changes, before observers run; the browser
        would then see ``color_range`` without the ``vmin``/``vmax`` that follow from
        it (and, with ``symmetric``, mirror the pair), or ``values`` before its labels.
        """
        with self.hold_sync():
            super().notify_change(change)

    @t.observe("values")
    def _on_values(self, change: dict[str, Any]) -> None:
        old = self._matrix
        matrix = self._matrix_for(change["new"])
        self._matrix, self._pending_matrix = matrix, None
        with self.hold_sync():
            for name, value in _sync.matrix_state(matrix, self.normalize).items():
                setattr(self, name, value)
            self._sent_mode = self.normalize  # what an overview was reduced from
            self._data_range = _sync.data_range(matrix, self.normalize)
            for axis, name in enumerate(("row_labels", "column_labels")):
                labels = _sync.new_labels(old, matrix, axis, getattr(self, name))
                if labels is not None:
                    setattr(self, name, labels)
            new_layout = _sync.new_layout(old, matrix)
            renamed = old is not None and matrix.panel_names != old.panel_names
            if (new_layout or renamed) and _sync.panel_labels_follow(old, self.panel_labels):
                self.panel_labels = None  # the defaults of the new layout
            self._refresh_auto_range()
            self._follow_reading(old, matrix)  # (ReadingMixin)
            reshaped = _sync.reshaped(old, matrix)
            if reshaped:
                self.view = None  # the whole new matrix
            if (reshaped or new_layout) and self.selection is not None:
                self.selection = None
            if old is not None and new_layout and self.focus is not None:
                self.focus = None  # (the one given to __init__ is for this layout)

    @t.observe("normalize")
    def _on_normalize(self, change: dict[str, Any]) -> None:
        if self._matrix is not None:  # during __init__ the values observer does it
            with self.hold_sync():
                # an overview is sent as drawn: send it again, unless it already is (the
                # values observer of __init__ runs first, with `normalize` already set)
                if self._block != [1, 1] and self._sent_mode != self.normalize:
                    self._values = _sync.matrix_state(self._matrix, self.normalize)["_values"]
                    self._sent_mode = self.normalize
                self._data_range = _sync.data_range(self._matrix, self.normalize)
                self._refresh_auto_range()

    @t.observe("center")
    def _on_center(self, change: dict[str, Any]) -> None:
        if self._matrix is not None:  # during __init__ the values observer does it
            self._refresh_auto_range()

    def _refresh_auto_range(self) -> None:
        """Move each end of the colour range that sat at its default to the new default."""
        previous = self._auto_range
        drawn = self._matrix.ranges[self.normalize]  # type: ignore[union-attr]
        self._auto_range = _settings.auto_range(drawn, self.center)
        new = _sync.followed_range(previous, self._auto_range, (self.vmin, self.vmax))
        if new is not None:
            self.set_range(*new)

    @t.observe("tokens")
    def _on_tokens(self, change: dict[str, Any]) -> None:
        tokens = change["new"]
        self._tokens = [] if tokens is None else tokens.ravel().tolist()

    @t.observe("vmin", "vmax")
    def _on_limit(self, change: dict[str, Any]) -> None:
        pair = (self.vmin, self.vmax)
        if self.color_range != pair and pair[0] < pair[1]:
            self.color_range = pair

    @t.observe("color_range")
    def _on_color_range(self, change: dict[str, Any]) -> None:
        if change["new"] != (self.vmin, self.vmax):
            self.set_range(*change["new"])

    @t.observe("selection")
    def _on_selection(self, change: dict[str, Any]) -> None:
        self._select_callbacks(change["new"])
