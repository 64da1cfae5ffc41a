"""The built wheel ships the front-end bundle, within budget, and imports cleanly."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE_BUDGET = 160_000  # bytes, minified: stored once per widget in every saved notebook


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    (whl,) = out.glob("tokenheat-*.whl")
    return whl


def test_wheel_contains_bundle_within_budget(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "tokenheat/static/widget.js" in names
        assert "tokenheat/static/standalone.js" in names  # the offline HTML loader
        size = zf.getinfo("tokenheat/static/widget.js").file_size
        bundle = zf.read("tokenheat/static/widget.js").decode()
    assert 1_000 < size < BUNDLE_BUDGET, size
    assert "export" in bundle  # an ES module for anywidget
    assert not any(n.startswith(("js/", "tests/", "node_modules/")) for n in names)


def test_wheel_imports_in_a_clean_environment(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    code = (
        "import tokenheat, numpy as np\n"
        "w = tokenheat.Heatmap(np.eye(3))\n"
        "assert len(w._esm) > 1000, 'bundle not loaded'\n"
        "assert 'tokenheat-static' in w.to_html(), 'loader not loaded'\n"
        "assert w.to_png().startswith(b'\\x89PNG'), 'export font not shipped'\n"
        "print(tokenheat.__version__, w.vmin, w.vmax)"
    )
    out = subprocess.run([py, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.split() == [tokenheat_version(), "-1.0", "1.0"]


def tokenheat_version() -> str:
    import tokenheat

    return tokenheat.__version__
