"""Python-side export of the current view: PNG and SVG, colours, view, files."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from tokenheat import Heatmap, _export_pixels, export


@pytest.fixture
def ref(make_reference) -> Heatmap:
    return make_reference(vmin=-0.1, vmax=0.1)


def png_image(w: Heatmap, scale: float = 2) -> Image.Image:
    return Image.open(io.BytesIO(w.to_png(scale=scale))).convert("RGB")


def cell_colour(w: Heatmap, img: Image.Image, r: float, c: float, scale: float = 2):
    f = export.layout(w)
    px, py, pw, ph = f.plot
    r0, r1, c0, c1 = w.view
    x = (px + (c - c0) / (c1 - c0) * pw) * scale
    y = (py + (r - r0) / (r1 - r0) * ph) * scale
    return img.getpixel((int(x), int(y)))


def test_png_size_and_cell_colours_match_the_widget(ref: Heatmap) -> None:
    img = png_image(ref, scale=2)
    f = export.layout(ref)
    assert img.size == (round(f.width * 2), round(f.height * 2))
    rgba = ref.to_rgba()
    for r in range(9):
        for c in range(5):
            # sample near the cell's corner: the token text sits at the centre
            assert cell_colour(ref, img, r + 0.15, c + 0.15) == tuple(rgba[r, c, :3]), (r, c)


def test_png_has_text(ref: Heatmap) -> None:
    img = np.asarray(png_image(ref))
    f = export.layout(ref)
    title_band = img[: f.plot[1] * 2, :, :]
    assert (title_band.sum(axis=2) < 300).sum() > 100  # dark title glyphs on white


def test_png_follows_view_and_range(ref: Heatmap) -> None:
    ref.view = (1, 3, 2, 4)  # 2 x 2 cells, the top left one (1, 2) = -0.0987
    img = np.asarray(png_image(ref, scale=1))
    px, py, pw, ph = export.layout(ref).plot
    cells = img[py : py + ph // 2, px : px + pw // 2].reshape(-1, 3)
    expected = ref.to_rgba()[1, 2, :3]
    share = (cells == expected).all(axis=1).mean()
    assert share > 0.9  # the rest is the token's text
    ref.set_range(-1.5, 1.5)
    assert cell_colour(ref, png_image(ref, 1), 1.1, 2.1, scale=1) == tuple(ref.to_rgba()[1, 2, :3])


def test_svg_keeps_text_as_text_and_escapes_it() -> None:
    w = Heatmap(
        np.array([[0.1, -0.2]]),
        row_labels=["<b>&"],
        column_labels=["a", 'quote"'],
        title="<script>alert(1)</script>",
    )
    svg = w.to_svg()
    root = ET.fromstring(svg)  # well-formed despite the markup in the labels
    texts = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<b>&" in texts
    assert "<script>alert(1)</script>" in texts
    assert "<script>" not in svg
    rects = list(root.iter("{http://www.w3.org/2000/svg}rect"))
    fills = {r.get("fill") for r in rects}
    rgba = w.to_rgba()
    assert {"#{:02x}{:02x}{:02x}".format(*tuple(rgba[0, c, :3])) for c in range(2)} <= fills


def test_large_svg_embeds_the_cells_as_one_image() -> None:
    w = Heatmap(np.random.default_rng(0).normal(size=(300, 300)))
    root = ET.fromstring(w.to_svg())
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) < 10
    assert len(list(root.iter("{http://www.w3.org/2000/svg}image"))) == 2


def test_save_writes_png_and_svg(ref: Heatmap, tmp_path) -> None:
    png = ref.save(tmp_path / "fig.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    svg = ref.save(tmp_path / "fig.SVG")
    assert svg.read_text().startswith("<svg")
    other = ref.save(tmp_path / "fig.out", format="png")
    assert other.read_bytes().startswith(b"\x89PNG")
    page = ref.save(tmp_path / "fig.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "tokenheat-static" in page
    names = ["fig.SVG", "fig.html", "fig.out", "fig.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names


@pytest.mark.parametrize(
    ("name", "exc", "match"),
    [
        ("fig.jpg", ValueError, r"\.png, \.svg or \.html suffix"),
        ("fig", ValueError, "no suffix"),
        ("missing/fig.png", FileNotFoundError, "does not exist"),
    ],
)
def test_save_rejects_bad_paths(ref: Heatmap, tmp_path, name, exc, match) -> None:
    with pytest.raises(exc, match=match):
        ref.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_save_rejects_a_directory(ref: Heatmap, tmp_path) -> None:
    with pytest.raises(IsADirectoryError, match="is a directory"):
        ref.save(tmp_path, format="png")


def test_failed_save_leaves_no_file(ref: Heatmap, tmp_path, monkeypatch) -> None:
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")

    def broken(self, scale=2):
        raise RuntimeError("render failed")

    monkeypatch.setattr(Heatmap, "to_png", broken)
    with pytest.raises(RuntimeError):
        ref.save(target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]


@pytest.mark.parametrize(
    ("scale", "error"),
    [
        (0, ValueError),
        (-1, ValueError),
        (100, ValueError),
        (10**400, ValueError),
        (float("nan"), ValueError),
        ("2", TypeError),
        (True, TypeError),
        (None, TypeError),
    ],
)
def test_bad_scale(ref: Heatmap, scale, error) -> None:
    with pytest.raises(error, match="scale must be"):
        ref.to_png(scale=scale)


@pytest.mark.parametrize("scale", [np.int64(3), np.float32(1.5), np.uint8(1), 2.0])
def test_numpy_scales_are_accepted(ref: Heatmap, scale) -> None:
    img = png_image(ref, scale=scale)
    assert img.size == tuple(round(v * float(scale)) for v in png_image(ref, scale=1).size)


# The same table as js/test/text.test.js (the browser's rule).
WHITESPACE_CASES = [
    (" ", "\u2423"),
    (" the", "\u2423the"),
    ("\n", "\u21b5"),
    ("\r\n", "\u21b5"),
    ("\t\t", "\u21e5\u21e5"),
    ("\u00a0", "\u237d"),
    ("a\u200bb", "a\u2423b"),
    ("\u3000", "\u2423"),
    ("\u0120the", "\u0120the"),
    ("\u2581the", "\u2581the"),
    ("", ""),
    ("emoji \U0001f468\u200d\U0001f469", "emoji\u2423\U0001f468\u200d\U0001f469"),
]


@pytest.mark.parametrize(("given", "shown"), WHITESPACE_CASES)
def test_visible_whitespace_matches_the_browser(given: str, shown: str) -> None:
    assert export.visible_whitespace(given) == shown


def test_whitespace_tokens_are_visible_in_exports() -> None:
    tokens = np.array([[" ", "\n"], ["a b", "x"]], dtype=object)
    w = Heatmap(np.zeros((2, 2)), tokens=tokens, row_labels=[" ", "row one"])
    svg = ET.fromstring(w.to_svg())
    texts = [el.text for el in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert {"\u2423", "\u21b5", "a\u2423b"} <= set(texts)
    assert "row one" in texts  # spaces between words in labels stay spaces
    assert texts.count("\u2423") == 2  # the blank row label and the space token
    w.show_whitespace = False
    texts = [el.text for el in ET.fromstring(w.to_svg()).iter("{http://www.w3.org/2000/svg}text")]
    assert "\u2423" not in texts and "a b" in texts


def test_png_text_uses_the_bundled_font() -> None:
    # glyphs the default font lacks (␣, ↵, the minus sign) are drawn, not boxes: two
    # different glyphs give different pixels, and each differs from an unknown glyph's box
    def ink(text: str) -> bytes:
        w = Heatmap(np.zeros((1, 1)), row_labels=[text], column_labels=["c"])
        return w.to_png(scale=1)

    assert len({ink("\u2423"), ink("\u21b5"), ink("\u2212"), ink("\u4e00")}) == 4
    assert export.font(12).getname() == ("DejaVu Sans", "Book")


HOSTILE = [
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    "]]><!-- & \"quotes' -->",
    "line\nbreak\ttab",
    "nul\x00bell\x07esc\x1b",
    "\u202eevil\u202c rtl",
    "x" * 500,
]


def test_hostile_text_exports_as_literal_text() -> None:
    n = len(HOSTILE)
    tokens = np.array([[h] for h in HOSTILE], dtype=object)
    w = Heatmap(
        np.linspace(-1, 1, n)[:, None],
        row_labels=HOSTILE,
        column_labels=[HOSTILE[1]],
        tokens=tokens,
        title=HOSTILE[0],
        colorbar_title=HOSTILE[2],
    )
    svg = ET.fromstring(w.to_svg().encode("utf-8"))  # well-formed, no control characters
    ns = "{http://www.w3.org/2000/svg}"
    assert [el.tag for el in svg.iter() if el.tag.endswith("script")] == []
    texts = [el.text or "" for el in svg.iter(f"{ns}text")]
    assert HOSTILE[0] in texts and HOSTILE[1] in texts and HOSTILE[2] in texts
    assert "line\u21b5break\u21e5tab" in texts  # a token: whitespace made visible
    assert "line break tab" in texts  # a label: one line
    assert "nulbellesc" in texts
    assert any(t.startswith("xxx") and t.endswith("\u2026") and len(t) < 60 for t in texts)
    assert png_image(Heatmap(np.zeros((n, 1)), row_labels=HOSTILE)).size[0] > 0


def brute_force_shown(w: Heatmap, width: int, height: int) -> np.ndarray:
    r0, r1, c0, c1 = w.view
    rlo, rhi = _export_pixels.pixel_ranges(r0, r1, w.shape[0], height)
    clo, chi = _export_pixels.pixel_ranges(c0, c1, w.shape[1], width)
    f32 = w._matrix.f32[0]
    out = np.full((height, width), np.nan, dtype=np.float32)
    for y in range(height):
        for x in range(width):
            block = f32[rlo[y] : rhi[y] + 1, clo[x] : chi[x] + 1].ravel()
            best = np.nan
            for v in block:  # the browser's `stronger`, one value at a time
                if not np.isnan(v) and (
                    np.isnan(best) or abs(v) > abs(best) or (abs(v) == abs(best) and v > best)
                ):
                    best = v
            out[y, x] = best
    return out


@pytest.mark.parametrize(
    ("shape", "view", "size"),
    [
        ((300, 7), None, (13, 40)),  # rows reduced, columns zoomed in
        ((5, 500), (0.5, 4.25, 3.5, 480.25), (41, 17)),  # columns reduced, fractional
        ((200, 150), (10, 190, 0, 150), (23, 29)),  # both reduced
        ((9, 5), (1.5, 3, 2, 4.5), (30, 20)),  # zoomed in: the centre rule
    ],
)
@pytest.mark.parametrize("band", [None, 64, 1], ids=["one-band", "bands", "row-by-row"])
def test_zoomed_out_pixels_show_their_strongest_cell(shape, view, size, band, monkeypatch) -> None:
    if band is not None:  # made in bands of pixel rows: the same values
        monkeypatch.setattr(_export_pixels, "BAND_CELLS", band)
    rng = np.random.default_rng(sum(shape))
    values = rng.uniform(-1, 1, size=shape)
    values[rng.random(shape) < 0.1] = np.nan
    values[3, 2] = 9.0
    values[-4, -2] = -9.0
    values[0, :] = np.nan  # an all-NaN edge
    w = Heatmap(values, vmin=-1, vmax=1)
    if view is not None:
        w.view = view
    width, height = size
    expected = brute_force_shown(w, width, height)
    np.testing.assert_array_equal(export.shown_values(w, width, height), expected)


def test_a_strong_cell_survives_zooming_out() -> None:
    values = np.zeros((10_000, 3))
    values[4321, 1] = -5.0  # a row no pixel centre of a 100 px column falls in
    w = Heatmap(values, vmin=-5, vmax=5)
    centre_rows = np.floor((np.arange(100) + 0.5) / 100 * 10_000).astype(int)
    assert 4321 not in centre_rows
    shown = export.shown_values(w, 3, 100)
    assert (shown == -5.0).sum() == 1
    assert (shown[:, 1] == -5.0).any()
