"""3-D and 4-D sources too big to read whole (tokenheat._source_levels over panels), on
real memmaps, zarr arrays, h5py datasets and dask arrays: ``Heatmap(source)`` returns
before anything is read and shows the panels; one pass reads a band of rows of every
panel at a time, so one ``_rows_read`` veils them all; the panels share the kept levels'
and the overview's budgets; once read, each panel's overview equals the brute-force
max-|v| reduction and a tile holds the same window of every panel, equal to the source
cell by cell (direct levels) or to the reduction (kept levels). The size limits are made
small so that the sources stay small."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import tokenheat
from tokenheat import _data, _lazy_stack, _source_levels, _sources, _tiles, downsample
from tokenheat._export_pixels import shown_values
from tokenheat._source_levels import StillReading

from .test_pyramid import read_only_memmap, spiky
from .test_pyramid_heatmap import cut_to, grid_rule, mosaic_of
from .test_source_levels import Gated, source_of

zarr = pytest.importorskip("zarr")
h5py = pytest.importorskip("h5py")
da = pytest.importorskip("dask.array")

LAYOUT, ROWS, COLS = (2, 3), 300, 250  # 450,000 cells in all


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    """2 x 3 panels, each with spikes of its own (panel p's are p + 1 times stronger)."""
    panels = [spiky(ROWS, COLS, 7 + p, 30 * (p + 1), 5, 4) for p in range(6)]
    return np.stack(panels).reshape(*LAYOUT, ROWS, COLS)


@pytest.fixture
def small(monkeypatch) -> None:
    """Limits for 6 panels of 300 x 250 to be read in the background: more than
    READ_CELLS in all, an overview of at most 2**13 cells in all, levels of at most 2**16
    cells in all kept."""
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 2**16)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**13)
    monkeypatch.setattr(_tiles, "TILE_SIDE", 32)
    monkeypatch.setattr(_source_levels, "MEMORY_CELLS", 2**16)


