"""What every host test shares: starting a server, an offline page that records console
errors, the widgets every host shows (the same Python code in a notebook or a marimo app)
and the checks made on them from pixels, the tooltip and downloads.

Each host module (``test_notebook7.py``, ``test_voila.py``, ``test_marimo.py``,
``test_solara.py``, ``test_shiny.py``, ``test_panel.py``, and ``tests/lite``'s JupyterLite)
starts its server, opens one page showing the widgets below, and runs the checks here on
it through ``suites.py``'s test classes; only how Python is reached after display differs
between hosts. Every check works on its own widget, so the checks do not depend on each
other's order.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tokenheat.colormaps import colorize

from ..browser.conftest import ROOT, WidgetView
from ..browser.labdriver import serving
from ..browser.test_scale import TOLERANCE, close, colour_of, until

if TYPE_CHECKING:
    from collections.abc import Iterator

REFERENCE_JSON = ROOT / "notebooks" / "data" / "arithmetic_attributions.json"
REF = json.loads(REFERENCE_JSON.read_text())
SHAPE = (9, 5)
NARROW = (-0.1, 0.1)  # the reference figure at +-0.1: every cell has its own colour
MINUS = "\u2212"  # typographic minus, as in the tooltip and tick labels

# The big matrix: the send-whole limit is lowered in the kernel (as tests/test_big.py does
# in-process) so that a 400 x 300 matrix is "big": the browser gets an overview in blocks
# and asks for tiles, through the host's comm, exactly as for a matrix over 2**24 cells.
BIG_SHAPE = (400, 300)
BIG_LIMITS = (20_000, 2_000)  # SEND_CELLS, TILE_CELLS
STRONG = (170, 120)  # the one cell at -5
GRADIENT = (150, 190, 100, 140)  # a window of distinct values around it


def big_values() -> np.ndarray:
    z = np.zeros(BIG_SHAPE, dtype=np.float32)
    r0, r1, c0, c1 = GRADIENT
    z[r0:r1, c0:c1] = np.linspace(-4, 4, (r1 - r0) * (c1 - c0)).reshape(r1 - r0, c1 - c0)
    z[STRONG] = -5.0
    return z


# Python code every host runs, in order (a notebook's cells, or a marimo app's first
# cell). Titles name the widgets: each check finds its own widget by title.
SETUP = f"""\
import json
import numpy as np
import tokenheat._data
from tokenheat import Heatmap
tokenheat._data.SEND_CELLS, tokenheat._data.TILE_CELLS = {BIG_LIMITS}
ref_data = json.loads(open({str(REFERENCE_JSON)!r}).read())

def reference(title):
    return Heatmap(ref_data["values"], row_labels=ref_data["row_labels"],
                   column_labels=ref_data["columns"], tokens=ref_data["tokens"],
                   vmin={NARROW[0]}, vmax={NARROW[1]}, title=title,
                   colorbar_title=ref_data["colorbar_title"], height=380)

ref = reference(ref_data["title"])
zoom = reference("zoom")
rng = reference("range")
target = reference("target")
bz = np.zeros({BIG_SHAPE}, dtype=np.float32)
r0, r1, c0, c1 = {GRADIENT}
bz[r0:r1, c0:c1] = np.linspace(-4, 4, (r1 - r0) * (c1 - c0)).reshape(r1 - r0, c1 - c0)
bz[{STRONG}] = -5.0
big = Heatmap(bz, vmin=-5, vmax=5, title="big", row_labels=[f"r{{i}}" for i in range(400)],
              static_png=False, height=480)
