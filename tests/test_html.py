"""Static HTML: saved state, the standalone page and the nbconvert exporter (no browser)."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

from tokenheat import Heatmap, html
from tokenheat.html import embed_widgets, to_html, widget_state

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_JSON = ROOT / "notebooks" / "data" / "arithmetic_attributions.json"
VIEW = "application/vnd.jupyter.widget-view+json"
SAVED_STATE = "application/vnd.jupyter.widget-state+json"
NASTY = "</script><script>alert(1)</script><!--"


class Scripts(HTMLParser):
    """Every <script> of a page as (attributes, text), parsed like a browser does."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self.imgs: list[dict[str, str | None]] = []
        self.placeholders: list[dict[str, str | None]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "script":
            self._open = a
            self.scripts.append((a, ""))
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "div" and "tokenheat-static" in (a.get("class") or "").split():
            self.placeholders.append(a)

    def handle_data(self, data) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._open = None

    def of_type(self, kind: str) -> list[tuple[dict[str, str | None], str]]:
        return [(a, t) for a, t in self.scripts if a.get("type") == kind]


def decoded_buffers(entry: dict) -> dict[tuple, bytes]:
    return {tuple(b["path"]): base64.b64decode(b["data"]) for b in entry["buffers"]}


def assert_offline(page: str) -> None:
    """No external script, stylesheet, image, font or import: everything is inline."""
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"""import\s*\(?\s*["'](https?:)?//""", page)
    assert "@jupyter-widgets/html-manager" not in page
    assert "require.min.js" not in page
    assert "mathjax" not in page.lower()


# ---------------------------------------------------------------------- widget_state
def test_widget_state_round_trips_the_matrix(make_reference) -> None:
    w = make_reference()
    entry = widget_state(w)
    assert entry["model_module"] == "anywidget" and entry["model_name"] == "AnyModel"
    state = entry["state"]
    assert state["_anywidget_id"] == "tokenheat.widget.Heatmap"
    assert state["_shape"] == [9, 5] and state["row_labels"] == w.row_labels
    assert isinstance(state["_esm"], str) and len(state["_esm"]) > 1000
    buffers = decoded_buffers(entry)
    assert all(b["encoding"] == "base64" for b in entry["buffers"])
    values = np.frombuffer(buffers[("_values",)], dtype="<f4").reshape(9, 5)
    np.testing.assert_array_equal(values, np.asarray(w.values, dtype=np.float32))
    assert "_values" not in state and "RdYlGn" not in state["_luts"]  # moved to buffers
    lut = buffers[("_luts", "RdYlGn")]
    assert len(lut) == 1024 and lut == bytes(w._luts["RdYlGn"])
    # the float64 originals, which a browser would have to ask for, are included ...
    exact = np.frombuffer(buffers[("_exact",)], dtype="<f8").reshape(9, 5)
    np.testing.assert_array_equal(exact, np.asarray(w.values, dtype=np.float64))
    assert len(w._exact) == 0  # ... without changing the widget
    assert decoded_buffers(widget_state(w, exact=False))[("_exact",)] == b""
    json.dumps(entry, allow_nan=False)  # plain JSON, as in a saved notebook


def test_widget_state_keeps_nan_cells(small: np.ndarray) -> None:
    entry = widget_state(Heatmap(small))
    values = np.frombuffer(decoded_buffers(entry)[("_values",)], dtype="<f4").reshape(2, 3)
    np.testing.assert_array_equal(values, small.astype(np.float32))  # NaN == NaN here
    assert decoded_buffers(entry)[("_exact",)] == b""  # float32 is exact: nothing to add


def test_widget_state_needs_a_widget() -> None:
    with pytest.raises(TypeError, match="needs an ipywidgets widget, got ndarray"):
        widget_state(np.eye(2))


# ---------------------------------------------------------------------------- to_html
def test_to_html_is_one_self_contained_page(make_reference) -> None:
    w = make_reference(vmin=-0.1, vmax=0.1)
    page = to_html(w)
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Token Attribution</title>" in page
    assert_offline(page)
    parsed = Scripts(page)
    assert all("src" not in attrs for attrs, _ in parsed.scripts)
    ((state_attrs, state_text),) = parsed.of_type(html.STATE_MIMETYPE)
    ((esm_attrs, esm_text),) = parsed.of_type(html.ESM_MIMETYPE)
    assert len(parsed.of_type("module")) == 1  # the loader
    assert len(parsed.scripts) == 3
    (holder,) = parsed.placeholders
    saved = json.loads(state_text)
    assert holder["data-model-id"] == state_attrs["data-model-id"] == saved["model_id"]
    assert saved["esm_ref"] == esm_attrs["data-esm-ref"]
    assert "_esm" not in saved["state"]  # the module is embedded once, beside it
    assert json.loads(esm_text) == w._esm
    values = np.frombuffer(decoded_buffers(saved)[("_values",)], dtype="<f4")
    np.testing.assert_array_equal(values, np.asarray(w.values, np.float32).ravel())


