"""Shiny for Python (`shiny run app.py`, with shinywidgets): the checks of ``driver.py``
on an app that shows each widget in its own ``output_widget``, and whether a widget
left at Shiny's default output size is seen whole (``fit.py``).

shinywidgets hooks every ipywidget's constructor and refuses one made outside a session,
so the widgets of ``driver.SETUP`` are made in the server function, once per session.
Python after display is reached the Shiny way: a text output renders the zoomed
widget's ``view`` read with ``reactive_read`` (re-rendered when the browser changes it),
another the range widget's ``vmin``/``vmax``, and an action button turns the target
widget gray.

shinywidgets' front end loads a widget's module with RequireJS, from a CDN unless the
widget's package has a Jupyter "nbextension" folder on the Jupyter path; anywidget
installs one (``<prefix>/share/jupyter/nbextensions/anywidget``), which shinywidgets
serves from the app (``/lib/anywidget-0.0/index.js``), and tokenheat's own module travels
in the widget's state (``_esm``): nothing leaves the machine, which
``test_no_console_errors`` checks.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from ..browser.conftest import WidgetView
from ..browser.labdriver import free_port
from . import driver
from .conftest import host_page
from .fit import check_whole_figure
from .suites import RangeEchoHost, echoed

APP = "app.py"
# shinywidgets' output box: one per output_widget, the widget's view inside it.
OUTPUT = ".shiny-ipywidget-output"

# The reference figure with no width or height: the widget's automatic size, in
# shinywidgets' default output box.
FIT = """\
fit = Heatmap(ref_data["values"], row_labels=ref_data["row_labels"],
              column_labels=ref_data["columns"], tokens=ref_data["tokens"],
              vmin={vmin}, vmax={vmax}, title="fit",
              colorbar_title=ref_data["colorbar_title"])"""

# Outputs that bring Python's side of the widgets back to the page, and the button.
SERVER = """\
@render.text
def view_echo():
    return f"VIEW {list(reactive_read(zoom, 'view'))}"

@render.text
def range_echo():
    return f"RANGE {list(reactive_read(rng, ['vmin', 'vmax']))}"

@reactive.effect
@reactive.event(input.gray)
def _():
    target.cmap = "gray"
"""


def app_source() -> str:
    """``app.py``: the page (a fixed-width page, Shiny Express's default), then a server
    function that runs ``driver.SETUP``, makes the fit widget and renders each widget in
    the output ``<name>_out``."""
    shown = (*driver.SHOWN, "fit")
    outputs = "".join(f'    output_widget("{name}_out"),\n' for name in shown)
    renders = "".join(f"@render_widget\ndef {name}_out():\n    return {name}\n\n" for name in shown)
    fit = FIT.format(vmin=driver.NARROW[0], vmax=driver.NARROW[1])
    body = "\n".join([driver.SETUP, fit, "", renders + SERVER])
    return (
        "from shiny import App, reactive, render, ui\n"
        "from shinywidgets import output_widget, reactive_read, render_widget\n\n"
        "app_ui = ui.page_fixed(\n"
        '    ui.output_text("view_echo"),\n'
        '    ui.output_text("range_echo"),\n'
        '    ui.input_action_button("gray", "Gray target"),\n'
        f"{outputs}"
        '    ui.p("The end of the page.", id="after-fit"),\n'
        ")\n\n\n"
        "def server(input, output, session):\n"
        f"{textwrap.indent(body, '    ')}\n\n"
        "app = App(app_ui, server)\n"
    )


class OutputWidget(WidgetView):
    """The tokenheat widget in one Shiny output, found by the output's id."""

    def __init__(self, page, output_id: str) -> None:
        self.page = page
        self.root = page.locator(f"#{output_id} .tokenheat")
        self.cells = self.root.locator(".tokenheat-cells")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("shiny")
    root = tmp / "root"
    root.mkdir()
    (root / APP).write_text(app_source())
    port = free_port()
    cmd = [sys.executable, "-m", "shiny", "run", "--host=127.0.0.1", f"--port={port}", APP]
    with driver.running_server(cmd, port=port, root=root, ready_path="/") as s:
        yield s


@pytest.fixture(scope="module")
def opened(browser, server):
    """The app open in the browser, every widget drawn; (page, watch)."""
    with host_page(browser, "shiny", server) as (page, seen):
        page.goto(server.url + "/", timeout=180_000)
        driver.wait_for_widgets(page)
        OutputWidget(page, "fit_out").wait_ready(timeout=120_000)
        yield page, seen


@pytest.fixture
def echo(page):
    # the text outputs `view_echo`, `range_echo` show "VIEW [...]", "RANGE [...]"
    return lambda prefix: echoed(page.locator(f"#{prefix.lower()}_echo"), prefix)


class TestShiny(RangeEchoHost):
    pass


def test_button_reaches_the_picture(page) -> None:
    button = page.get_by_role("button", name="Gray target")
    driver.check_python_recolours_target(page, button.click)


def test_default_output_shows_the_whole_figure(page) -> None:
    """The reference figure with no size of its own, in shinywidgets' default output box
    (400 px high, overflow hidden): all of it is seen, and the next element is below it."""
    check_whole_figure(OutputWidget(page, "fit_out").wait_ready(), OUTPUT)


def test_no_console_errors(opened) -> None:
    # Nothing leaves the machine: shinywidgets' loader, ipywidgets' embed manager and
    # anywidget's module are served by the app, tokenheat's module is in the state.
    assert not opened[1].external, opened[1].external
    driver.check_no_errors(opened[1])
