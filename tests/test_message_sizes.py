"""How big the messages to the browser get (docs/architecture.md, "Hosts we cannot run
here"). Some hosts drop large comm messages (Colab; REACH.md: keep each to a few MB), so
the bounds are pinned here and a change that raises them fails:

- a tile reply: at most ``4 * TILE_CELLS`` bytes (16 MiB) of float32 plus a JSON header
  under 1 KiB, whatever the request, sent as custom messages of at most ``CHUNK_BYTES``
  (1 MiB) of buffers each (``tokenheat._chunks``; every custom message Python sends);
- a big matrix's overview (``_values`` with ``_block`` other than ``[1, 1]``): at most
  ``4 * TILE_CELLS`` bytes;
- the initial state: ``4 * P * rows * cols`` bytes of ``_values`` for a matrix sent whole
  (up to ``SEND_CELLS`` cells: 64 MiB), ``4 * P * (rows + cols + 1)`` of ``_norms``, 21
  colour maps of 1 KiB, and JSON that grows with the labels. It stays under
  ``FEW_MB`` (4 MiB) up to about a million cells; bigger matrices exceed it (state is
  one message: it is not sent in parts).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ipywidgets.widgets.widget import _remove_buffers

from tokenheat import Heatmap, _blocks, _chunks, _data, _sync, colormaps

MiB = 2**20
#: What REACH.md calls "a few MB": the size one message should stay under in every host.
FEW_MB = 4 * MiB
#: The most a tile reply or an overview holds: TILE_CELLS float32 values.
TILE_BYTES = 4 * _data.TILE_CELLS
HEADER_BYTES = 1024


def state_size(w: Heatmap) -> tuple[int, int]:
    """(JSON bytes, binary bytes) of the widget's state as ipywidgets sends it, without
    the module source (`_esm`, the same for every widget)."""
    state = w.get_state()
    state.pop("_esm", None)
    state.pop("_css", None)
    plain, _paths, buffers = _remove_buffers(state)
    return len(json.dumps(plain)), sum(memoryview(b).nbytes for b in buffers)


def test_the_bounds_are_what_the_docs_say() -> None:
    assert TILE_BYTES / MiB == 16
    assert _chunks.CHUNK_BYTES / MiB == 1
    assert 4 * _data.SEND_CELLS / MiB == 64
    assert len(colormaps.base_names()) * 1024 <= 32 * 1024


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 2**31),
    cols=st.integers(1, 2**31),
    panels=st.sampled_from([1, 2, 3, 12, 144, 1000]),
    window=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)),
    block=st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)),
)
def test_any_tile_reply_stays_within_tile_cells(rows, cols, panels, window, block) -> None:
    """The reply's blocks are grown until all panels' windows fit TILE_CELLS (the rule
    `_sync.tile` uses), whatever window and block the browser asks for."""
    r0, r1 = sorted(int(f * rows) for f in window[:2])
    c0, c1 = sorted(int(f * cols) for f in window[2:])
    r1, c1 = max(r1, r0 + 1), max(c1, c0 + 1)
    if r1 > rows:
        r0, r1 = rows - 1, rows
    if c1 > cols:
        c0, c1 = cols - 1, cols
    start = (min(block[0], rows), min(block[1], cols))
    fr, fc = _blocks.block_factors((r1 - r0, c1 - c0), _sync.panel_cells(panels), start)
    cells = panels * -(-(r1 - r0) // fr) * -(-(c1 - c0) // fc)
    assert 4 * cells <= TILE_BYTES


def test_the_largest_tile_reply_is_16_mib_and_a_short_header() -> None:
    """A real reply for a window of more than TILE_CELLS cells, asked for cell by cell."""
    w = Heatmap(np.ones((2100, 2100), np.float32))
    reply, values = _sync.tile(w._matrix, [0, 2100, 0, 2100], [1, 1], "x" * 200)
    assert values.nbytes <= TILE_BYTES
    assert values.nbytes > TILE_BYTES // 2  # near the bound: the test can see it move
    assert len(json.dumps(reply)) < HEADER_BYTES


def sent(w: Heatmap) -> list[tuple[dict, list]]:
    """Every custom message the widget sends from now on, with its buffers."""
    messages: list[tuple[dict, list]] = []
    w.send = lambda msg, buffers=None: messages.append((msg, buffers or []))  # type: ignore[method-assign]
    return messages


@pytest.mark.parametrize("shape", [(2100, 2100), (3, 1200, 1200)])
def test_every_message_of_the_largest_tile_carries_at_most_1_mib(monkeypatch, shape) -> None:
    """The widget's own answer to a request for the whole of a big matrix (or stack) cell
    by cell: near TILE_BYTES in all, in messages of at most CHUNK_BYTES of buffers and a
    short header each, that put together are the tile."""
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)  # an overview; tiles at the real bound
    w = Heatmap(np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    assert w._block != [1, 1]
    rows, cols = shape[-2:]
    messages = sent(w)
    ask = {"type": "tile", "id": "x" * 200, "window": [0, rows, 0, cols], "block": [1, 1]}
    w._handle_request(None, ask, [])
    total = sum(memoryview(b).nbytes for _, buffers in messages for b in buffers)
    assert TILE_BYTES // 2 < total <= TILE_BYTES  # near the bound: the test can see it move
    assert len(messages) == -(-total // MiB)
    for content, buffers in messages:
        assert sum(memoryview(b).nbytes for b in buffers) <= _chunks.CHUNK_BYTES
        assert len(json.dumps(content)) < HEADER_BYTES
    reply, values = _sync.tile(w._matrix, ask["window"], ask["block"], ask["id"])
    parts = _chunks.Parts(TILE_BYTES)
    wholes = [parts.add("x", content, buffers) for content, buffers in messages]
    assert wholes[-1] == (reply, values.tobytes())


def test_a_capture_request_carries_no_buffers() -> None:
    w = Heatmap(np.eye(3))
    messages = sent(w)
    w.capture(print)
    [(content, buffers)] = messages
    assert buffers == [] and len(json.dumps(content)) < HEADER_BYTES


@settings(max_examples=100, deadline=None)
@given(
    rows=st.integers(1, 2**31),
    cols=st.integers(1, 2**31),
    panels=st.sampled_from([1, 2, 12, 144]),
)
def test_any_overview_stays_within_tile_cells(rows, cols, panels) -> None:
    fr, fc = _blocks.block_factors((rows, cols), _sync.panel_cells(panels))
    assert 4 * panels * -(-rows // fr) * -(-cols // fc) <= TILE_BYTES


def test_a_real_overview_stays_within_tile_cells(monkeypatch) -> None:
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 300)
    w = Heatmap(np.ones((3, 300, 200), np.float32))
    assert w._block != [1, 1]
    assert 4 * 300 * 0.5 < len(w._values) <= 4 * 300


def test_the_initial_state_is_what_the_bound_says() -> None:
    """The binary part is exactly values + divisors + colour maps; the JSON part is small
    beside it while the labels are."""
    luts = 1024 * len(colormaps.base_names())
    for shape in [(10, 10), (3, 40, 50), (300, 700)]:
        w = Heatmap(np.zeros(shape, np.float32))
        p, r, c = (1, *shape) if len(shape) == 2 else shape
        text, binary = state_size(w)
        assert binary == 4 * p * r * c + 4 * p * (r + c + 1) + luts
        assert text < 32 * 1024 + 12 * p * (r + c)  # labels are short strings


def test_a_million_cells_stay_under_a_few_mb() -> None:
    text, binary = state_size(Heatmap(np.zeros((1000, 1000), np.float32)))
    assert text + binary < FEW_MB
