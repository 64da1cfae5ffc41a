"""Matrices read a window at a time (tokenheat._lazy): every kind of source and a pyramid
give, as float32, the values of a window, its max-|v| blocks and the finite range that
the same matrix held in memory gives; what was read is kept in an LRU cache within its
byte budget; values that float32 cannot hold are refused with their place."""

from __future__ import annotations

import numpy as np
import pytest

from tokenheat import _blocks
from tokenheat._lazy import LazyMatrix, TileCache
from tokenheat.pyramid import build_pyramid, open_pyramid

from .test_pyramid import read_only_memmap

zarr = pytest.importorskip("zarr")
h5py = pytest.importorskip("h5py")
da = pytest.importorskip("dask.array")


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    """float64 noise with strong cells of both signs, NaN, and a NaN corner."""
    rng = np.random.default_rng(8)
    v = rng.normal(size=(230, 190))
    v[rng.integers(0, 230, 12), rng.integers(0, 190, 12)] = 30
    v[rng.integers(0, 230, 12), rng.integers(0, 190, 12)] = -30
    v[rng.integers(0, 230, 9), rng.integers(0, 190, 9)] = np.nan
    v[:20, :30] = np.nan
    return v


def source_of(kind: str, values: np.ndarray, tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    if kind == "zarr":
        z = zarr.create_array(store=str(tmp_path / "s.zarr"), shape=values.shape,
                              chunks=(64, 50), dtype="f4")  # fmt: skip
        z[...] = values
        return zarr.open_array(str(tmp_path / "s.zarr"), mode="r")
    if kind in ("h5py", "h5py-int"):
        data = values if kind == "h5py" else np.nan_to_num(values * 100).astype(np.int16)
        with h5py.File(tmp_path / "s.h5", "w") as f:
            chunks = (min(50, data.shape[0]), min(40, data.shape[1]))
            f.create_dataset("m", data=data, chunks=chunks)
        return h5py.File(tmp_path / "s.h5", "r")["m"]
    if kind == "memmap":
        return read_only_memmap(tmp_path / "s.f4", values)
    if kind == "dask":
        return da.from_array(values, chunks=(70, 60))
    build_pyramid(values.astype(np.float32), tmp_path / "p.zarr", tile=32, progress=False)
    return open_pyramid(tmp_path / "p.zarr")


KINDS = ["zarr", "h5py", "h5py-int", "memmap", "dask", "pyramid"]
WINDOWS = [None, (0, 230, 0, 190), (17, 200, 3, 150), (64, 128, 32, 96), (229, 230, 0, 1)]


@pytest.mark.parametrize("kind", KINDS)
def test_windows_blocks_and_range_equal_the_matrix_in_memory(kind, values, tmp_path) -> None:
    source = source_of(kind, values, tmp_path)
    m = LazyMatrix(source)
    f32 = (values if kind != "h5py-int" else np.nan_to_num(values * 100).astype(np.int16)).astype(
        np.float32
    )
    assert m.shape == (230, 190)
    np.testing.assert_array_equal(m.window(17, 200, 3, 150), f32[17:200, 3:150])
    for window in WINDOWS:
        for fr, fc in [(1, 1), (2, 2), (3, 7), (32, 16), (64, 64), (500, 500)]:
            got = m.reduce(fr, fc, window)
            assert got.dtype == np.float32 and not got.flags.writeable
            np.testing.assert_array_equal(got, _blocks.reduce_blocks(f32, fr, fc, window))
    assert m.data_range() == (float(np.nanmin(f32)), float(np.nanmax(f32)))


def test_float64_is_cast_before_its_blocks_are_reduced(tmp_path) -> None:
    # -1.00000002 is the stronger float64, but as float32 both are 1.0 in magnitude, and
    # of +x and -x the rule keeps +x: the browser draws the float32 matrix
    values = np.array([[1.00000001, -1.00000002], [0.5, 0.25]])
    for source in (source_of("h5py", values, tmp_path), da.from_array(values, chunks=1)):
        assert LazyMatrix(source).reduce(2, 2)[0, 0] == np.float32(1.0)


def test_an_all_nan_source_has_no_range(tmp_path) -> None:
    values = np.full((40, 30), np.nan)
    for kind in ("h5py", "dask", "pyramid"):
        assert LazyMatrix(source_of(kind, values, tmp_path / kind)).data_range() is None


@pytest.mark.parametrize("kind", ["h5py", "dask"])
def test_values_float32_cannot_hold_are_refused_with_their_place(kind, tmp_path) -> None:
    values = np.zeros((100, 80))
    values[61, 17] = 1e39
    m = LazyMatrix(source_of(kind, values, tmp_path))
    if kind == "h5py":
        place = r"row 61, column 17 of h5py Dataset .* is 1e\+39, too big for float32"
        with pytest.raises(ValueError, match=place):
            m.window(50, 70, 0, 80)
        with pytest.raises(ValueError, match=place):
            m.reduce(8, 8)
        with pytest.raises(ValueError, match=r"row 61, column 17 of h5py"):
            m.data_range()
    else:
        with pytest.raises(ValueError, match=r"rows 56:64, columns 16:24 holds inf"):
            m.reduce(8, 8)
        with pytest.raises(ValueError, match=r"its range as float32 is .*inf"):
            m.data_range()
    m.window(0, 50, 0, 80)  # the rest reads as before


class Counting:
    """A zarr array that counts its reads."""

    def __init__(self, array) -> None:
        self.array, self.reads = array, 0
        self.shape, self.dtype, self.ndim = array.shape, array.dtype, 2

    def __getitem__(self, key):
        self.reads += 1
        return self.array[key]


def test_what_was_read_is_kept_within_the_budget(values, tmp_path) -> None:
    source = Counting(source_of("zarr", values, tmp_path))
    m = LazyMatrix(source, cache_bytes=40_000)
    a = m.reduce(4, 4, (0, 128, 0, 128))  # 32 x 32 float32: 4 kB
    reads = source.reads
    assert m.reduce(4, 4, (0, 128, 0, 128)) is a and source.reads == reads
    assert (m.cache.hits, m.cache.misses) == (1, 1)
    m.window(0, 100, 0, 100)  # 40 kB: fits alone, so the blocks go
    assert m.cache.bytes == 40_000 and len(m.cache) == 1
    m.reduce(4, 4, (0, 128, 0, 128))
    assert source.reads > reads and m.cache.bytes <= 40_000
    big = m.window(0, 230, 0, 190)  # over the budget: returned, not kept
    assert big.shape == (230, 190) and m.cache.bytes <= 40_000


def test_the_cache_drops_the_least_recently_used_first() -> None:
    cache = TileCache(3 * 400)
    made = []

    def make(k):
        made.append(k)
        return np.full(100, k, dtype=np.float32)  # 400 bytes

    for k in (1, 2, 3):
        cache.get(k, lambda k=k: make(k))
    cache.get(1, lambda: make(1))  # 1 is now the most recent
    cache.get(4, lambda: make(4))  # so 2 goes
    assert 2 not in cache and all(k in cache for k in (1, 3, 4))
    assert made == [1, 2, 3, 4] and cache.bytes == 1200
    with pytest.raises(ValueError, match="max_bytes must be an int >= 0"):
        TileCache(-1)


def test_bad_windows_and_blocks_are_refused(values, tmp_path) -> None:
    m = LazyMatrix(source_of("dask", values, tmp_path))
    with pytest.raises(ValueError, match="not a non-empty window of the 230 x 190 matrix"):
        m.window(0, 231, 0, 5)
    with pytest.raises(ValueError, match="block sizes must be positive ints"):
        m.reduce(0, 3)
    with pytest.raises(ValueError, match="must be 2-D"):
        LazyMatrix(da.zeros((3, 3, 3)))
