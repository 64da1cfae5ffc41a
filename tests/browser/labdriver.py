"""Drive real JupyterLab in headless Chromium (used by the browser tests and benchmarks).

The recipe follows ../shared/E2E.md: a JupyterLab server bound to 127.0.0.1 with a
fresh config (no news toast), Debian's Chromium (or $TOKENHEAT_BROWSER) launched by
Playwright, one workspace per opened notebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
]


def browser_executable() -> str | None:
    """$TOKENHEAT_BROWSER, else a system Chromium/Chrome, else Playwright's own (None)."""
    if os.environ.get("TOKENHEAT_BROWSER"):
        return os.environ["TOKENHEAT_BROWSER"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(
    cmd: list[str],
    *,
    name: str,
    log: Path,
    env: dict[str, str],
    ready: Callable[[], object],
    cwd: Path | None = None,
    timeout: float = 60,
) -> Iterator[subprocess.Popen]:
    """Run a server ``cmd`` with its output in ``log``; return once ``ready()`` stops
    raising OSError (it polls the server); stop that process, and only it, at the end."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{log.read_text(errors='replace')}")
            try:
                ready()
                break
            except OSError:
                if time.monotonic() > deadline:
                    text = log.read_text(errors="replace")
                    raise RuntimeError(f"{name} did not start:\n{text}") from None
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Lab:
    """A running JupyterLab server whose root is a temporary copy of some notebooks."""

    def __init__(self, root: Path, port: int, proc: subprocess.Popen, log: Path) -> None:
        self.root, self.port, self.proc, self.log = root, port, proc, log
        self.url = f"http://127.0.0.1:{port}"

    def open(self, page: Page, notebook: str, *, timeout: float = 60_000) -> None:
        """Open a notebook in its own workspace and wait until its kernel is idle."""
        page.goto(f"{self.url}/lab/workspaces/{uuid.uuid4().hex}/tree/{notebook}?reset")
        page.wait_for_selector(
            '.jp-Notebook-ExecutionIndicator[data-status="idle"]',
            state="attached",
            timeout=timeout,
        )
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=timeout)

    def shutdown_kernels(self) -> None:
        """End every session and kernel, so the next opened notebook starts a fresh one."""
        for kind in ("sessions", "kernels"):
            with urllib.request.urlopen(f"{self.url}/api/{kind}", timeout=10) as response:
                items = json.load(response)
            for item in items:
                url = f"{self.url}/api/{kind}/{item['id']}"
                request = urllib.request.Request(url, method="DELETE")
                urllib.request.urlopen(request, timeout=30).close()

    def run_all(self, page: Page) -> None:
        """Run every cell through the Run menu (after focusing the notebook)."""

        def run_all_cells() -> None:
            page.locator(".jp-Notebook .jp-Cell .jp-InputArea-prompt").first.click()
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        first_code = page.locator(".jp-Notebook .jp-CodeCell").first
        self._until_queued(page, first_code, run_all_cells)

    def run_code(self, page: Page, code: str, *, timeout: float = 60_000, wait: bool = True) -> str:
        """Append a code cell at the end, run it and return its output text (with
        ``wait=False``: return as soon as it is running, with no output)."""
        cells = page.locator(".jp-Notebook .jp-Cell")
        before = cells.count()
        cells.last.locator(".jp-InputArea-prompt").click()  # select without editing
        # The click leaves focus where it was when that is in an output (a widget's button
        # just clicked, say), and a focused widget keeps its keys from the notebook's
        # shortcuts: then focus the cell itself.
        cells.last.evaluate("c => document.activeElement?.closest('.jp-OutputArea') && c.focus()")
        page.keyboard.press("Escape")
        page.keyboard.press("b")  # insert a cell below, in command mode
        cells.nth(before).wait_for(timeout=timeout)
        new = cells.nth(before)
        new.locator(".cm-content").click()
        page.keyboard.insert_text(code)
        page.keyboard.press("Shift+Enter")
        if not wait:
            page.wait_for_function(
                "el => /\\[(\\*|\\d+)\\]/.test(el.textContent)",
                arg=new.locator(".jp-InputArea-prompt").element_handle(),
                timeout=timeout,
            )
            return ""
        self.wait_executed(new, timeout=timeout)
        return new.locator(".jp-OutputArea").inner_text()

    def run_cell(self, page: Page, index: int, *, timeout: float = 60_000) -> None:
        """Run one existing cell and wait until it has finished."""
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        self._until_queued(page, cell, lambda: self._shift_enter(page, cell))
        self.wait_executed(cell, timeout=timeout)

    @staticmethod
    def _shift_enter(page: Page, cell) -> None:
        cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")

    @staticmethod
    def accept_kernel_dialog(page: Page) -> None:
        """Accept a "Select Kernel" dialog if JupyterLab shows one (its choice is the
        notebook's own kernel). A heavily loaded server can answer the kernel specs late
        when a notebook opens; JupyterLab then asks, and the dialog takes every click."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
        # (on a loaded machine a click can come before the dialog takes it: click again)
        deadline = time.monotonic() + 30
        while dialog.count() and dialog.first.is_visible():
            try:
                dialog.first.locator(".jp-mod-accept").click(timeout=5_000)
                dialog.first.wait_for(state="detached", timeout=5_000)
            except PlaywrightTimeoutError:
                if time.monotonic() > deadline:
                    raise

    @staticmethod
    def _until_queued(page: Page, cell, action, attempts: int = 3) -> None:
        """Do ``action`` until ``cell`` is queued or running ("[*]") or has run ("[n]").

        Right after a notebook opens, a click or key press can land before the notebook
        is current and do nothing; so check, and try again.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        prompt = cell.locator(".jp-InputArea-prompt")
        for attempt in range(attempts):
            Lab.accept_kernel_dialog(page)
            action()
            try:
                page.wait_for_function(
                    "el => /\\[(\\*|\\d+)\\]/.test(el.textContent)",
                    arg=prompt.element_handle(),
                    timeout=10_000,
                )
                return
            except PlaywrightTimeout:
                if attempt == attempts - 1:
                    raise

    @staticmethod
    def wait_executed(cell, *, timeout: float = 60_000) -> None:
        """Wait until a cell's prompt shows an execution count ("[3]:", not "[*]:")."""
        from playwright.sync_api import expect

        prompt = cell.locator(".jp-InputArea-prompt")
        expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=timeout)


@contextmanager
def running_lab(notebooks: Path, workdir: Path | None = None) -> Iterator[Lab]:
    """Start JupyterLab on a free port over a copy of ``notebooks``; stop it after."""
    tmp = Path(workdir or tempfile.mkdtemp(prefix="tokenheat-lab-"))
    root = tmp / "root"
    shutil.copytree(notebooks, root, dirs_exist_ok=True)
    config = tmp / "config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    # Token and XSRF checks are off: the server listens on 127.0.0.1 only, for tests.
    # Keep every cell in the DOM (no virtual scrolling), so that tests can find all
    # outputs; and use throw-away settings and workspaces.
    settings = tmp / "settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    port = free_port()
    log = tmp / "jupyter.log"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ANYWIDGET_HMR", None)
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}", "--allow-root", "--ServerApp.disable_check_xsrf=True",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip

    def ready() -> None:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=1).close()

    with serving(cmd, name="JupyterLab", log=log, env=env, ready=ready) as proc:
        yield Lab(root, port, proc, log)


def launch_browser(playwright) -> Browser:
    return playwright.chromium.launch(executable_path=browser_executable(), args=CHROMIUM_ARGS)
