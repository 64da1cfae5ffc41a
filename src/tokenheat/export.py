"""Render the current view of a heatmap as PNG or SVG, in Python, from its state.

The cells use the widget's own colour rule and lookup table
(:func:`tokenheat.colormaps.colorize`), and the browser's pixel rule (a pixel shows the
strongest cell it covers: :mod:`tokenheat._export_pixels`), so a cell has the same
colour here as on screen. The layout (label placement, font) is this module's own: it
mirrors the widget's, not its pixels.

PNG text is drawn by Pillow in the DejaVu Sans subset shipped in ``fonts/``; SVG
(:mod:`tokenheat._export_svg`) keeps all text as text.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._axis_labels import label_centre
from ._export_pixels import (
    block_colours,
    cell_pixels,
    colorbar_pixels,
    colours,
    rgba,
    shown_values,
)
from ._export_text import (
    ELLIPSIS,
    FONT_SIZE,
    FONTS,
    LABEL_CAP,
    MEASURE_CHARS,
    TITLE_SIZE,
    elide,
    font,
    label_text,
    one_line,
    visible_if_blank,
    visible_whitespace,
)
from ._export_text import text_width as _text_width
from ._panel_view import (
    axis_label_text,
    figure_title,
    focused,
    is_grid,
    panel_title,
    token,
    widest_axis_label,
)
from ._png import encode_png
from ._settings import coerce_scale

if TYPE_CHECKING:
    from .widget import Heatmap

__all__ = [  # and the text helpers of tokenheat._export_text, used here
    "ELLIPSIS",
    "FONTS",
    "FONT_SIZE",
    "LABEL_CAP",
    "MEASURE_CHARS",
    "TITLE_SIZE",
    "cell_pixels",
    "colours",
    "elide",
    "figure_title",
    "font",
    "layout",
    "one_line",
    "panel_title",
    "rgba",
    "shown_values",
    "static_png",
    "to_png",
    "to_svg",
    "visible_if_blank",
    "visible_whitespace",
]

PAD = 8
BAR_WIDTH, BAR_GAP = 16, 14
#: Height of the colour bar's "extend" triangles (shown when data lie beyond the range).
EXT = 12
#: Above this many visible cells an SVG embeds the cell area as one PNG image.
SVG_MAX_RECTS = 20_000
#: Room a label needs along its axis: one line of text plus a gap.
LINE = FONT_SIZE + 3


@dataclass(frozen=True)
class Frame:
    """Geometry of an export in CSS pixels (before ``scale``)."""

    width: int
    height: int
    plot: tuple[int, int, int, int]  # x, y, w, h of the cell area
    bar: tuple[int, int, int, int]  # x, y, w, h of the colour bar
    rotate_columns: bool
    rows: tuple[int, ...] = ()  # rows whose label is drawn (thinned to fit)
    columns: tuple[int, ...] = ()  # columns whose label is drawn


def _token_text(widget: Heatmap, text: str) -> str:
    return one_line(visible_whitespace(text) if widget.show_whitespace else text)


def _label_text(widget: Heatmap, text: str) -> str:
    return label_text(text, widget.show_whitespace)


def label_indices(start: float, end: float, pitch: float, need: float) -> list[int]:
    """Indices of the labels shown along one axis: every k-th cell, with k the
    smallest stride that keeps neighbouring labels ``need`` px apart (cells are
    ``pitch`` px each), and only cells whose centre is in the view.

    >>> label_indices(0, 10, 20, 15)
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    >>> label_indices(0, 10, 5, 15)
    [0, 3, 6, 9]
    """
    k = max(1, math.ceil(need / pitch - 1e-9)) if pitch > 0 else 1
    first = math.ceil(max(0, math.ceil(start - 0.5)) / k) * k
    return list(range(first, math.floor(end - 0.5) + 1, k))


def visible_cells(widget: Heatmap) -> tuple[range, range]:
    """Row and column indices touched by the current view."""
    r0, r1, c0, c1 = widget.view
    return (
        range(math.floor(r0), math.ceil(r1)),
        range(math.floor(c0), math.ceil(c1)),
    )


def layout(widget: Heatmap, plot_width: int = 600) -> Frame:
    """Where everything goes, in CSS pixels, for a cell area ``plot_width`` px wide."""
    r0, r1, c0, c1 = widget.view
    plot_h = int(min(600, max(160, plot_width * (r1 - r0) / (c1 - c0))))
    rows = label_indices(r0, r1, plot_h / (r1 - r0), LINE)
    p = focused(widget)  # (its own labels, when each panel has its own)
    left = PAD + int(widest_axis_label(widget, 0, rows, p))
    columns, rotate = _column_labels(widget, plot_width, p)
    widest_col = widest_axis_label(widget, 1, columns, p)
    bottom = PAD + (int(widest_col) if rotate else FONT_SIZE) + 6
    top = PAD + (TITLE_SIZE + 10 if figure_title(widget) else 0)
    ticks_w = max(_text_width(t) for t in tick_labels(widget)[1])
    bar_x = left + 6 + plot_width + BAR_GAP
    right = bar_x + BAR_WIDTH + 6 + int(ticks_w) + (FONT_SIZE + 10 if widget.colorbar_title else 0)
    return Frame(
        width=right + PAD,
        height=top + plot_h + bottom,
        plot=(left + 6, top, plot_width, plot_h),
        bar=(bar_x, top + EXT, BAR_WIDTH, plot_h - 2 * EXT),
        rotate_columns=rotate,
        rows=tuple(rows),
        columns=tuple(columns),
    )


def _column_labels(
    widget: Heatmap, plot_width: int, p: int | None = None
) -> tuple[list[int], bool]:
    """Column labels shown and whether they are turned upright: horizontal when that
    shows as many labels as upright ones would, as the widget decides (for the labels
    of panel ``p``, or of any panel: :func:`~tokenheat._panel_view.widest_axis_label`)."""
    _, _, c0, c1 = widget.view
    pitch = plot_width / (c1 - c0)
    upright = label_indices(c0, c1, pitch, LINE)
    widest = widest_axis_label(widget, 1, upright, p)
    flat = label_indices(c0, c1, pitch, widest + 6)
    return (flat, False) if len(flat) >= len(upright) else (upright, True)


def tick_labels(widget: Heatmap) -> tuple[list[float], list[str]]:
    """Round tick values (1-2-5 steps) within the colour range, and their text."""
    lo, hi = widget.vmin, widget.vmax
    raw = (hi - lo) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    values = [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]
    values = [0.0 if abs(v) < step / 2 else v for v in values]  # no "-0.0"
    decimals = max(0, -math.floor(math.log10(step)))
    return values, [f"{v:.{decimals}f}".replace("-", "\u2212") for v in values]  # minus sign


def extends(widget: Heatmap, f: Frame) -> list[tuple[list[tuple[float, float]], tuple]]:
    """The colour bar's triangles, as in the widget: one above it when some data are
    above ``vmax``, one below when some are below ``vmin``; (points, RGBA) each."""
    data_range = widget._data_range
    if not data_range:
        return []
    bx, by, bw, bh = f.bar
    out = []
    ends = colours(widget, np.array([widget.vmin, widget.vmax]))
    if data_range[1] > widget.vmax:
        top = by - 1
        out.append(([(bx, top), (bx + bw, top), (bx + bw / 2, top - EXT + 1)], tuple(ends[1])))
    if data_range[0] < widget.vmin:
        low = by + bh + 1
        out.append(([(bx, low), (bx + bw, low), (bx + bw / 2, low + EXT - 1)], tuple(ends[0])))
    return out


def to_png(
    widget: Heatmap, scale: float = 2, *, plot_width: int = 600, fast: bool = False
) -> bytes:
    """The current view as PNG bytes at ``scale`` device pixels per CSS pixel, with a
    cell area ``plot_width`` CSS px wide (several panels: the panel area is the one the
    widget's view has, ``plot_width`` wide unless the widget has a ``width``; see
    :mod:`tokenheat._grid_export`). ``fast`` encodes for speed, as the output PNG is (one
    panel: :func:`~tokenheat._png.encode_png` at level 1, no filters; several: Pillow at
    level 1); otherwise Pillow at level 6 makes the smaller file."""
    return _render_png(widget, scale, plot_width, fast)[0]


def _render_png(widget: Heatmap, scale: float, plot_width: int, fast: bool) -> tuple[bytes, Frame]:
    """:func:`to_png`, and the frame it was laid out in."""
    scale = coerce_scale(scale)
    if is_grid(widget):
        from . import _grid_export

        return _grid_export.render_png(widget, scale, plot_width, fast)
    image, f = _draw(widget, scale, plot_width)
    if fast:
        return encode_png(np.asarray(image), level=1), f
    return _pillow_png(image, level=6), f


def _pillow_png(image, level: int) -> bytes:
    """A Pillow image as PNG bytes by Pillow's encoder (adaptive filters)."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=level)
    return out.getvalue()