assert big._block != [1, 1], big._block"""

# The names of the widgets in SETUP, in the order shown (each in its own output).
SHOWN = ("ref", "zoom", "rng", "target", "big")
TITLES = {"ref": REF["title"], "zoom": "zoom", "range": "range", "target": "target", "big": "big"}


# ------------------------------------------------------------------------------ servers
@dataclass
class Server:
    """A host's server process on 127.0.0.1, with its log."""

    url: str
    proc: subprocess.Popen
    log: Path
    root: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_server(
    cmd: list[str],
    *,
    port: int,
    root: Path,
    ready_path: str | None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[Server]:
    """Start ``cmd`` in ``root`` with its output in ``root/../<name>-server.log``; wait
    until ``ready_path`` answers on ``port`` (None: until the port accepts connections);
    stop that process (only it) at the end."""
    log = root.parent / f"{root.name}-server.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("ANYWIDGET_HMR", None)
    url = f"http://127.0.0.1:{port}"

    def ready() -> None:
        if ready_path is None:  # the port accepts connections
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        else:
            urllib.request.urlopen(url + ready_path, timeout=5).close()

    name = " ".join(cmd[:3])
    with serving(
        cmd, name=name, log=log, env=full_env, ready=ready, cwd=root, timeout=timeout
    ) as proc:
        yield Server(url, proc, log, root)


# ---------------------------------------------------------------------------- the page
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "blob:", "data:", "about:")


@dataclass
class Watch:
    """What a page did that a test may fail on: console errors, uncaught exceptions, and
    requests that left localhost (aborted: the tests run offline)."""

    errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def ours(self) -> list[str]:
        """Console errors and uncaught exceptions, without the browser's own report of a
        request this test aborted (those are listed in ``external``)."""
        aborted = {f"Failed to load resource: net::ERR_FAILED ({url})" for url in self.external}
        return [e for e in self.errors if e not in aborted] + self.page_errors


def watch_page(page) -> Watch:
    """Abort and record every request not for 127.0.0.1; collect console errors."""
    seen = Watch()

    def route(r) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            seen.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)

    def console(m) -> None:
        if m.type == "error":
            where = m.location.get("url") if m.text.startswith("Failed to load") else None
            seen.errors.append(f"{m.text} ({where})" if where else m.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: seen.page_errors.append(exc.stack or str(exc)))
    return seen


class HostWidget(WidgetView):
    """A tokenheat widget found by its title (in the page or in a shadow root: Playwright's
    CSS locators pierce open shadow roots, as marimo's are)."""

    def __init__(self, page, key: str) -> None:
        self.page = page
        title = re.compile(f"^{re.escape(TITLES[key])}$")
        self.root = page.locator(".tokenheat").filter(
            has=page.locator(".tokenheat-title", has_text=title)
        )
        self.cells = self.root.locator(".tokenheat-cells")


def widget(page, key: str, timeout: float = 120_000) -> HostWidget:
    view = HostWidget(page, key)
    view.root.wait_for(state="attached", timeout=timeout)
    return view.wait_ready(timeout=timeout)


def wait_for_widgets(page, timeout: float = 120_000) -> None:
    """Until every widget of SETUP is on the page and drawn."""
    for key in TITLES:
        widget(page, key, timeout)


def redrawn(view: WidgetView, before: int, timeout: float = 60_000) -> None:
    view.page.wait_for_function(
        f"el => Number(el.dataset.draws) > {before}",
        arg=view.root.element_handle(),
        timeout=timeout,
    )


def expected_reference(vmin: float, vmax: float, cmap: str = "RdYlGn") -> np.ndarray:
    """The reference figure's colours (rows, cols, 3), as Python draws them."""
    return colorize(np.array(REF["values"], dtype=float), vmin=vmin, vmax=vmax, lut=cmap)[..., :3]


def shot_rgb(view: WidgetView) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(view.cells_screenshot())).convert("RGB"), dtype=int)


def wrong_cells(image: np.ndarray, expected: np.ndarray, tol: int = TOLERANCE) -> dict:
    """Cells whose pixel (sampled off-centre: token text sits at the centre) is not the
    expected colour: {(r, c): (seen, expected)}."""
    rows, cols = expected.shape[:2]
    h, w = image.shape[:2]
    wrong = {}
    for r in range(rows):
        for c in range(cols):
            seen = image[int((r + 0.2) * h / rows), int((c + 0.15) * w / cols)]
            want = expected[r, c]
            if not close(seen, want, tol):
                wrong[(r, c)] = (tuple(int(v) for v in seen), tuple(int(v) for v in want))
    return wrong


