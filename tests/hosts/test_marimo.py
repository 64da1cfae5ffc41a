"""marimo (`marimo run` and `marimo edit`): the checks of ``driver.py`` on an app that
shows each widget as ``mo.ui.anywidget(...)`` (the view lives in a shadow root).

Python after display is reached the marimo way: cells that read a widget's ``.value``
re-run when the browser changes it. One shows the zoomed widget's ``view``; another turns
the target widget gray once a cell of it is selected.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from ..browser.labdriver import free_port
from . import driver
from .conftest import host_page
from .suites import EchoHost, text_echo

APP = "hosts_app.py"


def marimo_version() -> str:
    import marimo

    return marimo.__version__


def app_source() -> str:
    names = ", ".join(driver.SHOWN)
    cells = [
        f"def _():\n    import marimo as mo\n{textwrap.indent(driver.SETUP, '    ')}\n"
        f"    return mo, {names}"
    ]
    cells += [
        f"def _(mo, {name}):\n    {name}_ui = mo.ui.anywidget({name})\n    {name}_ui\n"
        f"    return ({name}_ui,)"
        for name in driver.SHOWN
    ]
    cells += [
        "def _(mo, zoom_ui):\n    mo.md(f\"VIEW {list(zoom_ui.value['view'])}\")\n    return",
        "def _(target_ui):\n"
        '    if target_ui.value.get("selection") is not None and target_ui.widget.cmap != "gray":\n'
        '        target_ui.widget.cmap = "gray"\n'
        "    return",
    ]
    body = "\n\n\n".join(f"@app.cell\n{cell}" for cell in cells)
    return (
        f'import marimo\n\n__generated_with = "{marimo_version()}"\n'
        f"app = marimo.App()\n\n\n{body}\n\n\n"
        'if __name__ == "__main__":\n    app.run()\n'
    )


@pytest.fixture(scope="module", params=["run", "edit"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    mode = request.param
    tmp = tmp_path_factory.mktemp(f"marimo-{mode}")
    root = tmp / "root"
    root.mkdir()
    (root / APP).write_text(app_source())
    # A fresh user config: `marimo edit` runs the cells when the notebook opens (its
    # default is to wait for "run all").
    config = tmp / "xdg-config" / "marimo"
    config.mkdir(parents=True)
    (config / "marimo.toml").write_text("[runtime]\nauto_instantiate = true\n")
    port = free_port()
    cmd = [
        sys.executable, "-m", "marimo", mode, "--headless", "--host=127.0.0.1",
        f"--port={port}", "--no-token", *(["--skip-update-check"] if mode == "edit" else []),
        APP,
    ]  # fmt: skip
    env = {
        "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
        "XDG_CACHE_HOME": str(tmp / "xdg-cache"),
        "XDG_STATE_HOME": str(tmp / "xdg-state"),
        "MARIMO_SKIP_UPDATE_CHECK": "1",
    }
    with driver.running_server(cmd, port=port, root=root, ready_path="/api/version", env=env) as s:
        s.mode = mode
        yield s


@pytest.fixture(scope="module")
def opened(browser, server):
    """The app open in marimo; (page, watch)."""
    with host_page(browser, f"marimo-{server.mode}", server) as (page, seen):
        page.goto(server.url + "/", timeout=180_000)
        page.locator("marimo-anywidget").first.wait_for(state="attached", timeout=180_000)
        driver.wait_for_widgets(page)
        yield page, seen


@pytest.fixture
def echo(page):
    return text_echo(page)


class TestMarimo(EchoHost):
    pass


def test_dependent_cell_reaches_the_picture(page) -> None:
    driver.check_python_recolours_target(page, lambda: driver.select_target_cell(page))


def test_no_console_errors(opened) -> None:
    assert not opened[1].external, opened[1].external
    driver.check_no_errors(opened[1])
