"""Trait types of the Heatmap widget, each validating its input at the boundary.

Validation errors are raised as :class:`InvalidSetting` / :class:`InvalidSettingType`:
``ValueError`` / ``TypeError`` for users, and traitlets ``TraitError`` so that
``hold_trait_notifications`` rolls back every assignment of an ``update()`` when one
of them is rejected.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import traitlets as t

from . import _axis_labels, _lazy_stack, _normalize, _panel_settings, _panels, _settings


class InvalidSetting(t.TraitError, ValueError):
    """A setting had the wrong value. A ``ValueError`` (and a traitlets ``TraitError``)."""


class InvalidSettingType(t.TraitError, TypeError):
    """A setting had the wrong type. A ``TypeError`` (and a traitlets ``TraitError``)."""


def checked(func: Callable[..., Any]) -> Callable[..., Any]:
    """Re-raise ValueError/TypeError from ``func`` as :class:`InvalidSetting` types."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (InvalidSetting, InvalidSettingType):
            raise
        except ValueError as exc:
            raise InvalidSetting(str(exc)) from None
        except TypeError as exc:
            raise InvalidSettingType(str(exc)) from None

    return wrapper


class TypedErrors:
    """Mixin for traitlets' own types (Unicode, Bool): a value of the wrong type raises
    :class:`InvalidSettingType` (a ``TypeError``) with traitlets' message, which names the
    setting, rather than a bare ``TraitError``."""

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        try:
            super().error(obj, value, error, info)  # type: ignore[misc]
        except InvalidSettingType:
            raise
        except t.TraitError as exc:
            raise InvalidSettingType(str(exc)) from None


class Str(TypedErrors, t.Unicode):
    """A str setting."""


class Bool(TypedErrors, t.Bool):
    """A bool setting."""


class _ArrayTrait(t.TraitType[Any, Any]):
    """A trait holding an array: a new value notifies unless it is the same object.

    traitlets compares old and new with ``==``, which for numpy arrays compares every
    element (with ``None``, as Python objects: seconds for a big matrix) only to find
    the result ambiguous and notify anyway.
    """

    def set(self, obj: t.HasTraits, value: Any) -> None:
        new = self._validate(obj, value)
        old = obj._trait_values.get(self.name, self.default_value)
        obj._trait_values[self.name] = new
        if new is not old:
            obj._notify_trait(self.name, old, new)


class MatrixTrait(_ArrayTrait):
    """One matrix or a stack of panels, coerced and checked by
    :func:`tokenheat._panels.coerce_stack`; the value is the stack's ``array``.

    The prepared :class:`~tokenheat._panels.Stack` is left on the widget as
    ``_pending_matrix`` for its observers (so the float32 conversion happens once).
    """

    info_text = "a 2-D, 3-D or 4-D array-like of real numbers, or a list of 2-D ones"

    @checked
    def validate(self, obj: Any, value: Any) -> np.ndarray:
        for known in (obj._pending_matrix, obj._matrix):  # (a rollback restores the old)
            if known is not None and known.array is value:
                return value
        stack = _panels.coerce_stack(value)
        obj._pending_matrix = stack
        return stack.array


class TokensTrait(_ArrayTrait):
    """Per-cell token text; its shape is checked against ``values`` by the widget."""

    info_text = "None or a 2-D (or, for panels, 3-D / 4-D) array-like of strings"

    @checked
    def validate(self, obj: Any, value: Any) -> np.ndarray | None:
        return None if value is None else _settings.coerce_tokens(value)


class LabelsTrait(t.TraitType[list, Any]):
    """Axis labels: a sequence of str (numbers allowed) shared by the panels, or one such
    sequence per panel (:func:`tokenheat._axis_labels.coerce_axis_labels`); the counts
    are checked by the widget."""

    info_text = "a sequence of strings, or one per panel"

    def __init__(self, axis: str, **kwargs: Any) -> None:
        super().__init__([], **kwargs)
        self.axis = axis

    @checked
    def validate(self, obj: Any, value: Any) -> list[str] | list[list[str]]:
        return _axis_labels.coerce_axis_labels(value, name=self.name, axis=self.axis)


class TextTrait(Str):
    """A title: any length, but valid Unicode text (no lone surrogates)."""

    @checked
    def validate(self, obj: Any, value: Any) -> str:
        text = super().validate(obj, value)
        _settings.check_text([text], self.name, None)
        return text


class SizeTrait(t.TraitType[Any, Any]):
    """An explicit width or height in CSS pixels, within ``MIN_SIZE``..``MAX_SIZE``."""

    info_text = (
        f"None or a whole number of CSS pixels from {_settings.MIN_SIZE} to {_settings.MAX_SIZE}"
    )
    allow_none = True

    @checked
    def validate(self, obj: Any, value: Any) -> int | None:
        if value is None:
            return None
        expected = (
            f"{self.name} must be None (automatic) or a whole number of CSS pixels from "
            f"{_settings.MIN_SIZE} to {_settings.MAX_SIZE}"
        )
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{expected}, got {type(value).__name__} {value!r:.40}")
        if not _settings.MIN_SIZE <= value <= _settings.MAX_SIZE:
            shown = value if abs(value) < 10**12 else "a number of more than 12 digits"
            raise ValueError(f"{expected}, got {shown}")
        return int(value)


class LimitTrait(t.TraitType[float, Any]):
    """A colour-range end: a finite float; None is replaced by the default for that end."""

    info_text = "a finite number or None"

    @checked
    def validate(self, obj: Any, value: Any) -> float:
        if value is None:
            return obj._default_limit(self.name)
        return _settings.coerce_limit(value, name=self.name)


