"""A corpus of tampered state for every synced trait the front end reads, sent to a live
widget past Python's checks (as a tampered saved state or message would be), and to an
offline page. Each case must show the error box with its own message, or be ignored or
clamped harmlessly: never a stuck page, a blank box, an error in the console, or colours
drawn wrongly without a word. After each case, the state Python holds draws again."""

from __future__ import annotations

import io
import re

import pytest

from .conftest import WidgetView, write_notebook
from .test_hardening import responsive, tampered_page

SHAPE = (20, 10)
SETUP = """\
import numpy as np
from tokenheat import Heatmap
w = Heatmap(np.linspace(-1, 1, 200).reshape(20, 10), vmin=-1, vmax=1, title="tampered",
            row_labels=[f"r{i}" for i in range(20)], column_labels=[f"c{j}" for j in range(10)])
# Number(x), String(x), `${x}` and x < 1 all throw in JavaScript for this object
HOSTILE = {"toString": 1, "valueOf": 1}

def inject(**state):
    \"\"\"Send state to the browser past Python's checks; bytes (also inside a dict, as
    in _luts) go as binary buffers.\"\"\"
    buffers = []
    def plain(value, path):
        if isinstance(value, (bytes, memoryview)):
            buffers.append((path, value))
            return None
        if isinstance(value, dict):
            return {k: plain(v, [*path, k]) for k, v in value.items()}
        return value
    state = {k: plain(v, [k]) for k, v in state.items()}
    msg = {"method": "update", "state": state, "buffer_paths": [p for p, _ in buffers]}
    w._send(msg, buffers=[b for _, b in buffers])

def step(case, sentinel):
    \"\"\"Python's own state again (the browser may have written back a corrected view,
    selection or range), then one tampered case with a sentinel to wait for.\"\"\"
    w.set_range(-1, 1)
    w.view, w.selection = (0, 20, 0, 10), None
    w.send_state()
    inject(**case, **sentinel)

w"""

LUT = "_luts={'RdYlGn': %s}"
BIG = "'x' * 10**6"

