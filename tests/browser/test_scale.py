"""Big matrices and many widgets in real JupyterLab: zoomed-out pixels show the strongest
cell they cover (in WebGL and canvas 2D alike), matrices over MAX_TEXTURE_SIZE stay on
WebGL, 30 heatmaps on one page all draw, and views release their WebGL contexts."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest

from tokenheat.colormaps import colorize

from .conftest import WidgetView, write_notebook

TOLERANCE = 6
ROWS, COLS = 100_000, 50

# Counts the page's WebGL contexts: made in all, and still live (not lost).
COUNT_CONTEXTS = """(() => {
  const made = [];
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const ctx = getContext.call(this, type, ...rest);
    const known = made.some((r) => r.deref() === ctx);
    if (ctx && /webgl/.test(type) && !known) made.push(new WeakRef(ctx));
    return ctx;
  };
  globalThis.__contexts = () => {
    let live = 0;
    for (const r of made) if (r.deref() && !r.deref().isContextLost()) live++;
    return { made: made.length, live };
  };
})();"""

# The device pixels of a canvas as a PNG data URL (WebGL keeps its drawing buffer).
CANVAS_PNG = "c => c.toDataURL('image/png')"


@pytest.fixture
def console(page):
    """Console messages of the page; the test fails on any error among them."""
    messages: list[tuple[str, str]] = []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.add_init_script(COUNT_CONTEXTS)
    yield messages
    errors = [text for kind, text in messages if kind == "error"]
    assert not errors, f"console errors: {errors}"
    evicted = [text for _, text in messages if "Too many active WebGL contexts" in text]
    assert not evicted, "the browser dropped WebGL contexts: tokenheat kept too many"


def py(lab, page, expr: str):
    import ast

    out = lab.run_code(page, f"print(repr({expr}))", timeout=120_000)
    return ast.literal_eval(out.strip().splitlines()[-1])


def redrawn(view: WidgetView, before: int, timeout: float = 60_000) -> None:
    view.page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}",
        arg=view.root.element_handle(),
        timeout=timeout,
    )


def close(actual, expected, tol=TOLERANCE) -> bool:
    return all(abs(int(a) - int(e)) <= tol for a, e in zip(actual, expected, strict=False))


def pixel_ranges(start: float, end: float, count: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells each of n device pixels covers (reduce.js pixelRanges, float32 maths)."""
    f = np.float32
    s = f(start)
    span = f(f(end) - s)
    p = np.arange(n, dtype=np.float64)

    def at(frac):
        return s + frac.astype(np.float32) * span

    if span > n:
        lo, hi = np.floor(at(p / n)), np.ceil(at((p + 1) / n)) - 1
    else:
        lo = hi = np.floor(at((p + 0.5) / n))
    lo = np.clip(lo, 0, count - 1).astype(np.int64)
    return lo, np.clip(np.maximum(hi, lo), 0, count - 1).astype(np.int64)


def strongest(block: np.ndarray) -> float:
    """The value a pixel covering `block` shows: largest |v|, positive on ties, NaN if all are."""
    v = block[~np.isnan(block)]
    if v.size == 0:
        return float("nan")
    top = v[np.abs(v) == np.abs(v).max()]
    return float(top.max())


def exported_pixels(lab, page, width: int, height: int, vmin: float, vmax: float) -> np.ndarray:
    """What the Python export draws of ``w``'s view in a ``width`` x ``height`` cell area
    (its values, coloured by the default RdYlGn map around 0 from ``vmin`` to ``vmax``),
    (height, width, 3): to compare with :func:`canvas_pixels`."""
    import base64

    from tokenheat.colormaps import colorize

    shown = py(
        lab,
        page,
        "__import__('base64').b64encode(__import__('tokenheat._export_pixels', fromlist=['_'])"
        f".shown_values(w, {width}, {height}).tobytes()).decode()",
    )
    values = np.frombuffer(base64.b64decode(shown), dtype=np.float32).reshape(height, width)
    return colorize(values, vmin=vmin, vmax=vmax, center=0.0, lut="RdYlGn")[..., :3]


