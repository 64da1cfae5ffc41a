"""Python exports of many panels: every panel in one figure with one colour bar, or the
focused panel alone; the pixel rule per panel; normalised colours."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tokenheat import Heatmap, _grid_export, _screen_layout, colormaps, export
from tokenheat._normalize import normalized


def image(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def colour(w: Heatmap, value: float) -> tuple[int, int, int]:
    return tuple(int(v) for v in export.colours(w, np.array([value]))[0, :3])


def box(f, p: int, scale: float = 2) -> tuple[int, int, int, int]:
    """Panel p's device pixels: x0, y0, x1, y1."""
    _, x, y, w, h = f.panels[p]
    x0, y0 = round(x * scale), round(y * scale)
    return x0, y0, x0 + round(w * scale), y0 + round(h * scale)


def test_a_comparison_of_two_panels_shows_each_in_its_place() -> None:
    values = np.stack([np.full((8, 6), 1.0), np.full((8, 6), -1.0)])
    w = Heatmap(values, panel_labels=["before", "after"], title="compare")
    f = _grid_export.grid_layout(w)
    assert (f.nr, f.nc) == (1, 2)  # tall panels: side by side have the larger cells
    pixels = image(w.to_png())
    green, red = colour(w, 1.0), colour(w, -1.0)
    for p, expected in ((0, green), (1, red)):
        x0, y0, x1, y1 = box(f, p)
        assert (pixels[y0:y1, x0:x1] == expected).all()
    # between them, the gap, not a cell colour
    gap = pixels[(box(f, 0)[1] + box(f, 0)[3]) // 2, box(f, 0)[2] : box(f, 1)[0]]
    assert (gap == 255).all()


def test_a_strong_cell_shows_in_its_own_panel_only() -> None:
    values = np.zeros((4, 4, 400, 400), dtype=np.float32)
    values[2, 1, 399, 399] = 5.0  # the last cell of panel (2, 1): next to (2, 2) and (3, 1)
    w = Heatmap(values, vmin=-5, vmax=5)
    f = _grid_export.grid_layout(w)
    assert (f.nr, f.nc) == (4, 4)
    pixels = image(w.to_png())
    strong = colour(w, 5.0)
    cells = pixels[:, : round(f.bar[0] * 2)]  # not the colour bar, which has the colour too
    hits = np.argwhere((cells == strong).all(axis=2))
    x0, y0, x1, y1 = box(f, 2 * 4 + 1)
    assert len(hits) > 0  # zoomed out (400 cells on ~290 px): the pixel rule keeps it
    assert all(y0 <= y < y1 and x0 <= x < x1 for y, x in hits)
    assert (hits[:, 0] == y1 - 1).all() and (hits[:, 1] == x1 - 1).all()  # its corner


def test_the_pixel_rule_applies_to_each_panel_alone() -> None:
    values = np.random.default_rng(3).normal(size=(3, 50, 70)).astype(np.float32)
    w = Heatmap(values, normalize="row")
    drawn = normalized(values, "row")
    for p in range(3):
        single = Heatmap(drawn[p])
        np.testing.assert_array_equal(
            export.shown_values(w, 17, 23, p), export.shown_values(single, 17, 23)
        )


def test_normalised_panels_export_their_normalised_colours() -> None:
    base = np.random.default_rng(4).uniform(-1, 1, size=(5, 6))
    w = Heatmap(np.stack([base, 0.001 * base]), normalize="panel")
    f = _grid_export.grid_layout(w)
    pixels = image(w.to_png())
    x0, y0, x1, y1 = box(f, 0)
    a0, b0, a1, b1 = box(f, 1)
    # the same pattern at a thousandth of the strength: the same colours
    np.testing.assert_array_equal(pixels[y0:y1, x0:x1], pixels[b0:b1, a0:a1])
    rgba = w.to_rgba()
    assert rgba.shape == (2, 5, 6, 4)
    np.testing.assert_array_equal(rgba[0], rgba[1])
    w.normalize = None
    assert not (w.to_rgba()[0] == w.to_rgba()[1]).all()


def test_svg_of_a_row_and_of_a_grid_has_the_titles_as_text() -> None:
    w = Heatmap(np.random.default_rng(5).normal(size=(3, 4, 4)), panel_labels=["h<0>", "h1", "h2"])
    svg = w.to_svg()
    ns = "{http://www.w3.org/2000/svg}"
    texts = [el.text for el in ET.fromstring(svg).iter(f"{ns}text")]
    assert {"h<0>", "h1", "h2"} <= set(texts)
    assert len(re.findall(r"<svg x=", svg)) == 3  # one cell area per panel
    assert len(re.findall(r"<rect x=", svg)) == 3 * 16
    grid = Heatmap(np.zeros((2, 3, 2, 2)), panel_labels=(["L0", "L1"], ["H0", "H1", "H2"]))
    texts = [el.text for el in ET.fromstring(grid.to_svg()).iter(f"{ns}text")]
    assert {"L0", "L1", "H0", "H1", "H2"} <= set(texts)
    assert texts.count("L0") == 1 and texts.count("H2") == 1  # each grid label once
    assert texts.count("0") == 2 + 3  # matrix row / column "0" once per panel row / column


def test_a_focused_panel_is_exported_like_a_single_heatmap() -> None:
    values = np.random.default_rng(6).normal(size=(2, 2, 5, 7))
    w = Heatmap(values, panel_labels=(["L0", "L1"], ["H0", "H1"]), title="attn", vmin=-3, vmax=3)
    w.focus = (1, 0)
    alone = Heatmap(values[1, 0], title="attn \u2014 L1 \u00b7 H0", vmin=-3, vmax=3)
    assert w.to_png() == alone.to_png()
    assert w.to_svg() == alone.to_svg()
    w.title = ""
    assert export.figure_title(w) == "L1 \u00b7 H0"


def test_tokens_are_drawn_in_every_panel() -> None:
    tokens = np.array([[[f"p{p}r{r}c{c}" for c in range(2)] for r in range(2)] for p in range(2)])
    w = Heatmap(np.zeros((2, 2, 2)), tokens=tokens)
    texts = [el.text for el in ET.fromstring(w.to_svg()).iter("{http://www.w3.org/2000/svg}text")]
    assert {f"p{p}r{r}c{c}" for p in range(2) for r in range(2) for c in range(2)} <= set(texts)


def test_static_png_and_html_of_a_grid() -> None:
    w = Heatmap(np.random.default_rng(7).normal(size=(3, 4, 30, 30)), title="layers x heads")
    png, (width, height) = export.static_png(w)
    assert Image.open(io.BytesIO(png)).size in ((width, height), (2 * width, 2 * height))
    data, metadata = w._repr_mimebundle_()
    assert "image/png" in data and metadata["image/png"]["width"] == width
    page = w.to_html()
    assert "3 \u00d7 4 heatmaps of 30 \u00d7 30" in page
    state = json.loads(
        re.search(r'<script type="application/vnd.tokenheat.state\+json"[^>]*>(.*?)</script>', page)
        .group(1)
        .replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
    )
    assert state["state"]["_panels"] == [3, 4]
    assert state["state"]["panel_labels"] == [["0", "1", "2"], ["0", "1", "2", "3"]]
    paths = {tuple(b["path"]) for b in state["buffers"]}
    assert {("_values",), ("_norms",)} <= paths


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7, 16])
def test_a_wrapped_row_takes_the_columns_with_the_largest_cells(count: int) -> None:
    nr, nc = _grid_export.arrange(count, 10, 10, 600, 600)
    assert nr == -(-count // nc)

    def cell(n: int) -> float:
        rows = -(-count // n)
        w = (600 - (n - 1) * _grid_export.GAP) // n if n > 1 else 600
        h = 600 - rows * _grid_export.TITLE_HEIGHT
        h = (h - (rows - 1) * _grid_export.GAP) // rows if rows > 1 else h
        return min(w / 10, h / 10)

    assert cell(nc) == max(cell(n) for n in range(1, count + 1))


def test_colormap_of_a_grid_png_is_the_widgets() -> None:
    w = Heatmap(np.full((2, 2, 3, 3), 0.5), cmap="viridis", vmin=0, vmax=1, center=None)
    f = _grid_export.grid_layout(w)
    pixels = image(w.to_png())
    expected = tuple(int(v) for v in colormaps.get_lut("viridis")[128, :3])
    for p in range(4):
        x0, y0, x1, y1 = box(f, p)
        assert (pixels[y0:y1, x0:x1] == expected).all()


# ------------------------------------------------- the arrangement the screen shows
# The panel area and the panels in it, as the browser computes them for each widget
# (js/render/layout.js computeLayout, then js/render/panelview.js placePanels with
# js/render/panels.js panelLayout): (area width, area height, nr, nc, panel width, panel
# height), CSS px. test_the_table_is_the_browsers_rule recomputes it with node.
TOKENS = ["The", "cat", "sat", "on", "the", "warm", "mat", "because", "it", "was"]
SCREEN = [
    # 10 x 100 panels ("wide"): the automatic height is one panel's aspect, at least
    # 160 px, so they stack; a short widget puts them side by side; a wide one wraps them
    pytest.param((3, 10, 100), {}, (600, 160, 3, 1, 585, 32), id="wide-default"),
    pytest.param(
        (3, 10, 100), {"width": 900, "height": 150}, (790, 63, 1, 3, 254, 46), id="wide-short"
    ),
    pytest.param((3, 10, 100), {"width": 1200}, (1090, 160, 2, 2, 534, 60), id="wide-wide"),
    # 100 x 10 panels ("tall"): side by side, but stacked in a narrow, tall widget
    pytest.param((3, 100, 10), {}, (600, 600, 1, 3, 188, 583), id="tall-default"),
    pytest.param(
        (3, 100, 10), {"width": 200, "height": 4096}, (90, 4014, 3, 1, 67, 1317), id="tall-narrow"
    ),
    pytest.param((16, 10, 10), {}, (600, 600, 4, 4, 141, 128), id="sixteen"),
    pytest.param(
        (7, 30, 20),
        {"width": 700, "height": 300, "title": "t", "colorbar_title": "c", "vmin": -12345.6},
        (547, 192, 1, 7, 69, 175),
        id="title-and-wide-ticks",
    ),
    # a 4-D grid keeps its gr x gc whatever the area
    pytest.param((2, 5, 10, 100), {}, (600, 160, 2, 5, 109, 68), id="grid-default"),
    pytest.param(
        (2, 5, 10, 100), {"width": 900, "height": 150}, (790, 62, 2, 5, 147, 19), id="grid-short"
    ),
    pytest.param(
        (2, 5, 10, 100),
        {"width": 300, "height": 1200, "panel_labels": (["first layer", "1"], list("abcde"))},
        (190, 1120, 2, 5, 16, 548),
        id="grid-labelled",
    ),
    # the matrix's labels: a band of row labels left of the panels, the column labels
    # under them horizontal, at -45 degrees or upright (thinned), as the panels' width says
    pytest.param(
        (3, 6, 6),
        {"row_labels": TOKENS[:6], "column_labels": TOKENS[:6], "width": 700},
        (590, 590, 2, 2, 270, 275),
        id="tokens-45",
    ),
    pytest.param(
        (3, 10, 10),
        {"row_labels": TOKENS, "column_labels": TOKENS, "width": 700},
        (590, 590, 2, 2, 261, 275),
        id="tokens-thinned",
    ),
    pytest.param(
        (2, 2, 8, 60),
        {"row_labels": TOKENS[:8], "column_labels": [f"token number {j}" for j in range(60)]},
        (600, 160, 2, 2, 260, 68),
        id="grid-upright",
    ),
]


# Labels of each panel's own (one sequence's tokens per panel): a band of row labels left
# of every column of panels, and one of column labels under every row of panels but the
# last, each holding the widest label any panel has there.
WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "warm",
    "mat",
    "because",
    "it",
    "was",
    "very",
    "tired",
    "and",
    "wanted",
    "to",
    "sleep",
]
OWN_SCREEN = [
    # two sequences of 7 and 10 tokens, 3 generated tokens each: side by side
    pytest.param(
        [(7, 3), (10, 3)],
        {"row_labels": [WORDS[:7], WORDS[5:15]], "column_labels": [["x", "y", "z"], WORDS[:3]]},
        (600, 600, 1, 2, 236, 583),
        id="ragged-pair",
    ),
    # four panels wrapped 2 x 2: a column band between the rows, a row band per column
    pytest.param(
        (4, 10, 10),
        {
            "row_labels": [WORDS[p : p + 10] for p in range(4)],
            "column_labels": [[f"tok {p}.{j}" for j in range(10)] for p in range(4)],
            "width": 800,
        },
        (690, 600, 2, 2, 281, 255),
        id="own-both-2x2",
    ),
    # only the rows are each panel's own: the column labels stay under the lowest panels
    pytest.param(
        (3, 6, 6),
        {"row_labels": [WORDS[p : p + 6] for p in range(3)], "width": 700},
        (590, 590, 2, 2, 231, 275),
        id="own-rows",
    ),
    # a grid, its columns' labels upright (long, thinned) under every row of panels
    pytest.param(
        (2, 2, 8, 40),
        {
            "column_labels": [[f"token number {j} of {p}" for j in range(40)] for p in range(4)],
            "height": 700,
        },
        (600, 496, 2, 2, 283, 164),
        id="own-columns-grid",
    ),
]


def values_of(shape) -> np.ndarray | list[np.ndarray]:
    """Zeros of ``shape``, or a list of 2-D panels of the shapes in a list."""
    return [np.zeros(s) for s in shape] if isinstance(shape, list) else np.zeros(shape)


def screen_of(f: _grid_export.GridFrame) -> tuple[int, ...]:
    _, _, _, w, h = f.panels[0]
    return (*f.area, f.nr, f.nc, w, h)


@pytest.mark.parametrize(("shape", "settings", "screen"), SCREEN)
def test_panels_are_placed_as_the_screen_places_them(shape, settings, screen) -> None:
    w = Heatmap(np.zeros(shape), **settings)
    f = _grid_export.grid_layout(w)
    assert screen_of(f) == screen
    _, _, nr, nc, pw, ph = screen
    # panel p at grid row p // nc, column p % nc, neighbours GAP apart, all one size
    for p, x, y, pw_, ph_ in f.panels:
        i, j = divmod(p, nc)
        assert (pw_, ph_) == (pw, ph)
        assert x == f.panels[i * nc][1] + j * (pw + _grid_export.GAP)
        lead = 0 if f.grid else _grid_export.TITLE_HEIGHT
        assert y == f.panels[j][2] + i * (ph + _grid_export.GAP + lead)
    assert len({y for _, _, y, _, _ in f.panels}) == nr


@pytest.mark.parametrize(("shape", "settings", "screen"), OWN_SCREEN)
def test_labels_of_each_panels_own_take_bands_beside_and_under_every_panel(
    shape, settings, screen
) -> None:
    w = Heatmap(values_of(shape), **settings)
    f = _grid_export.grid_layout(w)
    assert screen_of(f) == screen
    own_rows = isinstance(w.row_labels[0], list)
    own_columns = isinstance(w.column_labels[0], list)
    assert (f.own_rows, f.own_columns) == (own_rows, own_columns)
    _, _, nr, nc, pw, ph = screen
    xs = sorted({x for _, x, _, _, _ in f.panels})
    ys = sorted({y for _, _, y, _, _ in f.panels})
    assert (len(ys), len(xs)) == (nr, nc)
    lead = 0 if f.grid else _grid_export.TITLE_HEIGHT
    # the export's own bands: wider steps than the gap where the labels are the panels'
    for a, b in itertools.pairwise(xs):
        assert (b - a > pw + _grid_export.GAP) == own_rows
    for a, b in itertools.pairwise(ys):
        assert (b - a > ph + lead + _grid_export.GAP) == own_columns
    # the same panels with shared labels: the screen gives them more room
    shared = Heatmap(values_of(shape), **{k: v for k, v in settings.items() if "labels" not in k})
    assert screen_of(_grid_export.grid_layout(shared))[4:] >= (pw, ph)


def test_wide_panels_side_by_side_on_screen_are_side_by_side_in_the_png() -> None:
    values = np.stack([np.full((10, 100), v) for v in (-1.0, 0.0, 1.0)])
    w = Heatmap(values, vmin=-1, vmax=1, width=900, height=150)
    f = _grid_export.grid_layout(w)
    assert (f.nr, f.nc) == (1, 3)
    pixels = image(w.to_png())
    for p, v in enumerate((-1.0, 0.0, 1.0)):
        x0, y0, x1, y1 = box(f, p)
        assert (pixels[y0:y1, x0:x1] == colour(w, v)).all()
    assert box(f, 0)[2] < box(f, 1)[0] and box(f, 1)[2] < box(f, 2)[0]
    # the same widget with the automatic height (160 px): 2 x 2, as on screen
    w.height = None
    f = _grid_export.grid_layout(w)
    assert (f.nr, f.nc) == (2, 2)


def test_width_and_height_traits_change_the_arrangement_as_in_the_browser() -> None:
    w = Heatmap(np.zeros((3, 10, 100)))
    seen = []
    for width, height in ((None, None), (1200, None), (900, 150), (None, 150), (None, None)):
        w.width, w.height = width, height
        f = _grid_export.grid_layout(w)
        seen.append((f.nr, f.nc))
    assert seen == [(3, 1), (2, 2), (1, 3), (1, 3), (3, 1)]
    # without a width trait the area is plot_width wide; with one, plot_width is ignored
    assert _grid_export.grid_layout(w, plot_width=300).area == (300, 160)
    w.width = 900
    assert _grid_export.grid_layout(w, plot_width=300).area == _grid_export.grid_layout(w).area


def test_a_grid_keeps_its_rows_and_columns() -> None:
    w = Heatmap(np.zeros((2, 5, 10, 100)))
    for width, height in ((None, None), (160, 4096), (4096, 50), (900, 150)):
        w.width, w.height = width, height
        f = _grid_export.grid_layout(w)
        assert (f.nr, f.nc) == (2, 5)
        assert [p for p, *_ in f.panels] == list(range(10))


# The JS rule itself, run with node on the same widgets: js/render/layout.js,
# js/render/panelview.js and js/interact/toolbar.js are ES modules whose functions used
# here touch no DOM. What the rule reads from the page (font, window) comes from Python's
# assumptions; the rule's own constants (margins, gap, toolbar row) come from the JS.
JS_RULE = """
import { computeLayout, fullView, panelRowBand } from "%(layout)s";
import { frame } from "%(panels)s";
import { placePanels, readPanels } from "%(panelview)s";
import { TOOLBAR_ROW } from "%(toolbar)s";
import { createLabels } from "%(labels)s";
const out = JSON.parse(process.argv[1]).map((c) => {
  const [rows, cols] = c.shape;
  const ps = readPanels(c.panels, c.labels, null);
  // the view's labels (js/view/labels.js: shared, or each panel's own), measured as
  // Python measures them
  const traits = { row_labels: c.rowLabels, column_labels: c.colLabels,
    show_whitespace: c.showWhitespace };
  const labels = createLabels({ get: (name) => traits[name] },
    { fonts: { label: "", size: 13 }, tickSet: { labels: [] } },
    { font: "", measureText: (s) => ({ width: c.widths[s] }) });
  labels.show(-1);  // many panels shown
  labels.prepare({ rows, cols }, true);
  // as js/view/arrange.js calls it while several panels are shown: the row labels in a
  // band left of the panels (of every panel, when they are its own), the column labels
  // sized for one panel (and, when they are its own, in a band under every panel)
  const place = (width, w, h, foot) => placePanels(ps, w, h, rows, cols, c.lineHeight,
    c.labelWidth, 1, panelRowBand(width, rows, labels.rowWidth, labels.rowLabelMax),
    { ...labels.perPanel, foot });
  const lay = (width) => computeLayout({
    width, height: c.height, windowHeight: c.windowHeight, rows, cols,
    view: fullView(rows, cols), lineHeight: c.lineHeight,
    titleHeight: c.title ? c.titleHeight : 0, titleWidth: 0, toolbarRow: TOOLBAR_ROW,
    hasColorbarTitle: c.colorbarTitle, tickWidth: c.tickWidth,
    rowLabelWidth: () => 0, colLabelWidth: labels.colWidth, rowLabelMax: 0,
    colLabelMax: labels.colLabelMax,
    panelBox: (w, h, foot) => {
      const P = place(width, w, h, foot).layout;
      return { left: frame(P).left, width: P.panelWidth, height: P.panelHeight };
    },
  });
  let width = c.width ?? 1000;
  let L = lay(width);
  // no width trait: a view as wide as gives a plot area plotWidth wide
  if (c.width === null) {
    width = c.plotWidth + L.width - L.plot.width;
    L = lay(width);
  }
  const P = place(width, L.plot.width, L.plot.height, L.colBand).layout;
  return [L.plot.width, L.plot.height, P.nr, P.nc, P.panelWidth, P.panelHeight];
});
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="runs the JS rule in node")
def test_the_table_is_the_browsers_rule() -> None:
    js = Path(__file__).resolve().parents[1] / "js"
    script = JS_RULE % {
        "layout": (js / "render" / "layout.js").as_uri(),
        "panels": (js / "render" / "panels.js").as_uri(),
        "panelview": (js / "render" / "panelview.js").as_uri(),
        "toolbar": (js / "interact" / "toolbar.js").as_uri(),
        "labels": (js / "view" / "labels.js").as_uri(),
    }
    cases, expected = [], []
    for param in SCREEN + OWN_SCREEN:
        shape, settings, screen = param.values
        w = Heatmap(values_of(shape), **settings)
        widest = _grid_export.screen_label_width(w) - 4 if len(w.panel_layout) == 2 else 0
        show = export.visible_if_blank if w.show_whitespace else str
        texts = {
            show(t)
            for labels in (w.row_labels, w.column_labels)
            for own in (labels if isinstance(labels[0], list) else [labels])
            for t in own
        }
        cases.append(
            {
                "shape": list(w.shape),
                "panels": list(w.panel_layout),
                "labels": w.panel_labels,
                "width": w.width,
                "height": w.height,
                "windowHeight": _grid_export.WINDOW_HEIGHT,
                "lineHeight": _grid_export.SCREEN_LINE,
                "title": bool(w.title),
                "titleHeight": _grid_export.SCREEN_TITLE,
                "colorbarTitle": bool(w.colorbar_title),
                "tickWidth": _grid_export.screen_tick_width(w),
                "labelWidth": widest,  # placePanels adds the band's 4 px
                "rowLabels": w.row_labels,
                "colLabels": w.column_labels,
                "showWhitespace": w.show_whitespace,
                "widths": {t: _screen_layout._screen_width(t) for t in texts},
                "plotWidth": 600,
            }
        )
        expected.append(list(screen))
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(cases)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == expected
