"""Custom messages in parts of at most 1 MiB (docs/architecture.md, "Custom messages";
``tokenheat._chunks``): splitting, putting back together in any order from any buffer
type, every kind of malformed part refused with what is wrong, capture answers in parts
(two views at once, bad parts, sizes), and the same rule on both sides: the parts Python
makes are put together by the front end's own code in node, and the parts the front end
makes by Python."""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tokenheat import Heatmap, _chunks, _data, _requests, _sync
from tokenheat._chunks import CHUNK_BYTES, PartError, Parts, split

JS = Path(__file__).resolve().parents[1] / "js"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="runs the front end in node")


def numbered(n: int) -> bytes:
    """Bytes whose every position shows if it is misplaced."""
    i = np.arange(n, dtype=np.int64)
    return ((i * 7 + (i >> 20)) % 251).astype(np.uint8).tobytes()


# ------------------------------------------------------------------------ splitting
@pytest.mark.parametrize("n", [0, 1, 1000, CHUNK_BYTES])
def test_a_message_of_at_most_1_mib_stays_whole(n: int) -> None:
    content = {"type": "tile", "id": "a"}
    [(sent, [buffer])] = split(content, numbered(n))
    assert sent is content  # no part fields: unchanged for small data
    assert bytes(buffer) == numbered(n)


def test_a_bigger_message_goes_in_parts_of_1_mib_that_are_views() -> None:
    n = 3 * CHUNK_BYTES + 17
    payload = bytearray(numbered(n))
    messages = split({"type": "tile", "id": "a"}, payload)
    assert [c for c, _ in messages] == [
        {"type": "tile", "id": "a", "part": i, "parts": 4, "bytes": n} for i in range(4)
    ]
    assert [[b.nbytes for b in bufs] for _, bufs in messages] == [[CHUNK_BYTES]] * 3 + [[17]]
    assert b"".join(bufs[0] for _, bufs in messages) == payload
    payload[-1] ^= 0xFF  # the parts are views of the payload, not copies
    assert messages[-1][1][0][-1] == payload[-1]


