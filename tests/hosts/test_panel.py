"""Panel (`panel serve app.py`): the checks of ``driver.py`` on an app that shows each
widget with ``pn.panel(widget)``, and whether a widget shown plainly (no sizing_mode, no
size of its own) is seen whole (``fit.py``).

Panel draws an ipywidget through its bridge, ipywidgets_bokeh, whose widget manager
fetches anywidget's front end from a CDN; the server runs with tokenheat's plugin
(``--plugins tokenheat.panel``), which serves it from the installed anywidget package
instead, so nothing a widget needs leaves the machine (``test_no_console_errors``).
Each view lives in the shadow root of a Bokeh model (Playwright's CSS locators pierce
open shadow roots).

Python after display is reached the Panel way: reactive values (``pn.rx``) follow the
zoomed widget's ``view`` and the range widget's ``vmin``/``vmax`` through traitlets
observers and are shown as text panes, re-rendered when the browser changes them; a
``selection`` observer turns the target widget gray when one of its cells is clicked.
"""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ..browser.labdriver import free_port
from . import driver
from .conftest import host_page
from .fit import check_whole_figure
from .suites import RangeEchoHost, text_echo

APP = "hosts_app.py"

# The reference figure with no width or height, shown with a plain `pn.panel(fit)`.
FIT = """\
fit = Heatmap(ref_data["values"], row_labels=ref_data["row_labels"],
              column_labels=ref_data["columns"], tokens=ref_data["tokens"],
              vmin={vmin}, vmax={vmax}, title="fit",
              colorbar_title=ref_data["colorbar_title"])"""

CALLBACKS = """\
def follow(widget, *names):
    \"\"\"A reactive tuple of the widget's traits, set again whenever one changes.\"\"\"
    value = pn.rx(tuple(getattr(widget, n) for n in names))

    def changed(change):
        value.rx.value = tuple(getattr(widget, n) for n in names)

    widget.observe(changed, list(names))
    return value

view_echo = pn.pane.Str(follow(zoom, "view").rx.pipe(lambda v: f"VIEW {list(v[0])}"))
range_echo = pn.pane.Str(follow(rng, "vmin", "vmax").rx.pipe(lambda v: f"RANGE {list(v)}"))

def on_select(change):
    if change["new"] is not None:
        target.cmap = "gray"

target.observe(on_select, "selection")"""

# The page: the echoes and the checked widgets in one column, stretched to its width (the
# way that works whatever the widget's automatic size does); then the fit widget as a
# root of its own, as `pn.panel(w).servable()` puts it, and a text after it.
PAGE = """\
pn.Column(
    view_echo, range_echo,
    *(pn.panel(w, sizing_mode="stretch_width") for w in ({shown})),
).servable()
pn.panel(fit).servable()
pn.pane.Str("The end of the page.").servable()"""


def app_source() -> str:
    fit = FIT.format(vmin=driver.NARROW[0], vmax=driver.NARROW[1])
    page = PAGE.format(shown=", ".join(driver.SHOWN))
    return "\n\n".join(
        ['import panel as pn\n\npn.extension("ipywidgets")', driver.SETUP, fit, CALLBACKS, page]
    )


# Panel's box around one ipywidget: the host element of the view's shadow root.
OUTPUT = ".bk-ipywidgets_bokeh-widget-IPyWidget"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("panel")
    root = tmp / "root"
    root.mkdir()
    (root / APP).write_text(app_source())
    port = free_port()
    cmd = [
        sys.executable, "-m", "panel", "serve", APP, "--address=127.0.0.1", f"--port={port}",
        f"--allow-websocket-origin=127.0.0.1:{port}", "--plugins", "tokenheat.panel",
    ]  # fmt: skip
    with driver.running_server(cmd, port=port, root=root, ready_path=None) as s:
        yield s


@pytest.fixture(scope="module")
def opened(browser, server):
    """The app open in the browser, every widget drawn; (page, watch)."""
    with host_page(browser, "panel", server) as (page, seen):
        page.goto(f"{server.url}/{APP.removesuffix('.py')}", timeout=180_000)
        driver.wait_for_widgets(page)
        fit_widget(page)
        yield page, seen


def fit_widget(page) -> driver.WidgetView:
    """The plainly shown widget (its title is "fit"), once drawn."""
    view = driver.WidgetView(page, 0)
    view.root = page.locator(".tokenheat").filter(
        has=page.locator(".tokenheat-title", has_text=re.compile("^fit$"))
    )
    view.cells = view.root.locator(".tokenheat-cells")
    view.root.wait_for(state="attached", timeout=120_000)
    return view.wait_ready(timeout=120_000)


@pytest.fixture
def echo(page):
    return text_echo(page)


class TestPanel(RangeEchoHost):
    pass


def test_python_callback_reaches_the_picture(page) -> None:
    driver.check_python_recolours_target(page, lambda: driver.select_target_cell(page))


def test_plain_pn_panel_shows_the_whole_figure(page) -> None:
    """`pn.panel(fit)` with no sizing_mode and no size on the widget: the figure is seen
    whole, the text after it is below it, and it has the default width (640 px), not the
    root's min-width (Panel's boxes take their width from their content)."""
    view = fit_widget(page)
    m = check_whole_figure(view, OUTPUT)
    width = m["root"]["right"] - m["root"]["left"]
    assert width >= 500, f"the widget is {width:.0f} px wide"


def test_the_plugin_serves_anywidget_and_sends_other_modules_to_the_cdn(server) -> None:
    """The route the bridge's loader uses: anywidget's front end comes from the installed
    package; any other module is redirected to the CDN it would have come from before."""
    import anywidget

    route = f"{server.url}/tokenheat-widgets"
    with urllib.request.urlopen(f"{route}/anywidget@~0.11.*/dist/index", timeout=10) as r:
        served = r.read()
    front_end = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    assert served == front_end.read_bytes()
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(f"{route}/jupyter-leaflet@^0.19/dist/index?x=1", timeout=10)
    with answer.value as redirect:
        assert redirect.code == 302
        location = redirect.headers["Location"]
    assert location == "https://unpkg.com/jupyter-leaflet@^0.19/dist/index?x=1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect is the answer under test: never follow it off the machine


def test_no_console_errors(opened) -> None:
    # Only Font Awesome leaves the machine (aborted here: offline): Panel adds it to every
    # page that loads its ipywidgets extension; tokenheat does not use it.
    assert all("font-awesome" in url for url in opened[1].external), opened[1].external
    driver.check_no_errors(opened[1])
