"""A Heatmap of a source too big to read whole and without a pyramid
(tokenheat._source_levels), on real memmaps, zarr arrays, h5py datasets and dask arrays:
``Heatmap(source)`` returns before the source is read; one pass on a thread fills in the
overview a band at a time (the rows not read yet are NaN there and reported in
``_rows_read``), the range and the default colour range follow it, and once read the
overview equals the brute-force max-|v| reduction, tiles equal the source cell by cell
(direct levels) or the reduction (kept levels); tiles of rows not read yet wait for them;
exports wait for the whole; a failed read is reported, not drawn. The size limits are made
small so that the sources stay small."""

from __future__ import annotations

import math
import threading
import tracemalloc

import numpy as np
import pytest

import tokenheat
from tokenheat import _data, _lazy_stack, _source_levels, _sources, _tiles, downsample
from tokenheat._export_pixels import shown_values
from tokenheat._source_levels import StillReading

from .test_pyramid import read_only_memmap, spiky
from .test_pyramid_heatmap import grid_rule, received, tile_of

zarr = pytest.importorskip("zarr")
h5py = pytest.importorskip("h5py")
da = pytest.importorskip("dask.array")

ROWS, COLS = 600, 500


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    return spiky(ROWS, COLS, 5, 60, 12, 10)


@pytest.fixture
def small(monkeypatch) -> None:
    """Limits for a 600 x 500 matrix to be read in the background: more than READ_CELLS,
    an overview of at most 2**12 cells, levels of at most 2**15 cells kept."""
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 2**16)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**12)
    monkeypatch.setattr(_tiles, "TILE_SIDE", 32)
    monkeypatch.setattr(_source_levels, "MEMORY_CELLS", 2**15)


def source_of(kind: str, values: np.ndarray, tmp_path):
    """``values`` as a read-only memmap, a zarr array, an h5py dataset (float64) or a dask
    array, chunked across rows and columns (and a panel a chunk, if it has panels)."""
    lead = (1,) * (values.ndim - 2)
    if kind == "zarr":
        z = zarr.create_array(store=str(tmp_path / "s.zarr"), shape=values.shape,
                              chunks=(*lead, 64, 100), dtype="f4")  # fmt: skip
        z[...] = values
        return zarr.open_array(str(tmp_path / "s.zarr"), mode="r")
    if kind == "h5py":
        with h5py.File(tmp_path / "s.h5", "w") as f:
            f.create_dataset("m", data=values.astype(np.float64), chunks=(*lead, 50, 50))
        return h5py.File(tmp_path / "s.h5", "r")["m"]
    if kind == "memmap":
        return read_only_memmap(tmp_path / "s.f4", values)
    return da.from_array(values, chunks=(*lead, 70, 60))


