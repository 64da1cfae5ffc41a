"""Export in real JupyterLab: the Python-rendered image against the live widget's pixels,
the toolbar's download buttons, and ``capture`` from the browser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from .conftest import WidgetView, write_notebook
from .test_interaction import wait_py

ROWS, COLS = 30, 20
VIEW = (3.5, 17.25, 2.5, 12.75)  # fractional edges: partial cells at every side
SETUP = f"""\
import numpy as np
from PIL import Image
from tokenheat import Heatmap, export
rng = np.random.default_rng(7)
values = rng.permutation(np.linspace(-1.4, 1.4, {ROWS * COLS})).reshape({ROWS}, {COLS})
values[5, 5] = np.nan
w = Heatmap(values, row_labels=[f"row {{i}}" for i in range({ROWS})],
            column_labels=[f"c{{j}}" for j in range({COLS})], vmin=-1.2, vmax=1.2,
            title="Export: <check> & done", colorbar_title="attribution")
w.view = {VIEW}
w"""


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "export.ipynb", SETUP)


@pytest.fixture
def view(lab, page, notebook) -> WidgetView:
    lab.open(page, notebook)
    lab.run_all(page)
    return WidgetView(page, 0).wait_ready()


def png_array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)


def visible_cells():
    r0, r1, c0, c1 = VIEW
    return [(r, c) for r in range(int(r0), int(np.ceil(r1))) for c in range(int(c0), int(c1))]


def screen_centre(r: int, c: int, width: int, height: int) -> tuple[int, int]:
    """Pixel of a plot image (width x height) at the centre of the visible part of
    cell (r, c) in VIEW."""
    r0, r1, c0, c1 = VIEW
    y = (max(r, r0) + min(r + 1, r1)) / 2
    x = (max(c, c0) + min(c + 1, c1)) / 2
    return int((x - c0) / (c1 - c0) * width), int((y - r0) / (r1 - r0) * height)


def aligned(page, locator, expected: np.ndarray) -> np.ndarray:
    """The screen pixels under an element, as many as ``expected`` has. An element at a
    fractional page position is drawn snapped to whole device pixels, so look at a
    slightly larger area and take the offset (at most 2 px) that matches best."""
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    box = locator.bounding_box()
    h, w = expected.shape[:2]
    x0, y0 = int(box["x"]), int(box["y"])
    clip = {"x": x0, "y": y0, "width": w + 2, "height": h + 2}
    area = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"), dtype=int)
    candidates = [area[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)]
    return min(candidates, key=lambda c: int((np.abs(c - expected).max(axis=2) > 1).sum()))


def test_python_png_matches_the_live_widget_pixel_for_pixel(lab, page, view) -> None:
    box = view.cells.bounding_box()
    w, h = round(box["width"]), round(box["height"])
    # the kernel renders the cell area at the on-screen size, and the whole figure
    lab.run_code(
        page,
        f"Image.fromarray(export.cell_pixels(w, {w}, {h})).save('export-cells.png')\n"
        f"w.save('export-figure.png', scale=1)",
    )
    python = png_array((lab.root / "export-cells.png").read_bytes())
    page.mouse.move(0, 0)  # no tooltip or toolbar over the cells
    page.wait_for_timeout(300)
    shot = aligned(page, view.cells, python)
    diff = np.abs(python - shot).max(axis=2)
    # Every pixel the same colour within 1 per channel, but for pixels whose centre sits
    # within float32 rounding of a cell edge (the shader computes in float32).
    assert (diff <= 1).mean() > 0.9995, f"{(diff > 1).sum()} of {diff.size} pixels differ"

    # The exported figure (its own layout) shows every visible cell in the screen's colour.
    figure = png_array((lab.root / "export-figure.png").read_bytes())
    frame = wait_py(lab, page, "tuple(export.layout(w).plot)", lambda v: len(v) == 4)
    px, py_, pw, ph = frame
    for r, c in visible_cells():
        sx, sy = screen_centre(r, c, w, h)
        fx, fy = screen_centre(r, c, pw, ph)
        on_screen, exported = shot[sy, sx], figure[py_ + fy, px + fx]
        assert np.abs(on_screen - exported).max() <= 1, ((r, c), on_screen, exported)


def test_exported_svg_names_what_the_widget_shows(lab, page, view) -> None:
    lab.run_code(page, "w.save('export-figure.svg')")
    svg = ET.fromstring((lab.root / "export-figure.svg").read_text())
    texts = {el.text for el in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert "Export: <check> & done" in texts and "attribution" in texts
    shown_rows = set(view.texts(".tokenheat-row-label"))
    assert shown_rows and shown_rows <= texts


# ----------------------------------------------------------------- from the browser
def download(page, view: WidgetView, fmt: str, folder) -> tuple[str, bytes]:
    """Click a toolbar download button like a person; the file's name and bytes."""
    view.root.hover()  # the toolbar shows while the pointer is over the widget
    button = view.root.locator(f'.tokenheat-download[data-format="{fmt}"]')
    assert button.get_attribute("aria-label") == f"Download {fmt.upper()}"
    with page.expect_download() as info:
        button.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    page.mouse.move(0, 0)
    return info.value.suggested_filename, path.read_bytes()


