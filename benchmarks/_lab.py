"""What the grid benchmarks share: grids of panels written as notebooks, and a Playwright
driver that is started again after a run kills it.

``grid_time_to_visible.py`` and ``frames.py`` both show an R x C grid of n x n panels in
JupyterLab, tokenheat beside plotly ``make_subplots``, and both must live through plotly
runs whose widget state is too big for the Playwright driver (it gets a copy of every
websocket frame and dies of it), so that the runs after them are still measured.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from labdriver import launch_browser  # noqa: E402

_GRID_SETUP = (
    "import numpy as np\n"
    "z = np.random.default_rng(0).normal(size=({r}, {c}, {n}, {n})).astype(np.float32)"
)
_GRID_CELLS = {
    "tokenheat": "from tokenheat import Heatmap\nHeatmap(z)",
    # one colour axis, so that every panel has the same colour scale, as tokenheat's do
    "plotly": (
        "import plotly.graph_objects as go\n"
        "from plotly.subplots import make_subplots\n"
        "fig = make_subplots(rows={r}, cols={c},\n"
        "                    horizontal_spacing=0.004, vertical_spacing=0.004)\n"
        "for i in range({r}):\n"
        "    for j in range({c}):\n"
        "        fig.add_trace(go.Heatmap(z=z[i, j], coloraxis='coloraxis'),\n"
        "                      row=i + 1, col=j + 1)\n"
        "fig.update_layout(height=900, width=900)\n"
        "fig.update_xaxes(visible=False)\n"
        "fig.update_yaxes(visible=False)\n"
        "go.FigureWidget(fig)"
    ),
}
_GRID_VISIBLE = {
    "tokenheat": "document.querySelector('.tokenheat[data-ready=\"true\"]')",
    # every trace's heatmap <image> holds its picture
    "plotly": "(() => { const ims = document.querySelectorAll('.js-plotly-plot .hm image');"
    " return ims.length === {panels} && [...ims].every((im) =>"
    " (im.getAttribute('href') || im.getAttribute('xlink:href') || '').length > 100);"
    " })()",
}


@dataclass(frozen=True)
class Grid:
    """An R x C grid of n x n panels (seeded normal random float32, shape (R, C, n, n)),
    named ``RxCxn`` on the command line, in file names and in the results."""

    rows: int
    cols: int
    n: int

    @classmethod
    def parse(cls, text: str) -> Grid:
        parts = text.lower().split("x")
        if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
            raise ValueError(f"a grid is ROWSxCOLSxN (e.g. 12x12x128), got {text!r}")
        return cls(*(int(p) for p in parts))

    @property
    def key(self) -> str:
        return f"{self.rows}x{self.cols}x{self.n}"

    @property
    def panels(self) -> int:
        return self.rows * self.cols

    def __str__(self) -> str:
        return f"{self.rows}x{self.cols} of {self.n}x{self.n}"

    def cells(self, lib: str) -> list[str]:
        """The notebook's two cells: make the stack (untimed), then show it with ``lib``."""
        setup = _GRID_SETUP.format(r=self.rows, c=self.cols, n=self.n)
        return [setup, _GRID_CELLS[lib].format(r=self.rows, c=self.cols)]

    def visible(self, lib: str) -> str:
        """JavaScript that is true once every panel of ``lib``'s grid is drawn."""
        return _GRID_VISIBLE[lib].replace("{panels}", str(self.panels))