def overview_of(w: tokenheat.Heatmap) -> np.ndarray:
    return np.frombuffer(w._values, dtype="<f4").reshape(-(-w.shape[0] // w._block[0]), -1)


@pytest.mark.parametrize("kind", ["memmap", "zarr", "h5py", "dask"])
def test_once_read_it_equals_the_source(small, kind, values, tmp_path) -> None:
    source = source_of(kind, values, tmp_path)
    w = tokenheat.Heatmap(source)
    assert w.values is source and w.shape == (ROWS, COLS)
    assert w.wait_for_source(60) is True
    assert w._rows_read == -1 and w._read_error == ""
    # the levels served: read from the source up to 16 cells a cell, then the kept ones
    assert w._tile_blocks == [[1, 1], [2, 2], [4, 4], [8, 8], [16, 16]]
    assert w._block == [16, 16]
    np.testing.assert_array_equal(overview_of(w), downsample(values, (16, 16)))
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    assert w._data_range == [lo, hi] and (w.vmin, w.vmax) == (-60.0, 60.0)
    # zoomed in: the source's own cells; further out: the kept level's reduction
    content, got = tile_of(w, [100, 140, 200, 260], [1, 1])
    assert content["block"] == [1, 1]
    np.testing.assert_array_equal(got, values[100:140, 200:260])
    content, got = tile_of(w, [0, 200, 0, 200], [3, 3])
    assert content["block"] == [4, 4]  # the finest served at least as coarse
    np.testing.assert_array_equal(got, downsample(values[:200, :200], (4, 4)))
    # an export of a view of more cells than READ_CELLS draws from a kept level (the
    # coarsest no coarser than an export pixel's cells) as the browser draws a grid
    np.testing.assert_array_equal(
        shown_values(w, 60, 50), grid_rule(downsample(values, (8, 8)), w.view, 8, 8, 60, 50)
    )
    # an export of fewer reads the view, and draws what the matrix in memory draws
    w.view = (96, 160, 192, 288)
    png = w.to_png()
    same = tokenheat.Heatmap(values, vmin=w.vmin, vmax=w.vmax)
    same.view = w.view
    assert png == same.to_png()


class Gated:
    """A memmap (2-D, or panels) read only as far as ``allow`` rows (reads of later rows
    wait), recording each read's panel and rows in ``reads``; or failing at ``fail_at``."""

    def __init__(self, values: np.ndarray, fail_at: int | None = None) -> None:
        self.values, self.fail_at = values, fail_at
        self.shape, self.dtype, self.ndim = values.shape, values.dtype, values.ndim
        self.allowed = 0
        self.reads: list[tuple[int, ...]] = []
        self.cond = threading.Condition()

    def allow(self, rows: int) -> None:
        with self.cond:
            self.allowed = rows
            self.cond.notify_all()

    def __getitem__(self, key):
        *panel, rows, _ = key
        if self.fail_at is not None and rows.stop > self.fail_at:
            raise OSError("the disk went away")
        with self.cond:
            assert self.cond.wait_for(lambda: rows.stop <= self.allowed, 30), "never allowed"
            self.reads.append((*panel, rows.start, rows.stop))
        return self.values[key]


def wait_rows(w: tokenheat.Heatmap, rows: int) -> None:
    levels = _lazy_stack.LazyPanels.reading.fget(w._matrix.f32)  # type: ignore[attr-defined]
    for _ in range(3000):
        if w._rows_read == rows or (rows == -1 and levels.ended):
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"rows read {w._rows_read}, waited for {rows}")


def test_the_picture_fills_in_as_rows_are_read(small, values, monkeypatch) -> None:
    monkeypatch.setattr("tokenheat._widget_reading.READ_SHOWN_SECONDS", 0.0)
    source = Gated(values)
    w = tokenheat.Heatmap(source)  # returns while nothing can be read
    assert w._rows_read == 0 and w._data_range is None
    assert np.isnan(overview_of(w)).all()
    data, _ = w._repr_mimebundle_()
    assert "image/png" not in data  # no picture of what is not read
    with pytest.raises(StillReading, match=r"still being read \(0 of 600 rows, 0 %\)"):
        w.to_png()
    with pytest.raises(StillReading, match=r"wait_for_source\(\)"):
        w.to_rgba()
    # a tile of a kept level over rows not read yet waits for them
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    # (tiles of 32 x 32 level cells: rows 0:128 and 128:256 of the source)
    ask = {"type": "tiles", "id": "v:1:0", "level": [4, 4], "tiles": [[0, 0], [1, 0], [0, 1]]}
    w._handle_request(None, ask, [])
    assert w._tiles.wait() and sent == []
    band = 16  # the overview's rows: every band is whole cells of every kept level
    source.allow(3 * band)
    wait_rows(w, 3 * band)
    # the overview rows read go to the views as they come, in `rows` messages
    expected = downsample(values[: 3 * band], (16, 16))
    rows = np.full(expected.shape, np.inf, dtype=np.float32)
    for content, buffers in sent:
        assert content["type"] == "rows"  # (the tile still waits)
        a, b = content["rows"]
        rows[a:b] = np.frombuffer(buffers[0], dtype="<f4").reshape(b - a, -1)
    np.testing.assert_array_equal(rows, expected)
    assert np.isnan(overview_of(w)).all()  # the state gets the whole overview at the end
    read = values[: 3 * band]
    assert w._data_range == [float(np.nanmin(read)), float(np.nanmax(read))]
    assert (w.vmin, w.vmax) == (-np.abs(w._data_range).max(), np.abs(w._data_range).max())
    sent.clear()
    w._handle_request(None, {"type": "rows"}, [])  # a view made now asks for them all
    assert [content for content, _ in sent] == [{"type": "rows", "rows": [0, 3]}]
    assert not w.wait_for_source(0)
    sent.clear()
    source.allow(ROWS)
    assert w.wait_for_source(30)
    assert w._tiles.wait()
    tiles = received(sent)
    # answered once their rows were read, each once
    assert sorted(content["tile"] for content, _ in tiles) == [[0, 0], [0, 1], [1, 0]]
    for content, got in tiles:
        r0, r1, c0, c1 = content["window"]
        assert content["block"] == [4, 4] and r1 - r0 == 128
        np.testing.assert_array_equal(got[0], downsample(values[r0:r1, c0:c1], (4, 4)))
    assert w._rows_read == -1 and (w.vmin, w.vmax) == (-60.0, 60.0)
    np.testing.assert_array_equal(overview_of(w), downsample(values, (16, 16)))
    w.view = (0, 200, 0, 200)  # (the whole is more than the small READ_CELLS)
    assert "image/png" in w._repr_mimebundle_()[0]


def test_a_failed_read_is_shown_not_drawn(small, values, caplog) -> None:
    source = Gated(values, fail_at=100)
    source.allow(ROWS)
    w = tokenheat.Heatmap(source)
    with pytest.raises(OSError, match="the disk went away"):
        w.wait_for_source(30)
    wait_rows(w, -1)
    assert w._rows_read == 96  # six bands of 16 rows
    assert "reading rows 96:" in w._read_error and "the disk went away" in w._read_error
    assert np.isnan(overview_of(w)[6:]).all()  # nothing past it is drawn as data
    with pytest.raises(StillReading, match=r"failed at row 96 of 600: .*the disk went away"):
        w.to_png()
    assert "the disk went away" in caplog.text


def test_new_values_stop_the_pass(small, values) -> None:
    source = Gated(values)
    w = tokenheat.Heatmap(source)
    levels = w._matrix.f32.reading  # type: ignore[union-attr]
    w.values = np.eye(3)
    source.allow(ROWS)
    assert levels.wait(30) and not levels.done  # stopped after the band it was reading
    assert levels.rows_read < ROWS and w._rows_read == -1


def test_closing_the_widget_stops_the_pass(small, values) -> None:
    source = Gated(values)
    w = tokenheat.Heatmap(source)
    levels = w._matrix.f32.reading  # type: ignore[union-attr]
    w.close()
    source.allow(ROWS)
    assert levels.wait(30) and not levels.done  # stopped after the band it was reading
    assert levels.rows_read < ROWS


def test_a_source_over_2_40_cells_is_refused_and_one_that_fits_is_read_whole(
    small, values, monkeypatch
) -> None:
    monkeypatch.setattr(_data, "MAX_PYRAMID_CELLS", 200_000)
    with pytest.raises(ValueError, match=r"300,000 cells, more than the 200,000 \(2\*\*40\)"):
        tokenheat.Heatmap(Gated(values))
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 300_000)  # within it: read whole
    w = tokenheat.Heatmap(da.from_array(values, chunks=100))
    assert w._rows_read == -1 and w._tile_blocks == []
    np.testing.assert_array_equal(w.values, values)