def canvas_pixels(view: WidgetView) -> np.ndarray:
    """The cells canvas's device pixels, (height, width, 3)."""
    import base64

    from PIL import Image

    url = view.cells.evaluate(CANVAS_PNG)
    png = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def check_pixels(pixels: np.ndarray, q: np.ndarray, window, scale: dict, n: int = 150) -> None:
    """Sample pixels show the strongest value of the cells Python says they cover."""
    h, w, _ = pixels.shape
    rows, cols = q.shape
    r0, r1, c0, c1 = window or (0, rows, 0, cols)
    lo, hi = pixel_ranges(r0, r1, rows, h)
    clo, chi = pixel_ranges(c0, c1, cols, w)
    rng = np.random.default_rng(2)
    for y, x in zip(rng.integers(0, h, n), rng.integers(0, w, n), strict=True):
        value = strongest(q[lo[y] : hi[y] + 1, clo[x] : chi[x] + 1])
        want = colorize(np.array([[value]]), **scale)[0, 0, :3]
        assert (pixels[y, x] == want).all(), (window, y, x, pixels[y, x].tolist(), want.tolist())


def shot(view: WidgetView) -> np.ndarray:
    """What the screen shows of the cells (a screenshot), one pixel per device pixel of
    the canvas (the element's box may start at a fraction of a pixel: the screenshot then
    has one more row or column; keep the crop that lines up with the canvas)."""
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(view.cells.screenshot())).convert("RGB"))
    canvas = canvas_pixels(view)
    h, w, _ = canvas.shape
    crops = [
        image[dy : dy + h, dx : dx + w]
        for dy in range(image.shape[0] - h + 1)
        for dx in range(image.shape[1] - w + 1)
    ]
    assert crops, (image.shape, canvas.shape)
    return min(crops, key=lambda c: np.abs(c.astype(int) - canvas).mean())


def colour_of(
    value: float, vmin: float, vmax: float, center=0.0, cmap: str = "RdYlGn"
) -> tuple[int, int, int]:
    rgba = colorize(np.array([[value]]), vmin=vmin, vmax=vmax, center=center, lut=cmap)
    return tuple(int(x) for x in rgba[0, 0, :3])


# --------------------------------------------------------------------------- 100000 x 50
TALL = f"""\
import numpy as np
from tokenheat import Heatmap
z = np.random.default_rng(0).uniform(-0.01, 0.01, size=({ROWS}, {COLS}))
w = Heatmap(z, vmin=-5, vmax=5, row_labels=[f"token {{i}}" for i in range({ROWS})],
            title="tall", static_png=False)
w"""


