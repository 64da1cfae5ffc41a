"""Time from running a cell to a visible heatmap, tokenheat vs plotly, in real JupyterLab.

For each library and matrix size, a fresh kernel first makes a seeded random matrix
(not timed); then the timed cell imports the library and displays the heatmap. The
clock starts when Shift+Enter is pressed and stops on the first animation frame in
which the heatmap is drawn:

- tokenheat: the widget root reports ``data-ready="true"`` (set after its first
  complete draw, cells included);
- plotly ``FigureWidget(go.Heatmap)``: the heatmap layer's ``<image>`` has its data.

Run: ``make bench`` (or ``python benchmarks/time_to_visible.py --repeat 3``).
Results go to ``benchmarks/results.json``; see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from labdriver import launch_browser, running_lab  # noqa: E402

SETUP = "import numpy as np\nz = np.random.default_rng(0).normal(size=({n}, {n}))"
CELLS = {
    "tokenheat": "from tokenheat import Heatmap\nHeatmap(z)",
    "plotly": "import plotly.graph_objects as go\ngo.FigureWidget(go.Heatmap(z=z))",
}
VISIBLE = {
    "tokenheat": "document.querySelector('.tokenheat[data-ready=\"true\"]')",
    "plotly": "(() => { const im = document.querySelector('.js-plotly-plot .hm image');"
    " return im && (im.getAttribute('href') || im.getAttribute('xlink:href') || '').length > 100;"
    " })()",
}


def write_notebooks(folder: Path, sizes: list[int]) -> None:
    for lib in CELLS:
        for n in sizes:
            nb = nbformat.v4.new_notebook(
                cells=[
                    nbformat.v4.new_code_cell(SETUP.format(n=n)),
                    nbformat.v4.new_code_cell(CELLS[lib]),
                ]
            )
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
            nbformat.write(nb, folder / f"{lib}-{n}.ipynb")


def measure(lab, browser, lib: str, n: int, timeout_s: float, visible: str | None = None) -> float:
    """Seconds from Shift+Enter on the notebook ``{lib}-{n}.ipynb``'s second cell to the
    first animation frame in which ``visible`` (JavaScript, default ``VISIBLE[lib]``)
    holds."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        lab.open(page, f"{lib}-{n}.ipynb")
        lab.run_cell(page, 0, timeout=120_000)  # untimed: make the matrix, start the kernel
        page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-content").click()
        start = page.evaluate("performance.now()")
        page.keyboard.press("Shift+Enter")
        done = page.wait_for_function(
            f"() => ({visible or VISIBLE[lib]}) ? performance.now() : false",
            polling="raf",
            timeout=timeout_s * 1000,
        ).json_value()
        return (done - start) / 1000
    finally:
        context.close()
        lab.shutdown_kernels()


def write_results(out: Path, browser_version: str, results: dict) -> None:
    """Write a run's ``results`` to ``out`` as JSON, with when, where and which versions."""
    out.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}, {browser_version}",
                "versions": {
                    name: metadata.version(name)
                    for name in ("tokenheat", "plotly", "anywidget", "jupyterlab")
                },
                **results,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tokenheat-bench-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        write_notebooks(notebooks, args.sizes)
        results: dict[str, dict[str, list[float]]] = {lib: {} for lib in CELLS}
        with running_lab(notebooks, Path(tmp) / "lab") as lab, sync_playwright() as p:
            browser = launch_browser(p)
            browser_version = f"Chromium {browser.version}"
            for n in args.sizes:
                for _ in range(args.repeat):
                    for lib in CELLS:  # interleaved, so drift hits both alike
                        t = measure(lab, browser, lib, n, args.timeout)
                        results[lib].setdefault(str(n), []).append(t)
                        print(f"{lib:>9} {n:>5}x{n:<5} {t:7.2f} s", flush=True)
            browser.close()

    print("\nmedian seconds from Shift+Enter to visible heatmap")
    print(f"{'size':>11} {'tokenheat':>10} {'plotly':>10} {'plotly/tokenheat':>17}")
    summary = {}
    for n in args.sizes:
        th = statistics.median(results["tokenheat"][str(n)])
        pl = statistics.median(results["plotly"][str(n)])
        summary[str(n)] = {"tokenheat": th, "plotly": pl, "ratio": pl / th}
        print(f"{n:>5}x{n:<5} {th:10.2f} {pl:10.2f} {pl / th:16.1f}x")
    write_results(args.out, browser_version, {"runs": results, "median": summary})


if __name__ == "__main__":
    main()
