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
from tokenheat import _blocks, _data, _export_pixels, _lazy_stack, _tiles, downsample
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
    monkeypatch.setattr(_tiles, "TILE_SIDE", TILE)


@pytest.fixture
def pyramid(values, tmp_path):
    build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    return open_pyramid(tmp_path / "p.zarr")


def fixed_tiles(w: tokenheat.Heatmap, level, places, request_id: str = "v:1:0") -> dict:
    """The widget's answers to a view's request for ``places`` of a level's tiles, as the
    browser receives them: ``{(ti, tj): (content, values (P, h, w))}``."""
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    ask = {
        "type": "tiles",
        "id": request_id,
        "level": list(level),
        "tiles": [list(p) for p in places],
    }
    w._handle_request(None, ask, [])
    assert w._tiles.wait()  # answered on the tile thread
    out = {}
    for content, values in received(sent):
        out[tuple(content["tile"])] = (content, values)
    return out


def received(sent: list) -> list:
    """The tiles in the messages ``sent`` (``(content, buffers)``), as a view takes them:
    ``(content, values (P, h, w))`` each, ``content`` a tile's own (``tile``, ``window``,
    ``shape``) with its message's ``id``, ``block`` and ``panels``."""
    out = []
    for content, buffers in sent:
        if content["type"] not in ("tile", "tiles"):
            continue
        common = {k: v for k, v in content.items() if k not in ("type", "tiles")}
        for entry, buffer in zip(content.get("tiles", [content]), buffers, strict=True):
            one = {**common, **entry}
            values = np.frombuffer(buffer, dtype="<f4").reshape(-1, *one["shape"])
            out.append((one, values))
    return out


def mosaic_of(w: tokenheat.Heatmap, window: list[int], block: list[int]):
    """What a view of ``window`` that wants ``block`` draws once its tiles came
    (js/data/tilegrid.js): the tiles over it of the finest level at least as coarse as
    ``block``, put together; ``({"window", "block"}, values (P, h, w))``."""
    levels = [tuple(f) for f in w._tile_blocks]
    fr, fc = next((f for f in levels if f[0] >= block[0] and f[1] >= block[1]), levels[-1])
    side, (rows, cols) = w._tile_side, w._matrix.f32.shape[1:]
    ti0, ti1 = window[0] // (side * fr), -(-window[1] // (side * fr))
    tj0, tj1 = window[2] // (side * fc), -(-window[3] // (side * fc))
    places = [(i, j) for i in range(ti0, ti1) for j in range(tj0, tj1)]
    got = fixed_tiles(w, (fr, fc), places)
    assert sorted(got) == places
    for (ti, tj), (content, _) in got.items():
        assert content["window"] == list(_tiles.tile_window((fr, fc), (ti, tj), side, (rows, cols)))
    bands = [
        np.concatenate([got[i, j][1] for j in range(tj0, tj1)], axis=2) for i in range(ti0, ti1)
    ]
    r1, c1 = min(rows, ti1 * side * fr), min(cols, tj1 * side * fc)
    content = {"window": [ti0 * side * fr, r1, tj0 * side * fc, c1], "block": [fr, fc]}
    if "panels" in got[places[0]][0]:
        content["panels"] = got[places[0]][0]["panels"]
    return content, np.concatenate(bands, axis=1)


