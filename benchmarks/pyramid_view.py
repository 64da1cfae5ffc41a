"""Showing a pyramid on disk (issue 17): first paint and tile latency in real JupyterLab.

Given a pyramid written by ``benchmarks/out_of_core.py --dir DIR`` (``DIR/pyramid-threads.zarr``,
or ``--store``), it measures, in headless Chromium (SwiftShader) driving JupyterLab:

- **first paint**: from Shift+Enter on ``Heatmap(tokenheat.open_pyramid(store))`` (with
  ``import tokenheat`` in the same cell, a fresh kernel each time) to the first animation
  frame in which the widget reports ``data-ready``;
- **tile latency**: the view is set from Python to windows of 128 to 16384 rows and
  columns at seeded random places (each finer than the overview, so the view asks the
  kernel for the fixed tiles of a level under it and its margin once it has settled); for
  each, from the page's WebSocket frames, the time from the request leaving the page to
  the last of the tiles under the view arriving (``arrived``), to the first complete draw
  after it (``drawn``: the view drawn from them), and to the last tile asked for, the
  margin's too (``all``); then the same once the view is panned by half its width
  (``pan_*``: it asks only for the tiles it does not keep);
- the kernel's peak RSS (``VmHWM``) after all of it, and what the widget's first picture
  shows of the planted spikes (the overview's cells that hold them).

Run: ``.venv/bin/python benchmarks/out_of_core.py --size 131072 --how threads --dir DIR``
then ``.venv/bin/python benchmarks/pyramid_view.py --dir DIR``. Results are merged into
``benchmarks/out_of_core_results.json`` under the pyramid's size, key ``view``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import numpy as np
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _lab import compile_as_installed, wait_quiet  # noqa: E402
from labdriver import launch_browser, running_lab  # noqa: E402
from out_of_core import RESULTS  # noqa: E402

#: Records the page's WebSocket frames that carry a tile request or reply (binary kernel
#: messages: the JSON of their content is searched for the message type).
FRAMES = """
globalThis.__tiles = [];
globalThis.__draws = [];
// every complete draw of the widget (its data-draws counter), with its time
new MutationObserver((records) => {
  for (const r of records) {
    if (r.attributeName === "data-draws") globalThis.__draws.push(performance.now());
  }
}).observe(document, { attributes: true, attributeFilter: ["data-draws"], subtree: true });
const enc = new TextDecoder();
const kind = (data) => {
  const text = typeof data === "string" ? data : enc.decode(new Uint8Array(data).subarray(0, 4096));
  return /"type": ?"tiles?"/.test(text) ? text : null;
};
const OW = WebSocket;
window.WebSocket = class extends OW {
  constructor(...a) {
    super(...a);
    this.binaryType = "arraybuffer";
    this.addEventListener("message", (e) => {
      const t = performance.now();
      const text = kind(e.data);
      if (text) globalThis.__tiles.push(["reply", t, text]);
    });
  }
  send(data) {
    const bytes = typeof data === "string" || data instanceof ArrayBuffer ? data : data.buffer;
    const text = kind(bytes);
    if (text) globalThis.__tiles.push(["request", performance.now(), text]);
    return super.send(data);
  }
};
"""
VISIBLE = "document.querySelector('.tokenheat[data-ready=\"true\"]')"


def notebook(folder: Path, store: Path) -> str:
    shown = f"tokenheat.open_pyramid({str(store)!r})"
    return write_notebook(folder, "pyramid.ipynb", "import numpy as np", shown)


def write_notebook(folder: Path, name: str, setup: str, shown: str) -> str:
    """``folder/name``: an untimed cell ``setup``, then the timed one, which imports
    tokenheat and shows ``Heatmap(shown)`` as ``w``."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(setup),
            nbformat.v4.new_code_cell(f"import tokenheat\nw = tokenheat.Heatmap({shown})\nw"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, folder / name)
    return name


@contextlib.contextmanager
def lab_with(write: Callable[[Path], str]) -> Iterator[tuple]:
    """JupyterLab serving one notebook (``write(folder)`` writes it and gives its name),
    and a browser: ``(lab, browser, name)``."""
    compile_as_installed()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "nb"
        folder.mkdir()
        name = write(folder)
        with running_lab(folder, Path(tmp) / "lab") as lab, sync_playwright() as p:
            yield lab, launch_browser(p), name


