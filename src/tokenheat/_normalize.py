"""Normalisation of a float32 stack of panels ``(P, R, C)`` (:mod:`tokenheat._panels`):
each row of each panel, each column of each panel, or each panel divided by its largest
``|v|``, so units of very different strength can be compared by their pattern.

The division is done in float32 on the float32 values drawn. The browser does the same,
``Math.fround(v / d)`` on the same float32 ``v`` and ``d`` (:func:`norm_table`), and gets
the identical float32: IEEE division is correctly rounded, and a double quotient rounded
to float32 is the correctly rounded float32 quotient (53 >= 2 * 24 + 2 bits), so Python's
exports and the screen agree cell by cell.

What holds for every unit (a row, column or panel of one panel): the sign of each value
is kept; NaN stays NaN and 0 stays 0; a unit with a non-zero finite value has max
``|v|`` exactly 1 (its largest value divides by itself), and every value is in
``[-1, 1]``; normalising again changes nothing; scaling a unit by a power of two (exactly,
so without leaving float32's range or losing subnormal bits) changes nothing. A unit whose
values are all 0 or NaN has divisor 1 and stays as it is. The one float32 limit: a
value more than about ``2**149`` times smaller than its unit's largest (possible only
with subnormals or values near float32's extremes) underflows to 0 of its sign.
"""

from __future__ import annotations

import difflib

import numpy as np

#: The normalisation modes: None (off), "row", "column" or "panel".
NORMALIZE_MODES = (None, "row", "column", "panel")

# axes of a (P, R, C) stack reduced for each mode's units
_AXES = {"row": (2,), "column": (1,), "panel": (1, 2)}


def coerce_normalize(mode: object, *, name: str = "normalize") -> str | None:
    """Validate a normalisation mode, one of :data:`NORMALIZE_MODES`.

    >>> coerce_normalize("row")
    'row'
    >>> coerce_normalize("rows")
    Traceback (most recent call last):
    ...
    ValueError: normalize must be None, 'row', 'column' or 'panel', got 'rows'; did you mean 'row'?
    """
    expected = f"{name} must be None, 'row', 'column' or 'panel'"
    if mode is None:
        return None
    if not isinstance(mode, str):
        raise TypeError(f"{expected}, got {type(mode).__name__} {mode!r:.40}")
    if mode not in NORMALIZE_MODES:
        close = difflib.get_close_matches(mode.lower(), NORMALIZE_MODES[1:], n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"{expected}, got {mode!r:.40}{hint}")
    return mode


def _check(f32: object) -> np.ndarray:
    if not isinstance(f32, np.ndarray) or f32.ndim != 3 or f32.dtype != np.float32:
        what = f"{f32.ndim}-D {f32.dtype}" if isinstance(f32, np.ndarray) else type(f32).__name__
        raise TypeError(f"f32_stack must be a 3-D float32 array (panels, rows, cols), got {what}")
    return f32


def _extremes(f32: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's smallest and largest value, NaN skipped (NaN if all are), kept
    broadcastable to the stack; no temporary as big as the stack."""
    axes = _AXES[mode]
    return (
        np.fmin.reduce(f32, axis=axes, keepdims=True),
        np.fmax.reduce(f32, axis=axes, keepdims=True),
    )


def _divisors(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    d = np.fmax(hi, -lo)  # max |v|; exact in float32
    return np.where(np.isnan(d) | (d == 0), np.float32(1), d).astype(np.float32)


def divisors(f32_stack: np.ndarray, mode: str | None) -> np.ndarray:
    """float32 divisors broadcastable to the stack: ``(P, R, 1)`` per row, ``(P, 1, C)``
    per column, ``(P, 1, 1)`` per panel, ``(1, 1, 1)`` of 1 for None. Each is the unit's
    max ``|v|`` (NaN skipped), or 1 when that is 0 or the unit is all NaN.

    >>> divisors(np.array([[[1, -4], [0, np.nan]]], np.float32), "row").ravel()
    array([4., 1.], dtype=float32)
    """
    f32 = _check(f32_stack)
    mode = coerce_normalize(mode)
    if mode is None:
        return np.ones((1, 1, 1), dtype=np.float32)
    return _divisors(*_extremes(f32, mode))


def normalized(f32_stack: np.ndarray, mode: str | None) -> np.ndarray:
    """``f32_stack / divisors(f32_stack, mode)``, computed in float32 (a new array).

    >>> normalized(np.array([[[2, -8, 0], [np.nan, 3, 6]]], np.float32), "row")
    array([[[ 0.25, -1.  ,  0.  ],
            [  nan,  0.5 ,  1.  ]]], dtype=float32)
    """
    f32 = _check(f32_stack)
    with np.errstate(under="ignore"):  # tiny quotients become 0 of their sign (see above)
        return np.divide(f32, divisors(f32, mode), dtype=np.float32)


def norm_table(f32_stack: np.ndarray) -> np.ndarray:
    """Every divisor, for the browser to switch modes without the kernel: float32, the
    ``P * R`` row divisors (panel-major: ``p * R + r``), then the ``P * C`` column
    divisors (``P * R + p * C + c``), then the ``P`` panel divisors.

    >>> norm_table(np.array([[[1, -4], [0, 2]]], np.float32))
    array([4., 2., 1., 4., 4.], dtype=float32)
    """
    f32 = _check(f32_stack)
    return np.concatenate([divisors(f32, m).ravel() for m in ("row", "column", "panel")])


def normalized_range(f32_stack: np.ndarray, mode: str | None) -> tuple[float, float] | None:
    """Finite min and max of :func:`normalized` (None when every cell is NaN), from each
    unit's extremes (division by a positive divisor and rounding keep the order), so no
    normalised copy of the stack is made.

    >>> normalized_range(np.array([[[2, -8], [3, 6]]], np.float32), "row")
    (-1.0, 1.0)
    """
    f32 = _check(f32_stack)
    mode = coerce_normalize(mode)
    if mode is None:
        lo, hi = np.fmin.reduce(f32, axis=None), np.fmax.reduce(f32, axis=None)
    else:
        ulo, uhi = _extremes(f32, mode)
        d = _divisors(ulo, uhi)
        with np.errstate(under="ignore"):
            lo = np.fmin.reduce(np.divide(ulo, d, dtype=np.float32), axis=None)
            hi = np.fmax.reduce(np.divide(uhi, d, dtype=np.float32), axis=None)
    return None if np.isnan(lo) else (float(lo), float(hi))
