"""Time from running a cell to a visible 12 x 12 grid of heatmaps (attention heads),
tokenheat vs plotly ``make_subplots``, in real JupyterLab.

The same method as ``time_to_visible.py``: a fresh kernel first makes a seeded random
stack of shape (12, 12, n, n) (not timed); the timed cell imports the library and shows
the grid. The clock starts when Shift+Enter is pressed and stops on the first animation
frame in which every panel is drawn:

- tokenheat: ``Heatmap(z)`` (one widget, one WebGL context); the widget root reports
  ``data-ready="true"`` after its first complete draw;
- plotly: a ``FigureWidget`` of ``make_subplots(12, 12)`` with 144 ``go.Heatmap`` traces
  sharing one colour axis; every trace's ``<image>`` has its data.

A run that is not visible within ``--timeout`` seconds, or whose page, browser or
Playwright driver dies (plotly's message at 512 x 512 is too large for the driver), is
recorded as a failure with its reason, and the next run starts a new driver and browser
when needed. A median counts a failed run as slower than any other, so it is reported
as failed when at least half of the runs failed. The results file is always written.

Run: ``python benchmarks/grid_time_to_visible.py --repeat 3`` (plotly comes with
``pip install -e ".[bench]"``). Results go to ``benchmarks/grid_results.json``; see
``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import sys
import tempfile
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
sys.path.insert(0, str(ROOT / "benchmarks"))
from labdriver import launch_browser, running_lab  # noqa: E402
from time_to_visible import measure, write_results  # noqa: E402

GRID = 12
SETUP = (
    "import numpy as np\n"
    "z = np.random.default_rng(0).normal(size=({g}, {g}, {n}, {n})).astype(np.float32)"
)
CELLS = {
    "tokenheat": "from tokenheat import Heatmap\nHeatmap(z)",
    "plotly": (
        "import plotly.graph_objects as go\n"
        "from plotly.subplots import make_subplots\n"
        "fig = make_subplots(rows={g}, cols={g},\n"
        "                    horizontal_spacing=0.004, vertical_spacing=0.004)\n"
        "for i in range({g}):\n"
        "    for j in range({g}):\n"
        "        fig.add_trace(go.Heatmap(z=z[i, j], coloraxis='coloraxis'),\n"
        "                      row=i + 1, col=j + 1)\n"
        "fig.update_layout(height=900, width=900)\n"
        "fig.update_xaxes(visible=False)\n"
        "fig.update_yaxes(visible=False)\n"
        "go.FigureWidget(fig)"
    ),
}
VISIBLE = {
    "tokenheat": "document.querySelector('.tokenheat[data-ready=\"true\"]')",
    "plotly": "(() => { const ims = document.querySelectorAll('.js-plotly-plot .hm image');"
    " return ims.length === {panels} && [...ims].every((im) =>"
    " (im.getAttribute('href') || im.getAttribute('xlink:href') || '').length > 100);"
    " })()",
}


def write_notebooks(folder: Path, sizes: list[int]) -> None:
    for lib, code in CELLS.items():
        for n in sizes:
            nb = nbformat.v4.new_notebook(
                cells=[
                    nbformat.v4.new_code_cell(SETUP.format(g=GRID, n=n)),
                    nbformat.v4.new_code_cell(code.format(g=GRID)),
                ]
            )
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
            nbformat.write(nb, folder / f"{lib}-{n}.ipynb")


class Driver:
    """Playwright's driver and one Chromium, started again after a run kills either.

    A kernel message too big for the driver (plotly's JSON at 512 x 512) makes it print a
    Node error on its stderr and exit; the browser goes with it. Playwright hands the
    driver the file descriptor of ``sys.stderr``, so while starting it that points at
    ``log``, where the reason can be read back after a failed run.
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

    def why_failed(self, exc: PlaywrightError, timeout_s: float, log_from: int) -> str:
        """A short reason for a failed run; stops the driver and browser if they are gone
        (the next run starts new ones)."""
        with self.log.open("rb") as f:
            f.seek(log_from)
            said = f.read().decode(errors="replace")
        if said.strip():
            print(said, end="", file=sys.stderr, flush=True)
        errors = [line.strip() for line in said.splitlines() if "Error" in line]
        if errors or not self._alive():
            self.stop()
            if errors:
                what = " (message too large)" if "ERR_STRING_TOO_LONG" in said else ""
                return f"Playwright driver crashed{what}: {errors[-1][:160]}"
            return f"browser or driver gone: {str(exc).splitlines()[0][:160]}"
        if isinstance(exc, PlaywrightTimeoutError):
            return f"not visible within {timeout_s:g} s"
        return str(exc).splitlines()[0][:200]  # a crashed page, say

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


def median(runs: list[float | str]) -> float | None:
    """The median time with a failed run counted as slower than any; None when at least
    half of the runs failed (or there were none)."""
    if not runs:
        return None
    m = statistics.median(t if isinstance(t, float) else math.inf for t in runs)
    return None if math.isinf(m) else m


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[128, 512], help="panel sizes n (n x n)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per library and size")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "grid_results.json")
    args = parser.parse_args()

    visible = {lib: js.replace("{panels}", str(GRID * GRID)) for lib, js in VISIBLE.items()}
    results: dict[str, dict[str, list[float | str]]] = {lib: {} for lib in CELLS}
    # the 1-minute load average after each run: this machine may be shared
    loads: dict[str, dict[str, list[float]]] = {lib: {} for lib in CELLS}
    with tempfile.TemporaryDirectory(prefix="tokenheat-bench-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        write_notebooks(notebooks, args.sizes)
        driver = Driver(Path(tmp) / "driver.log")
        # Whatever happens (a failed lab, Ctrl+C), the runs so far are written.
        try:
            with running_lab(notebooks, Path(tmp) / "lab") as lab:
                for n in args.sizes:
                    for _ in range(args.repeat):
                        for lib in CELLS:  # interleaved, so drift hits both alike
                            log_from = driver.log_size()
                            try:
                                t: float | str = measure(
                                    lab, driver.browser(), lib, n, args.timeout, visible[lib]
                                )
                                shown = f"{t:7.2f} s"
                            except PlaywrightError as exc:
                                t = "failed: " + driver.why_failed(exc, args.timeout, log_from)
                                shown = t
                                lab.shutdown_kernels()  # measure() may not have got to it
                            load = round(os.getloadavg()[0], 2)
                            results[lib].setdefault(str(n), []).append(t)
                            loads[lib].setdefault(str(n), []).append(load)
                            print(
                                f"{lib:>9} {GRID}x{GRID} of {n}x{n}: {shown} (load {load})",
                                flush=True,
                            )
        finally:
            summary = {}
            print(f"\nmedian seconds from Shift+Enter to a visible {GRID}x{GRID} grid")
            for n in args.sizes:
                th, pl = (median(results[lib].get(str(n), [])) for lib in ("tokenheat", "plotly"))
                ratio = pl / th if th and pl else None
                summary[str(n)] = {"tokenheat": th, "plotly": pl, "ratio": ratio}
                print(
                    f"{GRID}x{GRID} of {n}x{n}: tokenheat {_shown(th)}  plotly {_shown(pl)}"
                    f"  plotly/tokenheat {'-' if ratio is None else f'{ratio:.1f}x'}"
                )
            write_results(
                args.out,
                driver.version,
                {
                    "timeout_s": args.timeout,
                    "runs": results,
                    "load_1min": loads,
                    "median": summary,
                },
            )
            driver.stop()


def _shown(t: float | None) -> str:
    return "failed" if t is None else f"{t:.2f} s"


if __name__ == "__main__":
    main()
