"""Fixtures for browser tests: one JupyterLab server and one Chromium per session."""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .labdriver import Lab, launch_browser, running_lab

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TOKENHEAT_ARTIFACTS", ROOT / "test-artifacts"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):
    with running_lab(ROOT / "notebooks", tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with shared_browser() as b:
        yield b


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh page; uncaught page errors fail the test; a final screenshot is kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        pg.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def code_notebook(*sources: str):
    """A notebook of code cells with the given sources, for the python3 kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


def write_notebook(lab: Lab, name: str, *sources: str) -> str:
    """Write :func:`code_notebook` into the lab's root; its name, to open it."""
    import nbformat

    nbformat.write(code_notebook(*sources), lab.root / name)
    return name


class WidgetView:
    """What a person sees of one rendered tokenheat widget on a page."""

    def __init__(self, page, index: int) -> None:
        self.page = page
        self.root = page.locator(".tokenheat").nth(index)
        self.cells = self.root.locator(".tokenheat-cells")

    def _wait_on_screen(self, predicate: str, timeout: float) -> WidgetView:
        """Scroll the widget into view, then wait until ``predicate(root)`` (JavaScript)."""
        self.root.scroll_into_view_if_needed(timeout=timeout)
        self.page.wait_for_function(
            predicate, arg=self.root.element_handle(timeout=timeout), timeout=timeout
        )
        return self

    def wait_ready(self, timeout: float = 60_000) -> WidgetView:
        """Until the widget has drawn with the renderer it keeps (``data-settled``: the
        first frame of a page's first widget is drawn with canvas 2D, then with WebGL)."""
        return self._wait_on_screen(
            "el => el.dataset.ready === 'true' && el.dataset.settled === 'true'", timeout
        )

    def wait_webgl(self, timeout: float = 30_000) -> WidgetView:
        """Until the widget draws with WebGL: a view that was drawn off screen keeps
        canvas 2D until it comes on screen (it then takes a context from the page's pool)."""
        return self._wait_on_screen("el => el.dataset.renderer === 'webgl2'", timeout)

    def draws(self) -> int:
        return int(self.root.get_attribute("data-draws") or 0)

    def cell_point(self, row: int, col: int, shape: tuple[int, int], fx=0.5, fy=0.5):
        """Page coordinates of a point inside cell (row, col) of the full view, after
        scrolling the widget into view (for pointer events)."""
        self.cells.scroll_into_view_if_needed()
        box = self.cells.bounding_box()
        rows, cols = shape
        return (
            box["x"] + (col + fx) * box["width"] / cols,
            box["y"] + (row + fy) * box["height"] / rows,
        )

    def wheel_zoom(self, row: int, col: int, shape: tuple[int, int], steps: int = 5) -> None:
        """Zoom in with the mouse wheel over cell (row, col) of the full view."""
        self.page.mouse.move(*self.cell_point(row, col, shape))
        for _ in range(steps):
            self.page.mouse.wheel(0, -240)
            self.page.wait_for_timeout(30)

    def cell_colour(self, row: int, col: int, shape: tuple[int, int], fx=0.15, fy=0.2):
        """The colour a person sees inside cell (row, col), from a real screenshot of the
        cell area (sampled off-centre by default: token text sits at the centre)."""
        from PIL import Image

        shot = Image.open(io.BytesIO(self.cells_screenshot())).convert("RGB")
        rows, cols = shape
        x = (col + fx) * shot.width / cols
        y = (row + fy) * shot.height / rows
        return shot.getpixel((int(x), int(y)))

    def cells_screenshot(self, attempts: int = 4) -> bytes:
        """A screenshot of the cell area. Scrolling the widget into view can hand it a
        WebGL context back, which swaps its cells canvas within a frame; a screenshot
        caught in that swap is taken again."""
        from playwright.sync_api import Error

        for attempt in range(attempts):
            try:
                self.cells.scroll_into_view_if_needed()
                self.page.wait_for_timeout(100)  # let a canvas swap settle
                return self.cells.screenshot()
            except Error:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def texts(self, selector: str) -> list[str]:
        return [t.strip() for t in self.root.locator(selector).all_text_contents()]


@pytest.fixture
def widgets(page):
    return lambda index: WidgetView(page, index)


_SHARED: dict = {}


@contextmanager
def shared_browser() -> Iterator[Browser]:
    """The session's one Playwright and Chromium, for tests/browser and tests/hosts alike
    (two sync Playwrights cannot run in one thread); stopped when its last user is done."""
    if not _SHARED:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _SHARED.update(playwright=playwright, browser=launch_browser(playwright), users=0)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED["browser"].close()
            _SHARED["playwright"].stop()
            _SHARED.clear()


__all__ = ["Lab", "WidgetView", "code_notebook", "shared_browser", "write_notebook"]
