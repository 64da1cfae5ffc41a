"""Panel offline: anywidget's front end served by the Panel server itself.

Under ``panel serve``, ``pn.panel(widget)`` shows an ipywidget through Panel's bridge,
ipywidgets_bokeh. Its widget manager knows the ipywidgets core modules; for any other
module (anywidget, which every tokenheat view needs) it fetches an AMD build from a CDN:
``{cdn}/{package}@{version}/dist/index``, with ``cdn`` a property of each ipywidgets_bokeh
``IPyWidget`` model, ``https://unpkg.com`` by default, and one loader per page, made with
the ``cdn`` of the first such model on it. Offline, or behind a firewall, that request
fails and nothing is drawn. Panel passes no ``cdn`` through ``pn.panel``, and has no
setting for it.

This module is a Panel server plugin that removes the request::

    panel serve app.py --plugins tokenheat.panel

Panel imports it in the server process and adds its ``ROUTES``: one route that serves
anywidget's front end from the installed anywidget package (``nbextension/index.js``, the
AMD build the anywidget wheel ships for the classic notebook: one
``define(["@jupyter-widgets/base"], ...)``, what the loader evaluates, and of the version
the server runs) and answers any other module with a redirect to the CDN the loader
would have used, so other third-party widgets load as before. Reading ``ROUTES`` also
makes every ipywidgets_bokeh model created in that process point its ``cdn`` at the route (a
``cdn`` given explicitly is kept): every model, not only tokenheat's, since the page's one
loader comes from whichever model is attached first. The app itself needs no extra line.

With ``pn.serve(...)`` in a script, import this module and pass
``extra_patterns=tokenheat.panel.ROUTES``.

Importing this module changes nothing; inside a Jupyter kernel reading ``ROUTES`` changes
nothing either (Panel renders ipywidgets there through Jupyter's own widget manager, and
importing its server-side bridge would break the kernel's comms).
"""

from __future__ import annotations

import builtins
import functools
import os
import re
from pathlib import Path

import tornado.web

__all__ = ["ROUTE", "anywidget_front_end", "local_cdn", "use_local_cdn"]

ROUTE = "tokenheat-widgets"
"""Path of the route under the server's root (after ``--prefix``): the local "CDN"."""

# What ipywidgets_bokeh's loader asks the CDN for anywidget (src/loader.ts `get_cdn_url`):
# `anywidget@<_view_module_version>/dist/index`, the version a semver range like `~0.11.*`.
_ANYWIDGET = re.compile(r"anywidget@[^/]+/dist/index(\.js)?")


@functools.cache
def anywidget_front_end() -> Path:
    """The installed anywidget's AMD build of its front end, served where the loader asks
    for ``anywidget@<version>/dist/index``. A FileNotFoundError names the file when this
    anywidget does not ship it."""
    import anywidget

    path = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    if not path.is_file():
        raise FileNotFoundError(
            f"anywidget {getattr(anywidget, '__version__', '?')} has no front-end build at"
            f" {path}: tokenheat cannot serve it to Panel's ipywidgets bridge"
        )
    return path


def _default_cdn() -> str:
    """The CDN ipywidgets_bokeh uses when its model is given none (``https://unpkg.com``)."""
    from ipywidgets_bokeh.widget import IPyWidget

    return IPyWidget.lookup("cdn").class_default(IPyWidget)


class FrontEndHandler(tornado.web.RequestHandler):
    """``GET /tokenheat-widgets/<package>@<version>/dist/<file>``: anywidget's front end
    from the installed package; anything else redirected to the default CDN."""

    def get(self, path: str) -> None:
        if _ANYWIDGET.fullmatch(path):
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")  # the installed version may change
            self.finish(anywidget_front_end().read_bytes())
            return
        # The undecoded rest of the request (path and query), as the loader built it.
        raw = self.request.uri.split(f"/{ROUTE}/", 1)[1]
        self.redirect(f"{_default_cdn()}/{raw}")


_ROUTES = [(rf"/{ROUTE}/(.*)", FrontEndHandler)]


def local_cdn() -> str:
    """The route's URL for the page of the current session: relative, as Panel makes its
    own resources' URLs (``state.rel_path`` leads from the app's page to the server's
    root), so it works behind ``--prefix`` and proxies."""
    from panel.io.state import state

    return f"{state.rel_path}/{ROUTE}" if state.rel_path else ROUTE


def use_local_cdn() -> None:
    """Make every ipywidgets_bokeh ``IPyWidget`` model created from now on in this process
    load widget modules through :data:`ROUTE`, unless it is given a ``cdn`` (the bridge's
    documented keyword). Safe to call twice."""
    # Panel's bridge must be imported before ipywidgets_bokeh (it keeps ipywidgets_bokeh
    # from installing a kernel of its own), as `pn.extension("ipywidgets")` does.
    import panel.io.ipywidget  # noqa: F401
    from ipywidgets_bokeh.widget import IPyWidget

    original = IPyWidget.__init__
    if getattr(original, "_tokenheat_local_cdn", False):
        return

    @functools.wraps(original)
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("cdn", local_cdn())
        original(self, *args, **kwargs)

    __init__._tokenheat_local_cdn = True
    IPyWidget.__init__ = __init__


def _in_jupyter_kernel() -> bool:
    """Panel's own test (``pn.extension``): in IPython, ipywidgets go through Jupyter's
    widget manager unless PANEL_IPYWIDGET asks for the bridge."""
    return hasattr(builtins, "__IPYTHON__") and "PANEL_IPYWIDGET" not in os.environ


def __getattr__(name: str):
    """``ROUTES``: the tornado routes Panel adds for a plugin (``panel serve --plugins``
    reads them), or to pass as ``pn.serve(..., extra_patterns=ROUTES)``. Reading them
    (outside a Jupyter kernel) also points the bridge's models at the route
    (:func:`use_local_cdn`): that is done when Panel's server asks, not on import, since
    importing Panel's bridge changes how ipywidgets' comms work in the whole process."""
    if name == "ROUTES":
        if not _in_jupyter_kernel():
            use_local_cdn()
        return _ROUTES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
