"""Time from running a cell to a visible grid of heatmaps (attention heads), tokenheat vs
plotly ``make_subplots``, in real JupyterLab.

The same method as ``time_to_visible.py``: a fresh kernel first makes a seeded random
stack of shape (R, C, n, n) (not timed); the timed cell imports the library and shows
the grid. The clock starts when Shift+Enter is pressed and stops on the first animation
frame in which every panel is drawn:

- tokenheat: ``Heatmap(z)`` (one widget, one WebGL context); the widget root reports
  ``data-ready="true"`` after its first complete draw;
- plotly: a ``FigureWidget`` of ``make_subplots(R, C)`` with R * C ``go.Heatmap`` traces
  sharing one colour axis; every trace's ``<image>`` has its data.

A run that is not visible within ``--timeout`` seconds, or whose page, browser or
Playwright driver dies (plotly's message at 12 x 12 of 512 x 512 is too large for the
driver), is recorded as a failure with its reason, and the next run starts a new driver
and browser when needed. A median counts a failed run as slower than any other, so it is
reported as failed when at least half of the runs failed. The results file is always
written.

Run: ``python benchmarks/grid_time_to_visible.py --repeat 3`` (``--grids 12x12x128
12x12x512 32x32x256``: rows x columns of panels x panel side; plotly comes with
``pip install -e ".[bench]"``). Results go to ``benchmarks/grid_results.json``; see
``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _lab import Driver, Grid, compile_as_installed, grid_argument, write_notebook  # noqa: E402
from labdriver import running_lab  # noqa: E402
from time_to_visible import measure, write_results  # noqa: E402

LIBS = ("tokenheat", "plotly")


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
        "--grids",
        type=grid_argument,
        nargs="+",
        default=[Grid(12, 12, 128), Grid(12, 12, 512), Grid(32, 32, 256)],
        help="grids ROWSxCOLSxN: ROWS x COLS panels of N x N (default 12x12x128 "
        "12x12x512 32x32x256)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per library and grid")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "grid_results.json")
    args = parser.parse_args()

    results: dict[str, dict[str, list[float | str]]] = {lib: {} for lib in LIBS}
    # the 1-minute load average after each run: this machine may be shared
    loads: dict[str, dict[str, list[float]]] = {lib: {} for lib in LIBS}
    compile_as_installed()
    with tempfile.TemporaryDirectory(prefix="tokenheat-bench-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        for grid in args.grids:
            for lib in LIBS:
                write_notebook(notebooks / f"{lib}-{grid.key}.ipynb", grid.cells(lib))
        driver = Driver(Path(tmp) / "driver.log")
        # Whatever happens (a failed lab, Ctrl+C), the runs so far are written.
        try:
            with running_lab(notebooks, Path(tmp) / "lab") as lab:
                for grid in args.grids:
                    for _ in range(args.repeat):
                        for lib in LIBS:  # interleaved, so drift hits both alike
                            log_from = driver.log_size()
                            try:
                                t: float | str = measure(
                                    lab,
                                    driver.browser(),
                                    lib,
                                    grid.key,  # the notebook is {lib}-{key}.ipynb
                                    args.timeout,
                                    grid.visible(lib),
                                )
                                shown = f"{t:7.2f} s"
                            # expect's AssertionError: the setup cell did not finish
                            except (PlaywrightError, AssertionError) as exc:
                                late = f"not visible within {args.timeout:g} s"
                                t = "failed: " + driver.why_failed(exc, late, log_from)
                                shown = t
                                lab.shutdown_kernels()  # measure() may not have got to it
                            load = round(os.getloadavg()[0], 2)
                            results[lib].setdefault(grid.key, []).append(t)
                            loads[lib].setdefault(grid.key, []).append(load)
                            print(f"{lib:>9} {grid}: {shown} (load {load})", flush=True)
        finally:
            summary = {}
            print("\nmedian seconds from Shift+Enter to a visible grid")
            for grid in args.grids:
                th, pl = (median(results[lib].get(grid.key, [])) for lib in LIBS)
                ratio = pl / th if th and pl else None
                summary[grid.key] = {"tokenheat": th, "plotly": pl, "ratio": ratio}
                print(
                    f"{grid}: tokenheat {_shown(th)}  plotly {_shown(pl)}"
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
