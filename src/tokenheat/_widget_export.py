"""The outputs of a :class:`~tokenheat.Heatmap` beyond its state: the view drawn in
Python (:mod:`tokenheat.export`) as colours, PNG and SVG, the standalone page
(:mod:`tokenheat.html`), files written safely (:mod:`tokenheat._files`), the PNG that
travels with the notebook output, and the pixel-exact picture a view in the browser draws.

:class:`ExportMixin` holds these methods so that ``widget.py`` stays the class's traits,
constructor, validation and state; :class:`tokenheat.Heatmap` inherits them.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _files, _lazy_stack
from ._source_levels import StillReading

if TYPE_CHECKING:
    import anywidget

    # what the methods use of the widget they are mixed into (super(), send, traits)
    _Widget = anywidget.AnyWidget
else:
    _Widget = object


class ExportMixin(_Widget):
    """Images, files and the notebook output of a :class:`~tokenheat.Heatmap`."""

    def to_png(self, scale: float = 2) -> bytes:
        """The current view (cells, labels, token text, title, colour bar) as PNG bytes.

        Rendered in Python from the widget's state, so it works without a browser;
        cell colours are the ones on screen. ``scale`` is device pixels per CSS pixel.
        """
        from . import export

        return export.to_png(self, scale=scale)

    def to_svg(self) -> str:
        """The current view as an SVG document (text stays text)."""
        from . import export

        return export.to_svg(self)

    def to_html(self, *, title: str | None = None) -> str:
        """A standalone HTML page with this heatmap, interactive, that needs no kernel and
        no network (front-end code and data inline); see :func:`tokenheat.html.to_html`."""
        from . import html

        return html.to_html(self, title=title)

    def save(self, path: str | os.PathLike, format: str | None = None, scale: float = 2) -> Path:
        """Write the current view to ``path`` as PNG, SVG or HTML (format from the suffix).

        PNG and SVG are images of the current view (:meth:`to_png`, :meth:`to_svg`);
        HTML is a standalone interactive page (:meth:`to_html`).

        The file is written to a temporary file beside it and renamed into place, so
        an error never leaves a truncated file. A new file gets the usual mode (``0o666``
        less the umask), a replaced one keeps its mode; a symbolic link is followed
        (its target is written, the link stays); folders, devices, pipes and read-only
        files are refused. Returns the path written.

        Examples
        --------
        >>> import numpy as np, tempfile, pathlib
        >>> from tokenheat import Heatmap
        >>> w = Heatmap(np.eye(3), title="identity")
        >>> out = w.save(pathlib.Path(tempfile.mkdtemp()) / "eye.svg")
        >>> out.read_text().startswith("<svg")
        True
        """
        target = _files.user_path(path)
        fmt = _files.save_format(target, format)
        _files.check_target(target)
        if fmt == "png":
            data = self.to_png(scale=scale)
        else:
            data = (self.to_svg() if fmt == "svg" else self.to_html()).encode("utf-8")
        return _files.write_atomic(target, data)

    def capture(
        self,
        callback: Callable[[bytes], Any],
        *,
        scale: float | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        """Ask the browser for a pixel-exact PNG of the live view; call ``callback(png)``.

        The front end draws what is on screen (cells, token text, labels, title, colour
        bar; not the toolbar or range control) at ``scale`` device pixels per CSS pixel
        (default: the screen's, at least 2) and sends the PNG back, in messages of at most
        1 MiB each (some hosts drop bigger ones).

        This is asynchronous: the kernel can receive the browser's answer only after the
        cell that called ``capture`` has finished, so ``callback`` runs later, never
        inside the calling cell. Nothing answers while no view of the widget is
        displayed. For an image without a browser, in the same cell or in a script,
        use :meth:`to_png` / :meth:`save`.

        Parameters
        ----------
        callback : callable
            Called once with the PNG bytes.
        scale : float, optional
            Device pixels per CSS pixel, from 0.25 to 8.
        on_error : callable, optional
            Called with a message if the browser cannot capture (e.g. the PNG would be
            over 9 MiB, or its answer arrived malformed); by default the message is logged.

        Examples
        --------
        >>> import numpy as np
        >>> from tokenheat import Heatmap
        >>> w = Heatmap(np.eye(3))
        >>> shots = []
        >>> w.capture(shots.append)  # doctest: +SKIP
        >>> # in a later cell: open("view.png", "wb").write(shots[0])
        """
        self.send(self._captures.request(callback, scale, on_error))

    def to_rgba(self) -> np.ndarray:
        """The cell colours as shown, ``(rows, cols, 4)`` uint8 (same rule as the browser);
        for panels ``(panels, rows, cols, 4)`` or ``(grid_rows, grid_cols, rows, cols, 4)``.
        With :attr:`normalize` set, the colours of the normalised values."""
        from . import export

        return export.rgba(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None or not self.static_png:
            return bundle
        from . import export

        data, metadata = bundle
        try:
            png, size = export.static_png(self)
        except _lazy_stack.TooBig:  # a pyramid's whole view: its cells are not read for it
            return bundle
        except StillReading:  # a source still being read: no picture of what is not read
            return bundle
        except Exception as exc:  # the widget must show even if its fallback picture fails
            logging.getLogger("tokenheat").warning(
                "tokenheat: the output carries no PNG fallback, drawing it failed: %r", exc
            )
            return bundle
        data = {**data, "image/png": base64.b64encode(png).decode("ascii")}
        metadata = {**metadata, "image/png": {"width": size[0], "height": size[1]}}
        return data, metadata
