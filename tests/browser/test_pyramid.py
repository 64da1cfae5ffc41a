"""A Heatmap of a pyramid on disk in real JupyterLab (tokenheat._lazy_stack): a zarr
pyramid just over SEND_CELLS opens from its overview level with the strong cell showing,
and the Python export of that view is the screen, pixel for pixel; zooming in brings the
window from the pyramid cell by cell, and the normalisation chooser is not offered (a
pyramid is not normalised)."""

from __future__ import annotations

import numpy as np

from .conftest import WidgetView, write_notebook
from .test_scale import (
    canvas_pixels,
    close,
    colour_of,
    console,  # noqa: F401  (fixture)
    exported_pixels,
    pixel_ranges,
    py,
    shot,
    span_of,
    tooltip_at,
    until,
)

N = 4200  # 17.6 million cells: more than SEND_CELLS (2**24), so read from the pyramid
STRONG = (1234, 2345)
WINDOW = (1230, 1240, 2340, 2352)
PYRAMID_NB = f"""\
import tempfile
import numpy as np
import tokenheat
i, j = np.ogrid[:{N}, :{N}]
z = (((i * 7 + j * 3) % 17 - 8) / 4).astype(np.float32)
z[{STRONG[0]}, {STRONG[1]}] = -5.0
store = tempfile.mkdtemp() + "/p.zarr"
tokenheat.build_pyramid(z, store, progress=False)
p = tokenheat.open_pyramid(store)
w = tokenheat.Heatmap(p, vmin=-5, vmax=5, title="a pyramid on disk", static_png=False)
w"""


def test_a_pyramid_opens_from_its_overview_and_zooms_to_exact_cells(lab, page, console) -> None:  # noqa: F811
    lab.open(page, write_notebook(lab, "pyramid.ipynb", PYRAMID_NB))
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=180_000)
    assert py(lab, page, "(w.values is p, w._block)") == (True, [4, 4])  # 1050² cells
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    red = colour_of(-5.0, -5, 5, 0.0, "RdYlGn")
    # zoomed out: the strong cell shows in its block's pixel
    lo, hi = pixel_ranges(0, N / 4, N // 4, height)
    clo, chi = pixel_ranges(0, N / 4, N // 4, width)
    ys = [y for y in range(height) if lo[y] <= STRONG[0] // 4 <= hi[y]]
    xs = [x for x in range(width) if clo[x] <= STRONG[1] // 4 <= chi[x]]
    image = shot(view)
    assert ys and xs and all(close(image[y, x], red) for y in ys for x in xs)
    text, key = tooltip_at(view, xs[0], ys[0], (width, height))
    first, last = span_of(key)
    assert "-5" in text and first <= STRONG[0] <= last, text
    # the Python export of this view (the output's PNG draws it) is the screen: drawn from
    # the overview as the browser draws it, every pixel
    want = exported_pixels(lab, page, width, height, -5, 5)
    np.testing.assert_array_equal(canvas_pixels(view), want)
    # a pyramid is not normalised: the chooser is not offered
    assert view.root.locator(".tokenheat-normalize").evaluate("e => e.hidden") is True

    # zoomed in from Python: the window comes from level 0, each cell in its own colour
    r0, r1, c0, c1 = WINDOW
    lab.run_code(page, f"w.view = {WINDOW}")
    values = cells_of(WINDOW)

    def exact_cells(window=WINDOW) -> None:
        r0, r1, c0, c1 = window
        image, values = shot(view), cells_of(window)
        cells, bar = (
            view.cells.bounding_box(),
            view.root.locator(".tokenheat-toolbar").bounding_box(),
        )
        sx, sy = width / cells["width"], height / cells["height"]
        for a in range(r1 - r0):
            for b in range(c1 - c0):
                y = int((a + 0.4) * height / (r1 - r0))
                x = int((b + 0.4) * width / (c1 - c0))
                if under(bar, (cells["x"] + x / sx, cells["y"] + y / sy)):
                    continue  # (the toolbar, shown once the widget was hovered)
                want = colour_of(values[a, b], -5, 5, 0.0, "RdYlGn")
                assert close(image[y, x], want), (r0 + a, c0 + b, image[y, x], want)

    until(exact_cells)
    y = int((STRONG[0] - r0 + 0.5) * height / (r1 - r0))
    x = int((STRONG[1] - c0 + 0.5) * width / (c1 - c0))
    text, key = tooltip_at(view, x, y, (width, height))
    assert key == f"row {STRONG[0]}" and f"column {STRONG[1]}" in text and "-5" in text, text
    # the Python export of this view reads the window and shows the same cells
    pixels = "__import__('tokenheat._export_pixels', fromlist=['_']).shown_values"
    shown = py(lab, page, f"{pixels}(w, 12, 10).tolist()")
    np.testing.assert_array_equal(np.asarray(shown, dtype=np.float32), values)

    # panned to straddle the next fixed tile down (128 of level 0's cells a side): the
    # view asks for that tile only, keeps the one it has, and draws the cells exactly
    spy = (
        "asked = []\n_ask = w._send_tiles\nw._send_tiles = lambda c: (asked.append(c), _ask(c))[1]"
    )
    lab.run_code(page, spy)
    moved = (1275, 1285, 2340, 2352)
    lab.run_code(page, f"w.view = {moved}")
    until(lambda: exact_cells(moved))
    asked = py(lab, page, "[(c['level'], c['tiles'], c['view']) for c in asked]")
    assert asked == [([1, 1], [[10, 18]], 1)], asked


def under(box, point) -> bool:
    """Whether ``point`` (page px) is inside ``box`` (a bounding box, or None)."""
    return (
        box is not None
        and 0 <= point[0] - box["x"] <= box["width"]
        and 0 <= point[1] - box["y"] <= box["height"]
    )


def cells_of(window) -> np.ndarray:
    """The notebook's cells of ``window``."""
    r0, r1, c0, c1 = window
    i, j = np.ogrid[r0:r1, c0:c1]
    values = (((i * 7 + j * 3) % 17 - 8) / 4).astype(np.float32)
    if r0 <= STRONG[0] < r1 and c0 <= STRONG[1] < c1:
        values[STRONG[0] - r0, STRONG[1] - c0] = -5.0
    return values
