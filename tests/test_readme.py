"""The README's promises: its images exist, and the exported ones are what
``Heatmap.save`` writes today (tools/readme_images.py)."""

from __future__ import annotations

import importlib.util
import io
import re

import numpy as np
import pytest
from PIL import Image

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def load_tool():
    path = ROOT / "tools" / "readme_images.py"
    spec = importlib.util.spec_from_file_location("readme_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_image_in_the_readme_exists() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images
    for path in images:
        assert (ROOT / path).is_file(), path


@pytest.mark.parametrize("name", ["export-reference.png", "export-narrow.png"])
def test_readme_export_images_are_what_save_writes(name: str, tmp_path) -> None:
    assert f"docs/images/{name}" in README
    widget = load_tool().images()[name]
    fresh = Image.open(widget.save(tmp_path / name, scale=2)).convert("RGB")
    committed = Image.open(io.BytesIO((ROOT / "docs" / "images" / name).read_bytes()))
    committed = committed.convert("RGB")
    assert committed.size == fresh.size
    # Identical with the same Pillow; text rasterisation may differ slightly across versions.
    same = (np.asarray(committed) == np.asarray(fresh)).all(axis=2).mean()
    assert same > 0.99, f"run `python tools/readme_images.py` ({same:.4f} of pixels match)"
