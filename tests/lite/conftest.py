"""Fixtures for the JupyterLite test: the session's Chromium, and an offline page whose
context blocks service workers. JupyterLite registers one (the site is built with its
manager plugin off, see site.py), and a request that goes through a service worker escapes
Playwright's routing: it could leave the machine unseen (checked: a fetch from the page or
the kernel is then not routed; with service workers blocked both are seen and aborted)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..browser.conftest import shared_browser
from ..hosts.conftest import host_page, page  # noqa: F401 (page: the hosts' fixture)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..hosts.driver import Server, Watch


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with shared_browser() as b:
        yield b


@contextmanager
def lite_page(browser, server: Server) -> Iterator[tuple[object, Watch]]:
    """tests/hosts' ``host_page`` with service workers blocked."""
    with host_page(browser, "jupyterlite", server, service_workers="block") as opened:
        yield opened
