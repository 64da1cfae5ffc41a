"""Big stacks of panels in real JupyterLab: a 12 x 12 grid of 512 x 512 heads and a
32 x 32 grid of 256 x 256 (67 million cells) draw with one WebGL context from their
overview, a strong cell shows in its own panel only, a window set from Python arrives as
a tile of single cells; hovering a cell outlines it in every panel and the tooltip names
the panel; the offline HTML page of a grid draws every panel."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest

from .conftest import WidgetView, write_notebook
from .test_interaction import py
from .test_panels import grid_box
from .test_quickstart import keep_screenshot
from .test_scale import canvas_pixels, close, colour_of, console, until  # noqa: F401
from .test_static_html import offline  # noqa: F401

RED = colour_of(-5.0, -5, 5, 0.0, "RdYlGn")  # the strong colour: the map's low end
ZERO = colour_of(0.0, -5, 5, 0.0, "RdYlGn")

# 12 x 12 panels of 512 x 512 (37.7 million cells, an overview in blocks): mild noise,
# one strong cell at panel (7, 3), row 300, column 200, and 0 at that place elsewhere.
GRID12 = """\
import numpy as np
from tokenheat import Heatmap
from tokenheat.colormaps import colorize
rng = np.random.default_rng(7)
z = (rng.random((12, 12, 512, 512), dtype=np.float32) - 0.5) * 0.6
z[:, :, 300, 200] = 0.0
z[7, 3, 300, 200] = -5.0
g = Heatmap(z, vmin=-5, vmax=5, width=900, height=900, static_png=False,
            panel_labels=([f"L{i}" for i in range(12)], [f"H{j}" for j in range(12)]))
g"""
STRONG12 = (7, 3, 300, 200)
WINDOW = (296, 304, 196, 204)

# 32 x 32 panels of 256 x 256: 67 million cells (268 MB as float32).
GRID32 = """\
import numpy as np
from tokenheat import Heatmap
z = np.zeros((32, 32, 256, 256), dtype=np.float32)
z[21, 9, 100, 150] = -5.0
h = Heatmap(z, vmin=-5, vmax=5, width=900, height=900, static_png=False,
            panel_labels=([f"L{i}" for i in range(32)], [f"H{j}" for j in range(32)]))
h"""
STRONG32 = (21, 9, 100, 150)

# Small matrices with labels and tokens: a 3 x 4 grid, and one of its panels alone.
HOVER = """\
import numpy as np
from tokenheat import Heatmap
v = (np.arange(3 * 4 * 6 * 8).reshape(3, 4, 6, 8) % 17 - 8) / 8
words = [[f"w{r}.{c}" for c in range(8)] for r in range(6)]
labels = dict(row_labels=[f"r{r}" for r in range(6)], column_labels=[f"c{c}" for c in range(8)],
              tokens=words, vmin=-1, vmax=1)
heads = Heatmap(v, panel_labels=(["L0", "L1", "L2"], ["H0", "H1", "H2", "H3"]), width=700,
                **labels)
single = Heatmap(v[2, 1], height=300, **labels)
display(heads, single)"""
SHAPE = (6, 8)


@pytest.fixture(scope="module")
def notebooks(lab) -> dict[str, str]:
    """One notebook (so one kernel) per widget kind: the big stacks are built once each."""
    return {
        name: write_notebook(lab, f"panels_big_{name}.ipynb", source)
        for name, source in (("grid12", GRID12), ("grid32", GRID32), ("hover", HOVER))
    }


def tile_requests(page) -> list[tuple[list[int], list[int]]]:
    """The (window, block) of every tile request the page sends to the kernel, recorded
    from its websocket frames from now on (so: call before the notebook opens)."""
    asked: list[tuple[list[int], list[int]]] = []
    pattern = re.compile(r'"type":\s*"tile".*?"window":\s*(\[[^\]]*\]),\s*"block":\s*(\[[^\]]*\])')

    def frame(payload) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        asked.extend((json.loads(w), json.loads(b)) for w, b in pattern.findall(text))

    page.on("websocket", lambda ws: ws.on("framesent", frame))
    return asked


def panel_rect(view: WidgetView, i: int, j: int) -> tuple[int, int, int, int]:
    """Device pixels (x0, y0, x1, y1) of grid panel (i, j) on the cells canvas, from its
    CSS box (:func:`grid_box`) and the canvas's device size."""
    canvas = view.cells.bounding_box()
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    sx, sy = width / canvas["width"], height / canvas["height"]
    x0, y0, x1, y1 = grid_box(view, i, j)
    return (
        round((x0 - canvas["x"]) * sx),
        round((y0 - canvas["y"]) * sy),
        round((x1 - canvas["x"]) * sx),
        round((y1 - canvas["y"]) * sy),
    )


