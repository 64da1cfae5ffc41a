"""A Heatmap of a pyramid too big to send whole (tokenheat._lazy_stack), on real zarr
stores: it opens from the finest level within TILE_CELLS, tiles come from the nearest
level and equal the brute-force reduction while reading only that level under the window,
its range is the pyramid's, Python exports read only the view, and what would read it
whole (normalisation, exports of a whole view over READ_CELLS) is refused with what to do.
The size limits are made small so that the stores stay small."""

from __future__ import annotations

import logging
import math
import threading
import tracemalloc

import numpy as np
import pytest

import tokenheat
from tokenheat import _blocks, _data, _export_pixels, _lazy_stack, downsample
from tokenheat._export_pixels import pixel_ranges, shown_values
from tokenheat.pyramid import build_pyramid, open_pyramid

from .test_pyramid import Recorder, spiky

zarr = pytest.importorskip("zarr")

TILE = 32


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    return spiky(600, 340, 3, 50, 20, 9)


@pytest.fixture
def small(monkeypatch) -> None:
    """Limits for a 600 x 340 matrix to be big: sent as an overview of at most 2**12
    cells, tiles of at most 2**12, exports of at most 2**15 cells."""
    monkeypatch.setattr(_data, "SEND_CELLS", 10_000)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**12)
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", 2**15)


@pytest.fixture
def pyramid(values, tmp_path):
    build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    return open_pyramid(tmp_path / "p.zarr")


def tile_of(w: tokenheat.Heatmap, window: list[int], block: list[int]):
    """The widget's answer to a view's tile request, as the browser receives it."""
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    w._handle_request(None, {"type": "tile", "id": "v:1:0", "window": window, "block": block}, [])
    assert w._tiles.wait()  # answered on the tile thread
    assert len(sent) == 1
    content, buffers = sent[0]
    h, wd = content["shape"]
    return content, np.frombuffer(buffers[0], dtype="<f4").reshape(h, wd)


def test_it_opens_from_the_finest_level_that_fits_an_overview(small, values, pyramid) -> None:
    w = tokenheat.Heatmap(pyramid)
    assert w.values is pyramid and w.shape == (600, 340)
    fr, fc = w._block
    assert (fr, fc) in pyramid.factors and math.ceil(600 / fr) * math.ceil(340 / fc) <= 2**12
    finer = pyramid.factors[pyramid.factors.index((fr, fc)) - 1]
    assert math.ceil(600 / finer[0]) * math.ceil(340 / finer[1]) > 2**12  # the finest that fits
    overview = np.frombuffer(w._values, dtype="<f4").reshape(math.ceil(600 / fr), -1)
    np.testing.assert_array_equal(overview, downsample(values, (fr, fc)))
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    assert w._data_range == [lo, hi] and (w.vmin, w.vmax) == (-max(-lo, hi), max(-lo, hi))
    assert w._exact_available is False and not len(w._norms)
    with pytest.raises(TypeError, match="read a window at a time"):
        np.asarray(w._matrix.f32)  # never whole, even by accident
    assert w._norm_ranges == {"none": [lo, hi], "row": None, "column": None, "panel": None}
    assert w.row_labels[-1] == "599" and w.column_labels[-1] == "339"
    # the blocks tiles come in, so the browser does not ask for the overview's own again
    assert w._tile_blocks == [list(f) for f in pyramid.factors]
    assert tokenheat.Heatmap(values)._tile_blocks == []


