"""Interaction frame times, tokenheat vs plotly, in real JupyterLab.

What a person feels while exploring a heatmap: the time from an input event to the
completed redraw it causes. One JupyterLab, one notebook per library and size; once the
heatmap is displayed and drawn, each interaction is repeated ``--steps`` times (the first
``--warmup`` discarded) with real Playwright keyboard and mouse input:

- tokenheat: a colour-range step (ArrowRight/ArrowLeft on the max
  ``.tokenheat-range-handle``, role=slider), a wheel-zoom step over the plot, and a
  drag-pan step (pointer held down, moved 6 px); input time = the event's ``timeStamp``
  seen by a capturing listener on the widget root, redraw = the root's ``data-draws``
  counter changing (a MutationObserver), then the next animation frame's timestamp;
- plotly ``FigureWidget(go.Heatmap)``: a zoom step (the modebar's "Zoom in"/"Zoom out"
  buttons, which ``relayout`` the axis ranges), from the click event to
  ``plotly_afterplot``, then the next animation frame.

A size ``RxCxN`` is a grid of R x C panels of N x N (``Heatmap(z)`` of shape (R, C, N, N)
beside plotly ``make_subplots(R, C)``, as in ``grid_time_to_visible.py``): the wheel and
the drag act over the middle panel, and since all panels share the view, every panel
redraws; plotly's zoom buttons zoom every subplot.

One representative step of each interaction is also run under the Chrome DevTools
Protocol's sampling profiler; the functions with the most self time are reported (the
bundle is minified, so each comes with the start of its source).

Run: ``python benchmarks/frames.py`` (``--sizes 1000 4096 100000x50 12x12x128 12x12x512
32x32x256``, ``--libs``).
Results are merged into ``benchmarks/frames_results.json``; see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _lab import Driver, Grid, matrix_shape, write_notebook  # noqa: E402
from labdriver import running_lab  # noqa: E402
from time_to_visible import VISIBLE, write_results  # noqa: E402

BUNDLE = ROOT / "src" / "tokenheat" / "static" / "widget.js"
SETUP = "import numpy as np\nz = np.random.default_rng(0).normal(size=({rows}, {cols}))"
CELLS = {
    "tokenheat": "from tokenheat import Heatmap\nHeatmap(z)",
    "plotly": "import plotly.graph_objects as go\ngo.FigureWidget(go.Heatmap(z=z))",
}
# Samples the page keeps: one per armed input, when its redraw and the next frame came.
HARNESS = """([root, kinds, doneEvent]) => {
  const h = (window.__frames = { armed: false, pending: null, samples: [] });
  const start = (e) => {
    if (!h.armed) return;
    h.armed = false;
    h.pending = { type: e.type, input: e.timeStamp, draws: root.dataset.draws };
    if (doneEvent) root.once(doneEvent, () => done());
  };
  const done = () => {
    const p = h.pending;
    if (!p) return;
    h.pending = null;
    p.drawn = performance.now();
    requestAnimationFrame(() => { p.frame = performance.now(); h.samples.push(p); });
  };
  for (const k of kinds) root.addEventListener(k, start, { capture: true });
  if (!doneEvent)
    new MutationObserver(() => {
      if (h.pending && root.dataset.draws !== h.pending.draws) done();
    }).observe(root, { attributes: true, attributeFilter: ["data-draws"] });
}"""


def grid_of(size: str) -> Grid | None:
    """The grid a size names (``RxCxN``), None for one matrix (``N`` or ``RxC``)."""
    return Grid.parse(size) if size.count("x") == 2 else None


def write_notebooks(folder: Path, sizes: list[str]) -> None:
    for lib, code in CELLS.items():
        for size in sizes:
            grid = grid_of(size)
            if grid:
                cells = grid.cells(lib)
            else:
                rows, cols = matrix_shape(size)
                cells = [SETUP.format(rows=rows, cols=cols), code]
            write_notebook(folder / f"{lib}-{size}.ipynb", cells)


def visible(lib: str, size: str) -> str:
    """JavaScript that is true once ``lib``'s heatmap (every panel of a grid) is drawn."""
    grid = grid_of(size)
    return grid.visible(lib) if grid else VISIBLE[lib]


