"""The bytes Python sends decode the same in the front end whichever shape a host hands
them over in (docs/architecture.md, "Hosts"): a DataView (Jupyter), a
Uint8Array (Colab's ``msg:custom``), an ArrayBuffer, a base64-decoded copy (marimo,
Shiny, Panel), at any byte offset of a larger buffer. The real trait values of small
widgets (``_values`` whole and as an overview, ``_exact``, ``_norms``, ``_luts``, a
tile's buffer) go through the front end's own decoders in node."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tokenheat import Heatmap, _data

JS = Path(__file__).resolve().parents[1] / "js"

# For each trait: its bytes in every shape, each (but the exact ones) inside a larger
# buffer of 0xff junk; decoded by js/data/binary.js and the readers built on it; the
# decoded bytes as hex, per shape.
SCRIPT = """
import { decodeBytes, decodeFloat32, decodeFloat64 } from "%(binary)s";
import { checkMatrixState, decodeMatrix } from "%(data)s";
import { decodeTile } from "%(lod)s";
import { resolveLut } from "%(color)s";

const shapes = (b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const n = bytes.length;
  const placed = (offset, junk = 24) => {
    const buf = new ArrayBuffer(n + junk);
    new Uint8Array(buf).fill(0xff);
    new Uint8Array(buf, offset, n).set(bytes);
    return buf;
  };
  const out = {
    ArrayBuffer: bytes.slice().buffer,
    "DataView, whole buffer": new DataView(bytes.slice().buffer),
    "base64 via atob": bytes,
    "node Buffer from base64": Buffer.from(b64, "base64"),
  };
  for (const k of [1, 2, 3, 4, 5, 6, 7, 8, 12]) {
    out[`DataView at ${k}`] = new DataView(placed(k), k, n);
    out[`Uint8Array at ${k}`] = new Uint8Array(placed(k), k, n);
  }
  return Object.entries(out);
};
const hex = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
const c = JSON.parse(process.argv[1]);
const out = {};
const put = (name, shape, v) => ((out[name] ??= {})[shape] = v);
const exact = shapes(c.exact);
shapes(c.values).forEach(([shape, v], i) => {
  const e = exact[i][1];
  const g = checkMatrixState({ shape: c.shape, block: [1, 1], values: v, exact: e,
    rowLabels: c.rowLabels, colLabels: c.colLabels, tokens: [], panels: c.panels });
  if ("error" in g) throw new Error(g.error);
  const m = decodeMatrix(c.shape, v, e, g.panels);
  if ("error" in m) throw new Error(m.error);
  put("_values", shape, hex(m.data.values));
  put("_exact", shape, hex(m.data.exact));
});
for (const [shape, v] of shapes(c.overview)) {
  const g = checkMatrixState({ shape: c.bigShape, block: c.bigBlock, values: v, exact: null,
    rowLabels: c.bigRowLabels, colLabels: c.bigColLabels, tokens: [], panels: [] });
  if ("error" in g) throw new Error(g.error);
  put("overview", shape, hex(decodeFloat32(v)));
}
for (const [shape, v] of shapes(c.norms)) put("_norms", shape, hex(decodeFloat32(v)));
for (const [shape, v] of shapes(c.lut)) {
  const res = resolveLut({ [c.cmap]: v }, c.cmap);
  if ("error" in res) throw new Error(res.error);
  put("_luts", shape, hex(res.lut));
}
for (const [shape, v] of shapes(c.tile)) {
  const t = decodeTile(c.reply, v, c.bigShape[0], c.bigShape[1]);
  if (typeof t === "string") throw new Error(t);
  put("tile", shape, hex(t.grid.values));
}
console.log(JSON.stringify(out));
"""


def b64(data) -> str:
    return base64.b64encode(bytes(data)).decode()


@pytest.mark.skipif(shutil.which("node") is None, reason="runs the front end's decoders in node")
def test_trait_bytes_decode_the_same_in_every_shape(monkeypatch) -> None:
    rng = np.random.default_rng(7)
    # a stack of 3 panels with NaN, -0, a subnormal and values float32 cannot hold
    values = rng.normal(size=(3, 5, 7)) / 3
    values[0, 1, 2] = np.nan
    values[1, 0, 0] = -0.0
    values[2, 4, 6] = 1e-42
    w = Heatmap(values, normalize="row")
    w.send_exact()
    assert len(w._exact) == 3 * 5 * 7 * 8

    # a big matrix: an overview, and a tile of it as the widget answers a request
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 300)
    big = Heatmap(rng.normal(size=(60, 45)).astype(np.float32))
    assert big._block != [1, 1]
    replies: list = []
    big.send = lambda msg, buffers=None: replies.append((msg, buffers))  # type: ignore[method-assign]
    big._handle_request(
        None, {"type": "tile", "id": "v:1:0", "window": [3, 20, 5, 19], "block": [1, 1]}, []
    )
    [(reply, [tile])] = replies

    cmap = w.cmap
    case = {
        "shape": w._shape,
        "panels": w._panels,
        "rowLabels": w.row_labels,
        "colLabels": w.column_labels,
        "values": b64(w._values),
        "exact": b64(w._exact),
        "norms": b64(w._norms),
        "cmap": cmap,
        "lut": b64(w._luts[cmap]),
        "overview": b64(big._values),
        "bigShape": big._shape,
        "bigBlock": big._block,
        "bigRowLabels": big.row_labels,
        "bigColLabels": big.column_labels,
        "tile": b64(tile),
        "reply": reply,
    }
    script = SCRIPT % {
        "binary": (JS / "data" / "binary.js").as_uri(),
        "data": (JS / "data" / "data.js").as_uri(),
        "lod": (JS / "data" / "lod.js").as_uri(),
        "color": (JS / "render" / "color.js").as_uri(),
    }
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(case)],
        capture_output=True,
        text=True,
        check=True,
    )
    decoded = json.loads(out.stdout)
    sent = {
        "_values": bytes(w._values),
        "_exact": bytes(w._exact),
        "_norms": bytes(w._norms),
        "_luts": bytes(w._luts[cmap]),
        "overview": bytes(big._values),
        "tile": bytes(tile),
    }
    assert set(decoded) == set(sent)
    for name, data in sent.items():
        assert len(decoded[name]) == 22, name  # every shape was tried
        for shape, got in decoded[name].items():
            assert got == data.hex(), f"{name} arriving as {shape}"
    # and the bytes are what the widget holds, little-endian
    np.testing.assert_array_equal(
        np.frombuffer(sent["_values"], "<f4").reshape(3, 5, 7), values.astype(np.float32)
    )
    np.testing.assert_array_equal(np.frombuffer(sent["_exact"], "<f8").reshape(3, 5, 7), values)