def test_to_html_falls_back_to_the_png(make_reference) -> None:
    w = make_reference(vmin=-0.1, vmax=0.1)
    (img,) = Scripts(to_html(w)).imgs
    assert img["class"] == "tokenheat-static-fallback"
    assert img["alt"] == "Token Attribution (9 \u00d7 5 heatmap)"
    src = img["src"] or ""
    assert src.startswith("data:image/png;base64,")
    png = base64.b64decode(src.split(",", 1)[1])
    assert png == w.to_png(scale=2)
    size = Image.open(io.BytesIO(png)).size
    assert (int(img["width"]), int(img["height"])) == (round(size[0] / 2), round(size[1] / 2))


def test_to_html_escapes_user_text(small: np.ndarray) -> None:
    tokens = np.full(small.shape, NASTY, dtype=object)
    w = Heatmap(small, row_labels=[NASTY, "b&"], column_labels=["<", ">", "x"], tokens=tokens)
    w.title = NASTY
    page = to_html(w)
    assert "<script>alert(1)" not in page and "<!--" not in page
    parsed = Scripts(page)
    assert len(parsed.scripts) == 3  # nothing broke out of a <script> element
    saved = json.loads(parsed.of_type(html.STATE_MIMETYPE)[0][1])
    assert saved["state"]["row_labels"] == [NASTY, "b&"]
    assert saved["state"]["title"] == NASTY
    assert saved["state"]["_tokens"] == [NASTY] * 6
    assert f"<title>{NASTY}</title>" not in page
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_to_html_title_and_errors(small: np.ndarray) -> None:
    assert "<title>Heatmap</title>" in to_html(Heatmap(small))
    assert "<title>My &amp; page</title>" in to_html(Heatmap(small), title="My & page")
    with pytest.raises(TypeError, match="needs a tokenheat Heatmap, got dict"):
        to_html({})
    with pytest.raises(TypeError, match="title must be a str or None, got int"):
        to_html(Heatmap(small), title=3)


def test_missing_loader_says_to_build(monkeypatch: pytest.MonkeyPatch, small: np.ndarray) -> None:
    monkeypatch.setattr(html, "_LOADER", "no-such-loader.js")
    html._loader_source.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match=r"run `npm install && npm run build`"):
            to_html(Heatmap(small))
    finally:
        monkeypatch.undo()
        html._loader_source.cache_clear()


# --------------------------------------------------------------------- the exporter
SETUP = f"""\
import json
import ipywidgets
from tokenheat import Heatmap
ref = json.loads(open({str(REFERENCE_JSON)!r}).read())
w = Heatmap(ref["values"], row_labels=ref["row_labels"], column_labels=ref["columns"],
            tokens=ref["tokens"], vmin=-0.1, vmax=0.1, title={NASTY!r})
w"""


def execute(cells: list[str], path: Path, markdown: str = "# A heatmap") -> Path:
    """Write a notebook and run it as nbconvert --execute does, keeping widget state."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(markdown),
            *(nbformat.v4.new_code_cell(c) for c in cells),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def heatmap_nb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two views of one heatmap, and a heatmap whose state is not saved."""
    path = tmp_path_factory.mktemp("nb") / "heatmaps.ipynb"
    execute([SETUP, "w", "Heatmap([[1.0, 2.0]], title='unsaved')"], path)
    nb = nbformat.read(path, as_version=4)
    unsaved = nb.cells[3].outputs[0]["data"][VIEW]["model_id"]
    del nb.metadata["widgets"][SAVED_STATE]["state"][unsaved]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def mixed_nb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nb") / "mixed.ipynb"
    return execute([SETUP, "ipywidgets.IntSlider(3)"], path, markdown="Euler: $e^{i\\pi} = -1$")


def export(path: Path, **config) -> str:
    from nbconvert.exporters import get_exporter

    exporter = get_exporter("tokenheat")(**config)
    body, _ = exporter.from_filename(str(path))
    return body


