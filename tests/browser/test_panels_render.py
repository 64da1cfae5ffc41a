"""A stack of panels drawn by one renderer into one canvas, checked on real pixels.

`panels_harness.js` drives js/render/gl.js and js/render/canvas2d.js directly in Chromium
(no widget, no kernel): a stack of matrices of one shape, each panel drawn into its own
rectangle with the same view and colour scale. Every panel's pixels must follow the pixel
rule and the colour rule of docs/architecture.md applied to that panel's values alone
(recomputed here in numpy), the gaps must stay transparent, WebGL2 and canvas 2D must
agree, and all panels share one WebGL context.
"""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
NAN_RGB = (255, 0, 255)
WHITE = (255, 255, 255)


@pytest.fixture(scope="module")
def harness_js(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("panels") / "harness.js"
    subprocess.run(
        [
            str(ROOT / "node_modules" / ".bin" / "esbuild"),
            "tests/browser/panels_harness.js",
            "--bundle",
            "--format=esm",
            f"--outfile={out}",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out.read_text()


@pytest.fixture
def harness(page, harness_js: str):
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(content=harness_js, type="module")
    page.wait_for_function("() => window.panelsHarness !== undefined")

    def draw(spec: dict) -> list[np.ndarray]:
        res = draw.raw(spec)
        assert "error" not in res, res
        assert res["kind"] == spec["kind"] and res["failures"] == [], res
        h, w = spec["height"], spec["width"]
        return [
            np.frombuffer(base64.b64decode(b), dtype=np.uint8).reshape(h, w, 4)
            for b in res["images"]
        ]

    draw.raw = lambda spec: page.evaluate("spec => window.panelsHarness.draw(spec)", spec)
    draw.contexts = lambda: page.evaluate("() => window.panelsHarness.contexts()")
    return draw


# ---------------------------------------------------------------- the rules, in numpy


def pixel_ranges(start: float, end: float, count: int, n: int):
    """reduce.js's pixelRanges, in the same float32 steps."""
    f32 = np.float32
    s = f32(start)
    span = f32(f32(end) - s)
    p = np.arange(n, dtype=np.float64)
    if span > n:
        lo = np.floor(s + (p / n).astype(f32) * span).astype(np.int64)
        hi = np.ceil(s + ((p + 1) / n).astype(f32) * span).astype(np.int64) - 1
    else:
        lo = hi = np.floor(s + ((p + 0.5) / n).astype(f32) * span).astype(np.int64)
    lo = np.clip(lo, 0, count - 1)
    hi = np.maximum(lo, np.minimum(hi, count - 1))
    return lo, hi


def strongest(v: np.ndarray, view: dict, w: int, h: int) -> np.ndarray:
    """The value each pixel of a w x h panel shows: the strongest cell it covers (largest
    |v|, the positive one of +x and -x, NaN only when all are NaN)."""
    rows, cols = v.shape
    rlo, rhi = pixel_ranges(view["row0"], view["row1"], rows, h)
    clo, chi = pixel_ranges(view["col0"], view["col1"], cols, w)
    nan = np.isnan(v)
    mags = np.unique(np.abs(v[~nan]))
    key = np.where(nan, -1, 2 * np.searchsorted(mags, np.abs(np.where(nan, 0, v))) + (v > 0))
    k1 = np.empty((h, cols), dtype=np.int64)
    v1 = np.empty((h, cols), dtype=v.dtype)
    at = np.arange(cols)
    for y in range(h):
        blk = key[rlo[y] : rhi[y] + 1]
        i = blk.argmax(axis=0)
        k1[y] = blk[i, at]
        v1[y] = v[rlo[y] + i, at]
    out = np.empty((h, w), dtype=v.dtype)
    at = np.arange(h)
    for x in range(w):
        i = k1[:, clo[x] : chi[x] + 1].argmax(axis=1)
        out[:, x] = v1[at, clo[x] + i]
    return out


def colours(v: np.ndarray, scale: dict) -> np.ndarray:
    """The colour rule with a grey ramp LUT (entry i = (i, i, i)), RGBA."""
    vmin, vmax, center = scale["vmin"], scale["vmax"], scale["center"]
    t = np.clip(v.astype(np.float64), vmin, vmax)
    if center is None:
        u = (t - vmin) / (vmax - vmin)
    else:
        r = max(vmax - center, center - vmin)
        u = 0.5 + (t - center) / (2 * r)
    i = np.clip(np.floor(np.nan_to_num(u) * 256), 0, 255).astype(np.uint8)
    rgba = np.stack([i, i, i, np.full_like(i, 255)], axis=-1)
    rgba[np.isnan(v)] = (*NAN_RGB, 255)
    return rgba


def expected(stack: np.ndarray, spec: dict, view: dict) -> np.ndarray:
    """The whole canvas: every panel's rectangle, transparent elsewhere."""
    img = np.zeros((spec["height"], spec["width"], 4), dtype=np.uint8)
    for r in spec["rects"]:
        x, y, w, h = r["x"], r["y"], r["w"], r["h"]
        img[y : y + h, x : x + w] = colours(strongest(stack[r["index"]], view, w, h), spec["scale"])
    return img


def grid(order: list[int], across: int, w: int, h: int, gap: int, margin: int):
    """Rectangles of equal size in rows of `across`, panel `order[k]` in place k."""
    rects = [
        {
            "index": idx,
            "x": margin + (k % across) * (w + gap),
            "y": margin + (k // across) * (h + gap),
            "w": w,
            "h": h,
        }
        for k, idx in enumerate(order)
    ]
    down = -(-len(order) // across)
    width = 2 * margin + across * w + (across - 1) * gap
    return rects, width, 2 * margin + down * h + (down - 1) * gap


def grid_spec(shape: tuple[int, int, int], layout, views: list[dict], scale: dict, **extra):
    """A harness spec for a stack of ``shape`` (panels, rows, cols) drawn in ``layout``
    (the rectangles, width and height :func:`grid` gives); ``extra`` adds to it."""
    panels, rows, cols = shape
    rects, width, height = layout
    return {
        "rows": rows,
        "cols": cols,
        "panels": panels,
        "width": width,
        "height": height,
        "rects": rects,
        "views": views,
        "scale": scale,
        **extra,
    }


def quantized(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values (k - 127.5) / 256, k in 16..239, so u * 256 = k + 0.5 is never on a LUT
    boundary (float32 shader and float64 canvas agree) and no cell reaches LUT entry 255
    (white); about 5% NaN."""
    k = rng.integers(16, 240, size=shape)
    v = ((k - 127.5) / 256).astype(np.float32)
    v[rng.random(shape) < 0.05] = np.nan
    return v


def generated(panels: int, rows: int, cols: int) -> np.ndarray:
    """panels_harness.js's `generate`, in numpy."""
    out = np.empty((panels, rows, cols), dtype=np.float32)
    r = np.arange(rows)[:, None]
    c = np.arange(cols)[None, :]
    for p in range(panels):
        i = ((p * rows + r) * cols + c).astype(np.uint64)
        hsh = (i * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
        a = 12 * ((r // 100 + c // 100 + p) % 10)
        k = 128 + np.floor((2 * (hsh.astype(np.float64) / 4294967296) - 1) * a)
        v = ((k - 127.5) / 256).astype(np.float32)
        v[hsh % np.uint64(97) == 0] = np.nan
        out[p] = v
    return out


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def differences(got: np.ndarray, want: np.ndarray) -> list:
    """The first few pixels (y, x) that differ, with both colours; [] when none do."""
    bad = np.argwhere(np.any(got != want, axis=-1))
    return [(int(y), int(x), got[y, x].tolist(), want[y, x].tolist()) for y, x in bad[:5]]


def white(img: np.ndarray) -> np.ndarray:
    return np.all(img[..., :3] == WHITE, axis=-1) & (img[..., 3] == 255)


RENDERERS = [
    pytest.param({"kind": "canvas2d"}, id="canvas2d"),
    pytest.param({"kind": "webgl2"}, id="webgl2"),
    pytest.param({"kind": "webgl2", "hardware": True}, id="webgl2-gpu-reduce"),
]


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize(
    ("w", "h"),
    [
        pytest.param(47, 61, id="zoomed-in"),
        pytest.param(13, 17, id="zoomed-out"),
        pytest.param(40, 13, id="rows-reduced"),
    ],
)
def test_six_panels_follow_the_rules_and_agree(harness, w: int, h: int) -> None:
    P, R, C = 6, 40, 30
    stack = quantized(np.random.default_rng(7), (P, R, C))
    strong = (3, 38, 29)  # panel 3's last cells: a merged block past them is panel 4's
    stack[strong] = 1000.0
    rects, width, height = layout = grid([4, 0, 5, 2, 1, 3], 3, w, h, gap=6, margin=3)
    views = [
        {"row0": 0, "row1": R, "col0": 0, "col1": C},
        {"row0": 5.3, "row1": 39.7, "col0": 2.25, "col1": 29.5},
    ]
    scale = {"vmin": -0.25, "vmax": 0.5, "center": 0.0}
    spec = grid_spec((P, R, C), layout, views, scale, values=b64(stack), prime=True)
    pictures = {}
    for extra in (p.values[0] for p in RENDERERS):
        pictures[extra.get("hardware", False), extra["kind"]] = harness({**spec, **extra})
    inside = np.zeros((height, width), dtype=bool)
    for r in rects:
        inside[r["y"] : r["y"] + h, r["x"] : r["x"] + w] = True
    for vi, view in enumerate(views):
        want = expected(stack, spec, view)
        for name, imgs in pictures.items():
            assert differences(imgs[vi], want) == [], (name, view)
            assert np.all(imgs[vi][~inside] == 0), "the gaps must be transparent"
        # the strong cell shows in panel 3's rectangle only
        shown = white(pictures[False, "webgl2"][vi])
        r3 = next(r for r in rects if r["index"] == 3)
        in3 = np.zeros_like(shown)
        in3[r3["y"] : r3["y"] + h, r3["x"] : r3["x"] + w] = True
        assert shown[in3].any() and not shown[~in3].any()
    kinds = [(False, "canvas2d"), (False, "webgl2"), (True, "webgl2")]
    for a, b, c in zip(*(pictures[k] for k in kinds), strict=True):
        assert np.array_equal(a, b) and np.array_equal(b, c)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_zoomed_far_out_a_strong_cell_shows_in_its_panel_only(harness, renderer: dict) -> None:
    P, R, C = 6, 2000, 2000
    stack = generated(P, R, C)
    assert np.nanmax(np.abs(stack)) < 0.5  # nothing else reaches white
    planted = (3, 1234, 567)
    stack[planted] = 1000.0
    rects, _, _ = layout = grid([0, 1, 2, 3, 4, 5], 3, 100, 100, gap=10, margin=0)
    views = [
        {"row0": 0, "row1": R, "col0": 0, "col1": C},  # 20 x 20 cells a pixel
        {"row0": 1200, "row1": 1260, "col0": 0, "col1": C},  # rows zoomed in, columns not
    ]
    plant = [[(planted[0] * R + planted[1]) * C + planted[2], 1000.0]]
    scale = {"vmin": -0.5, "vmax": 0.5, "center": None}
    spec = grid_spec((P, R, C), layout, views, scale, **renderer, plant=plant)
    images = harness(spec)
    r3 = rects[3]
    for view, got in zip(views, images, strict=True):
        assert differences(got, expected(stack, spec, view)) == [], view
        ys, xs = np.nonzero(white(got))
        assert ys.size > 0
        assert np.all((ys >= r3["y"]) & (ys < r3["y"] + 100))
        assert np.all((xs >= r3["x"]) & (xs < r3["x"] + 100))
    # full view: the planted cell's pixel is (1234 / 20, 567 / 20) of panel 3
    assert white(images[0])[r3["y"] + 61, r3["x"] + 28]
    # the single heatmap (no panels) of panel 3's matrix: the same pixels as its rectangle
    alone = harness({**spec, "panel": 3, "rects": None, "width": 100, "height": 100})
    for got, one in zip(images, alone, strict=True):
        assert np.array_equal(got[r3["y"] : r3["y"] + 100, r3["x"] : r3["x"] + 100], one)


def test_single_heatmap_without_panels_is_unchanged(harness) -> None:
    """Without `panels`, panel 0 fills the canvas: the rules on every pixel, opaque."""
    v = quantized(np.random.default_rng(3), (1, 37, 53))
    spec = {
        "rows": 37,
        "cols": 53,
        "panels": 1,
        "values": b64(v),
        "width": 120,
        "height": 29,
        "views": [
            {"row0": 0, "row1": 37, "col0": 0, "col1": 53},
            {"row0": 3.5, "row1": 20.25, "col0": 10, "col1": 30.5},
        ],
        "scale": {"vmin": -0.5, "vmax": 0.5, "center": None},
    }
    whole = {**spec, "rects": [{"index": 0, "x": 0, "y": 0, "w": 120, "h": 29}]}
    for extra in (p.values[0] for p in RENDERERS):
        images = harness({**spec, **extra})
        for view, got in zip(spec["views"], images, strict=True):
            assert np.array_equal(got, expected(v, whole, view)), (extra, view)


def test_a_32_by_32_grid_draws_with_one_webgl_context(harness) -> None:
    P, R, C = 1024, 8, 8
    stack = quantized(np.random.default_rng(11), (P, R, C))
    layout = grid(list(range(P)), 32, 4, 4, gap=1, margin=0)
    views = [{"row0": 0, "row1": R, "col0": 0, "col1": C}]
    scale = {"vmin": -0.5, "vmax": 0.5, "center": None}
    spec = grid_spec((P, R, C), layout, views, scale, kind="webgl2", values=b64(stack))
    before = harness.contexts()
    (got,) = harness(spec)
    assert harness.contexts() == before + 1
    assert np.array_equal(got, expected(stack, spec, spec["views"][0]))
    (canvas,) = harness({**spec, "kind": "canvas2d"})
    assert np.array_equal(canvas, got)
    assert harness.contexts() == before + 1


def test_the_texture_limit_counts_every_panel(harness) -> None:
    """MAX_TEXTURE_SIZE 256 holds 65536 values: 6 panels of 100 x 100 fit, 7 do not, and
    6 do not with their zoomed-out levels, which a view needs when a pixel covers 4 cells
    or more (the renderer then asks for the canvas one)."""
    rng = np.random.default_rng(13)
    layout = grid([0, 1, 2, 3, 4, 5], 3, 100, 100, gap=2, margin=0)
    views = [{"row0": 0, "row1": 100, "col0": 0, "col1": 100}]
    scale = {"vmin": -0.5, "vmax": 0.5, "center": None}
    spec = grid_spec((6, 100, 100), layout, views, scale, kind="webgl2", maxTextureSize=256)
    six = quantized(rng, (6, 100, 100))
    (got,) = harness({**spec, "values": b64(six)})
    assert differences(got, expected(six, spec, spec["views"][0])) == []
    seven = harness.raw({**spec, "panels": 7, "values": b64(quantized(rng, (7, 100, 100)))})
    assert seven == {
        "error": "stack of 7 100\u00d7100 panels does not fit a texture (MAX_TEXTURE_SIZE 256)"
    }
    # 50 px panels: 2 cells a pixel, read from the values (no levels, nothing more to fit)
    half, w2, h2 = grid([0, 1, 2, 3, 4, 5], 3, 50, 50, gap=2, margin=0)
    out = harness.raw({**spec, "values": b64(six), "rects": half, "width": w2, "height": h2})
    assert out["failures"] == []
    # 20 px panels: 5 cells a pixel, the levels are needed
    small, w5, h5 = grid([0, 1, 2, 3, 4, 5], 3, 20, 20, gap=2, margin=0)
    out = harness.raw({**spec, "values": b64(six), "rects": small, "width": w5, "height": h5})
    assert out["failures"] == [
        "stack of 6 100\u00d7100 panels with their zoomed-out levels does not fit a texture"
        " (MAX_TEXTURE_SIZE 256)"
    ]
