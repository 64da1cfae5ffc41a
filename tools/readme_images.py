"""Write the README's exported images with ``Heatmap.save`` (run from the repo root).

    python tools/readme_images.py

``tests/test_readme.py`` checks that the committed images are what this writes now.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenheat import Heatmap

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "notebooks" / "data" / "arithmetic_attributions.json"
IMAGES = ROOT / "docs" / "images"


def reference_heatmap() -> Heatmap:
    """The reference figure, set up exactly as in notebooks/quickstart.ipynb."""
    ref = json.loads(REFERENCE.read_text())
    return Heatmap(
        ref["values"],
        row_labels=ref["row_labels"],
        column_labels=ref["columns"],
        tokens=ref["tokens"],
        vmin=ref["vmin"],
        vmax=ref["vmax"],
        center=ref["center"],
        cmap=ref["colormap"],
        title=ref["title"],
        colorbar_title=ref["colorbar_title"],
    )


def images() -> dict[str, Heatmap]:
    """File name -> the heatmap whose current view it shows."""
    reference = reference_heatmap()
    narrow = reference_heatmap()
    narrow.set_range(-0.1, 0.1)
    narrow.title = "Token Attribution (range \u00b10.1)"
    return {"export-reference.png": reference, "export-narrow.png": narrow}


def main() -> None:
    for name, widget in images().items():
        print(widget.save(IMAGES / name, scale=2))


if __name__ == "__main__":
    main()
