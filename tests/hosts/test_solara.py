"""Solara (`solara run app.py`): the checks of ``driver.py`` on an app whose page shows
each widget with ``solara.display``.

Solara runs an app's module once, outside any session: widgets made at module level
belong to no browser's kernel and show "Loading widget..." for ever. So the app builds
them per session, in ``solara.use_memo``. Python after display is reached the Solara way:
an observer of the zoomed widget's ``view`` sets a ``solara.reactive`` that the page
shows as text, and a Solara button turns the target widget gray.

Offline: Solara's page takes its front end (Vuetify app, RequireJS, fonts) from a CDN,
through its own server, which serves the copy the ``solara-assets`` package installs
(``<prefix>/share/solara/cdn``) and fetches anything missing from jsDelivr. The server
also asks PyPI for a newer version (``--no-check-version`` stops it), sends telemetry
(``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false``), and in development mode the page loads
solara.dev "check" iframes (``--production`` stops them; Solara also skips them while
``PYTEST_CURRENT_TEST`` is set, as it is in the server's environment here). The
server's own requests go to a refusing proxy (``outbound.py``); the test asserts there
were none.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from ..browser.labdriver import free_port
from . import driver
from .conftest import host_page
from .outbound import refusing_proxy
from .suites import EchoHost, text_echo

APP = "hosts_app.py"


def app_source() -> str:
    names = ", ".join(driver.SHOWN)
    return f"""\
import solara

view_text = solara.reactive("VIEW none")


def widgets():
{textwrap.indent(driver.SETUP, "    ")}
    zoom.observe(lambda change: view_text.set(f"VIEW {{list(change['new'])}}"), "view")
    return {names}


@solara.component
def ViewEcho():
    solara.Text(view_text.value)


@solara.component
def Page():
    {names} = solara.use_memo(widgets, dependencies=[])
    ViewEcho()
    solara.Button("gray target", on_click=lambda: setattr(target, "cmap", "gray"))
    for shown in ({names}):
        solara.display(shown)
"""


@pytest.fixture(scope="module")
def outbound():
    with refusing_proxy() as proxy:
        yield proxy


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, outbound):
    tmp = tmp_path_factory.mktemp("solara")
    root = tmp / "root"
    root.mkdir()
    (root / APP).write_text(app_source())
    port = free_port()
    cmd = [
        sys.executable, "-m", "solara", "run", APP, "--host=127.0.0.1", f"--port={port}",
        "--no-open", "--production", "--no-check-version",
    ]  # fmt: skip
    env = {
        **outbound.env,
        "SOLARA_HOME": str(tmp / "solara-home"),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        # serve the CDN's files from solara-assets' copy (the default but in Voilà,
        # Colab and VS Code, where Solara itself falls back to the CDN)
        "SOLARA_ASSETS_PROXY": "true",
        # "This website runs on Solara", fixed at the bottom right, over the widgets
        "SOLARA_THEME_SHOW_BANNER": "false",
    }
    with driver.running_server(cmd, port=port, root=root, ready_path="/readyz", env=env) as s:
        yield s


@pytest.fixture(scope="module")
def opened(browser, server, outbound):
    """The app open in Solara; (page, watch)."""
    with host_page(browser, "solara", server) as (page, seen):
        page.goto(server.url + "/", timeout=180_000)
        try:
            driver.wait_for_widgets(page)
        except Exception:
            # the usual cause: a file solara-assets lacks, asked of the CDN and refused
            print("the server's requests off the machine:", outbound.requests)
            raise
        yield page, seen


@pytest.fixture
def echo(page):
    return text_echo(page)


class TestSolara(EchoHost):
    pass


def test_button_reaches_the_picture(page) -> None:
    button = page.get_by_role("button", name="gray target")
    driver.check_python_recolours_target(page, button.click)


def test_no_console_errors(opened) -> None:
    assert not opened[1].external, opened[1].external
    driver.check_no_errors(opened[1])


def test_server_fetched_nothing(opened, outbound) -> None:
    assert not outbound.requests, outbound.requests
