"""Input coercion and validation at the API boundary, and the binary encoding.

Everything a user passes goes through here once; the widget trusts the result.
Errors name the argument, what was given and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

# float32 holds every integer up to 2**24 exactly; beyond it the tooltip needs float64.
_F32_EXACT_INT = 2**24
#: Largest matrix a Heatmap takes: 2**31 cells (8 GiB as float32; the kernel keeps one
#: float32 copy of it).
MAX_CELLS = 2**31
#: Matrices up to this many cells go to the browser whole: 2**24 cells (64 MiB as
#: float32). Bigger ones go as an overview and, when zoomed in, the window on screen.
SEND_CELLS = 2**24
#: Most cells in the overview of a bigger matrix and in each window sent for it:
#: 2**22 (16 MiB as float32), each cell the strongest value of its block.
TILE_CELLS = 2**22
#: Smallest and largest explicit ``width``/``height``, in CSS pixels: at 2 device pixels
#: per CSS pixel the largest is still a canvas every browser can hold (js/layout.js
#: clamps to the same bounds, so saved state cannot ask for more either).
MIN_SIZE, MAX_SIZE = 50, 4096
#: Above this many cells the float64 originals are not sent (tooltips show float32,
#: marked "≈"): 2**24 cells (128 MiB as float64).
MAX_EXACT_CELLS = 2**24


@dataclass(frozen=True)
class Matrix:
    """A validated attribution matrix and what the front end needs of it."""

    array: np.ndarray
    """A read-only snapshot of the user's values, taken when they were given: in their
    dtype up to :data:`MAX_EXACT_CELLS` cells (sharing memory with ``f32`` or ``exact``
    where the dtype matches), else ``f32`` itself."""
    f32: np.ndarray
    """C-contiguous little-endian float32 copy, sent to the browser for drawing."""
    exact: np.ndarray | None
    """C-contiguous little-endian float64 copy for the tooltip, when float32 loses
    precision and the matrix is at most :data:`MAX_EXACT_CELLS` cells; else ``None``."""
    approximate: bool
    """Whether float32 changes any value given (then the tooltip needs ``exact``, or marks
    float32 values with "≈" when the matrix is too big to keep them)."""
    data_range: tuple[float, float] | None
    """Finite min and max, or ``None`` when every cell is NaN."""
    row_names: list[str] | None
    """Labels carried by the input (a pandas index), if any."""
    col_names: list[str] | None


def _describe(obj: object) -> str:
    shape = getattr(obj, "shape", None)
    if shape is not None:
        return f"{type(obj).__name__} of shape {tuple(shape)}"
    return type(obj).__name__


def _frame_names(obj: object) -> tuple[list[str] | None, list[str] | None]:
    """Labels of a pandas DataFrame (duck-typed: no pandas import)."""
    index, columns = getattr(obj, "index", None), getattr(obj, "columns", None)
    if index is None or columns is None or not hasattr(obj, "to_numpy"):
        return None, None
    return [str(v) for v in index], [str(v) for v in columns]


def coerce_matrix(obj: object) -> Matrix:
    """Validate ``values`` and prepare its float32 (and, if needed, float64) buffers."""
    if obj is None:
        raise TypeError("values must be a 2-D array-like of real numbers, got None")
    if isinstance(obj, (str, bytes, Mapping, set, frozenset)):
        raise TypeError(
            f"values must be a 2-D array-like of real numbers, got {type(obj).__name__} {obj!r:.40}"
        )
    row_names, col_names = _frame_names(obj)
    if row_names is not None:
        obj = obj.to_numpy()  # type: ignore[attr-defined]
    if hasattr(obj, "detach") and hasattr(obj, "cpu"):  # torch tensors, without importing torch
        obj = obj.detach().cpu()
    if isinstance(obj, np.ma.MaskedArray):
        obj = obj.astype(np.float64).filled(np.nan)
    try:
        arr = np.asarray(obj)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(
            "values must be a rectangular 2-D array-like of real numbers (all rows the "
            f"same length; pad ragged sequences with NaN), but numpy could not build one: {exc}"
        ) from None
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                "values must contain real numbers, but it holds Python objects that are "
                f"not numbers (e.g. strings) in {_describe(obj)}; use NaN (or None) for "
                "missing cells"
            ) from None
    if arr.dtype.kind == "c":
        raise TypeError(
            f"values must be real numbers, got complex dtype {arr.dtype}; "
            "pass e.g. the real part or the magnitude (np.abs)"
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"values must be real numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(
            f"values must be 2-D (rows = tokens, columns = examples), got {arr.ndim}-D "
            f"{_describe(obj)}; reshape it, e.g. values.reshape(1, -1) for one row"
        )
    if arr.size == 0:
        raise ValueError(f"values must not be empty, got shape {arr.shape}")
    if arr.size > MAX_CELLS:
        rows, cols = arr.shape
        raise ValueError(
            f"values has {rows:,} x {cols:,} = {arr.size:,} cells, more than the "
            f"{MAX_CELLS:,} ({MAX_CELLS * 4 / 2**30:.3g} GiB as float32) a tokenheat "
            "Heatmap takes; reduce it first, e.g. "
            f"tokenheat.downsample(values, {_factor_for(arr.shape)}) keeps the strongest value "
            "of each block, or pass a slice of the rows/columns you need"
        )

    try:
        with np.errstate(over="ignore"):  # overflow is reported below, with its position
            # always a copy of our own, so the matrix drawn, exported and hovered is a
            # snapshot: changing the caller's array later changes none of them
            f32 = np.array(arr, dtype="<f4", order="C", copy=True)
    except MemoryError:
        raise MemoryError(
            f"not enough memory for a float32 copy of values ({arr.shape[0]:,} x "
            f"{arr.shape[1]:,}, {arr.size * 4 / 2**20:,.0f} MiB); reduce it first, e.g. with "
            f"tokenheat.downsample(values, {_factor_for(arr.shape, 2**24)})"
        ) from None
    if arr.dtype.kind == "f":
        # Infinite input first; then finite input too large for float32.
        for source, problem in (
            (arr, "must be finite or NaN (use NaN for 'no value', or clip)"),
            (f32, "must fit in float32, |v| <= 3.4e38 (rescale the matrix)"),
        ):
            if np.isinf(source).any():
                bad = np.isinf(source)
                r, c = np.argwhere(bad)[0]
                raise ValueError(
                    f"values {problem}: got {arr[r, c]} at row {r}, column {c} "
                    f"({int(bad.sum())} such cell(s) in all)"
                )
    approximate = _needs_exact(arr, f32)
    # Up to MAX_EXACT_CELLS (and only when sent whole) the snapshot keeps the caller's
    # dtype, and float64 originals for exact tooltips; a bigger one keeps float32 only.
    exact = None
    if arr.size <= min(SEND_CELLS, MAX_EXACT_CELLS):
        if approximate:
            exact = np.array(arr, dtype="<f8", order="C", copy=True)
        if arr.dtype == f32.dtype:
            array = f32
        elif exact is not None and arr.dtype == exact.dtype:
            array = exact
        else:
            array = np.array(arr, order="C", copy=True)
    else:
        array = f32

    src = exact if exact is not None else f32
    lo, hi = float(np.fmin.reduce(src, axis=None)), float(np.fmax.reduce(src, axis=None))
    data_range = None if math.isnan(lo) else (lo, hi)  # NaN only when every cell is

    view = array.view()
    view.flags.writeable = False
    return Matrix(view, f32, exact, approximate, data_range, row_names, col_names)


def _factor_for(shape: tuple[int, ...], cells: int | None = None) -> int:
    """The smallest square block factor that brings ``shape`` within ``cells``
    (default :data:`MAX_CELLS`)."""
    cells = MAX_CELLS if cells is None else cells
    k = 2
    while (-(-shape[0] // k)) * (-(-shape[1] // k)) > cells:
        k += 1
    return k


def downsample(values: ArrayLike, factor: int | tuple[int, int]) -> np.ndarray:
    """Reduce a matrix by blocks of ``factor`` rows x columns, keeping in each block the
    value with the largest magnitude (its sign kept, the positive one of ``+x`` and
    ``-x``; NaN only if the whole block is NaN), so that strong cells stay visible. Edge
    blocks may be smaller. Float input keeps its dtype; other input becomes float64.

    Parameters
    ----------
    values : array-like, 2-D
    factor : int or (int, int)
        Block size: the same for rows and columns, or ``(rows, cols)``.

    Examples
    --------
    >>> downsample([[1.0, -5.0, 2.0], [3.0, 4.0, float("nan")]], 2)
    array([[-5.,  2.]])
    """
    arr = np.asarray(values)
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"downsample needs a 2-D matrix, got {arr.ndim}-D")
    fr, fc = (factor, factor) if isinstance(factor, (int, np.integer)) else tuple(factor)
    if not all(isinstance(f, (int, np.integer)) and f >= 1 for f in (fr, fc)):
        raise ValueError(f"factor must be a positive int or a pair of them, got {factor!r}")
    return reduce_blocks(arr, int(fr), int(fc))


def reduce_blocks(
    arr: np.ndarray,
    fr: int,
    fc: int,
    window: tuple[int, int, int, int] | None = None,
    *,
    chunk: int = 2**22,
) -> np.ndarray:
    """The strongest value of each ``fr`` x ``fc`` block of ``arr[r0:r1, c0:c1]`` (blocks
    start at ``r0``, ``c0``; the last ones may be smaller), in ``arr``'s float dtype.

    The same rule as the browser's zoomed-out pixels (``stronger`` in js/reduce.js):
    largest ``|v|``, of ``+x`` and ``-x`` the positive, NaN only when all are NaN. Works
    through the window about ``chunk`` cells at a time, so memory beyond the result stays
    small however big ``arr`` is.
    """
    r0, r1, c0, c1 = (0, arr.shape[0], 0, arr.shape[1]) if window is None else window
    # a block larger than the window is the window: the work depends on the data only
    fr, fc = min(fr, r1 - r0), min(fc, c1 - c0)
    rows, cols = -(-(r1 - r0) // fr), -(-(c1 - c0) // fc)
    out = np.empty((rows, cols), dtype=arr.dtype)
    if fr == fc == 1:
        out[...] = arr[r0:r1, c0:c1]
        return out
    starts = np.arange(0, c1 - c0, fc)
    step = max(1, chunk // max(1, c1 - c0))  # block rows per chunk
    for i in range(0, rows, step):
        n = min(step, rows - i)
        part = arr[r0 + i * fr : min(r1, r0 + (i + n) * fr), c0:c1]
        # largest and smallest of each block (fmax/fmin skip NaN, so a block is NaN
        # only when all its cells are): first down the rows, whole rows at a time...
        hi = part[::fr].copy()
        lo = hi.copy()
        for dr in range(1, fr):
            more = part[dr::fr]
            k = more.shape[0]  # the last block may have fewer rows
            np.fmax(hi[:k], more, out=hi[:k])
            np.fmin(lo[:k], more, out=lo[:k])
        # ...then across the columns
        if fc > 1:
            hi = np.fmax.reduceat(hi, starts, axis=1)
            lo = np.fmin.reduceat(lo, starts, axis=1)
        with np.errstate(invalid="ignore"):
            out[i : i + n] = np.where(hi >= -lo, hi, lo)  # the stronger; +x before -x
    return out


def block_factors(
    shape: tuple[int, int], cells: int, start: tuple[int, int] = (1, 1)
) -> tuple[int, int]:
    """Block rows and columns, at least ``start``, that bring ``shape`` within ``cells``:
    the axis with more blocks grows first, so a long thin matrix is reduced along its
    length only.

    >>> block_factors((20000, 20000), 2**22)
    (10, 10)
    >>> block_factors((10_000_000, 50), 2**22)
    (120, 1)
    """
    fr, fc = start
    rows, cols = shape
    while (nr := -(-rows // fr)) * (nc := -(-cols // fc)) > cells:
        # grow by about the factor still missing: along the longer axis up to balance,
        # then both alike; at least one step
        need = nr * nc / cells
        if nr >= nc:
            fr = max(fr + 1, int(fr * min(need, max(nr / nc, need**0.5))))
        else:
            fc = max(fc + 1, int(fc * min(need, max(nc / nr, need**0.5))))
    return fr, fc


def _needs_exact(arr: np.ndarray, f32: np.ndarray) -> bool:
    """Whether float32 changes any value the user passed (so hover needs float64)."""
    if arr.dtype.kind == "b" or arr.dtype.itemsize <= 2:
        return False
    if arr.dtype.kind in "iu":
        # max and min, not abs(): no copy of the matrix
        return bool(max(int(arr.max()), -int(arr.min())) > _F32_EXACT_INT)
    if arr.dtype == np.float32:
        return False
    step = max(1, 2**20 // arr.shape[1])  # rows at a time: small temporaries
    with np.errstate(invalid="ignore"):
        for i in range(0, arr.shape[0], step):
            part, ours = arr[i : i + step], f32[i : i + step]
            if np.any((ours != part) & ~np.isnan(part)):
                return True
    return False


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
    """Validate per-cell token text: a 2-D array-like of strings (None = no text)."""
    expected = "tokens must be a 2-D array-like of strings, one per cell of values"
    if isinstance(tokens, (str, bytes)):
        raise TypeError(f"{expected}, got a single string {tokens!r:.40}")
    if hasattr(tokens, "to_numpy"):
        tokens = tokens.to_numpy()
    try:
        arr = np.array(tokens, dtype=object)
    except ValueError:
        raise ValueError(f"{expected}, got ragged nested sequences") from None
    if arr.ndim != 2:
        raise ValueError(f"{expected}, got {arr.ndim}-D input of shape {arr.shape}")
    flat = arr.ravel()
    for i, tok in enumerate(flat):
        if tok is None:
            flat[i] = ""
        elif not isinstance(tok, str):
            r, c = divmod(i, arr.shape[1])
            raise TypeError(
                f"tokens[{r}][{c}] must be a string (or None for no text), "
                f"got {type(tok).__name__} {tok!r:.40}"
            )
    check_text(flat, "tokens", lambda i: "][".join(map(str, divmod(i, arr.shape[1]))))
    out = flat.reshape(arr.shape)
    out.flags.writeable = False
    return out


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
        return center - half, center + half
    if data_range is None:
        return 0.0, 1.0
    lo, hi = data_range
    if lo == hi:
        return lo - 0.5, hi + 0.5
    return lo, hi


#: Zoomed in as far as possible, this many cells fill the view along an axis (or all of
#: it, if fewer): js/zoom.js MIN_SPAN_CELLS.
MIN_SPAN_CELLS = 2


def clamp_axis(a: float, b: float, n: int) -> tuple[float, float]:
    """One axis of a view, made valid by the front end's rule (``clampAxis`` in
    js/zoom.js, in the same float64 steps): a span narrower than ``min(n, 2)`` cells
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
