"""Many matrices in one widget, in real JupyterLab: a 16 x 16 grid of 128 x 128 heads draws with one
WebGL context, a strong value shows in its own panel only (also zoomed out far past one
cell per pixel), panels share the view, a title click focuses its panel, and
normalisation recolours as Python says."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from .conftest import WidgetView, write_notebook
from .test_interaction import py, wait_py
from .test_quickstart import keep_screenshot

SETUP = """\
import numpy as np
from tokenheat import Heatmap
rng = np.random.default_rng(5)
z = (rng.uniform(-1, 1, size=(16, 16, 128, 128)) * 0.3).astype(np.float32)
z[5, 9, 60, 100] = 5.0
g = Heatmap(z, vmin=-5, vmax=5, width=800, height=800,
            panel_labels=([f"L{i}" for i in range(16)], [f"H{j}" for j in range(16)]))
g"""

PAIR = """\
a = np.linspace(-1, 1, 24).reshape(4, 6)
c = Heatmap(np.stack([a, -a]), panel_labels=["before", "after"], vmin=-1, vmax=1, width=700,
            row_labels=["the", "cat", "sat", "down"],
            column_labels=["on", "the", "mat", "by", "the", "door"])
c"""

ATTENTION = """\
tokens = "The cat sat on the mat because it was warm".split()
t = len(tokens)
scores = np.random.default_rng(0).normal(size=(3, 4, t, t))
scores *= np.array([1, 2, 4])[:, None, None, None]
scores[..., np.triu_indices(t, 1)[0], np.triu_indices(t, 1)[1]] = -np.inf
att = np.exp(scores - scores.max(axis=-1, keepdims=True))
att /= att.sum(axis=-1, keepdims=True)
heads = Heatmap(att, row_labels=tokens, column_labels=tokens, cmap="Blues", center=None,
                vmin=0, vmax=1, panel_labels=(["L0", "L1", "L2"], ["H0", "H1", "H2", "H3"]),
                title="attention, layer x head", width=640)
heads"""

NORMALIZE = """\
m = np.array([[1.0, -2.0, 4.0], [0.001, 0.002, -0.004], [30.0, 10.0, 20.0]])
n = Heatmap(m, normalize="row", height=300)
n"""

# Count the WebGL2 contexts the page creates (JupyterLab itself makes none).
COUNT_CONTEXTS = """
window.__webgl2 = 0;
const original = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
  const ctx = original.call(this, type, ...rest);
  if (type === "webgl2" && ctx) window.__webgl2++;
  return ctx;
};
"""


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "panels.ipynb", SETUP, PAIR, NORMALIZE, ATTENTION)


@pytest.fixture
def views(lab, page, notebook) -> tuple[WidgetView, ...]:
    page.add_init_script(COUNT_CONTEXTS)
    lab.open(page, notebook)
    lab.run_all(page)
    return tuple(WidgetView(page, i).wait_ready(timeout=120_000) for i in range(4))


def grid_box(view: WidgetView, i: int, j: int) -> tuple[float, float, float, float]:
    """Page box (x0, y0, x1, y1) of grid panel (i, j), from the grid's row and column
    labels beside and above it (each label spans its row / column of panels)."""
    row = view.root.locator(f'.tokenheat-grid-label[data-axis="row"][data-index="{i}"]')
    col = view.root.locator(f'.tokenheat-grid-label[data-axis="col"][data-index="{j}"]')
    r, c = row.bounding_box(), col.bounding_box()
    return c["x"], r["y"], c["x"] + c["width"], r["y"] + r["height"]


def strong_pixels(shot: Image.Image, colour, tolerance: int = 8) -> np.ndarray:
    """(x, y) of the screenshot's pixels within ``tolerance`` of ``colour``."""
    a = np.asarray(shot.convert("RGB")).astype(int)
    near = np.abs(a - np.array(colour[:3])).max(axis=2) <= tolerance
    ys, xs = np.nonzero(near)
    return np.stack([xs, ys], axis=1)


def test_a_16_by_16_grid_uses_one_webgl_context(lab, page, views) -> None:
    grid = views[0]
    # four widgets on the page (the grid's 256 panels, a pair, one matrix, a 3 x 4 grid),
    # each brought on screen: four contexts, one each
    for view in views:
        view.wait_webgl()
    assert page.evaluate("window.__webgl2") == 4
    assert grid.root.locator(".tokenheat-cells").count() == 1
    assert grid.texts('.tokenheat-grid-label[data-axis="row"]') == [f"L{i}" for i in range(16)]
    assert grid.texts('.tokenheat-grid-label[data-axis="col"]') == [f"H{j}" for j in range(16)]


