"""Big matrices: above SEND_CELLS the browser gets an overview of max-|v| blocks and,
on request, the window it shows at a finer block size (docs/architecture.md, "Big
matrices"). The limits are made small here; the browser test uses 20000 x 20000."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tokenheat import Heatmap, _blocks, _data, downsample


@pytest.fixture
def small_limits(monkeypatch):
    """A matrix of more than 1000 cells is 'big'; overviews and tiles hold <= 300 cells."""
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 300)


def sent_values(w: Heatmap) -> np.ndarray:
    shape = [-(-n // b) for n, b in zip(w._shape, w._block, strict=True)]
    return np.frombuffer(bytes(w._values), dtype="<f4").reshape(shape)


def request(w: Heatmap, **content):
    """Send the widget a tile request as the browser would; return its replies."""
    replies: list = []
    w.send = lambda msg, buffers=None: replies.append((msg, buffers))  # type: ignore[method-assign]
    w._handle_request(None, {"type": "tile", "id": "v:1:0", **content}, [])
    return replies


def strongest(block: np.ndarray) -> float:
    """The browser's rule: largest |v|, the positive of +x and -x, NaN if all are NaN."""
    v = block[~np.isnan(block)]
    if v.size == 0:
        return float("nan")
    return float(v[np.abs(v) == np.abs(v).max()].max())


def brute(values: np.ndarray, fr: int, fc: int, window=None) -> np.ndarray:
    r0, r1, c0, c1 = window or (0, values.shape[0], 0, values.shape[1])
    part = values[r0:r1, c0:c1]
    rows, cols = -(-part.shape[0] // fr), -(-part.shape[1] // fc)
    return np.array(
        [
            [strongest(part[i * fr : (i + 1) * fr, j * fc : (j + 1) * fc]) for j in range(cols)]
            for i in range(rows)
        ]
    ).reshape(rows, cols)


# ------------------------------------------------------------------------- overview
def test_a_small_matrix_is_sent_whole(small_limits) -> None:
    values = np.arange(1000.0).reshape(25, 40)
    w = Heatmap(values)
    assert w._block == [1, 1]
    np.testing.assert_array_equal(sent_values(w), values)
    assert request(w, window=[0, 5, 0, 5], block=[1, 1]) == []  # nothing to refine


def test_a_big_matrix_is_sent_as_an_overview_of_its_strongest_values(small_limits) -> None:
    values = np.random.default_rng(0).normal(size=(60, 45)).astype(np.float32)
    values[37, 11] = -40.0
    values[:7, :] = np.nan
    w = Heatmap(values, row_labels=[f"r{i}" for i in range(60)])
    fr, fc = w._block
    assert (fr, fc) != (1, 1) and w._shape == [60, 45]
    overview = sent_values(w)
    assert overview.size <= 300
    np.testing.assert_array_equal(overview, brute(values, fr, fc))
    assert overview[37 // fr, 11 // fc] == -40.0  # the strong cell is not lost
    # everything else is about the whole matrix, as before
    assert w.shape == (60, 45) and len(w.row_labels) == 60
    assert w._data_range == [-40.0, float(np.nanmax(values))]
    np.testing.assert_array_equal(w.to_rgba().shape, (60, 45, 4))


def test_a_long_thin_matrix_is_reduced_along_its_length_only(small_limits) -> None:
    w = Heatmap(np.ones((5000, 3)))
    assert w._block[1] == 1 and w._block[0] > 1
    assert sent_values(w).size <= 300


def test_the_overview_follows_new_values_and_goes_when_they_are_small(small_limits) -> None:
    w = Heatmap(np.zeros((50, 50)))
    assert w._block != [1, 1]
    big = np.zeros((50, 50))
    big[3, 4] = 7.0
    w.values = big
    assert sent_values(w).max() == 7.0
    w.values = np.full((10, 10), 2.0)
    assert w._block == [1, 1] and sent_values(w).shape == (10, 10)


# ---------------------------------------------------------------------------- tiles
def test_a_tile_holds_the_window_in_the_blocks_asked_for(small_limits) -> None:
    values = np.random.default_rng(1).normal(size=(80, 70))
    w = Heatmap(values)
    [(msg, buffers)] = request(w, window=[10, 22, 30, 41], block=[1, 1])
    assert msg == {
        "type": "tile",
        "id": "v:1:0",
        "window": [10, 22, 30, 41],
        "block": [1, 1],
        "shape": [12, 11],
    }
    tile = np.frombuffer(bytes(buffers[0]), dtype="<f4").reshape(12, 11)
    np.testing.assert_array_equal(tile, values[10:22, 30:41].astype(np.float32))


def test_a_tile_too_big_for_the_limit_gets_bigger_blocks(small_limits) -> None:
    values = np.random.default_rng(2).normal(size=(80, 70)).astype(np.float32)
    w = Heatmap(values)
    [(msg, buffers)] = request(w, window=[5, 65, 3, 50], block=[2, 1])
    fr, fc = msg["block"]
    assert fr >= 2 and fc >= 1 and (fr, fc) != (2, 1)
    rows, cols = msg["shape"]
    assert rows * cols <= 300 and (rows, cols) == (-(-60 // fr), -(-47 // fc))
    tile = np.frombuffer(bytes(buffers[0]), dtype="<f4").reshape(rows, cols)
    np.testing.assert_array_equal(tile, brute(values, fr, fc, (5, 65, 3, 50)))


@pytest.mark.parametrize(
    "content",
    [
        {"window": [0, 81, 0, 10], "block": [1, 1]},  # beyond the matrix
        {"window": [5, 5, 0, 10], "block": [1, 1]},  # empty
        {"window": [0, 10, 0, 10], "block": [0, 1]},  # no block
        {"window": [0, 10, 0], "block": [1, 1]},
        {"window": [0, 10.5, 0, 10], "block": [1, 1]},
        {"window": "all", "block": [1, 1]},
        {"window": [0, 10, 0, 10]},
        {"window": [True, 10, 0, 10], "block": [1, 1]},
    ],
)
def test_a_bad_tile_request_is_ignored_with_a_warning(small_limits, caplog, content) -> None:
    w = Heatmap(np.zeros((80, 70)))
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        assert request(w, **content) == []
    assert "bad tile request" in caplog.text


# ----------------------------------------------------------------- the block maths
windows = st.tuples(st.integers(0, 20), st.integers(1, 20), st.integers(0, 20), st.integers(1, 20))


@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=25),
        elements=st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False, width=32),
            st.just(float("nan")),
            st.sampled_from([-3.0, 3.0]),  # ties of +x and -x
        ),
    ),
    st.integers(1, 6),
    st.integers(1, 6),
    windows,
    st.integers(1, 50),
)
def test_reduce_blocks_matches_the_browsers_rule(values, fr, fc, window, chunk) -> None:
    rows, cols = values.shape
    r0, c0 = min(window[0], rows - 1), min(window[2], cols - 1)
    r1, c1 = min(rows, r0 + window[1]), min(cols, c0 + window[3])
    out = _blocks.reduce_blocks(values, fr, fc, (r0, r1, c0, c1), chunk=chunk)
    assert out.dtype == values.dtype
    np.testing.assert_array_equal(out, brute(values, fr, fc, (r0, r1, c0, c1)))