def test_tiles_come_from_the_nearest_level_and_equal_the_brute_force(
    small, values, pyramid
) -> None:
    w = tokenheat.Heatmap(pyramid)
    pyramid.levels = [Recorder(level) for level in pyramid.levels]
    rng = np.random.default_rng(5)
    cases = [([0, 600, 0, 340], [1, 1]), ([101, 333, 7, 339], [3, 5]), ([10, 60, 20, 90], [1, 1])]
    for _ in range(40):
        r0, c0 = int(rng.integers(0, 599)), int(rng.integers(0, 339))
        window = [r0, int(rng.integers(r0 + 1, 601)), c0, int(rng.integers(c0 + 1, 341))]
        cases.append((window, [int(rng.integers(1, 40)), int(rng.integers(1, 40))]))
    for window, block in cases:
        for recorder in pyramid.levels:
            recorder.reads.clear()
        content, got = tile_of(w, window, block)
        block = tuple(block)
        r0, r1, c0, c1 = content["window"]
        fr, fc = content["block"]
        # it covers the view asked for, in blocks no finer than asked, within TILE_CELLS
        assert r0 <= window[0] and window[1] <= r1 and c0 <= window[2] and window[3] <= c1
        assert fr >= block[0] and fc >= block[1] and got.size <= 2**12
        np.testing.assert_array_equal(got, _blocks.reduce_blocks(values, fr, fc, (r0, r1, c0, c1)))
        # one level is read, only under the window: the finest at least as coarse as the
        # block asked for (grown to fit), so the tile is that level's cells as they are
        read = [k for k, r in enumerate(pyramid.levels) if r.reads]
        assert len(read) == 1, (window, block, read)
        lr, lc = pyramid.factors[read[0]]
        assert fr % lr == 0 and fc % lc == 0 and r0 % lr == 0 and c0 % lc == 0
        finer = pyramid.factors[read[0] - 1] if read[0] else (0, 0)
        grown = _blocks.block_factors((window[1] - window[0], window[3] - window[2]), 2**12, block)
        assert not (finer[0] >= grown[0] and finer[1] >= grown[1])  # none finer would do
        cells = sum((a1 - a0) * (b1 - b0) for a0, a1, b0, b1 in pyramid.levels[read[0]].reads)
        assert cells == math.ceil((r1 - r0) / lr) * math.ceil((c1 - c0) / lc)
        if (fr, fc) == (lr, lc):
            assert cells == got.size


def test_normalisation_is_refused_with_what_to_do(small, values, pyramid) -> None:
    refused = r"normalize='row' is not available for the 600 x 340 pyramid"
    with pytest.raises(ValueError, match=refused):
        tokenheat.Heatmap(pyramid, normalize="row")
    w = tokenheat.Heatmap(pyramid)
    with pytest.raises(ValueError, match="use normalize=None"):
        w.normalize = "column"
    assert w.normalize is None
    m = tokenheat.Heatmap(values[:50, :50], normalize="panel")
    with pytest.raises(ValueError, match="normalize='panel' is not available"):
        m.values = pyramid
    assert m.values.shape == (50, 50)


def test_exports_read_only_the_view_and_match_the_matrix_in_memory(small, values, pyramid) -> None:
    w = tokenheat.Heatmap(pyramid, title="pyramid")
    m = tokenheat.Heatmap(values, title="pyramid")
    lazy = w._matrix.f32.lazy  # type: ignore[union-attr]  (it reads the finest level)
    levels = pyramid.levels
    for view in ([100, 180, 40, 140], [0, 300, 0, 100]):  # zoomed in, and out within READ_CELLS
        w.view = m.view = view
        pyramid.levels = [Recorder(level) for level in levels]
        lazy._f32 = finest = Recorder(levels[0])
        assert w.to_png() == m.to_png()
        assert finest.reads and not any(r.reads for r in pyramid.levels)
        r0, r1, c0, c1 = view
        for a0, a1, b0, b1 in finest.reads:
            assert r0 <= a0 < a1 <= r1 and c0 <= b0 < b1 <= c1