def stats(ms: list[float]) -> dict:
    """Median and p95 (nearest rank) in ms, with the raw samples."""
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ms), 1), "p95": round(p95, 1), "n": len(ms),
            "samples": [round(x, 1) for x in ms]}  # fmt: skip


class Profile:
    """The sampling profiler over one step: where its main-thread time went."""

    def __init__(self, page, *, ours: bool) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Profiler.enable")
        self.cdp.send("Profiler.setSamplingInterval", {"interval": 100})
        self.bundle = BUNDLE.read_text().split("\n") if ours else []
        self.events: list[dict] = []
        self.cdp.on("Tracing.dataCollected", lambda e: self.events.extend(e["value"]))
        self.complete = False
        self.cdp.on("Tracing.tracingComplete", lambda e: setattr(self, "complete", True))

    def trace_start(self) -> None:
        self.events, self.complete = [], False
        cats = "devtools.timeline,disabled-by-default-devtools.timeline,gpu,blink"
        self.cdp.send("Tracing.start", {"categories": cats, "transferMode": "ReportEvents"})

    def trace_stop(self, page, top: int = 12) -> list[dict]:
        """Self time per trace event on the page's main thread (layout, paint, style,
        script, GPU commands...), biggest first, in ms."""
        self.cdp.send("Tracing.end")
        while not self.complete:
            page.wait_for_timeout(50)
        names = {(e["pid"], e["tid"]): e["args"]["name"] for e in self.events
                 if e.get("ph") == "M" and e.get("name") == "thread_name"}  # fmt: skip
        main = {k for k, v in names.items() if v == "CrRendererMain"}
        spans = sorted((e["ts"], e["ts"] + e.get("dur", 0), e["name"]) for e in self.events
                       if e.get("ph") == "X" and (e["pid"], e["tid"]) in main)  # fmt: skip
        totals: dict[str, float] = {}
        stack: list[list] = []  # [end, name, self]

        def close(until: float) -> None:
            while stack and stack[-1][0] <= until:
                _, name, own = stack.pop()
                totals[name] = totals.get(name, 0) + own

        for start, end, name in spans:
            close(start)
            if stack:
                stack[-1][2] -= end - start
            stack.append([end, name, end - start])
        close(float("inf"))
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])
        return [{"event": k, "self_ms": round(v / 1000, 1)} for k, v in ranked[:top] if v > 0]

    def start(self) -> None:
        self.cdp.send("Profiler.start")

    def stop(self, top: int = 12) -> list[dict]:
        """Self time per function, biggest first (ms; the minified bundle's functions
        named by the first characters of their source, natives by their own names)."""
        profile = self.cdp.send("Profiler.stop")["profile"]
        nodes = {n["id"]: n for n in profile["nodes"]}
        spans = dict.fromkeys(nodes, 0.0)
        # a sample's time is the delta to the next one
        deltas = [*profile["timeDeltas"][1:], 0]
        for node, dt in zip(profile["samples"], deltas, strict=True):
            spans[node] += dt / 1000
        totals: dict[str, float] = {}
        for nid, ms in spans.items():
            name = self.name(nodes[nid]["callFrame"])
            totals[name] = totals.get(name, 0) + ms
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])
        return [{"function": k, "self_ms": round(v, 1)} for k, v in ranked[:top] if v > 0]

    def name(self, frame: dict) -> str:
        url, fn = frame.get("url", ""), frame["functionName"] or "(anonymous)"
        line, col = frame.get("lineNumber", -1), frame.get("columnNumber", -1)
        if url.startswith(("blob:", "data:")) and 0 <= line < len(self.bundle):
            return f"tokenheat {fn}: {self.bundle[line][col : col + 60]}"
        if url and not fn.startswith("("):
            return f"{fn} ({url.rsplit('/', 1)[-1][:40]}:{line})"
        return fn


