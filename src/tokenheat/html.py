"""Interactive HTML without a kernel and without a CDN.

:func:`to_html` writes one heatmap as a standalone page; the nbconvert exporter
``tokenheat`` (``jupyter nbconvert --to tokenheat notebook.ipynb``) converts a notebook
whose widget state was saved, drawing each tokenheat view live in the page. Both inline
everything they need: the saved state (matrix bytes as base64), the widget's ES module
once per page, and a small loader (``static/standalone.js``) that plays the widget
manager. The page format is described in docs/architecture.md ("Static HTML").
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import struct
import uuid
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ._settings import check_text

if TYPE_CHECKING:
    import ipywidgets

    from .widget import Heatmap

# and TokenheatHTMLExporter, created on first access (it needs nbconvert)
__all__ = ["embed_widgets", "to_html", "widget_state"]

STATE_MIMETYPE = "application/vnd.tokenheat.state+json"
"""``type`` of the ``<script>`` holding one model's saved state."""
ESM_MIMETYPE = "application/vnd.tokenheat.esm+json"
"""``type`` of the ``<script>`` holding a widget's ES module source, as a JSON string."""
WIDGET_STATE_MIMETYPE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"
FORMAT_VERSION = 1

_LOADER = "standalone.js"


@cache
def _loader_source() -> str:
    path = files("tokenheat") / "static" / _LOADER
    if not path.is_file():
        raise FileNotFoundError(
            f"tokenheat's static-HTML loader is missing ({path}). In a source checkout run "
            "`npm install && npm run build` (or reinstall with `pip install -e .`, which "
            "runs the build)."
        )
    source = path.read_text(encoding="utf-8")
    if re.search(r"</script|<!--", source, re.IGNORECASE):  # pragma: no cover - our own code
        raise RuntimeError(f"{path} cannot be inlined in a <script> element")
    return source


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so text such as
    ``</script>`` or ``<!--`` in labels, tokens or titles cannot end the element early.

    >>> _script_json({"title": "</script><b>"})
    '{"title":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def widget_state(widget: ipywidgets.Widget, *, exact: bool = True) -> dict[str, Any]:
    """A widget's full state as a notebook saves it, binary traits separated.

    The result has the form of one entry of a notebook's saved widget state
    (``model_name``, ``model_module``, ``model_module_version``, ``state``, and
    ``buffers``: a list of ``{"path": [...], "encoding": "base64", "data": str}``, each
    ``path`` saying where the buffer goes in ``state``, e.g. ``["_luts", "RdYlGn"]``).

    Parameters
    ----------
    widget : ipywidgets.Widget
        Usually a :class:`~tokenheat.Heatmap`; any widget works.
    exact : bool
        For a Heatmap whose values are not all float32-exact, include their float64
        originals (``_exact``), which a live widget sends only when a browser asks, so
        that tooltips in a page without a kernel show exact values. The widget itself is
        not changed.

    Examples
    --------
    >>> import base64, numpy as np
    >>> from tokenheat import Heatmap
    >>> s = widget_state(Heatmap(np.array([[0.5, -1.0]], dtype=np.float32)))
    >>> s["state"]["_shape"], s["state"]["_anywidget_id"]
    ([1, 2], 'tokenheat.widget.Heatmap')
    >>> values = next(b for b in s["buffers"] if b["path"] == ["_values"])
    >>> np.frombuffer(base64.b64decode(values["data"]), "<f4").tolist()
    [0.5, -1.0]
    """
    import ipywidgets

    if not isinstance(widget, ipywidgets.Widget):
        raise TypeError(f"widget_state() needs an ipywidgets widget, got {type(widget).__name__}")
    entry = widget._get_embed_state(drop_defaults=False)
    matrix = getattr(widget, "_matrix", None)
    originals = getattr(matrix, "exact", None)
    if exact and originals is not None:
        for buffer in entry.get("buffers", []):
            if buffer["path"] == ["_exact"] and not buffer["data"]:
                raw = memoryview(originals).cast("B")
                buffer["data"] = base64.standard_b64encode(raw).decode("ascii")
    return entry


