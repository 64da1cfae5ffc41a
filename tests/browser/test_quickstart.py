"""The quickstart notebook in real JupyterLab: colours, labels, colour bar, tooltip."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .conftest import ARTIFACTS, ROOT

REF = json.loads((ROOT / "notebooks" / "data" / "arithmetic_attributions.json").read_text())
SHAPE = (9, 5)
DARK_RED, PALE_YELLOW, DARK_GREEN = (165, 0, 38), (254, 255, 190), (0, 104, 55)
MASK = (189, 189, 189)
MINUS = "\u2212"  # typographic minus, as in the tick labels
TOLERANCE = 6


def close(actual, expected, tol=TOLERANCE) -> bool:
    return all(abs(a - e) <= tol for a, e in zip(actual, expected, strict=True))


@pytest.fixture
def quickstart(lab, page, widgets):
    lab.open(page, "quickstart.ipynb")
    lab.run_all(page)
    views = [widgets(i).wait_ready() for i in range(3)]
    return views


def probe_colours(view) -> dict[str, tuple[int, int, int]]:
    at = lambda r, c: view.cell_colour(r, c, SHAPE)  # noqa: E731
    return {"-1.5": at(0, 0), "0": at(4, 0), "+1.5": at(0, 1), "1.9074": at(1, 2), "nan": at(8, 4)}


def assert_probe_colours(view) -> None:
    seen = probe_colours(view)
    expected = {
        "-1.5": DARK_RED,
        "0": PALE_YELLOW,
        "+1.5": DARK_GREEN,
        "1.9074": DARK_GREEN,
        "nan": MASK,
    }
    wrong = {k: (seen[k], expected[k]) for k in expected if not close(seen[k], expected[k])}
    assert not wrong, f"cell colours (seen, expected): {wrong}"


def test_reference_figure_renders_with_webgl(quickstart, page) -> None:
    ref = quickstart[0]
    assert ref.root.get_attribute("data-renderer") == "webgl2"
    assert ref.texts(".tokenheat-title") == ["Token Attribution"]
    assert ref.texts(".tokenheat-colorbar-title") == ["Token Attribution"]
    assert ref.texts(".tokenheat-row-label") == REF["row_labels"]
    assert ref.texts(".tokenheat-col-label") == REF["columns"]
    ticks = [float(t.replace(MINUS, "-")) for t in ref.texts(".tokenheat-colorbar-tick")]
    assert 0.0 in ticks
    assert min(ticks) <= -1.0 and max(ticks) >= 1.0
    # At +-1.5 every reference value (|v| <= 0.1044) is close to pale yellow. (The pointer
    # is moved off the widget: running the cells can leave it there, and the toolbar
    # shows under it, over the top-right cells.)
    page.mouse.move(0, 0)
    for r in range(SHAPE[0]):
        for c in range(SHAPE[1]):
            colour = ref.cell_colour(r, c, SHAPE, fx=0.1, fy=0.15)
            assert close(colour, PALE_YELLOW, tol=30), (r, c, colour)
    keep_screenshot(ref, "quickstart-reference.png")


def keep_screenshot(view, name: str) -> None:
    """Save a widget screenshot; with TOKENHEAT_UPDATE_SCREENSHOTS=1 also as the README's."""
    shot = ARTIFACTS / name
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # the figure at rest: no pointer over it, so the hover toolbar and tooltip are hidden
    view.page.mouse.move(0, 0)
    view.page.evaluate("() => document.activeElement?.blur()")
    view.page.wait_for_timeout(200)
    view.root.screenshot(path=shot)
    if os.environ.get("TOKENHEAT_UPDATE_SCREENSHOTS"):
        shutil.copy(shot, ROOT / "docs" / "images" / name)


def test_known_values_have_the_reference_colours(quickstart) -> None:
    assert_probe_colours(quickstart[2])
    # The probe above vmax marks the colour bar as clipped at the top only.
    extend = quickstart[2].root.locator(".tokenheat-colorbar-extend[data-side=high]")
    assert extend.is_visible()
    assert not quickstart[2].root.locator(".tokenheat-colorbar-extend[data-side=low]").is_visible()


def test_narrow_range_shows_structure(quickstart) -> None:
    narrow = quickstart[1]
    # 0.1044 (row 0, "9 - 3 = 6") is beyond +0.1: dark green; -0.0987 is nearly dark red.
    green = narrow.cell_colour(0, 3, SHAPE)
    red = narrow.cell_colour(1, 2, SHAPE)
    assert close(green, DARK_GREEN), green
    assert close(red, DARK_RED, tol=20), red
    keep_screenshot(narrow, "quickstart-narrow.png")


def test_tooltip_shows_exact_values(quickstart, page) -> None:
    ref, probe = quickstart[0], quickstart[2]
    tooltip = ref.root.locator(".tokenheat-tooltip")
    page.mouse.move(*ref.cell_point(1, 2, SHAPE))
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert "-0.0987" in text.replace(MINUS, "-")
    assert "4900 / 100 = 49" in text
    page.mouse.move(*probe.cell_point(1, 2, SHAPE))
    tip = probe.root.locator(".tokenheat-tooltip")
    tip.wait_for(state="visible")
    assert "1.9074" in tip.inner_text()
    page.mouse.move(*probe.cell_point(8, 4, SHAPE))
    page.wait_for_function("el => el.textContent.includes('no value')", arg=tip.element_handle())
    assert "6 - 6 = 0" in tip.inner_text()


def test_tokens_are_drawn_in_cells(quickstart) -> None:
    # Token text is drawn on the overlay canvas: the cell centre has dark text pixels
    # on the pale-yellow background of the reference figure.
    ref = quickstart[0]
    overlay = ref.root.locator(".tokenheat-overlay")
    assert overlay.count() == 1
    drawn = ref.page.evaluate(
        """el => {
            const ctx = el.getContext('2d');
            const d = ctx.getImageData(0, 0, el.width, el.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        }""",
        overlay.element_handle(),
    )
    assert drawn > 200


def test_python_changes_redraw_without_resending(lab, quickstart, page) -> None:
    probe = quickstart[2]
    before = probe.draws()
    out = lab.run_code(page, 'probe_map.cmap = "gray"\nprint("ok")')
    assert "ok" in out
    page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}", arg=probe.root.element_handle()
    )
    # gray: -1.5 -> black, +1.5 -> white
    at = lambda r, c: probe.cell_colour(r, c, SHAPE)  # noqa: E731
    assert close(at(0, 0), (0, 0, 0)), at(0, 0)
    assert close(at(0, 1), (255, 255, 255)), at(0, 1)


def test_canvas2d_fallback_looks_the_same(lab, page, widgets) -> None:
    page.add_init_script("globalThis.__tokenheatForceCanvas2d = true")
    lab.open(page, "quickstart.ipynb")
    lab.run_all(page)
    probe = widgets(2).wait_ready()
    assert probe.root.get_attribute("data-renderer") == "canvas2d"
    assert_probe_colours(probe)


def test_assigning_values_redraws(lab, quickstart, page) -> None:
    narrow = quickstart[1]
    assert close(narrow.cell_colour(0, 3, SHAPE), DARK_GREEN)  # +0.1044
    before = narrow.draws()
    lab.run_code(page, 'narrow.values = -np.array(ref["values"])')
    page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}", arg=narrow.root.element_handle()
    )
    assert close(narrow.cell_colour(0, 3, SHAPE), DARK_RED)  # now -0.1044