class CenterTrait(t.TraitType[Any, Any]):
    """The centre of a diverging scale: a finite float, or None for a linear scale."""

    info_text = "a finite number or None"
    allow_none = True

    @checked
    def validate(self, obj: Any, value: Any) -> float | None:
        return None if value is None else _settings.coerce_limit(value, name=self.name)


class RangeTrait(t.TraitType[tuple, Any]):
    """``(vmin, vmax)``: two finite numbers with vmin < vmax."""

    info_text = "a pair of finite numbers (vmin, vmax) with vmin < vmax"

    @checked
    def validate(self, obj: Any, value: Any) -> tuple[float, float]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
            raise TypeError(f"color_range must be a pair (vmin, vmax), got {value!r:.60}")
        lo = _settings.coerce_limit(value[0], name="color_range[0] (vmin)")
        hi = _settings.coerce_limit(value[1], name="color_range[1] (vmax)")
        _settings.check_range(lo, hi, "color_range")
        return (lo, hi)


class ViewTrait(t.TraitType[tuple, Any]):
    """The visible window ``(row_start, row_stop, col_start, col_stop)``; None = all."""

    info_text = "(row_start, row_stop, col_start, col_stop) within the matrix, or None"

    @checked
    def validate(self, obj: Any, value: Any) -> tuple[float, float, float, float]:
        rows, cols = obj.shape
        if value is None:
            return (0.0, float(rows), 0.0, float(cols))
        expected = (
            f"view must be (row_start, row_stop, col_start, col_stop) with "
            f"0 <= row_start < row_stop <= {rows} and 0 <= col_start < col_stop <= {cols}"
        )
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(f"{expected}, got {type(value).__name__} {value!r:.60}")
        if len(value) != 4:
            raise ValueError(f"{expected}, got {len(value)} numbers: {tuple(value)!r:.80}")
        numbers = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (Real, np.number)):
                raise TypeError(f"{expected}, got a {type(v).__name__} in {tuple(value)!r:.80}")
            try:
                numbers.append(float(v))
            except OverflowError:
                raise ValueError(f"{expected}, got a number too large for a float") from None
        r0, r1, c0, c1 = numbers
        if not all(math.isfinite(v) for v in numbers):
            raise ValueError(f"{expected}, got non-finite numbers {tuple(numbers)}")
        if not (0 <= r0 < r1 <= rows and 0 <= c0 < c1 <= cols):
            raise ValueError(f"{expected}, got {tuple(numbers)}")
        return (*_settings.clamp_axis(r0, r1, rows), *_settings.clamp_axis(c0, c1, cols))


class SelectionTrait(t.TraitType[Any, Any]):
    """None, ``{"row": i, "col": j}``, ``{"row": i}`` or ``{"col": j}``; with panels, each
    also has ``"panel"`` (:func:`tokenheat._panel_settings.coerce_selection`)."""

    info_text = 'None or a dict {"row": i, "col": j} / {"row": i} / {"col": j}'
    allow_none = True

    @checked
    def validate(self, obj: Any, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        layout = obj.panel_layout
        if layout:
            return _panel_settings.coerce_selection(value, layout, *obj.shape)
        expected = 'selection must be None, {"row": i, "col": j}, {"row": i} or {"col": j}'
        if not isinstance(value, Mapping):
            raise TypeError(f"{expected}, got {type(value).__name__} {value!r:.60}")
        keys = set(value)
        if not keys or keys - {"row", "col"}:
            raise ValueError(f"{expected}, got keys {sorted(map(str, keys))}")
        out = {}
        for key, n in (("row", obj.shape[0]), ("col", obj.shape[1])):
            if key not in value:
                continue
            index = value[key]
            if isinstance(index, bool) or not isinstance(index, Integral):
                raise TypeError(f"selection[{key!r}] must be an integer, got {index!r:.40}")
            if not 0 <= index < n:
                raise ValueError(f"selection[{key!r}] must be in 0..{n - 1}, got {index}")
            out[key] = int(index)
        return out


class PanelLabelsTrait(t.TraitType[Any, Any]):
    """Titles of the panels (:func:`tokenheat._panel_settings.coerce_panel_labels`):
    ``[]`` for a single heatmap, one str per panel, or a pair of lists for a grid;
    None = the titles the values carry (an xarray DataArray's coordinates), else numbers."""

    info_text = "None, a list of str (one per panel) or a pair of lists for a grid"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__([], **kwargs)

    @checked
    def validate(self, obj: Any, value: Any) -> list[str] | tuple[list[str], list[str]]:
        if value is None:
            value = obj._matrix_for(obj.values).panel_names
        return _panel_settings.coerce_panel_labels(value, obj.panel_layout)


class FocusTrait(t.TraitType[Any, Any]):
    """The panel shown alone: None, an int (a row of panels) or ``(i, j)`` (a grid)."""

    info_text = "None, a panel index, or (grid_row, grid_col)"
    allow_none = True

    @checked
    def validate(self, obj: Any, value: Any) -> int | tuple[int, int] | None:
        return _panel_settings.coerce_focus(value, obj.panel_layout)


class NormalizeTrait(t.TraitType[Any, Any]):
    """None, "row", "column" or "panel" (:func:`tokenheat._normalize.coerce_normalize`)."""

    info_text = "None, 'row', 'column' or 'panel'"
    allow_none = True

    @checked
    def validate(self, obj: Any, value: Any) -> str | None:
        mode = _normalize.coerce_normalize(value)
        matrix = getattr(obj, "_pending_matrix", None) or getattr(obj, "_matrix", None)
        if matrix is not None:
            _lazy_stack.check_normalize(matrix.f32, mode)
        return mode