def overview_of(w: tokenheat.Heatmap) -> np.ndarray:
    fr, fc = w._block
    return np.frombuffer(w._values, dtype="<f4").reshape(6, -(-ROWS // fr), -(-COLS // fc))


def tiles_of(w: tokenheat.Heatmap, window: list[int], block: list[int]):
    """What a view of ``window`` wanting ``block`` draws of it once its tiles came
    (:func:`mosaic_of`, :func:`cut_to`): ``({"window", "block"}, values (P, h, w))``."""
    return cut_to(window, *mosaic_of(w, window, block))


@pytest.mark.parametrize("kind", ["memmap", "zarr", "h5py", "dask"])
def test_once_read_every_panel_equals_the_source(small, kind, values, tmp_path) -> None:
    source = source_of(kind, values, tmp_path)
    w = tokenheat.Heatmap(source)
    assert w.values is source and w.panel_layout == LAYOUT and w.shape == (ROWS, COLS)
    assert w.wait_for_source(60) is True
    assert w._rows_read == -1 and w._read_error == ""
    # per panel: an overview of at most 2**13 // 6 cells (8 x 8 blocks: 38 x 32), kept
    # levels from the finest of at most 2**16 // 6 (4 x 4 blocks: 75 x 63)
    assert w._tile_blocks == [[1, 1], [2, 2], [4, 4], [8, 8]]
    assert w._block == [8, 8]
    panels = values.reshape(6, ROWS, COLS)
    for p in range(6):
        np.testing.assert_array_equal(overview_of(w)[p], downsample(panels[p], (8, 8)))
    assert w._data_range == [float(np.nanmin(values)), float(np.nanmax(values))]
    # the same window of every panel: the source's own cells, then a kept level's blocks
    content, got = tiles_of(w, [100, 120, 200, 230], [1, 1])
    assert content["block"] == [1, 1] and content["panels"] == 6
    np.testing.assert_array_equal(got, panels[:, 100:120, 200:230])
    content, got = tiles_of(w, [0, 200, 0, 200], [3, 3])
    assert content["block"] == [4, 4]  # the finest level at least as coarse: a kept one
    for p in range(6):
        np.testing.assert_array_equal(got[p], downsample(panels[p, :200, :200], (4, 4)))
    # an export of one panel draws it as the browser draws its grid
    w.focus = (1, 2)
    np.testing.assert_array_equal(
        shown_values(w, 30, 30), grid_rule(overview_of(w)[5], w.view, 8, 8, 30, 30)
    )
    # a view of fewer than READ_CELLS cells reads them: as the stack in memory draws it
    w.view = (96, 160, 192, 240)
    same = tokenheat.Heatmap(values, vmin=w.vmin, vmax=w.vmax, focus=(1, 2))
    same.view = w.view
    assert w.to_png() == same.to_png()


def test_a_band_of_every_panel_is_read_before_the_next(small, values, monkeypatch) -> None:
    monkeypatch.setattr("tokenheat._widget_reading.READ_SHOWN_SECONDS", 0.0)
    source = Gated(values.reshape(6, ROWS, COLS))
    w = tokenheat.Heatmap(source)
    assert w.panel_layout == (6,) and w._rows_read == 0
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    source.allow(64)
    levels = w._matrix.f32.reading  # type: ignore[union-attr]
    for _ in range(3000):
        if levels.rows_read == 64:
            break
        threading_wait(0.01)
    assert levels.rows_read == 64
    # bands of 8 rows (one overview row), every panel's before the next band's
    assert [(p, a) for p, a, _ in source.reads[:12]] == [(p, a) for a in (0, 8) for p in range(6)]
    with pytest.raises(StillReading, match=r"64 of 300 rows"):
        w.to_png()
    # the rows sent: the same overview rows of every panel, panel-major
    rows = [(c["rows"], b[0]) for c, b in sent if c.get("type") == "rows"]
    assert rows and rows[0][0][0] == 0
    a, b = rows[-1][0]
    got = np.frombuffer(rows[-1][1], dtype="<f4").reshape(6, b - a, -1)
    panels = values.reshape(6, ROWS, COLS)
    for p in range(6):
        want = downsample(panels[p, a * 8 : b * 8], (8, 8))
        np.testing.assert_array_equal(got[p], want)
    w.close()  # the pass stops between two panels of its band
    source.allow(ROWS)
    assert levels.wait(30) and not levels.done and levels.rows_read < ROWS


def threading_wait(seconds: float) -> None:
    import threading

    threading.Event().wait(seconds)


def test_panels_share_the_memory_budget(tmp_path, monkeypatch) -> None:
    """16 panels of 1024 x 1024 (64 MiB as float32) with the budgets scaled down 2**8
    times: the pass keeps a few parts' and the shared kept levels' worth, never a panel
    more than a part at a time, and every panel's overview is its brute-force reduction."""
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 2**18)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**14)
    monkeypatch.setattr(_source_levels, "MEMORY_CELLS", 2**18)
    monkeypatch.setattr(_sources, "PART_BYTES", 2**18)
    monkeypatch.setattr(_tiles, "TILE_SIDE", 32)  # (16 panels' tiles of 2**14 cells)
    monkeypatch.setattr(_tiles, "BATCH_CELLS", 2**14)
    shape = (4, 4, 1024, 1024)
    mm = np.memmap(tmp_path / "m.f4", dtype="<f4", mode="w+", shape=shape)
    for i in range(4):
        for j in range(4):
            mm[i, j] = spiky(1024, 1024, 4 * i + j, 30, 3, 2)
    mm.flush()
    source = np.memmap(tmp_path / "m.f4", dtype="<f4", mode="r", shape=shape)
    tracemalloc.start()
    try:
        w = tokenheat.Heatmap(source)
        assert w.wait_for_source(120)
        _, cells = tiles_of(w, [500, 540, 600, 620], [1, 1])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * 2**20, f"peak {peak / 2**20:.1f} MiB for a 64 MiB stack"
    levels = w._matrix.f32.reading  # type: ignore[union-attr]
    kept = sum(level.nbytes for level in levels.levels if isinstance(level, np.ndarray))
    assert kept <= 4 * 2**18 * 4 / 3, kept  # MEMORY_CELLS in all, and the coarser levels
    fr, fc = w._block
    assert 16 * -(-1024 // fr) * -(-1024 // fc) <= 2**14
    overview = np.frombuffer(w._values, dtype="<f4").reshape(16, -(-1024 // fr), -1)
    for p in range(16):
        i, j = divmod(p, 4)
        np.testing.assert_array_equal(overview[p], downsample(np.asarray(source[i, j]), (fr, fc)))
    want = np.asarray(source[:, :, 500:540, 600:620]).reshape(16, 40, 20)
    np.testing.assert_array_equal(cells, want)


def test_a_dask_stack_is_read_where_dask_runs(small, values, dask_client) -> None:
    """With a Client on a LocalCluster of worker processes, each band of every panel is
    one dask computation whose tasks run on the workers."""
    import distributed

    with distributed.get_task_stream(dask_client) as stream:
        w = tokenheat.Heatmap(da.from_array(values.astype(np.float64), chunks=(1, 3, 70, 60)))
        assert w.wait_for_source(120)
        addresses = set(dask_client.scheduler_info()["workers"])
    panels = values.reshape(6, ROWS, COLS)
    for p in range(6):
        np.testing.assert_array_equal(overview_of(w)[p], downsample(panels[p], (8, 8)))
    workers = {t["worker"] for t in stream.data}
    assert workers and workers <= addresses


def test_a_bad_value_is_reported_with_its_panel(small, values, tmp_path) -> None:
    bad = values.copy()
    bad[1, 0, 210, 70] = np.inf
    w = tokenheat.Heatmap(read_only_memmap(tmp_path / "bad.f4", bad))
    with pytest.raises(ValueError, match=r"row 210, column 70 of panel \[1, 0\] of memmap"):
        w.wait_for_source(60)
    assert w._rows_read == 208 and "panel [1, 0]" in w._read_error


def test_limits_count_every_panel(small, values, monkeypatch) -> None:
    monkeypatch.setattr(_data, "MAX_PYRAMID_CELLS", 400_000)
    with pytest.raises(ValueError, match=r"450,000 cells, more than the 400,000 \(2\*\*40\)"):
        tokenheat.Heatmap(Gated(values.reshape(6, ROWS, COLS)))  # refused before reading
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 450_000)  # within it: read whole
    w = tokenheat.Heatmap(da.from_array(values, chunks=100))
    assert w._rows_read == -1 and w._tile_blocks == []
    np.testing.assert_array_equal(w.values, values)


def test_a_chunk_taller_than_a_quarter_of_the_rows_is_read_a_few_times(small, values) -> None:
    """Panels stored one chunk each (as attention often is): bands of a quarter of the
    rows, so each chunk is read 5 times here, not once per overview row (38 times)."""
    source = Gated(values.reshape(6, ROWS, COLS))
    source.chunks = (1, ROWS, COLS)
    source.allow(ROWS)
    w = tokenheat.Heatmap(source)
    assert w.wait_for_source(60)
    assert w._matrix.f32.reading.band_rows == 72  # type: ignore[union-attr]
    assert [(a, b) for p, a, b in source.reads if p == 0] == [
        (0, 72), (72, 144), (144, 216), (216, 288), (288, 300)
    ]  # fmt: skip
    np.testing.assert_array_equal(
        overview_of(w)[3], downsample(values.reshape(6, ROWS, COLS)[3], (8, 8))
    )


def test_a_list_of_sources_of_one_shape_is_read_as_a_row_of_panels(small, values, tmp_path) -> None:
    panels = values.reshape(6, ROWS, COLS)[:3]
    sources = [read_only_memmap(tmp_path / f"{i}.f4", panels[i]) for i in range(2)]
    sources.append(da.from_array(panels[2], chunks=(70, 60)))
    w = tokenheat.Heatmap(sources)
    assert w.values is sources and w.panel_layout == (3,) and w._rows_read == 0
    assert w.wait_for_source(60)
    fr, fc = w._block
    overview = np.frombuffer(w._values, dtype="<f4").reshape(3, -(-ROWS // fr), -1)
    for p in range(3):
        np.testing.assert_array_equal(overview[p], downsample(panels[p], (fr, fc)))
    _, got = tiles_of(w, [100, 120, 200, 230], [1, 1])
    np.testing.assert_array_equal(got, panels[:, 100:120, 200:230])


def test_a_list_of_sources_of_different_shapes_is_refused_before_reading(
    small, values, tmp_path
) -> None:
    panels = values.reshape(6, ROWS, COLS)
    wide = read_only_memmap(tmp_path / "a.f4", panels[0])
    narrow = read_only_memmap(tmp_path / "b.f4", panels[1, :, :200])
    with pytest.raises(ValueError, match=r"values\[1\] has shape \(300, 200\) where values\[0\]"):
        tokenheat.Heatmap([wide, narrow])


def test_a_list_of_pyramids_is_a_row_of_panels_drawn_from_their_levels(
    values, tmp_path, monkeypatch
) -> None:
    """Two pyramids of one shape: an overview of each from the level that fits both,
    tiles of the same window of both from their nearest level, never read whole."""
    from tokenheat.pyramid import build_pyramid, open_pyramid

    monkeypatch.setattr(_data, "SEND_CELLS", 10_000)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**12)
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 2**15)
    panels = values.reshape(6, ROWS, COLS)[:2]
    pyramids = []
    for i in range(2):
        build_pyramid(panels[i], tmp_path / f"{i}.zarr", tile=32, progress=False)
        pyramids.append(open_pyramid(tmp_path / f"{i}.zarr"))
    w = tokenheat.Heatmap(pyramids)
    assert w.values is pyramids and w.panel_layout == (2,)
    assert w._block == [8, 8]  # 38 x 32 cells a pyramid: both within 2**12
    assert w._tile_blocks == [list(f) for f in pyramids[0].factors]
    overview = np.frombuffer(w._values, dtype="<f4").reshape(2, 38, 32)
    for p in range(2):
        np.testing.assert_array_equal(overview[p], downsample(panels[p], (8, 8)))
    assert w._data_range == [float(np.nanmin(panels)), float(np.nanmax(panels))]
    content, got = tiles_of(w, [100, 140, 40, 80], [2, 2])
    fr, fc = content["block"]
    r0, r1, c0, c1 = content["window"]
    for p in range(2):
        np.testing.assert_array_equal(got[p], downsample(panels[p, r0:r1, c0:c1], (fr, fc)))
    with pytest.raises(_lazy_stack.TooBig, match=r"2 panels of 300 x 250"):
        w.to_rgba()  # 150,000 cells: more than READ_CELLS
    other = values.reshape(6, ROWS, COLS)[2, :, :200]
    build_pyramid(other, tmp_path / "o.zarr", tile=32, progress=False)
    with pytest.raises(ValueError, match=r"values\[1\] .* is 300 x 200 in levels of"):
        tokenheat.Heatmap([pyramids[0], open_pyramid(tmp_path / "o.zarr")])
