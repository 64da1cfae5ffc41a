"""Jupyter Notebook 7 (`jupyter notebook`, same output DOM as JupyterLab): the checks of
``driver.py`` on one notebook; Python is reached after display by running a new cell."""

from __future__ import annotations

import json
import sys

import pytest

from ..browser.conftest import code_notebook
from ..browser.labdriver import Lab, free_port
from . import driver
from .conftest import host_page
from .suites import CellHost, ask_in_cells

NOTEBOOK = "hosts.ipynb"

# Notebook 7.6's own start-up throws this on every notebook, one with only `print(1)` and
# no widget included (notebook_core.js, loading the settings): not ours.
HOST_ERRORS = (
    r"TypeError: Cannot read properties of undefined \(reading 'schema'\)"
    r"(\n\s+at (.*/static/notebook/notebook_core\.\w+\.js\S*|async Promise\.all \(index \d+\)))+$",
)


class Notebook7(Lab):
    """labdriver's cell helpers (the same DOM) on a Notebook 7 server."""

    def open(self, page, notebook: str, *, timeout: float = 120_000) -> None:
        page.goto(f"{self.url}/notebooks/{notebook}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=timeout)
        page.wait_for_selector(
            '.jp-Notebook-ExecutionIndicator[data-status="idle"]',
            state="attached",
            timeout=timeout,
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import nbformat

    tmp = tmp_path_factory.mktemp("notebook7")
    root = tmp / "root"
    root.mkdir()
    nbformat.write(code_notebook(driver.SETUP, *driver.SHOWN), root / NOTEBOOK)
    # A fresh config: no news toast, every cell kept in the DOM (no virtual scrolling).
    config = tmp / "config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    tracker = settings / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyter", "notebook", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}", "--allow-root", "--ServerApp.disable_check_xsrf=True",
        "--JupyterNotebookApp.news_url=",
    ]  # fmt: skip
    env = {
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
    }
    with driver.running_server(cmd, port=port, root=root, ready_path="/api/status", env=env) as s:
        yield s


@pytest.fixture(scope="module")
def nb(server) -> Notebook7:
    return Notebook7(server.root, int(server.url.rsplit(":", 1)[1]), server.proc, server.log)


@pytest.fixture(scope="module")
def opened(browser, server, nb):
    """The notebook open in Notebook 7 with every cell run; (page, watch)."""
    with host_page(browser, "notebook7", server) as (page, seen):
        nb.open(page, NOTEBOOK)
        nb.run_all(page)
        driver.wait_for_widgets(page)
        yield page, seen


@pytest.fixture
def py(nb, page):
    return ask_in_cells(nb, page)


class TestNotebook7(CellHost):
    pass


def test_no_console_errors(opened) -> None:
    driver.check_no_errors(opened[1], HOST_ERRORS)