def record(out: Path, n: int, key: str, result: dict) -> None:
    """Add ``result`` (stamped with the time) to the results file, as ``key`` of size ``n``."""
    result["when"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    every = json.loads(out.read_text()) if out.exists() else {}
    every.setdefault(str(n), {})[key] = result
    out.write_text(json.dumps(every, indent=1) + "\n")


def kernel_peak_rss(lab, page) -> int:
    """The kernel's peak resident memory so far (``VmHWM``), bytes."""
    peak = lab.run_code(
        page,
        "print(next(int(l.split()[1]) for l in open('/proc/self/status') "
        "if l.startswith('VmHWM')))",
    )
    return int(peak.strip().splitlines()[-1]) * 1024


def first_paint(lab, browser, name: str) -> tuple[float, object]:
    """Seconds from Shift+Enter to the visible widget; the page, still open."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_init_script(FRAMES)
    page = context.new_page()
    lab.open(page, name)
    lab.run_cell(page, 0, timeout=120_000)
    page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-content").click()
    wait_quiet()
    start = page.evaluate("performance.now()")
    page.keyboard.press("Shift+Enter")
    done = page.wait_for_function(
        f"() => ({VISIBLE}) ? performance.now() : false", polling="raf", timeout=120_000
    ).json_value()
    return (done - start) / 1000, (context, page)


SIDES = (128, 512, 2048, 8192, 16384)


def views(n: int, steps: int, seed: int = 0) -> list[tuple[int, int, int, int]]:
    """Square windows of 128 to 16384 cells a side (each finer than a 131072² pyramid's
    overview on a 600-pixel canvas: wider ones are drawn from it, asking for nothing) at
    random places."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(steps):
        side = min(n, SIDES[k % len(SIDES)])
        r0, c0 = (int(x) for x in rng.integers(0, n - side + 1, 2))
        out.append((r0, r0 + side, c0, c0 + side))
    return out


def view_tiles(view, level: list[int], side: int, n: int) -> set[tuple[int, int]]:
    """The places of a level's tiles under a view (js/data/tilegrid.js ``tileRange``)."""
    r0, r1, c0, c1 = view
    hr, hc = side * level[0], side * level[1]
    last_r, last_c = -(-n // hr) - 1, -(-n // hc) - 1
    ti0, tj0 = min(int(r0 // hr), last_r), min(int(c0 // hc), last_c)
    ti1, tj1 = max(ti0 + 1, -(-int(r1) // hr)), max(tj0 + 1, -(-int(c1) // hc))
    return {(i, j) for i in range(ti0, ti1) for j in range(tj0, tj1)}


def tile_latency(lab, page, n: int, steps: int) -> list[dict]:
    """For each view: the tiles after setting it (a zoom), then after panning it by half
    its width (``pan``: the view asks only for the tiles it does not keep)."""
    side = int(lab.run_code(page, "print(w._tile_side)").strip())
    out = []
    for view in views(n, steps):
        zoom = settle(lab, page, view, side, n)
        r0, r1, c0, c1 = view
        half = (c1 - c0) // 2  # (to the left near the right edge: tiles it lacks either way)
        shift = half if c1 + half <= n else -half
        zoom["pan"] = settle(lab, page, (r0, r1, c0 + shift, c1 + shift), side, n)
        out.append(zoom)
    return out


def settle(lab, page, view, side: int, n: int) -> dict:
    """Set the view; from the request it makes to the tiles under it arriving and the
    next complete draw, and to the last tile asked for."""
    import re

    page.evaluate("globalThis.__tiles = []; globalThis.__draws = []")
    lab.run_code(page, f"w.view = {view}")
    page.wait_for_function(
        "() => globalThis.__tiles.some(([k]) => k === 'request')", timeout=60_000
    )
    # every tile asked for (none more for 300 ms), then the next complete draw
    page.wait_for_function(
        "() => { const r = globalThis.__tiles.filter(([k]) => k === 'reply');"
        " return r.length && performance.now() - r[r.length - 1][1] > 300; }",
        timeout=60_000,
    )
    frames = page.evaluate("globalThis.__tiles")
    sent, ask = next((t, text) for k, t, text in frames if k == "request")
    level = [int(v) for v in re.search(r'"level": ?\[(\d+), ?(\d+)\]', ask).groups()]
    listed = re.search(r'"tiles": ?(\[\[[\d, \[\]]*\]\])', ask)[1]
    asked = {(int(i), int(j)) for i, j in json.loads(listed)}
    under = view_tiles(view, level, side, n)
    wanted = under & asked  # (the others were kept)
    came = {}
    for k, t, text in frames:  # (a reply carries one tile or several)
        for found in re.finditer(r'"tile": ?\[(\d+), ?(\d+)\]', text) if k == "reply" else []:
            came.setdefault((int(found[1]), int(found[2])), t)
    if not wanted <= set(came):
        raise RuntimeError(f"view {view}: tiles {sorted(wanted - set(came))} never came")
    arrived = max((came[p] for p in wanted), default=sent)
    drawn = page.wait_for_function(
        f"() => globalThis.__draws.find((t) => t >= {arrived}) ?? false", timeout=60_000
    ).json_value()
    print(
        f"  view {view}: level {level}, {len(under)} tiles under it of which {len(wanted)} "
        f"asked, {len(came)} in all; arrived {arrived - sent:.0f} ms, drawn "
        f"{drawn - sent:.0f} ms, all {max(came.values()) - sent:.0f} ms",
        flush=True,
    )
    return {
        "view": list(view),
        "level": level,
        "arrived_ms": round(arrived - sent, 1),
        "drawn_ms": round(drawn - sent, 1),
        "all_ms": round(max(came.values()) - sent, 1),
        "tiles": {"under": len(under), "asked_under": len(wanted), "came": len(came)},
    }


#: Run in the kernel: of the spikes out_of_core.py planted, how many the first picture
#: shows at the pixel that covers each (the Python export's drawing of the view at the
#: canvas's device pixels, which is the browser's rule on the same overview).
SPIKES_SHOWN = """
import sys
sys.path.insert(0, {benchmarks!r})
from out_of_core import spikes
from tokenheat._export_pixels import pixel_ranges, shown_values
shown = shown_values(w, {width}, {height})
r0, r1, c0, c1 = w.view
rlo, rhi = pixel_ranges(r0, r1, w.shape[0], {height})
clo, chi = pixel_ranges(c0, c1, w.shape[1], {width})
hits = 0
for r, c, v in spikes({n}):
    ys = [y for y in range({height}) if rlo[y] <= r <= rhi[y]]
    xs = [x for x in range({width}) if clo[x] <= c <= chi[x]]
    hits += any(shown[y, x] == v for y in ys for x in xs)
print(hits)
"""


def spikes_shown(lab, page, n: int) -> dict:
    width, height = page.evaluate(
        "(() => { const c = document.querySelector('.tokenheat-cells');"
        " return [c.width, c.height]; })()"
    )
    code = SPIKES_SHOWN.format(benchmarks=str(ROOT / "benchmarks"), width=width, height=height, n=n)
    hits = int(lab.run_code(page, code).strip().splitlines()[-1])
    from out_of_core import SPIKES

    return {"shown": hits, "of": SPIKES, "canvas": [width, height]}


def p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where out_of_core.py --dir wrote its stores")
    parser.add_argument("--store", type=Path, help="the pyramid (default DIR/pyramid-threads.zarr)")
    parser.add_argument("--repeat", type=int, default=5, help="first paints, each a fresh kernel")
    parser.add_argument("--steps", type=int, default=20, help="views set for tile latency")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    store = args.store or args.dir / "pyramid-threads.zarr"
    import tokenheat

    n = tokenheat.open_pyramid(str(store)).shape[0]
    result: dict = {}
    with lab_with(lambda folder: notebook(folder, store.resolve())) as (lab, browser, name):
        paints = []
        for r in range(args.repeat):
            seconds, (context, page) = first_paint(lab, browser, name)
            paints.append(round(seconds, 3))
            print(f"first paint {r}: {seconds:.2f} s", flush=True)
            if r < args.repeat - 1:
                context.close()
                lab.shutdown_kernels()
        result["first_paint_s"] = paints
        result["first_paint_median_s"] = statistics.median(paints)
        result["block"] = json.loads(lab.run_code(page, "print(list(w._block))").strip())
        result["spikes_in_first_picture"] = spikes_shown(lab, page, n)
        tiles = tile_latency(lab, page, n, args.steps)
        result["tiles"] = tiles
        for key in ("arrived_ms", "drawn_ms", "all_ms"):
            for pre, got in (("", tiles), ("pan_", [t["pan"] for t in tiles])):
                xs = [t[key] for t in got]
                result[pre + key.replace("_ms", "_median_ms")] = round(statistics.median(xs), 1)
                result[pre + key.replace("_ms", "_p95_ms")] = round(p95(xs), 1)
        asked = sum(t["pan"]["tiles"]["came"] for t in tiles)
        result["pan_tiles_asked_per_zoom_tile"] = round(
            asked / sum(t["tiles"]["came"] for t in tiles), 2
        )
        result["kernel_peak_rss"] = kernel_peak_rss(lab, page)
        context.close()
        lab.shutdown_kernels()
    print(
        f"{n} x {n}: first paint median {result['first_paint_median_s']:.2f} s {paints}; tiles "
        f"arrived median {result['arrived_median_ms']} ms, p95 {result['arrived_p95_ms']} ms; "
        f"drawn median {result['drawn_median_ms']} ms, p95 {result['drawn_p95_ms']} ms; "
        f"all tiles median {result['all_median_ms']} ms, p95 {result['all_p95_ms']} ms; "
        f"after a pan by half a view: arrived median {result['pan_arrived_median_ms']} ms, "
        f"p95 {result['pan_arrived_p95_ms']} ms, drawn median {result['pan_drawn_median_ms']} "
        f"ms, p95 {result['pan_drawn_p95_ms']} ms, "
        f"{result['pan_tiles_asked_per_zoom_tile']} as many tiles asked as for the zoom; "
        f"kernel peak RSS {result['kernel_peak_rss'] / 2**20:.0f} MiB; spikes in the first "
        f"picture {result['spikes_in_first_picture']}"
    )
    record(args.out, n, "view", result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
