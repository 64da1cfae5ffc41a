"""JupyterLite (Pyodide kernel): the checks of tests/hosts/driver.py on a notebook in a
static JupyterLite site, built offline (``site.py``) and served by ``python -m http.server``.

The whole kernel runs in the browser: the notebook's first cell installs tokenheat with
piplite (``%pip install``, from the site's own index), numpy and Pillow are Pyodide's own
wheels served by the site. Python is reached after display by running a new cell, as in
JupyterLab, whose DOM JupyterLite shares.
"""

from __future__ import annotations

import sys

import pytest

from ..browser.conftest import code_notebook
from ..browser.labdriver import Lab, free_port
from ..hosts import driver
from ..hosts.suites import CellHost, ask_in_cells
from .conftest import lite_page
from .site import build_site

NOTEBOOK = "hosts.ipynb"
# driver.SETUP reads the reference figure from a path on this machine; the kernel's file
# system is the browser's, so the notebook carries the JSON itself.
READ_REFERENCE = f"open({str(driver.REFERENCE_JSON)!r}).read()"


def lite_notebook():
    assert READ_REFERENCE in driver.SETUP
    setup = driver.SETUP.replace(READ_REFERENCE, repr(driver.REFERENCE_JSON.read_text()))
    nb = code_notebook("%pip install tokenheat", setup, *driver.SHOWN)
    nb.metadata["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)"}
    return nb


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    cache = request.config.cache.mkdir("tokenheat-jupyterlite")
    tmp = tmp_path_factory.mktemp("jupyterlite")
    site = build_site(cache, tmp, {NOTEBOOK: lite_notebook()})
    port = free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with driver.running_server(cmd, port=port, root=site, ready_path="/index.html") as s:
        yield s


@pytest.fixture(scope="module")
def lab(server) -> Lab:
    """labdriver's cell helpers (the same DOM) on the site."""
    return Lab(server.root, int(server.url.rsplit(":", 1)[1]), server.proc, server.log)


@pytest.fixture(scope="module")
def opened(browser, server, lab):
    """The notebook open in JupyterLite with every cell run; (page, watch)."""
    with lite_page(browser, server) as (page, seen):
        page.goto(f"{server.url}/lab/index.html?path={NOTEBOOK}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
        lab.run_all(page)
        # Pyodide's start and piplite's installs: a minute or so
        driver.wait_for_widgets(page, timeout=300_000)
        yield page, seen


@pytest.fixture
def py(lab, page):
    return ask_in_cells(lab, page)


class TestJupyterLite(CellHost):
    pass


def test_runs_in_pyodide(py) -> None:
    # numpy is Pyodide's (wasm) build, tokenheat the wheel piplite installed from the site
    where = py("(__import__('sys').platform, np.__version__, tokenheat._data.__file__)")
    assert where[0] == "emscripten", where
    assert where[2].startswith("/lib/python3.12/site-packages/tokenheat/"), where


def test_no_console_errors(opened) -> None:
    assert not opened[1].external, opened[1].external
    driver.check_no_errors(opened[1])
