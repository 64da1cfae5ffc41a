"""Voilà (`voila nb.ipynb`): the checks of ``driver.py`` on the rendered notebook.

Voilà runs the whole notebook before it shows anything, and offers no way to run code
after: Python is reached only through widget callbacks. So "Python sees the view" is a
`view` observer writing into a Label, and "a change from Python reaches the picture" is a
`selection` observer that recolours the target widget when one of its cells is clicked.
"""

from __future__ import annotations

import sys

import pytest

from ..browser.conftest import code_notebook
from ..browser.labdriver import free_port
from . import driver
from .conftest import host_page
from .suites import EchoHost, echoed

NOTEBOOK = "hosts.ipynb"
CALLBACKS = """\
import ipywidgets
echo = ipywidgets.Label(value="VIEW none")
zoom.observe(lambda change: setattr(echo, "value", f"VIEW {list(change['new'])}"), "view")

def on_select(change):
    if change["new"] is not None:
        target.cmap = "gray"

target.observe(on_select, "selection")
echo"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import nbformat

    tmp = tmp_path_factory.mktemp("voila")
    root = tmp / "root"
    root.mkdir()
    nbformat.write(code_notebook(driver.SETUP, CALLBACKS, *driver.SHOWN), root / NOTEBOOK)
    port = free_port()
    cmd = [
        sys.executable, "-m", "voila", NOTEBOOK, "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--show_tracebacks=True",
    ]  # fmt: skip
    env = {"JUPYTER_CONFIG_DIR": str(tmp / "config")}
    with driver.running_server(cmd, port=port, root=root, ready_path=None, env=env) as s:
        yield s


@pytest.fixture(scope="module")
def opened(browser, server):
    """The notebook rendered by Voilà; (page, watch)."""
    with host_page(browser, "voila", server) as (page, seen):
        page.goto(server.url + "/", timeout=180_000)
        driver.wait_for_widgets(page)
        yield page, seen


@pytest.fixture
def echo(page):
    return lambda prefix: echoed(page.locator(".widget-label", has_text=prefix), prefix)


class TestVoila(EchoHost):
    pass


def test_python_callback_reaches_the_picture(page) -> None:
    driver.check_python_recolours_target(page, lambda: driver.select_target_cell(page))


# Voilà's page loads every installed JupyterLab extension. Two installed for the other
# host tests fail to load there, now and then, on any page (not ours): Notebook 7's
# (`notebook`) and Panel's (`@pyviz/jupyterlab_pyviz`, asking for @jupyterlab/docmanager).
HOST_ERRORS = (
    r"(?s)Error: The getter for the shared module is not a function\. .*#RUNTIME-012\n"
    r".*\n\s+at http://127\.0\.0\.1:\d+/voila/labextensions/@jupyter-notebook/lab-extension/",
    r"(?s)Error: Shared module @jupyterlab/docmanager doesn't exist in shared scope default\n"
    r"\s+at \S+ \(http://127\.0\.0\.1:\d+/voila/labextensions/@pyviz/jupyterlab_pyviz/",
)


def test_no_console_errors(opened) -> None:
    # Voilà's page asks a CDN for Font Awesome (aborted here: offline); nothing else leaves.
    assert all("fontawesome" in url for url in opened[1].external), opened[1].external
    driver.check_no_errors(opened[1], HOST_ERRORS)
