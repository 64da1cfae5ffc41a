"""Memory of a displayed heatmap, tokenheat vs plotly, in real JupyterLab (headless
Chromium, SwiftShader): the page's JS heap, its GPU textures, the kernel's peak.

One notebook per library and size (seeded normal random float64, made in an earlier
cell). The page is measured after a forced GC (CDP ``HeapProfiler.collectGarbage``)
``before`` the heatmap cell runs, when ``drawn`` (tokenheat's ``data-ready``),
``settled`` (1.5 s on, kernel idle: float64 tooltip values or a first tile are in) and
``zoomed`` (four wheel notches in; plotly: its modebar's "Zoom in") and ``zoomed_in``
(2x zooms until a cell is at least a pixel: only then does SwiftShader's tokenheat draw
from its values texture, which a GPU uses from the first frame), each settled:

- ``js_heap_used``: ``Performance.getMetrics`` ``JSHeapUsedSize`` (V8's heap, without
  ArrayBuffers' bytes); ``array_buffers``: ``Runtime.getHeapUsage`` ``backingStorageSize``
  (ArrayBuffers and external strings: where binary matrices live);
- ``wasm_memory``: bytes of the live ``WebAssembly.Memory`` objects (tokenheat's arenas for
  zoomed-out reductions, js/data/wasmreduce.js), which ``backingStorageSize`` leaves out:
  the init script keeps a weak reference to each and sums those still alive after the GC;
- ``gpu_live``: bytes of the live WebGL textures, tallied by an init script wrapping
  ``texImage2D`` / ``texStorage2D`` / ``texSubImage2D`` / ``deleteTexture`` (width x height
  x bytes per texel of the internal format, per texture bound at the call and level: a
  texture defined again replaces its size, a deleted one is freed); ``gpu_uploaded``: bytes
  sent to textures so far. Textures only: not drawing buffers nor the driver's overhead.
  The tally is first checked on a 10 x 10 matrix against what ``js/render/glupload.js``
  and ``gl.js`` allocate for it (the R32F values texture, the RGBA8 colour map).

The kernel: in JupyterLab, the peak RSS (``VmHWM``, restarted by ``/proc/self/clear_refs``)
from before the heatmap cell to the end (exact values and tiles sent); for tokenheat also
in fresh processes, as ``time_to_visible.py --kernel-steps`` (imports and one tiny heatmap
first, so they do not count), the peak RSS increase and tracemalloc peak of
``w = Heatmap(z); w._repr_mimebundle_()``, also as multiples of ``z.size * 4``; with the
float64 ``z`` (``kernel``) and with ``z`` made float32 first (``kernel_float32``: no float64
originals to keep for the tooltips).

Run: ``python benchmarks/memory.py`` (``--sizes 1000 4096 20000``, ``--libs``). plotly is
not tried above 4096 x 4096 (its JSON kills the driver there already); a failed run is
recorded with its reason. Results are merged into ``benchmarks/memory_results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _lab import Driver, matrix_shape  # noqa: E402
from frames import BUNDLE, CELLS, SETUP, write_notebooks  # noqa: E402
from labdriver import running_lab  # noqa: E402
from time_to_visible import VISIBLE, write_results  # noqa: E402

PLOTLY_MAX_CELLS = 4096**2
PLOT = {"tokenheat": ".tokenheat .tokenheat-plotbox", "plotly": ".js-plotly-plot .nsewdrag"}
MiB = 2**20
# Wraps WebGL's texture calls to keep each texture's bytes (see the module's docstring).
TEXTURE_TALLY = """(() => {
  const G = WebGL2RenderingContext;
  const T = (window.__textures = { live: new Map(), uploaded: 0 });
  const named = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [G[k], [k, v]]));
  const SIZED = named({ R8: 1, RG8: 2, RGB8: 3, RGBA8: 4, SRGB8_ALPHA8: 4, R16F: 2, RG16F: 4,
    RGBA16F: 8, R32F: 4, RG32F: 8, RGB32F: 12, RGBA32F: 16, R32I: 4, RG32I: 8, RGBA32I: 16,
    R32UI: 4, RG32UI: 8, RGBA32UI: 16, R8UI: 1, RGBA8UI: 4, DEPTH_COMPONENT16: 2,
    DEPTH_COMPONENT24: 4, DEPTH_COMPONENT32F: 4, DEPTH24_STENCIL8: 4 });
  const CHANNELS = named({ RED: 1, RG: 2, RGB: 3, RGBA: 4, RED_INTEGER: 1, RG_INTEGER: 2,
    RGB_INTEGER: 3, RGBA_INTEGER: 4, LUMINANCE: 1, LUMINANCE_ALPHA: 2, ALPHA: 1 });
  const TYPES = named({ UNSIGNED_BYTE: 1, BYTE: 1, SHORT: 2, UNSIGNED_SHORT: 2, INT: 4,
    UNSIGNED_INT: 4, FLOAT: 4, HALF_FLOAT: 2 });
  const PACKED = named({ UNSIGNED_SHORT_5_6_5: 2, UNSIGNED_SHORT_4_4_4_4: 2,
    UNSIGNED_SHORT_5_5_5_1: 2, UNSIGNED_INT_24_8: 4, UNSIGNED_INT_2_10_10_10_REV: 4 });
  const texel = (format, type) =>
    (PACKED[type] || [])[1] ?? (CHANNELS[format]?.[1] ?? NaN) * (TYPES[type]?.[1] ?? NaN);
  const define = (ctx, target, level, w, h, internal, format, type) => {
    if (target !== G.TEXTURE_2D) return; // 2D textures only: all that tokenheat has
    const tex = ctx.getParameter(G.TEXTURE_BINDING_2D);
    if (!tex) return;
    const [name, size] = SIZED[internal] ||
      [CHANNELS[internal]?.[0] ?? `0x${internal.toString(16)}`, texel(format, type)];
    if (!T.live.has(tex)) T.live.set(tex, new Map());
    T.live.get(tex).set(`${target}:${level}`, { w, h, format: name, bytes: w * h * size });
  };
  const dims = (s) => [s.naturalWidth || s.videoWidth || s.width,
    s.naturalHeight || s.videoHeight || s.height];
  const wrap = (proto, name, before) => {
    const f = proto[name];
    if (f) proto[name] = function (...a) { before(this, a); return f.apply(this, a); };
  };
  for (const proto of [WebGLRenderingContext.prototype, G.prototype]) {
    wrap(proto, "texImage2D", (ctx, a) => {
      const [target, level, internal] = a;
      const [w, h, format, type, data] = a.length === 6 ? [...dims(a[5]), a[3], a[4], a[5]]
        : [a[3], a[4], a[6], a[7], a[8]];
      define(ctx, target, level, w, h, internal, format, type);
      if (data != null) T.uploaded += w * h * texel(format, type);
    });
    wrap(proto, "texStorage2D", (ctx, [target, levels, internal, w, h]) => {
      for (let l = 0; l < levels; l++)
        define(ctx, target, l, Math.max(1, w >> l), Math.max(1, h >> l), internal);
    });
    wrap(proto, "texSubImage2D", (ctx, a) => {
      const [w, h, format, type] = a.length === 7 ? [...dims(a[6]), a[4], a[5]] : a.slice(4, 8);
      T.uploaded += w * h * texel(format, type);
    });
    wrap(proto, "deleteTexture", (ctx, [tex]) => T.live.delete(tex));
  }
  // WebAssembly memories (tokenheat's reduction arenas): not in backingStorageSize, so
  // each is remembered weakly and the live ones are summed after the forced GC
  const Memory = WebAssembly.Memory;
  const memories = [];
  WebAssembly.Memory = function (...a) {
    const m = new Memory(...a);
    memories.push(new WeakRef(m));
    return m;
  };
  WebAssembly.Memory.prototype = Memory.prototype;
  T.summary = () => {
    const textures = [...T.live.values()].flatMap((levels) => [...levels.values()]);
    const live = textures.reduce((sum, t) => sum + t.bytes, 0);
    textures.sort((a, b) => b.bytes - a.bytes);
    const wasm = memories.map((r) => r.deref()).filter(Boolean)
      .reduce((sum, m) => sum + m.buffer.byteLength, 0);
    return { gpu_live: live, gpu_uploaded: T.uploaded, gpu_textures: textures,
      wasm_memory: wasm };
  };
})()"""
# The tally's rules on textures of known sizes: defined, defined again, texStorage2D's
# levels, deleted, and the bytes of an upload; expected: SELF_TEST_WANTS.
SELF_TEST = """() => {
  const gl = document.createElement("canvas").getContext("webgl2"), T = gl.TEXTURE_2D;
  const live = () => window.__textures.summary().gpu_live;
  const [t, u, seen] = [gl.createTexture(), gl.createTexture(), []];
  gl.bindTexture(T, t);
  gl.texImage2D(T, 0, gl.R32F, 10, 10, 0, gl.RED, gl.FLOAT, null);
  seen.push(live());
  gl.texImage2D(T, 0, gl.RGBA8, 5, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  seen.push(live());
  gl.bindTexture(T, u);
  gl.texStorage2D(T, 3, gl.RG32F, 8, 4);
  seen.push(live());
  gl.deleteTexture(t);
  seen.push(live());
  gl.texSubImage2D(T, 0, 0, 0, 2, 2, gl.RG, gl.FLOAT, new Float32Array(8));
  return [...seen, window.__textures.summary().gpu_uploaded];
}"""
SELF_TEST_WANTS = [400, 80, 80 + (32 + 8 + 2) * 8, (32 + 8 + 2) * 8, 32]
# The kernel's peak RSS from here on: VmHWM restarts from the current RSS (clear_refs 5).
PEAK_START = (
    "_status = lambda key: next(int(line.split()[1]) * 1024 for line in"
    ' open("/proc/self/status") if line.startswith(key))\n'
    'open("/proc/self/clear_refs", "w").write("5")\n'
    '_rss0 = _status("VmRSS:")'
)
PEAK_READ = (
    "import json\n"
    'print(json.dumps({"rss_peak": _status("VmHWM:") - _rss0,'
    ' "rss_kept": _status("VmRSS:") - _rss0}))'
)
TRACE_START = "import tracemalloc\ntracemalloc.start()"
TRACE_READ = (
    "import json\nkept, peak = tracemalloc.get_traced_memory()\n"
    'print(json.dumps({"tracemalloc_peak": peak, "tracemalloc_kept": kept}))'
)
# Imports, fonts and caches that any first heatmap loads: run before measuring.
WARMUP = {
    "tokenheat": "from tokenheat import Heatmap\nHeatmap(np.zeros((2, 2)))._repr_mimebundle_()",
    "plotly": "import plotly.graph_objects as go\n"
    "go.FigureWidget(go.Heatmap(z=[[0.0]]))._repr_mimebundle_()",
}
KERNEL = "import ipykernel.kernelapp\n{setup}\n{warmup}\n{start}\n{show}\n{read}"


def kernel_peak(rows: int, cols: int, dtype: str = "float64") -> dict:
    """Peak and kept memory of ``Heatmap(z)`` and its output bundle in fresh processes
    (RSS in one, tracemalloc, which adds its own overhead, in another), in bytes and as
    multiples of the float32 matrix; ``z`` float64, or made ``float32`` first."""
    out: dict = {"float32_bytes": rows * cols * 4}
    setup = SETUP.format(rows=rows, cols=cols)
    if dtype == "float32":
        setup += ".astype(np.float32)"
    for start, read in ((PEAK_START, PEAK_READ), (TRACE_START, TRACE_READ)):
        code = KERNEL.format(
            setup=setup,
            warmup=WARMUP["tokenheat"],
            start=start,
            show="w = Heatmap(z)\nw._repr_mimebundle_()",
            read=read,
        )
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if run.returncode:
            return {**out, "failed": run.stderr.strip().splitlines()[-1][:300]}
        out.update(json.loads(run.stdout.strip().splitlines()[-1]))
    for k in ("rss_peak", "rss_kept", "tracemalloc_peak", "tracemalloc_kept"):
        out[f"{k}_x_float32"] = round(out[k] / out["float32_bytes"], 2)
    out["within_2x_float32"] = out["rss_peak"] <= 2 * out["float32_bytes"]
    return out


def snapshot(page, cdp) -> dict:
    """The page's memory now, after a garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    usage = cdp.send("Runtime.getHeapUsage")
    return {
        "js_heap_used": int(metrics["JSHeapUsedSize"]),
        "array_buffers": usage.get("backingStorageSize"),
        **page.evaluate("window.__textures.summary()"),
    }


def settle(page) -> None:
    """Let the requests that follow a draw (exact values, tiles) be answered and drawn."""
    page.wait_for_timeout(1500)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', state="attached")
    page.wait_for_timeout(500)


def zoom(page, lib: str, steps: int, delta: int) -> None:
    """``steps`` wheel events of ``delta`` px in, over the middle of the plot (tokenheat:
    100 px zooms 2^0.2 = 1.15x, 500 px 2x); plotly: its modebar's "Zoom in" (2x) as often."""
    if lib == "tokenheat":
        box = page.locator(PLOT[lib]).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(steps):
            page.mouse.wheel(0, -delta)
            page.wait_for_timeout(50)
    else:
        gd = page.locator(".js-plotly-plot").first
        gd.hover()
        for _ in range(steps):
            gd.locator(".modebar-btn[data-attr='zoom'][data-val='in']").click()
    settle(page)


def doublings(page, lib: str, rows: int, cols: int) -> int:
    """How many 2x zooms bring the whole matrix to at most one cell per pixel of the plot
    (so that SwiftShader's tokenheat draws from its values texture, as a GPU always does)."""
    box = page.locator(PLOT[lib]).first.bounding_box()
    return max(1, math.ceil(math.log2(max(rows / box["height"], cols / box["width"]))))


def browser_run(lab, browser, lib: str, size: str, timeout_s: float, result: dict) -> None:
    """Measure ``{lib}-{size}.ipynb`` into ``result`` (kept so far if a step fails)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.add_init_script(TEXTURE_TALLY)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("HeapProfiler.enable")
        lab.open(page, f"{lib}-{size}.ipynb")
        lab.run_cell(page, 0, timeout=timeout_s * 1000)  # the matrix
        lab.run_code(page, f"{WARMUP[lib]}\n{PEAK_START}", timeout=timeout_s * 1000)
        stages = result["stages"] = {"before": snapshot(page, cdp)}
        lab.run_cell(page, 1, timeout=timeout_s * 1000)
        page.wait_for_function(f"() => {VISIBLE[lib]}", polling="raf", timeout=timeout_s * 1000)
        stages["drawn"] = snapshot(page, cdp)
        if lib == "tokenheat":
            root = page.locator(".tokenheat").first
            # the renderer it keeps (a page's first frame is drawn with canvas 2D)
            page.wait_for_function(
                "el => el.dataset.settled === 'true'", arg=root.element_handle(), timeout=30_000
            )
            result["renderer"] = root.get_attribute("data-renderer")
            root.scroll_into_view_if_needed()
        settle(page)
        stages["settled"] = snapshot(page, cdp)
        zoom(page, lib, 4, 100)
        stages["zoomed"] = snapshot(page, cdp)
        zoom(page, lib, doublings(page, lib, *matrix_shape(size)), 500)
        stages["zoomed_in"] = snapshot(page, cdp)
        result["kernel_in_lab"] = json.loads(lab.run_code(page, PEAK_READ, timeout=60_000))
    finally:
        with contextlib.suppress(PlaywrightError):
            context.close()
        lab.shutdown_kernels()


def linear_layout(total: int, max_size: int = 8192) -> tuple[int, int]:
    """``linearLayout`` of ``js/render/glupload.js``: the values texture's width, height."""
    shift = 0
    while 2 << shift <= max_size and (1 << shift) ** 2 < total:
        shift += 1
    return 1 << shift, -(-total // (1 << shift))


def check_tally(lab, browser, timeout_s: float) -> dict:
    """The texture tally, on textures of known sizes (``SELF_TEST``), then on a 10 x 10
    matrix (drawn zoomed in, so its values go up alone, without pyramid levels): it must
    find the R32F values texture and RGBA8 colour map that glupload.js and gl.js allocate
    for it."""
    page = browser.new_page()
    page.add_init_script(TEXTURE_TALLY)
    page.goto(f"{lab.url}/api/status")
    rules = page.evaluate(SELF_TEST)
    page.close()
    if rules != SELF_TEST_WANTS:
        raise SystemExit(f"texture tally wrong: {rules} on known textures, not {SELF_TEST_WANTS}")
    result: dict = {}
    browser_run(lab, browser, "tokenheat", "10", timeout_s, result)
    w, h = linear_layout(10 * 10)
    want = [{"w": w, "h": h, "format": "R32F", "bytes": w * h * 4},
            {"w": 256, "h": 1, "format": "RGBA8", "bytes": 1024}]  # fmt: skip
    found = result["stages"]["settled"]["gpu_textures"]
    missing = [t for t in want if t not in found]
    if missing:
        raise SystemExit(f"texture tally wrong: {missing} not among {found}")
    return {"known_textures": rules, "expected": want, "found": found}


def run_one(lab, driver: Driver, lib: str, size: str, timeout_s: float) -> dict:
    """One library at one size in the page, or why it could not be measured."""
    rows, cols = matrix_shape(size)
    r: dict = {}
    log_from = driver.log_size()
    try:
        if lib == "plotly" and rows * cols > PLOTLY_MAX_CELLS:
            r["failed"] = f"not tried: JSON state of {rows * cols:,} numbers"
        else:
            browser_run(lab, driver.browser(), lib, size, timeout_s, r)
    except PlaywrightError as exc:
        r["failed"] = driver.why_failed(exc, f"a step took over {timeout_s:g} s", log_from)
    return {**r, "load": os.getloadavg()[0], "when": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def summary(r: dict) -> str:
    if "failed" in r:
        return f"failed ({r['failed']}), load {r['load']:.1f}"
    s = r["stages"]
    mib = lambda key: "/".join(f"{s[k][key] / MiB:.1f}" for k in s)  # noqa: E731
    return (
        f"JS heap {mib('js_heap_used')}, ArrayBuffers {mib('array_buffers')}, WebAssembly "
        f"{mib('wasm_memory')}, GPU textures {mib('gpu_live')} MiB ({'/'.join(s)}); kernel peak "
        f"+{r['kernel_in_lab']['rss_peak'] / MiB:.1f} MiB; load {r['load']:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1000", "4096", "20000"])
    parser.add_argument("--libs", nargs="+", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per step")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "memory_results.json")
    args = parser.parse_args()

    old = json.loads(args.out.read_text()) if args.out.exists() else {}
    found = {k: old.get(k, {}) for k in ("browser", "kernel", "kernel_float32")}
    bundle = BUNDLE.read_bytes()
    found["bundle"] = {"bytes": len(bundle), "sha256": hashlib.sha256(bundle).hexdigest()[:16]}
    found["load_at_start"] = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="tokenheat-memory-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        write_notebooks(notebooks, ["10", *args.sizes])
        driver = Driver(Path(tmp) / "driver.log")
        try:
            with running_lab(notebooks, Path(tmp) / "lab") as lab:
                found["tally_check"] = check_tally(lab, driver.browser(), args.timeout)
                for size in args.sizes:
                    for lib in args.libs:
                        r = run_one(lab, driver, lib, size, args.timeout)
                        found["browser"].setdefault(size, {})[lib] = r
                        print(f"{lib:>9} {size:>6}: {summary(r)}", flush=True)
                        write_results(args.out, driver.version, found)  # kept if we die
                    for key, dtype in (("kernel", "float64"), ("kernel_float32", "float32")):
                        k = found[key][size] = kernel_peak(*matrix_shape(size), dtype)
                        k["load"] = os.getloadavg()[0]
                        print(f"   kernel {size:>6} {dtype}: {json.dumps(k)}", flush=True)
                        write_results(args.out, driver.version, found)
        finally:
            driver.stop()


if __name__ == "__main__":
    main()
