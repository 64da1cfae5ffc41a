"""Persisted max-|v| pyramids (tokenheat.pyramid) on real zarr stores: every level equals
the brute-force reduction of the source, whatever the source's kind; an interrupted build
resumes and ends equal to an uninterrupted one; a finished pyramid opens at once and
serves ``downsample`` from its levels; unfinished, foreign or damaged stores are refused
with what to do."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import tokenheat
from tokenheat import _blocks, _sources, downsample
from tokenheat.pyramid import FORMAT, build_pyramid, level_factors, open_pyramid

zarr = pytest.importorskip("zarr")
h5py = pytest.importorskip("h5py")
da = pytest.importorskip("dask.array")

TILE = 32


def read_only_memmap(path, values: np.ndarray, dtype=np.float32) -> np.memmap:
    """``values`` written to a raw file at ``path``, opened again read-only as a memmap."""
    mm = np.memmap(path, dtype=dtype, mode="w+", shape=values.shape)
    mm[...] = values
    mm.flush()
    return np.memmap(path, dtype=dtype, mode="r", shape=values.shape)


def spiky(rows: int, cols: int, seed: int, spike: float, spikes: int, nans: int) -> np.ndarray:
    """Normal float32 values with ``spikes`` cells of +``spike`` and as many of -``spike``,
    and ``nans`` NaN cells, at seeded random places."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(rows, cols)).astype(np.float32)
    v[rng.integers(0, rows, spikes), rng.integers(0, cols, spikes)] = spike
    v[rng.integers(0, rows, spikes), rng.integers(0, cols, spikes)] = -spike
    v[rng.integers(0, rows, nans), rng.integers(0, cols, nans)] = np.nan
    return v


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    v = spiky(300, 170, 1, 40, 15, 8)
    v[:40, :40] = np.nan  # a whole NaN corner: NaN only where every cell is
    return v


def check_levels(pyramid, values: np.ndarray) -> None:
    assert pyramid.shape == values.shape
    assert pyramid.data_range == (float(np.nanmin(values)), float(np.nanmax(values)))
    assert pyramid.factors == level_factors(values.shape, pyramid.tile)
    for level, (fr, fc) in zip(pyramid.levels, pyramid.factors, strict=True):
        np.testing.assert_array_equal(level[...], downsample(values, (fr, fc)))


def test_levels_equal_the_brute_force_reduction(values, tmp_path) -> None:
    p = build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    assert p.factors == [(1, 1), (2, 2), (4, 4), (8, 8), (16, 8)]
    check_levels(p, values)
    check_levels(open_pyramid(tmp_path / "p.zarr"), values)


def test_the_store_describes_its_levels(values, tmp_path) -> None:
    build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    attrs = dict(zarr.open_group(tmp_path / "p.zarr", mode="r").attrs)
    held = attrs[FORMAT]
    assert held["complete"] and held["plan"]["shape"] == [300, 170]
    assert [lv["shape"] for lv in held["plan"]["levels"]] == [
        [300, 170], [150, 85], [75, 43], [38, 22], [19, 22]
    ]  # fmt: skip
    (multiscale,) = attrs["multiscales"]
    assert multiscale["type"] == "max-abs"
    assert [d["coordinateTransformations"][0]["scale"] for d in multiscale["datasets"]] == [
        [1, 1], [2, 2], [4, 4], [8, 8], [16, 8]
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["zarr", "h5py", "memmap", "dask"])
def test_every_kind_of_source_builds_the_same_pyramid(kind, values, tmp_path) -> None:
    if kind == "zarr":
        z = zarr.create_array(store=str(tmp_path / "s.zarr"), shape=values.shape,
                              chunks=(64, 50), dtype="f4")  # fmt: skip
        z[...] = values
        source = zarr.open_array(str(tmp_path / "s.zarr"), mode="r")
    elif kind == "h5py":
        with h5py.File(tmp_path / "s.h5", "w") as f:
            f.create_dataset("m", data=values.astype(np.float64), chunks=(50, 50))
        source = h5py.File(tmp_path / "s.h5", "r")["m"]
    elif kind == "memmap":
        source = read_only_memmap(tmp_path / "s.f4", values)
    else:
        source = da.from_array(values, chunks=(70, 60))
    check_levels(build_pyramid(source, tmp_path / "p.zarr", tile=TILE, progress=False), values)


