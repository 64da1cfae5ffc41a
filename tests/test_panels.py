"""Panels (small multiples): the stack, its labels, normalisation, focus and selection
(tokenheat._panels, tokenheat._panel_settings, tokenheat._normalize)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tokenheat import _data
from tokenheat._normalize import (
    NORMALIZE_MODES,
    coerce_normalize,
    divisors,
    norm_table,
    normalized,
    normalized_range,
)
from tokenheat._panel_settings import coerce_focus, coerce_panel_labels, coerce_selection
from tokenheat._panels import Stack, coerce_stack

F32_MAX = float(np.finfo(np.float32).max)
F32_TINY = float(np.finfo(np.float32).smallest_subnormal)


class FakeTensor:
    """Duck-typed torch tensor: detach() and cpu() give tensors, numpy() the data."""

    def __init__(self, data: np.ndarray, *, bfloat16: bool = False) -> None:
        self.data, self.bfloat16 = np.asarray(data), bfloat16
        self.shape = self.data.shape

    def detach(self) -> FakeTensor:
        return self

    def cpu(self) -> FakeTensor:
        return self

    def numpy(self) -> np.ndarray:
        if self.bfloat16:
            raise TypeError("Got unsupported ScalarType BFloat16")
        return self.data

    def float(self) -> FakeTensor:
        return FakeTensor(self.data.astype(np.float32))

    def __array__(self, dtype=None, copy=None):
        raise AssertionError("a tensor is read through numpy(), after detach() and cpu()")


# ----------------------------------------------------------------------- input forms


def check_snapshot(s: Stack) -> None:
    assert s.f32.dtype == np.dtype("<f4") and s.f32.flags.c_contiguous
    assert s.f32.ndim == 3 and not s.f32.flags.writeable
    if s.exact is not None:
        assert s.exact.dtype == np.dtype("<f8") and s.exact.shape == s.f32.shape
        assert not s.exact.flags.writeable


def test_2d_numpy_is_a_single_heatmap() -> None:
    a = np.arange(12.0).reshape(3, 4)
    s = coerce_stack(a)
    check_snapshot(s)
    assert s.layout == () and s.f32.shape == (1, 3, 4) and s.shapes == ((3, 4),)
    assert s.panels == 1 and not s.padded and not s.padding().any()
    assert s.data_range == (0.0, 11.0) and not s.approximate and s.exact is None
    assert s.dtype == np.float64 and s.row_names is None
    a[0, 0] = 99  # a snapshot: later changes to the input change nothing
    assert s.f32[0, 0, 0] == 0


def test_stack_is_frozen_and_read_only() -> None:
    s = coerce_stack(np.ones((2, 2, 2)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.layout = (1,)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        s.f32[0, 0, 0] = 5


def test_3d_numpy_is_a_row_of_panels() -> None:
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    s = coerce_stack(a[:, :, ::-1])  # not contiguous
    check_snapshot(s)
    assert s.layout == (2,) and s.shapes == ((3, 4), (3, 4))
    np.testing.assert_array_equal(s.f32, a[:, :, ::-1])
    assert s.f32.base is not a and not np.shares_memory(s.f32, a)


def test_4d_numpy_is_a_grid_in_panel_major_order() -> None:
    a = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    s = coerce_stack(a)
    check_snapshot(s)
    assert s.layout == (2, 3) and s.f32.shape == (6, 4, 5)
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(s.f32[i * 3 + j], a[i, j].astype(np.float32))
    assert s.approximate and s.exact is not None
    np.testing.assert_array_equal(s.exact, a.reshape(6, 4, 5))
    assert s.data_range == (a.min(), a.max())


@pytest.mark.parametrize(
    ("values", "layout", "shape"),
    [
        ([[1, 2, 3], [4, 5, 6]], (), (1, 2, 3)),
        ([[[1, 2]], [[3, 4]], [[5, 6]]], (3,), (3, 1, 2)),
        ([[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]], (2, 2), (4, 1, 1)),
        ((((1, 2), (3, 4)),), (1,), (1, 2, 2)),
        ([np.ones(3), np.zeros(3)], (), (1, 2, 3)),  # rows of a matrix, as numpy reads it
        ([np.ones((2, 3, 4))] * 5, (5, 2), (10, 3, 4)),  # e.g. layers of (heads, R, C)
        ([np.ones((3, 4)), np.ones((3, 4))], (2,), (2, 3, 4)),
    ],
)
def test_nested_lists_and_lists_of_arrays(values, layout, shape) -> None:
    s = coerce_stack(values)
    check_snapshot(s)
    assert s.layout == layout and s.f32.shape == shape and not s.padded
    np.testing.assert_array_equal(s.f32.ravel(), np.asarray(values, dtype=np.float32).ravel())


def test_list_of_arrays_of_different_shapes_is_padded() -> None:
    a, b = np.arange(12.0).reshape(3, 4), -np.arange(1.0, 11.0).reshape(5, 2)
    a[1, 1] = np.nan  # a NaN value, which is not padding
    s = coerce_stack((a, b, [[7.0]]))
    check_snapshot(s)
    assert s.layout == (3,) and s.f32.shape == (3, 5, 4) and s.padded
    assert s.shapes == ((3, 4), (5, 2), (1, 1))
    mask = s.padding()
    assert mask.shape == (3, 5, 4) and mask.dtype == bool
    assert not mask[0, :3, :4].any() and mask[0, 3:].all() and not mask[0, 1, 1]
    assert not mask[1, :, :2].any() and mask[1, :, 2:].all()
    assert mask[2].sum() == 19 and not mask[2, 0, 0]
    assert np.isnan(s.f32[mask]).all()
    np.testing.assert_array_equal(s.f32[0, :3, :4], a)
    np.testing.assert_array_equal(s.f32[1, :, :2], b)
    assert s.data_range == (-10.0, 11.0) and s.exact is None


def test_padded_exact_keeps_each_panels_originals() -> None:
    a, b = np.full((2, 3), 0.1), np.full((1, 1), 1 / 3)
    s = coerce_stack([a, b])
    assert s.approximate and s.exact is not None
    np.testing.assert_array_equal(s.exact[0, :2, :3], a)
    assert s.exact[1, 0, 0] == 1 / 3 and np.isnan(s.exact[s.padding()]).all()
    assert s.data_range == (0.1, 1 / 3)  # from the originals


def test_one_approximate_panel_keeps_exact_for_all() -> None:
    s = coerce_stack([np.array([[0.5, 1.0]]), np.array([[0.1, 2.0]])])
    assert s.approximate
    np.testing.assert_array_equal(s.exact, [[[0.5, 1.0]], [[0.1, 2.0]]])


def test_too_big_for_exact_keeps_float32_and_its_range(monkeypatch) -> None:
    monkeypatch.setattr(_data, "MAX_EXACT_CELLS", 10)
    s = coerce_stack(np.full((2, 2, 3), 0.1))
    assert s.approximate and s.exact is None
    assert s.data_range == (float(np.float32(0.1)),) * 2


def test_dataframe_gives_names_only_when_2d() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([[0.1, 0.2], [0.3, 0.4]], index=["the", "cat"], columns=["a", 1])
    s = coerce_stack(df)
    assert s.layout == () and s.row_names == ["the", "cat"] and s.col_names == ["a", "1"]
    s = coerce_stack([df, df.iloc[:1]])
    assert s.layout == (2,) and s.shapes == ((2, 2), (1, 2)) and s.row_names is None


@pytest.mark.parametrize(
    ("dtype", "approximate"),
    [(np.float16, False), (np.int32, False), (np.uint8, False), (np.bool_, False)],
)
def test_dtypes_float32_holds(dtype, approximate) -> None:
    s = coerce_stack(np.ones((2, 2, 3), dtype=dtype))
    assert s.approximate is approximate and s.exact is None and s.dtype == dtype
    assert (s.f32 == 1).all()


def test_big_integers_keep_exact_originals() -> None:
    a = np.array([[[2**24 + 1, 0]], [[1, -(2**30) - 1]]], dtype=np.int64)
    s = coerce_stack(a)
    assert s.approximate and s.dtype == np.int64
    np.testing.assert_array_equal(s.exact, a)
    assert s.data_range == (-(2**30) - 1, 2**24 + 1)


def test_torch_like_tensors_are_read_through_numpy() -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    s = coerce_stack(FakeTensor(a))
    assert s.layout == (2,)
    np.testing.assert_array_equal(s.f32, a)
    s = coerce_stack([FakeTensor(a[0]), FakeTensor(a[1, :2])])
    assert s.shapes == ((3, 4), (2, 4))
    s = coerce_stack(FakeTensor(a, bfloat16=True))  # no numpy dtype: read as float32
    np.testing.assert_array_equal(s.f32, a)


def test_masked_cells_and_none_become_nan() -> None:
    m = np.ma.masked_array(np.ones((2, 1, 2)), mask=[[[False, True]], [[True, True]]])
    s = coerce_stack(m)
    assert np.isnan(s.f32[0, 0, 1]) and s.f32[0, 0, 0] == 1 and np.isnan(s.f32[1]).all()
    s = coerce_stack([[[1.0, None]], [[None, None]]])
    assert s.dtype == np.float64 and s.data_range == (1.0, 1.0)
    assert coerce_stack(np.full((2, 2, 2), np.nan)).data_range is None


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("values", "match"),
    [
        (
            np.zeros((1, 2, 3, 4, 5)),
            r"values must be 2-D \(rows, cols\), 3-D \(panels, rows, "
            r"cols\) or 4-D \(grid_rows, grid_cols, rows, cols\), got 5-D array of shape "
            r"\(1, 2, 3, 4, 5\)",
        ),
        (np.float64(3.0), r"must be 2-D .*got 0-D array of shape \(\); .*reshape"),
        ([1.0, 2.0], r"must be 2-D .*got 1-D array of shape \(2,\)"),
        ([np.float32(1)], r"must be 2-D .*got 1-D array"),
        ([], "values must hold at least one panel, got an empty list"),
        (np.zeros((0, 3, 4)), r"values must not be empty, got a 3-D array of shape \(0, 3, 4\)"),
        (np.zeros((2, 0, 4)), r"values must not be empty, .*shape \(2, 0, 4\).*one row"),
        (np.zeros((1, 1, 3, 0)), r"must not be empty, got a 4-D array of shape \(1, 1, 3, 0\)"),
        ([np.ones((2, 2)), np.ones((0, 3))], r"values\[1\] must not be empty, got shape \(0, 3\)"),
        (
            [np.ones((2, 2)), np.ones(3)],
            r"values\[1\] must be a 2-D panel \(rows, cols\) .*got a 1-D array of shape \(3,\)",
        ),
        ([np.ones((2, 2)), np.ones((1, 2, 2))], r"values\[1\] must be a 2-D panel .*3-D"),
        (
            [np.ones((2, 2, 2)), np.ones((3, 2, 2))],
            r"values\[0\] has shape \(2, 2, 2\) but values\[1\] has shape \(3, 2, 2\); "
            "only 2-D panels may differ",
        ),
        ([[1, 2], [3, 4, 5]], r"rectangular .*values\[1\] has 3 items where values\[0\] has 2"),
        ([[[1, 2], [3, 4]], [[1, 2, 3]]], r"values\[1\] has 1 items where values\[0\] has 2"),
        ([[[1, 2]], [[1, 2, 3]]], r"values\[1\]\[0\] has 3 items where values\[0\]\[0\] has 2"),
        ([[1, 2], [3, [4]]], r"values\[1\]\[1\] has 1 items where values\[0\]\[0\] is a number"),
        (
            [[[1, 2]], [[1, 2]], [3]],
            r"values\[2\]\[0\] is a number where values\[0\]\[0\] has 2",
        ),
    ],
)
def test_shape_errors(values, match) -> None:
    with pytest.raises(ValueError, match=match):
        coerce_stack(values)


@pytest.mark.parametrize(
    ("panels", "match"),
    [
        (
            [np.ones((2, 2), np.float32), np.ones((3, 3))],
            r"values\[0\] is float32 and values\[1\] is float64; convert them to one dtype",
        ),
        (
            [np.ones((2, 2)), np.ones((2, 2)), np.ones((1, 2), np.int64)],
            r"values\[0\] is float64 and values\[2\] is int64; convert",
        ),
        ([np.ones((2, 3), np.float32)] * 2 + [np.ones((2, 3), np.float16)], r"values\[2\]"),
        ([np.ones((2, 2, 2), np.float32), np.ones((2, 2, 2))], "one dtype for all its panels"),
    ],
)
def test_panels_of_different_dtypes_are_refused(panels, match) -> None:
    with pytest.raises(TypeError, match=match):
        coerce_stack(panels)


def test_panels_must_each_be_valid_and_errors_name_the_panel() -> None:
    a = np.zeros((2, 3, 4))
    a[1, 2, 3] = np.inf
    with pytest.raises(
        ValueError,
        match=r"values\[1\] must be finite or NaN .*got inf at row "
        r"2, column 3 \(1 such cell\(s\) in this panel\)",
    ):
        coerce_stack(a)
    g = np.zeros((2, 2, 1, 2))
    g[1, 0, 0, 1] = 1e39
    with pytest.raises(
        ValueError,
        match=r"values\[1\]\[0\] must fit in float32.* row 0, column 1",
    ):
        coerce_stack(g)
    with pytest.raises(ValueError, match=r"attn\[1\] must be finite"):
        coerce_stack([np.zeros((1, 1)), np.full((2, 2), -np.inf)], name="attn")
    with pytest.raises(ValueError, match=r"^values must be finite or NaN .* in all\)"):
        coerce_stack(np.array([[np.nan, np.inf]]))


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [
        (np.ones((2, 2, 2), complex), TypeError, "^values must be real numbers, got complex"),
        (np.array([[["a"]]]), TypeError, r"^values must be real numbers, got an array of dtype"),
        ([[["a", 1.0]]], TypeError, r"^values must be real numbers"),
        (
            [np.array([[1.0]], dtype=object), np.array([["x"]], dtype=object)],
            TypeError,
            r"^values\[1\] must contain real numbers",
        ),
        (None, TypeError, "values must be an array-like of real numbers, got None"),
        ("abc", TypeError, "values must be an array-like of real numbers, got str 'abc'"),
        ({"a": 1}, TypeError, "got dict"),
        ([np.ones((1, 1)), None], TypeError, r"values\[1\] must be an array-like .*got None"),
    ],
)
def test_type_errors(values, error, match) -> None:
    with pytest.raises(error, match=match):
        coerce_stack(values)


def test_argument_is_named_as_given() -> None:
    with pytest.raises(ValueError, match=r"^attributions must be 2-D \(rows, cols\), 3-D"):
        coerce_stack(np.ones(4), name="attributions")
    with pytest.raises(TypeError, match=r"^attributions must be real numbers, got complex"):
        coerce_stack(np.ones((2, 2), complex), name="attributions")


def test_dataframe_cannot_hold_panels() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [[1.0, 2.0], [3.0, 4.0]]})
    with pytest.raises(
        TypeError,
        match=r"values is a DataFrame whose cells hold sequences; a "
        r"DataFrame is one 2-D panel: pass a 3-D array \(panels, rows, cols\)",
    ):
        coerce_stack(df)
    with pytest.raises(ValueError, match="got 1-D array"):
        coerce_stack(pd.Series([1.0, 2.0]))


def test_too_many_cells(monkeypatch) -> None:
    monkeypatch.setattr(_data, "MAX_CELLS", 100)
    coerce_stack(np.zeros((4, 5, 5)))
    with pytest.raises(ValueError, match=r"^values has 3 panels of 6 x 6 = 108 cells"):
        coerce_stack(np.zeros((3, 6, 6)))
    with pytest.raises(
        ValueError,
        match=r"values has 2 panels of 10 x 6 = 120 cells \(after padding\), more than the 100",
    ):
        coerce_stack([np.zeros((10, 1)), np.zeros((1, 6))])
    with pytest.raises(ValueError, match=r"values has 6 panels of 3 x 6 = 108 cells"):
        coerce_stack(np.zeros((2, 3, 3, 6)))
    with pytest.raises(ValueError, match=r"values has 11 x 10 = 110 cells, more than the 100"):
        coerce_stack(np.zeros((11, 10)))


# --------------------------------------------------------------------------- labels


def test_panel_labels_defaults_and_forms() -> None:
    assert coerce_panel_labels(None, ()) == [] and coerce_panel_labels([], ()) == []
    assert coerce_panel_labels(None, (3,)) == ["0", "1", "2"]
    assert coerce_panel_labels(None, (2, 3)) == (["0", "1"], ["0", "1", "2"])
    assert coerce_panel_labels(np.array(["a", "b"]), (2,)) == ["a", "b"]
    assert coerce_panel_labels(("x", 1.5), (2,)) == ["x", "1.5"]
    labels = coerce_panel_labels([np.array(["L0", "L1"]), ["h0", "h1", "h2"]], (2, 3))
    assert labels == (["L0", "L1"], ["h0", "h1", "h2"])


@pytest.mark.parametrize(
    ("labels", "layout", "error", "match"),
    [
        (["a"], (), ValueError, r"panel_labels must be None for a single heatmap"),
        (["a", "b"], (3,), ValueError, "panel_labels has 2 entries but values has 3 panels"),
        ("ab", (2,), TypeError, "panel_labels must be a sequence of strings, one per panel"),
        (["a", None], (2,), TypeError, r"panel_labels\[1\] must be a string, got NoneType"),
        (["a", "\ud800"], (2,), ValueError, r"panel_labels\[1\] contains a lone surrogate"),
        (
            ["a", "b", "c"],
            (1, 3),
            ValueError,
            r"panel_labels for a 1x3 grid of panels must be "
            r"a pair \(grid_row_labels, grid_col_labels\) of 1 and 3 strings",
        ),
        (["a", "b"], (1, 2), ValueError, "must be a pair"),
        (5, (1, 2), TypeError, "must be a pair .*got int 5"),
        (
            (["a"], ["x", "y"]),
            (2, 2),
            ValueError,
            r"panel_labels\[0\] has 1 entries but values has 2 grid rows",
        ),
        (
            (["a", "b"], ["x"]),
            (2, 2),
            ValueError,
            r"panel_labels\[1\] has 1 entries but values has 2 grid columns",
        ),
        ((["a", "b"], [b"x", "y"]), (2, 2), TypeError, r"panel_labels\[1\]\[0\] must be a str"),
    ],
)
def test_panel_label_errors(labels, layout, error, match) -> None:
    with pytest.raises(error, match=match):
        coerce_panel_labels(labels, layout)


def test_panel_labels_name_the_argument() -> None:
    with pytest.raises(ValueError, match="titles has 1 entries but values has 2 panels"):
        coerce_panel_labels(["a"], (2,), name="titles")


# --------------------------------------------------------------------- normalisation


def test_coerce_normalize() -> None:
    for mode in NORMALIZE_MODES:
        assert coerce_normalize(mode) == mode
    with pytest.raises(
        ValueError,
        match=r"normalize must be None, 'row', 'column' or 'panel', "
        r"got 'rows'; did you mean 'row'\?",
    ):
        coerce_normalize("rows")
    with pytest.raises(ValueError, match=r"got 'max'$"):
        coerce_normalize("max")
    for bad in (True, 1, 0.0, ["row"]):
        with pytest.raises(TypeError, match=r"normalize must be None, 'row', .*got"):
            coerce_normalize(bad)


def test_divisors_shapes_and_units() -> None:
    x = np.array(
        [[[1, -4, np.nan], [0, 0, 0]], [[np.nan, np.nan, np.nan], [2, 0.5, -3]]], np.float32
    )
    np.testing.assert_array_equal(divisors(x, "row"), [[[4], [1]], [[1], [3]]])
    np.testing.assert_array_equal(divisors(x, "column"), [[[1, 4, 1]], [[2, 0.5, 3]]])
    np.testing.assert_array_equal(divisors(x, "panel"), [[[4]], [[3]]])
    assert divisors(x, None).shape == (1, 1, 1)
    for mode in NORMALIZE_MODES:
        assert divisors(x, mode).dtype == np.float32
    table = norm_table(x)
    assert table.dtype == np.float32 and table.shape == (2 * 2 + 2 * 3 + 2,)
    np.testing.assert_array_equal(table, [4, 1, 1, 3, 1, 4, 1, 2, 0.5, 3, 4, 3])
    out = normalized(x, "row")
    np.testing.assert_array_equal(out[0, 0], [0.25, -1, np.nan])
    np.testing.assert_array_equal(out[0, 1], [0, 0, 0])
    assert np.isnan(out[1, 0]).all()
    assert normalized_range(x, "row") == (-1.0, float(np.float32(2) / np.float32(3)))
    assert normalized_range(x, "column") == (-1.0, 1.0)
    assert normalized_range(x, None) == (-4.0, 2.0)
    assert normalized_range(np.full((1, 2, 2), np.nan, np.float32), "panel") is None
    with pytest.raises(TypeError, match=r"f32_stack must be a 3-D float32 array .*got 2-D"):
        normalized(np.ones((2, 2), np.float32), "row")
    with pytest.raises(ValueError, match="normalize must be"):
        divisors(x, "col")


def test_extremes_of_float32() -> None:
    x = np.array([[[F32_MAX, -F32_MAX, F32_TINY], [F32_TINY, -F32_TINY, 0]]], np.float32)
    out = normalized(x, "row")
    np.testing.assert_array_equal(out[0, 0, :2], [1, -1])
    assert out[0, 0, 2] == 0 and not np.signbit(out[0, 0, 2])  # underflows, sign kept
    np.testing.assert_array_equal(out[0, 1], [1, -1, 0])  # subnormals divide exactly
    assert np.signbit(normalized(np.array([[[-F32_TINY, -F32_MAX]]], np.float32), "row"))[0, 0, 0]


finite32 = st.floats(width=32, allow_nan=False, allow_infinity=False)
cells = st.one_of(
    finite32,
    st.just(np.nan),
    st.sampled_from([0.0, -0.0, F32_MAX, -F32_MAX, F32_TINY, -F32_TINY, 1.0, -1.0]),
)
stacks = hnp.arrays(
    np.float32, hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=5), elements=cells
)
modes = st.sampled_from(["row", "column", "panel"])


def unit_max(a: np.ndarray, mode: str) -> np.ndarray:
    axes = {"row": (2,), "column": (1,), "panel": (1, 2)}[mode]
    return np.fmax.reduce(np.abs(a), axis=axes, keepdims=True)


@settings(max_examples=300, deadline=None)
@given(stacks, modes)
def test_normalisation_properties(x: np.ndarray, mode: str) -> None:
    out = normalized(x, mode)
    assert out.dtype == np.float32 and out.shape == x.shape
    d = divisors(x, mode)
    nan = np.isnan(x)
    np.testing.assert_array_equal(np.isnan(out), nan)  # NaN stays NaN, nothing else is
    assert (out[x == 0] == 0).all()  # zeros stay zero
    assert (np.abs(out[~nan]) <= 1).all()  # within [-1, 1]
    assert (np.signbit(out) == np.signbit(x))[~nan].all()  # sign kept cell by cell
    # non-zero stays non-zero unless the exact quotient rounds to 0 in float32
    quotient = np.abs(x.astype(np.float64)) / np.broadcast_to(d, x.shape)
    assert ((out != 0) | (x == 0) | nan | (quotient <= 2.0**-150)).all()
    # a unit with a non-zero value has max |v| exactly 1; the others are unchanged
    before, after = unit_max(x, mode), unit_max(out, mode)
    live = before > 0
    assert (after[live] == 1).all()
    still = np.broadcast_to(~live, x.shape)
    np.testing.assert_array_equal(out[still], x[still])
    # the browser: Math.fround(v / d) on the same float32 numbers, in double
    js = (x.astype(np.float64) / np.broadcast_to(d, x.shape).astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(out, js)
    np.testing.assert_array_equal(normalized(out, mode), out)  # idempotent
    expected = None if nan.all() else (float(np.nanmin(out)), float(np.nanmax(out)))
    assert normalized_range(x, mode) == expected


@settings(max_examples=200, deadline=None)
@given(stacks, modes, st.data())
def test_normalisation_ignores_power_of_two_scale(x: np.ndarray, mode: str, data) -> None:
    shape = divisors(x, mode).shape
    k = data.draw(hnp.arrays(np.int32, shape, elements=st.integers(-40, 40)))
    scale = np.ldexp(np.float64(1), k)
    with np.errstate(over="ignore", under="ignore"):
        scaled = (x * scale).astype(np.float32)
        back = scaled.astype(np.float64) / scale
    assume(np.array_equal(back, x, equal_nan=True))  # the scaling was exact in float32
    np.testing.assert_array_equal(normalized(scaled, mode), normalized(x, mode))


@settings(deadline=None)
@given(stacks)
def test_mode_none_is_identity_and_table_matches(x: np.ndarray) -> None:
    np.testing.assert_array_equal(normalized(x, None), x)
    assert normalized_range(x, None) == (
        None if np.isnan(x).all() else (float(np.nanmin(x)), float(np.nanmax(x)))
    )
    p, r, c = x.shape
    table = norm_table(x)
    assert table.shape == (p * r + p * c + p,)
    np.testing.assert_array_equal(table[: p * r], divisors(x, "row").ravel())
    np.testing.assert_array_equal(table[p * r : p * r + p * c], divisors(x, "column").ravel())
    np.testing.assert_array_equal(table[p * r + p * c :], divisors(x, "panel").ravel())
    assert (table > 0).all() and np.isfinite(table).all()


# ------------------------------------------------------------------ focus, selection


def test_focus() -> None:
    assert coerce_focus(None, ()) is None and coerce_focus(None, (3,)) is None
    assert coerce_focus(2, (3,)) == 2 and type(coerce_focus(np.int64(1), (3,))) is int
    assert coerce_focus([1, 2], (2, 3)) == (1, 2) and coerce_focus((0, 0), (1, 1)) == (0, 0)
    assert coerce_focus((np.int8(1), 0), (2, 3)) == (1, 0)


@pytest.mark.parametrize(
    ("focus", "layout", "error", "match"),
    [
        (0, (), ValueError, "focus must be None for a single heatmap .* got 0"),
        (3, (3,), ValueError, r"focus \(a panel of 3\) must be in 0..2, got 3"),
        (-1, (3,), ValueError, r"must be in 0..2, got -1"),
        (True, (3,), TypeError, r"focus \(a panel of 3\) must be an integer in 0..2, got True"),
        (1.0, (3,), TypeError, "must be an integer"),
        ((0, 1), (3,), TypeError, "must be an integer"),
        (
            1,
            (2, 3),
            TypeError,
            r"focus must be a pair \(grid_row, grid_col\) with grid_row in "
            r"0..1 and grid_col in 0..2, got 1",
        ),
        ((0, 1, 2), (2, 3), ValueError, "must be a pair"),
        ((2, 0), (2, 3), ValueError, r"focus\[0\] \(grid row\) must be in 0..1, got 2"),
        ((0, 3), (2, 3), ValueError, r"focus\[1\] \(grid column\) must be in 0..2, got 3"),
        ((0, False), (2, 3), TypeError, r"focus\[1\] \(grid column\) must be an integer"),
    ],
)
def test_focus_errors(focus, layout, error, match) -> None:
    with pytest.raises(error, match=match):
        coerce_focus(focus, layout)


def test_selection() -> None:
    assert coerce_selection(None, (3,), 2, 2) is None
    assert coerce_selection({"row": 1, "col": np.int16(0)}, (), 2, 2) == {"row": 1, "col": 0}
    assert coerce_selection({"col": 1}, (), 2, 2) == {"col": 1}
    assert coerce_selection({"row": 1, "panel": 2}, (3,), 2, 2) == {"panel": 2, "row": 1}
    sel = coerce_selection({"panel": [1, 0], "col": 1}, (2, 2), 2, 2)
    assert sel == {"panel": (1, 0), "col": 1}
    # one panel: "panel" may be left out and is filled in
    assert coerce_selection({"row": 0}, (1,), 2, 2) == {"panel": 0, "row": 0}
    assert coerce_selection({"row": 0}, (1, 1), 2, 2) == {"panel": (0, 0), "row": 0}


@pytest.mark.parametrize(
    ("sel", "layout", "error", "match"),
    [
        (
            [1, 2],
            (),
            TypeError,
            r'selection must be None, \{"row": i, "col": j\}, \{"row": i\} '
            r'or \{"col": j\}, got list',
        ),
        ({}, (), ValueError, r"got keys \[\]"),
        ({"row": 0, "x": 1}, (3,), ValueError, r"got keys \['row', 'x'\]"),
        ({"row": 0, "panel": 0}, (), ValueError, r"got keys \['panel', 'row'\]"),
        ({"panel": 0}, (3,), ValueError, r'with "panel": p, got keys \[\'panel\'\]'),
        ({"row": 0}, (3,), ValueError, r'"panel" is needed when there are 3 panels'),
        (
            {"row": 0},
            (2, 2),
            ValueError,
            r'with "panel": \(i, j\): "panel" is needed when there are 4 panels',
        ),
        (
            {"row": 0, "panel": 3},
            (3,),
            ValueError,
            r"selection\['panel'\] \(a panel of 3\) must be in 0..2, got 3",
        ),
        ({"row": 0, "panel": 1}, (2, 2), TypeError, r"selection\['panel'\] must be a pair"),
        (
            {"row": 0, "panel": (0, 2)},
            (2, 2),
            ValueError,
            r"selection\['panel'\]\[1\] \(grid column\) must be in 0..1, got 2",
        ),
        ({"row": 2, "panel": 0}, (3,), ValueError, r"selection\['row'\] must be in 0..1, got 2"),
        ({"col": 5}, (), ValueError, r"selection\['col'\] must be in 0..3, got 5"),
        ({"col": True}, (), TypeError, r"selection\['col'\] must be an integer"),
        ({"row": "1"}, (), TypeError, r"selection\['row'\] must be an integer"),
    ],
)
def test_selection_errors(sel, layout, error, match) -> None:
    with pytest.raises(error, match=match):
        coerce_selection(sel, layout, 2, 4)
