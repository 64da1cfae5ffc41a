"""The current view of a single heatmap as an SVG document (:func:`tokenheat.export.to_svg`):
the layout, texts and colour bar of :mod:`tokenheat.export`, every text kept as text; the
cells as one ``<rect>`` each, or as one PNG image above :data:`~tokenheat.export.SVG_MAX_RECTS`.
The parts serve the grids' SVG too (:mod:`tokenheat._grid_export`).
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING

from . import export as ex
from ._export_pixels import block_colours, cell_pixels, colorbar_pixels
from ._export_text import FONT_SIZE, TITLE_SIZE
from ._panel_view import focused
from ._png import encode_png

if TYPE_CHECKING:
    from .widget import Heatmap


def to_svg(widget: Heatmap) -> str:
    """One heatmap's view as an SVG document."""
    f = ex.layout(widget)
    rows, cols = ex.visible_cells(widget)
    parts = svg_head(f.width, f.height)
    parts += svg_cells(widget, f.plot, focused(widget), len(rows) * len(cols) <= ex.SVG_MAX_RECTS)
    parts += svg_bar(widget, f)
    parts += svg_texts(ex._texts(widget, f))
    parts.append("</svg>")
    return "\n".join(parts)


def svg_head(width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def svg_cells(widget: Heatmap, plot: tuple[int, int, int, int], p: int, rects: bool) -> list[str]:
    """Panel ``p``'s cells in ``plot``: a ``<rect>`` each, or one PNG ``<image>``."""
    px, py, pw, ph = plot
    rows, cols = ex.visible_cells(widget)
    r0, r1, c0, c1 = widget.view
    parts = [f'<svg x="{px}" y="{py}" width="{pw}" height="{ph}">']
    if rects:
        cw, ch = pw / (c1 - c0), ph / (r1 - r0)
        colours = block_colours(widget, rows, cols, p)
        for a, i in enumerate(rows):
            for b, j in enumerate(cols):
                r, g, bl = colours[a, b, :3]
                parts.append(
                    f'<rect x="{(j - c0) * cw:.3f}" y="{(i - r0) * ch:.3f}" '
                    f'width="{cw:.3f}" height="{ch:.3f}" fill="#{r:02x}{g:02x}{bl:02x}"/>'
                )
    else:
        png = base64.b64encode(encode_png(cell_pixels(widget, pw, ph, p))).decode("ascii")
        parts.append(f'<image width="{pw}" height="{ph}" href="data:image/png;base64,{png}"/>')
    parts.append("</svg>")
    return parts


def svg_bar(widget: Heatmap, f) -> list[str]:
    """The colour bar (a PNG gradient) and its extend triangles."""
    bar = base64.b64encode(encode_png(colorbar_pixels(widget, 1, 256))).decode("ascii")
    bx, by, bw, bh = f.bar
    parts = [
        f'<image x="{bx}" y="{by}" width="{bw}" height="{bh}" preserveAspectRatio="none" '
        f'href="data:image/png;base64,{bar}"/>'
    ]
    for points, (r, g, b, _) in ex.extends(widget, f):
        coords = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
        parts.append(f'<polygon points="{coords}" fill="#{r:02x}{g:02x}{b:02x}"/>')
    return parts


_ANCHORS = {
    "mm": ("middle", "central"),
    "rm": ("end", "central"),
    "lm": ("start", "central"),
    "mt": ("middle", "hanging"),
}


def svg_texts(texts) -> list[str]:
    """:func:`_texts` items as SVG ``<text>`` elements."""
    out = []
    for x, y, text, anchor, size, rotate, fill in texts:
        h, v = _ANCHORS[anchor]
        colour = "#{:02x}{:02x}{:02x}".format(*fill[:3])
        transform = f' transform="rotate({-rotate} {x:.2f} {y:.2f})"' if rotate else ""
        weight = ' font-weight="bold"' if size == TITLE_SIZE else ""
        body = html.escape(text, quote=False)  # character data: &, <, > only
        out.append(
            f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{h}" dominant-baseline="{v}" '
            f'font-size="{size}" fill="{colour}"{weight}{transform}>{body}</text>'
        )
    return out
