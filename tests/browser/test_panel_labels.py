"""Labels of each panel's own, in real JupyterLab: two sequences of a batch of different
lengths and tokens (ragged panels, padded with NaN), each panel with its own row labels
at its left and its own column labels under it; a click on a label selects that row in
that panel; the tooltip names the panel's own tokens; the toolbar's PNG and Python's
``to_png`` draw the same labels in the same places around each panel."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import WidgetView, write_notebook
from .test_export import download, png_array
from .test_interaction import wait_py
from .test_panels_export import panel_regions

SOURCE = ["The", "cat", "sat", "on", "a", "warm", "mat"]
OTHER = ["A", "big", "dog", "ran", "past", "my", "old", "barn", "at", "noon"]
GENERATED = [["it", "was", "hot"], ["and", "then", "slept"]]

BATCH = f"""\
import numpy as np
from tokenheat import Heatmap
batch = Heatmap([np.full((7, 3), -0.8), np.full((10, 3), 0.8)], vmin=-1, vmax=1, width=700,
                row_labels={[SOURCE, OTHER]!r}, column_labels={GENERATED!r},
                panel_labels=["first", "second"])
batch"""


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "panel-labels.ipynb", BATCH)


@pytest.fixture
def view(lab, page, notebook) -> WidgetView:
    lab.open(page, notebook)
    lab.run_all(page)
    return WidgetView(page, 0).wait_ready()


def panel_boxes(view: WidgetView) -> list[dict[str, float]]:
    """Each panel's page box (x, y, width, height): under its title, as wide as it, down
    to the bottom of the plot area (one row of panels)."""
    view.root.scroll_into_view_if_needed()
    cells = view.cells.bounding_box()
    boxes = []
    for p in (0, 1):
        t = view.root.locator(f'.tokenheat-panel-title[data-panel="{p}"]').bounding_box()
        top = t["y"] + t["height"]
        boxes.append(
            {
                "x": t["x"],
                "y": top,
                "width": t["width"],
                "height": cells["y"] + cells["height"] - top,
            }
        )
    assert boxes[0]["y"] == pytest.approx(boxes[1]["y"]), "side by side"
    return boxes


def labels_of(view: WidgetView, kind: str, p: int) -> list[tuple[str, dict]]:
    """(text, page box) of the row / column labels drawn for panel p."""
    return [
        (el.text_content(), el.bounding_box())
        for el in view.root.locator(f'.tokenheat-{kind}-label[data-panel="{p}"]').all()
    ]


def test_each_panel_shows_its_own_labels_beside_and_under_it(lab, page, view) -> None:
    page.mouse.move(0, 0)
    boxes = panel_boxes(view)
    for p, (rows, cols) in enumerate(zip((SOURCE, OTHER), GENERATED, strict=True)):
        box = boxes[p]
        left_edge = (
            boxes[p - 1]["x"] + boxes[p - 1]["width"] if p else view.cells.bounding_box()["x"]
        )
        beside = labels_of(view, "row", p)
        # its own tokens, and none for the padding rows of the shorter sequence
        assert [t for t, _ in beside] == rows
        for r, (_, b) in enumerate(beside):
            assert b["x"] + b["width"] <= box["x"] - 2, (p, r, b, box)  # left of the panel
            assert b["x"] >= left_edge - 1, (p, r, b, left_edge)  # right of the one before
            middle = box["y"] + (r + 0.5) * box["height"] / 10  # rows of the padded 10
            assert abs(b["y"] + b["height"] / 2 - middle) <= 2, (p, r, b, middle)
        under = labels_of(view, "col", p)
        assert [t for t, _ in under] == cols
        bottom = box["y"] + box["height"]
        for c, (_, b) in enumerate(under):
            centre = box["x"] + (c + 0.5) * box["width"] / 3
            assert abs(b["x"] + b["width"] / 2 - centre) <= 2, (p, c, b, centre)
            assert bottom - 1 <= b["y"] <= bottom + 12, (p, c, b, bottom)


def test_a_label_click_selects_that_row_of_that_panel(lab, page, view) -> None:
    view.root.locator('.tokenheat-row-label[data-panel="1"]', has_text="big").click()
    assert wait_py(lab, page, "batch.selection", lambda v: v is not None) == {"row": 1, "panel": 1}
    view.root.locator('.tokenheat-row-label[data-panel="0"]', has_text="sat").click()
    assert wait_py(lab, page, "batch.selection", lambda v: v and v["panel"] == 0) == {
        "row": 2,
        "panel": 0,
    }
    selected = view.root.locator('.tokenheat-row-label[data-selected="true"]')
    assert selected.count() == 1 and selected.text_content() == "sat"
    view.root.locator('.tokenheat-col-label[data-panel="1"]', has_text="slept").click()
    assert wait_py(lab, page, "batch.selection", lambda v: v and "col" in v) == {
        "col": 2,
        "panel": 1,
    }


def test_the_tooltip_names_the_panels_own_tokens(lab, page, view) -> None:
    boxes = panel_boxes(view)
    tip = view.root.locator(".tokenheat-tooltip")
    for p, r, c, row, col in ((1, 2, 0, "dog", "and"), (0, 2, 1, "sat", "was")):
        box = boxes[p]
        page.mouse.move(
            box["x"] + (c + 0.5) * box["width"] / 3, box["y"] + (r + 0.5) * box["height"] / 10
        )
        page.wait_for_function(
            "([el, t]) => !el.hidden && el.querySelector('[data-field=row]').textContent === t",
            arg=[tip.element_handle(), row],
        )
        assert tip.locator('[data-field="column"]').text_content() == col
        assert tip.locator('[data-field="panel"]').text_content() == ["first", "second"][p]
    page.mouse.move(0, 0)


# ------------------------------------------------------------------------------ exports
def ink(image: np.ndarray, background) -> np.ndarray:
    """Where text is: pixels far from the background."""
    return np.abs(image.astype(int) - np.asarray(background, dtype=int)).max(axis=2) > 90


def label_marks(image: np.ndarray, colours, s: float = 2) -> dict:
    """What an exported PNG draws around each panel, relative to the panel (CSS px): for
    each of the 10 rows, the right end and width of the ink in the band left of the panel
    at that row's middle (None: no label); for each of the 3 columns, the middle of the
    ink under the panel and how far below it the ink starts."""
    mask = ink(image, image[1, 1])
    regions = panel_regions(image, colours)
    # both panels are one size; panel 0's colour stops at its own 7 rows (then padding)
    height = regions[1][3] - regions[1][1]
    marks = {}
    for p, (x0, y0, x1, _) in enumerate(regions):
        previous = regions[p - 1][2] if p else 0
        rows = []
        for r in range(10):
            cy = round(y0 + (r + 0.5) * height / 10)
            band = mask[cy - 3 : cy + 4, previous + 2 : x0]
            xs = np.flatnonzero(band.any(axis=0))
            if len(xs) == 0:
                rows.append(None)
                continue
            right = previous + 2 + xs[-1] + 1
            rows.append(((x0 - right) / s, (xs[-1] - xs[0] + 1) / s))
        cols = []
        for c in range(3):
            cx0, cx1 = x0 + c * (x1 - x0) // 3, x0 + (c + 1) * (x1 - x0) // 3
            below = mask[y0 + height + 2 : y0 + height + round(30 * s), cx0:cx1]
            ys, xs = np.nonzero(below)
            assert len(xs), (p, c, "no column label")
            centre = (2 * cx0 + xs.min() + xs.max() + 1) / 2 / s - x0 / s
            cols.append((centre, (2 + ys.min()) / s))
        marks[p] = {"rows": rows, "cols": cols, "width": (x1 - x0) / s}
    return marks


def test_the_download_and_python_png_draw_each_panels_labels_at_its_place(
    lab, page, view, tmp_path
) -> None:
    page.mouse.move(0, 0)
    _, downloaded = download(page, view, "png", tmp_path)
    lab.run_code(page, "open('batch-python.png', 'wb').write(batch.to_png())")
    python = png_array((lab.root / "batch-python.png").read_bytes())
    colours = wait_py(lab, page, "batch.to_rgba()[:, 0, 0, :3].tolist()", lambda v: len(v) == 2)
    seen = {}
    for name, image in (("download", png_array(downloaded)), ("to_png", python)):
        marks = label_marks(image, colours)
        seen[name] = marks
        for p, own in ((0, SOURCE), (1, OTHER)):
            rows = marks[p]["rows"]
            # a label at every row of the panel's own, none at its padding rows
            assert [m is not None for m in rows] == [r < len(own) for r in range(10)], (name, p)
            for r, m in enumerate(rows[: len(own)]):
                assert 4 <= m[0] <= 9, (name, p, r, m)  # right-aligned, 6 px left of it
            # its own words: the widths follow the panel's tokens ("A" < "barn")
            widths = [m[1] for m in rows[: len(own)]]
            longest = max(range(len(own)), key=lambda r: len(own[r]))
            shortest = min(range(len(own)), key=lambda r: len(own[r]))
            assert widths[longest] > widths[shortest] + 5, (name, p, widths)
            for c, (centre, below) in enumerate(marks[p]["cols"]):
                assert centre == pytest.approx((c + 0.5) * marks[p]["width"] / 3, abs=3), (
                    name,
                    p,
                    c,
                )
                assert 2 <= below <= 12, (name, p, c, below)
    # the same labels in the same places: which rows have one, and how wide each is
    for p in (0, 1):
        a, b = seen["download"][p]["rows"], seen["to_png"][p]["rows"]
        assert [m is None for m in a] == [m is None for m in b]
        for ma, mb in zip(a, b, strict=True):
            if ma is not None:
                assert ma[1] == pytest.approx(mb[1], rel=0.35, abs=4), (p, ma, mb)
