"""A max-|v| pyramid of a matrix bigger than memory, written once to a zarr store.

:func:`build_pyramid` reads the source (a zarr array, an h5py dataset, a numpy memmap, a
dask array or a numpy array) one band of rows at a time (a dask array: one level at a
time, each a dask computation, on the user's cluster if a ``Client`` is active) and
writes level 0 (its values as float32) and coarser levels, each cell of a level the
strongest value (largest magnitude, sign kept; the rule of the browser's zoomed-out
pixels) of the 2 x 2 (or 2 x 1, 1 x 2) cells below it, until a level fits in one tile.
Progress is recorded after every band (level), so an interrupted build resumes where it
stopped. :func:`open_pyramid` opens
a finished one at once; the :class:`Pyramid` it returns is itself a source:
:func:`tokenheat.downsample` reduces it from the nearest level instead of the values.

The store follows the OME-Zarr "multiscales" layout where it fits (one array per level,
named by its index, with its scale), plus a ``tokenheat-pyramid`` attribute naming the
source's shape, the tile size, the levels and which bands are written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _pyramid_dask, _sources
from ._blocks import reduce_blocks

#: The group attribute holding a pyramid's plan and progress.
FORMAT = "tokenheat-pyramid"
#: Version of that attribute's layout.
VERSION = 1
#: Default tile: the chunk size of every level, and the size a level must fit to be the
#: last.
TILE = 256
#: Largest source a pyramid is built of: 2**40 cells.
MAX_SOURCE_CELLS = 2**40

Progress = Callable[[int, int], Any]


def _zarr():
    try:
        import zarr
    except ImportError:
        raise ImportError(
            "tokenheat's pyramids are zarr stores; install zarr: pip install 'tokenheat[zarr]'"
        ) from None
    return zarr


def level_factors(shape: tuple[int, int], tile: int) -> list[tuple[int, int]]:
    """Rows and columns of the source each level's cells stand for: ``(1, 1)``, then an
    axis doubles from one level to the next while it is longer than one tile.

    >>> level_factors((1000, 300), 256)
    [(1, 1), (2, 2), (4, 2)]
    """
    rows, cols = shape
    factors = [(1, 1)]
    fr = fc = 1
    while -(-rows // fr) > tile or -(-cols // fc) > tile:
        fr *= 2 if -(-rows // fr) > tile else 1
        fc *= 2 if -(-cols // fc) > tile else 1
        factors.append((fr, fc))
    return factors


def _plan(shape: tuple[int, int], tile: int) -> dict[str, Any]:
    rows, cols = shape
    levels = [
        {"path": str(k), "factor": [fr, fc], "shape": [-(-rows // fr), -(-cols // fc)]}
        for k, (fr, fc) in enumerate(level_factors(shape, tile))
    ]
    return {"shape": [rows, cols], "tile": tile, "dtype": "float32", "levels": levels}


def _multiscales(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """OME-Zarr's description of the levels: the same arrays, their scales."""
    return [
        {
            "version": "0.4",
            "name": "tokenheat",
            "type": "max-abs",
            "axes": [{"name": "row"}, {"name": "column"}],
            "datasets": [
                {
                    "path": level["path"],
                    "coordinateTransformations": [{"type": "scale", "scale": level["factor"]}],
                }
                for level in plan["levels"]
            ],
        }
    ]