def test_reading_takes_bounded_memory(tmp_path, monkeypatch) -> None:
    """A 4096 x 4096 memmap (64 MiB as float32) with the budgets scaled down 2**8 times:
    the pass, the overview and tiles down to cells allocate a few parts' and kept levels'
    worth, never the matrix; what is kept equals the brute-force reduction."""
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 2**18)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**14)
    monkeypatch.setattr(_source_levels, "MEMORY_CELLS", 2**18)
    monkeypatch.setattr(_sources, "PART_BYTES", 2**18)
    rows = cols = 4096
    mm = np.memmap(tmp_path / "m.f4", dtype="<f4", mode="w+", shape=(rows, cols))
    for r0 in range(0, rows, 512):
        mm[r0 : r0 + 512] = spiky(512, cols, r0, 30, 3, 2)
    mm.flush()
    source = np.memmap(tmp_path / "m.f4", dtype="<f4", mode="r", shape=(rows, cols))
    tracemalloc.start()
    try:
        w = tokenheat.Heatmap(source)
        assert w.wait_for_source(120)
        cells = tile_of(w, [2000, 2100, 3000, 3100], [1, 1])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * 2**20, f"peak {peak / 2**20:.1f} MiB for a 64 MiB matrix"
    fr, fc = w._block
    assert math.ceil(rows / fr) * math.ceil(cols / fc) <= 2**14
    np.testing.assert_array_equal(overview_of(w), downsample(np.asarray(source), (fr, fc)))
    np.testing.assert_array_equal(cells[1], source[2000:2100, 3000:3100])