def grid_rule(grid: np.ndarray, view, fr: int, fc: int, width: int, height: int) -> np.ndarray:
    """The browser's drawing of a grid of fr x fc blocks (js/data/lod.js inGrid, then the
    pixel rule), pixel by pixel: the strongest grid cell each pixel overlaps."""
    r0, r1, c0, c1 = view
    rlo, rhi = pixel_ranges(r0 / fr, r1 / fr, grid.shape[0], height)
    clo, chi = pixel_ranges(c0 / fc, c1 / fc, grid.shape[1], width)
    out = np.empty((height, width), dtype=np.float32)
    for y in range(height):
        for x in range(width):
            cells = grid[rlo[y] : rhi[y] + 1, clo[x] : chi[x] + 1]
            out[y, x] = _blocks.reduce_blocks(cells, *cells.shape)[0, 0]
    return out


@pytest.fixture
def wide(tmp_path):
    """A 2000 x 1200 pyramid (its first view is zoomed out at any export size) and its values."""
    rng = np.random.default_rng(8)
    v = rng.normal(size=(2000, 1200)).astype(np.float32)
    v[rng.integers(0, 2000, 30), rng.integers(0, 1200, 30)] = -60
    build_pyramid(v, tmp_path / "wide.zarr", tile=TILE, progress=False)
    return v, open_pyramid(tmp_path / "wide.zarr")


def test_a_view_over_the_read_limit_is_drawn_from_a_level(small, wide, caplog) -> None:
    values, pyramid = wide
    w = tokenheat.Heatmap(pyramid)
    fr, fc = w._block  # the overview's level: what the browser draws of the whole matrix
    k = pyramid.factors.index((fr, fc))
    overview = downsample(values, (fr, fc))
    width, height = 30, 50  # 40 cells per pixel: the overview (32 x 32) is fine enough
    pyramid.levels = [Recorder(level) for level in pyramid.levels]
    got = shown_values(w, width, height)
    np.testing.assert_array_equal(got, grid_rule(overview, w.view, fr, fc, width, height))
    assert [bool(r.reads) for r in pyramid.levels] == [j == k for j in range(len(pyramid.levels))]
    # the output carries the PNG fallback, drawn so, and nothing is logged
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        data, _ = w._repr_mimebundle_()
    assert "image/png" in data and not caplog.records

    # zoomed in past the overview's blocks, over READ_CELLS: the coarsest level no coarser
    # than a pixel's cells, read only under the view
    w.view = [100.5, 400.25, 30.0, 330.0]  # 300 x 300 cells, 2 to 3 per pixel
    for r in pyramid.levels:
        r.reads.clear()
    got = shown_values(w, 120, 110)
    np.testing.assert_array_equal(
        got, grid_rule(downsample(values, (2, 2)), w.view, 2, 2, 120, 110)
    )
    assert [bool(r.reads) for r in pyramid.levels] == [j == 1 for j in range(len(pyramid.levels))]
    for a0, a1, b0, b1 in pyramid.levels[1].reads:
        assert 100 // 2 <= a0 < a1 <= 401 // 2 + 1 and 30 // 2 <= b0 < b1 <= 330 // 2

    # the colours of the whole matrix would read it whole: refused, with what to do
    with pytest.raises(ValueError, match=r"read 2,400,000 cells of the 2,000 x 1,200 pyramid"):
        w.to_rgba()