def test_split_takes_any_buffer_and_refuses_content_already_in_parts() -> None:
    values = np.arange(CHUNK_BYTES // 2, dtype=np.float32)  # 2 MiB
    messages = split({"id": "f"}, values)
    assert len(messages) == 2
    assert b"".join(b[0] for _, b in messages) == values.tobytes()
    with pytest.raises(ValueError, match="already has"):
        split({"id": "f", "part": 0}, b"x")


# ------------------------------------------------------------------ putting together
BUFFER_TYPES = {
    "memoryview": memoryview,
    "bytes": bytes,
    "bytearray": bytearray,
    "numpy uint8": lambda b: np.frombuffer(bytes(b), np.uint8),
    "2-D memoryview": lambda b: memoryview(bytes(b)).cast("B", (1, len(b))),
}


@pytest.mark.parametrize("kind", BUFFER_TYPES)
@pytest.mark.parametrize("order", ["in order", "reversed", "shuffled"])
def test_parts_come_together_in_any_order_from_any_buffer(kind: str, order: str) -> None:
    n = 3 * CHUNK_BYTES + 17
    header = {"type": "capture", "id": "x", "width": 3, "height": 4}
    messages = split(header, numbered(n))
    if order == "reversed":
        messages.reverse()
    elif order == "shuffled":
        random.Random(3).shuffle(messages)
    parts = Parts(4 * CHUNK_BYTES)
    got = [parts.add("k", c, [BUFFER_TYPES[kind](b[0])]) for c, b in messages]
    assert got[:-1] == [None] * 3
    whole = got[-1]
    assert whole is not None
    assert whole[0] == header
    assert whole[1] == numbered(n)
    assert len(parts) == 0


def _set_of_three():
    total = 2 * CHUNK_BYTES + 3
    return total, split({"type": "capture", "id": "x"}, numbered(total))


TOTAL, ((FIRST, FIRST_B), (SECOND, SECOND_B), (LAST, LAST_B)) = _set_of_three()


@pytest.mark.parametrize(
    ("content", "buffers", "error"),
    [
        ({**SECOND, "part": None}, SECOND_B, "integers part, parts and bytes, got part=None"),
        ({**SECOND, "part": 1.0}, SECOND_B, "got part=1.0"),
        ({**SECOND, "part": True}, SECOND_B, "got part=True"),
        ({**SECOND, "parts": "3"}, SECOND_B, "parts='3'"),
        ({k: v for k, v in SECOND.items() if k != "bytes"}, SECOND_B, "bytes=None"),
        ({**SECOND, "bytes": 0}, SECOND_B, "a message of 0 bytes in parts, not 1 to 4194304"),
        ({**SECOND, "bytes": 2**40, "parts": 2**20}, SECOND_B, "1099511627776 bytes in parts"),
        ({**SECOND, "parts": 4}, SECOND_B, "2097155 bytes go in 3 parts of 1048576 bytes, not 4"),
        ({**SECOND, "part": -1}, SECOND_B, "part -1 is outside 0..2"),
        ({**SECOND, "part": 3}, SECOND_B, "part 3 is outside 0..2"),
        (SECOND, [], "part 1 of 3 carries 0 buffers, not one"),
        (SECOND, [SECOND_B[0], SECOND_B[0]], "part 1 of 3 carries 2 buffers, not one"),
        (SECOND, ["text"], "a part's buffer is not binary data (str)"),
        (SECOND, [SECOND_B[0][1:]], "part 1 of 3 holds 1048575 bytes, not 1048576"),
        (LAST, [b"four"], "part 2 of 3 holds 4 bytes, not 3"),
        ({**SECOND, "width": 5}, SECOND_B, "part 1 of 3 has another header than the parts before"),
        ({**SECOND, "type": "tile"}, SECOND_B, "another header"),
        (FIRST, FIRST_B, "part 0 of 3 came twice"),
    ],
)
def test_a_malformed_part_is_refused_and_drops_its_set(content, buffers, error: str) -> None:
    parts = Parts(4 * CHUNK_BYTES)
    assert parts.add("k", FIRST, FIRST_B) is None
    with pytest.raises(PartError) as caught:
        parts.add("k", content, buffers)
    assert error in str(caught.value)
    assert len(parts) == 0
    # the good parts that follow cannot complete the dropped set
    assert parts.add("k", SECOND, SECOND_B) is None
    assert parts.add("k", LAST, LAST_B) is None


def test_what_a_sender_can_make_the_kernel_hold_is_bounded() -> None:
    parts = Parts(4 * CHUNK_BYTES, max_sets=2)
    for key in "abc":
        parts.add(key, FIRST, FIRST_B)
    assert len(parts) == 2  # "a", the oldest, was dropped
    assert parts.add("a", SECOND, SECOND_B) is None
    assert parts.add("a", LAST, LAST_B) is None  # its part 0 is gone
    assert parts.add("c", SECOND, SECOND_B) is None
    assert parts.add("c", LAST, LAST_B) is not None
    parts.drop(lambda key: True)
    assert len(parts) == 0
    with pytest.raises(PartError, match="2097155 bytes in parts, not 1 to 2097154"):
        Parts(TOTAL - 1).add("k", FIRST, FIRST_B)


# ------------------------------------------------------------ capture answers in parts
PNG = b"\x89PNG\r\n\x1a\n" + numbered(2 * CHUNK_BYTES + 100)


def captured(w: Heatmap) -> tuple[str, list[bytes], list[str]]:
    """A capture request of ``w``: its id, and the lists its callbacks fill."""
    sent: list[dict] = []
    shots: list[bytes] = []
    errors: list[str] = []
    w.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    w.capture(shots.append, on_error=errors.append)
    return sent[-1]["id"], shots, errors


def answer_parts(request: str, png: bytes, sender: str) -> list[tuple[dict, list]]:
    header = {"type": "capture", "id": request, "width": 640, "height": 480}
    return [({**c, "sender": sender}, b) for c, b in split(header, png)]


def test_two_views_answering_at_once_are_put_together_apart() -> None:
    w = Heatmap(np.eye(2))
    request, shots, errors = captured(w)
    one = answer_parts(request, PNG, "view-one")
    two = answer_parts(request, PNG[:-1] + b"!", "view-two")
    for a, b in zip(one, two, strict=True):  # interleaved, as two browser tabs may send
        w._handle_request(w, b[0], b[1])
        w._handle_request(w, a[0], a[1])
    assert shots == [PNG[:-1] + b"!"] and errors == []  # the first complete answer wins
    assert len(w._captures._parts) == 0  # the other one is forgotten


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"sender": None}, "an answer in parts needs a sender string, got None"),
        ({"sender": "v" * 201}, "an answer in parts needs a sender string"),
        ({"parts": 2}, "its answer came in malformed parts: 2097260 bytes go in 3 parts"),
        ({"bytes": _requests.MAX_CAPTURE_BYTES + 1, "parts": 10}, "not 1 to 9437184"),
    ],
)
def test_a_malformed_capture_answer_fails_the_capture_clearly(change: dict, error: str) -> None:
    w = Heatmap(np.eye(2))
    request, shots, errors = captured(w)
    messages = answer_parts(request, PNG, "view")
    w._handle_request(w, *messages[0])
    w._handle_request(w, {**messages[1][0], **change}, messages[1][1])
    w._handle_request(w, *messages[2])
    assert shots == []
    assert len(errors) == 1
    assert errors[0].startswith("tokenheat: the browser could not capture the view: ")
    assert error in errors[0]


def test_capture_parts_for_no_request_are_not_kept() -> None:
    w = Heatmap(np.eye(2))
    captured(w)
    for content, buffers in answer_parts("unknown", PNG, "view")[:2]:
        w._handle_request(w, content, buffers)
    assert len(w._captures._parts) == 0