def test_nbclient_saves_heatmap_buffers(heatmap_nb: Path) -> None:
    nb = nbformat.read(heatmap_nb, as_version=4)
    saved = nb.metadata["widgets"][SAVED_STATE]["state"]
    view = nb.cells[1].outputs[0]["data"][VIEW]
    entry = saved[view["model_id"]]
    assert entry["state"]["_anywidget_id"] == "tokenheat.widget.Heatmap"
    reference = json.loads(REFERENCE_JSON.read_text())
    values = np.frombuffer(decoded_buffers(entry)[("_values",)], dtype="<f4").reshape(9, 5)
    np.testing.assert_array_equal(values, np.asarray(reference["values"], dtype=np.float32))
    assert len(decoded_buffers(entry)[("_luts", "RdYlGn")]) == 1024


def test_exporter_is_registered() -> None:
    from nbconvert.exporters import get_export_names, get_exporter

    assert "tokenheat" in get_export_names()
    cls = get_exporter("tokenheat")
    assert cls is html.TokenheatHTMLExporter and cls.__name__ == "TokenheatHTMLExporter"


def test_exporter_embeds_heatmaps_offline(heatmap_nb: Path) -> None:
    page = export(heatmap_nb)
    assert_offline(page)
    assert SAVED_STATE not in page and VIEW not in page  # no stock widget manager needed
    parsed = Scripts(page)
    holders = parsed.placeholders
    assert len(holders) == 2 and holders[0]["data-model-id"] == holders[1]["data-model-id"]
    # one state for the shared model, the module and the loader once per page
    assert len(parsed.of_type(html.STATE_MIMETYPE)) == 1
    assert len(parsed.of_type(html.ESM_MIMETYPE)) == 1
    assert sum("tokenheat" in text for _, text in parsed.of_type("module")) == 1
    saved = json.loads(parsed.of_type(html.STATE_MIMETYPE)[0][1])
    assert saved["state"]["title"] == NASTY  # escaped, and intact
    assert "<script>alert(1)" not in page
    fallbacks = [i for i in parsed.imgs if i.get("class") == "tokenheat-static-fallback"]
    assert len(fallbacks) == 2 and all(i["src"].startswith("data:image/png") for i in fallbacks)
    # the heatmap without saved state keeps the stock output: its PNG
    unsaved = [i for i in parsed.imgs if i.get("class") != "tokenheat-static-fallback"]
    assert len(unsaved) == 1 and unsaved[0]["src"].startswith("data:image/png")


def test_other_widgets_keep_the_stock_manager(mixed_nb: Path) -> None:
    page = export(mixed_nb)
    parsed = Scripts(page)
    assert len(parsed.placeholders) == 1  # the heatmap is still drawn offline
    # the slider needs the widget manager (from a CDN), and it gets the saved state
    assert "@jupyter-widgets/html-manager" in page
    assert len(parsed.of_type(SAVED_STATE)) == 1
    (view,) = parsed.of_type(VIEW)
    state = json.loads(parsed.of_type(SAVED_STATE)[0][1])["state"]
    assert state[json.loads(view[1])["model_id"]]["model_name"] == "IntSliderModel"
    assert "mathjax" in page.lower()  # the markdown has math


def test_sanitized_export_leaves_widgets_alone(heatmap_nb: Path) -> None:
    page = export(heatmap_nb, sanitize_html=True)
    assert not Scripts(page).placeholders


def test_cli_converts_a_notebook(heatmap_nb: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "tokenheat", str(heatmap_nb),
         "--output-dir", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    page = (tmp_path / "heatmaps.html").read_text(encoding="utf-8")
    assert len(Scripts(page).placeholders) == 2
    assert_offline(page)


# --------------------------------------------------------------- embed_widgets (unit)
def notebook_with(outputs: list[dict], state: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data=d) for d in outputs]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["widgets"] = {SAVED_STATE: {"version_major": 2, "version_minor": 0, "state": state}}
    return nb


def view_of(model_id: str, png: str | None = "iVBORw0KGgo=") -> dict:
    data = {VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id}, "text/plain": "w"}
    if png:
        data["image/png"] = png
    return data


