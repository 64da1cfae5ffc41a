"""Export of a view of many panels from the browser, in real JupyterLab: the toolbar's
PNG shows every panel's cells at its place on screen with the page background in the
gaps, the SVG holds the panel titles (and a grid's labels) as text over one image of the
cells, ``capture`` sends the same PNG as the download, and the Python export (``to_png``)
arranges the panels as the screen does."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from .conftest import WidgetView, write_notebook
from .test_export import assert_capture_is_the_download, download, png_array
from .test_interaction import wait_py

ROWS, COLS = 4, 6
PAIR = f"""\
import numpy as np
from tokenheat import Heatmap
a = np.linspace(-1, 1, {ROWS * COLS}).reshape({ROWS}, {COLS})
c = Heatmap(np.stack([a, -a]), panel_labels=["before", "after"], vmin=-1, vmax=1, width=700)
c"""

GRID = """\
g = Heatmap(np.stack([np.stack([a, -a]), np.stack([a / 2, -a / 2])]), vmin=-1, vmax=1,
            width=700, panel_labels=(["layer 0", "layer 1"], ["head A", "head B"]))
g"""

# three wide panels in a short widget: side by side on screen (the automatic height wraps
# them 2 x 2; the export's old fixed 600 x 600 area stacked them)
WIDE = """\
wide = Heatmap(np.stack([np.full((10, 100), v) for v in (-1.0, 0.0, 1.0)]), vmin=-1, vmax=1,
               width=900, height=150, panel_labels=["low", "middle", "high"])
wide"""

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "panels-export.ipynb", PAIR, GRID, WIDE)


@pytest.fixture
def views(lab, page, notebook) -> tuple[WidgetView, WidgetView]:
    lab.open(page, notebook)
    lab.run_all(page)
    return WidgetView(page, 0).wait_ready(), WidgetView(page, 1).wait_ready()


def panel_boxes(view: WidgetView) -> list[tuple[float, float, float, float]]:
    """Each panel's box (x, y, w, h) in CSS px from the widget's top-left corner: below
    its title, as wide as it, down to the plot area's bottom (one row of panels)."""
    view.root.scroll_into_view_if_needed()
    root, cells = view.root.bounding_box(), view.cells.bounding_box()
    titles = [
        view.root.locator(f'.tokenheat-panel-title[data-panel="{p}"]').bounding_box()
        for p in (0, 1)
    ]
    assert titles[0]["y"] == pytest.approx(titles[1]["y"]), "the two panels are side by side"
    boxes = []
    for t in titles:
        top = t["y"] + t["height"]
        boxes.append(
            (t["x"] - root["x"], top - root["y"], t["width"], cells["y"] + cells["height"] - top)
        )
    return boxes


def test_download_png_draws_every_panel_at_its_place(lab, page, views, tmp_path) -> None:
    view = views[0]
    boxes = panel_boxes(view)
    name, data = download(page, view, "png", tmp_path)
    assert name.endswith(".png")
    image = png_array(data)
    root = view.root.bounding_box()
    s = image.shape[1] / root["width"]
    assert s == pytest.approx(2, abs=0.01)
    assert image.shape[0] == round(root["height"] * s)

    colours = np.array(wait_py(lab, page, "c.to_rgba()[..., :3].tolist()", lambda v: len(v) == 2))
    assert colours.shape == (2, ROWS, COLS, 3)
    assert not np.array_equal(colours[0], colours[1]), "the panels differ"
    for p, (x, y, w, h) in enumerate(boxes):
        for r in range(ROWS):
            for col in range(COLS):
                px = int((x + (col + 0.5) * w / COLS) * s)
                py_ = int((y + (r + 0.5) * h / ROWS) * s)
                got = image[py_, px]
                assert np.abs(got - colours[p, r, col]).max() <= 1, (
                    p,
                    r,
                    col,
                    got,
                    colours[p, r, col],
                )

    # the gap between the panels is the page's background, as is the widget's corner
    background = image[1, 1]
    right0 = boxes[0][0] + boxes[0][2]
    gap = boxes[1][0] - right0
    assert 4 <= gap <= 8
    gx = int((right0 + gap / 2) * s)
    for fy in (0.1, 0.5, 0.9):
        gy = int((boxes[0][1] + fy * boxes[0][3]) * s)
        assert np.abs(image[gy, gx] - background).max() <= 1, (fy, image[gy, gx], background)

    # the titles were drawn: text-coloured pixels in each title band, over its panel
    for x, y, w, _ in boxes:
        band = image[int((y - 15) * s) : int(y * s), int(x * s) : int((x + w) * s)]
        assert (np.abs(band - background).max(axis=2) > 60).sum() > 30