# (keyword arguments of inject, expected): "same" = drawn exactly as before (ignored),
# "draws" = drawn without an error (clamped), else a regex the error box must match.
CASES = [
    # the colour range
    ("vmin='-1'", r'^vmin must be a finite number, got "-1"$'),
    ("vmax=None", r"^vmax must be a finite number, got null$"),
    ("vmin='nan', vmax='inf'", r'^vmin must be a finite number, got "nan"$'),
    ("vmin=[-1]", r"^vmin must be a finite number, got \[-1\]$"),
    ("vmax=True", r"^vmax must be a finite number, got true$"),
    ("vmin=HOSTILE", r'^vmin must be a finite number, got \{"toString":1,"valueOf":1\}$'),
    ("vmin=-1e308, vmax=1e308, color_range=[-1e308, 1e308]", r"too wide for float32"),
    ("vmax=1e308", r"too wide for float32"),
    ("vmin=0.5, vmax=0.5", r"^the colour range needs vmin < vmax, got vmin=0.5, vmax=0.5$"),
    ("vmin=1, vmax=-1", r"^the colour range needs vmin < vmax, got vmin=1, vmax=-1$"),
    ("center='0'", r'^center must be a finite number or null, got "0"$'),
    ("center=[]", r"^center must be a finite number or null, got \[\]$"),
    ("center=HOSTILE", r"^center must be a finite number or null, got \{"),
    ("center=1e308", r"too wide for float32"),
    ("color_range=[1]", "same"),
    ("color_range='x'", "same"),
    ("color_range=['nan', 1]", "same"),
    ("color_range=[2, 1]", "same"),
    ("color_range=[HOSTILE, 1]", "same"),
    ("color_range=None", "same"),
    ("color_range=[-1e308, 1e308]", "same"),  # not taken, so not saved to Python either
    # the colour map
    ("cmap='nope'", r'^unknown colour map "nope"; available: .*RdYlGn'),
    ("cmap=''", r'^unknown colour map ""'),
    (f"cmap={BIG}", r'^unknown colour map "x{56}\.\.\.; available'),
    ("cmap=5", r"^cmap must be a colour map name, got 5$"),
    ("cmap=['RdYlGn']", r'^cmap must be a colour map name, got \["RdYlGn"\]$'),
    ("cmap=HOSTILE", r"^cmap must be a colour map name, got \{"),
    ("cmap='__proto__'", r'^unknown colour map "__proto__"'),
    ("_luts=None", r"^no colour maps were sent \(_luts is null\)$"),
    ("_luts={}", r"^no colour maps were sent \(_luts is \{\}\)$"),
    ("_luts=[1, 2]", r"^no colour maps were sent \(_luts is \[1,2\]\)$"),
    (LUT % "bytes(1000)", r'^colour map "RdYlGn" must be 1024 bytes .*got 1000 bytes$'),
    (LUT % "bytes(2048)", r'^colour map "RdYlGn" must be 1024 bytes .*got 2048 bytes$'),
    (LUT % "'abc'", r'^colour map "RdYlGn" must be 1024 bytes .*got "abc"$'),
    (LUT % "list(range(1024))", r'^colour map "RdYlGn" must be 1024 bytes .*got \[0,1,2'),
    ("nan_color='garbage'", r'^nan_color must be a colour like "#bdbdbd", got "garbage"$'),
    ("nan_color=5", r'^nan_color must be a colour like "#bdbdbd", got 5$'),
    ("nan_color='#12345678'", r"^nan_color must be a colour"),
    # sizes: anything but a finite number is automatic, numbers are clamped to 50..4096
    ("width='1e9', height='1e9'", "draws"),
    ("width=-5, height=-1e308", "draws"),
    ("width=HOSTILE, height={'a': 1}", "draws"),
    ("width=[500], height=1e308", "draws"),
    # the view and the selection: shown as the nearest valid one, or ignored
    ("view='nonsense'", "same"),
    ("view=[[2], [5], [0], [3]]", "same"),
    ("view=['2', '5', '0', '3']", "same"),
    ("view=[0, 20, 0, 10, 5]", "same"),
    ("view=[HOSTILE, 5, 0, 3]", "same"),
    ("view=None", "same"),
    ("view=[0, 1e308, 0, 1e308]", "same"),
    ("view=[-1e308, 1e308, -1e308, 1e308]", "same"),
    ("view=[-5, -1, -5, -1]", "draws"),
    ("selection={'row': -1}", "same"),
    ("selection={'row': 10**12}", "same"),
    ("selection={'row': '3'}", "same"),
    ("selection={'row': 2.5, 'col': 1}", "same"),
    ("selection={'row': HOSTILE}", "same"),
    ("selection=[3, 4]", "same"),
    ("selection='x'", "same"),
    # flags and the data range (the colour bar's extend markers, the handles' track)
    ("symmetric='yes', show_whitespace='no', _exact_available='yes'", "same"),
    ("symmetric=HOSTILE, show_whitespace=None, _exact_available=[1]", "same"),
    ("_data_range=[1]", "same"),
    ("_data_range='x'", "same"),
    ("_data_range=['nan', 'nan']", "same"),
    ("_data_range=[5, -5]", "same"),
    ("_data_range=[HOSTILE, 1]", "same"),
    ("_data_range=[-1e308, 1e308]", "same"),
    # text
    ("title=5, colorbar_title=None", "same"),
    ("title=HOSTILE, colorbar_title=[1]", "same"),
    (f"title={BIG} * 2, colorbar_title={BIG} * 2", "same"),
    ("row_labels=list(range(20))", r"^row_labels must be a list of 20 strings, got 0 at \[0\]$"),
    ("row_labels=[None] * 20", r"^row_labels must be a list of 20 strings, got null at \[0\]$"),
    ("column_labels=['c'] * 9 + [HOSTILE]", r"^column_labels must be .* got \{.* at \[9\]$"),
    ("_tokens=['t'] * 199 + [1]", r"^_tokens must be a list of strings, got 1 at \[199\]$"),
    ("_tokens=[None] * 200", r"^_tokens must be a list of strings, got null at \[0\]$"),
    # the matrix
    ("_block=[1.5, 1]", r"^_block must be \[rows, cols\] per overview cell, two integers"),
    ("_block=['1', '1']", r'^_block must be .*, got \["1","1"\]$'),
    ("_block=[True, True]", r"^_block must be .*, got \[true,true\]$"),
    ("_shape={'rows': 20}", r"^_shape must be \[rows, cols\], two integers >= 1"),
    ("_shape=[HOSTILE, 10]", r"^_shape must be \[rows, cols\]"),
    ("_values=[0.0] * 200", r"^_values must be binary \(float32 bytes\), got \[0,0,0"),
    ("_exact=HOSTILE", r"^_exact must be binary \(float64 bytes\), got \{"),
]

