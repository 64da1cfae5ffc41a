"""A dependency-free PNG of the heatmap for outputs seen without the widget.

Hosts that cannot run the widget (nbconvert HTML, GitHub, a notebook reopened without
its widget state) show the output's ``image/png`` instead. It is drawn with the same
lookup table as the browser, so its colours are the widget's colours.
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING

import numpy as np

from . import colormaps

if TYPE_CHECKING:
    from .widget import Heatmap

#: Largest side of the cell area in pixels; bigger matrices are subsampled.
MAX_SIDE = 800
#: Target width of the cell area for small matrices.
TARGET_WIDTH = 600
_BAR_GAP, _BAR_WIDTH = 16, 18


def encode_png(rgba: np.ndarray) -> bytes:
    """Encode an ``(h, w, 4)`` uint8 array as PNG bytes."""
    h, w, _ = rgba.shape
    raw = np.empty((h, 1 + 4 * w), dtype=np.uint8)
    raw[:, 0] = 0  # filter type "None" for every scanline
    raw[:, 1:] = rgba.reshape(h, 4 * w)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1))  # level 1: encoded on every display
        + chunk(b"IEND", b"")
    )


def _cell_image(widget: Heatmap) -> np.ndarray:
    rows, cols = widget.shape
    step_r, step_c = max(1, -(-rows // MAX_SIDE)), max(1, -(-cols // MAX_SIDE))
    rgba = colormaps.colorize(
        widget.values[::step_r, ::step_c],
        vmin=widget.vmin,
        vmax=widget.vmax,
        center=widget.center,
        lut=widget.cmap,
        nan_color=widget.nan_color,
    )
    h, w = rgba.shape[:2]
    sx = max(1, TARGET_WIDTH // w)
    sy = max(1, min(sx, 400 // h)) if h < 400 else 1
    return np.repeat(np.repeat(rgba, sy, axis=0), sx, axis=1)


def heatmap_png(widget: Heatmap) -> bytes:
    """The cells and a colour bar (text-free) as PNG bytes."""
    cells = _cell_image(widget)
    h, w = cells.shape[:2]
    lut = colormaps.get_lut(widget.cmap)
    positions = np.linspace(widget.vmax, widget.vmin, h)
    bar = colormaps.colorize(
        positions[:, None],
        vmin=widget.vmin,
        vmax=widget.vmax,
        center=widget.center,
        lut=lut,
    )
    image = np.full((h, w + _BAR_GAP + _BAR_WIDTH, 4), 255, dtype=np.uint8)
    image[:, :w] = cells
    image[:, w + _BAR_GAP :] = bar
    return encode_png(image)