def test_download_svg_holds_the_titles_as_text_and_the_cells_as_one_image(
    lab, page, views, tmp_path
) -> None:
    view = views[0]
    _, data = download(page, view, "svg", tmp_path)
    text = data.decode("utf-8")
    svg = ET.fromstring(text)
    root = view.root.bounding_box()
    assert abs(float(svg.get("width")) - root["width"]) < 1
    texts = {el.text: el for el in svg.iter(f"{SVG}text")}
    assert "before" in texts and "after" in texts
    assert ">before</text>" in text and ">after</text>" in text
    # the titles at their boxes (CSS px, from the widget's corner): centred above the panels
    boxes = panel_boxes(view)
    for label, (x, y, w, _) in zip(("before", "after"), boxes, strict=True):
        el = texts[label]
        assert el.get("text-anchor") == "middle"
        assert float(el.get("x")) == pytest.approx(x + w / 2, abs=1)
        assert y - 20 < float(el.get("y")) < y
    # the matrix's own labels, shown beside and under the panels, are exported there
    rows = view.texts(".tokenheat-row-label")
    assert rows == ["0", "1", "2", "3"]
    labels = [el for el in svg.iter(f"{SVG}text") if el.text in rows]
    assert len(labels) >= 4
    for el in labels:
        if el.get("text-anchor") == "end":  # a row label: left of the first panel
            assert float(el.get("x")) == pytest.approx(boxes[0][0] - 6, abs=1)
    images = list(svg.iter(f"{SVG}image"))
    assert len(images) == 2  # the cells, and the colour bar's gradient
    # no cell rectangles: the only filled rect is the background
    filled = [r for r in svg.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("#")]
    assert len(filled) == 1 and filled[0].get("width") == svg.get("width")
    cells = view.cells.bounding_box()
    first = images[0]
    assert float(first.get("width")) == pytest.approx(cells["width"], abs=1)
    href = first.get("{http://www.w3.org/1999/xlink}href")
    assert href.startswith("data:image/png;base64,")


def test_download_svg_of_a_grid_has_its_row_and_column_labels(lab, page, views, tmp_path) -> None:
    view = views[1]
    _, data = download(page, view, "svg", tmp_path)
    svg = ET.fromstring(data.decode("utf-8"))
    texts = {el.text: el for el in svg.iter(f"{SVG}text")}
    for label in ("layer 0", "layer 1", "head A", "head B"):
        assert label in texts, label
    assert texts["layer 0"].get("text-anchor") == "end"
    assert texts["head A"].get("text-anchor") == "middle"
    assert set(view.texts(".tokenheat-grid-label")) == {"layer 0", "layer 1", "head A", "head B"}


def test_capture_of_panels_is_the_download(lab, page, views, tmp_path) -> None:
    assert_capture_is_the_download(lab, page, views[0], "c", tmp_path)


