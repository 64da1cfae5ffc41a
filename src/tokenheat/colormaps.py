"""Colour maps and the value-to-colour rule shared by Python and the browser.

Every colour map is a 256-entry RGBA lookup table (LUT). The widget sends the LUT to
the front end, whose shader applies :func:`colorize`'s rule, so a cell has the same
colour on screen and in any image rendered in Python.

Examples
--------
>>> from tokenheat import colormaps
>>> lut = colormaps.get_lut("RdYlGn")
>>> lut.shape, lut.dtype
((256, 4), dtype('uint8'))
>>> colormaps.colorize([[-1.5, 0.0, 1.5]], vmin=-1.5, vmax=1.5, center=0.0, lut=lut)[0, :, :3]
array([[165,   0,  38],
       [254, 255, 190],
       [  0, 104,  55]], dtype=uint8)
"""

from __future__ import annotations

import difflib
from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from ._colormap_data import TABLES

__all__ = ["available", "colorize", "get_lut", "parse_hex_color"]

LUT_SIZE = 256


def available() -> list[str]:
    """Return the names of the built-in colour maps, each also with a ``_r`` variant.

    Examples
    --------
    >>> "RdYlGn_r" in available()
    True
    """
    return sorted([*TABLES, *(f"{name}_r" for name in TABLES)], key=str.lower)


def base_names() -> list[str]:
    """Names of the built-in maps without their ``_r`` variants."""
    return list(TABLES)


def check_name(name: object) -> str:
    """Return ``name`` if it names a built-in colour map, else raise a helpful error."""
    if not isinstance(name, str):
        raise TypeError(f"cmap must be a colour map name (str), got {type(name).__name__}")
    base = name[:-2] if name.endswith("_r") else name
    if base not in TABLES:
        close = difflib.get_close_matches(name[:100], available(), n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"cmap {name!r:.80} is not a known colour map.{hint} "
            f"Available: {', '.join(available())}."
        )
    return name


@cache
def _lut(name: str) -> np.ndarray:
    base, reverse = (name[:-2], True) if name.endswith("_r") else (name, False)
    rgb = np.frombuffer(bytes.fromhex(TABLES[base]), dtype=np.uint8).reshape(LUT_SIZE, 3)
    lut = np.empty((LUT_SIZE, 4), dtype=np.uint8)
    lut[:, :3] = rgb[::-1] if reverse else rgb
    lut[:, 3] = 255
    lut.flags.writeable = False
    return lut


def get_lut(name: str) -> np.ndarray:
    """Return the read-only ``(256, 4)`` uint8 RGBA lookup table of a colour map.

    Parameters
    ----------
    name : str
        A name from :func:`available`, e.g. ``"RdYlGn"`` or ``"viridis_r"``.

    Examples
    --------
    >>> get_lut("gray")[[0, 255], :3].tolist()
    [[0, 0, 0], [255, 255, 255]]
    """
    return _lut(check_name(name))


def parse_hex_color(color: object, *, name: str = "color") -> tuple[int, int, int]:
    """Parse ``"#rgb"`` or ``"#rrggbb"`` into an ``(r, g, b)`` tuple of ints."""
    if not isinstance(color, str):
        raise TypeError(f"{name} must be a hex colour string like '#bdbdbd', got {color!r:.80}")
    text = color.strip()
    digits = text[1:] if text.startswith("#") else ""
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    try:
        if len(digits) != 6:
            raise ValueError
        value = bytes.fromhex(digits)
    except ValueError:
        raise ValueError(
            f"{name} must be a hex colour like '#bdbdbd' or '#bbb', got {color!r:.80}"
        ) from None
    return value[0], value[1], value[2]


def lut_indices(values: ArrayLike, *, vmin: float, vmax: float, center: float | None) -> np.ndarray:
    """Map values to LUT indices (int16, -1 for NaN) with the shared colour rule.

    The arithmetic is done in float32, in the same order as the front end's shader:
    ``t = clamp(v, vmin, vmax)``; without a centre ``u = (t - vmin) / (vmax - vmin)``;
    with one ``u = 0.5 + (t - center) / (2 R)``, ``R = max(vmax - center, center - vmin)``;
    ``index = clamp(floor(u * 256), 0, 255)``.
    """
    v = np.asarray(values, dtype=np.float32)
    lo, hi = np.float32(vmin), np.float32(vmax)
    # one float32 array worked in place (the same operations in the same order, so the
    # same results), so that colouring an image needs little more than the image
    u = np.clip(v, lo, hi)
    if center is None:
        u -= lo
        u /= hi - lo
    else:
        c = np.float32(center)
        r = np.float32(max(vmax - center, center - vmin))
        u -= c
        u /= np.float32(2) * r
        u += np.float32(0.5)
    with np.errstate(invalid="ignore"):
        u *= np.float32(LUT_SIZE)
        np.floor(u, out=u)
        np.clip(u, 0, LUT_SIZE - 1, out=u)
        u[np.isnan(v)] = -1
    return u.astype(np.int16)


def colorize(
    values: ArrayLike,
    *,
    vmin: float,
    vmax: float,
    center: float | None = 0.0,
    lut: np.ndarray | str = "RdYlGn",
    nan_color: str = "#bdbdbd",
) -> np.ndarray:
    """Colour a 2-D array exactly as the widget does; returns ``(rows, cols, 4)`` uint8.

    Parameters
    ----------
    values : array-like
        Numbers to colour; NaN cells get ``nan_color``.
    vmin, vmax : float
        Colour range; values outside it get the end colours.
    center : float or None
        Centre of a diverging scale (equal distances from it get equal intensities),
        or ``None`` for a plain linear scale from ``vmin`` to ``vmax``.
    lut : ndarray or str
        A ``(256, 4)`` lookup table or a colour map name.
    nan_color : str
        Hex colour of NaN cells.

    Examples
    --------
    >>> colorize([[float("nan")]], vmin=0, vmax=1, nan_color="#102030")[0, 0].tolist()
    [16, 32, 48, 255]
    """
    table = get_lut(lut) if isinstance(lut, str) else np.asarray(lut, dtype=np.uint8)
    idx = lut_indices(values, vmin=vmin, vmax=vmax, center=center)
    palette = np.empty((LUT_SIZE + 1, 4), dtype=np.uint8)
    palette[:LUT_SIZE] = table
    palette[LUT_SIZE] = (*parse_hex_color(nan_color, name="nan_color"), 255)
    idx[idx < 0] = LUT_SIZE
    return palette[idx]
