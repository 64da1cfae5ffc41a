"""The tests every host runs, as classes a host module subclasses (``class TestNotebook7(
CellHost)``) with its module's fixtures: ``page`` (the host's page with driver.SETUP's
widgets shown) and, by kind of host, ``py`` or ``echo`` (how Python is heard there).
What differs between hosts stays in their modules: how the server starts, how a change
from Python is made, which console errors are the host's own."""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest

from . import driver


class EveryHost:
    """The checks made the same way in every host."""

    def test_reference_colours(self, page) -> None:
        driver.check_reference_colours(page)

    def test_tooltip(self, page) -> None:
        driver.check_tooltip(page)

    def test_big_matrix_overview_and_tile(self, page) -> None:
        driver.check_big_matrix(page)

    def test_png_download(self, page, tmp_path) -> None:
        driver.check_png_download(page, tmp_path)


class CellHost(EveryHost):
    """A host with notebook cells (Notebook 7, JupyterLite): Python is asked in a cell.
    Needs a ``py`` fixture: ``py(expr)`` runs ``expr`` in the kernel, returns its value."""

    def test_wheel_zoom_reaches_python(self, page, py) -> None:
        driver.check_wheel_zoom(page)
        view = driver.until(lambda: changed(py("zoom.view"), (0.0, 9.0, 0.0, 5.0)), 30)
        driver.zoom_view_ok(view)

    def test_range_drag_reaches_python(self, page, py) -> None:
        vmin, vmax = driver.check_range_drag(page)
        exact = driver.until(lambda: changed(py("(rng.vmin, rng.vmax)"), driver.NARROW), 30)
        assert exact == pytest.approx((vmin, vmax), rel=1e-3)
        assert py("rng.color_range") == exact

    def test_python_change_reaches_the_picture(self, page, py) -> None:
        driver.check_python_recolours_target(page, lambda: py("setattr(target, 'cmap', 'gray')"))


class EchoHost(EveryHost):
    """A host where the app shows what Python hears as text on the page ("VIEW [...]",
    set by an observer of ``zoom.view``). Needs an ``echo`` fixture: ``echo(prefix)`` the
    value shown after ``prefix`` (see :func:`echoed`)."""

    def test_wheel_zoom_reaches_python(self, page, echo) -> None:
        before = echo("VIEW")
        assert before in (None, [0, 9, 0, 5]), before
        driver.check_wheel_zoom(page)
        driver.zoom_view_ok(driver.until(lambda: changed(echo("VIEW"), before), 30))

    def test_range_drag(self, page) -> None:
        driver.check_range_drag(page)


class RangeEchoHost(EchoHost):
    """An :class:`EchoHost` whose app also shows the colour range Python hears
    ("RANGE [vmin, vmax]", from observers of ``rng``)."""

    def test_range_drag(self, page, echo) -> None:
        narrow = list(driver.NARROW)
        assert echo("RANGE") == narrow
        vmin, vmax = driver.check_range_drag(page)
        seen = driver.until(lambda: changed(echo("RANGE"), narrow), 30)
        assert seen == pytest.approx([vmin, vmax], rel=1e-3)


def ask_in_cells(cells, page):
    """The ``py`` of a host with cells: ``cells`` a labdriver.Lab (or one of its kind)
    that runs code in a new cell of the open notebook and returns what it printed."""

    def ask(expr: str) -> Any:
        out = cells.run_code(page, f"print(repr({expr}))", timeout=120_000)
        return ast.literal_eval(out.strip().splitlines()[-1])

    return ask


def echoed(locator, prefix: str) -> Any:
    """The value a text output shows after ``prefix``: "VIEW [0.0, 9.0, 0.0, 5.0]" gives
    the list, "VIEW none" None."""
    text = locator.inner_text().strip()
    assert text.startswith(f"{prefix} "), text
    rest = text.removeprefix(f"{prefix} ")
    return None if rest == "none" else ast.literal_eval(rest)


def text_echo(page):
    """The ``echo`` of an app that shows "VIEW [...]" as a text of its own on the page."""
    return lambda prefix: echoed(page.get_by_text(re.compile(f"^{prefix} (\\[|none$)")), prefix)


def changed(now: Any, before: Any) -> Any:
    """``now``, once it differs from ``before`` (for :func:`driver.until`)."""
    assert now != before, now
    return now