def test_a_strong_value_shows_in_its_own_panel_only_even_zoomed_out(lab, page, views) -> None:
    grid = views[0]
    strong = py(lab, page, "tuple(int(v) for v in g.to_rgba()[5, 9, 60, 100, :3])")
    shot = Image.open(io.BytesIO(grid.cells_screenshot()))  # (scrolls; boxes after it)
    canvas = grid.cells.bounding_box()
    # 128 cells in a panel of about 50 px: one pixel covers 2 to 3 cells each way
    x0, y0, x1, y1 = grid_box(grid, 5, 9)
    assert (x1 - x0) * page.evaluate("devicePixelRatio") < 128 / 2
    sx, sy = shot.width / canvas["width"], shot.height / canvas["height"]
    found = strong_pixels(shot, strong)
    assert len(found), "the planted value is drawn"
    px = canvas["x"] + found[:, 0] / sx
    py_ = canvas["y"] + found[:, 1] / sy
    assert ((px >= x0 - 1) & (px <= x1 + 1) & (py_ >= y0 - 1) & (py_ <= y1 + 1)).all(), (
        "the strong colour appears in panel (5, 9) and in no other panel"
    )
    # ... at the planted cell's place inside the panel
    fx, fy = (100.5 / 128), (60.5 / 128)
    assert abs(px.mean() - (x0 + fx * (x1 - x0))) <= 2
    assert abs(py_.mean() - (y0 + fy * (y1 - y0))) <= 2


def test_an_attention_grid_shows_each_heads_pattern(lab, page, views) -> None:
    heads = views[3]
    assert heads.texts('.tokenheat-grid-label[data-axis="row"]') == ["L0", "L1", "L2"]
    expected = np.array(py(lab, page, "heads.to_rgba()[:, :, :, :, :3].tolist()"))
    shot = Image.open(io.BytesIO(heads.cells_screenshot())).convert("RGB")
    canvas = heads.cells.bounding_box()
    sx, sy = shot.width / canvas["width"], shot.height / canvas["height"]
    for i, j in ((0, 0), (1, 2), (2, 3)):
        x0, y0, x1, y1 = grid_box(heads, i, j)
        for r, c in ((0, 0), (5, 2), (9, 9), (9, 0)):  # causal: the diagonal and below
            x = (x0 + (c + 0.5) * (x1 - x0) / 10 - canvas["x"]) * sx
            y = (y0 + (r + 0.5) * (y1 - y0) / 10 - canvas["y"]) * sy
            seen = np.array(shot.getpixel((int(x), int(y))))
            assert np.abs(seen - expected[i, j, r, c]).max() <= 6, (i, j, r, c, seen)
    keep_screenshot(heads, "attention-grid.png")  # the README's picture


def test_two_panels_show_their_own_values_side_by_side(lab, page, views) -> None:
    pair = views[1]
    assert pair.texts(".tokenheat-panel-title") == ["before", "after"]
    keep_screenshot(pair, "comparison.png")  # the README's picture
    expected = np.array(py(lab, page, "c.to_rgba()[:, :, :, :3].tolist()"))
    shot = Image.open(io.BytesIO(pair.cells_screenshot())).convert("RGB")
    canvas = pair.cells.bounding_box()
    sx, sy = shot.width / canvas["width"], shot.height / canvas["height"]
    for p in range(2):
        title = pair.root.locator(f'.tokenheat-panel-title[data-panel="{p}"]').bounding_box()
        x0, y0 = title["x"], title["y"] + title["height"]
        w, h = title["width"], canvas["y"] + canvas["height"] - y0
        for r in range(4):
            for col in range(6):
                x = (x0 + (col + 0.3) * w / 6 - canvas["x"]) * sx
                y = (y0 + (r + 0.3) * h / 4 - canvas["y"]) * sy
                seen = np.array(shot.getpixel((int(x), int(y))))
                assert np.abs(seen - expected[p, r, col]).max() <= 6, (p, r, col, seen)


def label_boxes(view: WidgetView, selector: str) -> list[tuple[str, str, dict]]:
    """(text, data-panel, page box) of every label the selector finds."""
    return [
        (el.text_content(), el.get_attribute("data-panel"), el.bounding_box())
        for el in view.root.locator(selector).all()
    ]


