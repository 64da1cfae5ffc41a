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

A run that does not finish within ``--timeout`` seconds (or whose kernel or page fails)
is recorded as a failure with its reason.

Run: ``make bench`` (or ``python benchmarks/grid_time_to_visible.py --repeat 3``).
Results go to ``benchmarks/grid_results.json``; see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 512])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "grid_results.json")
    args = parser.parse_args()

    visible = {lib: js.replace("{panels}", str(GRID * GRID)) for lib, js in VISIBLE.items()}
    results: dict[str, dict[str, list[float | str]]] = {lib: {} for lib in CELLS}
    with tempfile.TemporaryDirectory(prefix="tokenheat-bench-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        write_notebooks(notebooks, args.sizes)
        with running_lab(notebooks, Path(tmp) / "lab") as lab, sync_playwright() as p:
            browser = launch_browser(p)
            browser_version = f"Chromium {browser.version}"
            for n in args.sizes:
                for _ in range(args.repeat):
                    for lib in CELLS:  # interleaved, so drift hits both alike
                        try:
                            t: float | str = measure(
                                lab, browser, lib, n, args.timeout, visible[lib]
                            )
                            shown = f"{t:7.2f} s"
                        except PlaywrightError as exc:  # a timeout or a crashed page
                            t = f"failed: {str(exc).splitlines()[0][:200]}"
                            shown = t
                        results[lib].setdefault(str(n), []).append(t)
                        print(f"{lib:>9} {GRID}x{GRID} of {n}x{n}: {shown}", flush=True)
            browser.close()

    def median(runs: list[float | str]) -> float | None:
        times = [t for t in runs if isinstance(t, float)]
        return statistics.median(times) if len(times) == len(runs) else None

    print(f"\nmedian seconds from Shift+Enter to a visible {GRID}x{GRID} grid")
    summary = {}
    for n in args.sizes:
        th, pl = median(results["tokenheat"][str(n)]), median(results["plotly"][str(n)])
        ratio = pl / th if th and pl else None
        summary[str(n)] = {"tokenheat": th, "plotly": pl, "ratio": ratio}
        cells = f"{GRID}x{GRID} of {n}x{n}"
        print(f"{cells:>18}  tokenheat {th}  plotly {pl}  ratio {ratio}")
    write_results(
        args.out,
        browser_version,
        {"timeout_s": args.timeout, "runs": results, "median": summary},
    )


if __name__ == "__main__":
    main()
