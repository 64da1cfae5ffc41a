"""A focused heatmap keeps the notebook's shortcuts away from its cell, and the front end
stands up to state that did not pass Python's checks (a tampered saved state or message):
sizes are clamped, a corrected view is reported back to Python, and a matrix whose traits
disagree with what was received shows an error instead of freezing the page."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tokenheat import Heatmap
from tokenheat.html import to_html

from .conftest import WidgetView, write_notebook
from .test_interaction import py, visible_texts, wait_py

SHAPE = (20, 10)
SETUP = """\
import numpy as np
from tokenheat import Heatmap
w = Heatmap(np.linspace(-1, 1, 200).reshape(20, 10), vmin=-1, vmax=1, title="hardening",
            row_labels=[f"r{i}" for i in range(20)], column_labels=[f"c{j}" for j in range(10)])

def inject(**state):
    \"\"\"Send state to the browser past Python's checks, as a tampered saved state or
    message would; bytes go as binary buffers.\"\"\"
    binary = {k: v for k, v in state.items() if isinstance(v, (bytes, memoryview))}
    plain = {k: v for k, v in state.items() if k not in binary}
    msg = {"method": "update", "state": plain, "buffer_paths": [[k] for k in binary]}
    w._send(msg, buffers=list(binary.values()))

w"""
OTHER = "other = 'another cell'"

# (key presses, then) the notebook's cells as a person sees them: type and source
CELLS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map((c) => [
  c.classList.contains('jp-CodeCell') ? 'code' : c.classList.contains('jp-MarkdownCell')
    ? 'markdown' : 'raw',
  c.querySelector('.cm-content')?.textContent ?? '',
])"""

# Notebook command-mode shortcuts (and a few with modifiers) that change cells.
SHORTCUTS = [
    "d", "d", "b", "x", "m", "a", "z", "y", "r", "c", "v", "Shift+M", "Shift+J",
    "Control+Backspace", "Control+Shift+ArrowDown", "Control+Shift+ArrowUp", "Shift+Z",
]  # fmt: skip


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "hardening.ipynb", SETUP, OTHER)


@pytest.fixture
def view(lab, page, notebook) -> WidgetView:
    lab.open(page, notebook)
    lab.run_all(page)
    return WidgetView(page, 0).wait_ready()


def focus_inside(view: WidgetView) -> bool:
    return view.root.evaluate("el => el.contains(document.activeElement)")


def responsive(page, within_ms: float = 2_000) -> None:
    """The page answers a script at once (its main thread is not stuck)."""
    start = time.monotonic()
    assert page.evaluate("() => 1 + 1") == 2
    assert (time.monotonic() - start) * 1000 < within_ms


def redrawn_after(view: WidgetView, before: int, timeout: float = 30_000) -> None:
    view.page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}",
        arg=view.root.element_handle(),
        timeout=timeout,
    )


def test_focused_heatmap_keeps_notebook_shortcuts_from_its_cell(lab, page, view) -> None:
    page.wait_for_timeout(500)
    before = page.evaluate(CELLS)
    assert len(before) == 2 and before[0][0] == "code" and "Heatmap" in before[0][1]
    # focused by a click on the plot, by the keyboard on a toolbar button and on a handle
    targets = [
        lambda: page.mouse.click(*view.cell_point(3, 3, SHAPE)),
        lambda: view.root.locator(".tokenheat-reset").focus(),
        lambda: view.root.locator(".tokenheat-range-handle[data-end=max]").focus(),
    ]
    for focus in targets:
        focus()
        assert focus_inside(view)
        for key in SHORTCUTS:
            page.keyboard.press(key)
        page.wait_for_timeout(1_200)  # past Lumino's chord timeout
        assert page.evaluate(CELLS) == before
        assert page.locator(".tokenheat").count() == 1
        assert view.root.get_attribute("data-ready") == "true"
        assert focus_inside(view)
    # the widget's own keys still work: an arrow key moved the selection
    page.mouse.click(*view.cell_point(3, 3, SHAPE))
    page.keyboard.press("ArrowDown")
    wait_py(lab, page, "w.selection", lambda s: s == {"row": 4, "col": 3})
    cells = page.evaluate(CELLS)
    assert cells[:2] == before  # and below them, only the cells run_code added