def test_the_matrix_labels_are_beside_and_under_the_panels(lab, page, views) -> None:
    pair = views[1]
    page.mouse.move(0, 0)
    cells = pair.cells.bounding_box()
    titles = [
        pair.root.locator(f'.tokenheat-panel-title[data-panel="{p}"]').bounding_box()
        for p in range(2)
    ]
    top = titles[0]["y"] + titles[0]["height"]  # the panels' cells start under their titles
    bottom = cells["y"] + cells["height"]
    rows = label_boxes(pair, ".tokenheat-row-label")
    # one set of row labels (one row of panels), left of the first panel, each at the
    # middle of its row of cells
    assert [t for t, _, _ in rows] == ["the", "cat", "sat", "down"]
    assert {p for _, p, _ in rows} == {"0"}
    for r, (_, _, b) in enumerate(rows):
        assert b["x"] + b["width"] <= titles[0]["x"] - 2
        assert b["x"] >= cells["x"] - 1  # in the band the panel area keeps for them
        middle = top + (r + 0.5) * (bottom - top) / 4
        assert abs(b["y"] + b["height"] / 2 - middle) <= 2, (r, b, middle)
    # the column labels under each panel (both lowest in their column), centred on
    # their columns
    cols = label_boxes(pair, ".tokenheat-col-label")
    assert [t for t, _, _ in cols] == ["on", "the", "mat", "by", "the", "door"] * 2
    assert [p for _, p, _ in cols] == ["0"] * 6 + ["1"] * 6
    for k, (_, p, b) in enumerate(cols):
        title = titles[int(p)]
        assert bottom - 1 <= b["y"] <= bottom + 12, (k, b, bottom)
        centre = title["x"] + (k % 6 + 0.5) * title["width"] / 6
        assert abs(b["x"] + b["width"] / 2 - centre) <= 2, (k, b, centre)
    # a click on a row label selects that row in the label's panel
    pair.root.locator(".tokenheat-row-label", has_text="sat").click()
    assert wait_py(lab, page, "c.selection", lambda v: v is not None) == {"row": 2, "panel": 0}
    lab.run_code(page, "c.selection = None")
    # zooming (from Python) shows the labels of the rows and columns in view
    lab.run_code(page, "c.view = (2, 4, 3, 6)")
    page.wait_for_function(
        "el => [...el.querySelectorAll('.tokenheat-row-label')].map(e => e.textContent)"
        ".join() === 'sat,down'",
        arg=pair.root.element_handle(),
    )
    assert pair.texts(".tokenheat-col-label") == ["by", "the", "door"] * 2
    lab.run_code(page, "c.view = (0, 4, 0, 6)")
    page.wait_for_function(
        "el => el.querySelectorAll('.tokenheat-row-label').length === 4",
        arg=pair.root.element_handle(),
    )


