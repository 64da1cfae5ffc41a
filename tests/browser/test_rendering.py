"""Rendering details a person notices: HiDPI sharpness and the JupyterLab dark theme."""

from __future__ import annotations

import re

import pytest

from .conftest import WidgetView


def luminance(css_rgb: str) -> float:
    r, g, b = (int(float(v)) for v in css_rgb[css_rgb.index("(") + 1 : -1].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.fixture
def hidpi_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def test_canvases_use_device_pixels(lab, hidpi_page) -> None:
    lab.open(hidpi_page, "quickstart.ipynb")
    lab.run_all(hidpi_page)
    view = WidgetView(hidpi_page, 0).wait_ready()
    for selector in (".tokenheat-cells", ".tokenheat-overlay", ".tokenheat-colorbar"):
        width, css_width = hidpi_page.evaluate(
            "el => [el.width, el.getBoundingClientRect().width]",
            view.root.locator(selector).element_handle(),
        )
        assert abs(width - 2 * css_width) <= 2, (selector, width, css_width)


def test_text_follows_the_dark_theme(lab, page) -> None:
    lab.open(page, "quickstart.ipynb")
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready()
    label = view.root.locator(".tokenheat-row-label").first
    colour = lambda: label.evaluate("el => getComputedStyle(el).color")  # noqa: E731
    assert luminance(colour()) < 0.4  # dark text on the light theme

    def set_theme(name: str, light: str) -> None:
        page.get_by_role("menuitem", name="Settings", exact=True).click()
        page.locator(".lm-Menu-item").filter(has_text=re.compile(r"^Theme\s*$")).click()
        page.locator(".lm-Menu-item").filter(has_text=re.compile(rf"^{name}\s*$")).click()
        page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached")

    set_theme("JupyterLab Dark", "false")
    try:
        page.wait_for_function(
            "el => { const [r, g, b] = getComputedStyle(el).color.match(/[\\d.]+/g).map(Number);"
            " return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.6; }",
            arg=label.element_handle(),
        )
        title = view.root.locator(".tokenheat-colorbar-title")
        assert luminance(title.evaluate("el => getComputedStyle(el).color")) > 0.6
    finally:
        set_theme("JupyterLab Light", "true")