def cell_pixel(rect, r: float, c: float, window) -> tuple[int, int]:
    """Device pixel (x, y) at the centre of cell (r, c) of a panel at ``rect`` showing
    ``window`` = (row0, row1, col0, col1)."""
    x0, y0, x1, y1 = rect
    r0, r1, c0, c1 = window
    return (
        int(x0 + (c + 0.5 - c0) * (x1 - x0) / (c1 - c0)),
        int(y0 + (r + 0.5 - r0) * (y1 - y0) / (r1 - r0)),
    )


def assert_one_context(page, view: WidgetView) -> None:
    """The widget draws every panel with WebGL on one canvas, the page's only context,
    and shows no error."""
    assert view.root.get_attribute("data-renderer") == "webgl2"
    assert view.root.locator(".tokenheat-cells").count() == 1
    assert page.evaluate("__contexts()") == {"made": 1, "live": 1}
    assert view.root.locator(".tokenheat-error").is_hidden()


def assert_strong_in_its_panel(view: WidgetView, strong, rows: int) -> None:
    """Zoomed out, the strong colour shows in panel (strong[0], strong[1]) at the cell's
    place, and nowhere else."""
    i, j, r, c = strong
    pixels = canvas_pixels(view)
    red = np.abs(pixels.astype(int) - np.array(RED)).max(axis=2) <= 6
    ys, xs = np.nonzero(red)
    assert len(xs), "the strong cell is drawn"
    x0, y0, x1, y1 = panel_rect(view, i, j)
    assert (x1 - x0) * 2 < rows, "zoomed out: a pixel covers several cells"
    inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
    assert inside.all(), (
        f"the strong colour shows outside panel ({i}, {j}) {(x0, y0, x1, y1)}: "
        f"{list(zip(xs[~inside][:5].tolist(), ys[~inside][:5].tolist(), strict=True))}"
    )
    x, y = cell_pixel((x0, y0, x1, y1), r, c, (0, rows, 0, rows))
    assert abs(xs.mean() - x) <= 1.5 and abs(ys.mean() - y) <= 1.5, (xs, ys, x, y)


def assert_no_tile_needed(asked, block, cells: int) -> None:
    """Zoomed out, a panel's device pixel covers more cells than an overview block, so
    the overview is fine enough and no tile is asked for (docs/architecture.md, "Big
    matrices": a view asks only when its blocks are coarser than its pixels)."""
    assert not asked, (
        f"the full view of {cells} x {cells} panels, drawn from {block[0]} x {block[1]} "
        f"blocks, asked for tiles {asked}: the wanted block was computed from the whole "
        "canvas, not one panel's pixels"
    )


def hover_cell(view: WidgetView, i: int, j: int, r: int, c: int):
    """Move the mouse over cell (r, c) of grid panel (i, j); the tooltip."""
    view.root.scroll_into_view_if_needed()
    x0, y0, x1, y1 = grid_box(view, i, j)
    rows, cols = SHAPE
    view.page.mouse.move(x0 + (c + 0.5) * (x1 - x0) / cols, y0 + (r + 0.5) * (y1 - y0) / rows)
    tip = view.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    return tip


def tooltip_lines(tip) -> dict[str, tuple[str, str]]:
    """The tooltip's visible lines: field -> (key, value)."""
    return tip.evaluate(
        """t => Object.fromEntries([...t.querySelectorAll('.tokenheat-tooltip-value')]
             .filter(v => !v.hidden)
             .map(v => [v.dataset.field, [v.previousElementSibling.textContent, v.textContent]]))"""
    )


def assert_outlines(view: WidgetView, r: int, c: int) -> None:
    """One visible hover outline in each of the 3 x 4 panels, around cell (r, c)."""
    outlines = view.root.locator(".tokenheat-hover")
    assert outlines.count() == 12, "one outline per panel"
    assert all(outlines.nth(k).is_visible() for k in range(12))
    boxes = [outlines.nth(k).bounding_box() for k in range(12)]
    rows, cols = SHAPE
    for i in range(3):
        for j in range(4):
            x0, y0, x1, y1 = grid_box(view, i, j)
            cx, cy = x0 + (c + 0.5) * (x1 - x0) / cols, y0 + (r + 0.5) * (y1 - y0) / rows
            here = [
                b
                for b in boxes
                if abs(b["x"] + b["width"] / 2 - cx) <= 1.5
                and abs(b["y"] + b["height"] / 2 - cy) <= 1.5
            ]
            assert len(here) == 1, f"panel ({i}, {j}), cell ({r}, {c}): outlines {boxes}"
            assert here[0]["width"] == pytest.approx((x1 - x0) / cols, abs=1.5)
            assert here[0]["height"] == pytest.approx((y1 - y0) / rows, abs=1.5)


