"""A corpus of bad and awkward matrices, through the constructor and through assignment:
each is either drawn correctly or refused with a clear error, and a refused value never
leaves the widget changed or broken. The numeric paths are also property-tested."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tokenheat import Heatmap, InvalidSetting, InvalidSettingType, colormaps


def f32(w: Heatmap) -> np.ndarray:
    return np.frombuffer(w._values, dtype="<f4").reshape(w._shape)


def check_drawable(w: Heatmap, expected: np.ndarray) -> None:
    """What the browser receives matches the input, and every output path works."""
    assert w.shape == expected.shape
    np.testing.assert_array_equal(f32(w), expected.astype(np.float32))
    finite = expected[~np.isnan(expected)]
    if finite.size:
        assert w._data_range == [float(finite.min()), float(finite.max())]
    else:
        assert w._data_range is None
    assert np.isfinite(w.vmin) and np.isfinite(w.vmax) and w.vmin < w.vmax
    assert w.color_range == (w.vmin, w.vmax)
    assert w.view == (0, expected.shape[0], 0, expected.shape[1])
    rgba = w.to_rgba()
    assert rgba.shape == (*expected.shape, 4) and (rgba[..., 3] == 255).all()
    assert w.to_png(scale=0.5).startswith(b"\x89PNG")
    assert w.to_svg().startswith("<svg")


ACCEPTED = {
    "1x1": ([[0.5]], np.array([[0.5]])),
    "1xN": ([[1, 2, 3]], np.array([[1.0, 2, 3]])),
    "Nx1": ([[1], [2]], np.array([[1.0], [2]])),
    "all NaN": (np.full((2, 3), np.nan), np.full((2, 3), np.nan)),
    "all equal": (np.ones((3, 3)), np.ones((3, 3))),
    "all zero": (np.zeros((2, 2)), np.zeros((2, 2))),
    "tiny": (np.array([[1e-30, -1e-30]]), np.array([[1e-30, -1e-30]])),
    "huge": (np.array([[1e30, -1e30]]), np.array([[1e30, -1e30]])),
    "int": (np.arange(6).reshape(2, 3), np.arange(6.0).reshape(2, 3)),
    "int8": (np.array([[-128, 127]], dtype=np.int8), np.array([[-128.0, 127]])),
    "uint": (np.array([[0, 255]], dtype=np.uint8), np.array([[0.0, 255]])),
    "bool": (np.eye(2, dtype=bool), np.eye(2)),
    "float16": (np.array([[0.5, -2]], dtype=np.float16), np.array([[0.5, -2]])),
    "float32": (np.array([[0.1, -0.2]], dtype=np.float32), np.array([[0.1, -0.2]], "f4")),
    "non-contiguous": (
        np.arange(20.0).reshape(4, 5)[:, ::2],
        np.array([[0.0, 2, 4], [5, 7, 9], [10, 12, 14], [15, 17, 19]]),
    ),
    "transposed": (np.arange(6.0).reshape(2, 3).T, np.arange(6.0).reshape(2, 3).T),
    "big-endian": (np.array([[1.5, -1]], dtype=">f8"), np.array([[1.5, -1]])),
    "masked": (
        np.ma.masked_array([[1.0, 2], [3, 4]], mask=[[0, 1], [0, 0]]),
        np.array([[1.0, np.nan], [3, 4]]),
    ),
    "None as a gap": ([[1, None]], np.array([[1.0, np.nan]])),
    "nested tuples": (((1, 2), (3, 4)), np.array([[1.0, 2], [3, 4]])),
}

REFUSED = {
    "None": (None, InvalidSettingType, "got None"),
    "string": ("abc", InvalidSettingType, "got str 'abc'"),
    "bytes": (b"abc", InvalidSettingType, "got bytes"),
    "scalar": (3.0, InvalidSetting, "must be 2-D"),
    "1-D": ([1, 2, 3], InvalidSetting, "must be 2-D"),
    "5-D": (np.zeros((2, 2, 2, 2, 2)), InvalidSetting, "got 5-D"),
    "empty": (np.zeros((0, 0)), InvalidSetting, "must not be empty, got shape (0, 0)"),
    "no columns": (np.zeros((3, 0)), InvalidSetting, "got shape (3, 0)"),
    "empty list": ([], InvalidSetting, "must be 2-D"),
    "ragged": ([[1, 2], [3]], InvalidSetting, "pad ragged sequences with NaN"),
    "strings": ([["a", "b"]], InvalidSettingType, "dtype <U1"),
    "mixed objects": (np.array([[1, "x"]], dtype=object), InvalidSettingType, "not numbers"),
    "complex": (np.ones((2, 2), complex), InvalidSettingType, "complex"),
    "datetime": (np.array([["2020-01-01"]], "datetime64[D]"), InvalidSettingType, "datetime64"),
    "+inf": ([[np.inf, 1]], InvalidSetting, "got inf at row 0, column 0"),
    "-inf": ([[1, -np.inf]], InvalidSetting, "got -inf at row 0, column 1"),
    "beyond float32": ([[0, 1e39]], InvalidSetting, "must fit in float32"),
    "dict": ({"a": 1}, InvalidSettingType, "got dict"),
    "set": ({1.0, 2.0}, InvalidSettingType, "got set"),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_input_is_drawn_as_given(name: str) -> None:
    given_, expected = ACCEPTED[name]
    check_drawable(Heatmap(given_), expected)
    w = Heatmap(np.zeros((1, 1)))
    w.values = given_
    check_drawable(w, expected)


@pytest.mark.parametrize("name", REFUSED)
def test_refused_input_raises_a_clear_error(name: str) -> None:
    bad, error, fragment = REFUSED[name]
    with pytest.raises(error) as info:
        Heatmap(bad)
    assert fragment in str(info.value) and "values" in str(info.value)
    # assignment: the same error, and the widget keeps drawing what it had
    w = Heatmap(np.array([[1.0, -1.0]]), row_labels=["only"])
    before = w.get_state()
    with pytest.raises(error):
        w.values = bad
    with pytest.raises(error):
        w.update(values=bad)
    assert w.get_state() == before
    check_drawable(w, np.array([[1.0, -1.0]]))


def test_input_is_copied_once_as_a_snapshot() -> None:
    """float64 input is converted to float32 once and its originals are copied once (the
    snapshot that is drawn, exported and hovered), and nothing more."""
    values = np.random.default_rng(1).normal(size=(300, 200))
    w = Heatmap(values)
    assert not np.shares_memory(w.values, values)
    assert w._matrix.exact is not None and np.shares_memory(w.values, w._matrix.exact)
    assert w.values.dtype == values.dtype
    assert len(w._values) == values.size * 4


BIG, SMALL = float(np.float32(1e30)), float(np.float32(1e-30))
finite = st.floats(-BIG, BIG, allow_nan=False, allow_infinity=False, width=32)
cells = st.one_of(finite, st.just(float("nan")), st.floats(-SMALL, SMALL, width=32))
matrices = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
    elements=cells,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices)
def test_any_finite_or_nan_matrix_is_drawable(values: np.ndarray) -> None:
    w = Heatmap(values)
    check_drawable(w, values)
    # a nonzero range is always symmetric about the centre by default
    assert w.vmin == -w.vmax


@settings(max_examples=100, deadline=None)
@given(matrices, st.floats(-1e6, 1e6), st.floats(1e-2, 1e6))
def test_any_explicit_range_colours_like_the_shared_rule(
    values: np.ndarray, low: float, span: float
) -> None:
    assume(np.float32(low) < np.float32(low + span))  # narrower ranges are refused (below)
    w = Heatmap(values, vmin=low, vmax=low + span, center=None)
    rgba = w.to_rgba()
    # monotone: a larger value never gets an earlier LUT entry (viridis-free check:
    # compare with the value -> index rule directly)
    ok = ~np.isnan(values)
    lo, hi = np.float32(w.vmin), np.float32(w.vmax)  # the shader's precision
    t = np.clip(values[ok].astype(np.float32), lo, hi)
    idx = np.clip(np.floor((t - lo) / (hi - lo) * np.float32(256)), 0, 255).astype(int)
    np.testing.assert_array_equal(rgba[ok], colormaps.get_lut(w.cmap)[idx])
    assert (rgba[~ok] == [189, 189, 189, 255]).all()  # nan_color #bdbdbd


@pytest.mark.parametrize(
    "settings", [{"vmin": 256.0, "vmax": 256.00001}, {"color_range": (1e8, 1e8 + 1)}]
)
def test_a_range_too_narrow_for_float32_is_refused(settings: dict) -> None:
    w = Heatmap(np.array([[256.0]]))
    with pytest.raises(InvalidSetting, match="too close to tell apart in float32"):
        w.update(**settings)
    assert w.vmin == -256 and w.vmax == 256


# ----------------------------------------------------------------------- size limits
def test_too_many_cells_are_refused_before_anything_is_sent(monkeypatch) -> None:
    from tokenheat import _data

    monkeypatch.setattr(_data, "MAX_CELLS", 1000)
    w = Heatmap(np.zeros((10, 10)))
    big = np.broadcast_to(np.float64(1.0), (200, 300))  # no memory behind it
    sent: list = []
    w.send_state = lambda *a, **k: sent.append(a)  # type: ignore[method-assign]
    with pytest.raises(InvalidSetting) as info:
        w.values = big
    message = str(info.value)
    assert "200 x 300 = 60,000 cells, more than the 1,000" in message
    assert "tokenheat.downsample(values, 8)" in message  # 25 x 38 = 950 cells fit
    assert sent == [] and w.shape == (10, 10)
    with pytest.raises(InvalidSetting, match="60,000 cells"):
        Heatmap(big)


def test_huge_matrices_keep_float32_tooltips(monkeypatch) -> None:
    from tokenheat import _data

    monkeypatch.setattr(_data, "MAX_EXACT_CELLS", 10)
    w = Heatmap(np.full((4, 4), 0.1))
    assert w._exact_available
    w.send_exact()
    assert len(w._exact) == 0  # the browser keeps showing "≈ 0.1"


def test_downsample_keeps_the_strongest_value_of_each_block() -> None:
    from tokenheat import downsample

    values = np.zeros((5, 7))
    values[3, 6] = -9.0  # in the last, partial block
    values[0, 1] = 2.0
    values[1, 0] = -1.0
    values[2:4, 0:2] = np.nan
    out = downsample(values, (2, 3))
    assert out.shape == (3, 3)
    assert out[0, 0] == 2.0 and out[1, 2] == -9.0
    assert out[1, 0] == 0.0  # NaN cells ignored while a block has numbers
    assert np.isnan(downsample(np.full((2, 2), np.nan), 2)).all()
    with pytest.raises(ValueError, match="positive int"):
        downsample(values, 0)


@settings(max_examples=60, deadline=None)
@given(matrices, st.integers(1, 5), st.integers(1, 5))
def test_downsample_property(values: np.ndarray, fr: int, fc: int) -> None:
    from tokenheat import downsample

    out = downsample(values, (fr, fc))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            block = values[i * fr : (i + 1) * fr, j * fc : (j + 1) * fc].astype(np.float64)
            if np.isnan(block).all():
                assert np.isnan(out[i, j])
            else:
                assert abs(out[i, j]) == np.nanmax(np.abs(block))
                assert out[i, j] in block


def test_memory_stays_within_three_times_the_float32_matrix() -> None:
    """The snapshot: float32 for drawing plus, up to 2**24 cells, the values in their own
    dtype (8 bytes a cell for float64 and int64): at most 3x the float32 size."""
    import tracemalloc

    values = np.random.default_rng(2).normal(size=(1000, 1500))
    for given_ in (values, values.astype(np.int64), values.astype(np.float32)):
        tracemalloc.start()
        try:
            w = Heatmap(given_)
            w.send_exact()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        limit = 1.3 if given_.dtype == np.float32 else 3.1
        assert peak < limit * values.size * 4, (given_.dtype, peak / (values.size * 4))


# ------------------------------------------------------- settings: one case per class
# Each class the adversarial review found (tests/test_hardening.py has the details): an
# unbounded size, a number too large for a float, text that is not valid Unicode, a view
# from a custom trait's edge. Refused with the argument named, through the constructor,
# assignment and update(), leaving the widget as it was.
SETTINGS_REFUSED = {
    "width 10**9": ({"width": 10**9}, InvalidSetting, "width must be None (automatic)"),
    "height 10**400": ({"height": 10**400}, InvalidSetting, "height must be None (automatic)"),
    "width as float": ({"width": 640.0}, InvalidSettingType, "width must be None (automatic)"),
    "vmin 10**400": ({"vmin": 10**400}, InvalidSetting, "vmin must be a finite number"),
    "center -10**400": ({"center": -(10**400)}, InvalidSetting, "center must be a finite"),
    "view 10**400": ({"view": (0, 1, 0, 10**400)}, InvalidSetting, "view must be"),
    "title surrogate": ({"title": "a\ud800"}, InvalidSetting, "title contains a lone"),
    "label surrogate": ({"row_labels": ["\udc80", "b"]}, InvalidSetting, "row_labels[0] contains"),
    "token surrogate": ({"tokens": [["a", "b"], ["\ud83d", ""]]}, InvalidSetting, "tokens[1][0]"),
}

SETTINGS_ACCEPTED = {
    "huge title": {"title": "T" * 3_000_000},
    "huge label": {"column_labels": ["c" * 3_000_000, "d"]},
    "huge token": {"tokens": [["t" * 3_000_000, ""], ["", ""]]},
    "narrow view": {"view": (0.5, 0.6, 1.0, 1.01)},
    "numpy sizes": {"width": np.int16(300), "height": np.uint64(4096)},
}


@pytest.mark.parametrize("name", SETTINGS_REFUSED)
def test_refused_settings_name_the_argument_and_change_nothing(name: str) -> None:
    settings_, error, fragment = SETTINGS_REFUSED[name]
    values = np.array([[1.0, -1.0], [0.5, 0.0]])
    if "view" not in settings_:  # the view is not a constructor argument
        with pytest.raises(error) as info:
            Heatmap(values, **settings_)
        assert fragment in str(info.value)
    w = Heatmap(values)
    before = w.get_state()
    ((key, value),) = settings_.items()
    with pytest.raises(error, match=re.escape(fragment)):
        setattr(w, key, value)
    with pytest.raises(error):
        w.update(values=values * 2, **settings_)
    assert w.get_state() == before
    check_drawable(w, values)


@pytest.mark.parametrize("name", SETTINGS_ACCEPTED)
def test_accepted_settings_display_and_export(name: str) -> None:
    w = Heatmap(np.array([[1.0, -1.0], [0.5, 0.0]]))
    w.update(**SETTINGS_ACCEPTED[name])
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data
    assert w.to_png(scale=0.5).startswith(b"\x89PNG") and w.to_svg().startswith("<svg")
    assert w.get_state()  # everything can be sent