def plot_offset(view: WidgetView) -> tuple[float, float]:
    """Where the cell area sits inside the widget, in CSS px."""
    root, cells = view.root.bounding_box(), view.cells.bounding_box()
    return cells["x"] - root["x"], cells["y"] - root["y"]


def test_download_png_is_the_view_on_screen_at_2x(lab, page, view, tmp_path) -> None:
    name, data = download(page, view, "png", tmp_path)
    assert name == "Export-check-done.png"  # from the title, sanitised
    image = png_array(data)
    root = view.root.bounding_box()
    assert image.shape[:2] == (round(root["height"] * 2), round(root["width"] * 2))

    cells = view.cells.bounding_box()
    w, h = round(cells["width"]), round(cells["height"])
    lab.run_code(
        page,
        f"Image.fromarray(export.cell_pixels(w, {w}, {h})).save('screen-cells.png')\n"
        f"Image.fromarray(export.cell_pixels(w, {2 * w}, {2 * h})).save('cells-2x.png')",
    )
    page.mouse.move(0, 0)
    screen = aligned(page, view.cells, png_array((lab.root / "screen-cells.png").read_bytes()))
    ox, oy = (round(v * 2) for v in plot_offset(view))
    plot = image[oy : oy + 2 * h, ox : ox + 2 * w]
    for r, c in visible_cells():
        sx, sy = screen_centre(r, c, w, h)
        dx, dy = screen_centre(r, c, 2 * w, 2 * h)
        assert np.abs(screen[sy, sx] - plot[dy, dx]).max() <= 1, ((r, c), screen[sy, sx])
    # the whole cell area, drawn at 2x with the screen's pixel-to-cell rule
    at_2x = png_array((lab.root / "cells-2x.png").read_bytes())
    assert (np.abs(plot - at_2x).max(axis=2) <= 1).mean() > 0.999
    # text was drawn: dark pixels in the title band above the plot
    assert (image[:oy, :].sum(axis=2) < 250).sum() > 50


def test_download_svg_keeps_labels_as_text(lab, page, view, tmp_path) -> None:
    name, data = download(page, view, "svg", tmp_path)
    assert name == "Export-check-done.svg"
    svg = ET.fromstring(data.decode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    root = view.root.bounding_box()
    assert abs(float(svg.get("width")) - root["width"]) < 1
    assert abs(float(svg.get("height")) - root["height"]) < 1
    texts = [el.text for el in svg.iter(f"{ns}text")]
    assert "Export: <check> & done" in texts and "attribution" in texts
    for selector in (".tokenheat-row-label", ".tokenheat-col-label", ".tokenheat-colorbar-tick"):
        shown = view.texts(selector)
        assert shown and set(shown) <= set(texts), selector
    # every visible cell is a rectangle in its exact colour
    colours = wait_py(lab, page, "w.to_rgba()[3:18, 2:13, :3].tolist()", lambda v: len(v) == 15)
    fills = {el.get("fill") for el in svg.iter(f"{ns}rect")}
    r0, c0 = 3, 2
    for r, c in visible_cells():
        red, green, blue = colours[r - r0][c - c0]
        assert f"#{red:02x}{green:02x}{blue:02x}" in fills, (r, c)


def assert_capture_is_the_download(lab, page, view: WidgetView, name: str, tmp_path) -> None:
    """``capture()`` of the widget called ``name`` in the kernel gives the PNG that the
    toolbar's "Download PNG" of ``view`` gives (within 1 per channel)."""
    _, downloaded = download(page, view, "png", tmp_path)
    lab.run_code(page, f"shots = []\n{name}.capture(shots.append)")
    wait_py(lab, page, "len(shots)", lambda n: n == 1)
    lab.run_code(page, f"open('captured-{name}.png', 'wb').write(shots[0])")
    captured = png_array((lab.root / f"captured-{name}.png").read_bytes())
    expected = png_array(downloaded)
    assert captured.shape == expected.shape
    assert (np.abs(captured - expected).max(axis=2) <= 1).mean() > 0.999


def test_capture_sends_the_live_view_to_python(lab, page, view, tmp_path) -> None:
    assert_capture_is_the_download(lab, page, view, "w", tmp_path)
