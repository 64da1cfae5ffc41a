"""Matrices bigger than memory as sources read a part at a time (tokenheat._sources):
``downsample`` of numpy memmaps, zarr arrays, h5py datasets and dask arrays (on a real
``dask.distributed`` cluster of worker processes too) equals the in-memory reduction,
reads with bounded memory, and fails clearly; ``Heatmap`` refuses a source too big to
hold before reading any of it."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from tokenheat import Heatmap, _blocks, _sources, downsample

from .test_pyramid import read_only_memmap

zarr = pytest.importorskip("zarr")
h5py = pytest.importorskip("h5py")
da = pytest.importorskip("dask.array")


def matrix(rows: int, cols: int, dtype=np.float32, seed: int = 0) -> np.ndarray:
    """Noise with planted strong cells of both signs and a few NaN."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, cols)).astype(dtype)
    if values.dtype.kind == "f":
        values[rng.integers(0, rows, 20), rng.integers(0, cols, 20)] = 50
        values[rng.integers(0, rows, 20), rng.integers(0, cols, 20)] = -50
        values[rng.integers(0, rows, 10), rng.integers(0, cols, 10)] = np.nan
    return values


def ints(values: np.ndarray) -> np.ndarray:
    return np.nan_to_num(values * 100).astype(np.int16)


FACTORS = [(1, 1), (2, 3), (7, 5), (64, 64), (1000, 1)]


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    return matrix(1000, 777)


@pytest.fixture(scope="module")
def zarr_array(values, tmp_path_factory):
    store = tmp_path_factory.mktemp("zarr") / "m.zarr"
    z = zarr.create_array(store=str(store), shape=values.shape, chunks=(128, 100), dtype="f4")
    z[...] = values
    return zarr.open_array(str(store), mode="r")


@pytest.fixture(scope="module")
def h5_file(values, tmp_path_factory):
    path = tmp_path_factory.mktemp("h5") / "m.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("chunked", data=values, chunks=(100, 64))
        f.create_dataset("contiguous", data=values)
        f.create_dataset("ints", data=ints(values))
    with h5py.File(path, "r") as f:
        yield f


@pytest.mark.parametrize("factor", FACTORS)
def test_zarr_equals_the_in_memory_reduction(zarr_array, values, factor) -> None:
    assert _sources.is_source(zarr_array)
    out = downsample(zarr_array, factor)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, downsample(values, factor))


@pytest.mark.parametrize("name", ["chunked", "contiguous"])
@pytest.mark.parametrize("factor", FACTORS)
def test_h5py_equals_the_in_memory_reduction(h5_file, values, name, factor) -> None:
    assert _sources.is_source(h5_file[name])
    np.testing.assert_array_equal(downsample(h5_file[name], factor), downsample(values, factor))


def test_integer_sources_reduce_to_float64(h5_file, values) -> None:
    out = downsample(h5_file["ints"], (3, 4))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, downsample(ints(values), (3, 4)))


@pytest.mark.parametrize("factor", FACTORS)
def test_memmap_equals_the_in_memory_reduction(values, factor, tmp_path) -> None:
    source = read_only_memmap(tmp_path / "m.f8", values, np.float64)
    assert _sources.is_source(source)
    out = downsample(source, factor)
    assert out.dtype == np.float64 and not isinstance(out, np.memmap)
    np.testing.assert_array_equal(out, downsample(values.astype(np.float64), factor))


@pytest.mark.parametrize("chunks", [(128, 100), (333, 777), (1000, 50)])
@pytest.mark.parametrize("factor", FACTORS)
def test_dask_equals_the_in_memory_reduction(values, chunks, factor) -> None:
    source = da.from_array(values, chunks=chunks)
    np.testing.assert_array_equal(downsample(source, factor), downsample(values, factor))