def measure_steps(page, steps: int, warmup: int, step, profile: Profile | None) -> dict:
    """Run ``step(i)`` ``steps`` times, each after arming the page's harness and once its
    redraw and next frame are in; profile step ``warmup + 2``. Returns the stats of
    input->redraw and input->next frame, the profile of one step and the trace of the next."""
    drawn, frame, top, trace = [], [], [], []
    page.evaluate("window.__frames.samples = []")
    for i in range(steps):
        page.evaluate("window.__frames.armed = true")
        if profile and i == warmup + 2:
            profile.start()
        if profile and i == warmup + 3:
            profile.trace_start()
        step(i)
        sample = page.wait_for_function(
            f"() => window.__frames.samples[{i}] || false", timeout=120_000
        ).json_value()
        if profile and i == warmup + 2:
            top = profile.stop()
        if profile and i == warmup + 3:
            trace = profile.trace_stop(page)
        if i >= warmup:
            drawn.append(sample["drawn"] - sample["input"])
            frame.append(sample["frame"] - sample["input"])
        page.wait_for_timeout(60)
    return {"to_redraw": stats(drawn), "to_next_frame": stats(frame), "profile": top,
            "trace": trace}  # fmt: skip


def pointer_at(page, grid: Grid | None) -> tuple[float, float]:
    """Where the wheel and the drag act: the plot's centre, or for a grid the centre of
    its middle panel (the plot's centre may be a gap, where a wheel scrolls the page).
    Checked by hovering: the tooltip must name that panel."""
    if grid is None:
        box = page.locator(".tokenheat .tokenheat-plotbox").bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    i, j = grid.rows // 2, grid.cols // 2
    label = ".tokenheat .tokenheat-grid-label[data-axis='{}'][data-index='{}']"
    row = page.locator(label.format("row", i)).bounding_box()
    col = page.locator(label.format("col", j)).bounding_box()
    x, y = col["x"] + col["width"] / 2, row["y"] + row["height"] / 2
    page.mouse.move(x, y)
    tip = page.locator(".tokenheat .tokenheat-tooltip")
    with contextlib.suppress(PlaywrightTimeoutError):
        tip.wait_for(state="visible", timeout=10_000)
    said = " ".join(tip.inner_text().split()) if tip.is_visible() else "no tooltip"
    if f"{i} · {j}" not in said:  # recorded as the run's failure
        raise AssertionError(f"({x:.0f}, {y:.0f}) is not over panel {i} · {j}: {said[:80]}")
    return x, y


def tokenheat_run(page, args, grid: Grid | None) -> dict:
    root = page.locator(".tokenheat[data-settled='true']")
    root.scroll_into_view_if_needed()
    page.evaluate(HARNESS, [root.element_handle(), ["keydown", "wheel", "pointermove"], None])
    profile = Profile(page, ours=True)
    cx, cy = pointer_at(page, grid)
    out = {}

    handle = page.locator(".tokenheat .tokenheat-range-handle[data-end='max']")
    handle.focus()
    key = lambda i: page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")  # noqa: E731
    out["colour_range_key"] = measure_steps(page, args.steps, args.warmup, key, profile)
    page.wait_for_timeout(600)  # the key run settles and saves

    page.mouse.move(cx, cy)
    page.wait_for_timeout(400)  # the hover's own redraw, out of the way
    wheel = lambda i: page.mouse.wheel(0, -100 if i % 2 == 0 else 100)  # noqa: E731
    out["wheel_zoom"] = measure_steps(page, args.steps, args.warmup, wheel, profile)

    for _ in range(4):  # zoom in, so that there is room to pan
        page.mouse.wheel(0, -100)
        page.wait_for_timeout(50)
    page.wait_for_timeout(1500)  # settled: the view synced, a tile (big matrices) drawn
    page.mouse.down()
    pan = lambda i: page.mouse.move(cx + (6 if i % 2 == 0 else 0), cy + (3 if i % 2 == 0 else 0))  # noqa: E731
    out["drag_pan"] = measure_steps(page, args.steps, args.warmup, pan, profile)
    page.mouse.up()
    return out