# a trait each case also sets, from the first that the case leaves alone: shown once the
# case has arrived (the selector of where it shows, its value)
SENTINELS = [
    ("colorbar_title", ".tokenheat-colorbar-title", lambda mark: mark),
    ("title", ".tokenheat-title", lambda mark: mark),
    ("column_labels", ".tokenheat-col-label", lambda mark: [f"c{j}" for j in range(9)] + [mark]),
]


def sentinel(kwargs: str):
    return next(s for s in SENTINELS if not re.search(rf"\b{s[0]}=", kwargs))


def call(i: int, kwargs: str) -> str:
    """The kernel's call for case i: the case and a sentinel trait it leaves alone."""
    key, _, value = sentinel(kwargs)
    return f"(dict({kwargs}), {{{key!r}: {value(f'case {i}')!r}}})"


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    # Python's state first (checked to draw), then the case: one cell, run again and again
    calls = [
        f"({{}}, {{'colorbar_title': 'restored {i}'}}),\n{call(i, kwargs)}"
        for i, (kwargs, _) in enumerate(CASES)
    ]
    queue = ",\n".join(
        ["({}, {'colorbar_title': 'start'})", *calls, "({}, {'colorbar_title': 'end'})"]
    )
    run_next = "step(*QUEUE.pop(0))"
    return write_notebook(lab, "tampered.ipynb", SETUP, f"QUEUE = [\n{queue}\n]", run_next, "")


def run_again(page, cell) -> None:
    """Run the focused cell in place (Ctrl+Enter) and wait until it has run."""
    prompt = cell.locator(".jp-InputArea-prompt")
    before = prompt.text_content()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "([el, before]) => /\\[\\d+\\]/.test(el.textContent) && el.textContent !== before",
        arg=[prompt.element_handle(), before],
    )


def wait_marked(view: WidgetView, selector: str, mark: str, timeout: float = 5_000) -> None:
    """Until the sentinel `mark` shows: the case has arrived, and was drawn."""
    view.page.wait_for_function(
        "([el, sel, mark]) => [...el.querySelectorAll(sel)].some((e) => e.textContent === mark)",
        arg=[view.root.element_handle(), selector, mark],
        timeout=timeout,
    )


def cell_colours(view: WidgetView) -> list:
    """The colour inside each cell of the 20 x 10 matrix, from a screenshot (sampled away
    from the cell's edges and centre, where the outline and token text would be)."""
    from PIL import Image

    shot = Image.open(io.BytesIO(view.cells.screenshot())).convert("RGB")
    rows, cols = SHAPE
    return [
        shot.getpixel((int((c + 0.2) * shot.width / cols), int((r + 0.25) * shot.height / rows)))
        for r in range(rows)
        for c in range(cols)
    ]


def check_case(view: WidgetView, i: int, kwargs: str, expected: str) -> str | None:
    """What is wrong with case i as shown, or None."""
    _, selector, _ = sentinel(kwargs)
    box = view.root.locator(".tokenheat-error")
    if expected in ("same", "draws"):
        try:
            wait_marked(view, selector, f"case {i}")
        except Exception:
            shown = box.text_content() if box.is_visible() else "(no error box)"
            return f"not drawn: {shown[:300]!r}"
        if box.is_visible():
            return f"error box: {box.text_content()!r}"
        size = view.root.bounding_box()
        if not (50 - 1 <= size["width"] <= 4096 + 2 and 50 - 1 <= size["height"] <= 4096 + 2):
            return f"size not clamped: {size}"
        return None
    try:
        view.page.wait_for_function(
            "([el, re]) => { const b = el.querySelector('.tokenheat-error');"
            " return !b.hidden && new RegExp(re).test(b.textContent); }",
            arg=[view.root.element_handle(), expected],
            timeout=5_000,
        )
    except Exception:
        shown = box.text_content() if box.is_visible() else "(no error box)"
        return f"expected an error matching {expected!r}, got {shown[:300]!r}"
    if len(box.text_content()) > 1000:
        return f"an error message of {len(box.text_content())} characters"
    return None