def test_parts_hold_whole_blocks_and_whole_chunks_within_the_budget(monkeypatch) -> None:
    """Every part read starts on a block and a storage chunk, and none is bigger than
    PART_BYTES (here made small) unless one block row is."""
    monkeypatch.setattr(_sources, "PART_BYTES", 4 * 5000)
    for rows, cols, fr, fc, chunks in [
        (1000, 777, 3, 4, (128, 100)),
        (1000, 777, 7, 5, None),
        (10, 100_000, 2, 3, (5, 1000)),
        (100_000, 10, 100, 1, None),
    ]:
        h, w = _sources.part_shape(rows, cols, fr, fc, 4, chunks)
        assert h % fr == 0 or h == rows
        assert w % fc == 0 or w == cols
        assert h * w * 4 <= max(_sources.PART_BYTES, fr * min(w, cols) * 4 * 2)
        if chunks is not None and h < rows and h >= chunks[0]:
            assert h % chunks[0] == 0


@pytest.mark.parametrize("kind", ["zarr", "h5py"])
def test_reading_a_source_takes_bounded_memory(kind, tmp_path, monkeypatch) -> None:
    """A 6000 x 6000 float32 source (137 MiB, stored in 500 x 500 chunks) is reduced with
    parts of at most 8 MiB: Python's allocations peak far below the source's size, and
    every planted spike survives."""
    monkeypatch.setattr(_sources, "PART_BYTES", 2**23)
    n = 6000
    if kind == "zarr":
        z = zarr.create_array(store=str(tmp_path / "big.zarr"), shape=(n, n),
                              chunks=(500, 500), dtype="f4", fill_value=0.0)  # fmt: skip
    else:
        f = h5py.File(tmp_path / "big.h5", "w")
        z = f.create_dataset("m", shape=(n, n), chunks=(500, 500), dtype="f4", fillvalue=0)
    band = np.zeros((500, n), dtype=np.float32)
    for r in range(0, n, 500):
        band[...] = 0
        band[123, (r * 7) % n] = r + 1.0  # one planted spike per band
        z[r : r + 500] = band
    if kind == "zarr":
        source = zarr.open_array(str(tmp_path / "big.zarr"), mode="r")
    else:
        f.close()
        f = h5py.File(tmp_path / "big.h5", "r")
        source = f["m"]
    tracemalloc.start()
    try:
        out = downsample(source, 100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        if kind == "h5py":
            f.close()
    assert out.shape == (60, 60)
    size = n * n * 4 / 2**20
    assert peak < 48 * 2**20, f"peak {peak / 2**20:.0f} MiB for a {size:.0f} MiB source"
    for r in range(0, n, 500):
        assert out[(r + 123) // 100, ((r * 7) % n) // 100] == r + 1.0


def test_dask_runs_on_an_active_distributed_cluster(values, dask_client) -> None:
    """With a Client on a LocalCluster of worker processes, the reduction's tasks run
    on the workers, and the result is the same."""
    import distributed

    source = da.from_array(values, chunks=(250, 300))
    with distributed.get_task_stream(dask_client) as stream:
        out = downsample(source, (10, 10))
    np.testing.assert_array_equal(out, downsample(values, (10, 10)))
    workers = {t["worker"] for t in stream.data}
    assert workers and workers <= set(dask_client.scheduler_info()["workers"])
    assert any("reduce_chunk" in str(t["key"]) for t in stream.data)


class Broken:
    """A source whose reads fail (a store that went away)."""

    shape = (100, 100)
    dtype = np.dtype(np.float32)
    ndim = 2

    def __getitem__(self, key):
        raise OSError("the store is gone")


def test_a_failing_read_names_the_part_and_the_source() -> None:
    with pytest.raises(OSError, match=r"reading rows 0:100, columns 0:100 of .*Broken of "
                       r"shape \(100, 100\).*the store is gone"):  # fmt: skip
        downsample(Broken(), 10)


def test_a_failing_dask_computation_names_the_source() -> None:
    def fail(block):
        raise RuntimeError("worker lost its disk")

    source = da.zeros((100, 100), chunks=50).map_blocks(fail, dtype=np.float64)
    with pytest.raises(OSError, match=r"reducing dask Array of shape \(100, 100\).*worker lost"):
        downsample(source, 10)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: da.zeros((4, 5, 6)), ValueError, r"must be 2-D, got 3-D dask Array"),
        (lambda: da.zeros((4, 5), dtype=complex), TypeError, "complex"),
        (lambda: da.zeros((0, 5)), ValueError, "must not be empty"),
    ],
)
def test_bad_sources_are_refused_before_reading(make, error, message) -> None:
    with pytest.raises(error, match=message):
        downsample(make(), 2)