def test_tall_matrix_keeps_strong_rows_and_zooms_to_exact_cells(lab, page, console) -> None:
    lab.open(page, write_notebook(lab, "tall.ipynb", TALL))
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=120_000)
    # 100000 rows exceed MAX_TEXTURE_SIZE, yet the matrix stays on WebGL
    assert view.root.get_attribute("data-renderer") == "webgl2"
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    assert height < ROWS / 10  # zoomed out: every pixel row covers many rows

    # A row that no pixel centre falls in (the old rule would never show it), and one
    # strong cell of the other sign in another such row.
    centre, _ = pixel_ranges(0, ROWS, ROWS, height)
    skipped = sorted(set(range(ROWS)) - set(centre.tolist()))
    strong = skipped[len(skipped) // 2]
    single = skipped[len(skipped) // 4]
    col = COLS // 3
    before = view.draws()
    lab.run_code(page, f"z[{strong}] = 5.0\nz[{single}, {col}] = -5.0\nw.values = z")
    redrawn(view, before)
    assert view.root.get_attribute("data-renderer") == "webgl2"

    lo, hi = pixel_ranges(0, ROWS, ROWS, height)
    clo, _ = pixel_ranges(0, COLS, COLS, width)
    image = shot(view)
    assert image.shape[:2] == (height, width)
    green = colour_of(5.0, -5, 5, 0.0, "RdYlGn")
    red = colour_of(-5.0, -5, 5, 0.0, "RdYlGn")
    covering = [y for y in range(height) if lo[y] <= strong <= hi[y]]
    assert covering, "no pixel row covers the strong row"
    for y in covering:
        for x in range(0, width, max(1, width // 23)):
            assert close(image[y, x], green), (x, y, image[y, x], green)
    ys = [y for y in range(height) if lo[y] <= single <= hi[y]]
    xs = [x for x in range(width) if clo[x] == col]
    for y in ys:
        for x in xs:
            assert close(image[y, x], red), (x, y, image[y, x], red)
    # The tooltip over that pixel describes the strong cell and says what the pixel holds.
    view.cells.scroll_into_view_if_needed()
    box = view.cells.bounding_box()
    page.mouse.move(
        box["x"] + (xs[0] + 0.5) * box["width"] / width,
        box["y"] + (ys[0] + 0.5) * box["height"] / height,
    )
    tip = view.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    text = tip.text_content()
    assert f"row {single}" in text and f"column {col}" in text and "5" in text, text
    assert "strongest of" in text and "cells (rows" in text, text
    page.mouse.move(0, 0)

    # elsewhere the pale middle of the map: nothing else is strong
    calm = next(
        y
        for y in range(height * 3 // 4, height)
        if not lo[y] <= strong <= hi[y] and not lo[y] <= single <= hi[y]
    )
    pale = colour_of(0.0, -5, 5, 0.0, "RdYlGn")
    assert close(image[calm, xs[0]], pale, tol=12)

    # Row labels are thinned: a few hundred at most, none overlapping another.
    labels = view.root.locator(".tokenheat-row-label")
    assert 0 < labels.count() <= 300
    boxes = sorted(
        (b["y"], b["y"] + b["height"])
        for b in (el.bounding_box() for el in labels.all() if el.is_visible())
    )
    assert len(boxes) > 5
    assert all(b[0] >= a[1] - 0.5 for a, b in itertools.pairwise(boxes)), boxes[:5]

    # Zoomed in from Python: exact cells, each in its own colour.
    r0, c0 = strong - 4, col - 4
    before = view.draws()
    lab.run_code(page, f"w.view = ({r0}, {r0 + 8}, {c0}, {c0 + 8})")
    redrawn(view, before)
    image = shot(view)
    values = np.asarray(py(lab, page, f"w.values[{r0}:{r0 + 8}, {c0}:{c0 + 8}].tolist()"))
    for i in range(8):
        for j in range(8):
            y, x = int((i + 0.3) * height / 8), int((j + 0.3) * width / 8)
            want = colour_of(np.float32(values[i, j]), -5, 5, 0.0, "RdYlGn")
            assert close(image[y, x], want), (r0 + i, c0 + j, image[y, x], want)
    assert close(image[int(4.5 * height / 8), int(0.5 * width / 8)], green)


# ----------------------------------------------------- WebGL and canvas 2D, pixel for pixel
# Odd integers -255..255 sit in the middle of their LUT bins (vmin=-256, vmax=256, no
# centre), so each value has its own viridis colour and float32 vs float64 colour maths
# cannot differ: any difference between the renderers is a different cell chosen.
MAKE_Q = """\
rng = np.random.default_rng(1)
q = (2 * rng.integers(0, 256, size=(1500, 1300)) - 255).astype(float)
q[rng.random(q.shape) < 0.05] = np.nan
q[:40, :40] = np.nan
q[700:740, 100:140] = 255.0
q[701, 101] = -255.0
"""
AGREE = f"""\
import numpy as np
from tokenheat import Heatmap
{MAKE_Q}
m = Heatmap(q, vmin=-256, vmax=256, center=None, cmap="viridis", static_png=False)
m"""

VIEWS = [
    (0.0, 1500.0, 500.0, 700.5),  # rows reduced, columns not
    (300.25, 420.0, 0.0, 1300.0),  # columns reduced, rows not
    (695.0, 715.0, 90.0, 114.0),  # zoomed in
    None,  # both axes reduced (the first view drawn is this one too)
]


# How the WebGL renderer reduces: as it chooses here (on SwiftShader the CPU reduces views
# zoomed out along both axes), in the shader whatever the GPU (its name masked), or in one
# pass (no float render targets).
GPU_NAME = """
const getParameter = WebGL2RenderingContext.prototype.getParameter;
WebGL2RenderingContext.prototype.getParameter = function (p) {
  return p === 0x9246 ? "Test GPU" : getParameter.call(this, p);  // UNMASKED_RENDERER_WEBGL
};"""
NO_FLOAT_TARGETS = """
const getExtension = WebGL2RenderingContext.prototype.getExtension;
WebGL2RenderingContext.prototype.getExtension = function (name) {
  return name === "EXT_color_buffer_float" ? null : getExtension.call(this, name);
};"""
MODES = {"as-chosen": [], "shader": [GPU_NAME], "single-pass": [GPU_NAME, NO_FLOAT_TARGETS]}


@pytest.mark.parametrize("mode", list(MODES))
def test_webgl_and_canvas2d_agree_pixel_for_pixel(lab, page, console, mode) -> None:
    for script in MODES[mode]:
        page.add_init_script(script)
    lab.open(page, write_notebook(lab, "agree.ipynb", AGREE))
    lab.run_all(page)
    gl = WidgetView(page, 0).wait_ready()
    assert gl.root.get_attribute("data-renderer") == "webgl2"
    page.evaluate("globalThis.__tokenheatForceCanvas2d = true")
    lab.run_code(page, "m")
    cpu = WidgetView(page, 1).wait_ready()
    assert cpu.root.get_attribute("data-renderer") == "canvas2d"
    made: dict = {"np": np}
    exec(MAKE_Q, made)  # the same matrix, here
    q = made["q"].astype(np.float32)
    for v in VIEWS:
        before = (gl.draws(), cpu.draws())
        lab.run_code(page, f"m.view = {v}")
        redrawn(gl, before[0])
        redrawn(cpu, before[1])
        a = canvas_pixels(gl)
        b = canvas_pixels(cpu)
        assert a.shape == b.shape
        differ = np.argwhere((a != b).any(axis=2))
        assert len(differ) == 0, (
            f"view {v}: {len(differ)} pixels differ, e.g. {differ[:5].tolist()}"
        )
        # and both show what Python says each pixel covers
        check_pixels(a, q, v, {"vmin": -256, "vmax": 256, "center": None, "lut": "viridis"})


# --------------------------------------------------------------------------- 30 widgets
MANY = """\
import numpy as np
from IPython.display import display
from tokenheat import Heatmap
firsts = np.linspace(-0.95, 0.95, 30)
maps = []
for i, v in enumerate(firsts):
    z = np.full((6, 4), 0.0)
    z[0, 0] = v
    maps.append(Heatmap(z, vmin=-1, vmax=1, title=f"map {i}", height=220, static_png=False))
    display(maps[-1])"""


def test_thirty_heatmaps_all_draw_and_get_webgl_back(lab, page, console) -> None:
    lab.open(page, write_notebook(lab, "many.ipynb", MANY))
    lab.run_all(page)
    page.locator(".tokenheat").nth(29).wait_for(state="attached", timeout=120_000)
    firsts = np.linspace(-0.95, 0.95, 30)

    def check(i: int) -> None:
        view = WidgetView(page, i).wait_ready()
        # on screen again, a view draws with WebGL (a context is taken from one far away)
        page.wait_for_function(
            "el => el.dataset.renderer === 'webgl2'", arg=view.root.element_handle()
        )
        want = colour_of(firsts[i], -1, 1, 0.0, "RdYlGn")
        got = view.cell_colour(0, 0, (6, 4))
        assert close(got, want), (i, got, want)
        assert close(view.cell_colour(3, 2, (6, 4)), colour_of(0.0, -1, 1, 0.0, "RdYlGn"))

    for i in range(30):
        check(i)
        assert page.evaluate("__contexts().live") <= 8
    for i in (0, 1, 15):
        check(i)
    # every view that is not on screen still shows its cells (canvas 2D or WebGL)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.tokenheat')].filter("
        "el => el.dataset.ready === 'true' && el.querySelectorAll('.tokenheat-cells').length === 1"
        ").length"
    )
    assert drawn == 30


# ------------------------------------------------------------------ create/destroy cycles
CYCLE = """\
import time
from IPython.display import clear_output, display
for i in range(n):
    clear_output(wait=True)
    display(w)
    time.sleep(0.3)
print("cycled")"""


def test_views_release_their_contexts(lab, page, console) -> None:
    setup = (
        "import numpy as np\nfrom tokenheat import Heatmap\nn = 10\n"
        "w = Heatmap(np.random.default_rng(3).normal(size=(700, 1200)), static_png=False)"
    )
    lab.open(page, write_notebook(lab, "cycles.ipynb", setup, CYCLE))
    lab.run_cell(page, 0)
    cdp = page.context.new_cdp_session(page)

    def heap_mb() -> float:
        cdp.send("HeapProfiler.collectGarbage")
        return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20

    lab.run_cell(page, 1, timeout=120_000)
    WidgetView(page, 0).wait_ready()
    warm = heap_mb()
    made = page.evaluate("__contexts().made")
    lab.run_code(page, "n = 40")
    lab.run_cell(page, 1, timeout=180_000)  # its 40 new views replace the old one
    assert "cycled" in page.locator(".jp-Notebook .jp-Cell").nth(1).inner_text()
    WidgetView(page, 0).wait_ready()
    stats = page.evaluate("__contexts()")
    assert stats["made"] - made >= 35, stats  # the views really drew with WebGL
    assert stats["live"] <= 1, stats
    assert page.locator("canvas.tokenheat-cells").count() == 1
    pool = page.evaluate("globalThis.__tokenheatContextPool1.entries.size")
    assert pool == 1
    grown = heap_mb() - warm
    # each leaked view would keep its matrix, pyramid and pixels (several MB)
    assert grown < 15, f"JS heap grew by {grown:.1f} MB over 40 views"


# ---------------------------------------------------------------- MAX_TEXTURE_SIZE = 128
SMALL_TEXTURES = """
const getParameter = WebGL2RenderingContext.prototype.getParameter;
WebGL2RenderingContext.prototype.getParameter = function (p) {
  return p === this.MAX_TEXTURE_SIZE ? 128 : getParameter.call(this, p);
};"""
MAKE_AB = """\
rng = np.random.default_rng(4)
a = (2 * rng.integers(0, 256, size=(1000, 10)) - 255).astype(float)
b = (2 * rng.integers(0, 256, size=(200, 200)) - 255).astype(float)
"""
TEXTURES = f"""\
import numpy as np
from tokenheat import Heatmap
{MAKE_AB}
scale = dict(vmin=-256, vmax=256, center=None, cmap="viridis", static_png=False)
fits, big = Heatmap(a, **scale), Heatmap(b, **scale)
display(fits, big)"""


def test_beyond_max_texture_size_and_context_loss(lab, page, console) -> None:
    """With MAX_TEXTURE_SIZE 128: 1000 rows still fit (wrapped), 40000 cells do not; a lost
    context falls back to canvas 2D at once and WebGL returns when the view shows again."""
    page.add_init_script(SMALL_TEXTURES)
    lab.open(page, write_notebook(lab, "textures.ipynb", TEXTURES))
    lab.run_all(page)
    fits, big = WidgetView(page, 0).wait_ready(), WidgetView(page, 1).wait_ready()
    made: dict = {"np": np}
    exec(MAKE_AB, made)  # the same matrices, here
    scale = {"vmin": -256, "vmax": 256, "center": None, "lut": "viridis"}
    assert fits.root.get_attribute("data-renderer") == "webgl2"
    check_pixels(canvas_pixels(fits), made["a"].astype(np.float32), None, scale)
    assert big.root.get_attribute("data-renderer") == "canvas2d"
    check_pixels(canvas_pixels(big), made["b"].astype(np.float32), None, scale)
    warned = [t for kind, t in console if kind == "warning" and "does not fit a texture" in t]
    assert warned, console

    fits.cells.evaluate(
        "c => c.getContext('webgl2').getExtension('WEBGL_lose_context').loseContext()"
    )
    page.wait_for_function(
        "el => el.dataset.renderer === 'canvas2d'", arg=fits.root.element_handle()
    )
    assert fits.root.locator(".tokenheat-cells").count() == 1
    check_pixels(canvas_pixels(fits), made["a"].astype(np.float32), None, scale)
    # off screen and back (hidden here): a fresh context
    output = fits.root.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
    output.evaluate("el => { el.style.display = 'none'; }")
    page.wait_for_timeout(300)
    output.evaluate("el => { el.style.display = ''; }")
    page.wait_for_function("el => el.dataset.renderer === 'webgl2'", arg=fits.root.element_handle())
    check_pixels(canvas_pixels(fits), made["a"].astype(np.float32), None, scale)


# ------------------------------------------------------------------------ 20000 x 20000
# 400 million cells: the browser gets a 2000 x 2000 overview of the strongest value of
# each 10 x 10 block, and the window it shows, finer, when zoomed in.
HUGE = 20_000
STRONG = (12_345, 6_789)
WINDOW = (12_340, 12_350, 6_780, 6_800)
HUGE_NB = f"""\
import numpy as np
from tokenheat import Heatmap
z = np.zeros(({HUGE}, {HUGE}), dtype=np.float32)
r0, r1, c0, c1 = {WINDOW}
z[r0:r1, c0:c1] = np.linspace(-4, 4, (r1 - r0) * (c1 - c0)).reshape(r1 - r0, c1 - c0)
z[{STRONG[0]}, {STRONG[1]}] = -5.0
big = Heatmap(z, vmin=-5, vmax=5, title="400 million cells", static_png=False)
big"""


def tooltip_at(view: WidgetView, x: int, y: int, size: tuple[int, int]) -> tuple[str, str]:
    """The tooltip's text over device pixel (x, y) of a canvas of `size` (w, h), and the
    key of its row line ("row i", or "rows a-b" with an en dash for a block of cells)."""
    view.cells.scroll_into_view_if_needed()
    box = view.cells.bounding_box()
    view.page.mouse.move(
        box["x"] + (x + 0.5) * box["width"] / size[0],
        box["y"] + (y + 0.5) * box["height"] / size[1],
    )
    tip = view.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    text = tip.text_content() or ""
    key = tip.locator(".tokenheat-tooltip-key").first.text_content() or ""
    view.page.mouse.move(0, 0)
    return text, key


def span_of(key: str) -> tuple[int, int]:
    """(a, b) of a tooltip key "rows a-b" (an en dash between)."""
    import re

    match = re.fullmatch(r"rows (\d+)\u2013(\d+)", key)
    assert match, key
    return int(match[1]), int(match[2])


def until(check, timeout_s: float = 60.0, what: str = ""):
    """Retry `check()` (an assertion) until it passes, e.g. until tiles come when the
    kernel answers; its result. Past `timeout_s` its last failure is raised, named by
    `what` when given."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return check()
        except AssertionError as failure:
            if time.monotonic() > deadline:
                if what:
                    raise AssertionError(f"{what}: {failure}") from failure
                raise
            time.sleep(0.5)


def test_a_matrix_of_400_million_cells_draws_its_overview_and_zooms_to_exact_cells(
    lab, page, console, tmp_path
) -> None:
    lab.open(page, write_notebook(lab, "huge.ipynb", HUGE_NB))
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=180_000)
    assert view.root.get_attribute("data-renderer") == "webgl2"
    assert py(lab, page, "big._block") == [10, 10]
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    red = colour_of(-5.0, -5, 5, 0.0, "RdYlGn")
    pale = colour_of(0.0, -5, 5, 0.0, "RdYlGn")

    # Zoomed out: the one strong cell shows (its block's strongest value), the rest is 0.
    lo, hi = pixel_ranges(0, HUGE // 10, HUGE // 10, height)
    clo, chi = pixel_ranges(0, HUGE // 10, HUGE // 10, width)
    ys = [y for y in range(height) if lo[y] <= STRONG[0] // 10 <= hi[y]]
    xs = [x for x in range(width) if clo[x] <= STRONG[1] // 10 <= chi[x]]
    image = shot(view)
    assert ys and xs and all(close(image[y, x], red) for y in ys for x in xs)
    assert close(image[height // 8, width // 8], pale)
    text, key = tooltip_at(view, xs[0], ys[0], (width, height))
    assert "-5" in text and "strongest of" in text, text
    first, last = span_of(key)  # the block, not one cell: its place is not known here
    assert first <= STRONG[0] <= last and last - first == 9, text

    # Zoomed in from Python: the window arrives cell by cell, each in its own colour.
    r0, r1, c0, c1 = WINDOW
    lab.run_code(page, f"big.view = {WINDOW}")
    values = np.linspace(-4, 4, (r1 - r0) * (c1 - c0), dtype=np.float32)
    values = values.reshape(r1 - r0, c1 - c0)
    values[STRONG[0] - r0, STRONG[1] - c0] = -5.0

    def exact_cells() -> None:
        image = shot(view)
        for i in range(r1 - r0):
            for j in range(0, c1 - c0, 3):
                y = int((i + 0.4) * height / (r1 - r0))
                x = int((j + 0.4) * width / (c1 - c0))
                want = colour_of(values[i, j], -5, 5, 0.0, "RdYlGn")
                assert close(image[y, x], want), (r0 + i, c0 + j, image[y, x], want)

    until(exact_cells)
    y = int((STRONG[0] - r0 + 0.5) * height / (r1 - r0))
    x = int((STRONG[1] - c0 + 0.5) * width / (c1 - c0))
    text, key = tooltip_at(view, x, y, (width, height))
    assert key == f"row {STRONG[0]}" and f"column {STRONG[1]}" in text, text
    assert "-5" in text and "strongest" not in text, text

    # The PNG download shows those cells too (drawn from the same window).
    from .test_export import download, plot_offset, png_array

    image = png_array(download(page, view, "png", tmp_path)[1])
    left, top = plot_offset(view)
    box = view.cells.bounding_box()
    for (i, j), value in (((STRONG[0] - r0, STRONG[1] - c0), -5.0), ((0, 0), values[0, 0])):
        px = round(2 * (left + (j + 0.5) * box["width"] / (c1 - c0)))
        py_ = round(2 * (top + (i + 0.5) * box["height"] / (r1 - r0)))
        want = colour_of(value, -5, 5, 0.0, "RdYlGn")
        assert close(image[py_, px], want), ((i, j), image[py_, px], want)

    # Half way: a finer overview of the region (blocks smaller than 10 x 10) still shows
    # the strong cell, and says which rows its pixel stands for.
    lab.run_code(page, "big.view = (10_000, 14_000, 5_000, 9_000)")

    def finer() -> None:
        lo, hi = pixel_ranges(10_000, 14_000, HUGE, height)
        clo, chi = pixel_ranges(5_000, 9_000, HUGE, width)
        y = next(y for y in range(height) if lo[y] <= STRONG[0] <= hi[y])
        x = next(x for x in range(width) if clo[x] <= STRONG[1] <= chi[x])
        assert close(shot(view)[y, x], red)
        text, key = tooltip_at(view, x, y, (width, height))
        first, last = span_of(key)
        assert first <= STRONG[0] <= last and last - first < 9, text

    until(finer)
