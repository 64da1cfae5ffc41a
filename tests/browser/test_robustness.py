"""Hostile text and rapid updates in real JupyterLab: text is only ever text, and the
browser ends showing exactly the last state Python set."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from .conftest import WidgetView, write_notebook
from .test_interaction import py, wait_py

HOSTILE = [
    '<img src=x onerror="window.__pwned = 1">',
    "<script>window.__pwned = 1</script>",
    '" onmouseover="window.__pwned = 1',
    "&amp; &lt;b&gt; not bold",
    "<svg onload=window.__pwned=1>",
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth",
    "line\nbreak",
    "a very long label " + "x" * 300,
]
SETUP = f"""\
import json
import numpy as np
from tokenheat import Heatmap
hostile = json.loads({json.dumps(json.dumps(HOSTILE))})
n = len(hostile)
values = np.linspace(-1, 1, n * 3).reshape(n, 3)
tokens = np.array([[h, h, "ok"] for h in hostile], dtype=object)
w = Heatmap(values, row_labels=hostile, column_labels=[hostile[0], hostile[1], "plain"],
            tokens=tokens, title=hostile[1], colorbar_title=hostile[0], vmin=-1, vmax=1)
w"""

RAPID = """\
import numpy as np
from tokenheat import Heatmap
rng = np.random.default_rng(3)
r = Heatmap(np.zeros((6, 4)), vmin=-1, vmax=1)
r"""

LOOP = """\
for i in range(1000):
    if i % 100 == 0:
        r.values = rng.normal(size=(6, 4))
    r.vmax = 1 + i / 1000
    r.vmin = -0.5 - i / 2000
final = np.linspace(-2, 2, 24).reshape(6, 4)
r.update(values=final, vmin=-1.5, vmax=1.25)
print("done")"""

FLOOD = """\
for i in range(20_000):
    r.vmax = 1 + i / 20_000
final = np.linspace(2, -2, 24).reshape(6, 4)
r.update(values=final, vmin=-1.25, vmax=1.5)
print("done")"""


WHITESPACE = """\
ws = Heatmap(np.zeros((1, 4)), tokens=[[" ", "\\n", "", "a b"]], vmin=-1, vmax=1, height=160)
ws"""


@pytest.fixture(scope="module")
def notebook(lab) -> str:
    return write_notebook(lab, "robustness.ipynb", SETUP, RAPID, WHITESPACE)


@pytest.fixture
def views(lab, page, notebook) -> tuple[WidgetView, ...]:
    lab.open(page, notebook)
    lab.run_all(page)
    return tuple(WidgetView(page, i).wait_ready() for i in range(3))


def test_hostile_text_is_shown_literally_and_never_runs(lab, page, views) -> None:
    view = views[0]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shape = (len(HOSTILE), 3)
    for r in range(len(HOSTILE)):  # hover every row: the tooltip shows label and token
        page.mouse.move(*view.cell_point(r, 0, shape))
        page.wait_for_timeout(40)
        tip = view.root.locator(".tokenheat-tooltip")
        assert HOSTILE[r].replace("\n", " ") in tip.text_content().replace("\n", " ")
    page.mouse.move(*view.cell_point(0, 0, shape))
    for label in view.root.locator(".tokenheat-row-label").all():
        label.hover()
    assert page.evaluate("() => window.__pwned") is None
    # no element was made from the text anywhere in the widget
    markup = view.root.locator("img, script, svg[onload], [onerror], [onmouseover]")
    assert markup.count() == 0
    long_label = view.root.locator(".tokenheat-row-label").nth(len(HOSTILE) - 1)
    assert long_label.evaluate(
        "el => el.scrollWidth > el.clientWidth && getComputedStyle(el).textOverflow === 'ellipsis'"
    ), "a long label is cut with an ellipsis (and shown whole in the tooltip, above)"
    assert view.texts(".tokenheat-title") == [HOSTILE[1]]
    assert view.texts(".tokenheat-colorbar-title") == [HOSTILE[0]]
    shown = view.root.locator(".tokenheat-row-label").all_text_contents()
    for text in shown:  # every label is one of the strings, whole or elided with "…"
        whole = text in HOSTILE
        elided = text.endswith("\u2026") and any(h.startswith(text[:-1]) for h in HOSTILE)
        assert whole or elided, text
    assert not errors, errors


def test_a_thousand_updates_end_in_the_last_state(lab, page, views) -> None:
    out = lab.run_code(page, LOOP, timeout=120_000)
    assert "done" in out
    assert_shows_last_state(lab, page, views[1], (-1.5, 1.25))


def test_updates_faster_than_the_server_forwards_end_in_the_last_state(lab, page, views) -> None:
    """Twenty thousand changes in a second or two: sent as they came, the Jupyter server
    would drop them (over 1000 messages a second) and the view would keep a stale state;
    tokenheat sends at most 60 a second, each with the newest values."""
    out = lab.run_code(page, FLOOD, timeout=120_000)
    assert "done" in out and "rate exceeded" not in out, out
    assert_shows_last_state(lab, page, views[1], (-1.25, 1.5))


def assert_shows_last_state(lab, page, view, limits: tuple[float, float]) -> None:
    """Python holds ``limits`` and the view shows them, and its cells are ``r``'s colours."""
    wait_py(lab, page, "(r.vmin, r.vmax)", lambda v: v == limits)

    def shown() -> tuple[float, float]:
        get = lambda end: view.root.locator(f".tokenheat-range-input[data-end={end}]")  # noqa: E731
        return float(get("min").input_value()), float(get("max").input_value())

    for _ in range(40):
        if shown() == limits:
            break
        page.wait_for_timeout(250)
    assert shown() == limits
    expected = np.array(py(lab, page, "r.to_rgba()[:, :, :3].tolist()"))
    view.cells.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    shot = Image.open(io.BytesIO(view.cells.screenshot())).convert("RGB")
    for row in range(6):
        for col in range(4):
            x = (col + 0.5) * shot.width / 4
            y = (row + 0.5) * shot.height / 6
            seen = shot.getpixel((int(x), int(y)))
            assert np.abs(np.array(seen) - expected[row, col]).max() <= 6, (row, col, seen)


