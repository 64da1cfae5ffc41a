"""Render the current view of a heatmap as PNG or SVG, in Python, from its state.

The cells use the widget's own colour rule and lookup table
(:func:`tokenheat.colormaps.colorize`), and the browser's pixel rule (a pixel shows the
strongest cell it covers, :func:`shown_values`), so a cell has the same colour here as
on screen. The layout (label placement, font) is this module's own: it mirrors the
widget's, not its pixels.

PNG text is drawn by Pillow in the DejaVu Sans subset shipped in ``fonts/``; SVG keeps
all text as text.
"""

from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import colormaps
from ._axis_labels import label_centre
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
    drawn_block,
    drawn_f32,
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


def pixel_ranges(start: float, end: float, count: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells each of ``n`` pixels along one axis shows, ``[lo, hi]`` inclusive: the
    browser's rule (js/data/reduce.js), in float32. Zoomed in (at most one cell per pixel) the
    cell under the pixel's centre; zoomed out every cell the pixel's extent overlaps.

    >>> pixel_ranges(0, 4, 4, 2)
    (array([0, 2]), array([1, 3]))
    >>> pixel_ranges(0, 2, 2, 4)
    (array([0, 0, 1, 1]), array([0, 0, 1, 1]))
    """
    f32 = np.float32
    s = f32(start)
    span = f32(f32(end) - s)
    p = np.arange(n, dtype=np.float64)
    if span > n:
        lo = np.floor(s + (p / n).astype(f32) * span)
        hi = np.ceil(s + ((p + 1) / n).astype(f32) * span) - 1
    else:
        lo = hi = np.floor(s + ((p + 0.5) / n).astype(f32) * span)
    lo = np.clip(lo, 0, count - 1).astype(np.intp)
    hi = np.clip(np.maximum(hi, lo), 0, count - 1).astype(np.intp)
    return lo, hi


#: Up to this many cells per pixel, :func:`_extreme` folds shifted copies of the block
#: (one take per cell offset); ``reduceat`` loops over every tiny range and is 5 to 30
#: times slower there, but faster for long ranges.
SHIFTED_MAX_CELLS = 12


def _extreme(ufunc: np.ufunc, a: np.ndarray, lo: np.ndarray, hi: np.ndarray, axis: int):
    """``ufunc`` (fmax/fmin) of ``a`` over each range [lo, hi] along ``axis``.

    Either way the cells of a range are folded in order, first to last (a repeated
    last cell changes nothing: fmax(fmax(x, y), y) == fmax(x, y)), so both give the
    same values, down to the sign of a zero."""
    longest = int((hi - lo).max()) + 1
    if longest <= SHIFTED_MAX_CELLS:
        out = np.take(a, lo, axis=axis)
        for k in range(1, longest):
            ufunc(out, np.take(a, np.minimum(lo + k, hi), axis=axis), out=out)
        return out
    n = a.shape[axis]
    inner = hi + 1 < n  # reduceat's segment [lo, hi + 1); the ones ending at n go last
    idx = np.empty(2 * len(lo), dtype=np.intp)
    idx[0::2], idx[1::2] = lo, np.minimum(hi + 1, n - 1)
    out = ufunc.reduceat(a, idx, axis=axis).take(np.arange(0, 2 * len(lo), 2), axis=axis)
    for k in np.flatnonzero(~inner):  # a range that runs to the end of the axis
        tail = ufunc.reduce(np.take(a, np.arange(lo[k], n), axis=axis), axis=axis)
        index = [slice(None)] * a.ndim
        index[axis] = k
        out[tuple(index)] = tail
    return out


#: Cells read at a time by :func:`shown_values` (a band of pixel rows at a time), so that
#: its temporaries stay a few MiB whatever the matrix: 2**18 cells (1 MiB as float32).
BAND_CELLS = 2**18


def shown_values(widget: Heatmap, width: int, height: int, panel: int | None = None) -> np.ndarray:
    """The float32 value each pixel of a ``width`` x ``height`` cell area shows: the
    strongest cell it covers (largest magnitude; the positive one of +x and -x; NaN only
    if all are NaN), exactly as the browser draws the current view, of one panel
    (default: the focused one, or the only one), normalised if that is set. Made a band
    of pixel rows at a time (:data:`BAND_CELLS`): each pixel's value is the same."""
    r0, r1, c0, c1 = widget.view
    rows_n, cols_n = widget.shape
    rlo, rhi = pixel_ranges(r0, r1, rows_n, height)
    clo, chi = pixel_ranges(c0, c1, cols_n, width)
    c, d = clo.min(), chi.max() + 1
    p = focused(widget) if panel is None else panel
    # pixel rows per band: each covers at most `tallest` matrix rows of d - c cells
    tallest = int((rhi - rlo).max()) + 1
    step = max(1, BAND_CELLS // (tallest * (d - c)))
    out = np.empty((height, width), dtype=np.float32)
    for y in range(0, height, step):
        lo, hi = rlo[y : y + step], rhi[y : y + step]  # pixel ranges only grow along y
        a, b = lo[0], hi[-1] + 1
        block = drawn_f32(widget, p, slice(a, b), slice(c, d))
        out[y : y + step] = _strongest(block, lo - a, hi - a, clo - c, chi - c)
    return out


def _strongest(
    block: np.ndarray, rlo: np.ndarray, rhi: np.ndarray, clo: np.ndarray, chi: np.ndarray
) -> np.ndarray:
    """The strongest value of ``block`` over each pixel's rows [rlo, rhi] and columns
    [clo, chi], float32."""
    height, width = len(rlo), len(clo)
    # reduce first along the axis that shrinks most (max and min are separable)
    steps = [(clo, chi, 1), (rlo, rhi, 0)]
    if height / block.shape[0] < width / block.shape[1]:
        steps.reverse()

    def extreme(ufunc: np.ufunc) -> np.ndarray:
        out = block
        for lo, hi, axis in steps:
            out = _extreme(ufunc, out, lo, hi, axis)
        return out

    with np.errstate(invalid="ignore"):
        high, low = extreme(np.fmax), extreme(np.fmin)
        return np.where(high >= -low, high, low).astype(np.float32)  # NaN: all NaN


def colours(widget: Heatmap, values: np.ndarray) -> np.ndarray:
    """``values`` coloured with the widget's colour settings, ``(..., 4)`` uint8."""
    return colormaps.colorize(
        values,
        vmin=widget.vmin,
        vmax=widget.vmax,
        center=widget.center,
        lut=widget.cmap,
        nan_color=widget.nan_color,
    )


def drawn(widget: Heatmap) -> np.ndarray:
    """The values whose colours are shown, in the shape of ``widget.values``: the values
    themselves, or with :attr:`~tokenheat.Heatmap.normalize` set, the normalised float32
    values (as :func:`tokenheat._normalize.normalized`)."""
    if widget.normalize is None:
        return widget.values
    stack = widget._matrix
    with np.errstate(under="ignore"):  # tiny quotients become 0 of their sign
        out = np.divide(stack.f32, stack.divisors(widget.normalize), dtype=np.float32)
    return out.reshape(widget.values.shape)


def rgba(widget: Heatmap) -> np.ndarray:
    """:meth:`tokenheat.Heatmap.to_rgba`: the colours of :func:`drawn`, ``(..., 4)`` uint8."""
    return colours(widget, drawn(widget))


def cell_pixels(widget: Heatmap, width: int, height: int, panel: int | None = None) -> np.ndarray:
    """The cell area as ``(height, width, 4)`` uint8, exactly as the browser draws it:
    each pixel the colour of the strongest cell it covers (:func:`shown_values`).

    Zoomed in (each pixel shows one cell) the cells are coloured once and repeated,
    instead of colouring every pixel: the same colours, as colouring is per value."""
    r0, r1, c0, c1 = widget.view
    rows_n, cols_n = widget.shape
    rlo, rhi = pixel_ranges(r0, r1, rows_n, height)
    clo, chi = pixel_ranges(c0, c1, cols_n, width)
    if not ((rlo == rhi).all() and (clo == chi).all()):
        return colours(widget, shown_values(widget, width, height, panel))
    a, c = rlo.min(), clo.min()
    p = focused(widget) if panel is None else panel
    block = drawn_f32(widget, p, slice(a, rhi.max() + 1), slice(c, chi.max() + 1))
    rgba = np.ascontiguousarray(colours(widget, block)).view(np.uint32)[..., 0]
    pixels = np.ascontiguousarray(rgba[np.ix_(rlo - a, clo - c)])
    return pixels.view(np.uint8).reshape(height, width, 4)


def block_colours(widget: Heatmap, rows: range, cols: range, panel: int | None = None):
    p = focused(widget) if panel is None else panel
    rs, cs = slice(rows.start, rows.stop), slice(cols.start, cols.stop)
    return colours(widget, drawn_block(widget, p, rs, cs))


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


def colorbar_pixels(widget: Heatmap, width: int, height: int) -> np.ndarray:
    positions = widget.vmax - (np.arange(height) + 0.5) / height * (widget.vmax - widget.vmin)
    return np.repeat(colours(widget, positions[:, None]), width, axis=1)


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
    f = layout(widget)
    rows, cols = visible_cells(widget)
    parts = svg_head(f.width, f.height)
    parts += svg_cells(widget, f.plot, focused(widget), len(rows) * len(cols) <= SVG_MAX_RECTS)
    parts += svg_bar(widget, f)
    parts += svg_texts(_texts(widget, f))
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
    rows, cols = visible_cells(widget)
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
    for points, (r, g, b, _) in extends(widget, f):
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