class FailingAfter:
    """A source whose reads fail after ``reads`` of them (a build interrupted), counting
    the reads it served."""

    def __init__(self, values: np.ndarray, reads: int | None) -> None:
        self.values, self.left, self.served = values, reads, 0
        self.shape, self.dtype, self.ndim = values.shape, values.dtype, 2

    def __getitem__(self, key):
        if self.left is not None:
            if self.left == 0:
                raise KeyboardInterrupt
            self.left -= 1
        self.served += 1
        return self.values[key]


def test_an_interrupted_build_resumes_and_ends_equal(values, tmp_path) -> None:
    store = tmp_path / "p.zarr"
    with pytest.raises(KeyboardInterrupt):
        build_pyramid(FailingAfter(values, 4), store, tile=TILE, progress=False)
    with pytest.raises(ValueError, match=r"unfinished \(level 0: 4 of 10 bands; level 1: 0 of "
                       r"5 bands.*build_pyramid\(source, store\) again to resume"):  # fmt: skip
        open_pyramid(store)
    again = FailingAfter(values, None)
    p = build_pyramid(again, store, tile=TILE, progress=False)
    assert again.served == 10 - 4  # level 0's other bands only; the rest reads levels
    check_levels(p, values)
    fresh = build_pyramid(values, tmp_path / "fresh.zarr", tile=TILE, progress=False)
    for a, b in zip(p.levels, fresh.levels, strict=True):
        np.testing.assert_array_equal(a[...], b[...])


def test_a_failing_read_is_reported_and_the_build_stays_resumable(values, tmp_path) -> None:
    class Broken(FailingAfter):
        def __getitem__(self, key):
            if self.served == 3:
                raise OSError("disk unplugged")
            return super().__getitem__(key)

    with pytest.raises(OSError, match=r"reading rows 96:128, columns 0:170 of .*disk unplugged"):
        build_pyramid(Broken(values, None), tmp_path / "p.zarr", tile=TILE, progress=False)
    check_levels(build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False), values)


def test_a_store_of_another_pyramid_is_not_overwritten_by_accident(values, tmp_path) -> None:
    store = tmp_path / "p.zarr"
    build_pyramid(values, store, tile=TILE, progress=False)
    with pytest.raises(ValueError, match=r"holds a tokenheat pyramid of a \[300, 170\] matrix "
                       r"in tiles of 32, not of this 100 x 170.*overwrite=True"):  # fmt: skip
        build_pyramid(values[:100], store, tile=TILE, progress=False)
    check_levels(build_pyramid(values[:100], store, tile=TILE, progress=False, overwrite=True),
                 values[:100])  # fmt: skip


