"""Long sessions in real JupyterLab: one widget shown twice, a busy kernel, a restarted
kernel, awkward matrices; and never an error in the browser console."""

from __future__ import annotations

import re

import pytest

from .conftest import WidgetView, write_notebook
from .test_interaction import py, visible_texts, wait_py

SHAPE = (20, 10)
SETUP = """\
import time
import numpy as np
from tokenheat import Heatmap
values = np.linspace(-1, 1, 200).reshape(20, 10)
w = Heatmap(values, row_labels=[f"r{i}" for i in range(20)], vmin=-1, vmax=1)
w"""
AGAIN = "w  # the same widget, a second view"
CORPUS = """\
import ipywidgets
awkward = {
    "1x1": [[0.5]], "1xN": [[1, 2, 3]], "Nx1": [[1], [2]], "all NaN": np.full((2, 3), np.nan),
    "all equal": np.ones((3, 3)), "tiny": [[1e-30, -1e-30]], "huge": [[1e30, -1e30]],
    "bool": np.eye(2, dtype=bool), "float16": np.ones((2, 2), np.float16),
    "transposed": np.arange(6.0).reshape(2, 3).T,
    "masked": np.ma.masked_array([[1.0, 2]], mask=[[0, 1]]),
}
ipywidgets.VBox([Heatmap(v, title=k, height=140) for k, v in awkward.items()])"""


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "sessions.ipynb", SETUP, AGAIN, CORPUS)


@pytest.fixture
def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


@pytest.fixture
def views(lab, page, notebook, console_errors) -> list[WidgetView]:
    lab.open(page, notebook)
    lab.run_all(page)
    return [WidgetView(page, i).wait_ready() for i in range(2)]


def tokenheat_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "tokenheat" in e.lower()]


def test_two_views_of_one_widget_stay_in_sync(lab, page, views, console_errors) -> None:
    first, second = views
    first.wheel_zoom(10, 5, SHAPE)
    view = wait_py(lab, page, "w.view", lambda v: v[1] - v[0] < 20)
    # the other view shows the same window: the same row labels
    page.wait_for_function(
        "([a, b]) => a.querySelectorAll('.tokenheat-row-label').length ==="
        " b.querySelectorAll('.tokenheat-row-label').length",
        arg=[first.root.element_handle(), second.root.element_handle()],
    )
    assert visible_texts(first, ".tokenheat-row-label") == second.texts(".tokenheat-row-label")
    assert len(second.texts(".tokenheat-row-label")) < 20, view
    lab.run_code(page, "w.cmap = 'viridis'")
    page.wait_for_timeout(300)
    assert first.cell_colour(0, 0, (1, 1), 0.5, 0.5) == second.cell_colour(0, 0, (1, 1), 0.5, 0.5)
    assert not tokenheat_errors(console_errors)


def test_range_drag_while_the_kernel_is_busy(lab, page, views) -> None:
    view = views[0]
    lab.run_code(page, "w.reset_view()")
    before = view.cell_colour(19, 9, SHAPE)
    # a long-running cell: the kernel cannot hear the browser until it ends
    lab.run_code(page, "time.sleep(6)", wait=False)
    handle = view.root.locator(".tokenheat-range-handle[data-end=max]")
    handle.focus()
    for _ in range(40):
        page.keyboard.press("ArrowUp")
    page.wait_for_timeout(200)
    after = view.cell_colour(19, 9, SHAPE)
    assert after != before  # recoloured in the browser at once
    assert py(lab, page, "1") == 1  # waits for the busy cell to finish first
    vmax = wait_py(lab, page, "w.vmax", lambda v: v > 1)
    shown = float(view.root.locator(".tokenheat-range-input[data-end=max]").input_value())
    assert abs(vmax - shown) < 1e-9


def test_awkward_matrices_render_without_console_errors(page, views, console_errors) -> None:
    page.locator(".tokenheat").nth(12).wait_for()
    for i in range(2, 13):
        view = WidgetView(page, i).wait_ready()
        assert view.root.get_attribute("data-error") is None, view.texts(".tokenheat-title")
        assert not view.root.locator(".tokenheat-error").is_visible()
    assert not console_errors, console_errors


def test_kernel_restart_leaves_the_picture_interactive(lab, page, views) -> None:
    view = views[0]
    before = view.cell_colour(0, 0, SHAPE)
    page.locator(".jp-Notebook .jp-Cell .jp-InputArea-prompt").first.click()
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel…")).click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.wait_for_timeout(1000)
    assert view.root.is_visible()
    assert view.cell_colour(0, 0, SHAPE) == before
    assert not view.root.locator(".tokenheat-error").is_visible()
    # zoom still works in the browser, with no kernel behind the model any more
    labels = len(visible_texts(view, ".tokenheat-row-label"))
    view.wheel_zoom(10, 5, SHAPE)
    page.wait_for_timeout(500)
    assert len(visible_texts(view, ".tokenheat-row-label")) < labels


def test_a_dead_kernel_leaves_the_picture_interactive(lab, page, views) -> None:
    view = views[0]
    before = view.cell_colour(0, 0, SHAPE)
    lab.shutdown_kernels()  # the server ends the kernel under the open notebook
    page.wait_for_timeout(1500)
    assert view.root.is_visible() and view.cell_colour(0, 0, SHAPE) == before
    assert not view.root.locator(".tokenheat-error").is_visible()
    labels = len(visible_texts(view, ".tokenheat-row-label"))
    view.wheel_zoom(10, 5, SHAPE)
    page.wait_for_timeout(500)
    assert len(visible_texts(view, ".tokenheat-row-label")) < labels
    page.mouse.move(*view.cell_point(3, 3, SHAPE))
    assert view.root.locator(".tokenheat-tooltip").is_visible()
