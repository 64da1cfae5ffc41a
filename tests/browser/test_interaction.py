"""Zoom, pan, selection and colour-range controls, driven like a person in JupyterLab."""

from __future__ import annotations

import ast
import re

import pytest

from .conftest import WidgetView, write_notebook

SHAPE = (20, 10)
SETUP = """\
import numpy as np
from tokenheat import Heatmap
values = np.linspace(-1, 1, 200).reshape(20, 10)
w = Heatmap(values, row_labels=[f"r{i}" for i in range(20)],
            column_labels=[f"c{j}" for j in range(10)], vmin=-1, vmax=1, title="interaction")
w"""


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "interaction.ipynb", SETUP, "w.controls()")


@pytest.fixture
def view(lab, page, notebook) -> WidgetView:
    lab.open(page, notebook)
    lab.run_all(page)
    page.locator(".widget-slider").first.wait_for()
    return WidgetView(page, 0).wait_ready()


def py(lab, page, expr: str):
    """The value of a Python expression in the notebook's kernel, as a Python literal."""
    out = lab.run_code(page, f"print(repr({expr}))")
    return ast.literal_eval(out.strip().splitlines()[-1])


def wait_py(lab, page, expr: str, predicate, attempts: int = 20):
    """Poll a Python expression until the predicate holds (browser -> kernel is async)."""
    for _ in range(attempts):
        value = py(lab, page, expr)
        if predicate(value):
            return value
        page.wait_for_timeout(250)
    raise AssertionError(f"{expr} = {value!r} never satisfied the condition")


def visible_texts(view: WidgetView, selector: str) -> list[str]:
    return [
        el.text_content().strip() for el in view.root.locator(selector).all() if el.is_visible()
    ]


def test_wheel_zoom_updates_view_in_python(lab, page, view) -> None:
    view.wheel_zoom(10, 5, SHAPE)
    r0, r1, c0, c1 = wait_py(lab, page, "w.view", lambda v: v[1] - v[0] < 20)
    assert 0 <= r0 < r1 <= 20 and 0 <= c0 < c1 <= 10
    assert r1 - r0 < 20 and c1 - c0 < 10
    assert r0 < 10 < r1 and c0 < 5 < c1  # zoomed around the pointer
    # Only labels of visible rows are drawn.
    assert len(visible_texts(view, ".tokenheat-row-label")) < 20


def test_python_view_shows_exactly_those_labels(lab, page, view) -> None:
    before = view.draws()
    lab.run_code(page, "w.view = (2, 5, 0, 3)")
    page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}", arg=view.root.element_handle()
    )
    assert visible_texts(view, ".tokenheat-row-label") == ["r2", "r3", "r4"]
    assert visible_texts(view, ".tokenheat-col-label") == ["c0", "c1", "c2"]
    # The cells follow: the top-left visible cell is now (2, 0).
    lab.run_code(page, "w.reset_view()")
    page.wait_for_function(
        "el => el.querySelectorAll('.tokenheat-row-label').length > 3",
        arg=view.root.element_handle(),
    )


def test_double_click_resets_view(lab, page, view) -> None:
    lab.run_code(page, "w.view = (2, 5, 0, 3)")
    page.mouse.dblclick(*view.cell_point(1, 1, (3, 3)))
    wait_py(lab, page, "w.view", lambda v: v == (0.0, 20.0, 0.0, 10.0))


def wait_colour_change(view: WidgetView, cell: tuple[int, int], old, tries: int = 30):
    for _ in range(tries):
        colour = view.cell_colour(*cell, SHAPE)
        if colour != old:
            return colour
        view.page.wait_for_timeout(100)
    raise AssertionError(f"cell {cell} kept its colour {old}")


def test_dragging_the_builtin_handle_recolours_and_syncs(lab, page, view) -> None:
    top = view.cell_colour(19, 9, SHAPE)  # 1.0, at vmax: the top colour
    middle = view.cell_colour(15, 0, SHAPE)  # about 0.5: mid green
    handle = view.root.locator(".tokenheat-range-handle[data-end=max]")
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 120, steps=12)
    page.mouse.up()
    vmax = wait_py(lab, page, "w.vmax", lambda v: v < 1.0)
    assert py(lab, page, "w.color_range")[1] == vmax
    assert wait_colour_change(view, (15, 0), middle) != middle  # darker green now
    assert view.cell_colour(19, 9, SHAPE) == top  # still beyond vmax: the top colour