def test_open_refuses_what_is_not_a_finished_pyramid(values, tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no tokenheat pyramid at"):
        open_pyramid(tmp_path / "nothing.zarr")
    zarr.open_group(tmp_path / "other.zarr", mode="w").create_array("x", shape=(2,), dtype="f4")
    with pytest.raises(ValueError, match=r"is not a tokenheat pyramid.*build_pyramid"):
        open_pyramid(tmp_path / "other.zarr")
    store = tmp_path / "p.zarr"
    build_pyramid(values, store, tile=TILE, progress=False)
    group = zarr.open_group(store, mode="a")
    group.create_array("2", shape=(75, 42), chunks=(TILE, TILE), dtype="f4", overwrite=True)
    with pytest.raises(ValueError, match=r"level 2 .* does not match its metadata: shape "
                       r"\(75, 42\).*expected shape \(75, 43\)"):  # fmt: skip
        open_pyramid(store)


def test_downsample_of_a_pyramid_reads_its_levels(values, tmp_path) -> None:
    """downsample(pyramid, f) comes from the coarsest level whose cells are whole blocks
    of f: with level 0 wiped, it is still exact for every factor a level serves."""
    store = tmp_path / "p.zarr"
    p = build_pyramid(values, store, tile=TILE, progress=False)
    for factor in [(2, 2), (4, 4), (8, 8), (6, 10), (16, 4)]:
        np.testing.assert_array_equal(downsample(p, factor), downsample(values, factor))
    assert p.level_for(6, 10) == 1 and p.level_for(16, 4) == 2 and p.level_for(3, 3) == 0
    zarr.open_group(store, mode="a")["0"][...] = 0.0
    wiped = open_pyramid(store)
    np.testing.assert_array_equal(downsample(wiped, 8), downsample(values, 8))


def test_a_pyramid_is_a_source_heatmap_and_downsample_take(values, tmp_path) -> None:
    p = build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    assert _sources.is_source(p) and "300 x 170, 5 levels" in repr(p)
    np.testing.assert_array_equal(tokenheat.Heatmap(p).values, values)
    assert tokenheat.open_pyramid is open_pyramid


def test_infinite_values_are_refused_with_their_place(values, tmp_path) -> None:
    bad = values.astype(np.float64)
    bad[100, 7] = 1e39  # beyond float32
    place = r"row 100, column 7 of .* is inf as float32.*bands already written"
    with pytest.raises(ValueError, match=place):
        build_pyramid(bad, tmp_path / "p.zarr", tile=TILE, progress=False)


def test_progress_is_reported_band_by_band(values, tmp_path, capsys) -> None:
    seen = []
    build_pyramid(values, tmp_path / "a.zarr", tile=TILE,
                  progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert seen[0] == (0, 21) and seen[-1] == (21, 21)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    build_pyramid(values, tmp_path / "b.zarr", tile=TILE)
    assert capsys.readouterr().err.endswith("tokenheat pyramid: 21 / 21 bands\n")


def test_building_takes_bounded_memory(tmp_path, monkeypatch) -> None:
    """A 4096 x 4096 float32 source (64 MiB) with 4 MiB parts: Python's allocations peak
    well below the source."""
    monkeypatch.setattr(_sources, "PART_BYTES", 2**22)
    n = 4096
    source = zarr.create_array(store=str(tmp_path / "s.zarr"), shape=(n, n), chunks=(512, 512),
                               dtype="f4", fill_value=0.0)  # fmt: skip
    source[1234, 2345] = -7.0
    tracemalloc.start()
    try:
        p = build_pyramid(zarr.open_array(str(tmp_path / "s.zarr"), mode="r"),
                          tmp_path / "p.zarr", tile=256, progress=False)  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    top = p.levels[-1][...]
    assert top.shape == (256, 256) and top.min() == -7.0  # the spike survives to the top


def test_in_a_notebook_the_progress_is_a_widget_bar(values, tmp_path) -> None:
    """Run in a real kernel, the build shows an ipywidgets progress bar that ends full."""
    import nbformat
    from nbclient import NotebookClient

    np.save(tmp_path / "v.npy", values)
    cell = (
        "import numpy as np, tokenheat\n"
        f"p = tokenheat.build_pyramid(np.load({str(tmp_path / 'v.npy')!r}), "
        f"{str(tmp_path / 'p.zarr')!r}, tile={TILE})\n"
        "p"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    outputs = nb.cells[0].outputs
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    bars = [m["state"] for m in state.values() if m["model_name"] == "IntProgressModel"]
    labels = [m["state"] for m in state.values() if m["model_name"] == "LabelModel"]
    assert [(b["value"], b["max"]) for b in bars] == [(21, 21)]
    assert [lab["value"] for lab in labels] == ["21 / 21 bands"]
    assert "300 x 170, 5 levels" in outputs[-1]["data"]["text/plain"]
    check_levels(open_pyramid(tmp_path / "p.zarr"), values)


def test_an_all_nan_source_has_no_range(tmp_path) -> None:
    p = build_pyramid(np.full((40, 40), np.nan), tmp_path / "p.zarr", tile=16, progress=False)
    assert p.data_range is None and np.isnan(p.levels[-1][...]).all()


def test_a_dask_source_is_built_by_dask_level_by_level(values, tmp_path, dask_client) -> None:
    """Each level is one dask computation: with a Client on a LocalCluster of worker
    processes, the chunks are read, reduced and written by the workers; the pyramid is
    the same as from the values, its range found in the same pass."""
    import distributed

    seen = []
    with distributed.get_task_stream(dask_client) as stream:
        source = da.from_array(values.astype(np.float64), chunks=(70, 60))
        p = build_pyramid(source, tmp_path / "p.zarr", tile=TILE,
                          progress=lambda done, total: seen.append(done))  # fmt: skip
        addresses = set(dask_client.scheduler_info()["workers"])
    check_levels(p, values)
    assert seen == [0, 10, 15, 18, 20, 21]  # a level at a time
    # the source's chunks read, checked and written on the workers, and the higher levels
    # read from the store there (dask fuses reading, reducing and writing into the reads'
    # tasks, which carry the reads' names)
    keys = [str(t["key"]) for t in stream.data]
    assert sum("array-" in k for k in keys) >= 5 * 3  # the source's 70 x 60 chunks
    assert any("from-zarr" in k for k in keys)
    workers = {t["worker"] for t in stream.data}
    assert workers and workers <= addresses


def test_a_dask_build_refuses_infinite_values_and_resumes_by_level(values, tmp_path) -> None:
    bad = values.astype(np.float64)
    bad[100, 7] = np.inf
    store = tmp_path / "p.zarr"
    message = (r"row 100, column 7 of dask Array of shape \(300, 170\) and dtype float64 is "
               r"inf; clip or rescale it, then build again \(the levels already")  # fmt: skip
    with pytest.raises(ValueError, match=message):
        build_pyramid(da.from_array(bad, chunks=64), store, tile=TILE, progress=False)
    held = zarr.open_group(store, mode="r").attrs[FORMAT]
    assert held["done"] == [0, 0, 0, 0, 0] and not held["complete"]
    check_levels(
        build_pyramid(da.from_array(values, chunks=64), store, tile=TILE, progress=False), values
    )


class Recorder:
    """A pyramid level that records the cells each read asks for."""

    def __init__(self, array) -> None:
        self.array, self.reads = array, []
        self.shape, self.dtype, self.ndim, self.chunks = array.shape, array.dtype, 2, array.chunks

    def __getitem__(self, key):
        rows, cols = key
        self.reads.append((rows.start, rows.stop, cols.start, cols.stop))
        return self.array[key]


def test_a_window_is_read_from_the_coarsest_level_that_gives_it_exactly(values, tmp_path) -> None:
    build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    p = open_pyramid(tmp_path / "p.zarr")
    p.levels = [Recorder(level) for level in p.levels]
    # factors (1, 1), (2, 2), (4, 4), (8, 8), (16, 8): see test_levels_equal_the_brute_force
    cases = [
        ((0, 300, 0, 170), (16, 8), 4),  # the whole matrix in level 4's blocks
        ((64, 128, 32, 96), (32, 16), 4),  # aligned to level 4's cells
        ((64, 128, 36, 96), (32, 16), 2),  # a corner on level 2's cells only
        ((64, 130, 32, 96), (32, 16), 1),  # a far edge on level 1's
        ((64, 300, 32, 170), (8, 8), 3),  # to the matrix's edges (its last cells are partial)
        ((3, 250, 7, 100), (5, 9), 0),  # nothing but level 0 gives blocks of 5 x 9
        ((8, 40, 0, 170), (4, 2), 1),
    ]
    rng = np.random.default_rng(4)
    for _ in range(40):  # and windows and blocks at random
        r0, c0 = int(rng.integers(0, 299)), int(rng.integers(0, 169))
        window = (r0, int(rng.integers(r0 + 1, 301)), c0, int(rng.integers(c0 + 1, 171)))
        cases.append((window, (int(rng.choice([1, 2, 4, 6, 8, 16, 64])),) * 2, None))
    for window, (fr, fc), level in cases:
        for recorder in p.levels:
            recorder.reads.clear()
        got = p.reduce_window(window, fr, fc)
        np.testing.assert_array_equal(got, _blocks.reduce_blocks(values, fr, fc, window))
        k = p.window_level(window, fr, fc)
        if level is not None:
            assert k == level, (window, fr, fc)
        # only that level is read, and only its cells under the window
        assert [bool(r.reads) for r in p.levels] == [j == k for j in range(len(p.levels))]
        lr, lc = p.factors[k]
        r0, r1, c0, c1 = window
        for a0, a1, b0, b1 in p.levels[k].reads:
            assert r0 // lr <= a0 < a1 <= -(-r1 // lr) and c0 // lc <= b0 < b1 <= -(-c1 // lc)


def test_a_bad_window_or_block_is_refused(values, tmp_path) -> None:
    p = build_pyramid(values, tmp_path / "p.zarr", tile=TILE, progress=False)
    with pytest.raises(ValueError, match=r"window \(0, 301, 0, 5\) is not a non-empty window"):
        p.reduce_window((0, 301, 0, 5), 2, 2)
    with pytest.raises(ValueError, match="block sizes must be positive ints"):
        p.reduce_window((0, 30, 0, 5), 0, 2)