def test_whitespace_tokens_are_visible(lab, page, views) -> None:
    view = views[2]
    shape = (1, 4)
    tip = view.root.locator(".tokenheat-tooltip")
    for col, shown in enumerate(["\u2423", "\u21b5", "", "a\u2423b"]):
        page.mouse.move(*view.cell_point(0, col, shape, fx=0.2))
        page.wait_for_timeout(60)
        if shown:
            assert shown in tip.text_content()
    page.mouse.move(0, 0)
    page.wait_for_timeout(200)
    shot = np.asarray(Image.open(io.BytesIO(view.cells.screenshot())).convert("L"), dtype=int)
    width = shot.shape[1] / 4
    cells = [shot[:, int(c * width) + 2 : int((c + 1) * width) - 2] for c in range(4)]
    ink = [int((cell < 120).sum()) for cell in cells]
    assert ink[0] > 5 and ink[1] > 5 and ink[3] > 5, ink  # a glyph in each whitespace cell
    assert ink[2] == 0, ink  # no token: an empty cell


HUGE_TEXT = """\
import numpy as np
from tokenheat import Heatmap
huge = "W" * 2_000_000
big = Heatmap(np.array([[0.5, -1.0], [0.25, 0.0]]), title="T" * 2_000_000,
              row_labels=[huge, "short"], column_labels=["c" * 2_000_000, "d"],
              tokens=[["t" * 2_000_000, "a"], ["b", "c"]], colorbar_title="B" * 2_000_000)
big"""


def test_text_of_any_length_displays(lab, page) -> None:
    """Two million characters in the title, labels, a token and the colour-bar title:
    the widget draws, cuts the text where it is shown, and its tooltip stays readable."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    lab.open(page, write_notebook(lab, "hugetext.ipynb", HUGE_TEXT))
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready()
    title = view.root.locator(".tokenheat-title")
    assert title.text_content().startswith("TTTT") and len(title.text_content()) < 5000
    assert title.evaluate("el => el.getBoundingClientRect().height") < 60  # one line
    row = view.root.locator(".tokenheat-row-label").first
    assert row.text_content().startswith("WWWW") and len(row.text_content()) < 5000
    page.mouse.move(*view.cell_point(0, 0, (2, 2), fx=0.2))
    page.wait_for_timeout(100)
    tip = view.root.locator(".tokenheat-tooltip")
    text = tip.text_content()
    assert "WWWW" in text and "\u2026" in text and len(text) < 20_000
    box = tip.bounding_box()
    assert box is not None and box["height"] < 1000, box
    assert not errors, errors