def _draw(widget: Heatmap, s: float, plot_width: int):
    """The figure of one panel as a Pillow RGB image at ``s`` device px per CSS px, and
    its :class:`Frame`."""
    try:
        from PIL import Image, ImageDraw
    except ImportError as exc:  # pragma: no cover - Pillow is a default dependency
        raise ImportError("PNG export needs Pillow: pip install pillow") from exc
    f = layout(widget, plot_width)
    image = Image.new("RGBA", (round(f.width * s), round(f.height * s)), "white")
    px, py, pw, ph = (round(v * s) for v in f.plot)
    image.paste(Image.fromarray(cell_pixels(widget, pw, ph), "RGBA"), (px, py))
    bx, by, bw, bh = (round(v * s) for v in f.bar)
    image.paste(Image.fromarray(colorbar_pixels(widget, bw, bh), "RGBA"), (bx, by))
    draw = ImageDraw.Draw(image)
    for points, colour in extends(widget, f):
        draw.polygon([(x * s, y * s) for x, y in points], fill=colour)
    draw_texts(image, _texts(widget, f), s)
    return image.convert("RGB"), f


def draw_texts(image, texts, s: float) -> None:
    """Draw :func:`_texts` items on a Pillow image at ``s`` device px per CSS px."""
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(image)
    label_font = font(FONT_SIZE * s)
    title_font = font(TITLE_SIZE * s, bold=True)
    for item in texts:
        x, y, text, anchor, size, rotate, fill = item
        use = title_font if size == TITLE_SIZE else label_font
        if rotate:
            w = round(draw.textlength(text, font=use)) + 4
            h = round(size * s * 1.4)
            label = Image.new("RGBA", (w, h), (0, 0, 0, 0))
            ImageDraw.Draw(label).text((w / 2, h / 2), text, font=use, fill=fill, anchor="mm")
            label = label.rotate(rotate, expand=True)
            image.alpha_composite(
                label, (round(x * s - label.width / 2), round(y * s - label.height / 2))
            )
        else:
            draw.text((x * s, y * s), text, font=use, fill=fill, anchor=anchor)


