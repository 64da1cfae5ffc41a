"""An inseq attribution of a tiny GPT-2, through tokenheat.from_inseq, in real JupyterLab:
the prompt and generated tokens down the left, the generated tokens along the bottom (as
inseq's own show()), the colours of inseq's numbers and grey where inseq has NaN."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..adapters.conftest import requires
from .conftest import WidgetView, write_notebook
from .test_interaction import py, visible_texts
from .test_quickstart import keep_screenshot
from .test_scale import close

ROOT = str(Path(__file__).resolve().parents[2])

INSEQ = f"""\
import sys
sys.path.insert(0, {ROOT!r})
from tests.adapters.conftest import bpe_tokenizer, tiny_gpt2
import inseq, tokenheat
tok = bpe_tokenizer()
model = tiny_gpt2(len(tok))
out = inseq.load_model(model, "saliency", tokenizer=tok).attribute(
    "the cat sat on", generated_texts="the cat sat on the mat and", show_progress=False)
h = tokenheat.from_inseq(out, step_scores=False, width=600, height=360)
h"""


@pytest.fixture(scope="module")
def notebook(lab):
    requires("inseq")
    return write_notebook(lab, "adapters-inseq.ipynb", INSEQ)


def test_an_inseq_result_shows_the_generated_tokens_along_the_bottom(lab, page, notebook):
    lab.open(page, notebook)
    lab.run_all(page)
    view = WidgetView(page, 0).wait_ready(timeout=120_000)
    page.mouse.move(0, 0)  # no hover toolbar over the cells
    cells = view.cells.bounding_box()
    generated = ["the", "mat", "and"]  # (" the": the label's leading space is kept)
    assert visible_texts(view, ".tokenheat-col-label") == generated
    for label in view.root.locator(".tokenheat-col-label").all():
        box = label.bounding_box()
        assert box["y"] >= cells["y"] + cells["height"] - 1  # under the cells
    rows = visible_texts(view, ".tokenheat-row-label")
    assert rows == ["the", "cat", "sat", "on", "the", "mat", "and"]
    for label in view.root.locator(".tokenheat-row-label").all():
        assert label.bounding_box()["x"] + label.bounding_box()["width"] <= cells["x"] + 1
    # each cell has the colour of inseq's number, the not-yet-generated triangle is grey
    expected = py(lab, page, "h.to_rgba()[:, :, :3].tolist()")
    nan = py(lab, page, "[int(h.nan_color[i:i + 2], 16) for i in (1, 3, 5)]")
    shape = (7, 3)
    for row, col in [(0, 0), (3, 0), (2, 2), (4, 1), (5, 2)]:
        seen = view.cell_colour(row, col, shape)
        assert close(seen, expected[row][col]), (row, col, seen, expected[row][col])
    assert close(view.cell_colour(6, 0, shape), nan)
    assert close(view.cell_colour(4, 0, shape), nan)
    keep_screenshot(view, "inseq.png")  # the README's picture