def test_tab_leaves_the_heatmap_and_escape_reaches_the_notebook(lab, page, view) -> None:
    # Tab walks through the widget's controls and then out of it; Shift+Tab goes back out
    view.root.focus()
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        if not focus_inside(view):
            break
        seen.append(page.evaluate("() => document.activeElement.className"))
    assert not focus_inside(view), f"Tab never left the widget: {seen}"
    view.root.focus()
    page.keyboard.press("Shift+Tab")
    assert not focus_inside(view)

    # Escape with nothing to clear closes the notebook's search bar; with a selection,
    # it only clears the selection
    page.locator(".jp-Notebook .jp-Cell .jp-InputArea-prompt").first.click()
    page.keyboard.press("Control+f")
    search = page.locator(".jp-mod-search-active")
    search.first.wait_for(state="attached")
    page.mouse.click(*view.cell_point(2, 2, SHAPE))
    outline = view.root.locator(".tokenheat-selection")
    outline.wait_for(state="visible")
    page.keyboard.press("Escape")
    outline.wait_for(state="hidden")
    page.wait_for_timeout(300)
    assert search.count() == 1, "Escape cleared the selection and also closed the search"
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.jp-mod-search-active')")
    assert len(page.evaluate(CELLS)) == 2
    # Ctrl+S still saves the notebook (the host's shortcut, not the browser's "save page")
    dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty")
    assert dirty.count() == 1, "running the cells left the notebook unsaved"
    path = lab.root / "hardening.ipynb"
    before = path.stat().st_mtime_ns
    view.root.focus()
    page.keyboard.press("d")  # a key the widget keeps: nothing happens
    page.keyboard.press("Control+s")
    # saved: the file on disk is rewritten (the tab's unsaved mark can come back at once
    # if the kernel still changes a cell, so the file is what is checked)
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert path.stat().st_mtime_ns != before, (
        "Ctrl+S in the widget did not save the notebook; "
        f"dialogs: {page.locator('.jp-Dialog').all_inner_texts()}, "
        f"focus: {page.evaluate('() => document.activeElement.className')}"
    )
    saved = json.loads(path.read_text())  # with what running the cells did
    assert [c["execution_count"] is not None for c in saved["cells"]] == [True, True]
    assert focus_inside(view)

    # Escape given to the host (here it closes the search bar) and then `d d` at once, in
    # one task, before any timer of the page can run: the widget keeps `d d` all the same
    page.evaluate("() => document.activeElement.blur()")  # a click on a prompt keeps it
    page.locator(".jp-Notebook .jp-Cell .jp-InputArea-prompt").first.click()
    page.keyboard.press("Control+f")
    search.first.wait_for(state="attached")
    view.root.focus()
    view.root.evaluate("""(root) => {
      for (const [key, keyCode] of [["Escape", 27], ["d", 68], ["d", 68]]) {
        const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
        Object.defineProperty(e, "keyCode", { value: keyCode });  // what Lumino reads
        root.dispatchEvent(e);
      }
    }""")
    page.wait_for_function("() => !document.querySelector('.jp-mod-search-active')")
    page.wait_for_timeout(1_200)  # past Lumino's chord timeout
    assert len(page.evaluate(CELLS)) == 2