#: Largest ``image/png`` put in a widget's output (REACH rule 5: size-capped).
STATIC_MAX_BYTES = 1 << 20
#: Up to this many visible cells the output PNG is drawn at 2x (sharp on HiDPI screens;
#: above, 1x keeps displaying a large matrix quick).
STATIC_SHARP_CELLS = 10_000


def static_png(widget: Heatmap) -> tuple[bytes, tuple[int, int]]:
    """The PNG put in the widget's output for hosts without widgets, and its size in
    CSS pixels (the image is drawn at 2x for small views, 1x for large ones, and with
    a smaller cell area if the file would exceed :data:`STATIC_MAX_BYTES`)."""
    rows, cols = visible_cells(widget)
    tries = [(2, 600), (1, 600), (1, 300)]  # (scale, plot width), smaller and smaller
    panels = widget._matrix.panels if is_grid(widget) else 1  # type: ignore[union-attr]
    if len(rows) * len(cols) * panels > STATIC_SHARP_CELLS:
        tries = tries[1:]
    for scale, plot_width in tries:
        if is_grid(widget):
            png, f = _render_png(widget, scale, plot_width, fast=True)
        else:
            image, f = _draw(widget, coerce_scale(scale), plot_width)
            png = encode_png(np.asarray(image), level=1)
            if len(png) > STATIC_MAX_BYTES:
                # Pillow's filters can do better (smooth gradients): the size is given up
                # only when its file (the one the output carried before) is too big too
                png = _pillow_png(image, level=1)
        if len(png) <= STATIC_MAX_BYTES:
            break
    return png, (f.width, f.height)


