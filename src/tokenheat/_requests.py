"""Custom messages between the widget and its views (state itself always travels as
traits; docs/architecture.md): a view's request for a tile of a big matrix, checked
field by field before any work, and the capture requests the kernel sends with the
answers the views send back (in parts when big: :mod:`tokenheat._chunks`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from . import _chunks, _settings

_log = logging.getLogger("tokenheat")


def _int_list(value: object, n: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) == n
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )


def tile_request(content: dict, rows: int, cols: int) -> tuple[str, list[int], list[int]] | None:
    """``(id, window, block)`` of a tile request for a matrix of ``rows`` x ``cols``, or
    None (logged) when a field is missing or out of range: ``id`` a str of at most 200
    characters, ``window`` ``[r0, r1, c0, c1]`` a non-empty window inside the matrix,
    ``block`` ``[rows, cols]`` of at least one cell and at most the matrix.

    Examples
    --------
    >>> tile_request({"id": "v:1:0", "window": [0, 2, 1, 3], "block": [1, 1]}, 4, 4)
    ('v:1:0', [0, 2, 1, 3], [1, 1])
    """
    window, block, request = content.get("window"), content.get("block"), content.get("id")
    if not (
        isinstance(request, str)
        and len(request) <= 200
        and _int_list(window, 4)
        and _int_list(block, 2)
        and 0 <= window[0] < window[1] <= rows  # type: ignore[index]
        and 0 <= window[2] < window[3] <= cols  # type: ignore[index]
        and 1 <= block[0] <= rows  # type: ignore[index]
        and 1 <= block[1] <= cols  # type: ignore[index]
    ):
        _log.warning("tokenheat: ignored a bad tile request %.300r", content)
        return None
    return request, window, block  # type: ignore[return-value]


def tiles_request(
    content: dict, levels: list[list[int]], side: int, rows: int, cols: int
) -> tuple[str, tuple[int, int], list[list[tuple[int, int]]]] | None:
    """``(id, level, [first, rest])`` of a request for fixed tiles of a ``rows`` x
    ``cols`` matrix, or None (logged) when a field is missing or out of range: ``id`` a
    str of at most 200 characters, ``level`` one of ``levels`` (``_tile_blocks``),
    ``tiles`` a list of 1 to :data:`tokenheat._tiles.MAX_ASKED` ``[ti, tj]`` of that
    level's tiles of ``side``, of which the first ``view`` (optional: all) are under the
    view, answered before the rest. Repeats are answered once.

    Examples
    --------
    >>> tiles_request({"id": "v:1:0", "level": [2, 2], "tiles": [[0, 1], [0, 1], [1, 1]],
    ...                "view": 1}, [[1, 1], [2, 2]], 256, 1000, 1000)
    ('v:1:0', (2, 2), [[(0, 1)], [(1, 1)]])
    """
    from ._tiles import MAX_ASKED, level_tiles

    level, tiles, request = content.get("level"), content.get("tiles"), content.get("id")
    first = content.get("view", len(tiles) if isinstance(tiles, list) else 0)
    ok = (
        isinstance(request, str)
        and len(request) <= 200
        and _int_list(level, 2)
        and level in levels
        and isinstance(tiles, list)
        and 0 < len(tiles) <= MAX_ASKED
        and all(_int_list(tile, 2) for tile in tiles)
        and _int_list([first], 1)
        and 0 <= first <= len(tiles)  # type: ignore[operator, arg-type]
    )
    if ok:
        down, across = level_tiles((level[0], level[1]), side, (rows, cols))  # type: ignore[index]
        ok = all(0 <= ti < down and 0 <= tj < across for ti, tj in tiles)  # type: ignore[union-attr]
    if not ok:
        _log.warning("tokenheat: ignored a bad tiles request %.300r", content)
        return None
    under = list(dict.fromkeys((ti, tj) for ti, tj in tiles[:first]))  # type: ignore[index, misc]
    rest = [t for t in dict.fromkeys((ti, tj) for ti, tj in tiles) if t not in set(under)]  # type: ignore[union-attr]
    return request, (level[0], level[1]), [under, rest]  # type: ignore[index, return-value]


#: The largest PNG a capture answer may bring: what the browser sends at most
#: (``MAX_CAPTURE_BYTES`` in ``js/export/export.js``).
MAX_CAPTURE_BYTES = 9 * 2**20
#: Answers in parts put together at once: a widget shown in a few tabs answers from each.
MAX_CAPTURE_SETS = 8


class Captures:
    """Capture requests waiting for a view's answer (:meth:`tokenheat.Heatmap.capture`).

    An answer over :data:`tokenheat._chunks.CHUNK_BYTES` comes in parts, each carrying
    the ``sender`` view's token: views in two browser tabs answer at once and their parts
    may interleave, so each view's parts are put together on their own."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[Callable[[bytes], Any], Callable[[str], Any] | None]] = {}
        self._parts = _chunks.Parts(MAX_CAPTURE_BYTES, MAX_CAPTURE_SETS)

    def request(
        self,
        callback: Callable[[bytes], Any],
        scale: float | None,
        on_error: Callable[[str], Any] | None,
    ) -> dict[str, Any]:
        """Check the arguments of a capture, remember the callbacks; the message to send."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        if on_error is not None and not callable(on_error):
            raise TypeError(f"on_error must be callable or None, got {type(on_error).__name__}")
        if scale is not None:
            scale = _settings.coerce_scale(scale)
        request = uuid.uuid4().hex
        self._pending[request] = (callback, on_error)
        return {"type": "capture", "id": request, "scale": scale}

    def arrived(self, content: dict, buffers: list) -> None:
        """A view's answer: the PNG in ``buffers[0]`` (or in parts), or ``content["error"]``."""
        request = content.get("id")
        # Every view answers; the first answer wins and later ones find no callback.
        if not isinstance(request, str) or request not in self._pending:
            return
        if _chunks.is_part(content):
            sender = content.get("sender")
            if not (isinstance(sender, str) and 0 < len(sender) <= 200):
                self._answer(
                    request, f"an answer in parts needs a sender string, got {sender!r:.60}"
                )
                return
            try:
                whole = self._parts.add((request, sender), content, buffers)
            except _chunks.PartError as exc:
                self._answer(request, f"its answer came in malformed parts: {exc}")
                return
            if whole is None:
                return
            content, data = whole
            buffers = [data]
        error = content.get("error")
        if error is None and not buffers:
            error = "the browser sent no image"
        if error is None and memoryview(buffers[0]).nbytes > MAX_CAPTURE_BYTES:
            error = f"the image is {memoryview(buffers[0]).nbytes} bytes, over {MAX_CAPTURE_BYTES}"
        self._answer(request, None if error is None else str(error), buffers)

    def _answer(self, request: str, error: str | None, buffers: list | None = None) -> None:
        """Call back (or report the error) once, and forget the request's other answers."""
        callback, on_error = self._pending.pop(request)
        self._parts.drop(lambda key: key[0] == request)  # type: ignore[index]
        if error is not None:
            message = f"tokenheat: the browser could not capture the view: {error}"
            if on_error is not None:
                on_error(message)
            else:
                _log.warning(message)
            return
        callback(bytes(buffers[0]))  # type: ignore[index]
