"""Static HTML in Chromium with the network cut off: the exported notebook and the
standalone page draw the heatmap live, in the right colours, and respond to zoom."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from tokenheat import Heatmap
from tokenheat.html import to_html

from .conftest import ROOT, WidgetView, code_notebook

REFERENCE_JSON = ROOT / "notebooks" / "data" / "arithmetic_attributions.json"
SHAPE = (9, 5)
TOLERANCE = 6
SETUP = f"""\
import json
from tokenheat import Heatmap
ref = json.loads(open({str(REFERENCE_JSON)!r}).read())
w = Heatmap(ref["values"], row_labels=ref["row_labels"], column_labels=ref["columns"],
            tokens=ref["tokens"], vmin=-0.1, vmax=0.1, title=ref["title"],
            colorbar_title=ref["colorbar_title"])
w"""


@pytest.fixture
def narrow(make_reference) -> Heatmap:
    """The heatmap SETUP makes: the reference figure at ±0.1."""
    return make_reference(vmin=-0.1, vmax=0.1)


@pytest.fixture(scope="module")
def exported_notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An executed notebook showing one heatmap twice, exported with --to tokenheat."""
    from nbclient import NotebookClient
    from nbconvert.exporters import get_exporter

    folder = tmp_path_factory.mktemp("static")
    nb = code_notebook(SETUP, "w")
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    body, _ = get_exporter("tokenheat")().from_notebook_node(nb)
    path = folder / "heatmap.html"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def offline(page):
    """The page with every request that is not for a local file aborted and recorded,
    and console errors collected."""
    requests: list[str] = []
    console: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("file:", "blob:", "data:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: requests.append(f"failed: {r.url}"))
    yield page, requests, console
    assert not requests, f"network requests: {requests}"
    assert not console, f"console errors: {console}"


VISIBLE_ROW_LABELS = (
    "el => [...el.querySelectorAll('.tokenheat-row-label')].filter(l => l.checkVisibility()).length"
)


def visible_row_labels(view: WidgetView) -> int:
    return view.root.evaluate(VISIBLE_ROW_LABELS)


def wait_zoomed(page, view: WidgetView, timeout: float = 10_000) -> None:
    page.wait_for_function(
        f"el => ({VISIBLE_ROW_LABELS})(el) < {SHAPE[0]}",
        arg=view.root.element_handle(),
        timeout=timeout,
    )


def assert_reference_colours(view: WidgetView, expected: np.ndarray) -> None:
    """Every cell's on-screen colour (one screenshot, sampled off-centre like
    WidgetView.cell_colour: token text sits at the centre) is the Python colour."""
    from PIL import Image

    shot = Image.open(io.BytesIO(view.cells.screenshot())).convert("RGB")
    rows, cols = SHAPE
    wrong = {}
    for r in range(rows):
        for c in range(cols):
            seen = shot.getpixel(
                (int((c + 0.15) * shot.width / cols), int((r + 0.2) * shot.height / rows))
            )
            want = tuple(int(v) for v in expected[r, c, :3])
            if any(abs(a - b) > TOLERANCE for a, b in zip(seen, want, strict=True)):
                wrong[(r, c)] = (seen, want)
    assert not wrong, f"cell colours (seen, expected): {wrong}"


def zoom_in(page, view: WidgetView) -> None:
    view.wheel_zoom(4, 2, SHAPE, steps=6)


def test_exported_notebook_is_live_offline(
    exported_notebook: Path, offline, widgets, narrow: Heatmap
) -> None:
    page, _, _ = offline
    page.goto(exported_notebook.as_uri())
    first, second = widgets(0).wait_ready(), widgets(1).wait_ready()
    assert page.locator(".tokenheat").count() == 2
    assert first.texts(".tokenheat-title") == ["Token Attribution"]
    # the fallback pictures made way for the live widgets
    for img in page.locator("img.tokenheat-static-fallback").all():
        assert not img.is_visible()
    assert_reference_colours(first, narrow.to_rgba())
    assert_reference_colours(second, narrow.to_rgba())
    assert visible_row_labels(first) == visible_row_labels(second) == SHAPE[0]
    zoom_in(page, first)
    wait_zoomed(page, first)
    # both views show one shared model: once the zoom settles, the other view follows
    wait_zoomed(page, second, timeout=5_000)
    page.wait_for_timeout(400)  # let the zoom settle everywhere
    assert visible_row_labels(second) == visible_row_labels(first)


def test_to_html_page_is_live_offline(tmp_path: Path, offline, widgets, narrow: Heatmap) -> None:
    page, _, _ = offline
    path = tmp_path / "heatmap.html"
    path.write_text(to_html(narrow), encoding="utf-8")
    page.goto(path.as_uri())
    view = widgets(0).wait_ready()
    assert page.title() == "Token Attribution"
    assert not page.locator("img.tokenheat-static-fallback").is_visible()
    assert_reference_colours(view, narrow.to_rgba())
    assert visible_row_labels(view) == SHAPE[0]
    zoom_in(page, view)
    wait_zoomed(page, view)


def test_without_javascript_the_png_shows(browser, tmp_path: Path, narrow: Heatmap) -> None:
    path = tmp_path / "heatmap.html"
    path.write_text(to_html(narrow), encoding="utf-8")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        img = page.locator("img.tokenheat-static-fallback")
        assert img.is_visible()
        width, natural = img.evaluate("el => [el.getBoundingClientRect().width, el.naturalWidth]")
        assert natural > 0 and abs(width - natural / 2) <= 1  # drawn at 2x for sharpness
    finally:
        context.close()


def test_a_big_matrix_page_shows_its_overview_offline(
    tmp_path: Path, offline, widgets, monkeypatch
) -> None:
    """A matrix sent as an overview (limits made small here) draws from it without a
    kernel: its blocks in their strongest values, a tooltip naming the block, and
    zooming asks for nothing it cannot get (no errors, the overview stays)."""
    from PIL import Image

    from tokenheat import _data

    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 300)
    values = np.zeros((60, 50))
    values[31, 17] = -2.0
    w = Heatmap(values, vmin=-2, vmax=2, static_png=False)
    fr, fc = w._block
    assert (fr, fc) != (1, 1)
    path = tmp_path / "big.html"
    path.write_text(to_html(w), encoding="utf-8")
    page, _, _ = offline
    page.goto(path.as_uri())
    view = widgets(0).wait_ready()
    shot = Image.open(io.BytesIO(view.cells.screenshot())).convert("RGB")
    red = tuple(int(v) for v in w.to_rgba()[31, 17, :3])
    pale = tuple(int(v) for v in w.to_rgba()[0, 0, :3])
    # the whole block of the strong cell shows it; far away, the pale middle
    top, left = 31 // fr * fr, 17 // fc * fc
    for r, c in ((top, left), (top + fr - 1, left + fc - 1), (31, 17)):
        x, y = int((c + 0.5) * shot.width / 50), int((r + 0.5) * shot.height / 60)
        assert all(abs(a - b) <= TOLERANCE for a, b in zip(shot.getpixel((x, y)), red, strict=True))
    assert all(abs(a - b) <= TOLERANCE for a, b in zip(shot.getpixel((5, 5)), pale, strict=True))
    page.mouse.move(*view.cell_point(top, left, (60, 50)))
    tip = view.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    key = tip.locator(".tokenheat-tooltip-key").first.text_content()
    assert key == f"rows {top}\u2013{top + fr - 1}", key
    assert "-2" in (tip.text_content() or "")
    draws = view.draws()
    view.wheel_zoom(31, 17, (60, 50), steps=6)
    page.wait_for_function(
        f"el => Number(el.dataset.draws) > {draws}", arg=view.root.element_handle()
    )
    page.wait_for_timeout(500)  # a window would be asked for now: nobody answers
    assert view.root.get_attribute("data-ready") == "true"
    assert view.root.locator(".tokenheat-error").is_hidden()
