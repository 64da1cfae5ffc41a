"""Write the subset fonts that PNG export draws text with (run from the repo root).

    pip install fonttools matplotlib && python tools/make_fonts.py

DejaVu Sans (regular and bold), from matplotlib's copy, cut down to the scripts and
symbols labels usually need: Latin with Latin Extended-A (byte-level BPE tokens such as
"Ġthe"), Greek, Cyrillic, punctuation, arrows, the minus sign and the glyphs that make
whitespace visible (␣ ↵ ⇥ ␍ ⍽) and SentencePiece's "▁". About 60 kB each, committed,
so that exported images look the same on every machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "tokenheat" / "fonts"
UNICODES = (
    "U+0020-007E,U+00A0-017F,U+0370-03FF,U+0400-045F,U+2010-205E,U+20AC,U+2190-21FF,"
    "U+2212,U+221E,U+2237,U+2248,U+2260,U+2264,U+2265,U+2423,U+240D,U+237D,U+2581,"
    "U+2588,U+25A1,U+FFFD"
)


def main() -> None:
    source = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    OUT.mkdir(parents=True, exist_ok=True)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        subset.main(
            [
                str(source / name),
                f"--unicodes={UNICODES}",
                f"--output-file={OUT / name}",
                "--no-hinting",
                "--desubroutinize",
                "--layout-features=kern,liga",
            ]
        )
        print(OUT / name, (OUT / name).stat().st_size)
    shutil.copy(source / "LICENSE_DEJAVU", OUT / "LICENSE_DEJAVU")


if __name__ == "__main__":
    main()
