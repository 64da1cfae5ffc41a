"""Many matrices in one Heatmap (panels): the synced state the front end draws from,
labels, normalisation, focus, selection, update(), tiles and overviews of big stacks."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from tokenheat import Heatmap, InvalidSetting, InvalidSettingType, _data
from tokenheat._normalize import norm_table, normalized

from .test_big import brute, request


def sent_f32(w: Heatmap) -> np.ndarray:
    return np.frombuffer(bytes(w._values), dtype="<f4")


def norms(w: Heatmap) -> np.ndarray:
    return np.frombuffer(bytes(w._norms), dtype="<f4")


def wire(w: Heatmap, name: str):
    """A trait as the browser receives it (JSON)."""
    return json.loads(json.dumps(w.get_state()[name]))


def recorder(w: Heatmap) -> list[set[str]]:
    sent: list[set[str]] = []
    w.send_state = lambda key=None: sent.append(set(key or ()))  # type: ignore[method-assign]
    return sent


def stack(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


# ------------------------------------------------------------------------------ shapes
def test_a_single_heatmap_is_one_panel_and_keeps_its_state() -> None:
    values = np.array([[1, -2], [3, 4]], dtype=np.int16)
    w = Heatmap(values)
    assert w._panels == [] and w.panel_layout == () and w._panel_shapes == []
    assert w.panel_labels == [] and w.focus is None and w.normalize is None
    assert w.shape == (2, 2) and w._shape == [2, 2] and w._block == [1, 1]
    assert w.values.dtype == np.int16 and w.values.shape == (2, 2)  # as given
    np.testing.assert_array_equal(sent_f32(w), [1, -2, 3, 4])
    np.testing.assert_array_equal(norms(w), [2, 4, 3, 4, 4])  # rows, columns, the panel
    assert w._norm_ranges == {
        "none": [-2.0, 4.0],
        "row": [-1.0, 1.0],
        "column": [-0.5, 1.0],
        "panel": [-0.5, 1.0],
    }
    assert wire(w, "_panels") == [] and wire(w, "panel_labels") == []
    assert wire(w, "focus") is None and wire(w, "_panel_shapes") == []


def test_3d_values_are_a_row_of_panels() -> None:
    values = stack(3, 4, 5).astype(np.float32)
    w = Heatmap(values)
    assert w._panels == [3] and w.panel_layout == (3,)
    assert w.shape == (4, 5) and w._shape == [4, 5]
    assert w.values.shape == (3, 4, 5) and w.values.dtype == np.float32
    assert not w.values.flags.writeable and not np.shares_memory(w.values, values)
    np.testing.assert_array_equal(sent_f32(w), values.ravel())  # panel-major
    assert w.panel_labels == ["0", "1", "2"]
    assert wire(w, "panel_labels") == ["0", "1", "2"] and wire(w, "_panels") == [3]
    assert len(w.row_labels) == 4 and len(w.column_labels) == 5  # shared by the panels
    assert w._data_range == [float(values.min()), float(values.max())]


def test_4d_values_are_a_grid_in_panel_major_order() -> None:
    values = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2) + 0.1
    w = Heatmap(values)
    assert w._panels == [2, 3] and w.panel_layout == (2, 3) and w.shape == (2, 2)
    sent = sent_f32(w).reshape(6, 2, 2)
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(sent[i * 3 + j], values[i, j].astype(np.float32))
    assert w.panel_labels == (["0", "1"], ["0", "1", "2"])
    assert wire(w, "panel_labels") == [["0", "1"], ["0", "1", "2"]]
    # float32 changes 0.1: the values are the float64 originals, and sent on request
    assert w.values.dtype == np.float64 and w.values.shape == (2, 3, 2, 2)
    np.testing.assert_array_equal(w.values, values)
    assert w._exact_available and len(w._exact) == 0
    w.send_exact()
    np.testing.assert_array_equal(np.frombuffer(bytes(w._exact), "<f8"), values.ravel())


def test_a_list_of_matrices_of_different_shapes_is_padded() -> None:
    a, b = np.ones((2, 3)), np.full((4, 1), -2.0)
    w = Heatmap([a, b], panel_labels=["short", "tall"])
    assert w._panels == [2] and w.shape == (4, 3) and w._shape == [4, 3]
    assert w._panel_shapes == [[2, 3], [4, 1]] == wire(w, "_panel_shapes")
    sent = sent_f32(w).reshape(2, 4, 3)
    np.testing.assert_array_equal(sent[0, :2], a)
    assert np.isnan(sent[0, 2:]).all() and np.isnan(sent[1, :, 1:]).all()
    np.testing.assert_array_equal(sent[1, :, 0], -2)
    assert w.values.shape == (2, 4, 3) and np.isnan(w.values[1, 0, 2])
    w.values = [a, a]  # no padding any more
    assert w._panel_shapes == [] and w.panel_labels == ["short", "tall"]


def test_bad_stacks_are_refused_naming_values_and_nothing_is_sent() -> None:
    w = Heatmap(stack(2, 3, 3))
    sent = recorder(w)
    with pytest.raises(InvalidSetting, match=r"values must be 2-D .*got 5-D"):
        w.values = np.zeros((1, 1, 1, 2, 2))
    with pytest.raises(InvalidSettingType, match=r"values must have one dtype"):
        w.values = [np.zeros((2, 2)), np.zeros((2, 2), dtype=np.int64)]
    with pytest.raises(InvalidSetting, match=r"values\[1\] must .*finite"):
        w.values = [np.zeros((2, 2)), np.array([[np.inf]])]
    assert not any(sent) and w.values.shape == (2, 3, 3)


# ------------------------------------------------------------------------------ labels
def test_panel_labels_forms_and_errors() -> None:
    w = Heatmap(stack(2, 3, 4, 4), panel_labels=(["L0", "L1"], range(3)))
    assert w.panel_labels == (["L0", "L1"], ["0", "1", "2"])
    with pytest.raises(InvalidSetting, match=r"panel_labels\[1\] has 2 entries"):
        w.panel_labels = (["a", "b"], ["x", "y"])
    with pytest.raises(InvalidSettingType, match="panel_labels for a 2x3 grid"):
        w.panel_labels = "abc"
    w.panel_labels = None
    assert w.panel_labels == (["0", "1"], ["0", "1", "2"])
    single = Heatmap(np.eye(2))
    with pytest.raises(InvalidSetting, match="panel_labels must be None for a single heatmap"):
        single.panel_labels = ["a"]
    with pytest.raises(InvalidSetting, match="panel_labels has 1 entries but values has 2"):
        Heatmap(stack(2, 2, 2), panel_labels=["a"])


def test_default_panel_labels_follow_the_layout_and_custom_ones_need_update() -> None:
    w = Heatmap(stack(2, 3, 3))
    w.values = stack(4, 3, 3)
    assert w.panel_labels == ["0", "1", "2", "3"]
    w.values = np.eye(3)
    assert w.panel_labels == []
    w.values = stack(2, 2, 3, 3)
    assert w.panel_labels == (["0", "1"], ["0", "1"])
    w.panel_labels = (["a", "b"], ["c", "d"])
    w.values = stack(2, 2, 5, 5)  # the same layout: custom titles stay
    assert w.panel_labels == (["a", "b"], ["c", "d"])
    sent = recorder(w)
    with pytest.raises(InvalidSetting, match=r"w.update\(values=..., panel_labels=...\)"):
        w.values = stack(3, 5, 5)
    assert not any(sent) and w.panel_layout == (2, 2)
    w.update(values=stack(3, 5, 5), panel_labels=["x", "y", "z"])
    assert w.panel_labels == ["x", "y", "z"] and wire(w, "_panels") == [3]
    w.update(values=np.eye(2), panel_labels=None)
    assert w.panel_labels == [] and w._panels == []


# ------------------------------------------------------------------------------ tokens
def test_tokens_shared_by_the_panels_or_one_per_cell_of_each() -> None:
    shared = [["a", "b"], ["c", None]]
    w = Heatmap(np.zeros((3, 2, 2)), tokens=shared)
    assert w._tokens == ["a", "b", "c", ""]
    per_panel = np.array([[[f"{p}{r}{c}" for c in range(2)] for r in range(2)] for p in range(3)])
    w.tokens = per_panel
    assert w._tokens == [f"{p}{r}{c}" for p in range(3) for r in range(2) for c in range(2)]
    assert w.tokens.shape == (3, 2, 2)
    with pytest.raises(InvalidSetting, match=r"tokens must have shape \(2, 2\) .* or \(3, 2, 2\)"):
        w.tokens = np.full((2, 2, 2), "x")
    with pytest.raises(InvalidSettingType, match=r"tokens\[1\]\[0\]\[1\] must be a string"):
        w.tokens = [[["", ""], ["", ""]], [["", 5], ["", ""]], [["", ""], ["", ""]]]
    padded = Heatmap([np.zeros((1, 2)), np.zeros((2, 1))], tokens=[[["a", "b"]], [["c"], ["d"]]])
    assert padded._tokens == ["a", "b", "", "", "c", "", "d", ""]
    with pytest.raises(InvalidSetting, match=r"got 1-D input of shape \(2,\)"):
        padded.tokens = [["a", "b"], ["c"]]  # ragged, not panels
    single = Heatmap(np.zeros((2, 2)))
    with pytest.raises(InvalidSetting, match=r"values has shape \(2, 2\) but tokens has shape"):
        single.tokens = np.full((1, 2, 2), "x")


# ---------------------------------------------------------------------------- normalize
def test_normalize_sends_every_mode_and_moves_the_default_range() -> None:
    values = np.array([[[1.0, -4.0], [0.5, 2.0]], [[10.0, 0.0], [-20.0, 5.0]]])
    w = Heatmap(values)
    f32 = values.astype(np.float32)
    np.testing.assert_array_equal(norms(w), norm_table(f32))
    assert len(norms(w)) == 2 * 2 + 2 * 2 + 2
    assert w._norm_ranges["none"] == [-20.0, 10.0]
    for mode in ("row", "column", "panel"):
        lo, hi = normalized(f32, mode).min(), normalized(f32, mode).max()
        assert w._norm_ranges[mode] == [float(lo), float(hi)]
    assert (w.vmin, w.vmax) == (-20.0, 20.0) and w._data_range == [-20.0, 10.0]
    sent = recorder(w)
    w.normalize = "panel"
    assert w._data_range == w._norm_ranges["panel"] == [-1.0, 0.5]
    assert (w.vmin, w.vmax) == (-1.0, 1.0) and w.color_range == (-1.0, 1.0)
    assert all("_values" not in keys and "_norms" not in keys for keys in sent)  # no resend
    np.testing.assert_array_equal(w.to_rgba(), w.to_rgba())
    expected = Heatmap(normalized(f32, "panel"), vmin=-1, vmax=1).to_rgba()
    np.testing.assert_array_equal(w.to_rgba(), expected)
    w.vmax = 0.5  # an end set by hand stays; the other follows the default
    w.normalize = None
    assert (w.vmin, w.vmax) == (-20.0, 0.5)
    with pytest.raises(InvalidSetting, match="normalize must be None, 'row', 'column' or 'panel'"):
        w.normalize = "rows"
    with pytest.raises(InvalidSettingType, match="normalize must be"):
        Heatmap(values, normalize=1)


def test_update_applies_normalize_before_a_default_range_end() -> None:
    w = Heatmap(np.array([[1.0, 4.0], [-8.0, 2.0]]))
    w.update(vmin=None, vmax=None, normalize="row")
    assert (w.vmin, w.vmax) == (-1.0, 1.0)
    w.update(normalize=None)
    assert (w.vmin, w.vmax) == (-8.0, 8.0)
    w.update(values=np.array([[3.0, 0.0]]), vmin=None, normalize="row")
    assert (w.vmin, w.vmax) == (-1.0, 1.0)  # not the default of the values unnormalised


def test_normalize_given_to_the_constructor_sets_the_first_range() -> None:
    w = Heatmap(np.array([[1.0, 4.0], [-8.0, 2.0]]), normalize="row")
    assert (w.vmin, w.vmax) == (-1.0, 1.0) and w._data_range == [-1.0, 1.0]
    assert w.get_state()["normalize"] == "row"


# ------------------------------------------------------------------------ focus, selection
def test_focus_validation_and_json_form() -> None:
    grid = Heatmap(stack(2, 3, 4, 4), focus=(1, 2))
    assert grid.focus == (1, 2) and wire(grid, "focus") == [1, 2]
    grid.focus = [0, 1]  # as the browser sends it
    assert grid.focus == (0, 1)
    with pytest.raises(InvalidSetting, match=r"focus\[1\] \(grid column\) must be in 0..2"):
        grid.focus = (0, 3)
    with pytest.raises(InvalidSettingType, match="focus must be a pair"):
        grid.focus = 1
    row = Heatmap(stack(3, 2, 2), focus=2)
    assert row.focus == 2
    with pytest.raises(InvalidSetting, match=r"focus \(a panel of 3\) must be in 0..2"):
        row.focus = 3
    with pytest.raises(InvalidSetting, match="focus must be None for a single heatmap"):
        Heatmap(np.eye(2), focus=0)


def test_a_new_layout_resets_focus_and_selection_unless_given() -> None:
    w = Heatmap(stack(3, 4, 4), focus=1)
    w.selection = {"panel": 2, "row": 1, "col": 3}
    w.values = stack(3, 4, 4, seed=1)  # the same layout and shape: both stay
    assert w.focus == 1 and w.selection == {"panel": 2, "row": 1, "col": 3}
    w.values = stack(4, 4, 4)
    assert w.focus is None and w.selection is None
    w.update(values=stack(2, 2, 4, 4), focus=(1, 1), selection={"panel": (0, 1), "row": 0})
    assert w.focus == (1, 1) and w.selection == {"panel": (0, 1), "row": 0}
    assert wire(w, "selection") == {"panel": [0, 1], "row": 0}
    w.values = np.eye(4)
    assert w.focus is None and w.selection is None and w.panel_labels == []


def test_selection_needs_its_panel_and_callbacks_get_it() -> None:
    w = Heatmap(stack(3, 4, 5))
    got = []
    w.on_select(got.append)
    w.selection = {"panel": 1, "row": 3, "col": 4}
    assert got == [{"panel": 1, "row": 3, "col": 4}]
    with pytest.raises(InvalidSetting, match='"panel" is needed when there are 3 panels'):
        w.selection = {"row": 0}
    with pytest.raises(InvalidSetting, match=r"selection\['row'\] must be in 0..3"):
        w.selection = {"panel": 0, "row": 4}
    with pytest.raises(InvalidSetting, match=r"selection\['panel'\] \(a panel of 3\)"):
        w.selection = {"panel": 3, "col": 0}
    single = Heatmap(np.eye(2))
    with pytest.raises(InvalidSetting, match=r"selection\['row'\] must be in 0..1, got 2"):
        single.selection = {"row": 2}  # today's messages for a single heatmap
    with pytest.raises(InvalidSetting, match="got keys"):
        single.selection = {"panel": 0, "row": 0}


def test_a_refused_update_changes_and_sends_nothing() -> None:
    w = Heatmap(stack(2, 3, 3), panel_labels=["a", "b"], focus=1, vmin=-1, vmax=1)
    sent = recorder(w)
    before = w.get_state()
    with pytest.raises(InvalidSetting, match="focus"):
        w.update(values=stack(3, 3, 3), panel_labels=["x", "y", "z"], focus=5)
    with pytest.raises(InvalidSetting, match="vmin must be less than vmax"):
        w.update(values=stack(2, 2, 4, 4), panel_labels=None, vmin=2, vmax=1)
    with pytest.raises(InvalidSetting, match="normalize"):
        w.update(values=stack(4, 3, 3), normalize="cols")
    assert not any(sent) and w.get_state() == before
    assert w.panel_layout == (2,) and w.focus == 1 and w.panel_labels == ["a", "b"]


# ------------------------------------------------------------------------- big stacks
@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 300)


def test_a_big_stack_goes_as_an_overview_per_panel(small_limits) -> None:
    values = stack(3, 31, 20).astype(np.float32)
    values[1, 30, 19] = 50.0  # the last cell of the middle panel
    w = Heatmap(values)
    fr, fc = w._block
    assert (fr, fc) != (1, 1) and 31 % fr  # a block of rows would cross into the next panel
    gr, gc = -(-31 // fr), -(-20 // fc)
    assert 3 * gr * gc <= 300
    overview = sent_f32(w).reshape(3, gr, gc)
    for p in range(3):
        np.testing.assert_array_equal(overview[p], brute(values[p], fr, fc))
    assert (overview == 50).sum() == 1 and overview[1, -1, -1] == 50
    assert w._norm_ranges["none"] == [float(values.min()), 50.0]  # from all the data
    np.testing.assert_array_equal(norms(w), norm_table(values))


def test_a_tile_of_a_stack_holds_the_window_of_every_panel(small_limits) -> None:
    values = stack(2, 2, 20, 30).astype(np.float32)
    w = Heatmap(values)
    [(msg, buffers)] = request(w, window=[3, 9, 10, 17], block=[1, 1])
    assert msg == {
        "type": "tile",
        "id": "v:1:0",
        "window": [3, 9, 10, 17],
        "block": [1, 1],
        "shape": [6, 7],
        "panels": 4,
    }
    tile = np.frombuffer(bytes(buffers[0]), "<f4").reshape(4, 6, 7)
    np.testing.assert_array_equal(tile, values.reshape(4, 20, 30)[:, 3:9, 10:17])
    [(msg, buffers)] = request(w, window=[0, 20, 0, 30], block=[1, 1])
    fr, fc = msg["block"]
    h, wd = msg["shape"]
    assert 4 * h * wd <= 300 and msg["panels"] == 4
    tile = np.frombuffer(bytes(buffers[0]), "<f4").reshape(4, h, wd)
    for p in range(4):
        np.testing.assert_array_equal(tile[p], brute(values.reshape(4, 20, 30)[p], fr, fc))
    assert request(w, window=[0, 21, 0, 5], block=[1, 1]) == []  # checked as today


@pytest.mark.parametrize("mode", ["row", "column", "panel"])
def test_a_normalised_big_stack_sends_the_overview_and_tiles_of_what_is_drawn(
    small_limits, mode
) -> None:
    # rows of very different strength in blocks of several rows: a block's strongest
    # normalised value is not its strongest value over one divisor, so Python reduces
    # the normalised stack (the browser cannot)
    rng = np.random.default_rng(3)
    values = (rng.normal(size=(3, 31, 20)) * np.logspace(-3, 3, 31)[None, :, None]).astype(
        np.float32
    )
    w = Heatmap(values, normalize=mode)
    fr, fc = w._block
    assert (fr, fc) != (1, 1)
    drawn = normalized(values, mode)
    gr, gc = -(-31 // fr), -(-20 // fc)
    overview = sent_f32(w).reshape(3, gr, gc)
    for p in range(3):
        np.testing.assert_array_equal(overview[p], brute(drawn[p], fr, fc))
    [(_, buffers)] = request(w, window=[2, 9, 1, 7], block=[1, 1])
    tile = np.frombuffer(bytes(buffers[0]), "<f4").reshape(3, 7, 6)
    np.testing.assert_array_equal(tile, drawn[:, 2:9, 1:7])
    # switching the mode sends the overview of the new one; off, the values' own
    w.normalize = None
    for p in range(3):
        np.testing.assert_array_equal(sent_f32(w).reshape(3, gr, gc)[p], brute(values[p], fr, fc))


@pytest.mark.parametrize("mode", [None, "row"])
def test_a_big_stacks_overview_is_reduced_once_at_construction(
    small_limits, monkeypatch, mode
) -> None:
    from tokenheat import _sync

    calls = []
    original = _sync.per_panel
    monkeypatch.setattr(
        _sync, "per_panel", lambda *a, **k: calls.append(a[-1]) or original(*a, **k)
    )
    w = Heatmap(np.random.default_rng(1).normal(size=(3, 31, 20)), normalize=mode)
    assert w._block != [1, 1] and calls == [mode]
    w.normalize = "column"  # a switch sends the new mode's overview, once
    assert calls == [mode, "column"]
    w.normalize = "column"
    assert calls == [mode, "column"]


def test_a_strong_cell_of_a_big_grid_is_in_its_own_panels_overview_only() -> None:
    values = np.zeros((12, 12, 512, 512), dtype=np.float32)  # 37.7M cells
    values[7, 3, 511, 0] = -9.0  # bottom-left corner of panel (7, 3)
    start = time.perf_counter()
    w = Heatmap(values)
    assert time.perf_counter() - start < 10
    assert values.size > _data.SEND_CELLS
    fr, fc = w._block
    gr, gc = -(-512 // fr), -(-512 // fc)
    assert 144 * gr * gc <= _data.TILE_CELLS and (fr, fc) != (1, 1)
    overview = sent_f32(w).reshape(144, gr, gc)
    hits = np.argwhere(overview != 0)
    assert hits.tolist() == [[7 * 12 + 3, 511 // fr, 0]]
    assert overview[7 * 12 + 3, 511 // fr, 0] == -9.0
    assert w._data_range == [-9.0, 0.0] and w._panels == [12, 12]


@pytest.mark.parametrize("mode", ["row", "column", "panel"])
def test_the_stacks_divisors_are_the_normalisation_divisors(mode: str) -> None:
    from tokenheat._normalize import divisors

    values = stack(3, 4, 5)
    values[1, 2] = np.nan
    w = Heatmap(values)
    np.testing.assert_array_equal(w._matrix.divisors(mode), divisors(values.astype("<f4"), mode))
    w.normalize = mode
    np.testing.assert_array_equal(
        w.to_rgba(), Heatmap(normalized(values.astype("<f4"), mode)).to_rgba()
    )