def test_tampered_traits_show_an_error_or_are_ignored(lab, page, notebook) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    lab.open(page, notebook)
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready()
    wait_marked(view, ".tokenheat-colorbar-title", "start", timeout=30_000)
    # the toolbar fades in and out over the top right cells: out of the way
    page.add_style_tag(content=".tokenheat-toolbar { display: none !important; }")
    cell = page.locator(".jp-Notebook .jp-Cell").nth(2)
    cell.locator(".cm-content").click()
    baseline = cell_colours(view)
    outline = view.root.locator(".tokenheat-selection")
    failures = []
    for i, (kwargs, expected) in enumerate(CASES):
        run_again(page, cell)  # Python's own state draws again after the case before
        wait_marked(view, ".tokenheat-colorbar-title", f"restored {i}")
        assert view.root.locator(".tokenheat-error").is_hidden()
        run_again(page, cell)
        problem = check_case(view, i, kwargs, expected)
        responsive(page)
        if problem is None and expected == "same":
            if outline.is_visible():
                problem = "a selection is shown"
            elif cell_colours(view) != baseline:
                problem = "the cells changed"
        if problem is None and console:
            problem = f"console errors: {console[:3]}"
        if problem:
            failures.append(f"{kwargs}: {problem}")
        console.clear()
    run_again(page, cell)
    wait_marked(view, ".tokenheat-colorbar-title", "end")
    assert view.root.locator(".tokenheat-error").is_hidden()
    assert cell_colours(view) == baseline
    assert not failures, "\n".join(failures)


def _luts_buffers(saved: dict, keep) -> None:
    saved["buffers"] = [b for b in saved["buffers"] if b["path"][0] != "_luts" or keep(b)]


OFFLINE = {
    "cmap": (lambda s: s["state"].update(cmap="x" * 10**6), r'^unknown colour map "x{56}\.\.\.;'),
    "luts-gone": (lambda s: _luts_buffers(s, lambda b: False), r"^no colour maps were sent"),
    "lut-short": (
        lambda s: (
            _luts_buffers(s, lambda b: b["path"][1] != "RdYlGn")
            or s["buffers"].append({"path": ["_luts", "RdYlGn"], "encoding": "hex", "data": "00ff"})
        ),
        r'^colour map "RdYlGn" must be 1024 bytes',
    ),
    "shape": (
        lambda s: s["state"].update(_shape=[10**8, 10**8]),
        r"^_shape 100000000\u00d7100000000 has more than 2147483648",
    ),
    "range": (lambda s: s["state"].update(vmin="0", vmax=None), r"^vmin must be a finite number"),
    "proto": (
        lambda s: s["buffers"].append(
            {"path": ["__proto__", "x"], "encoding": "hex", "data": "00"}
        ),
        None,
    ),
    "width": (lambda s: s["state"].update(width=10**9, height=-(10**9)), None),
}


@pytest.fixture
def offline_console(page):
    """Console errors of the page; every request that is not for a local file fails."""
    console: list[str] = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_() if r.request.url.startswith(("file:", "blob:", "data:")) else r.abort()
        ),
    )
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    return console


@pytest.mark.parametrize("name", list(OFFLINE))
def test_offline_page_with_tampered_state(tmp_path, page, offline_console, name) -> None:
    change, message = OFFLINE[name]
    page.goto(tampered_page(tmp_path, name, change).as_uri())
    root = page.locator(".tokenheat")
    root.wait_for(state="attached", timeout=30_000)
    page.wait_for_function(
        "el => el.dataset.ready === 'true' || el.dataset.error !== undefined",
        arg=root.element_handle(),
        timeout=30_000,
    )
    responsive(page)
    box = root.locator(".tokenheat-error")
    if message is None:
        assert box.is_hidden(), box.text_content()
        size = root.bounding_box()
        assert 50 - 1 <= size["width"] <= 4096 + 2 and 50 - 1 <= size["height"] <= 4096 + 2
        assert page.evaluate("() => ({}).x") is None  # nothing leaked into Object.prototype
    else:
        assert box.is_visible()
        assert re.search(message, box.text_content()), box.text_content()[:300]
        assert len(box.text_content()) < 1000
    assert not offline_console, offline_console
