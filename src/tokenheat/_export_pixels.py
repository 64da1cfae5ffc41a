"""The cells of an exported view as the browser draws them: which cells each pixel
covers (:func:`pixel_ranges`, the browser's rule in float32), the value it shows (the
strongest of them, :func:`shown_values`), and their colours (the widget's colour rule
and lookup table, :func:`colours`). :mod:`tokenheat.export` lays the picture out around
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import _data, _lazy_stack, colormaps
from ._panel_view import drawn_block, drawn_f32, focused

if TYPE_CHECKING:
    from .widget import Heatmap


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
#: its temporaries stay a few MiB whatever the matrix: 2**18 cells (1 MiB as float32); of
#: a source on disk in chunks, up to ``TILE_CELLS`` (16 MiB), whole chunk rows
#: (:func:`_band_cells`).
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
    f32 = widget._matrix.f32  # type: ignore[union-attr]
    p = focused(widget) if panel is None else panel
    if _lazy_stack.is_lazy(f32) and (k := f32.export_level(widget.view, width, height)) is not None:
        return _level_values(f32.levels_of(p), k, widget.view, width, height)
    # pixel rows per band: each covers at most `tallest` matrix rows of d - c cells
    tallest = int((rhi - rlo).max()) + 1
    step = max(1, _band_cells(f32, d - c) // (tallest * (d - c)))
    out = np.empty((height, width), dtype=np.float32)
    for y in range(0, height, step):
        lo, hi = rlo[y : y + step], rhi[y : y + step]  # pixel ranges only grow along y
        a, b = lo[0], hi[-1] + 1
        block = drawn_f32(widget, p, slice(a, b), slice(c, d))
        out[y : y + step] = _strongest(block, lo - a, hi - a, clo - c, chi - c)
    return out


def _band_cells(f32, width: int) -> int:
    """Cells :func:`shown_values` reads at a time, ``width`` a row: :data:`BAND_CELLS`, or
    of a source on disk in chunks (a pyramid's finest level, a source read in the
    background), two chunks' rows within ``TILE_CELLS``, so that each chunk is read at
    most twice rather than once per band of a few rows (an 8192² view at 2400 pixels:
    5.2 s in bands of 1 MiB, 0.8 s so)."""
    rows = f32.lazy.chunk_rows if _lazy_stack.is_lazy(f32) else None
    if rows is None:
        return BAND_CELLS
    return max(BAND_CELLS, min(2 * rows * width, _data.TILE_CELLS))


def _level_values(pyramid, k: int, view, width: int, height: int) -> np.ndarray:
    """:func:`shown_values` drawn from level ``k`` of a pyramid, as the browser draws a
    grid of blocks (js/data/lod.js ``inGrid``): the view in the level's cells, the pixel
    rule on them. Only the level's cells under the view are read."""
    level, (lr, lc) = pyramid.levels[k], pyramid.factors[k]
    r0, r1, c0, c1 = view
    rlo, rhi = pixel_ranges(r0 / lr, r1 / lr, level.shape[0], height)
    clo, chi = pixel_ranges(c0 / lc, c1 / lc, level.shape[1], width)
    a, b, c, d = rlo.min(), rhi.max() + 1, clo.min(), chi.max() + 1
    block = np.asarray(level[a:b, c:d], dtype=np.float32)
    return _strongest(block, rlo - a, rhi - a, clo - c, chi - c)


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
    stack = widget._matrix
    if _lazy_stack.is_lazy(stack.f32):  # type: ignore[union-attr]
        whole = stack.f32.whole()  # type: ignore[union-attr]  (refused beyond READ_CELLS)
        return whole.reshape(stack.layout + whole.shape[1:])  # type: ignore[union-attr]
    if widget.normalize is None:
        return widget.values
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


def colorbar_pixels(widget: Heatmap, width: int, height: int) -> np.ndarray:
    positions = widget.vmax - (np.arange(height) + 0.5) / height * (widget.vmax - widget.vmin)
    return np.repeat(colours(widget, positions[:, None]), width, axis=1)