def test_huge_sizes_from_a_tampered_state_are_clamped(lab, page, view) -> None:
    before = view.draws()
    lab.run_code(page, "inject(width=10**9, height=10**9)")
    redrawn_after(view, before)
    responsive(page)
    box = view.root.bounding_box()
    assert 4000 <= box["width"] <= 4096 + 2 and 4000 <= box["height"] <= 4096 + 2, box
    width, height = view.cells.evaluate("c => [c.width, c.height]")
    dpr = page.evaluate("() => devicePixelRatio")
    assert 0 < width <= 4096 * dpr and 0 < height <= 4096 * dpr
    assert py(lab, page, "(w.width, w.height)") == (None, None)  # Python never saw it
    # not a number: automatic again (the output's width)
    before = view.draws()
    lab.run_code(page, "inject(width='wide', height=None)")
    redrawn_after(view, before)
    output = view.root.evaluate("el => el.parentElement.getBoundingClientRect().width")
    assert abs(view.root.bounding_box()["width"] - output) <= 2
    # tiny: the smallest size
    before = view.draws()
    lab.run_code(page, "inject(width=-5, height=3)")
    redrawn_after(view, before)
    assert view.root.evaluate("el => el.style.width") == "50px"
    responsive(page)


def test_a_colour_range_at_the_ends_of_float32_draws_and_beyond_them_says_so(
    lab, page, view
) -> None:
    # one float32 step wide, and as wide as float32 allows: drawn, ticks and all
    for vmin, vmax in [("1.0", "1.0 + 2**-23"), ("-1.7e38", "1.7e38")]:
        before = view.draws()
        lab.run_code(page, f"inject(vmin={vmin}, vmax={vmax}, color_range=[{vmin}, {vmax}])")
        redrawn_after(view, before)
        responsive(page)
        assert view.root.locator(".tokenheat-error").is_hidden()
    # the colour rule runs in float32: an empty or overflowing range there has no colours
    box = view.root.locator(".tokenheat-error")
    for vmin, vmax, message in [
        ("1.0", "1.0 + 2**-52", "is empty in float32"),
        ("-1.7e308", "1.7e308", "is too wide for float32"),
    ]:
        lab.run_code(page, f"inject(vmin={vmin}, vmax={vmax}, color_range=[{vmin}, {vmax}])")
        page.wait_for_function(
            "([el, m]) => el.dataset.error?.includes(m)", arg=[view.root.element_handle(), message]
        )
        assert message in box.text_content()
        responsive(page)


def test_a_tampered_view_is_clamped_and_reported_to_python(lab, page, view) -> None:
    # narrower than the minimum span (2 cells) about its centre, then shifted inside
    lab.run_code(page, "inject(view=[5, 5.5, 0, 0.5])")
    wait_py(lab, page, "w.view", lambda v: v == (4.25, 6.25, 0.0, 2.0))
    assert visible_texts(view, ".tokenheat-row-label") == ["r4", "r5"]
    assert visible_texts(view, ".tokenheat-col-label") == ["c0", "c1"]
    # outside the matrix: moved inside it, keeping its size
    lab.run_code(page, "inject(view=[30, 40, -5, -1])")
    wait_py(lab, page, "w.view", lambda v: v == (10.0, 20.0, 0.0, 4.0))
    assert visible_texts(view, ".tokenheat-row-label")[0] == "r10"
    # a valid view is shown as it is and not echoed (Python keeps its own value here)
    lab.run_code(page, "w.view = (0, 20, 0, 10)")
    lab.run_code(page, "inject(view=[2, 5, 0, 3])")
    page.wait_for_function(
        "el => [...el.querySelectorAll('.tokenheat-row-label')]"
        ".filter((l) => l.checkVisibility()).map((l) => l.textContent).join() === 'r2,r3,r4'",
        arg=view.root.element_handle(),
    )
    page.wait_for_timeout(1_000)
    assert py(lab, page, "w.view") == (0.0, 20.0, 0.0, 10.0)
    # not a view at all: the view shown stays, and Python hears which it is
    lab.run_code(page, "inject(view='nonsense')")
    wait_py(lab, page, "w.view", lambda v: v == (2.0, 5.0, 0.0, 3.0))
    # a selection outside the matrix is none on screen, and in Python
    lab.run_code(page, "w.selection = {'row': 3}\ninject(selection={'row': 99})")
    wait_py(lab, page, "w.selection", lambda s: s is None)