def test_an_attention_grid_has_its_tokens_beside_each_layer(lab, page, views) -> None:
    heads = views[3]
    tokens = ["The", "cat", "sat", "on", "the", "mat", "because", "it", "was", "warm"]
    rows = label_boxes(heads, ".tokenheat-row-label")
    # the matrix's row labels once per layer (row of panels), right of the layer's name
    assert [p for _, p, _ in rows] == [str(4 * i) for i in range(3) for _ in range(len(rows) // 3)]
    shown = [t for t, _, _ in rows[: len(rows) // 3]]
    assert shown and set(shown) <= set(tokens) and shown[0] == "The"
    grid_label = '.tokenheat-grid-label[data-axis="{}"][data-index="0"]'
    layer = heads.root.locator(grid_label.format("row")).bounding_box()
    first = heads.root.locator(grid_label.format("col")).bounding_box()
    for _, _, b in rows:
        assert b["x"] + b["width"] <= first["x"] + 1
    assert all(b["x"] >= layer["x"] + layer["width"] - 1 for _, _, b in rows)
    # the column labels under the last layer's heads, once per head
    cols = label_boxes(heads, ".tokenheat-col-label")
    assert {p for _, p, _ in cols} == {"8", "9", "10", "11"}
    low = grid_box(heads, 2, 0)
    assert all(b["y"] >= low[3] - 2 for _, _, b in cols)


def test_wheel_over_one_panel_zooms_every_panel_and_reaches_python(lab, page, views) -> None:
    pair = views[1]
    before = pair.cells_screenshot()
    page.mouse.move(0, 0)
    title = pair.root.locator('.tokenheat-panel-title[data-panel="1"]').bounding_box()
    page.mouse.move(title["x"] + title["width"] * 0.25, title["y"] + title["height"] + 40)
    for _ in range(4):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(40)
    view = wait_py(lab, page, "c.view", lambda v: v != (0.0, 4.0, 0.0, 6.0))
    assert view[1] - view[0] < 4 and view[3] - view[2] < 6
    page.mouse.move(0, 0)  # (no hover outline in the picture)
    after = Image.open(io.BytesIO(pair.cells_screenshot())).convert("RGB")
    old = Image.open(io.BytesIO(before)).convert("RGB")
    half = after.width // 2
    for box in ((0, 0, half - 10, after.height), (half + 10, 0, after.width, after.height)):
        assert np.asarray(after.crop(box)).tolist() != np.asarray(old.crop(box)).tolist(), (
            "both panels show the new view"
        )


def test_clicking_a_panel_title_focuses_it_and_escape_returns(lab, page, views) -> None:
    pair = views[1]
    # a person clicks the title text (the titles take no pointer events themselves: the
    # plot box under them knows what is there)
    pair.root.scroll_into_view_if_needed()
    box = pair.root.locator('.tokenheat-panel-title[data-panel="1"]').bounding_box()
    # the toolbar, shown under the pointer, has its own row above the panels' titles
    pair.root.hover()
    bar = pair.root.locator(".tokenheat-toolbar").bounding_box()
    assert bar["y"] + bar["height"] <= box["y"], (bar, box)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_py(lab, page, "c.focus", lambda v: v == 1)
    assert pair.root.locator(".tokenheat-panel-title").count() == 0
    assert "after" in pair.texts(".tokenheat-title")[0]
    assert len(pair.texts(".tokenheat-row-label")) == 4, "a focused panel has its labels"
    pair.root.focus()
    page.keyboard.press("Escape")
    wait_py(lab, page, "c.focus", lambda v: v is None)
    assert pair.texts(".tokenheat-panel-title") == ["before", "after"]
    # and Python can focus a panel
    lab.run_code(page, "c.focus = 0")
    page.wait_for_function(
        "el => !el.querySelector('.tokenheat-panel-title')", arg=pair.root.element_handle()
    )


def assert_cells_look(view: WidgetView, expected: np.ndarray) -> None:
    """Every cell of the view's matrix shows its expected RGB (rows x cols x 3) on screen."""
    rows, cols = expected.shape[:2]
    for r in range(rows):
        for c in range(cols):
            seen = np.array(view.cell_colour(r, c, (rows, cols)))
            assert np.abs(seen - expected[r, c]).max() <= 6, (r, c, seen)


def test_normalize_row_colours_each_row_by_its_own_max(lab, page, views) -> None:
    view = views[2]
    shape = (3, 3)
    expected = np.array(py(lab, page, "n.to_rgba()[:, :, :3].tolist()"))
    end = np.array(py(lab, page, "n.to_rgba()[0, 2, :3].tolist()"))
    # (running code leaves the pointer where the widget scrolls to: the toolbar would show
    # over the top-right cells)
    page.mouse.move(0, 0)
    assert_cells_look(view, expected)
    # every row's strongest cell has the end colour, the weak row included
    assert np.abs(np.array(view.cell_colour(1, 2, shape)) - end).max() > 6  # -0.004: the other end
    assert np.abs(np.array(view.cell_colour(2, 0, shape)) - end).max() <= 6  # 30 of 30
    lab.run_code(page, "n.normalize = None")
    weak = np.array(py(lab, page, "n.to_rgba()[1, 1, :3].tolist()"))
    for _ in range(40):
        if np.abs(np.array(view.cell_colour(1, 1, shape)) - weak).max() <= 6:
            break
        page.wait_for_timeout(100)
    assert np.abs(np.array(view.cell_colour(1, 1, shape)) - weak).max() <= 6


def test_the_widgets_chooser_switches_normalisation_and_python_follows(lab, page, views) -> None:
    view = views[2]
    assert tuple(py(lab, page, "(n.normalize, n.vmin, n.vmax)")) == ("row", -1.0, 1.0)
    view.root.hover()
    chooser = view.root.locator("select.tokenheat-normalize")
    assert chooser.input_value() == "row"
    chooser.select_option("")  # "values": the values as they are
    wait_py(lab, page, "n.normalize", lambda v: v is None)
    # the colour range moved from its default for the rows (±1) to the values' (±30)
    assert tuple(py(lab, page, "(n.vmin, n.vmax)")) == (-30.0, 30.0)
    expected = np.array(py(lab, page, "n.to_rgba()[:, :, :3].tolist()"))
    page.mouse.move(0, 0)
    assert_cells_look(view, expected)
    view.root.hover()
    chooser.select_option("column")
    wait_py(lab, page, "(n.normalize, n.vmin, n.vmax)", lambda v: tuple(v) == ("column", -1.0, 1.0))