def grid_argument(text: str) -> Grid:
    """A grid from the command line (argparse shows this error's message, not a
    ValueError's)."""
    try:
        return Grid.parse(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def compile_as_installed() -> None:
    """Compile tokenheat's modules to bytecode, as installing its wheel does (pip compiles
    every module it installs). Kernels of this editable checkout would otherwise compile
    them from source on every import when ``PYTHONDONTWRITEBYTECODE`` is set (it is on the
    development machine): about 20 ms of the timed cell that no installed copy pays, and
    that plotly, installed from a wheel, does not pay either."""
    import tokenheat

    compileall.compile_dir(Path(tokenheat.__file__).parent, quiet=1)


def wait_quiet(idle: float = 0.85, window: float = 0.25, timeout: float = 20.0) -> float:
    """Wait until the machine's processors were idle for at least ``idle`` of a ``window``
    (seconds), or ``timeout`` passed; returns the seconds waited. Called before each timed
    run, so that what a run measures is its own work, not what the run before it left
    behind (a closed page's teardown, a kernel shutting down, JupyterLab still settling
    after opening a notebook): the same for every library. Reads ``/proc/stat`` (Linux);
    elsewhere it returns at once."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return 0.0

    def times() -> tuple[int, int]:
        fields = [int(x) for x in stat.read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields[3:5]), sum(fields)  # idle + iowait, all

    start = time.monotonic()
    while time.monotonic() - start < timeout:
        idle0, all0 = times()
        time.sleep(window)
        idle1, all1 = times()
        if all1 > all0 and (idle1 - idle0) / (all1 - all0) >= idle:
            break
    return time.monotonic() - start


def matrix_shape(size: str) -> tuple[int, int]:
    """Rows and columns of a single matrix's size, named ``N`` or ``RxC``."""
    rows, _, cols = size.partition("x")
    return int(rows), int(cols or rows)


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code ``cells`` on the python3 kernel."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


class Driver:
    """Playwright's driver and one Chromium, started again after a run kills either.

    A kernel message too big for the driver (plotly's JSON at 12 x 12 of 512 x 512) makes
    it print a Node error on its stderr and exit; the browser goes with it. Playwright
    hands the driver the file descriptor of ``sys.stderr``, so while starting it that
    points at ``log``, where the reason can be read back after a failed run.
    """

    def __init__(self, log: Path) -> None:
        self.log = log
        self.version = "Chromium (not started)"
        self._manager = None
        self._browser: Browser | None = None

    def browser(self) -> Browser:
        if self._browser is None:
            self._manager = sync_playwright()
            saved = sys.stderr
            try:
                with self.log.open("a") as sys.stderr:
                    playwright = self._manager.start()
            finally:
                sys.stderr = saved
            self._browser = launch_browser(playwright)
            self.version = f"Chromium {self._browser.version}"
        return self._browser

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def why_failed(self, exc: Exception, timed_out: str, log_from: int) -> str:
        """A short reason for a failed run: ``exc`` is a Playwright error, or the
        AssertionError of its ``expect`` (a cell that did not finish), ``timed_out`` the
        reason when a wait ran out of time. Stops the driver and browser if they are gone
        (the next run starts new ones)."""
        with self.log.open("rb") as f:
            f.seek(log_from)
            said = f.read().decode(errors="replace")
        if said.strip():
            print(said, end="", file=sys.stderr, flush=True)
        lines = [line.strip() for line in said.splitlines()]
        errors = [line for line in lines if "Error" in line]
        # Node's report of running out of memory names the cause on its "FATAL ERROR"
        # line; the last line with "Error" in it is then a line of the stack
        crashed = [line for line in lines if line.startswith("FATAL ERROR")] or errors
        if crashed or not self._alive():
            self.stop()
            if crashed:
                what = " (message too large)" if "ERR_STRING_TOO_LONG" in said else ""
                return f"Playwright driver crashed{what}: {crashed[-1][:160]}"
            return f"browser or driver gone: {str(exc).splitlines()[0][:160]}"
        if "Target crashed" in str(exc):  # Chromium's renderer of the page died
            return "the page crashed (Target crashed)"
        if isinstance(exc, (PlaywrightTimeoutError, AssertionError)):
            return timed_out
        return str(exc).splitlines()[0][:200]

    def _alive(self) -> bool:
        # Browser.is_connected() still says True when the driver has died: ask the browser
        try:
            self.browser().new_context().close()
            return True
        except PlaywrightError:
            return False

    def stop(self) -> None:
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                self._browser.close()
        if self._manager is not None:
            self._manager.__exit__(None, None, None)
        self._browser = self._manager = None
