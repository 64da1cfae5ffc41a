"""Interaction state on the Python side: view, selection, colour range, controls."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from tokenheat import Controls, Heatmap, colormaps


@pytest.fixture
def w() -> Heatmap:
    return Heatmap(np.arange(12.0).reshape(3, 4) - 5)


# --------------------------------------------------------------------------- view
def test_view_defaults_to_the_whole_matrix(w: Heatmap) -> None:
    assert w.view == (0.0, 3.0, 0.0, 4.0)


def test_view_can_be_set_and_reset(w: Heatmap) -> None:
    w.view = (0, 2, 1.5, 3.5)
    assert w.view == (0.0, 2.0, 1.5, 3.5)
    assert w.reset_view() is w
    assert w.view == (0.0, 3.0, 0.0, 4.0)
    w.view = (1, 2, 0, 1)
    w.view = None
    assert w.view == (0.0, 3.0, 0.0, 4.0)


@pytest.mark.parametrize(
    ("bad", "exc", "match"),
    [
        ((0, 2, 0), ValueError, "got 3 numbers"),
        ((0, 2, 0, 2, 0), ValueError, "got 5 numbers"),
        ("0,2,0,2", TypeError, "got str"),
        (5, TypeError, "got int"),
        ((0, 4, 0, 2), ValueError, r"row_stop <= 3"),
        ((-1, 2, 0, 2), ValueError, r"0 <= row_start"),
        ((2, 2, 0, 2), ValueError, r"row_start < row_stop"),
        ((0, 2, 3, 1), ValueError, r"col_start < col_stop"),
        ((0, 2, 0, float("nan")), ValueError, "non-finite"),
        ((0, 2, 0, "2"), TypeError, "got a str"),
        ((0, 2, 0, True), TypeError, "got a bool"),
    ],
)
def test_invalid_views_are_rejected(w: Heatmap, bad, exc, match) -> None:
    w.view = (0, 2, 0, 2)
    with pytest.raises(exc, match=match):
        w.view = bad
    assert w.view == (0.0, 2.0, 0.0, 2.0)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ((1, 1.5, 0, 4), (0.25, 2.25, 0.0, 4.0)),  # grown about its centre to 2 rows
        ((0, 0.5, 3.5, 4), (0.0, 2.0, 2.0, 4.0)),  # then shifted inside the matrix
        ((2, 3, 1, 2), (1.0, 3.0, 0.5, 2.5)),
        ((0, 3, 0, 4), (0.0, 3.0, 0.0, 4.0)),
    ],
)
def test_a_view_narrower_than_the_front_ends_minimum_is_widened_as_it_would(
    w: Heatmap, given, shown
) -> None:
    """One rule for the smallest view (js/interact/zoom.js clampAxis): w.view and the exports are
    what the screen shows, not a narrower window the browser would widen."""
    w.view = given
    assert w.view == shown
    tall = Heatmap(np.zeros((1, 5)))
    tall.view = (0, 1, 2, 2.5)
    assert tall.view == (0.0, 1.0, 1.25, 3.25)  # one row: the whole axis is the minimum


def test_new_shape_resets_view_and_clears_selection(w: Heatmap) -> None:
    w.update(view=(0, 1, 0, 1), selection={"row": 2, "col": 3})
    w.values = np.zeros((2, 2))
    assert w.view == (0.0, 2.0, 0.0, 2.0)
    assert w.selection is None


def test_same_shape_keeps_view_and_selection(w: Heatmap) -> None:
    w.update(view=(0, 2, 0, 2), selection={"col": 1})
    w.values = np.ones((3, 4))
    assert w.view == (0.0, 2.0, 0.0, 2.0)
    assert w.selection == {"col": 1}


# --------------------------------------------------------------------------- selection
@pytest.mark.parametrize(
    "selection", [None, {"row": 0, "col": 3}, {"row": 2}, {"col": 0}, {"row": np.int64(1)}]
)
def test_valid_selections(w: Heatmap, selection) -> None:
    w.selection = selection
    assert w.selection == (None if selection is None else {k: int(v) for k, v in selection.items()})


@pytest.mark.parametrize(
    ("bad", "exc", "match"),
    [
        ({}, ValueError, "got keys"),
        ({"row": 0, "x": 1}, ValueError, "got keys"),
        ({"row": 3}, ValueError, r"selection\['row'\] must be in 0..2, got 3"),
        ({"col": -1}, ValueError, r"selection\['col'\] must be in 0..3"),
        ({"row": 1.0}, TypeError, "must be an integer"),
        ({"row": True}, TypeError, "must be an integer"),
        ((1, 2), TypeError, "got tuple"),
    ],
)
def test_invalid_selections_are_rejected(w: Heatmap, bad, exc, match) -> None:
    w.selection = {"row": 1}
    with pytest.raises(exc, match=match):
        w.selection = bad
    assert w.selection == {"row": 1}


def test_on_select_callbacks(w: Heatmap) -> None:
    seen: list = []
    w.on_select(seen.append)
    w.selection = {"row": 1, "col": 2}
    w.selection = None
    w.on_select(seen.append, remove=True)
    w.selection = {"row": 0}
    assert seen == [{"row": 1, "col": 2}, None]


# --------------------------------------------------------------------------- colour range
def test_color_range_mirrors_vmin_vmax(w: Heatmap) -> None:
    assert w.color_range == (w.vmin, w.vmax) == (-6.0, 6.0)
    w.vmax = 10
    assert w.color_range == (-6.0, 10.0)
    w.color_range = (-1, 2)
    assert (w.vmin, w.vmax) == (-1.0, 2.0)
    w.set_range(None, None)
    assert w.color_range == (-6.0, 6.0)


@pytest.mark.parametrize(
    ("bad", "exc", "match"),
    [
        ((1, 1), ValueError, "vmin < vmax"),
        ((2, 1), ValueError, "vmin < vmax"),
        ((0, float("inf")), ValueError, "finite"),
        ((0,), TypeError, "pair"),
        ("ab", TypeError, "pair"),
        ((None, 1), TypeError, "real number"),
    ],
)
def test_invalid_color_range(w: Heatmap, bad, exc, match) -> None:
    with pytest.raises(exc, match=match):
        w.color_range = bad
    assert w.color_range == (-6.0, 6.0)


def test_symmetric_is_a_synced_setting(w: Heatmap) -> None:
    assert w.symmetric is True
    w.symmetric = False
    assert w.get_state("symmetric") == {"symmetric": False}


def test_every_colour_map_is_sent_once(w: Heatmap) -> None:
    assert sorted(w._luts) == sorted(colormaps.base_names())
    assert all(len(bytes(v)) == 1024 for v in w._luts.values())


# --------------------------------------------------------------------------- controls
def test_controls_are_linked_in_the_browser(w: Heatmap) -> None:
    box = w.controls()
    assert isinstance(box, Controls)
    links = {(link.source[1], link.target[1]) for link in box._links}
    assert links == {("value", "color_range"), ("value", "cmap"), ("value", "symmetric")}
    assert all(link.target[0] is w for link in box._links)
    assert box.range_slider.value == w.color_range
    assert box.cmap_dropdown.value == "RdYlGn"
    assert "RdBu_r" in box.cmap_dropdown.options


def test_slider_bounds_follow_data_and_range(w: Heatmap) -> None:
    box = w.controls()
    assert (box.range_slider.min, box.range_slider.max) == (-6.0, 6.0)
    w.values = np.array([[-20.0, 1.0], [0.0, 3.0]]) * 1 + np.zeros((2, 2))
    assert (box.range_slider.min, box.range_slider.max) == (-20.0, 20.0)
    w.vmax = 50
    assert box.range_slider.max == 50.0


def test_slider_widens_instead_of_clipping(w: Heatmap) -> None:
    box = w.controls()
    box.range_slider.value = (-100.0, 200.0)
    assert box.range_slider.value == (-100.0, 200.0)
    assert (box.range_slider.min, box.range_slider.max) == (-100.0, 200.0)


def test_controls_do_not_keep_themselves_alive(w: Heatmap) -> None:
    box = w.controls()
    box.close()
    for link in box._links:
        link.close()
    del box, link
    gc.collect()
    w.values = np.zeros((3, 4))  # the observer finds its controls gone and unhooks


def test_a_change_and_its_consequences_go_in_one_message(w: Heatmap) -> None:
    sent: list = []
    w.send_state = lambda key=None: sent.append(set(key or ()))  # type: ignore[method-assign]
    w.color_range = (-0.5, 0.8)
    assert [batch for batch in sent if batch] == [{"color_range", "vmin", "vmax"}]
    sent.clear()
    w.values = np.zeros((2, 2))
    batches = [batch for batch in sent if batch]
    assert len(batches) == 1
    assert {"_values", "_shape", "row_labels", "column_labels", "view"} <= batches[0]
