"""Time from running a cell to a visible heatmap, tokenheat vs plotly, in real JupyterLab.

For each library and matrix size, a fresh kernel first makes a seeded random matrix
(not timed); then the timed cell imports the library and displays the heatmap. The
clock starts when Shift+Enter is pressed and stops on the first animation frame in
which the heatmap is drawn:

- tokenheat: the widget root reports ``data-ready="true"`` (set after its first
  complete draw, cells included);
- plotly ``FigureWidget(go.Heatmap)``: the heatmap layer's ``<image>`` has its data.

Before each timed run the benchmark waits until the machine is idle (``_lab.wait_quiet``),
so that a run does not pay for what the previous one left behind (a closed page, a kernel
shutting down, JupyterLab settling after opening the notebook).

``--floor`` also times the least any anywidget can take here: a widget whose front end
adds one ``<div>`` (no data, no output PNG), shown by the same kind of cell.

Run: ``make bench`` (or ``python benchmarks/time_to_visible.py --repeat 3``).
Results go to ``benchmarks/results.json``; see ``benchmarks/README.md``.

``--kernel-steps`` instead prints where the kernel's part of that time goes (no browser):
``Heatmap(z)`` and its output bundle, step by step, in fresh processes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from _lab import compile_as_installed, wait_quiet  # noqa: E402
from labdriver import launch_browser, running_lab  # noqa: E402

SETUP = "import numpy as np\nz = np.random.default_rng(0).normal(size=({n}, {n}))"
CELLS = {
    "tokenheat": "from tokenheat import Heatmap\nHeatmap(z)",
    "plotly": "import plotly.graph_objects as go\ngo.FigureWidget(go.Heatmap(z=z))",
}
#: ``--floor``: a widget that draws one ``<div>``, the least any anywidget takes to show.
FLOOR_CELL = (
    "import anywidget\n"
    "class Floor(anywidget.AnyWidget):\n"
    '    _esm = \'export default { render({ el }) { const d = document.createElement("div");'
    ' d.className = "floor-widget"; d.textContent = "floor"; el.append(d); } }\'\n'
    "Floor()"
)
FLOOR_VISIBLE = "document.querySelector('.floor-widget')"
VISIBLE = {
    "tokenheat": "document.querySelector('.tokenheat[data-ready=\"true\"]')",
    "plotly": "(() => { const im = document.querySelector('.js-plotly-plot .hm image');"
    " return im && (im.getAttribute('href') || im.getAttribute('xlink:href') || '').length > 100;"
    " })()",
}


#: Run in a fresh process per measurement: the timed cell's kernel work, step by step.
#: numpy and ipykernel are imported first (a kernel has them); the output bundle's parts
#: are timed by wrapping the functions that do them.
KERNEL_STEPS = """
import base64, functools, json, sys, time
import numpy as np, ipykernel.kernelapp
z = np.random.default_rng(0).normal(size=({n}, {n}))
T, ms = time.perf_counter, {{}}

def timed(owner, name, step):
    f = getattr(owner, name)
    def g(*a, **k):
        t = T()
        try:
            return f(*a, **k)
        finally:
            ms[step] = ms.get(step, 0) + 1e3 * (T() - t)
    setattr(owner, name, functools.wraps(f)(g))

t = T(); import tokenheat; ms["import tokenheat"] = 1e3 * (T() - t)
t = T(); w = tokenheat.Heatmap(z); ms["Heatmap(z)"] = 1e3 * (T() - t)
t = T(); from tokenheat import export; ms["import export"] = 1e3 * (T() - t)
t = T(); import PIL.Image, PIL.ImageDraw, PIL.ImageFont, PIL.PngImagePlugin
ms["import Pillow"] = 1e3 * (T() - t)
timed(export, "layout", "layout"); timed(export, "cell_pixels", "cells: reduce + colour")
timed(export, "draw_texts", "text"); timed(export, "encode_png", "PNG encoding")
timed(PIL.Image.Image, "save", "PNG encoding"); timed(base64, "b64encode", "base64")
t = T(); data, _ = w._repr_mimebundle_(); bundle = 1e3 * (T() - t)
ms["bundle, rest"] = bundle - sum(ms.get(k, 0) for k in
    ("layout", "cells: reduce + colour", "text", "PNG encoding", "base64"))
ms["PNG kB"] = len(base64.b64decode(data["image/png"])) / 1e3
print(json.dumps(ms))
"""


def kernel_steps(sizes: list[int], repeat: int) -> None:
    """Print the median ms of each step of the timed cell's kernel work (no browser)."""
    for n in sizes:
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", KERNEL_STEPS.format(n=n)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(repeat)
        ]
        print(f"{n} x {n}, median of {repeat} fresh processes (ms; last: PNG size, kB):")
        for step in runs[0]:
            print(f"  {step:<24} {statistics.median(r.get(step, 0) for r in runs):7.1f}")


def write_notebooks(folder: Path, sizes: list[int], cells: dict[str, str] = CELLS) -> None:
    for lib in cells:
        for n in sizes:
            nb = nbformat.v4.new_notebook(
                cells=[
                    nbformat.v4.new_code_cell(SETUP.format(n=n)),
                    nbformat.v4.new_code_cell(cells[lib]),
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
        wait_quiet()
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
    parser.add_argument(
        "--kernel-steps", action="store_true", help="time the kernel's steps only, no browser"
    )
    parser.add_argument(
        "--floor", action="store_true", help="also time a one-<div> anywidget (the floor)"
    )
    args = parser.parse_args()
    if args.kernel_steps:
        compile_as_installed()
        kernel_steps(args.sizes, args.repeat)
        return

    compile_as_installed()
    with tempfile.TemporaryDirectory(prefix="tokenheat-bench-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        cells = {**CELLS, "floor": FLOOR_CELL} if args.floor else CELLS
        visible = {**VISIBLE, "floor": FLOOR_VISIBLE}
        write_notebooks(notebooks, args.sizes, cells)
        results: dict[str, dict[str, list[float]]] = {lib: {} for lib in cells}
        with running_lab(notebooks, Path(tmp) / "lab") as lab, sync_playwright() as p:
            browser = launch_browser(p)
            browser_version = f"Chromium {browser.version}"
            for n in args.sizes:
                for _ in range(args.repeat):
                    for lib in cells:  # interleaved, so drift hits all alike
                        t = measure(lab, browser, lib, n, args.timeout, visible[lib])
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
        floor = ""
        if "floor" in results:
            summary[str(n)]["floor"] = statistics.median(results["floor"][str(n)])
            floor = f"   (one-<div> anywidget: {summary[str(n)]['floor']:.2f} s)"
        print(f"{n:>5}x{n:<5} {th:10.2f} {pl:10.2f} {pl / th:16.1f}x{floor}")
    write_results(args.out, browser_version, {"runs": results, "median": summary})


if __name__ == "__main__":
    main()