def plotly_run(page, args) -> dict:
    gd = page.locator(".js-plotly-plot").first
    gd.scroll_into_view_if_needed()
    page.evaluate(HARNESS, [gd.element_handle(), ["click"], "plotly_afterplot"])
    profile = Profile(page, ours=False)
    gd.hover()
    buttons = [gd.locator(f".modebar-btn[data-attr='zoom'][data-val='{v}']") for v in ("in", "out")]
    step = lambda i: buttons[i % 2].click()  # noqa: E731
    return {"zoom_button": measure_steps(page, args.steps, args.warmup, step, profile)}


def run_one(lab, browser, lib: str, size: str, args) -> dict:
    """Show ``lib``'s heatmap of ``size`` and time its interactions. A Playwright error
    or a failed ``expect`` (a size plotly cannot draw, a dead driver) is the caller's to
    record."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        lab.open(page, f"{lib}-{size}.ipynb")
        lab.run_cell(page, 0, timeout=300_000)
        t = time.monotonic()
        lab.run_cell(page, 1, timeout=args.timeout * 1000)
        shown_js = f"() => {visible(lib, size)}"
        page.wait_for_function(shown_js, polling="raf", timeout=args.timeout * 1000)
        shown = time.monotonic() - t
        page.wait_for_timeout(1500)  # the exact values / first tile requests are over
        if lib == "tokenheat":
            result = tokenheat_run(page, args, grid_of(size))
        else:
            result = plotly_run(page, args)
        return {"shown_s": round(shown, 2), "load": os.getloadavg()[0], **result}
    finally:
        with contextlib.suppress(PlaywrightError):  # the driver may be gone
            context.close()
        lab.shutdown_kernels()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["1000", "4096", "100000x50", "12x12x128", "12x12x512", "32x32x256"],
        help="N or RxC: one matrix; RxCxN: a grid of RxC panels of NxN",
    )
    parser.add_argument("--libs", nargs="+", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to display")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "frames_results.json")
    args = parser.parse_args()

    for size in args.sizes:
        grid_of(size)  # a bad grid fails now, not after the sizes before it
    old = json.loads(args.out.read_text()) if args.out.exists() else {}
    results: dict = old.get("results", {})
    with tempfile.TemporaryDirectory(prefix="tokenheat-frames-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        write_notebooks(notebooks, args.sizes)
        driver = Driver(Path(tmp) / "driver.log")
        try:
            with running_lab(notebooks, Path(tmp) / "lab") as lab:
                for size in args.sizes:
                    for lib in args.libs:
                        log_from = driver.log_size()
                        try:
                            r = run_one(lab, driver.browser(), lib, size, args)
                        # not drawn (expect's AssertionError: a cell not done), a crashed
                        # page, a dead driver
                        except (PlaywrightError, AssertionError) as e:
                            late = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
                            r = {"failed": driver.why_failed(e, late, log_from)}
                            r["load"] = os.getloadavg()[0]
                        r["when"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
                        results.setdefault(size, {})[lib] = r
                        print(f"{lib:>9} {size:>10}: {summary(r)}", flush=True)
                        # after each run, so that a run that kills us loses no other
                        write_results(args.out, driver.version, {"results": results})
        finally:
            driver.stop()


def summary(r: dict) -> str:
    if "failed" in r:
        return f"failed ({r['failed']}), load {r['load']:.1f}"
    parts = [f"{k} {v['to_redraw']['median']}/{v['to_redraw']['p95']} ms"
             for k, v in r.items() if isinstance(v, dict)]  # fmt: skip
    load = f"load {r['load']:.1f}"
    return f"shown in {r['shown_s']} s; " + ", ".join(parts) + f" (median/p95), {load}"


if __name__ == "__main__":
    main()
