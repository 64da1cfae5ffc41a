"""The Heatmap API: construction, defaults, validation, atomic updates, sync state."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from tokenheat import Heatmap, colormaps, export


def f32(w: Heatmap) -> np.ndarray:
    return np.frombuffer(w._values, dtype="<f4").reshape(w._shape)


# --------------------------------------------------------------------------- construction
def test_reference_figure(reference: dict, make_reference) -> None:
    w = make_reference()
    assert w.shape == (9, 5)
    assert w.row_labels == reference["row_labels"]
    assert w.column_labels == reference["columns"]
    assert (w.vmin, w.vmax, w.center, w.cmap) == (-1.5, 1.5, 0.0, "RdYlGn")
    assert w._tokens[:5] == ["9", "7", "4", "9", "6"]
    assert w._data_range == [-0.0987, 0.1044]
    np.testing.assert_allclose(f32(w), reference["values"], rtol=1e-6)
    # Rounded decimals are not float32-exact: the tooltip gets the float64 values too,
    # once the browser asks for them (after its first paint).
    assert w._exact_available
    assert len(w._exact) == 0
    w._handle_request(w, {"type": "exact"}, [])
    exact = np.frombuffer(w._exact, dtype="<f8").reshape(9, 5)
    np.testing.assert_array_equal(exact, np.array(reference["values"]))
    assert bytes(w._luts["RdYlGn"]) == colormaps.get_lut("RdYlGn").tobytes()


def test_defaults_are_indices_and_symmetric_range() -> None:
    w = Heatmap(np.array([[0.5, -2.0], [1.0, 0.0], [0.0, 0.0]]))
    assert w.row_labels == ["0", "1", "2"]
    assert w.column_labels == ["0", "1"]
    assert (w.vmin, w.vmax) == (-2.0, 2.0)
    assert w.tokens is None and w._tokens == []


def test_default_range_is_symmetric_about_center() -> None:
    w = Heatmap([[1.0, 3.0]], center=2.5)
    assert (w.vmin, w.vmax) == (1.0, 4.0)
    w = Heatmap([[1.0, 3.0]], center=None)
    assert (w.vmin, w.vmax) == (1.0, 3.0)


def test_one_sided_limit_takes_the_other_from_the_data() -> None:
    w = Heatmap([[0.2, -0.4]], vmax=1.0)
    assert (w.vmin, w.vmax) == (-0.4, 1.0)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.zeros((2, 2)), (-1.0, 1.0)),
        (np.full((2, 2), np.nan), (-1.0, 1.0)),
    ],
)
def test_degenerate_data_still_has_a_valid_range(values, expected) -> None:
    w = Heatmap(values)
    assert (w.vmin, w.vmax) == expected
    assert w.vmin < w.vmax


def test_nested_lists_ints_bools_and_float32() -> None:
    assert Heatmap([[1, 2], [3, 4]]).values.dtype.kind == "i"
    w = Heatmap(np.array([[True, False]]))
    np.testing.assert_array_equal(f32(w), [[1.0, 0.0]])
    w = Heatmap(np.array([[0.1]], dtype=np.float32))
    assert not w._exact_available  # float32 input is already exact


def test_float64_exact_buffer_only_when_needed() -> None:
    w = Heatmap(np.array([[0.5, 0.25]]))
    w.send_exact()
    assert w._exact == b""
    assert not w._exact_available
    w = Heatmap(np.array([[0.1234567890123, np.nan]]))
    assert w._exact_available
    w.send_exact()
    exact = np.frombuffer(w._exact, dtype="<f8")
    assert exact[0] == 0.1234567890123 and np.isnan(exact[1])


def test_exact_values_are_resent_on_request_after_a_new_matrix() -> None:
    w = Heatmap(np.array([[0.1, 0.2]]))
    w.send_exact()
    w.values = np.array([[0.3, 0.7]])
    assert len(w._exact) == 0  # the old originals are dropped at once
    w._handle_request(w, {"type": "exact"}, [])
    np.testing.assert_array_equal(np.frombuffer(w._exact, dtype="<f8"), [0.3, 0.7])
    w._handle_request(w, {"type": "something else"}, [])  # ignored


def test_values_is_a_read_only_snapshot() -> None:
    data = np.arange(6.0).reshape(2, 3)
    w = Heatmap(data)
    assert not np.shares_memory(w.values, data)
    with pytest.raises(ValueError, match="read-only"):
        w.values[0, 0] = 5


def test_binary_buffer_is_c_contiguous_float32_for_views() -> None:
    data = np.arange(12.0).reshape(3, 4)
    w = Heatmap(data.T[::2])  # non-contiguous
    np.testing.assert_array_equal(f32(w), data.T[::2])


def test_pandas_dataframe_labels() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([[0.1, 0.2], [0.3, 0.4]], index=["the", "cat"], columns=["ex1", "ex2"])
    w = Heatmap(df)
    assert w.row_labels == ["the", "cat"]
    assert w.column_labels == ["ex1", "ex2"]
    w = Heatmap(df, row_labels=["a", "b"])
    assert w.row_labels == ["a", "b"]


def test_objects_with_array_protocol() -> None:
    class Tensorish:
        def __array__(self, dtype=None, copy=None):
            return np.array([[1.0, -1.0]])

    assert Heatmap(Tensorish()).shape == (1, 2)


def test_masked_array_becomes_nan() -> None:
    m = np.ma.masked_array([[1.0, 2.0]], mask=[[False, True]])
    w = Heatmap(m)
    assert np.isnan(w.values[0, 1]) and w.values[0, 0] == 1.0


def test_showing_a_matrix_imports_none_of_the_libraries_it_recognises() -> None:
    # inputs are recognised without importing their libraries (xarray, torch, the
    # attribution libraries); numpy 2 loads numpy.ma on first use (16 ms, on the way to a
    # first heatmap's screen), and masked arrays are recognised without it (test above)
    code = (
        "import sys, numpy as np, tokenheat\n"
        "w = tokenheat.Heatmap(np.arange(12.0).reshape(3, 4))\n"
        "w._repr_mimebundle_()\n"
        "names = ('xarray', 'torch', 'inseq', 'captum', 'transformers', 'transformer_lens',\n"
        "         'numpy.ma')\n"
        "print(sorted(n for n in names if n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_labels_accept_numbers_and_arrays() -> None:
    w = Heatmap(np.zeros((2, 2)), row_labels=np.array([10, 20]), column_labels=("a", 1.5))
    assert w.row_labels == ["10", "20"]
    assert w.column_labels == ["a", "1.5"]


def test_tokens_none_cells_are_empty() -> None:
    w = Heatmap(np.zeros((1, 2)), tokens=[["a", None]])
    assert w._tokens == ["a", ""]


# --------------------------------------------------------------------------- bad input
BAD_VALUES = [
    (None, TypeError, "got None"),
    ("abc", TypeError, "got str"),
    (np.zeros(3), ValueError, r"must be 2-D .* got 1-D"),
    (np.zeros((2, 2, 2, 2, 2)), ValueError, "got 5-D"),
    (np.zeros((0, 3)), ValueError, "must not be empty"),
    ([[1, 2], [3]], ValueError, "rectangular"),
    ([["a", "b"]], TypeError, "dtype <U1"),
    ([[1, None]], None, None),  # None in an object array becomes NaN
    ([[object()]], TypeError, "not numbers"),
    (np.array([[1 + 2j]]), TypeError, "complex"),
    (np.array([[1.0, np.inf]]), ValueError, r"finite or NaN .*: got inf at row 0, column 1"),
    (np.array([[-np.inf]]), ValueError, "got -inf"),
    (np.array([[1e300]]), ValueError, "fit in float32"),
]


@pytest.mark.parametrize(("bad", "exc", "match"), BAD_VALUES)
def test_bad_values_are_rejected_clearly(bad, exc, match) -> None:
    if exc is None:
        assert np.isnan(Heatmap(bad).values[0, 1])
        return
    with pytest.raises(exc, match=match):
        Heatmap(bad)
    w = Heatmap(np.ones((2, 2)))
    with pytest.raises(exc, match=match):
        w.values = bad
    np.testing.assert_array_equal(w.values, np.ones((2, 2)))  # still the old state
    assert w._shape == [2, 2]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"row_labels": ["a"]}, ValueError, "values has 2 rows but row_labels has 1 entries"),
        (
            {"column_labels": ["a", "b", "c"]},
            ValueError,
            "2 columns but column_labels has 3 entries",
        ),
        ({"row_labels": "ab"}, TypeError, "got a single string"),
        ({"row_labels": ["a", None]}, TypeError, r"row_labels\[1\] must be a string"),
        ({"row_labels": 5}, TypeError, "sequence of strings"),
        ({"tokens": [["a", "b"]]}, ValueError, r"shape \(2, 2\) but tokens has shape \(1, 2\)"),
        ({"tokens": ["a", "b"]}, ValueError, "got 1-D"),
        ({"tokens": [["a", 1], ["b", "c"]]}, TypeError, r"tokens\[0\]\[1\] must be a string"),
        ({"cmap": "nope"}, ValueError, "'nope' is not a known colour map"),
        ({"vmin": float("nan")}, ValueError, "vmin must be a finite number"),
        ({"vmax": float("inf")}, ValueError, "vmax must be a finite number"),
        ({"vmin": "1"}, TypeError, "vmin must be a real number"),
        ({"vmin": 1.0, "vmax": 1.0}, ValueError, "vmin must be less than vmax"),
        ({"vmin": 2.0, "vmax": 1.0}, ValueError, r"vmin=2.0 and vmax=1.0"),
        ({"center": float("nan")}, ValueError, "center must be a finite number"),
        ({"nan_color": "grey"}, ValueError, "nan_color must be a hex colour"),
    ],
)
def test_bad_settings_are_rejected_clearly(kwargs, exc, match) -> None:
    with pytest.raises(exc, match=match):
        Heatmap(np.zeros((2, 2)), **kwargs)


def test_unknown_keyword_is_rejected() -> None:
    with pytest.raises(TypeError, match="colour_map"):
        Heatmap(np.zeros((2, 2)), colour_map="RdBu")
    with pytest.raises(TypeError, match="unknown setting"):
        Heatmap(np.zeros((2, 2))).update(colour_map="RdBu")


def test_rejected_assignment_leaves_previous_state() -> None:
    w = Heatmap(np.zeros((2, 2)), vmin=-1, vmax=1, cmap="RdBu")
    for name, value in [("vmin", 5), ("vmax", -5), ("cmap", "bad"), ("row_labels", ["x"])]:
        with pytest.raises(ValueError):  # noqa: PT011 - the message is checked elsewhere
            setattr(w, name, value)
    assert (w.vmin, w.vmax, w.cmap, w.row_labels) == (-1, 1, "RdBu", ["0", "1"])
    assert w.color_range == (-1, 1)


def test_update_is_all_or_nothing() -> None:
    w = Heatmap(np.zeros((2, 2)), row_labels=["a", "b"], vmin=-1, vmax=1)
    with pytest.raises(ValueError, match="vmin must be less than vmax"):
        w.update(values=np.ones((3, 2)), row_labels=["a", "b", "c"], vmin=3, vmax=2)
    assert w.shape == (2, 2) and w._shape == [2, 2]
    assert w.row_labels == ["a", "b"]
    assert (w.vmin, w.vmax) == (-1, 1)


# --------------------------------------------------------------------------- assignment
def test_assigning_values_of_new_shape_with_default_labels() -> None:
    w = Heatmap(np.zeros((2, 2)))
    w.values = np.ones((3, 4))
    assert w._shape == [3, 4]
    assert w.row_labels == ["0", "1", "2"]
    assert len(w.column_labels) == 4
    assert f32(w).shape == (3, 4)


def test_new_shape_with_custom_labels_needs_update() -> None:
    w = Heatmap(np.zeros((2, 2)), row_labels=["a", "b"])
    with pytest.raises(ValueError, match=r"together: w.update\(values=..., row_labels=...\)"):
        w.values = np.zeros((3, 2))
    w.update(values=np.zeros((3, 2)), row_labels=["a", "b", "c"])
    assert w.row_labels == ["a", "b", "c"]


def test_new_shape_with_tokens_needs_update() -> None:
    w = Heatmap(np.zeros((1, 2)), tokens=[["a", "b"]])
    with pytest.raises(ValueError, match="tokens has shape"):
        w.values = np.zeros((1, 3))
    w.update(values=np.zeros((1, 3)), tokens=[["a", "b", "c"]])
    assert w._tokens == ["a", "b", "c"]
    w.tokens = None
    assert w._tokens == []


def test_default_range_follows_new_values_but_explicit_range_stays() -> None:
    w = Heatmap(np.array([[1.0, -1.0]]))
    w.values = np.array([[3.0, 0.0]])
    assert (w.vmin, w.vmax) == (-3.0, 3.0)
    w.vmax = 10.0
    w.values = np.array([[5.0, 0.0]])
    assert (w.vmin, w.vmax) == (-5.0, 10.0)  # vmin still automatic, vmax kept
    w.vmax = None
    assert w.vmax == 5.0


def test_center_change_moves_default_range() -> None:
    w = Heatmap(np.array([[1.0, 3.0]]))
    assert (w.vmin, w.vmax) == (-3.0, 3.0)
    w.center = 2.0
    assert (w.vmin, w.vmax) == (1.0, 3.0)
    w.center = None
    assert (w.vmin, w.vmax) == (1.0, 3.0)


def test_set_range_changes_both_at_once() -> None:
    w = Heatmap(np.zeros((2, 2)))
    w.set_range(5, 6)
    assert (w.vmin, w.vmax) == (5, 6)
    w.set_range(None, None)
    assert (w.vmin, w.vmax) == (-1, 1)


def test_settings_changes_do_not_resend_the_matrix() -> None:
    w = Heatmap(np.random.default_rng(0).normal(size=(20, 30)))
    sent: list = []
    # ipywidgets reuses (and clears) the set of held keys: keep a copy.
    w.send_state = lambda key=None: sent.append(set(key or ()))  # type: ignore[method-assign]
    w.vmin = -5
    w.cmap = "viridis"
    w.center = None
    w.title = "x"
    keys = set().union(*sent)
    assert "_values" not in keys and "_exact" not in keys and "_shape" not in keys
    assert {"vmin", "color_range", "cmap", "center", "title"} <= keys


def test_nan_color_is_normalised() -> None:
    w = Heatmap(np.zeros((1, 1)), nan_color="#ABC")
    assert w.nan_color == "#aabbcc"


# --------------------------------------------------------------------------- output
def test_to_rgba_matches_the_shared_rule(reference: dict) -> None:
    w = Heatmap(reference["values"], vmin=-0.1, vmax=0.1)
    expected = colormaps.colorize(reference["values"], vmin=-0.1, vmax=0.1, lut="RdYlGn")
    np.testing.assert_array_equal(w.to_rgba(), expected)


def test_mimebundle_carries_a_png_fallback(make_reference) -> None:
    w = make_reference()
    data, metadata = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    png = base64.b64decode(data["image/png"])
    img = Image.open(io.BytesIO(png)).convert("RGB")
    # drawn at 2x for a small view, shown at its CSS size
    size = metadata["image/png"]
    assert img.size == (2 * size["width"], 2 * size["height"])
    # it is the exported figure, text included: the same pixels as w.to_png()
    exported = Image.open(io.BytesIO(w.to_png(scale=2))).convert("RGB")
    assert img.tobytes() == exported.tobytes()
    w.static_png = False
    data, metadata = w._repr_mimebundle_()
    assert "image/png" not in data and "image/png" not in metadata


def test_mimebundle_png_is_size_capped() -> None:
    rng = np.random.default_rng(0)
    w = Heatmap(rng.normal(size=(2000, 3000)))  # noise does not compress
    data, metadata = w._repr_mimebundle_()
    png = base64.b64decode(data["image/png"])
    assert len(png) <= export.STATIC_MAX_BYTES
    img = Image.open(io.BytesIO(png))
    assert img.size == (metadata["image/png"]["width"], metadata["image/png"]["height"])


# -------------------------------------------------------------------------- capture
def capture_request(w: Heatmap, **kwargs) -> tuple[dict, list, list]:
    sent: list[dict] = []
    shots: list[bytes] = []
    errors: list[str] = []
    w.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    w.capture(shots.append, on_error=errors.append, **kwargs)
    return sent[-1], shots, errors


def test_capture_asks_the_browser_and_calls_back_once() -> None:
    w = Heatmap(np.eye(2))
    request, shots, errors = capture_request(w, scale=3)
    assert request["type"] == "capture" and request["scale"] == 3 and request["id"]
    reply = {"type": "capture", "id": request["id"], "width": 10, "height": 10}
    w._handle_request(w, reply, [memoryview(b"\x89PNG...")])
    w._handle_request(w, reply, [memoryview(b"second view")])  # a second view answers too
    assert shots == [b"\x89PNG..."] and errors == []


def test_capture_reports_browser_errors() -> None:
    w = Heatmap(np.eye(2))
    request, shots, errors = capture_request(w)
    assert request["scale"] is None
    w._handle_request(w, {"type": "capture", "id": request["id"], "error": "too big"}, [])
    assert shots == [] and errors == ["tokenheat: the browser could not capture the view: too big"]
    w._handle_request(w, {"type": "capture", "id": "unknown"}, [memoryview(b"x")])
    assert shots == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"callback": None}, TypeError, "callback must be callable, got NoneType"),
        ({"scale": 0.1}, ValueError, "scale must be a number of device pixels per CSS pixel"),
        ({"scale": True}, TypeError, "got bool True"),
        ({"on_error": "log"}, TypeError, "on_error must be callable or None, got str"),
    ],
)
def test_capture_validates_its_arguments(kwargs: dict, error: type, match: str) -> None:
    w = Heatmap(np.eye(2))
    args = {"callback": print, **kwargs}
    with pytest.raises(error, match=re.escape(match)):
        w.capture(args.pop("callback"), **args)
