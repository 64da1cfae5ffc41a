"""A source too big to read whole, shown without a pyramid, in real JupyterLab
(tokenheat._source_levels): the widget draws before anything is read and the kernel runs
other cells while the source is read; the rows read are drawn and the rest is veiled with
how far the read has come ("not read yet" in the tooltip, downloads off); once every row is
read the veil goes and every pixel is the colour Python's export gives it."""

from __future__ import annotations

import numpy as np

from .conftest import WidgetView, write_notebook
from .test_scale import (
    canvas_pixels,
    console,  # noqa: F401  (fixture)
    exported_pixels,
    py,
    tooltip_at,
    until,
)

ROWS, COLS = 8192, 8200  # 67,174,400 cells: more than READ_CELLS (2**26), so read on a thread


def gated_source(shape: tuple[int, ...], value: str) -> str:
    """Notebook code making ``source``: a made-up source of ``shape`` whose rows can be read
    only as far as ``source.allow(rows)`` lets them; ``value`` (of the row and column
    index grids ``r``, ``c`` and the panel's indices ``panel``) gives its cells."""
    return f"""\
import threading
import numpy as np
import tokenheat

class Gated:
    \"\"\"A made-up source whose rows can be read only as far as `allowed`.\"\"\"
    shape, dtype, ndim = {shape}, np.dtype(np.float32), {len(shape)}

    def __init__(self):
        self.allowed = 0
        self.cond = threading.Condition()

    def allow(self, rows):
        with self.cond:
            self.allowed = rows
            self.cond.notify_all()

    def __getitem__(self, key):
        *panel, rows, cols = key
        with self.cond:
            self.cond.wait_for(lambda: rows.stop <= self.allowed)
        r, c = np.ogrid[rows, cols]
        return ({value}).astype(np.float32)

source = Gated()
"""


GATED_NB = gated_source((ROWS, COLS), "((r * 7 + c * 3) % 17 - 8) / 4 * (1 + (r > 6000))") + (
    'w = tokenheat.Heatmap(source, vmin=-4, vmax=4, title="read in the background", '
    "static_png=False)\nw"
)


def soon(holds, what: str) -> None:
    """Until ``holds()`` is true (it waits on the page or the kernel)."""

    def check() -> None:
        assert holds(), what

    until(check, what=what)