def test_a_dask_source_is_read_where_dask_runs(small, values, dask_client) -> None:
    """With a Client on a LocalCluster of worker processes, each band's reduction and
    range is one dask computation whose tasks run on the workers."""
    import distributed

    with distributed.get_task_stream(dask_client) as stream:
        w = tokenheat.Heatmap(da.from_array(values.astype(np.float64), chunks=(70, 60)))
        assert w.wait_for_source(120)
        addresses = set(dask_client.scheduler_info()["workers"])
    np.testing.assert_array_equal(overview_of(w), downsample(values, (16, 16)))
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    assert w._data_range == [lo, hi]
    keys = [str(t["key"]) for t in stream.data]
    assert any("array-" in k for k in keys)  # the source's chunks, read on the workers
    workers = {t["worker"] for t in stream.data}
    assert workers and workers <= addresses


def test_a_value_too_big_for_float32_stops_the_pass_with_its_place(small, values) -> None:
    bad = values.astype(np.float64)
    bad[200, 70] = 1e39  # finite, but infinite as float32
    w = tokenheat.Heatmap(da.from_array(bad, chunks=(70, 60)))
    with pytest.raises(ValueError, match=r"the block of rows 200:204, columns 68:72 holds inf"):
        w.wait_for_source(60)
    wait_rows(w, -1)
    # bands of 144 rows: a quarter of the rows (dask chunks of 70 rows, lcm 560, make 2)
    assert "block of rows 200:204" in w._read_error and w._rows_read == 144


def test_a_pass_no_view_shows_pauses_until_one_does(small, values) -> None:
    """Views say when they show the read and when they go (a cell run again: ipywidgets
    keeps the widget): once the last is gone the pass waits after its band, and a view
    shown again (or wait_for_source) lets it go on."""
    source = Gated(values)
    w = tokenheat.Heatmap(source)
    w.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    levels = w._matrix.f32.reading  # type: ignore[union-attr]
    for kind, view in [("rows", "a"), ("rows", "b"), ("gone", "a"), ("gone", "nobody")]:
        w._handle_request(None, {"type": kind, "view": view}, [])
    source.allow(64)
    wait_rows(w, 64)  # "b" still shows it
    assert not levels.paused
    w._handle_request(None, {"type": "gone", "view": "b"}, [])
    assert levels.paused
    source.allow(ROWS)
    threading.Event().wait(0.5)
    assert levels.rows_read == 80 and not levels.ended  # the band it was reading, no more
    with pytest.raises(StillReading, match=r"80 of 600 rows, 13 %, paused while no view"):
        w.to_png()
    w._handle_request(None, {"type": "rows", "view": "c"}, [])
    assert w.wait_for_source(30) and levels.done


def test_waiting_for_a_paused_pass_lets_it_go_on(small, values) -> None:
    source = Gated(values)
    w = tokenheat.Heatmap(source)
    w.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    w._handle_request(None, {"type": "rows", "view": "a"}, [])
    w._handle_request(None, {"type": "gone", "view": "a"}, [])
    source.allow(ROWS)
    wait_rows(w, 16)  # the band it was reading, then it waits
    assert w._matrix.f32.reading.paused  # type: ignore[union-attr]
    assert w.wait_for_source(30) is True


def test_the_first_band_is_small_so_that_the_first_rows_show_soon(
    small, values, monkeypatch
) -> None:
    """Bands of whole 64-row chunks, but a first band of one overview row when 64 rows
    are more than FIRST_BAND_CELLS; the rest of the first chunks follows."""
    source = Gated(values)
    source.chunks = (64, 100)
    levels = _source_levels.SourceLevels(source)  # (not started)
    assert levels.bands()[:2] == [(0, 64), (64, 128)]  # 64 x 500 is within the default
    monkeypatch.setattr(_source_levels, "FIRST_BAND_CELLS", 16 * COLS)
    source.allow(ROWS)
    w = tokenheat.Heatmap(source)
    assert w.wait_for_source(60)
    assert [(a, b) for a, b in source.reads][:3] == [(0, 16), (16, 64), (64, 128)]
    np.testing.assert_array_equal(overview_of(w), downsample(values, (16, 16)))