def cut_to(window: list[int], content: dict, values: np.ndarray):
    """The part of a mosaic (:func:`mosaic_of`) over ``window`` (whose corner is on a
    cell of its level): ``({"window", "block"}, values (P, h, w))``."""
    (fr, fc), (m0, _, n0, _) = content["block"], content["window"]
    assert (window[0] - m0) % fr == 0 and (window[2] - n0) % fc == 0
    rows, cols = content["window"][1], content["window"][3]
    r1 = min(rows, window[0] + -(-(window[1] - window[0]) // fr) * fr)
    c1 = min(cols, window[2] + -(-(window[3] - window[2]) // fc) * fc)
    a, b = (window[0] - m0) // fr, (window[2] - n0) // fc
    h, wd = -(-(r1 - window[0]) // fr), -(-(c1 - window[2]) // fc)
    cut = {**content, "window": [window[0], r1, window[2], c1]}
    return cut, values[:, a : a + h, b : b + wd]


def tile_of(w: tokenheat.Heatmap, window: list[int], block: list[int]):
    """What a one-panel view of ``window`` wanting ``block`` draws of it once its tiles
    came (:func:`mosaic_of`, :func:`cut_to`), its values 2-D."""
    content, values = cut_to(window, *mosaic_of(w, window, block))
    return content, values[0]


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


def test_a_levels_tiles_are_its_cells_read_a_batch_at_a_time_and_kept(
    small, values, pyramid
) -> None:
    """Tile (ti, tj) of a level is that level's cells under its window, equal to the
    brute-force reduction of the source; only that level is read, only under the tiles
    asked for (one box a batch); asked again, they come from the kernel's cache."""
    w = tokenheat.Heatmap(pyramid)
    side, shape = w._tile_side, (600, 340)
    assert side == TILE
    pyramid.levels = [Recorder(level) for level in pyramid.levels]
    rng = np.random.default_rng(5)
    for k, level in enumerate(pyramid.factors):
        down, across = _tiles.level_tiles(level, side, shape)
        i0, j0 = int(rng.integers(0, down)), int(rng.integers(0, across))
        i1, j1 = int(rng.integers(i0 + 1, down + 1)), int(rng.integers(j0 + 1, across + 1))
        places = [(i, j) for i in range(i0, i1) for j in range(j0, j1)]
        for again in (False, True):
            for recorder in pyramid.levels:
                recorder.reads.clear()
            got = fixed_tiles(w, level, places, f"v:1:{k}{again}")
            assert sorted(got) == places
            for place, (content, tile) in got.items():
                window = _tiles.tile_window(level, place, side, shape)
                assert content["window"] == list(window) and content["block"] == list(level)
                assert "panels" not in content  # (one matrix)
                np.testing.assert_array_equal(
                    tile[0], _blocks.reduce_blocks(values, *level, window)
                )
            read = [n for n, r in enumerate(pyramid.levels) if r.reads]
            if again:  # kept in the kernel
                assert read == []
                continue
            assert read == [k]  # the level's own cells, each read once
            cells = sum((a1 - a0) * (b1 - b0) for a0, a1, b0, b1 in pyramid.levels[k].reads)
            assert cells == sum(tile.size for _, tile in got.values())


def test_a_bad_tiles_request_is_ignored_and_logged(small, pyramid, caplog, monkeypatch) -> None:
    w = tokenheat.Heatmap(pyramid)
    down, across = _tiles.level_tiles((1, 1), TILE, (600, 340))
    good = {"type": "tiles", "id": "v:1:0", "level": [1, 1], "tiles": [[0, 0]]}
    bad = [
        {**good, "id": 3},
        {**good, "id": "x" * 201},
        {**good, "level": [3, 3]},  # not a level's factors
        {**good, "level": [1]},
        {**good, "tiles": []},
        {**good, "tiles": [[0, 0]] * 4097},
        {**good, "tiles": [[down, 0]]},
        {**good, "tiles": [[0, across]]},
        {**good, "tiles": [[-1, 0]]},
        {**good, "tiles": [[0, True]]},
        {**good, "tiles": [[0.5, 0]]},
        {**good, "tiles": "all"},
        {**good, "view": -1},
        {**good, "view": 2},  # more than it asks for
        {**good, "view": "all"},
        {**good, "view": True},
    ]
    sent: list = []
    w.send = lambda c, b=None: sent.append(c)  # type: ignore[method-assign]
    for content in bad:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="tokenheat"):
            w._handle_request(None, content, [])
            assert w._tiles.wait() and sent == []
        assert "ignored a bad tiles request" in caplog.text, content
    # a window's request: this matrix's tiles come fixed
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        w._handle_request(
            None, {"type": "tile", "id": "v", "window": [0, 9, 0, 9], "block": [1, 1]}, []
        )
    assert "this matrix's come fixed" in caplog.text
    # repeats are answered once, and those under the view (the first `view`) first
    monkeypatch.setattr(_tiles, "BATCH_CELLS", 4 * TILE * TILE)  # (2 x 2 tiles a batch)
    sent = []
    w.send = lambda c, b=None: sent.extend(t["tile"] for t, _ in received([(c, b)]))  # type: ignore[method-assign]
    w._handle_request(None, {**good, "tiles": [[0, 0], [1, 1], [0, 0]]}, [])
    assert w._tiles.wait() and sent == [[0, 0], [1, 1]]
    three = [[2, 0], [5, 5], [2, 1]]
    w._handle_request(None, {**good, "id": "v:1:1", "tiles": three}, [])
    assert w._tiles.wait() and sent[2:] == [[2, 0], [2, 1], [5, 5]]  # (one batch, one read)
    w._handle_request(None, {**good, "id": "v:1:2", "tiles": three, "view": 2}, [])
    assert w._tiles.wait() and sent[5:] == [[2, 0], [5, 5], [2, 1]]


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
    """While tiles are read, the kernel goes on; of a view's requests still waiting, the
    newest is answered (the older are stale), views in the order of their newest; one
    being answered stops once a newer one of its view comes."""
    w = tokenheat.Heatmap(pyramid)
    release, started = threading.Event(), threading.Event()
    sent: list[tuple[str, list[int]]] = []
    level = pyramid.levels[0]

    class Slow:  # a read waits until released, once started is cleared
        shape, dtype, ndim, chunks = level.shape, level.dtype, 2, level.chunks

        def __getitem__(self, key):
            if not started.is_set():
                started.set()
                assert release.wait(10)
            return level[key]

    pyramid.levels[0] = Slow()
    w.send = lambda content, buffers=None: sent.extend(  # type: ignore[method-assign]
        (tile["id"], tile["tile"]) for tile, _ in received([(content, buffers)])
    )

    def ask(request_id: str, places: list[list[int]]) -> None:
        content = {"type": "tiles", "id": request_id, "level": [1, 1], "tiles": places}
        w._handle_request(None, content, [])

    ask("a:1:0", [[0, 0]])
    assert started.wait(10)  # being read on the tile thread; the kernel's thread goes on
    ask("a:1:1", [[1, 0]])
    ask("b:1:0", [[2, 0]])
    ask("a:1:2", [[3, 0]])  # a's newest: 1 is stale, and 0 stops before it sends
    release.set()
    assert w._tiles.wait()
    assert sent == [("b:1:0", [2, 0]), ("a:1:2", [3, 0])] and w._tiles.dropped == 1
    # a read that fails is logged, and the next request is answered
    pyramid.levels[0] = None
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        ask("a:1:5", [[6, 0]])  # (not read before: nothing kept)
        assert w._tiles.wait()
    assert "could not answer a tile request" in caplog.text
    pyramid.levels[0] = level
    ask("a:1:6", [[5, 0]])
    assert w._tiles.wait() and sent[-1] == ("a:1:6", [5, 0])
    assert w._tiles._newest == {}  # (answered: the matrix is not kept for them)


def test_tiles_go_together_within_a_message_and_a_bigger_one_alone_in_parts() -> None:
    quarter = np.zeros((1, 256, 256), dtype="<f4")  # 256 KiB
    big = np.zeros((5, 256, 256), dtype="<f4")  # 1.25 MiB: more than one message holds
    window = (0, 256, 0, 256)
    found = [((0, j), window, quarter) for j in range(5)]
    found += [((1, 0), window, big), ((2, 0), window, quarter)]
    out = list(_tiles.messages("v:1:0", (1, 1), found, True))
    assert [(c["type"], places, len(b)) for places, c, b in out] == [
        ("tiles", [(0, 0), (0, 1), (0, 2), (0, 3)], 4),  # 1 MiB together
        ("tiles", [(0, 4)], 1),
        ("tile", [(1, 0)], 1),  # in two parts
        ("tile", [(1, 0)], 1),
        ("tiles", [(2, 0)], 1),
    ]
    first = out[0][1]
    assert first["block"] == [1, 1] and first["panels"] == 1 and first["id"] == "v:1:0"
    assert first["tiles"][1] == {"tile": [0, 1], "window": [0, 256, 0, 256], "shape": [256, 256]}
    assert [out[k][1]["part"] for k in (2, 3)] == [0, 1] and out[2][1]["panels"] == 5
