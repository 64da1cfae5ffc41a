"""Showing a source without a pyramid (issue 17): the picture as the source is read.

Given the zarr source written by ``benchmarks/out_of_core.py --dir DIR``
(``DIR/source-N.zarr``, or ``--source``), it measures, in headless Chromium (SwiftShader)
driving JupyterLab, one fresh kernel:

- **first paint**: from Shift+Enter on ``Heatmap(zarr.open_array(source))`` (with ``import
  tokenheat`` in the same cell) to the first animation frame in which the widget reports
  ``data-ready``: drawn, every row veiled as not read yet;
- **first rows**: to the first frame in which rows read are drawn (the veil has moved
  down from the top);
- **kernel free**: while the source is read, the round trip of a cell that prints a
  number (median of a few), i.e. how long other cells wait;
- **read**: to the frame in which the veil is gone (every row read, every level made);
- the kernel's peak RSS (``VmHWM``) after it, and how many of the planted spikes the
  final picture shows at the pixel that covers each.

Run: ``.venv/bin/python benchmarks/out_of_core.py --size 131072 --dir DIR`` (or any
size) then ``.venv/bin/python benchmarks/source_view.py --dir DIR --size 131072``. Results
are merged into ``benchmarks/out_of_core_results.json`` under the size, key ``source_view``.

With ``--grid GR GC`` it shows a 4-D ``(GR, GC, size, size)`` zarr source instead (layers x
heads, each panel the same causal band and spikes; written to ``DIR`` the first time), as
a grid of panels read in the background together; the spikes are counted in every panel's
overview (each must be its overview cell's value). Key ``grid_source_view_GRxGC``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from out_of_core import RESULTS, spikes  # noqa: E402
from pyramid_view import (  # noqa: E402
    first_paint,
    kernel_peak_rss,
    lab_with,
    record,
    spikes_shown,
    write_notebook,
)

#: The veil over the rows not read yet says some are drawn ("… (0 of N rows)" until then;
#: of panels its top is never 0, the panels being below their titles).
FIRST_ROWS = (
    "(() => { const v = document.querySelector('.tokenheat-reading');"
    " return v && !v.hidden && !/\\(0 of /.test(v.textContent); })()"
)
#: Every row is read: the widget is drawn and its veil hidden.
READ = (
    "(() => { const v = document.querySelector('.tokenheat-reading');"
    " return document.querySelector('.tokenheat[data-ready=\"true\"]') && v && v.hidden; })()"
)


def write_grid(path: Path, grid: tuple[int, int], n: int) -> float:
    """A 4-D zarr store of ``grid`` panels of ``n`` x ``n``, each out_of_core.py's band and
    spikes, chunked a panel's 1024 x 1024 at a time (seconds taken; 0 when it was there)."""
    import dask.array as da
    import numpy as np
    import zarr
    from out_of_core import CHUNK, band_block, spikes

    if (path / "zarr.json").exists():
        return 0.0
    start = time.perf_counter()
    shape = (*grid, n, n)
    z = zarr.create_array(store=str(path), shape=shape, chunks=(1, 1, CHUNK, CHUNK),
                          dtype="f4", fill_value=0.0)  # fmt: skip

    def panel_band(block: np.ndarray, block_info=None) -> np.ndarray:
        (_, _), (_, _), rows, cols = block_info[None]["array-location"]
        two_d = {None: {"array-location": [rows, cols]}}
        return band_block(block[0, 0], two_d)[None, None]

    empty = da.empty(shape, chunks=(1, 1, CHUNK, CHUNK), dtype=np.float32)
    da.store(empty.map_blocks(panel_band, dtype=np.float32), z, lock=False)
    for i in range(grid[0]):
        for j in range(grid[1]):
            for r, c, v in spikes(n):
                z[i, j, r, c] = v
    return time.perf_counter() - start


#: Run in the kernel: how many of the planted spikes, in every panel, are their overview
#: cell's value (the max-|v| rule keeps each, so every panel's picture shows them).
GRID_SPIKES = """
import sys
sys.path.insert(0, {benchmarks!r})
from out_of_core import spikes
fr, fc = w._block
ov = np.frombuffer(w._values, dtype="<f4").reshape(-1, -(-w.shape[0] // fr), -(-w.shape[1] // fc))
print(sum(int(ov[p, r // fr, c // fc] == v) for p in range(len(ov)) for r, c, v in spikes({n})))
"""