@pytest.mark.usefixtures("console")  # no console errors; counts WebGL contexts
def test_a_12_by_12_grid_of_512_squares_zooms_to_exact_cells_from_a_tile(
    lab, page, notebooks
) -> None:
    requests = tile_requests(page)
    lab.open(page, notebooks["grid12"])
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=180_000)
    assert_one_context(page, view)
    block = py(lab, page, "g._block")
    assert block != [1, 1], "sent as an overview"
    page.mouse.move(0, 0)
    assert_strong_in_its_panel(view, STRONG12, 512)
    # (the view settled long ago: a view asks for a tile 120 ms after it settles)
    zoomed_out = list(requests)

    # a small window set from Python: the view asks for a tile and draws single cells
    i0, j0, r, c = STRONG12
    r0, r1, c0, c1 = WINDOW
    lab.run_code(page, f"g.view = {WINDOW}")
    panels = [(i0, j0), (0, 0), (11, 11), (i0, j0 + 1), (i0 + 1, j0)]
    shown = py(
        lab,
        page,
        f"[colorize(z[i, j, {r0}:{r1}, {c0}:{c1}], vmin=-5, vmax=5)[..., :3].tolist()"
        f" for i, j in {panels}]",
    )
    want = dict(zip(panels, map(np.array, shown), strict=True))
    rects = {(i, j): panel_rect(view, i, j) for i in range(12) for j in range(12)}

    def exact_cells() -> None:
        pixels = canvas_pixels(view)
        for k in panels:  # every cell of the window, in these panels
            for a in range(r1 - r0):
                for b in range(c1 - c0):
                    x, y = cell_pixel(rects[k], r0 + a, c0 + b, WINDOW)
                    assert close(pixels[y, x], want[k][a, b], 4), (k, r0 + a, c0 + b)
        for k, rect in rects.items():  # the planted place, in every panel
            x, y = cell_pixel(rect, r, c, WINDOW)
            assert close(pixels[y, x], RED if k == (i0, j0) else ZERO, 4), (k, pixels[y, x])

    until(exact_cells, what="the tile's cells")
    assert any(
        w[0] <= r < w[1] and w[2] <= c < w[3] and b == [1, 1]
        for w, b in requests[len(zoomed_out) :]
    ), f"a tile of single cells holding the window was asked for: {requests}"
    assert_one_context(page, view)
    keep_screenshot(view, "panels-12x12-window.png")
    assert_no_tile_needed(zoomed_out, block, 512)


@pytest.mark.usefixtures("console")  # no console errors; counts WebGL contexts
def test_a_32_by_32_grid_of_67_million_cells_draws_in_one_context(lab, page, notebooks) -> None:
    requests = tile_requests(page)
    lab.open(page, notebooks["grid32"])
    start = time.monotonic()
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=180_000)
    elapsed = time.monotonic() - start
    assert elapsed < 120, f"{elapsed:.0f} s from running the cell to the first draw"
    assert_one_context(page, view)
    assert view.texts('.tokenheat-grid-label[data-axis="col"]') == [f"H{j}" for j in range(32)]
    page.mouse.move(0, 0)
    assert_strong_in_its_panel(view, STRONG32, 256)
    # the tooltip over it names its panel and the block of cells it stands for
    i, j, r, _ = STRONG32
    pixels = canvas_pixels(view)
    rect = panel_rect(view, i, j)
    ys, xs = np.nonzero(np.abs(pixels.astype(int) - np.array(RED)).max(axis=2) <= 6)
    canvas = view.cells.bounding_box()
    width = view.cells.evaluate("c => c.width")
    scale = canvas["width"] / width
    page.mouse.move(canvas["x"] + (xs[0] + 0.5) * scale, canvas["y"] + (ys[0] + 0.5) * scale)
    tip = view.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    lines = tooltip_lines(tip)
    assert lines["panel"] == ["panel", f"L{i} \u00b7 H{j}"]
    assert "-5" in lines["value"][1].replace("\u2212", "-"), lines
    first, last = map(int, re.fullmatch(r"rows (\d+)\u2013(\d+)", lines["row"][0]).groups())
    assert first <= r <= last, lines
    assert rect[0] <= xs[0] < rect[2] and rect[1] <= ys[0] < rect[3]
    keep_screenshot(view, "panels-32x32.png")
    assert_no_tile_needed(requests, py(lab, page, "h._block"), 256)