def test_a_view_the_overview_draws_is_exported_from_it_within_the_read_limit(
    small, wide, monkeypatch
) -> None:
    """A view with few enough cells to read that the browser draws from the overview (its
    blocks no bigger than a pixel's cells) is exported from the overview too, as the
    browser draws it, reading only the overview's cells: not every cell of the view (a
    first paint of seconds for a pyramid of up to READ_CELLS, its PNG read from the finest
    level)."""
    values, pyramid = wide
    monkeypatch.setattr(_lazy_stack, "READ_CELLS", values.size)  # the whole view is readable
    w = tokenheat.Heatmap(pyramid)
    fr, fc = w._block
    k = pyramid.factors.index((fr, fc))
    pyramid.levels = [Recorder(level) for level in pyramid.levels]
    width, height = 30, 50  # 40 cells per pixel: the overview (32 x 32) is fine enough
    got = shown_values(w, width, height)
    np.testing.assert_array_equal(
        got, grid_rule(downsample(values, (fr, fc)), w.view, fr, fc, width, height)
    )
    assert [bool(r.reads) for r in pyramid.levels] == [j == k for j in range(len(pyramid.levels))]

    # zoomed in past the overview's blocks, within READ_CELLS: the view's own cells (read
    # through the matrix's reader of the finest level)
    w.view = [100.5, 400.25, 30.0, 330.0]
    for r in pyramid.levels:
        r.reads.clear()
    lazy = w._matrix.f32.lazy  # type: ignore[union-attr]
    lazy._f32 = finest = Recorder(lazy._f32)
    m = tokenheat.Heatmap(values)
    m.view = w.view
    np.testing.assert_array_equal(shown_values(w, 120, 110), shown_values(m, 120, 110))
    assert finest.reads and not any(r.reads for r in pyramid.levels)
    for a0, a1, b0, b1 in finest.reads:
        assert 100 <= a0 < a1 <= 401 and 30 <= b0 < b1 <= 330


def test_an_export_reads_a_pyramid_in_bands_of_whole_chunk_rows(small, wide, monkeypatch) -> None:
    """The cells of a view are read two storage chunks' rows at a time (not bands of a
    row or so, which would read each chunk row once per band): an 8192² view exported at
    2400 pixels took 5.2 s in bands of 1 MiB, 0.8 s so."""
    values, pyramid = wide  # stored in 32 x 32 chunks
    w = tokenheat.Heatmap(pyramid)
    monkeypatch.setattr(_export_pixels, "BAND_CELLS", 64)  # a row of the view at most
    monkeypatch.setattr(_data, "TILE_CELLS", 2**16)
    lazy = w._matrix.f32.lazy  # type: ignore[union-attr]
    lazy._f32 = finest = Recorder(lazy._f32)
    w.view = [0, 150, 0, 200]  # 30,000 cells: read (READ_CELLS is 2**15 here)
    m = tokenheat.Heatmap(values)
    m.view = w.view
    np.testing.assert_array_equal(shown_values(w, 200, 150), shown_values(m, 200, 150))
    rows = [a1 - a0 for a0, a1, _, _ in finest.reads]
    assert len(rows) == 3 and all(r >= 64 for r in rows[:-1]), rows


def test_a_pyramid_that_fits_is_read_whole_as_before(values, pyramid) -> None:
    w = tokenheat.Heatmap(pyramid)  # 204,000 cells: sent whole
    np.testing.assert_array_equal(w.values, values)
    assert w._block == [1, 1]


def test_a_plain_source_too_big_for_memory_is_read_in_the_background(tmp_path) -> None:
    """(tests/test_source_levels.py has the rest.)"""
    big = zarr.create_array(
        tmp_path / "big.zarr", shape=(2**16, 2**16), chunks=(4096, 4096), dtype="f4"
    )
    w = tokenheat.Heatmap(big)  # returns at once: 2**32 cells are read on a thread
    levels = w._matrix.f32.reading  # type: ignore[union-attr]
    assert w.values is big and w._rows_read >= 0 and w._block == [32, 32]
    w.values = np.eye(2)  # which stops the pass
    assert levels.wait(60) and not levels.done


def test_a_pyramid_over_2_40_cells_is_refused(small, pyramid, monkeypatch) -> None:
    monkeypatch.setattr(_data, "MAX_PYRAMID_CELLS", 200_000)
    with pytest.raises(ValueError, match=r"600 x 340 = 204,000 cells, more than the 200,000"):
        tokenheat.Heatmap(pyramid)