def notebook(folder: Path, source: Path) -> str:
    shown = f"zarr.open_array({str(source)!r}, mode='r')"
    return write_notebook(folder, "source.ipynb", "import numpy as np\nimport zarr", shown)


def check_size(parser: argparse.ArgumentParser, n: int) -> None:
    """Stop with a usage error for an n x n source tokenheat reads whole (nothing is read
    in the background, which is what this script measures)."""
    from tokenheat._lazy_stack import READ_CELLS

    if n * n <= READ_CELLS:
        parser.error(
            f"a {n} x {n} source has at most READ_CELLS ({READ_CELLS:,}) cells, so tokenheat "
            "reads it whole, not in the background; use --size above "
            f"{math.isqrt(READ_CELLS)} in out_of_core.py"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where out_of_core.py --dir wrote its stores")
    parser.add_argument("--size", type=int, default=131072, help="the source's side")
    parser.add_argument("--source", type=Path, help="the zarr source (default DIR/source-N.zarr)")
    parser.add_argument("--pings", type=int, default=5, help="cells run while it is read")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--grid", type=int, nargs=2, metavar=("GR", "GC"), help="a 4-D source")
    args = parser.parse_args()
    source = args.source or args.dir / f"source-{args.size}.zarr"
    result: dict = {}
    key = "source_view"
    if args.grid:
        key = f"grid_source_view_{args.grid[0]}x{args.grid[1]}"
        source = args.dir / f"grid-{args.grid[0]}x{args.grid[1]}-{args.size}.zarr"
        written = write_grid(source, tuple(args.grid), args.size)
        print(f"wrote {source} in {written:.0f} s" if written else f"using {source}", flush=True)
    else:
        check_size(parser, args.size)
    with lab_with(lambda folder: notebook(folder, source.resolve())) as (lab, browser, name):
        seconds, (context, page) = first_paint(lab, browser, name)
        start = page.evaluate("performance.now()") - seconds * 1000
        result["first_paint_s"] = round(seconds, 3)
        print(f"first paint (every row veiled): {seconds:.2f} s", flush=True)
        rows = page.wait_for_function(
            f"() => {FIRST_ROWS} ? performance.now() : false", polling="raf", timeout=600_000
        ).json_value()
        result["first_rows_s"] = round((rows - start) / 1000, 3)
        print(f"first rows drawn: {result['first_rows_s']:.2f} s", flush=True)
        pings = []
        for _ in range(args.pings):
            t0 = time.perf_counter()
            lab.run_code(page, "print(1)")
            pings.append(round((time.perf_counter() - t0) * 1000, 1))
        result["cell_while_reading_ms"] = pings
        result["cell_while_reading_median_ms"] = statistics.median(pings)
        print(f"a cell while it is read: {pings} ms", flush=True)
        done = page.wait_for_function(
            f"() => {READ} ? performance.now() : false", polling=1000, timeout=3_600_000
        ).json_value()
        result["read_s"] = round((done - start) / 1000, 1)
        print(f"every row read: {result['read_s']:.0f} s", flush=True)
        result["block"] = json.loads(lab.run_code(page, "print(list(w._block))").strip())
        if args.grid:
            code = GRID_SPIKES.format(benchmarks=str(ROOT / "benchmarks"), n=args.size)
            hits = int(lab.run_code(page, code).strip().splitlines()[-1])
            of = math.prod(args.grid) * len(spikes(args.size))
            result["spikes_in_picture"] = {"shown": hits, "of": of}
        else:
            result["spikes_in_picture"] = spikes_shown(lab, page, args.size)
        result["kernel_peak_rss"] = kernel_peak_rss(lab, page)
        context.close()
        lab.shutdown_kernels()
    what = f"{args.grid[0]} x {args.grid[1]} panels of " if args.grid else ""
    print(
        f"{what}{args.size} x {args.size}: first paint {result['first_paint_s']:.2f} s, first rows "
        f"{result['first_rows_s']:.2f} s, read {result['read_s']:.0f} s; a cell while reading "
        f"{result['cell_while_reading_median_ms']} ms; kernel peak RSS "
        f"{result['kernel_peak_rss'] / 2**20:.0f} MiB; spikes {result['spikes_in_picture']}"
    )
    record(args.out, args.size, key, result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
