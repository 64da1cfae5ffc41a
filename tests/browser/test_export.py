"""Export in real JupyterLab: the Python-rendered image against the live widget's pixels,
the toolbar's download buttons, and ``capture`` from the browser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import nbformat
import numpy as np
import pytest
from PIL import Image

from .conftest import WidgetView
from .test_interaction import wait_py

ROWS, COLS = 30, 20
VIEW = (3.5, 17.25, 2.5, 12.75)  # fractional edges: partial cells at every side
SETUP = f"""\
import numpy as np
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
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, lab.root / "export.ipynb")
    return "export.ipynb"


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
        f"from PIL import Image\n"
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
