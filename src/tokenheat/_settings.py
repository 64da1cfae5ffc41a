"""Validation of the settings beside the matrix: labels, token text, numbers (colour
range, scale), widget sizes and the view. Errors name the argument, what was given and
what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real

import numpy as np

#: Smallest and largest explicit ``width``/``height``, in CSS pixels: at 2 device pixels
#: per CSS pixel the largest is still a canvas every browser can hold (js/render/layout.js
#: clamps to the same bounds, so saved state cannot ask for more either).
MIN_SIZE, MAX_SIZE = 50, 4096


def coerce_labels(labels: object, n: int | None, *, name: str, axis: str) -> list[str]:
    """Validate one label per row/column (``n`` of them, if given); numbers are shown
    as their ``str``."""
    if isinstance(labels, (str, bytes)):
        raise TypeError(
            f"{name} must be a sequence of strings, one per {axis}, got a single string "
            f"{labels!r:.40}; wrap it in a list"
        )
    if hasattr(labels, "tolist"):
        labels = labels.tolist()  # numpy arrays, pandas Index
    if not isinstance(labels, Sequence):
        raise TypeError(
            f"{name} must be a sequence of strings, one per {axis}, got {type(labels).__name__}"
        )
    out = []
    for i, label in enumerate(labels):
        if isinstance(label, str):
            out.append(label)
        elif isinstance(label, Real) and not isinstance(label, bool):
            out.append(str(label))
        else:
            raise TypeError(
                f"{name}[{i}] must be a string, got {type(label).__name__} {label!r:.40}"
            )
    check_text(out, name)
    if n is not None and len(out) != n:
        raise ValueError(f"{name} has {len(out)} entries but values has {n} {axis}s")
    return out


def check_text(texts: Sequence[str], name: str, index: Callable[[int], str] | None = str) -> None:
    """Refuse strings that are not valid Unicode text (lone surrogates such as
    ``"\\ud800"``, left by decoding with ``surrogateescape`` or by splitting a UTF-16
    pair): they cannot be sent to the browser as UTF-8. ``index(i)`` names item ``i``.

    >>> check_text(["ok", "bad\\ud800"], "row_labels")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: row_labels[1] contains a lone surrogate '\\ud800' at position 3, ...
    """
    try:
        "".join(texts).encode("utf-8")  # one pass over all the text while it is valid
    except UnicodeEncodeError:
        pass
    else:
        return
    for i, text in enumerate(texts):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            where = f"{name}[{index(i)}]" if index is not None else name
            raise ValueError(
                f"{where} contains a lone surrogate {text[exc.start]!r} at position "
                f"{exc.start}, which is not valid Unicode text and cannot be shown; join a "
                "pair written as two characters with text.encode('utf-16', "
                "'surrogatepass').decode('utf-16'), or replace lone ones, e.g. "
                "text.encode('utf-8', 'replace').decode('utf-8')"
            ) from None


def default_labels(n: int) -> list[str]:
    return [str(i) for i in range(n)]


def coerce_tokens(tokens: object) -> np.ndarray:
    """Validate per-cell token text: a 2-D array-like of strings (None = no text), or a
    3-D / 4-D one for panels (one per cell of every panel; the widget checks the shape)."""
    expected = "tokens must be a 2-D array-like of strings, one per cell of values"
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"{expected}, got a single string {tokens!r:.40}")
    if hasattr(tokens, "to_numpy"):
        tokens = tokens.to_numpy()
    try:
        arr = np.array(tokens, dtype=object)
    except ValueError:
        arr = None
    if arr is None or arr.ndim == 1:  # ragged: maybe panels of different shapes
        padded = _padded_panels(tokens)
        if padded is None and arr is None:
            raise ValueError(f"{expected}, got ragged nested sequences")
        arr = arr if padded is None else padded
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            f"{expected} (or 3-D / 4-D, the shape of values, for panels), got {arr.ndim}-D "
            f"input of shape {arr.shape}"
        )

    def where(i: int) -> str:
        return "][".join(str(int(k)) for k in np.unravel_index(i, arr.shape))

    flat = arr.ravel()
    for i, tok in enumerate(flat):
        if tok is None:
            flat[i] = ""
        elif not isinstance(tok, str):
            raise TypeError(
                f"tokens[{where(i)}] must be a string (or None for no text), "
                f"got {type(tok).__name__} {tok!r:.40}"
            )
    check_text(flat, "tokens", where)
    out = flat.reshape(arr.shape)
    out.flags.writeable = False
    return out


def _padded_panels(tokens: object) -> np.ndarray | None:
    """A list of 2-D token arrays of different shapes (one per panel of a list of
    matrices), padded with "" at the bottom and right as the matrices are; else None."""
    if not isinstance(tokens, (list, tuple)) or not tokens:
        return None
    try:
        items = [np.array(getattr(t, "to_numpy", lambda t=t: t)(), dtype=object) for t in tokens]
    except ValueError:
        return None
    if any(a.ndim != 2 for a in items):
        return None
    rows, cols = max(a.shape[0] for a in items), max(a.shape[1] for a in items)
    out = np.full((len(items), rows, cols), "", dtype=object)
    for p, a in enumerate(items):
        out[p, : a.shape[0], : a.shape[1]] = a
    return out


#: Largest ``|vmin|``, ``|vmax|``, ``|center|``: a quarter of float32's range, so that the
#: colour rule's float32 arithmetic (``vmax - vmin``, ``2 R``; docs/architecture.md) cannot
#: overflow. The front end refuses a range where it would (js/data/traits.js ``readLimits``).
COLOUR_LIMIT = float(np.finfo(np.float32).max) / 4


def coerce_limit(value: object, *, name: str) -> float:
    """A finite real number for vmin/vmax/center."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
        raise TypeError(f"{name} must be a real number or None, got {type(value).__name__}")
    try:
        out = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(
            f"{name} must be a finite number, got a number too large for a float "
            f"({type(value).__name__}, |v| > 1.8e308)"
        ) from None
    if not np.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {out}")
    if abs(out) > COLOUR_LIMIT:
        raise ValueError(
            f"{name} must be within ±{COLOUR_LIMIT:.3g} (a quarter of float32's range, so "
            f"that colours, computed in float32, cannot overflow), got {out:.6g}"
        )
    return out


