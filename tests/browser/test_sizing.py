"""Sizing that adapts to the container (docs/architecture.md, "Sizing"): the reference
figure on a static page (no kernel) inside the kinds of box hosts give a widget, checked
for what a person sees: the whole figure (cells, row and column labels, colour bar and
its range control) inside the widget and inside its box, nothing of it under the element
that follows, the cells in the right colours."""

from __future__ import annotations

import pytest

from tokenheat import Heatmap
from tokenheat.html import to_html

from .conftest import WidgetView

SHAPE = (9, 5)
DEFAULT_WIDTH = 640  # js/view/fit.js
NEXT = '<p id="next" style="margin:0;height:40px;background:#eee">next output</p>'

# Each case: the markup around the widget ({w} is the widget) and, once drawn, the
# widget's size in CSS px: "box" for the box's content width, None where any size is
# right.
CASES = {
    # a box as wide as its content (Panel's layout, an inline-block, a float)
    "content-sized": ('<div id="box" style="display:inline-block">{w}</div>' + NEXT, (640, None)),
    "float": (
        '<div id="box" style="float:left">{w}</div><div style="clear:both"></div>' + NEXT,
        (640, None),
    ),
    # a box of fixed height (Shiny's 400 px output, a dashboard tile)
    "fixed-400": ('<div id="box" style="height:400px">{w}</div>' + NEXT, ("box", 400)),
    "fixed-400-padded": (
        '<div id="box" style="height:400px;padding:10px;border:2px solid #999;'
        'box-sizing:border-box">{w}<div style="height:30px">caption</div></div>' + NEXT,
        ("box", 400 - 24 - 30),
    ),
    "flex-column-400": (
        '<div id="box" style="display:flex;flex-direction:column;height:400px">{w}</div>' + NEXT,
        ("box", 400),
    ),
    "fixed-800": ('<div id="box" style="height:800px">{w}</div>' + NEXT, ("box", 800)),
    # a narrow sidebar
    "sidebar-260": ('<div id="box" style="width:260px">{w}</div>' + NEXT, (260, None)),
    # a full-width page: the widget follows the page's width, its height the matrix
    "full-width": ('<div id="box">{w}</div>' + NEXT, ("box", None)),
}
CASES_IDS = list(CASES)

WHOLE = """(root) => {
  const rect = (el) => el.getBoundingClientRect();
  const R = rect(root);
  const box = document.getElementById("box");
  const B = box ? rect(box) : null;
  const next = document.getElementById("next");
  const shown = (el) => el.checkVisibility() && rect(el).width > 0;
  const parts = [
    ...root.querySelectorAll(".tokenheat-cells, .tokenheat-colorbar, .tokenheat-range-handle,"
      + " .tokenheat-range-input, .tokenheat-row-label, .tokenheat-col-label,"
      + " .tokenheat-colorbar-tick, .tokenheat-title"),
  ].filter(shown);
  const outside = [];
  for (const el of parts) {
    const r = rect(el);
    const name = `${el.className}[${el.dataset.index ?? el.dataset.end ?? ""}] ${el.textContent}`;
    const within = (o) => r.left >= o.left - 1 && r.right <= o.right + 1
      && r.top >= o.top - 1 && r.bottom <= o.bottom + 1;
    if (!within(R)) outside.push(`${name} outside the widget`);
    if (B && !within(B)) outside.push(`${name} outside its box`);
  }
  return {
    width: R.width, height: R.height, outside,
    rows: root.querySelectorAll(".tokenheat-row-label").length,
    cols: [...root.querySelectorAll(".tokenheat-col-label")].filter(shown).length,
    overlap: next ? Math.max(0, R.bottom - rect(next).top) : 0,
    boxWidth: box ? box.clientWidth - parseFloat(getComputedStyle(box).paddingLeft)
      - parseFloat(getComputedStyle(box).paddingRight) : null,
  };
}"""


def show(page, tmp_path, make_reference, markup: str, **settings) -> tuple[WidgetView, Heatmap]:
    w = make_reference(vmin=-0.1, vmax=0.1, **settings)
    html = to_html(w).replace("<main>", "<main>" + markup.split("{w}")[0], 1)
    html = html.replace("</main>", markup.split("{w}")[1] + "</main>", 1)
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    return WidgetView(page, 0).wait_ready(), w


def assert_whole(view: WidgetView) -> dict:
    seen = view.root.evaluate(WHOLE)
    assert not seen["outside"], seen["outside"]
    assert seen["overlap"] <= 0.5, f"the widget runs {seen['overlap']} px under the next output"
    assert seen["cols"] == SHAPE[1], f"{seen['cols']} column labels shown"
    return seen


def assert_colours(view: WidgetView, w: Heatmap) -> None:
    expected = w.to_rgba()
    for r, c in ((0, 0), (4, 2), (8, 4), (8, 0)):
        seen = view.cell_colour(r, c, SHAPE)
        want = tuple(int(v) for v in expected[r, c, :3])
        assert max(abs(a - b) for a, b in zip(seen, want, strict=True)) <= 6, (r, c, seen, want)


@pytest.mark.parametrize("case", CASES_IDS)
def test_the_whole_figure_fits_its_container(page, tmp_path, make_reference, case):
    page.set_viewport_size({"width": 1100, "height": 1000})
    markup, (want_w, want_h) = CASES[case]
    view, w = show(page, tmp_path, make_reference, markup)
    seen = assert_whole(view)
    if want_w is not None:
        assert abs(seen["width"] - (seen["boxWidth"] if want_w == "box" else want_w)) <= 1, seen
    if want_h is not None:
        assert abs(seen["height"] - want_h) <= 1, seen
    assert_colours(view, w)


def test_a_fixed_box_resized_is_fitted_again(page, tmp_path, make_reference):
    view, _ = show(page, tmp_path, make_reference, CASES["fixed-400"][0])
    before = view.draws()
    page.evaluate("document.getElementById('box').style.height = '520px'")
    page.wait_for_function(
        "([el, n]) => Number(el.dataset.draws) > n && el.getBoundingClientRect().height === 520",
        arg=[view.root.element_handle(), before],
    )
    assert_whole(view)


def test_the_size_traits_still_decide(page, tmp_path, make_reference):
    """`width`/`height` override the container: in a 400 px box a widget of height 500
    is 500 high (the host clips it, as asked)."""
    view, _ = show(page, tmp_path, make_reference, CASES["fixed-400"][0], width=500, height=500)
    seen = view.root.evaluate(WHOLE)
    assert (seen["width"], seen["height"]) == (500, 500)


def test_a_content_sized_box_in_a_narrow_window(page, tmp_path, make_reference):
    """The default width never runs past the window's right edge."""
    page.set_viewport_size({"width": 420, "height": 900})
    view, _ = show(page, tmp_path, make_reference, CASES["content-sized"][0])
    seen = assert_whole(view)
    right = view.root.evaluate("el => el.getBoundingClientRect().right")
    assert seen["width"] < DEFAULT_WIDTH and right <= 420, seen