TAMPERED = [
    (
        "inject(_shape=[10**8, 10**8], _block=[10**5, 10**5], "
        "_values=np.zeros(10**6, np.float32).tobytes(), _exact=b'')",
        r"_shape 100000000\u00d7100000000 has more than 1099511627776 \(2\*\*40\)",
    ),
    (
        "inject(_shape=[40000, 40000], _block=[40, 40], "
        "_values=np.zeros(10**6, np.float32).tobytes(), _exact=b'')",
        r"row_labels has 20 entries but _shape 40000\u00d740000 has 40000 rows",
    ),
    (
        "inject(_shape=[30, 10], _exact=b'')",
        r"_values holds 800 bytes but _shape 30\u00d710 needs 1200",
    ),
    (
        "inject(_block=[40, 1], _exact=b'')",
        r"_block 40\u00d71 is bigger than the matrix: _shape is 20\u00d710",
    ),
    (
        "inject(_block=[2, 2], _exact=b'')",
        r"_values holds 800 bytes but the 10\u00d75 overview .* needs 200",
    ),
    ("inject(_shape=[20, 10.5])", r"_shape must be \[rows, cols\], two integers >= 1"),
    ("inject(_values='zeros')", r"_values must be binary"),
    ("inject(_tokens=['a'] * 7)", r"_tokens has 7 entries but _shape 20\u00d710 needs 200"),
    ("inject(_exact=b'123')", r"_exact holds 3 bytes but _shape 20\u00d710 needs 1600"),
    ("inject(column_labels=['c'] * 11)", r"column_labels has 11 entries but .* has 10 columns"),
]


def test_an_impossible_matrix_state_shows_an_error(lab, page, view) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    box = view.root.locator(".tokenheat-error")
    for code, message in TAMPERED:
        lab.run_code(page, code)
        box.wait_for(state="visible", timeout=30_000)
        assert re.search(message, box.text_content()), (code, box.text_content())
        responsive(page)
        assert not errors, (code, errors)
        # the state Python holds, sent again, draws again
        before = view.draws()
        lab.run_code(page, "w.send_state()")
        redrawn_after(view, before)
        box.wait_for(state="hidden")
        assert view.root.get_attribute("data-ready") == "true"


def tampered_page(tmp_path: Path, name: str, change) -> Path:
    """An offline page of a small heatmap whose embedded state `change` tampers with."""
    html = to_html(Heatmap([[0.0, 1.0], [-1.0, 0.5]], row_labels=["a", "b"]))
    pattern = re.compile(
        r'(<script type="application/vnd\.tokenheat\.state\+json"[^>]*>)(.*?)(</script>)', re.S
    )
    match = pattern.search(html)
    assert match, "no saved state in the page"
    saved = json.loads(match.group(2))
    change(saved)
    text = json.dumps(saved).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    path = tmp_path / f"{name}.html"
    path.write_text(html[: match.start(2)] + text + html[match.end(2) :], encoding="utf-8")
    return path


def test_offline_page_with_tampered_state_stays_bounded(tmp_path: Path, page, widgets) -> None:
    path = tampered_page(
        tmp_path,
        "tampered",
        lambda saved: saved["state"].update(width=10**9, height=10**9, view=[0.5, 0.75, 0, 2]),
    )
    page.goto(path.as_uri())
    view = widgets(0).wait_ready(timeout=30_000)
    responsive(page)
    box = view.root.bounding_box()
    assert box["width"] <= 4096 + 2 and box["height"] <= 4096 + 2, box
    assert view.root.locator(".tokenheat-error").is_hidden()
    # the view was widened to the minimum span: both rows show
    assert visible_texts(view, ".tokenheat-row-label") == ["a", "b"]