def rest(page) -> None:
    """Pointer off every widget: no toolbar or tooltip over the cells."""
    page.mouse.move(0, 0)
    page.wait_for_timeout(150)


# ------------------------------------------------------------------------------ checks
def check_reference_colours(page) -> None:
    """1. Every cell of the reference figure (at +-0.1) has Python's colour, on WebGL."""
    view = widget(page, "ref")
    assert view.root.get_attribute("data-renderer") == "webgl2"
    assert view.texts(".tokenheat-row-label") == REF["row_labels"]
    rest(page)
    wrong = wrong_cells(shot_rgb(view), expected_reference(*NARROW))
    assert not wrong, f"cell colours (seen, expected): {wrong}"


def hover(page, x: float, y: float) -> None:
    """Move the pointer to (x, y) as a hand does, in a few moves from close by."""
    page.mouse.move(x - 4, y - 3)
    page.mouse.move(x, y, steps=3)


def tooltip_text(view: WidgetView, row: int, col: int, shape=SHAPE) -> str:
    hover(view.page, *view.cell_point(row, col, shape))
    tip = view.root.locator(".tokenheat-tooltip")
    visible(tip)
    return (tip.text_content() or "").replace(MINUS, "-")


def visible(locator, timeout: float = 5_000) -> None:
    """Wait until shown; an AssertionError if not (so that :func:`until` hovers again)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(state="visible", timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"not shown: {locator}") from None


def check_tooltip(page) -> None:
    """2. Hovering a cell shows its value, token, row and column."""
    view = widget(page, "ref")
    rest(page)
    text = until(lambda: _tip_with(view, 1, 2, "-0.0987"), 20)
    assert "4900 / 100 = 49" in text, text
    assert "-0.0987" in tooltip_text(view, 1, 2)
    # (not in the top row: the toolbar, shown while the pointer is over the widget, covers
    # the top right cells of a narrow widget, as in marimo)
    value = REF["values"][3][1]
    text = until(lambda: _tip_with(view, 3, 1, str(value)), 20)
    assert REF["columns"][1] in text, text
    rest(page)


def _tip_with(view: WidgetView, row: int, col: int, wanted: str) -> str:
    text = tooltip_text(view, row, col)
    assert wanted in text, text
    return text


VISIBLE_ROWS = (
    "el => [...el.querySelectorAll('.tokenheat-row-label')]"
    ".filter(l => l.checkVisibility()).map(l => l.textContent.trim())"
)


def visible_rows(view: WidgetView) -> list[str]:
    return view.root.evaluate(VISIBLE_ROWS)


def check_wheel_zoom(page) -> None:
    """3. Wheel zoom over cell (4, 2) shows fewer rows, and another cell at the top left:
    the tooltip there names a cell other than (0, 0), and the pixel has its colour."""
    view = widget(page, "zoom")
    assert len(visible_rows(view)) == SHAPE[0]
    before = view.draws()
    view.wheel_zoom(4, 2, SHAPE, steps=6)
    redrawn(view, before)
    rows = until(lambda: _fewer_rows(view), 20)
    assert REF["row_labels"][4] in rows, rows
    box = view.cells.bounding_box()
    x, y = box["x"] + 4, box["y"] + 4
    row, col, _ = until(lambda: tooltip_cell(view, x, y), 20)
    assert (row, col) != (0, 0) and row <= 4 and col <= 2, (row, col)
    want = expected_reference(*NARROW)[row, col]
    assert close(canvas_pixel_under(view, x, y), want)
    rest(page)


def tooltip_cell(view: WidgetView, x: float, y: float) -> tuple[int, int, str]:
    """Hover page point (x, y); the single cell the tooltip names, and its text."""
    hover(view.page, x, y)
    tip = view.root.locator(".tokenheat-tooltip")
    visible(tip)
    keys = [k.strip() for k in tip.locator(".tokenheat-tooltip-key").all_text_contents()]
    row = re.fullmatch(r"row (\d+)", keys[0])
    col = re.fullmatch(r"column (\d+)", keys[1])
    text = (tip.text_content() or "").replace(MINUS, "-")
    assert row and col, keys
    return int(row[1]), int(col[1]), text


def _fewer_rows(view: WidgetView) -> list[str]:
    rows = visible_rows(view)
    assert 0 < len(rows) < SHAPE[0], rows
    return rows


def zoom_view_ok(view: list[float]) -> None:
    """The view Python reports after :func:`check_wheel_zoom`."""
    r0, r1, c0, c1 = view
    assert 0 <= r0 < 4 < r1 <= SHAPE[0] and 0 <= c0 < 2 < c1 <= SHAPE[1], view
    assert r1 - r0 < SHAPE[0] and c1 - c0 < SHAPE[1], view


def range_inputs(view: WidgetView) -> tuple[float, float]:
    return tuple(
        float(view.root.locator(f".tokenheat-range-input[data-end={end}]").input_value())
        for end in ("min", "max")
    )


def check_range_drag(page) -> tuple[float, float]:
    """4. Dragging the range control's max handle down narrows the range (mirrored: the
    widget is symmetric) and recolours the cells to match; the range shown."""
    view = widget(page, "range")
    assert range_inputs(view) == NARROW
    handle = view.root.locator(".tokenheat-range-handle[data-end=max]")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 80, steps=10)
    page.mouse.up()
    page.wait_for_timeout(600)  # the drag settles
    vmin, vmax = range_inputs(view)
    assert 0 < vmax < NARROW[1] * 0.9 and vmin == -vmax, (vmin, vmax)
    rest(page)
    # the inputs show rounded values: allow a neighbouring LUT entry
    until(lambda: _colours_are(view, expected_reference(vmin, vmax), tol=10), 20)
    assert wrong_cells(shot_rgb(view), expected_reference(*NARROW)), "the colours did not change"
    return vmin, vmax


def _colours_are(view: WidgetView, expected: np.ndarray, tol: int = TOLERANCE) -> None:
    wrong = wrong_cells(shot_rgb(view), expected, tol)
    assert not wrong, f"cell colours (seen, expected): {wrong}"


def check_target_is(page, cmap: str) -> None:
    """5. The target widget shows the reference in ``cmap`` (after a change from Python)."""
    view = widget(page, "target")
    rest(page)
    until(lambda: _colours_are(view, expected_reference(*NARROW, cmap)), 30)


def check_python_recolours_target(page, change) -> None:
    """5. A change from Python reaches the picture: ``change()`` makes Python set
    ``target.cmap = "gray"`` (the host's way: a cell, a button, a widget callback) and the
    target's cells turn gray."""
    check_target_is(page, "RdYlGn")
    change()
    check_target_is(page, "gray")


def select_target_cell(page) -> None:
    """Click a cell of the target widget (hosts where Python answers a selection)."""
    view = widget(page, "target")
    page.mouse.click(*view.cell_point(2, 2, SHAPE))
    rest(page)


def big_tooltip(view: WidgetView) -> str:
    tip = view.root.locator(".tokenheat-tooltip")
    visible(tip)
    return (tip.text_content() or "").replace(MINUS, "-")


def canvas_pixel_under(view: WidgetView, x: float, y: float) -> np.ndarray:
    """The cells canvas's own device pixel under page point (x, y)."""
    import base64

    from PIL import Image

    url = view.cells.evaluate("c => c.toDataURL('image/png')")
    pixels = np.asarray(
        Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"), dtype=int
    )
    box = view.cells.bounding_box()
    h, w = pixels.shape[:2]
    return pixels[int((y - box["y"]) * h / box["height"]), int((x - box["x"]) * w / box["width"])]


def check_big_matrix(page) -> None:
    """6. A matrix above the send-whole limit: the overview shows the strong cell's block
    (the tooltip names a block, "strongest of"); zoomed in with the wheel, the window's
    tile arrives: the tooltip names the single cell and the cells around it have their own
    colours (in the overview they were all the block's red)."""
    view = widget(page, "big")
    values = big_values()
    red = colour_of(-5.0, -5, 5)
    x, y = view.cell_point(*STRONG, BIG_SHAPE)

    def block() -> None:
        hover(page, x, y)
        text = big_tooltip(view)
        assert "strongest of" in text and "-5" in text, text

    until(block, 20)
    assert close(canvas_pixel_under(view, x, y), red)

    before = view.draws()
    for _ in range(10):  # about 28x: some 14 x 11 cells shown
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(30)
    redrawn(view, before)
    rows = until(lambda: _few_big_rows(view), 30)
    assert f"r{STRONG[0]}" in rows, rows
    # zoomed about the pointer; a row's centre is its label's
    y = row_centre(view, STRONG[0])

    def single_cell() -> None:
        row, col, text = tooltip_cell(view, x, y)
        assert (row, col) == STRONG and "strongest" not in text and "-5" in text, text

    until(single_cell, 60)
    assert close(canvas_pixel_under(view, x, y), red)
    # The cell above: its own colour, not the block's red.
    above = row_centre(view, STRONG[0] - 1)
    row, col, text = until(lambda: tooltip_cell(view, x, above), 20)
    assert (row, col) == (STRONG[0] - 1, STRONG[1]), text
    want = colour_of(float(values[STRONG[0] - 1, STRONG[1]]), -5, 5)
    assert not close(want, red, 30)
    until(lambda: _pixel_is(view, x, above, want), 20)
    rest(page)


def row_centre(view: WidgetView, row: int) -> float:
    label = view.root.locator(".tokenheat-row-label", has_text=re.compile(f"^r{row}$"))
    box = label.bounding_box()
    return box["y"] + box["height"] / 2


def _few_big_rows(view: WidgetView) -> list[str]:
    rows = visible_rows(view)
    assert 0 < len(rows) <= 40, rows
    return rows


def _pixel_is(view: WidgetView, x: float, y: float, want) -> None:
    seen = canvas_pixel_under(view, x, y)
    assert close(seen, want), (seen, want)


def check_png_download(page, folder: Path) -> None:
    """7. The toolbar's PNG button downloads the figure at 2x: a real PNG of the widget's
    size, its cells in the reference colours."""
    from PIL import Image

    view = widget(page, "ref")
    rest(page)
    view.root.hover()  # the toolbar shows while the pointer is over the widget
    button = view.root.locator('.tokenheat-download[data-format="png"]')
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "Token-Attribution.png"
    path = folder / download.suggested_filename
    download.save_as(path)
    rest(page)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)
    root, cells = view.root.bounding_box(), view.cells.bounding_box()
    assert image.shape[:2] == (round(root["height"] * 2), round(root["width"] * 2))
    left, top = 2 * (cells["x"] - root["x"]), 2 * (cells["y"] - root["y"])
    plot = image[round(top) : round(top + 2 * cells["height"]),
                 round(left) : round(left + 2 * cells["width"])]  # fmt: skip
    wrong = wrong_cells(plot, expected_reference(*NARROW))
    assert not wrong, f"PNG cell colours (seen, expected): {wrong}"


def check_no_errors(seen: Watch, host_errors: tuple[str, ...] = ()) -> None:
    """8. No console errors or uncaught exceptions on the page, but for the host's own
    (``host_errors``: patterns that match an error's whole text and stack, each checked to
    happen on the host's pages without any widget)."""
    ours = [e for e in seen.ours() if not any(re.match(p, e) for p in host_errors)]
    assert not ours, f"console errors: {ours}"