def test_a_source_fills_in_as_it_is_read(lab, page, console) -> None:  # noqa: F811
    lab.open(page, write_notebook(lab, "reading.ipynb", GATED_NB))
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=180_000)
    veil = view.root.locator(".tokenheat-reading")
    assert veil.text_content() == "reading the source: 0 % (0 of 8,192 rows)"
    downloads = view.root.locator("button.tokenheat-download")
    assert downloads.count() == 2
    assert all(downloads.nth(k).is_disabled() for k in range(2))  # nothing to export yet
    # read a level at a time, it is not normalised: the chooser is not offered
    assert view.root.locator(".tokenheat-normalize").evaluate("e => e.hidden") is True

    lab.run_code(page, "source.allow(4096)")  # the kernel is free: the read is on a thread
    half_read = "reading the source: 50 % (4,096 of 8,192 rows)"
    soon(lambda: veil.text_content() == half_read, half_read)
    assert py(lab, page, "w._rows_read") == 4096
    cells, box = view.cells.bounding_box(), veil.bounding_box()
    assert abs(box["y"] - (cells["y"] + cells["height"] / 2)) <= 2, (box, cells)
    assert abs(box["y"] + box["height"] - (cells["y"] + cells["height"])) <= 1
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    half = canvas_pixels(view)
    text, _ = tooltip_at(view, width // 2, height * 3 // 4, (width, height))
    assert "not read yet" in text, text
    text, _ = tooltip_at(view, width // 2, height // 4, (width, height))
    assert "not read yet" not in text and "no value" not in text, text
    assert all(downloads.nth(k).is_disabled() for k in range(2))

    lab.run_code(page, "source.allow(8192)")
    soon(veil.is_hidden, "the veil goes once every row is read")
    assert py(lab, page, "(w.wait_for_source(60), w._rows_read)") == (True, -1)
    soon(lambda: not downloads.nth(0).is_disabled(), "downloads are on again")
    want = exported_pixels(lab, page, width, height, -4, 4)

    def every_pixel() -> None:
        np.testing.assert_array_equal(canvas_pixels(view), want)

    until(every_pixel)
    # what was drawn of the rows read first did not change when the rest came
    top = height // 2 - 2
    np.testing.assert_array_equal(half[:top], want[:top])


PANELS, P_ROWS, P_COLS = (2, 2), 4096, 4200  # 68,812,800 cells in all: read on a thread
PANELS_NB = (
    gated_source(
        (*PANELS, P_ROWS, P_COLS),
        "((r * 7 + c * 3 + panel[0] * 5) % 17 - 8) / 4 * (1 + 2 * panel[0] + panel[1])",
    )
    + "w = tokenheat.Heatmap(source, vmin=-8, vmax=8, width=420, height=420, static_png=False)\nw"
)


def test_panels_of_a_source_fill_in_together(lab, page, console) -> None:  # noqa: F811
    """A 4-D source of 2 x 2 panels is read a band of rows of every panel at a time: each
    panel is veiled from the same row down, and once read, a panel shown alone is the
    colours Python's export gives it."""
    lab.open(page, write_notebook(lab, "reading-panels.ipynb", PANELS_NB))
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=180_000)
    assert py(lab, page, "(w.panel_layout, w.shape, w._rows_read)") == ((2, 2), (4096, 4200), 0)
    veils = view.root.locator(".tokenheat-reading")

    lab.run_code(page, "source.allow(2048)")
    half_read = "reading the source: 50 % (2,048 of 4,096 rows)"
    soon(lambda: veils.first.text_content() == half_read, half_read)
    soon(lambda: veils.count() == 4 and all(veils.nth(k).is_visible() for k in range(4)), "4 veils")
    boxes = [veils.nth(k).bounding_box() for k in range(4)]
    assert len({round(b["x"]) for b in boxes}) == 2 and len({round(b["y"]) for b in boxes}) == 2
    assert all(abs(b["width"] - boxes[0]["width"]) <= 1 for b in boxes), boxes
    assert all(abs(b["height"] - boxes[0]["height"]) <= 1 for b in boxes), boxes
    tip = view.root.locator(".tokenheat-tooltip")
    for k, b in enumerate(boxes):  # each panel: its lower half veiled, its upper half drawn
        x = b["x"] + b["width"] / 2
        page.mouse.move(x, b["y"] + b["height"] / 2)
        tip.wait_for(state="visible")
        assert "not read yet" in (tip.text_content() or ""), (k, tip.text_content())
        page.mouse.move(x, b["y"] - b["height"] / 2)
        soon(lambda: "not read yet" not in (tip.text_content() or ""), f"panel {k} read above")
        assert "no value" not in (tip.text_content() or ""), tip.text_content()
        page.mouse.move(0, 0)

    lab.run_code(page, "source.allow(4096)")
    soon(lambda: all(veils.nth(k).is_hidden() for k in range(veils.count())), "no veil once read")
    assert py(lab, page, "(w.wait_for_source(60), w._rows_read)") == (True, -1)
    lab.run_code(page, "w.focus = (1, 1)")
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    assert P_ROWS / height >= 8 and P_COLS / width >= 8  # drawn from the overview alone

    def every_pixel() -> None:
        width, height = view.cells.evaluate("c => [c.width, c.height]")
        want = exported_pixels(lab, page, width, height, -8, 8)
        np.testing.assert_array_equal(canvas_pixels(view), want)

    until(every_pixel)
    # zoomed in: a tile of the same window of every panel, read from the source, draws
    # the focused panel's own cells
    lab.run_code(page, "w.view = (1000, 1100, 2000, 2100)")
    until(every_pixel)  # (the overview's 8 x 8 blocks could not draw single cells)


def test_a_read_nobody_sees_pauses(lab, page, console) -> None:  # noqa: F811
    """Running the widget's cell again replaces its view (ipywidgets keeps the old
    widget): the old read pauses once its view has gone, the new one reads on."""
    setup = gated_source((ROWS, COLS), "(r + c) % 9 - 4.0") + "ws = []"
    show = "w = tokenheat.Heatmap(source, vmin=-4, vmax=4, static_png=False)\nws.append(w)\nw"
    lab.open(page, write_notebook(lab, "reading-again.ipynb", setup, show))
    lab.run_all(page)
    WidgetView(page, 0).wait_ready(timeout=180_000)
    paused = "[v._matrix.f32.reading.paused for v in ws]"
    assert py(lab, page, paused) == [False]
    lab.run_cell(page, 1)  # again: a new widget, and the first one's view goes
    WidgetView(page, 0).wait_ready(timeout=180_000)
    soon(lambda: py(lab, page, paused) == [True, False], "the first read pauses")
    lab.run_code(page, "source.allow(8192)")
    assert py(lab, page, "ws[1].wait_for_source(120)") is True
    state = "(ws[0]._matrix.f32.reading.rows_read, ws[0]._matrix.f32.reading.ended)"
    rows_read, ended = py(lab, page, state)
    assert rows_read < ROWS and not ended  # it read the band it was reading, no more