@pytest.mark.usefixtures("console")  # no console errors; counts WebGL contexts
def test_hover_outlines_the_cell_in_every_panel_and_names_the_panel(lab, page, notebooks) -> None:
    lab.open(page, notebooks["hover"])
    lab.run_all(page)
    heads, single = WidgetView(page, 0).wait_ready(), WidgetView(page, 1).wait_ready()
    values = np.array(py(lab, page, "v.tolist()"))
    r, c = 4, 5
    tip = hover_cell(heads, 2, 1, r, c)
    lines = tooltip_lines(tip)
    assert lines["panel"] == ["panel", "L2 \u00b7 H1"]
    assert lines["row"] == [f"row {r}", f"r{r}"]
    assert lines["column"] == [f"column {c}", f"c{c}"]
    assert lines["token"] == ["token", f"w{r}.{c}"]
    assert float(lines["value"][1].replace("\u2212", "-")) == values[2, 1, r, c]
    assert next(iter(lines)) == "panel", "the panel is named first"

    assert_outlines(heads, r, c)
    # another cell: every outline follows; off the widget: none is left
    tip = hover_cell(heads, 0, 3, 1, 2)
    assert tooltip_lines(tip)["panel"] == ["panel", "L0 \u00b7 H3"]
    assert_outlines(heads, 1, 2)
    page.mouse.move(0, 0)
    page.wait_for_function(
        "el => !el.querySelector('.tokenheat-hover')"
        " && el.querySelector('.tokenheat-tooltip').hidden",
        arg=heads.root.element_handle(),
    )

    # a single heatmap: no panel line, no outlines
    single.cells.scroll_into_view_if_needed()
    page.mouse.move(*single.cell_point(r, c, SHAPE))
    tip = single.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    lines = tooltip_lines(tip)
    assert "panel" not in lines and next(iter(lines)) == "row", lines
    assert lines["row"] == [f"row {r}", f"r{r}"] and lines["token"] == ["token", f"w{r}.{c}"]
    assert single.root.locator(".tokenheat-hover").count() == 0


@pytest.mark.usefixtures("offline")  # no network, no console errors
def test_offline_html_of_a_grid_draws_every_panel(tmp_path, page, widgets) -> None:
    from tokenheat import Heatmap

    values = np.linspace(-0.5, 0.5, 2 * 3 * 5 * 7).reshape(2, 3, 5, 7)
    values[1, 2, 3, 4] = -2.0
    w = Heatmap(
        values,
        vmin=-2,
        vmax=2,
        title="grid offline",
        panel_labels=(["A", "B"], ["x", "y", "z"]),
        width=700,
    )
    path = w.save(tmp_path / "x.html")
    page.goto(path.as_uri())
    view = widgets(0).wait_ready()
    assert view.texts(".tokenheat-title") == ["grid offline"]
    assert view.texts('.tokenheat-grid-label[data-axis="row"]') == ["A", "B"]
    assert view.texts('.tokenheat-grid-label[data-axis="col"]') == ["x", "y", "z"]
    page.mouse.move(0, 0)
    pixels = canvas_pixels(view)
    rgba = w.to_rgba()
    red = rgba[1, 2, 3, 4, :3]
    found = np.argwhere(np.abs(pixels.astype(int) - red).max(axis=2) <= 4)
    for i in range(2):
        for j in range(3):
            rect = panel_rect(view, i, j)
            for r in range(5):
                for c in range(7):
                    x, y = cell_pixel(rect, r, c, (0, 5, 0, 7))
                    assert close(pixels[y, x], rgba[i, j, r, c, :3], 4), (i, j, r, c)
            ys, xs = found[:, 0], found[:, 1]
            inside = (xs >= rect[0]) & (xs < rect[2]) & (ys >= rect[1]) & (ys < rect[3])
            assert inside.any() == ((i, j) == (1, 2)), (i, j)
    # the tooltip works offline too, and names the panel
    rect = panel_rect(view, 1, 2)
    canvas = view.cells.bounding_box()
    x, y = cell_pixel(rect, 3, 4, (0, 5, 0, 7))
    scale = canvas["width"] / pixels.shape[1]
    page.mouse.move(canvas["x"] + x * scale, canvas["y"] + y * scale)
    tip = view.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    lines = tooltip_lines(tip)
    assert lines["panel"] == ["panel", "B \u00b7 z"]
    assert lines["row"][0] == "row 3" and lines["column"][0] == "column 4"
    assert lines["value"][1].replace("\u2212", "-") == "-2"
