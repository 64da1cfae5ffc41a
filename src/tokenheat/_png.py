"""A dependency-free PNG encoder for images made of cell colours (no text).

SVG export embeds such images (the cell area of large views, the colour bar) without
needing Pillow. Images with text are drawn by :mod:`tokenheat.export` with Pillow.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np


def encode_png(rgba: np.ndarray) -> bytes:
    """Encode an ``(h, w, 4)`` uint8 array as PNG bytes.

    >>> encode_png(np.zeros((1, 2, 4), dtype=np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
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
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
