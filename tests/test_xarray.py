"""Heatmap(data_array): dims[0] rows, dims[1] columns, further dims panels, coordinates
labels, name and attributes titles; and no library is imported by ``import tokenheat``."""

from __future__ import annotations

import numpy as np
import pytest

from tokenheat import Heatmap

xr = pytest.importorskip("xarray")


def attribution() -> xr.DataArray:
    """Tokens repeat, so they are a coordinate on a `position` dimension, not its index."""
    tokens = ["the", "cat", "the", "mat"]
    return xr.DataArray(
        np.arange(12.0).reshape(4, 3) - 5,
        dims=("position", "step"),
        coords={
            "token": ("position", tokens),
            "step": ["sat", "on", "it"],
            "pos": ("position", [0, 1, 2, 3]),
        },
        name="Integrated gradients",
        attrs={"long_name": "Attribution", "units": "a.u."},
    )


def test_rows_columns_labels_title_and_colour_bar_title_come_from_the_data_array():
    da = attribution()
    h = Heatmap(da)
    np.testing.assert_array_equal(h.values, da.values)
    assert h.row_labels == ["the", "cat", "the", "mat"]  # the text coordinate, not `pos`
    assert h.column_labels == ["sat", "on", "it"]  # the index coordinate
    assert h.title == "Integrated gradients"
    assert h.colorbar_title == "Attribution [a.u.]"


def test_a_transposed_data_array_swaps_rows_and_columns():
    da = attribution()
    h = Heatmap(da.T)
    np.testing.assert_array_equal(h.values, da.values.T)
    assert h.row_labels == ["sat", "on", "it"]
    assert h.column_labels == ["the", "cat", "the", "mat"]


def test_a_dimension_without_coordinates_is_numbered():
    h = Heatmap(xr.DataArray(np.zeros((2, 3)), dims=("a", "b")))
    assert (h.row_labels, h.column_labels, h.title, h.colorbar_title) == (
        ["0", "1"],
        ["0", "1", "2"],
        "",
        "",
    )


def test_the_colour_bar_title_falls_back_like_xarrays_plots():
    da = xr.DataArray(np.zeros((2, 2)), dims=("a", "b"), name="score")
    assert Heatmap(da).colorbar_title == "score"
    da.attrs = {"standard_name": "saliency", "units": "1"}
    assert Heatmap(da).colorbar_title == "saliency [1]"


def test_a_third_dimension_is_a_row_of_panels_titled_by_its_coordinate():
    da = xr.DataArray(
        np.random.default_rng(0).normal(size=(5, 4, 3)),
        dims=("query", "key", "head"),
        coords={"head": ["h0", "h1", "h2"]},
    )
    h = Heatmap(da)
    assert h.panel_layout == (3,)
    for p in range(3):
        np.testing.assert_array_equal(h.values[p], da.isel(head=p).values)
    assert h.panel_labels == ["head=h0", "head=h1", "head=h2"]


def test_a_third_and_fourth_dimension_are_a_grid_and_labels_follow_new_data():
    da = xr.DataArray(
        np.random.default_rng(1).normal(size=(3, 3, 2, 4)),
        dims=("query", "key", "layer", "head"),
        coords={"layer": [0, 5]},
    )
    h = Heatmap(da)
    assert h.panel_layout == (2, 4)
    np.testing.assert_array_equal(h.values[1, 3], da.isel(layer=1, head=3).values)
    assert h.panel_labels == (["layer=0", "layer=5"], [f"head={j}" for j in range(4)])
    h.values = da.assign_coords(layer=[7, 8])
    assert h.panel_labels[0] == ["layer=7", "layer=8"]
    h.panel_labels = (["a", "b"], list("wxyz"))  # given titles stay with new data
    h.values = da
    assert h.panel_labels == (["a", "b"], list("wxyz"))


def test_settings_given_win_over_the_data_arrays():
    h = Heatmap(attribution(), row_labels=list("abcd"), title="Mine", colorbar_title="IG")
    assert (h.row_labels, h.title, h.colorbar_title) == (list("abcd"), "Mine", "IG")


def test_new_data_arrays_bring_their_labels():
    h = Heatmap(attribution())
    other = attribution().assign_coords(step=["x", "y", "z"])
    h.values = other
    assert h.column_labels == ["x", "y", "z"]


def test_a_dataset_or_a_wrong_number_of_dimensions_is_a_clear_error():
    ds = xr.Dataset({"attr": attribution()})
    with pytest.raises(TypeError, match=r"Dataset \(variables: attr\).*ds\['attr'\]"):
        Heatmap(ds)
    with pytest.raises(ValueError, match=r"1 dimension\(s\) \('position',\)"):
        Heatmap(attribution().isel(step=0))
    five = xr.DataArray(np.zeros((1, 1, 1, 1, 1)), dims=tuple("abcde"))
    with pytest.raises(ValueError, match="5 dimension"):
        Heatmap(five)
