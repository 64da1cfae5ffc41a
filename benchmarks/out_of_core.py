"""Matrices bigger than memory: building a max-|v| pyramid of a big zarr store.

The script writes the source itself (unless it is there already): an N x N float32 zarr
store in 1024 x 1024 chunks holding a causal band (each row's values decay away from the
diagonal, nothing above it, so it compresses well; chunks that are all zero are not even
written) and a few strong spikes of both signs far from the band. Then it builds the
pyramid of ``da.from_zarr(source)`` with :func:`tokenheat.build_pyramid` twice:

- ``threads``: on dask's default threaded scheduler, in this process;
- ``cluster``: with a ``dask.distributed`` ``Client`` on a ``LocalCluster`` of
  ``--workers`` worker processes (one thread each).

For each it reports the wall time and this process's peak RSS (``VmHWM``, reset through
``/proc/self/clear_refs`` before the build; for the cluster, the workers' peak RSS too),
and then checks every planted spike at every level: the level's cell that covers it
must hold exactly the spike's value (max-|v| keeps it), so every spike is visible at every
zoom.

Run: ``.venv/bin/python benchmarks/out_of_core.py --size 16384`` (the issue's size,
``--size 131072``, writes 64 GiB of values through the machine's processors; the store
itself stays small; ``--how threads`` runs one of the two builds). Results are merged by
size (and build) into ``benchmarks/out_of_core_results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "out_of_core_results.json"
CHUNK = 1024
BAND = 2048  # cells below the diagonal that hold the band
SPIKES = 16


def spikes(n: int) -> list[tuple[int, int, float]]:
    """Where the spikes go: in the upper half, above the band (nothing near them is
    stronger), rows n / 32 apart (so no two share a cell of any level up to a 256-cell
    top), both signs."""
    out = []
    for k in range(SPIKES):
        r = (2 * k + 1) * n // (4 * SPIKES)
        room = n - (r + BAND)
        c = r + BAND + (k * 7919) % room if room > 0 else n - 1
        out.append((r, c, (1 if k % 2 else -1) * (100.0 + k)))
    return out


def band_block(block: np.ndarray, block_info=None) -> np.ndarray:
    """The causal band's values in one chunk: exp(-(row - col) / 256) for
    0 <= row - col < BAND, 0 elsewhere."""
    (r0, r1), (c0, c1) = block_info[None]["array-location"]
    if c0 >= r1 or r0 - c1 >= BAND:  # all above the diagonal or far below the band
        return np.zeros((r1 - r0, c1 - c0), dtype=np.float32)
    d = np.arange(r0, r1)[:, None] - np.arange(c0, c1)[None, :]
    out = np.where((d >= 0) & (d < BAND), np.exp(-np.maximum(d, 0) / 256.0), 0.0)
    return out.astype(np.float32)


def write_source(path: Path, n: int) -> float:
    """The source store (seconds taken; 0 when it was there)."""
    import dask.array as da
    import zarr

    if (path / "zarr.json").exists():
        return 0.0
    start = time.perf_counter()
    z = zarr.create_array(
        store=str(path), shape=(n, n), chunks=(CHUNK, CHUNK), dtype="f4", fill_value=0.0
    )
    empty = da.empty((n, n), chunks=CHUNK, dtype=np.float32)
    da.store(empty.map_blocks(band_block, dtype=np.float32), z, lock=False)
    for r, c, v in spikes(n):
        z[r, c] = v
    return time.perf_counter() - start


def peak_rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return -1


def peak_rss() -> int:
    """This process's peak resident memory since the last reset."""
    return _status("VmHWM")


def rss() -> int:
    return _status("VmRSS")


def check_spikes(pyramid, n: int) -> dict:
    """How many spikes each level shows at the cell covering them."""
    found = []
    for level, (fr, fc) in zip(pyramid.levels, pyramid.factors, strict=True):
        found.append(sum(float(level[r // fr, c // fc]) == v for r, c, v in spikes(n)))
    return {"per_level": found, "every_level_all": all(f == SPIKES for f in found)}


def build(source_path: Path, out: Path, how: str, workers: int) -> dict:
    import dask.array as da
    import zarr

    import tokenheat

    source = da.from_zarr(zarr.open_array(str(source_path), mode="r"))
    shutil.rmtree(out, ignore_errors=True)
    result: dict = {"kernel_rss_before": rss()}
    peak_rss_reset()
    start = time.perf_counter()
    if how == "threads":
        pyramid = tokenheat.build_pyramid(source, str(out), progress=False)
    else:
        import distributed

        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            client.run(peak_rss_reset)
            pyramid = tokenheat.build_pyramid(source, str(out), progress=False)
            result["worker_peak_rss"] = sorted(client.run(peak_rss).values())
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["kernel_peak_rss"] = peak_rss()
    result["levels"] = len(pyramid.levels)
    result["spikes"] = check_spikes(pyramid, pyramid.shape[0])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=131072)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="where the stores go")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--how", nargs="+", choices=("threads", "cluster"), default=["threads", "cluster"],
        help="which builds to run (a size's results keep the other's from an earlier run)",
    )  # fmt: skip
    args = parser.parse_args()
    n = args.size
    base = args.dir or Path(tempfile.mkdtemp(prefix="tokenheat-ooc-"))
    source = base / f"source-{n}.zarr"
    made = write_source(source, n)
    results: dict = {"size": n, "source_bytes_on_disk": _du(source)}
    if made:  # (a store already there keeps the time of the run that wrote it)
        print(f"source {n} x {n}: written in {made:.1f} s ({_du(source)} on disk)", flush=True)
        results["source_seconds"] = round(made, 2)
    for how in args.how:
        r = build(source, base / f"pyramid-{how}.zarr", how, args.workers)
        results[how] = r
        mib = lambda b: round(b / 2**20)  # noqa: E731
        workers = f", workers {[mib(x) for x in r['worker_peak_rss']]}" if how == "cluster" else ""
        print(
            f"{how:>8}: {r['seconds']:.1f} s; peak RSS MiB: kernel {mib(r['kernel_peak_rss'])} "
            f"(before {mib(r['kernel_rss_before'])}){workers}; spikes per level "
            f"{r['spikes']['per_level']} of {SPIKES}",
            flush=True,
        )
    results["when"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    results["machine"] = f"{os.cpu_count()} cores"
    # merged by size with earlier runs
    every = json.loads(args.out.read_text()) if args.out.exists() else {}
    every[str(n)] = {**every.get(str(n), {}), **results}
    args.out.write_text(json.dumps(every, indent=1) + "\n")
    print(f"wrote {args.out}")
    if args.dir is None:
        shutil.rmtree(base, ignore_errors=True)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


if __name__ == "__main__":
    main()