def test_heatmap_reads_a_source_too_big_to_hold_in_the_background(tmp_path) -> None:
    """2^36 cells: shown at once, read by a pass on a thread (tests/test_source_levels.py);
    more than 2^40 cells: refused before anything is read."""
    big = zarr.create_array(store=str(tmp_path / "huge.zarr"), shape=(2**18, 2**18),
                            chunks=(4096, 4096), dtype="f4")  # fmt: skip
    for source in (big, da.zeros((2**18, 2**18), chunks=4096)):
        w = Heatmap(source)
        levels = w._matrix.f32.reading  # type: ignore[union-attr]
        assert w.values is source and levels is not None and not levels.done
        w.values = np.eye(2)  # which stops the pass
        assert levels.wait(60) and not levels.done
    with pytest.raises(ValueError, match=r"2,199,023,255,552 cells, more than the "
                       r"1,099,511,627,776 \(2\*\*40\).*tokenheat.downsample"):  # fmt: skip
        Heatmap(da.zeros((2**21, 2**20), chunks=4096))


def test_heatmap_still_takes_small_sources_whole(zarr_array, values) -> None:
    w = Heatmap(zarr_array)
    np.testing.assert_array_equal(w.values, values)
    w = Heatmap(da.from_array(values, chunks=200))
    np.testing.assert_array_equal(w.values, values)


def test_what_is_a_source() -> None:
    assert not _sources.is_source(np.zeros((2, 2)))
    assert not _sources.is_source([[1.0]])
    assert _sources.is_source(da.zeros((2, 2)))
    pd = pytest.importorskip("pandas")
    assert not _sources.is_source(pd.DataFrame(np.zeros((2, 2))))
    xr = pytest.importorskip("xarray")
    assert not _sources.is_source(xr.DataArray(np.zeros((2, 2))))


class Recorder:
    """A source that records the cells each read asks for."""

    def __init__(self, array) -> None:
        self.array, self.reads = array, []
        self.shape, self.dtype, self.ndim = array.shape, array.dtype, 2

    def __getitem__(self, key):
        rows, cols = key
        self.reads.append((rows.start, rows.stop, cols.start, cols.stop))
        return self.array[key]


WINDOWS = [(0, 1000, 0, 777), (13, 600, 200, 777), (999, 1000, 5, 6), (100, 350, 0, 301)]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("factor", [(1, 1), (3, 4), (64, 7), (2000, 2000)])
def test_a_window_of_a_source_reads_only_the_window(values, zarr_array, window, factor) -> None:
    want = _blocks.reduce_blocks(values, *factor, window)
    source = Recorder(zarr_array)
    np.testing.assert_array_equal(_sources.reduce_source(source, *factor, window), want)
    r0, r1, c0, c1 = window
    assert source.reads and all(
        r0 <= a0 < a1 <= r1 and c0 <= b0 < b1 <= c1 for a0, a1, b0, b1 in source.reads
    )
    assert sum((a1 - a0) * (b1 - b0) for a0, a1, b0, b1 in source.reads) == (r1 - r0) * (c1 - c0)
    lazy = da.from_array(values, chunks=(128, 100))
    np.testing.assert_array_equal(_sources.reduce_source(lazy, *factor, window), want)


BAD_WINDOWS = [
    (0, 0, 0, 5), (5, 3, 0, 5), (0, 1001, 0, 5), (-1, 5, 0, 5), (0, 5, 0), (0, 5, 0, 5.5)
]  # fmt: skip


@pytest.mark.parametrize("window", BAD_WINDOWS)
def test_a_window_outside_the_source_is_refused(zarr_array, window) -> None:
    with pytest.raises(ValueError, match="window"):
        _sources.reduce_source(zarr_array, 2, 2, window)
