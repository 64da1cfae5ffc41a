"""Fixtures for the host tests: one Chromium per session, and for each host module one
offline page (its own browser context) whose console is watched from the first request."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..browser.conftest import ARTIFACTS, shared_browser
from .driver import watch_page

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .driver import Server, Watch


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.hosts)


@pytest.fixture(scope="session")
def browser():
    with shared_browser() as b:  # the one tests/browser uses too, when both run
        yield b


@pytest.fixture
def page(opened):
    """The page of the module's ``opened`` fixture: (page, watch), opened once a module."""
    return opened[0]


@contextmanager
def host_page(browser, name: str, server: Server, **options) -> Iterator[tuple[object, Watch]]:
    """A page in a fresh context (``options``: more of the context's settings), offline
    but for 127.0.0.1, its console watched. At the end its screenshot and the server's log
    are kept under the artifacts folder."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, accept_downloads=True, **options
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    seen = watch_page(page)
    try:
        yield page, seen
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", f"host-{name}")
        try:
            page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
        finally:
            context.close()
            shutil.copy(server.log, ARTIFACTS / f"{stem}-server.log")