def test_showing_a_pyramid_at_the_real_limits_takes_bounded_memory(tmp_path) -> None:
    """A 8192 x 4096 memmap (2**25 cells, 128 MiB as float32: more than SEND_CELLS) as a
    pyramid: showing it, answering tiles from the whole view down to cells and exporting
    the first view allocate a few overviews' and tiles' worth, never the matrix; the
    overview and the tiles equal the brute-force reduction of the source, the cells the
    source itself."""
    rows, cols = 8192, 4096
    source = np.memmap(tmp_path / "m.f32", dtype="<f4", mode="w+", shape=(rows, cols))
    i = np.arange(rows, dtype=np.float32)[:, None]
    for c0 in range(0, cols, 1024):  # a smooth field, written a band at a time
        j = np.arange(c0, c0 + 1024, dtype=np.float32)[None, :]
        source[:, c0 : c0 + 1024] = np.sin(i / 700) * np.cos(j / 300)
    source[5000, 3000], source[100, 4000] = 9.0, -9.0
    source.flush()
    values = np.memmap(tmp_path / "m.f32", dtype="<f4", mode="r", shape=(rows, cols))
    build_pyramid(values, tmp_path / "p.zarr", progress=False)
    tracemalloc.start()
    try:
        w = tokenheat.Heatmap(open_pyramid(tmp_path / "p.zarr"))
        answers = [
            tile_of(w, [0, rows, 0, cols], [20, 20]),
            tile_of(w, [4000, 6000, 2000, 4000], [3, 3]),
            tile_of(w, [4990, 5010, 2990, 3010], [1, 1]),
        ]
        data, _ = w._repr_mimebundle_()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MiB for a 128 MiB matrix"
    assert "image/png" in data
    fr, fc = w._block
    overview = np.frombuffer(w._values, dtype="<f4").reshape(-(-rows // fr), -(-cols // fc))
    np.testing.assert_array_equal(overview, _blocks.reduce_blocks(values, fr, fc))
    for content, got in answers:
        r0, r1, c0, c1 = content["window"]
        np.testing.assert_array_equal(
            got, _blocks.reduce_blocks(values, *content["block"], (r0, r1, c0, c1))
        )
    content, got = answers[-1]
    assert content["block"] == [1, 1] and got[10, 10] == 9.0
    r0, r1, c0, c1 = content["window"]
    np.testing.assert_array_equal(got, values[r0:r1, c0:c1])


def test_tiles_are_answered_off_the_kernel_thread_newest_per_view(small, pyramid, caplog) -> None:
    """While one tile is read, the kernel goes on; of a view's requests still waiting, the
    newest is answered (the older are stale), views in the order of their newest."""
    w = tokenheat.Heatmap(pyramid)
    release, started = threading.Event(), threading.Event()
    sent: list[str] = []
    level = pyramid.levels[0]

    class Slow:  # the first read waits until released
        shape, dtype, ndim, chunks = level.shape, level.dtype, 2, level.chunks

        def __getitem__(self, key):
            if not started.is_set():
                started.set()
                assert release.wait(10)
            return level[key]

    pyramid.levels[0] = Slow()
    w.send = lambda content, buffers=None: sent.append(content["id"])  # type: ignore[method-assign]

    def ask(request_id: str, window: list[int]) -> None:
        content = {"type": "tile", "id": request_id, "window": window, "block": [1, 1]}
        w._handle_request(None, content, [])

    ask("a:1:0", [0, 20, 0, 20])
    assert started.wait(10)  # being read on the tile thread; the kernel's thread goes on
    ask("a:1:1", [20, 40, 0, 20])
    ask("b:1:0", [40, 60, 0, 20])
    ask("a:1:2", [60, 80, 0, 20])  # a's newest: 1 is stale
    release.set()
    assert w._tiles.wait()
    assert sent == ["a:1:0", "b:1:0", "a:1:2"] and w._tiles.dropped == 1
    # a read that fails is logged, and the next request is answered
    pyramid.levels[0] = None
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        ask("a:1:3", [200, 220, 0, 20])  # (not read before: nothing kept)
        assert w._tiles.wait()
    assert "could not answer a tile request" in caplog.text
    pyramid.levels[0] = level
    ask("a:1:4", [100, 120, 0, 20])
    assert w._tiles.wait() and sent[-1] == "a:1:4"
