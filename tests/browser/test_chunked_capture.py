"""A capture over 1 MiB goes from the browser to Python in parts of at most 1 MiB each
(docs/architecture.md, "Messages in parts"), seen on the real websocket, and Python puts
the PNG back together whole."""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image

from .conftest import WidgetView, write_notebook
from .test_interaction import py, wait_py

NB = """\
import numpy as np
from tokenheat import Heatmap
w = Heatmap(np.random.default_rng(1).normal(size=(700, 700)), width=700, height=700)
w"""


def test_a_big_capture_comes_in_parts(lab, page) -> None:
    frames: list[int] = []
    parts: list[int] = []

    def sent(payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        if b'"capture"' in data:
            frames.append(len(data))
            parts.extend(int(p) for p in re.findall(rb'"part":\s*(\d+)', data))

    page.on("websocket", lambda ws: ws.on("framesent", sent))
    lab.open(page, write_notebook(lab, "capture_parts.ipynb", NB))
    lab.run_all(page)
    WidgetView(page, 0).wait_ready()
    capture = "w.capture(shots.append, scale=3, on_error=errs.append)"
    lab.run_code(page, f"shots, errs = [], []\n{capture}")
    wait_py(lab, page, "len(shots) + len(errs)", lambda n: n == 1)
    assert py(lab, page, "errs") == []
    lab.run_code(page, "open('capture_parts.png', 'wb').write(shots[0])")
    data = (lab.root / "capture_parts.png").read_bytes()
    image = Image.open(io.BytesIO(data))
    image.load()
    assert len(data) > 2**20, f"the PNG is only {len(data)} bytes: no parts needed"
    count = -(-len(data) // 2**20)
    assert len(frames) == count, (len(data), frames)
    assert sorted(parts) == list(range(count))
    assert max(frames) < 2**20 + 2048, frames
    assert np.asarray(image.convert("RGB")).std() > 10  # the random matrix, not a blank