def _png_size(png: bytes) -> tuple[int, int] | None:
    """Pixel width and height from a PNG header."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", png[16:24])


def _alt_text(state: dict[str, Any]) -> str:
    shape = state.get("_shape") or ["?", "?"]
    title = str(state.get("title") or "Heatmap")
    panels = state.get("_panels") or []
    if len(panels) == 2:
        return f"{title} ({panels[0]} \u00d7 {panels[1]} heatmaps of {shape[0]} \u00d7 {shape[1]})"
    if len(panels) == 1:
        return f"{title} ({panels[0]} heatmaps of {shape[0]} \u00d7 {shape[1]})"
    return f"{title} ({shape[0]} \u00d7 {shape[1]} heatmap)"


class _Page:
    """Fragments for the views of one page: each model's state, each distinct module
    and the loader are written once, with the first view that needs them."""

    def __init__(self) -> None:
        self.models: set[str] = set()
        self.modules: set[str] = set()
        self.loader = False

    def view(
        self,
        model_id: str,
        entry: dict[str, Any],
        png_base64: str | None = None,
        size: tuple[float, float] | None = None,
    ) -> str:
        """The HTML of one view of the saved model ``entry``: a placeholder holding the
        PNG fallback, plus whatever the page does not have yet."""
        state = dict(entry["state"])
        esm = state.pop("_esm")
        ref = hashlib.sha256(esm.encode("utf-8")).hexdigest()[:16]
        parts = [self._placeholder(model_id, state, png_base64, size)]
        if model_id not in self.models:
            saved = {
                "version": FORMAT_VERSION,
                "model_id": model_id,
                "esm_ref": ref,
                "state": state,
                "buffers": entry.get("buffers", []),
            }
            parts.append(
                f'<script type="{STATE_MIMETYPE}" data-model-id="{html.escape(model_id)}">'
                f"{_script_json(saved)}</script>"
            )
            self.models.add(model_id)
        if ref not in self.modules:
            parts.append(
                f'<script type="{ESM_MIMETYPE}" data-esm-ref="{ref}">{_script_json(esm)}</script>'
            )
            self.modules.add(ref)
        if not self.loader:
            parts.append(f'<script type="module">{_loader_source()}</script>')
            self.loader = True
        return "\n".join(parts)

    @staticmethod
    def _placeholder(
        model_id: str,
        state: dict[str, Any],
        png_base64: str | None,
        size: tuple[float, float] | None,
    ) -> str:
        img = ""
        if png_base64:
            dims = ""
            if size is not None:
                dims = f' width="{round(size[0])}" height="{round(size[1])}"'
            img = (
                f'<img class="tokenheat-static-fallback" alt="{html.escape(_alt_text(state))}"'
                f'{dims} style="max-width:100%;height:auto"'
                f' src="data:image/png;base64,{html.escape(png_base64)}">'
            )
        return f'<div class="tokenheat-static" data-model-id="{html.escape(model_id)}">{img}</div>'


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tokenheat {version}">
<title>{title}</title>
<style>
body {{ margin: 24px; background: #fff; color: #1f1f1f;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }}
@media (prefers-color-scheme: dark) {{ body {{ background: #1e1e1e; color: #e6e6e6; }} }}
main {{ max-width: 1100px; }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def to_html(widget: Heatmap, *, title: str | None = None) -> str:
    """A standalone HTML page showing the heatmap, interactive, with no network access.

    The page holds the widget's state, its front-end code and a small loader, all
    inline: it works from a file, offline, with no kernel and no CDN. Zoom, pan, hover
    and the colour-range control work as in the notebook; nothing is sent back to
    Python. Until the widget has drawn (and if JavaScript is off) the page shows a PNG
    of the same view (:meth:`~tokenheat.Heatmap.to_png`).

    Parameters
    ----------
    widget : Heatmap
        The heatmap, in its current state (view, range, colour map...).
    title : str, optional
        The page's title; default the heatmap's title, else "Heatmap".

    Examples
    --------
    >>> import numpy as np
    >>> from tokenheat import Heatmap
    >>> page = to_html(Heatmap(np.eye(3), title="identity"))
    >>> "<title>identity</title>" in page
    True
    >>> # open("identity.html", "w", encoding="utf-8").write(page)
    """
    from . import __version__
    from .widget import Heatmap

    if not isinstance(widget, Heatmap):
        raise TypeError(f"to_html() needs a tokenheat Heatmap, got {type(widget).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}")
    if title is not None:
        check_text([title], "title", None)
    png = widget.to_png(scale=2)
    size = _png_size(png)
    body = _Page().view(
        getattr(widget.comm, "comm_id", None) or uuid.uuid4().hex,
        widget_state(widget),
        base64.b64encode(png).decode("ascii"),
        None if size is None else (size[0] / 2, size[1] / 2),
    )
    return _PAGE.format(
        version=html.escape(__version__),
        title=html.escape(title if title is not None else widget.title or "Heatmap"),
        body=body,
    )


# --------------------------------------------------------------------------- nbconvert
def _is_tokenheat_model(entry: Any) -> bool:
    """Whether a saved widget-state entry is a tokenheat widget (an anywidget model
    whose class is defined in the tokenheat package, with its module source saved).

    >>> _is_tokenheat_model({"model_module": "anywidget", "state": {
    ...     "_anywidget_id": "tokenheat.widget.Heatmap", "_esm": "export default {}"}})
    True
    >>> _is_tokenheat_model({"model_module": "@jupyter-widgets/controls", "state": {}})
    False
    """
    if not isinstance(entry, dict) or entry.get("model_module") != "anywidget":
        return False
    state = entry.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("_esm"), str):
        return False
    return str(state.get("_anywidget_id", "")).split(".")[0] == "tokenheat"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


_MATH = re.compile(r"\$|\\\(|\\\[|\\begin\{")
_SCRIPT = re.compile(r"<script", re.IGNORECASE)


def _page_needs(nb: Any, skip: set[int]) -> dict[str, bool]:
    """Which CDN scripts of the stock template the notebook's content may use: MathJax
    for math, RequireJS for JavaScript outputs and scripts in HTML, Mermaid for
    diagrams. Conservative: when in doubt, the stock script stays. ``skip`` are
    ``id()`` s of outputs to ignore."""
    mathjax = requirejs = mermaid = False
    for cell in nb.cells:
        source = _text(cell.get("source", ""))
        if cell.cell_type == "markdown" and _MATH.search(source):
            mathjax = True
        if cell.cell_type in ("markdown", "raw") and _SCRIPT.search(source):
            requirejs = True
        if cell.cell_type == "markdown" and "mermaid" in source:
            mermaid = True
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if id(output) in skip:
                continue
            if "text/latex" in data:
                mathjax = True
            if "application/javascript" in data:
                requirejs = True
            if "text/vnd.mermaid" in data:
                mermaid = True
            for mime in ("text/html", "text/markdown"):
                text = _text(data.get(mime, ""))
                mathjax = mathjax or bool(_MATH.search(text))
                requirejs = requirejs or bool(_SCRIPT.search(text))
                mermaid = mermaid or (mime == "text/markdown" and "mermaid" in text)
    return {"mathjax": mathjax, "requirejs": requirejs, "mermaid": mermaid}


def embed_widgets(nb: Any) -> dict[str, Any]:
    """Rewrite a notebook (in place) so that its tokenheat views draw offline.

    Every output showing a tokenheat widget whose state the notebook saved gets a
    ``text/html`` placeholder (with the output's ``image/png`` as fallback) instead of
    its widget view. When no other widget views remain, the saved widget state is
    dropped, so the stock template does not load the widget manager from a CDN.

    Returns a summary: ``embedded`` (views rewritten), ``other_widgets`` (views of
    other widgets, left to the stock widget manager), ``widget_manager`` (whether that
    manager is still needed) and ``requirejs`` / ``mathjax`` / ``mermaid`` (whether the
    page may use those scripts of the stock template).

    Examples
    --------
    >>> import nbformat, numpy as np
    >>> from tokenheat import Heatmap
    >>> w = Heatmap(np.eye(2))
    >>> view = {"version_major": 2, "version_minor": 1, "model_id": "m1"}
    >>> out = nbformat.v4.new_output("display_data", data={WIDGET_VIEW_MIMETYPE: view})
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w", outputs=[out])])
    >>> nb.metadata["widgets"] = {WIDGET_STATE_MIMETYPE: {"state": {"m1": widget_state(w)}}}
    >>> embed_widgets(nb)["embedded"], "widgets" in nb.metadata
    (1, False)
    >>> nb.cells[0].outputs[0].data["text/html"].startswith('<div class="tokenheat-static"')
    True
    """
    widgets = nb.metadata.get("widgets") or {}
    saved = (widgets.get(WIDGET_STATE_MIMETYPE) or {}).get("state") or {}
    ours: list[tuple[Any, str]] = []
    others = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW_MIMETYPE)
            model_id = view.get("model_id") if isinstance(view, dict) else None
            if model_id not in saved:
                continue  # no saved state: the stock template shows the next mimetype
            if _is_tokenheat_model(saved[model_id]):
                ours.append((output, model_id))
            else:
                others += 1
    needs = _page_needs(nb, {id(output) for output, _ in ours})
    page = _Page()
    for output, model_id in ours:
        png = output["data"].get("image/png")
        meta = output.get("metadata", {}).get("image/png", {})
        try:
            size = (float(meta["width"]), float(meta["height"]))
        except (TypeError, KeyError, ValueError):
            size = None
        data = {k: v for k, v in output["data"].items() if k != WIDGET_VIEW_MIMETYPE}
        data["text/html"] = page.view(model_id, saved[model_id], _text(png) if png else None, size)
        output["data"] = data
    if ours and not others:
        widgets.pop(WIDGET_STATE_MIMETYPE, None)
        if not widgets:
            nb.metadata.pop("widgets", None)
    manager = others > 0 or WIDGET_STATE_MIMETYPE in (nb.metadata.get("widgets") or {})
    return {
        "embedded": len(ours),
        "other_widgets": others,
        "widget_manager": manager,
        "requirejs": needs["requirejs"] or manager,
        "mathjax": needs["mathjax"],
        "mermaid": needs["mermaid"],
    }


_TEMPLATE_FILE = "tokenheat-offline.html.j2"
# Extends the chosen template (lab by default): each CDN script of the stock page is
# kept only when the notebook may use it.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}
{%- if resources.tokenheat.requirejs -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}
{%- if resources.tokenheat.widget_manager -%}{{ super() }}{%- endif -%}
{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
{%- if resources.tokenheat.mathjax -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}
{%- if resources.tokenheat.mermaid -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mermaidjs -%}
"""


@cache
def _exporter_class() -> type:
    # nbconvert is not a dependency of tokenheat: import it only when asked for.
    from jinja2 import DictLoader
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import Preprocessor
    from traitlets import default

    class TokenheatWidgetsPreprocessor(Preprocessor):
        """Runs last (after ``--execute``): see :func:`embed_widgets`."""

        def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
            if getattr(self.parent, "sanitize_html", False):
                # scripts would be stripped: keep the stock outputs (the PNG shows)
                summary = {"embedded": 0, "other_widgets": 0, "widget_manager": True}
                summary.update(requirejs=True, mathjax=True, mermaid=True)
            else:
                summary = embed_widgets(nb)
                if summary["other_widgets"]:
                    self.log.warning(
                        "tokenheat: %d view(s) of other widgets still need the Jupyter "
                        "widget manager from a CDN (shown only online)",
                        summary["other_widgets"],
                    )
            resources["tokenheat"] = summary
            return nb, resources

    class TokenheatHTMLExporter(HTMLExporter):
        """HTML export in which tokenheat heatmaps stay interactive, with no CDN.

        ``jupyter nbconvert --to tokenheat [--execute] notebook.ipynb``. Each tokenheat
        view whose widget state is saved in the notebook is drawn live in the page from
        inline code and data; outputs without saved state show their PNG. The widget
        manager, RequireJS, MathJax and Mermaid of the stock template are loaded (from a
        CDN) only when other widgets, JavaScript outputs, math or diagrams need them.
        """

        export_from_notebook = "HTML (tokenheat, offline widgets)"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.extra_loaders = [DictLoader({_TEMPLATE_FILE: _TEMPLATE}), *self.extra_loaders]

        @default("template_file")
        def _tokenheat_template_file(self) -> str:
            return _TEMPLATE_FILE

        def _init_preprocessors(self) -> None:
            super()._init_preprocessors()
            self.register_preprocessor(TokenheatWidgetsPreprocessor(parent=self), enabled=True)

    for cls in (TokenheatHTMLExporter, TokenheatWidgetsPreprocessor):
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    return TokenheatHTMLExporter


def __getattr__(name: str) -> Any:
    if name == "TokenheatHTMLExporter":
        return _exporter_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