def _texts(widget: Heatmap, f: Frame):
    """Every text of the figure: (x, y, text, anchor, size, rotation, fill)."""
    r0, r1, c0, c1 = widget.view
    px, py, pw, ph = f.plot
    ink = INK
    p = focused(widget)
    if figure_title(widget):
        yield title_item(widget, px + pw / 2, f.width)
    for i in f.rows:
        y = py + label_centre(i, r0, r1, ph)
        text = axis_label_text(widget, 0, p, i)
        if text is not None:  # (padding of a panel with labels of its own has none)
            yield (px - 6, y, text, "rm", FONT_SIZE, 0, ink)
    for j in f.columns:
        x = px + label_centre(j, c0, c1, pw)
        text = axis_label_text(widget, 1, p, j)
        if text is None:
            continue
        if f.rotate_columns:
            yield (x, py + ph + 6 + _text_width(text) / 2, text, "mm", FONT_SIZE, 90, ink)
        else:
            yield (x, py + ph + 6, text, "mt", FONT_SIZE, 0, ink)
    yield from token_texts(widget, f.plot, focused(widget))
    yield from bar_texts(widget, f)


INK = (34, 34, 34, 255)


def title_item(widget: Heatmap, x: float, width: float):
    title = elide(one_line(figure_title(widget)), cap=width - 2 * PAD, size=TITLE_SIZE)
    return (x, PAD + TITLE_SIZE / 2, title, "mm", TITLE_SIZE, 0, INK)


def token_texts(widget: Heatmap, plot: tuple[int, int, int, int], p: int):
    """The token text drawn in the cells of panel ``p`` drawn in ``plot``, where it fits."""
    rows, cols = visible_cells(widget)
    r0, r1, c0, c1 = widget.view
    px, py, pw, ph = plot
    cell_w, cell_h = pw / (c1 - c0), ph / (r1 - r0)
    if widget.tokens is not None and cell_h >= FONT_SIZE + 2 and cell_w >= 8:
        rgba = block_colours(widget, rows, cols, p)
        for a, i in enumerate(rows):
            for b, j in enumerate(cols):
                text = _token_text(widget, token(widget, p, i, j))
                if not text or len(text) > MEASURE_CHARS or _text_width(text) > cell_w - 4:
                    continue
                x = px + (j + 0.5 - c0) * cell_w
                y = py + (i + 0.5 - r0) * cell_h
                if not (px <= x <= px + pw and py <= y <= py + ph):
                    continue
                r, g, bl = (int(v) for v in rgba[a, b, :3])
                light = 0.2126 * r + 0.7152 * g + 0.0722 * bl > 140
                yield (x, y, text, "mm", FONT_SIZE, 0, INK if light else (255, 255, 255, 255))


def bar_texts(widget: Heatmap, f):
    """The colour bar's tick labels and title, for a frame with a ``bar`` and a ``width``."""
    ink = INK
    bx, by, bw, bh = f.bar
    for value, text in zip(*tick_labels(widget), strict=True):
        y = by + (widget.vmax - value) / (widget.vmax - widget.vmin) * bh
        yield (bx + bw + 6, y, text, "lm", FONT_SIZE, 0, ink)
    if widget.colorbar_title:
        x = f.width - PAD - FONT_SIZE / 2
        text = elide(one_line(widget.colorbar_title), cap=bh)
        yield (x, by + bh / 2, text, "mm", FONT_SIZE, 90, ink)


def to_svg(widget: Heatmap) -> str:
    """The current view as an SVG document; all text stays text."""
    if is_grid(widget):
        from . import _grid_export

        return _grid_export.to_svg(widget)
    from . import _export_svg

    return _export_svg.to_svg(widget)