def build_pyramid(
    source: Any,
    store: Any,
    *,
    tile: int = TILE,
    progress: bool | Progress = True,
    overwrite: bool = False,
) -> Pyramid:
    """Write the max-|v| pyramid of a 2-D ``source`` to the zarr ``store`` (a path or a
    zarr store), reading at most about 64 MiB of it at a time, and open it.

    A dask ``source`` is built by dask instead, a level at a time (each level one
    computation that reads, reduces and writes chunks where dask runs: its threads, or a
    ``dask.distributed`` cluster when a ``Client`` is active).

    A store holding an unfinished build of the same source shape and tile is resumed
    from the last band (for a dask source, the last level) written; one holding anything
    else is refused unless ``overwrite``. ``progress``: True shows a progress bar (a
    widget in a notebook, a line of text elsewhere), False nothing, or a callable gets
    ``(bands done, bands)``.

    Examples
    --------
    >>> import tempfile
    >>> values = np.arange(600.0).reshape(20, 30)
    >>> p = build_pyramid(values, tempfile.mkdtemp() + "/p.zarr", tile=8, progress=False)
    >>> p.factors
    [(1, 1), (2, 2), (4, 4)]
    >>> float(p.levels[2][0, 0]) == float(values[:4, :4].max())
    True
    """
    zarr = _zarr()
    rows, cols, _ = _sources.check_matrix(source, "source")
    if rows * cols > MAX_SOURCE_CELLS:
        raise ValueError(
            f"source is a {_sources.describe(source)}: {rows * cols:,} cells, more than the "
            f"{MAX_SOURCE_CELLS:,} a tokenheat pyramid is built of"
        )
    if not (isinstance(tile, int) and not isinstance(tile, bool) and 4 <= tile <= 4096):
        raise ValueError(f"tile must be an int from 4 to 4096, got {tile!r}")
    plan = _plan((rows, cols), tile)
    group = zarr.open_group(store, mode="a")
    held = group.attrs.get(FORMAT)
    if held is not None and not overwrite and held.get("plan") != plan:
        raise ValueError(
            f"{store!r} holds a tokenheat pyramid of a {held.get('plan', {}).get('shape')} "
            f"matrix in tiles of {held.get('plan', {}).get('tile')}, not of this "
            f"{rows} x {cols} source in tiles of {tile}; pass overwrite=True to replace it"
        )
    if held is None or overwrite:
        for level in plan["levels"]:
            group.create_array(
                level["path"],
                shape=tuple(level["shape"]),
                chunks=(tile, tile),
                dtype="f4",
                fill_value=np.nan,
                overwrite=True,
            )
        done, found = [0] * len(plan["levels"]), None
        group.attrs.update({"multiscales": _multiscales(plan)})
        _record(group, plan, done, found, complete=False)
    else:
        done, found = list(held["done"]), held.get("range")
    bands = [-(-level["shape"][0] // tile) for level in plan["levels"]]
    report = _progress(progress, sum(bands))
    report(sum(done))
    by_dask = _sources.is_dask(source)
    for k, level in enumerate(plan["levels"]):
        below = source if k == 0 else group[str(k - 1)]
        step = (1, 1) if k == 0 else _step(plan["levels"][k - 1]["factor"], level["factor"])
        target = group[level["path"]]
        if by_dask and done[k] < bands[k]:  # the whole level as one dask computation
            found = _sources.widen_range(
                found, _pyramid_dask.write_level(source, group, k, tile, step)
            )
            done[k] = bands[k]
            _record(group, plan, done, found, complete=False)
            report(sum(done))
        for band in range(done[k], bands[k]):
            band_range = _write_band(below, target, band, tile, step, k == 0)
            found = _sources.widen_range(found, band_range)
            done[k] = band + 1
            _record(group, plan, done, found, complete=False)
            report(sum(done))
    _record(group, plan, done, found, complete=True)
    return open_pyramid(store)


def _step(lower: list[int], upper: list[int]) -> tuple[int, int]:
    return upper[0] // lower[0], upper[1] // lower[1]


def _record(
    group, plan: dict[str, Any], done: list[int], found: list[float] | None, *, complete: bool
) -> None:
    group.attrs[FORMAT] = {
        "version": VERSION,
        "plan": plan,
        "done": done,
        "range": found,
        "complete": complete,
    }


def _write_band(
    below, target, band: int, tile: int, step: tuple[int, int], first: bool
) -> list[float] | None:
    """Row band ``band`` (``tile`` rows) of a level, from the level below (or the source),
    a part of at most about ``PART_BYTES`` at a time; for level 0, the band's finite
    ``[min, max]`` (None when it is all NaN)."""
    found = None
    sr, sc = step
    rows, cols = target.shape
    o0, o1 = band * tile, min(rows, (band + 1) * tile)
    in_rows, in_cols = below.shape
    # output columns per part: whole tiles, within the budget for the input they read
    fit = _sources.PART_BYTES // 4 // max(1, (o1 - o0) * sr * sc)
    width = max(tile, fit // tile * tile)
    for c0 in range(0, cols, width):
        c1 = min(cols, c0 + width)
        r_in, c_in = (o0 * sr, min(in_rows, o1 * sr)), (c0 * sc, min(in_cols, c1 * sc))
        part = _sources.read(below, *r_in, *c_in, np.dtype(np.float32))
        if first:
            again = _pyramid_dask.AGAIN % "bands"
            _sources.finite_float32(part, r_in[0], c_in[0], _sources.describe(below), again)
            found = _sources.widen_range(found, _sources.finite_range(part))
        target[o0:o1, c0:c1] = part if step == (1, 1) else reduce_blocks(part, sr, sc)
    return found


def _progress(progress: bool | Progress, total: int) -> Callable[[int], Any]:
    """What reports the bands done: the caller's callable (given ``(done, total)``), a
    widget in a notebook, or a line of text on stderr."""
    if callable(progress):
        return lambda done: progress(done, total)
    if not progress:
        return lambda done: None
    if _in_kernel():
        import ipywidgets
        from IPython.display import display

        bar = ipywidgets.IntProgress(min=0, max=max(1, total), description="pyramid")
        label = ipywidgets.Label()
        display(ipywidgets.HBox([bar, label]))

        def widget(done: int) -> None:
            bar.value = done
            label.value = f"{done} / {total} bands"

        return widget

    def text(done: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rtokenheat pyramid: {done} / {total} bands", end=end, file=sys.stderr)

    return text


def _in_kernel() -> bool:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    return shell is not None and hasattr(shell, "kernel")


class Pyramid:
    """A finished pyramid, opened by :func:`open_pyramid`: ``levels`` (zarr arrays, level
    0 the values), ``factors`` (rows x columns of the source per cell of each level) and
    ``data_range`` (the finite minimum and maximum, found while level 0 was written).
    It has the source's ``shape``, and slicing reads level 0, so it is itself a source;
    :func:`tokenheat.downsample` reduces it from the coarsest level that serves."""

    def __init__(
        self,
        store: Any,
        levels: list[Any],
        factors: list[tuple[int, int]],
        tile: int,
        data_range: tuple[float, float] | None,
    ):
        self.store = store
        self.levels = levels
        self.factors = factors
        self.tile = tile
        #: The smallest and largest finite value (float32), None when all are NaN.
        self.data_range = data_range

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.levels[0].shape)  # type: ignore[return-value]

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.float32)

    ndim = 2

    def __getitem__(self, key: Any) -> np.ndarray:
        return self.levels[0][key]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """The values, read whole (``Heatmap`` does this for pyramids of at most
        ``MAX_CELLS`` cells only)."""
        return np.asarray(self.levels[0][...], dtype=dtype)

    def __repr__(self) -> str:
        rows, cols = self.shape
        levels = len(self.levels)
        return f"<tokenheat Pyramid of {rows} x {cols}, {levels} levels, at {self.store!r}>"

    def level_for(self, fr: int, fc: int) -> int:
        """The coarsest level whose cells are whole blocks of ``fr`` x ``fc``: its factors
        divide them (:meth:`window_level` of the whole matrix)."""
        rows, cols = self.shape
        return self.window_level((0, rows, 0, cols), fr, fc)

    def downsample(self, fr: int, fc: int) -> np.ndarray:
        """:func:`tokenheat.downsample` of the values, from the nearest level
        (:meth:`reduce_window` of the whole matrix)."""
        rows, cols = self.shape
        return self.reduce_window((0, rows, 0, cols), fr, fc)

    def window_level(self, window: tuple[int, int, int, int], fr: int, fc: int) -> int:
        """The coarsest level that gives the ``fr`` x ``fc`` blocks of ``window`` exactly:
        its factors divide the blocks, its cells start at the window's corner, and they
        end at the window's far edges (or the matrix's, where the window reaches them)."""
        best = 0
        for k, level in enumerate(self.factors):
            if gives_blocks(level, window, fr, fc, self.shape):
                best = k
        return best

    def reduce_window(self, window: tuple[int, int, int, int], fr: int, fc: int) -> np.ndarray:
        """The strongest value of each ``fr`` x ``fc`` block of ``window`` (``(r0, r1, c0,
        c1)`` of the source; blocks start at its corner, the last ones may be smaller),
        as :func:`tokenheat._blocks.reduce_blocks` of the values gives it, read from the
        coarsest level that gives it exactly (:meth:`window_level`): only the part of
        that level under the window is read."""
        rows, cols = self.shape
        r0, r1, c0, c1 = _sources.check_window(window, rows, cols)
        fr, fc = _sources.check_blocks(fr, fc)
        k = self.window_level((r0, r1, c0, c1), fr, fc)
        return level_blocks(self.levels[k], self.factors[k], (r0, r1, c0, c1), fr, fc)


def gives_blocks(
    level: tuple[int, int],
    window: tuple[int, int, int, int],
    fr: int,
    fc: int,
    shape: tuple[int, int],
) -> bool:
    """Whether a level of ``level`` source cells a cell gives the ``fr`` x ``fc`` blocks of
    ``window`` of a ``shape`` matrix exactly: its factors divide the blocks, its cells
    start at the window's corner, and they end at the window's far edges (or the
    matrix's, where the window reaches them).

    >>> gives_blocks((2, 2), (4, 10, 0, 7), 4, 2, (10, 7))
    True
    >>> gives_blocks((4, 4), (4, 10, 0, 7), 4, 2, (10, 7))
    False
    """
    lr, lc = level
    r0, r1, c0, c1 = window
    rows, cols = shape
    return (
        fr % lr == 0
        and fc % lc == 0
        and r0 % lr == 0
        and c0 % lc == 0
        and (r1 % lr == 0 or r1 == rows)
        and (c1 % lc == 0 or c1 == cols)
    )


def level_blocks(
    level: Any, factor: tuple[int, int], window: tuple[int, int, int, int], fr: int, fc: int
) -> np.ndarray:
    """The ``fr`` x ``fc`` blocks of ``window`` (source cells) from a level whose cells
    stand for ``factor`` source cells and give them exactly (:func:`gives_blocks`): only
    the level's cells under the window are read."""
    lr, lc = factor
    r0, r1, c0, c1 = window
    part = (r0 // lr, -(-r1 // lr), c0 // lc, -(-c1 // lc))
    return _sources.reduce_source(level, fr // lr, fc // lc, part)


def open_pyramid(store: Any) -> Pyramid:
    """Open a pyramid written by :func:`build_pyramid`, checking that its arrays are what
    its metadata says; an unfinished or mismatched one is refused with what to do."""
    zarr = _zarr()
    try:
        group = zarr.open_group(store, mode="r")
    except FileNotFoundError:
        raise FileNotFoundError(f"no tokenheat pyramid at {store!r}: nothing is there") from None
    held = group.attrs.get(FORMAT)
    if not isinstance(held, dict):
        raise ValueError(
            f"{store!r} is not a tokenheat pyramid (it has no {FORMAT!r} attribute); "
            "write one with tokenheat.build_pyramid(source, store)"
        )
    if held.get("version") != VERSION:
        raise ValueError(
            f"{store!r} is a tokenheat pyramid of version {held.get('version')!r}; this "
            f"tokenheat reads version {VERSION}: build it again"
        )
    plan = held["plan"]
    if not held.get("complete"):
        where = [
            f"level {k}: {n} of {-(-level['shape'][0] // plan['tile'])} bands"
            for k, (level, n) in enumerate(zip(plan["levels"], held["done"], strict=True))
        ]
        raise ValueError(
            f"the pyramid at {store!r} is unfinished ({'; '.join(where)}): run "
            "tokenheat.build_pyramid(source, store) again to resume it"
        )
    expected = _plan(tuple(plan["shape"]), plan["tile"])
    if [lv["factor"] for lv in plan["levels"]] != [lv["factor"] for lv in expected["levels"]]:
        raise ValueError(f"the pyramid at {store!r} names levels that do not fit its shape")
    levels = []
    for level in expected["levels"]:
        path = level["path"]
        try:
            array = group[path]
        except KeyError:
            raise ValueError(f"the pyramid at {store!r} has no array for level {path}") from None
        found = (tuple(array.shape), str(array.dtype), tuple(array.chunks))
        wanted = (tuple(level["shape"]), "float32", (plan["tile"], plan["tile"]))
        if found != wanted:
            raise ValueError(
                f"level {path} of the pyramid at {store!r} does not match its metadata: "
                f"shape {found[0]}, dtype {found[1]}, chunks {found[2]}; expected shape "
                f"{wanted[0]}, dtype {wanted[1]}, chunks {wanted[2]}"
            )
        levels.append(array)
    factors = [tuple(lv["factor"]) for lv in expected["levels"]]
    found = held.get("range")
    data_range = None if found is None else (float(found[0]), float(found[1]))
    return Pyramid(store, levels, factors, plan["tile"], data_range)  # type: ignore[arg-type]