def test_embed_widgets_rewrites_only_saved_tokenheat_views(small: np.ndarray) -> None:
    ours = widget_state(Heatmap(small))
    other_anywidget = {
        "model_name": "AnyModel",
        "model_module": "anywidget",
        "model_module_version": "~0.11.*",
        "state": {"_anywidget_id": "__main__.Counter", "_esm": "export default {}"},
    }
    state = {"th": ours, "counter": other_anywidget}
    nb = notebook_with([view_of("th"), view_of("counter"), view_of("gone")], state)
    summary = embed_widgets(nb)
    assert summary["embedded"] == 1 and summary["other_widgets"] == 1
    assert summary["widget_manager"] and summary["requirejs"]
    th, counter, gone = nb.cells[0].outputs
    assert VIEW not in th["data"] and th["data"]["image/png"] == "iVBORw0KGgo="
    assert 'data-model-id="th"' in th["data"]["text/html"]
    assert "data:image/png;base64,iVBORw0KGgo=" in th["data"]["text/html"]
    assert counter["data"][VIEW]["model_id"] == "counter" and "text/html" not in counter["data"]
    assert gone["data"][VIEW]["model_id"] == "gone" and "text/html" not in gone["data"]
    assert set(nb.metadata["widgets"][SAVED_STATE]["state"]) == {"th", "counter"}


def test_embed_widgets_drops_the_state_when_only_heatmaps_remain(small: np.ndarray) -> None:
    nb = notebook_with(
        [view_of("th", png=None), view_of("th")], {"th": widget_state(Heatmap(small))}
    )
    summary = embed_widgets(nb)
    assert summary == {
        "embedded": 2,
        "other_widgets": 0,
        "widget_manager": False,
        "requirejs": False,
        "mathjax": False,
        "mermaid": False,
    }
    assert "widgets" not in nb.metadata
    first, second = (o["data"]["text/html"] for o in nb.cells[0].outputs)
    assert "<img" not in first  # no PNG in that output: no fallback picture
    assert html.STATE_MIMETYPE in first and html.STATE_MIMETYPE not in second
    assert '<script type="module">' in first and "<script" not in second


def test_embed_widgets_keeps_scripts_the_notebook_needs(small: np.ndarray) -> None:
    nb = notebook_with([view_of("th")], {"th": widget_state(Heatmap(small))})
    nb.cells.append(nbformat.v4.new_markdown_cell(r"inline math \(x^2\)"))
    nb.cells.append(nbformat.v4.new_markdown_cell("```mermaid\ngraph TD; A-->B\n```"))
    js = nbformat.v4.new_code_cell("js")
    js.outputs = [nbformat.v4.new_output("display_data", data={"application/javascript": "1"})]
    nb.cells.append(js)
    summary = embed_widgets(nb)
    assert summary["mathjax"] and summary["requirejs"] and summary["mermaid"]
    assert not summary["widget_manager"]


def test_exporter_embeds_a_grid_of_panels_offline(tmp_path: Path) -> None:
    grid = (
        "import numpy as np\n"
        "from tokenheat import Heatmap\n"
        "z = np.arange(3 * 4 * 5 * 6, dtype=np.float32).reshape(3, 4, 5, 6) - 150\n"
        "g = Heatmap(z, panel_labels=(['L0', 'L1', 'L2'], ['H0', 'H1', 'H2', 'H3']),\n"
        "            normalize='row')\n"
        "g.focus = (2, 1)\n"
        "g"
    )
    page = export(execute([grid], tmp_path / "grid.ipynb", markdown="# A grid"))
    assert_offline(page)
    parsed = Scripts(page)
    assert len(parsed.placeholders) == 1
    saved = json.loads(parsed.of_type(html.STATE_MIMETYPE)[0][1])
    state = saved["state"]
    assert state["_panels"] == [3, 4] and state["focus"] == [2, 1]
    assert state["panel_labels"] == [["L0", "L1", "L2"], ["H0", "H1", "H2", "H3"]]
    assert state["normalize"] == "row"
    buffers = {tuple(b["path"]): base64.b64decode(b["data"]) for b in saved["buffers"]}
    values = np.frombuffer(buffers[("_values",)], dtype="<f4").reshape(3, 4, 5, 6)
    np.testing.assert_array_equal(values[2, 1], np.arange(270, 300).reshape(5, 6) - 150)
    # the divisors of every row, column and panel travel with it (the page normalises)
    assert len(buffers[("_norms",)]) == 4 * 12 * (5 + 6 + 1)
    fallbacks = [i for i in parsed.imgs if i.get("class") == "tokenheat-static-fallback"]
    assert len(fallbacks) == 1 and fallbacks[0]["src"].startswith("data:image/png")