@settings(deadline=None)
@given(st.integers(1, 10**6), st.integers(1, 10**6), st.integers(1, 5000), st.integers(1, 9))
def test_block_factors_fit_and_are_about_the_smallest(rows, cols, cells, start) -> None:
    fr, fc = _blocks.block_factors((rows, cols), cells, (start, 1))
    assert fr >= start and fc >= 1
    n = -(-rows // fr) * -(-cols // fc)
    assert n <= cells
    # not much coarser than needed: a quarter of the cells would fit in the limit
    assert n * 4 > min(cells, -(-rows // start) * cols) or n == 1


def test_downsample_keeps_float32_and_prefers_the_positive_of_a_tie() -> None:
    out = downsample(np.array([[-3.0, 3.0], [1.0, -2.0]], dtype=np.float32), 2)
    assert out.dtype == np.float32 and out[0, 0] == 3.0
    assert downsample([[1, -2]], (1, 2)).dtype == np.float64


def test_the_documented_limits() -> None:
    from tokenheat import MAX_CELLS

    assert MAX_CELLS == 2**31
    assert _data.SEND_CELLS == 2**24 and _data.TILE_CELLS == 2**22


def test_reassigning_a_mutated_array_redraws() -> None:
    values = np.zeros((3, 3))
    w = Heatmap(values)
    values[1, 1] = 5.0
    w.values = values
    assert sent_values(w)[1, 1] == 5.0


def test_memory_for_a_big_matrix_stays_within_twice_the_float32_matrix(small_limits) -> None:
    import tracemalloc

    values = np.random.default_rng(2).normal(size=(1000, 1500))
    for given_ in (values, values.astype(np.float32)):
        tracemalloc.start()
        try:
            w = Heatmap(given_)
            request(w, window=[0, 1000, 0, 1500], block=[1, 1])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert w._block != [1, 1]
        assert peak < 2.1 * values.size * 4, (given_.dtype, peak / (values.size * 4))
