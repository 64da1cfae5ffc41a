"""xarray DataArrays as heatmap values, duck-typed (xarray is never imported): the first
dimension gives the rows and the second the columns (xarray's and plotly's convention),
a third and fourth the panels; coordinates give the labels, ``name`` the title and the
``long_name`` / ``units`` attributes the colour bar's title.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# a non-index coordinate of text on a dimension gives its labels; these names first
_LABEL_COORDS = ("token", "tokens", "label", "labels", "text")


def _from_xarray(obj: object, cls: str) -> bool:
    return any(
        c.__name__ == cls and c.__module__.split(".")[0] == "xarray" for c in type(obj).__mro__
    )


def is_data_array(obj: object) -> bool:
    """Whether ``obj`` is an ``xarray.DataArray`` (without importing xarray)."""
    return _from_xarray(obj, "DataArray")


def is_dataset(obj: object) -> bool:
    return _from_xarray(obj, "Dataset")


def dataset_error(ds: Any, name: str) -> TypeError:
    names = list(getattr(ds, "data_vars", {}))
    example = f"ds[{names[0]!r}]" if names else "ds['attribution']"
    return TypeError(
        f"{name} is an xarray Dataset (variables: {', '.join(map(str, names)) or 'none'}); "
        f"pass one of its variables, a DataArray, e.g. {example}"
    )


def unpack(da: Any, name: str) -> tuple[np.ndarray, list[str] | None, list[str] | None, Any]:
    """The values of ``da`` in tokenheat's layout ``([panel dims,] rows, cols)``, the row
    and column labels (None when a dimension has none) and the panels' titles (None for
    a single heatmap, a list for 3-D, a pair of lists for 4-D).

    >>> import xarray as xr
    >>> da = xr.DataArray(np.zeros((2, 3, 4)), dims=("token", "step", "layer"),
    ...                   coords={"token": ["a", "b"]})
    >>> [x.shape if hasattr(x, "shape") else x for x in unpack(da, "values")]
    [(4, 2, 3), ['a', 'b'], None, ['layer=0', 'layer=1', 'layer=2', 'layer=3']]
    """
    dims = tuple(da.dims)
    if not 2 <= len(dims) <= 4:
        raise ValueError(
            f"{name} is a DataArray with {len(dims)} dimension(s) {dims}; a heatmap needs 2 "
            "(rows, columns), 3 (+ panels) or 4 (+ grid rows, grid columns): select or "
            f"stack dimensions first, e.g. {name}.isel(...) or {name}.stack(...)"
        )
    rows, cols, *panel_dims = dims
    values = np.asarray(da.transpose(*panel_dims, rows, cols).values)
    panel_names: Any = None
    if len(panel_dims) == 1:
        panel_names = _panel_titles(da, panel_dims[0])
    elif len(panel_dims) == 2:
        panel_names = (_panel_titles(da, panel_dims[0]), _panel_titles(da, panel_dims[1]))
    return values, dim_labels(da, rows), dim_labels(da, cols), panel_names


def dim_labels(da: Any, dim: Any) -> list[str] | None:
    """Labels of dimension ``dim``: its index coordinate, else a 1-D coordinate of text
    on it (e.g. ``token`` on a ``position`` dimension, where tokens repeat), else None."""
    coords = da.coords
    if dim in coords and tuple(coords[dim].dims) == (dim,):
        return [_text(v) for v in np.asarray(coords[dim].values).tolist()]
    candidates = [
        key
        for key, coord in coords.items()
        if tuple(coord.dims) == (dim,) and np.asarray(coord.values).dtype.kind in "OUS"
    ]
    if not candidates:
        return None
    preferred = [k for k in candidates if str(k).lower() in _LABEL_COORDS]
    key = (preferred or candidates)[0]
    return [_text(v) for v in np.asarray(coords[key].values).tolist()]


def _panel_titles(da: Any, dim: Any) -> list[str]:
    labels = dim_labels(da, dim) or [str(i) for i in range(da.sizes[dim])]
    return [f"{dim}={label}" for label in labels]


def _text(v: object) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def title(da: Any) -> str:
    """The DataArray's ``name`` ("" when it has none)."""
    return "" if da.name is None else str(da.name)


def colorbar_title(da: Any) -> str:
    """As xarray's plots label a colour bar: ``long_name`` (else ``standard_name``, else
    the ``name``) and ``[units]``, e.g. ``"Attribution [a.u.]"``."""
    attrs = getattr(da, "attrs", {}) or {}
    text = attrs.get("long_name") or attrs.get("standard_name") or title(da)
    units = attrs.get("units")
    return f"{text} [{units}]".strip() if units else str(text)