def coerce_scale(value: object) -> float:
    """An export scale: device pixels per CSS pixel, a real number from 0.25 to 8
    (numpy numbers too; not a bool)."""
    expected = "scale must be a number of device pixels per CSS pixel from 0.25 to 8"
    if isinstance(value, bool) or not isinstance(value, Real):  # numpy numbers are Real
        raise TypeError(f"{expected}, got {type(value).__name__} {value!r:.40}")
    try:
        out = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{expected}, got a number too large for a float") from None
    if not 0.25 <= out <= 8:
        raise ValueError(f"{expected}, got {value!r:.40}")
    return out


def auto_range(data_range: tuple[float, float] | None, center: float | None) -> tuple[float, float]:
    """Default colour range: symmetric about ``center`` (or the data's min/max)."""
    if center is not None:
        if data_range is None:
            half = 1.0
        else:
            half = max(abs(data_range[0] - center), abs(data_range[1] - center))
        if half == 0:
            half = 1.0
        lo, hi = center - half, center + half
    elif data_range is None:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = data_range
        if lo == hi:  # widened by enough to tell apart in float32
            pad = max(0.5, abs(lo) * 2**-10)
            lo, hi = lo - pad, hi + pad
    # data beyond the colour limit (up to float32's range) take the end colours
    lo, hi = (min(max(v, -COLOUR_LIMIT), COLOUR_LIMIT) for v in (lo, hi))
    if not np.float32(lo) < np.float32(hi):
        lo, hi = (0.0, COLOUR_LIMIT) if hi > 0 else (-COLOUR_LIMIT, 0.0)
    return lo, hi


#: Zoomed in as far as possible, this many cells fill the view along an axis (or all of
#: it, if fewer): js/interact/zoom.js MIN_SPAN_CELLS.
MIN_SPAN_CELLS = 2


def clamp_axis(a: float, b: float, n: int) -> tuple[float, float]:
    """One axis of a view, made valid by the front end's rule (``clampAxis`` in
    js/interact/zoom.js, in the same float64 steps): a span narrower than ``min(n, 2)`` cells
    grows about its centre, then the window is shifted inside ``[0, n]``.

    >>> clamp_axis(5, 5.5, 10)
    (4.25, 6.25)
    >>> clamp_axis(0, 0.5, 10)
    (0.0, 2.0)
    """
    lo = min(n, MIN_SPAN_CELLS)
    span = b - a
    if not span >= lo:
        a = (a + b) / 2 - lo / 2
        span = lo
    if span >= n:
        return (0.0, float(n))
    a = min(max(a, 0.0), n - span)
    return (float(a), float(min(n, a + span)))


def check_range(lo: float, hi: float, what: str) -> None:
    """Refuse a colour range that is empty, or too narrow to tell apart in float32 (the
    precision colours are computed in, by the browser and by :mod:`tokenheat.colormaps`).

    >>> check_range(256.0, 256.00001, "vmin/vmax")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: vmin/vmax: vmin=256.0 and vmax=256.00001 are too close to tell apart in float32...
    """
    if not lo < hi:
        raise ValueError(f"{what} must have vmin < vmax, got vmin={lo} and vmax={hi}")
    if not np.float32(lo) < np.float32(hi):
        raise ValueError(
            f"{what}: vmin={lo} and vmax={hi} are too close to tell apart in float32, the "
            "precision colours are computed in; widen the range or subtract an offset from "
            "the values"
        )