def test_controls_slider_recolours_the_heatmap(lab, page, view) -> None:
    colour = view.cell_colour(14, 9, SHAPE)  # about 0.5
    handle = page.locator(".widget-slider .noUi-handle-upper").first
    handle.focus()
    for _ in range(300):  # one slider step each: 0.3 in all
        page.keyboard.press("ArrowLeft")
    wait_colour_change(view, (14, 9), colour)
    lo, hi = wait_py(lab, page, "w.color_range", lambda v: v[1] < 1.0)
    assert hi < 1.0
    assert lo in (-1.0, -hi)  # unchanged, or mirrored when symmetric


def test_click_selects_and_arrows_move(lab, page, view) -> None:
    page.mouse.click(*view.cell_point(3, 4, SHAPE))
    assert wait_py(lab, page, "w.selection", lambda s: s is not None) == {"row": 3, "col": 4}
    assert view.root.locator(".tokenheat-selection").is_visible()
    view.root.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert wait_py(lab, page, "w.selection", lambda s: s != {"row": 3, "col": 4}) == {
        "row": 4,
        "col": 5,
    }
    tooltip = view.root.locator(".tokenheat-tooltip")
    assert tooltip.is_visible()
    assert "r4" in tooltip.inner_text() and "c5" in tooltip.inner_text()
    view.root.focus()  # reading Python state above moved focus into a notebook cell
    page.keyboard.press("Escape")
    assert wait_py(lab, page, "w.selection", lambda s: s is None) is None


def test_label_click_selects_row(lab, page, view) -> None:
    view.root.locator(".tokenheat-row-label", has_text=re.compile(r"^r2$")).click()
    assert wait_py(lab, page, "w.selection", lambda s: s is not None) == {"row": 2}


def test_rapid_slider_changes_end_in_agreement(lab, page, view) -> None:
    handle = view.root.locator(".tokenheat-range-handle[data-end=max]")
    handle.focus()
    for _ in range(200):
        page.keyboard.press("ArrowDown")
    shown = view.root.locator(".tokenheat-range-input[data-end=max]")
    page.wait_for_timeout(600)  # the drag settles
    browser_vmax = float(shown.input_value())
    python_range = wait_py(lab, page, "w.color_range", lambda v: v[1] < 1.0)
    assert python_range[1] == pytest.approx(browser_vmax, rel=1e-3, abs=1e-9)
    page.wait_for_timeout(500)
    assert py(lab, page, "w.color_range") == python_range  # and it stays there


def test_python_range_is_shown_as_set(lab, page, view) -> None:
    # symmetric is on, but it applies to dragging: a range set from Python stays as set.
    before = view.draws()
    lab.run_code(page, "w.color_range = (-1.0, 0.8)")  # one end moves
    page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}", arg=view.root.element_handle()
    )
    shown = [
        float(view.root.locator(f".tokenheat-range-input[data-end={end}]").input_value())
        for end in ("min", "max")
    ]
    assert shown == [-1.0, 0.8]
    page.wait_for_timeout(500)
    assert py(lab, page, "(w.vmin, w.vmax, w.color_range)") == (-1.0, 0.8, (-1.0, 0.8))


def test_a_focused_range_input_follows_python_and_leaving_it_writes_nothing(
    lab, page, view
) -> None:
    # The range changes from Python (a thread, so the cell is done) while the max input
    # has focus: it shows the new value, and leaving it untouched sends nothing back
    # (it used to write its older text, undoing the change).
    lab.run_code(
        page,
        "import threading\nthreading.Timer(1.5, lambda: w.set_range(-0.25, 0.75)).start()",
    )
    shown = view.root.locator(".tokenheat-range-input[data-end=max]")
    shown.focus()
    page.wait_for_function("el => el.value === '0.75'", arg=shown.element_handle())
    assert shown.evaluate("el => el === document.activeElement")
    view.root.locator(".tokenheat-title").click()  # leave the input
    page.wait_for_timeout(500)
    assert py(lab, page, "(w.vmin, w.vmax)") == (-0.25, 0.75)
    # typing is still an edit: Enter applies it (mirrored, as symmetric is on)
    shown.fill("0.5")
    shown.press("Enter")
    wait_py(lab, page, "(w.vmin, w.vmax)", lambda v: v == (-0.5, 0.5))


def test_tooltip_has_full_float64_precision(lab, page, view) -> None:
    # linspace values are not float32-exact: the originals follow the first paint.
    exact = repr(-1 + 2 / 199)  # values[0, 1]
    page.mouse.move(*view.cell_point(0, 1, SHAPE))
    tooltip = view.root.locator(".tokenheat-tooltip")
    page.wait_for_function(
        "([el, text]) => el.textContent.replace('\\u2212', '-').includes(text)",
        arg=[tooltip.element_handle(), exact],
    )