def test_a_capture_answer_in_one_message_is_bounded_too() -> None:
    w = Heatmap(np.eye(2))
    request, shots, errors = captured(w)
    big = bytes(_requests.MAX_CAPTURE_BYTES + 1)
    w._handle_request(w, {"type": "capture", "id": request}, [memoryview(big)])
    assert shots == []
    assert errors == [
        "tokenheat: the browser could not capture the view: the image is 9437185 bytes, "
        "over 9437184"
    ]


# ------------------------------------------------------- the same rule on both sides
NODE = """
import { readFileSync } from "node:fs";
import { CHUNK_BYTES, createParts, splitMessage } from "%(chunks)s";
import { decodeTile, MAX_TILE_BYTES } from "%(lod)s";
import { MAX_CAPTURE_BYTES } from "%(export)s";

const c = JSON.parse(readFileSync(0, "utf8"));
const bytes = (b64) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
// each part as Jupyter (DataView) or Colab (Uint8Array at an offset) hands it over
const shapes = {
  DataView: (b) => new DataView(b.slice().buffer),
  "Uint8Array at 3": (b) => {
    const buf = new Uint8Array(b.length + 8).fill(0xff);
    buf.set(b, 3);
    return new Uint8Array(buf.buffer, 3, b.length);
  },
};
const tiles = {};
for (const [name, shape] of Object.entries(shapes)) {
  const parts = createParts(MAX_TILE_BYTES);
  let whole = null;
  for (const [content, b64] of c.tile) whole = parts.add(content.id, content, [shape(bytes(b64))]);
  if (whole === null || typeof whole === "string") throw new Error(`tile: ${whole}`);
  const t = decodeTile(whole.content, whole.buffer, c.shape[0], c.shape[1], c.panels);
  if (typeof t === "string") throw new Error(t);
  tiles[name] = Buffer.from(t.grid.values.buffer, t.grid.values.byteOffset,
    t.grid.values.byteLength).toString("hex");
}
const answer = { type: "capture", id: "r", width: 640, height: 480 };
const capture = splitMessage(answer, bytes(c.png), { sender: "view" })
  .map((m) => [m.content, Buffer.from(m.buffers[0]).toString("base64")]);
console.log(JSON.stringify({ tiles, capture, CHUNK_BYTES, MAX_TILE_BYTES, MAX_CAPTURE_BYTES }));
"""


@needs_node
def test_both_sides_put_together_what_the_other_splits(monkeypatch) -> None:
    """A real tile of a big stack, split by the widget, comes together in the front end's
    own code (``js/data/chunks.js``, ``decodeTile``), and a capture answer the front end
    splits comes together in Python; the bounds are the same numbers on both sides."""
    tile_bytes = 4 * _data.TILE_CELLS
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 2**20)  # tiles of up to 4 MiB
    rng = np.random.default_rng(5)
    w = Heatmap(rng.normal(size=(2, 900, 700)).astype(np.float32))
    assert w._block != [1, 1]
    replies: list = []
    w.send = lambda msg, buffers=None: replies.append((msg, buffers))  # type: ignore[method-assign]
    ask = {"type": "tile", "id": "v:1:0", "window": [0, 900, 0, 700], "block": [1, 1]}
    w._handle_request(None, ask, [])
    _, drawn = _sync.tile(w._matrix, ask["window"], ask["block"], ask["id"])
    assert drawn.shape == (2, 450, 700)  # 2.4 MiB: three parts
    assert len(replies) == 3
    case = {
        "tile": [(c, base64.b64encode(b[0]).decode()) for c, b in replies],
        "shape": w._shape,
        "panels": 2,
        "png": base64.b64encode(PNG).decode(),
    }
    script = NODE % {
        "chunks": (JS / "data" / "chunks.js").as_uri(),
        "lod": (JS / "data" / "lod.js").as_uri(),
        "export": (JS / "export" / "export.js").as_uri(),
    }
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(case),
        capture_output=True,
        text=True,
        check=True,
    )
    got = json.loads(out.stdout)
    assert got["tiles"] == {
        "DataView": drawn.tobytes().hex(),
        "Uint8Array at 3": drawn.tobytes().hex(),
    }
    assert got["CHUNK_BYTES"] == CHUNK_BYTES
    assert got["MAX_TILE_BYTES"] == tile_bytes
    assert got["MAX_CAPTURE_BYTES"] == _requests.MAX_CAPTURE_BYTES

    parts = Parts(_requests.MAX_CAPTURE_BYTES)
    messages = [(c, [base64.b64decode(b)]) for c, b in got["capture"]]
    assert len(messages) == 3
    results = [parts.add(("r", c["sender"]), c, b) for c, b in messages]
    assert results[-1] == ({"type": "capture", "id": "r", "width": 640, "height": 480,
                            "sender": "view"}, PNG)  # fmt: skip
    assert _chunks.is_part(messages[0][0])