def test_a_focused_panel_exports_that_panel_alone(lab, page, views, tmp_path) -> None:
    view = views[0]
    lab.run_code(page, "c.focus = 1")
    wait_py(lab, page, "c.focus", lambda v: v == 1)
    page.wait_for_function(
        "el => el.querySelectorAll('.tokenheat-panel-title').length === 0",
        arg=view.root.element_handle(),
    )
    view.wait_ready()
    _, data = download(page, view, "png", tmp_path)
    image = png_array(data)
    root, cells = view.root.bounding_box(), view.cells.bounding_box()
    s = image.shape[1] / root["width"]
    x, y = cells["x"] - root["x"], cells["y"] - root["y"]
    colours = np.array(
        wait_py(lab, page, "c.to_rgba()[1, ..., :3].tolist()", lambda v: len(v) == ROWS)
    )
    for r in range(ROWS):
        for col in range(COLS):
            px = int((x + (col + 0.15) * cells["width"] / COLS) * s)  # off-centre: token text
            py_ = int((y + (r + 0.2) * cells["height"] / ROWS) * s)
            got = image[py_, px]
            assert np.abs(got - colours[r, col]).max() <= 1, (r, col, got, colours[r, col])
    _, svg_data = download(page, view, "svg", tmp_path)
    svg = ET.fromstring(svg_data.decode("utf-8"))
    texts = {el.text for el in svg.iter(f"{SVG}text")}
    assert set(view.texts(".tokenheat-title")) <= texts  # the title names the panel
    fills = {el.get("fill") for el in svg.iter(f"{SVG}rect")}
    for r in range(ROWS):
        for col in range(COLS):
            red, green, blue = colours[r, col]
            assert f"#{red:02x}{green:02x}{blue:02x}" in fills, (r, col)


def panel_regions(image: np.ndarray, colours) -> list[tuple[int, int, int, int]]:
    """The box (x0, y0, x1, y1) of the one panel of each colour in an exported PNG: the
    pixels of that colour (within 1 per channel) in rows and columns it fills over more
    than a colour bar's width or a few of its rows."""
    boxes = []
    for c in colours:
        mask = np.abs(image - np.array(c)).max(axis=2) <= 1
        rows = np.flatnonzero(mask.sum(axis=1) > 60)
        cols = np.flatnonzero(mask.sum(axis=0) > 20)
        assert len(rows) and len(cols), f"no panel of colour {c}"
        # one region per colour: a single run of rows and of columns
        assert rows[-1] - rows[0] + 1 == len(rows) and cols[-1] - cols[0] + 1 == len(cols), c
        boxes.append((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))
    return boxes


def test_download_and_python_png_arrange_the_panels_as_the_screen(
    lab, page, views, tmp_path
) -> None:
    view = WidgetView(page, 2).wait_ready()
    view.root.scroll_into_view_if_needed()
    titles = [
        view.root.locator(f'.tokenheat-panel-title[data-panel="{p}"]').bounding_box()
        for p in range(3)
    ]
    assert titles[0]["y"] == titles[1]["y"] == titles[2]["y"], "side by side on screen"
    assert titles[0]["x"] < titles[1]["x"] < titles[2]["x"]
    screen = (titles[0]["width"], view.cells.bounding_box()["height"] - titles[0]["height"])

    _, downloaded = download(page, view, "png", tmp_path)
    lab.run_code(page, "open('wide-python.png', 'wb').write(wide.to_png())")
    python = png_array((lab.root / "wide-python.png").read_bytes())
    colours = wait_py(lab, page, "wide.to_rgba()[:, 0, 0, :3].tolist()", lambda v: len(v) == 3)
    for name, image in (("download", png_array(downloaded)), ("to_png", python)):
        boxes = panel_regions(image, colours)
        # three panels left to right, in one row, as on screen
        assert boxes[0][2] < boxes[1][0] and boxes[1][2] < boxes[2][0], (name, boxes)
        assert max(b[1] for b in boxes) < min(b[3] for b in boxes), (name, boxes)
        # each of the screen's size (both at 2 device px per CSS px)
        for x0, y0, x1, y1 in boxes:
            assert (x1 - x0) / 2 == pytest.approx(screen[0], abs=1.5), (name, boxes, screen)
            assert (y1 - y0) / 2 == pytest.approx(screen[1], abs=1.5), (name, boxes, screen)
