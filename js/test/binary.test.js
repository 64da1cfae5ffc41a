// Binary data in every shape a host hands it over in (docs/architecture.md, "Hosts we
// cannot run here"): a DataView (Jupyter), a Uint8Array (Colab's msg:custom), an
// ArrayBuffer, a base64-decoded copy (marimo, Shiny, Panel), at any byteOffset of a
// larger buffer, from this realm or another (an iframe).
// @ts-expect-error a node built-in (the project has no @types/node)
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  binaryLength,
  byteRange,
  decodeBytes,
  decodeFloat32,
  decodeFloat64,
  exactArrayBuffer,
  isBinary,
} from "../data/binary.js";
import { checkMatrixState, decodeMatrix } from "../data/data.js";
import { createLod, REQUEST_DELAY_MS, wholeSource } from "../data/lod.js";
import { normalizeStack } from "../data/normalize.js";
import { brief } from "../data/traits.js";
import { captureReply, pngSize } from "../export/export.js";
import { resolveLut } from "../render/color.js";

/**
 * Little-endian floats written at `offset` into a buffer with junk around them.
 * @param {number[]} values
 * @param {number} offset
 * @param {4 | 8} size
 */
function viewAt(values, offset, size) {
  const buf = new ArrayBuffer(offset + values.length * size + 16);
  new Uint8Array(buf).fill(0xff); // NaN-like junk outside the view
  const dv = new DataView(buf, offset, values.length * size);
  values.forEach((v, i) => (size === 4 ? dv.setFloat32(i * 4, v, true) : dv.setFloat64(i * 8, v, true)));
  return dv;
}

/** node's Buffer: base64 decoded into a pooled buffer, at an offset of a larger one. */
const NodeBuffer = /** @type {any} */ (globalThis).Buffer;

/** A buffer of another realm (an iframe's), where `instanceof ArrayBuffer` is false. */
const foreignBuffer = (/** @type {number} */ n) =>
  /** @type {ArrayBuffer} */ (runInNewContext(`new ArrayBuffer(${n})`));

/**
 * `bytes` in every shape a host may hand them over in, each (but the exact ones) inside a
 * larger buffer full of 0xff junk, so that reading the whole buffer shows.
 * @param {Uint8Array} bytes
 * @returns {[string, import("../data/binary.js").BinaryLike][]}
 */
function shapes(bytes) {
  const n = bytes.length;
  /**
   * @param {ArrayBufferLike} buf
   * @param {number} offset
   */
  const placed = (buf, offset) => {
    new Uint8Array(buf).fill(0xff);
    new Uint8Array(buf, offset, n).set(bytes);
    return buf;
  };
  const b64 = NodeBuffer.from(bytes).toString("base64");
  /** @type {[string, import("../data/binary.js").BinaryLike][]} */
  const out = [
    ["ArrayBuffer", bytes.slice().buffer],
    ["DataView of a whole buffer", new DataView(bytes.slice().buffer)],
    ["base64 decoded by atob (marimo, Shiny, Panel)", Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))],
    ["base64 decoded into a pooled node Buffer", NodeBuffer.from(b64, "base64")],
    ["another realm's ArrayBuffer", placed(foreignBuffer(n), 0)],
    ["another realm's buffer in a DataView at offset 3", new DataView(placed(foreignBuffer(n + 9), 3), 3, n)],
    [
      "SharedArrayBuffer in a Uint8Array at offset 5",
      new Uint8Array(placed(new SharedArrayBuffer(n + 9), 5), 5, n),
    ],
  ];
  for (const offset of [1, 2, 3, 4, 5, 7, 8, 13]) {
    out.push([
      `DataView at offset ${offset}`,
      new DataView(placed(new ArrayBuffer(n + 24), offset), offset, n),
    ]);
    out.push([
      `Uint8Array at offset ${offset}`,
      new Uint8Array(placed(new ArrayBuffer(n + 24), offset), offset, n),
    ]);
  }
  if (n % 4 === 0) {
    out.push(["Float32Array at offset 8", new Float32Array(placed(new ArrayBuffer(n + 24), 8), 8, n / 4)]);
  }
  return out;
}

/** The bytes of a typed array (its view only). */
const bytesOf = (/** @type {ArrayBufferView} */ a) =>
  Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** Float32 little-endian bytes of `values`. */
const f32Bytes = (/** @type {number[]} */ values) => new Uint8Array(new Float32Array(values).buffer);

describe("decodeFloat32", () => {
  const values = [-0.0756, 0.0216, 1.5, NaN, -3];
  for (const offset of [0, 1, 3, 4, 7, 8]) {
    it(`reads float32 at byteOffset ${offset} without touching bytes outside the view`, () => {
      const got = decodeFloat32(viewAt(values, offset, 4));
      expect(Array.from(got)).toEqual(values.map((v) => Math.fround(v)));
    });
  }
  it("wraps aligned data without copying and copies unaligned data", () => {
    const aligned = viewAt([1, 2, 3], 8, 4);
    expect(decodeFloat32(aligned).buffer).toBe(aligned.buffer);
    const unaligned = viewAt([1, 2, 3], 3, 4);
    expect(decodeFloat32(unaligned).buffer).not.toBe(unaligned.buffer);
  });
  it("accepts typed arrays and ArrayBuffers, and empty input", () => {
    expect(Array.from(decodeFloat32(new Float32Array([1, 2]).buffer))).toEqual([1, 2]);
    expect(Array.from(decodeFloat32(new Float32Array([5, 6, 7]).subarray(1)))).toEqual([6, 7]);
    expect(decodeFloat32(null).length).toBe(0);
    expect(decodeFloat32(new DataView(new ArrayBuffer(0))).length).toBe(0);
  });
});

describe("decodeFloat64", () => {
  for (const offset of [0, 4, 5, 8]) {
    it(`reads float64 at byteOffset ${offset}`, () => {
      const values = [0.1234567890123, -1e-300, 2 ** 60];
      const dv = viewAt(values, offset, 8);
      const got = decodeFloat64(dv);
      expect(Array.from(got)).toEqual(values);
      if (offset % 8 === 0) expect(got.buffer).toBe(dv.buffer);
      else expect(got.buffer).not.toBe(dv.buffer);
    });
  }
});

describe("decodeBytes", () => {
  it("honours byteOffset and byteLength", () => {
    const buf = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer;
    expect(Array.from(decodeBytes(new DataView(buf, 2, 3)))).toEqual([1, 2, 3]);
  });
});

describe("every shape a host hands bytes over in", () => {
  // signed zero, NaN, a subnormal, infinities: bit patterns a sloppy copy would change
  const values = [-0.0756, 0, -0, NaN, 1.5e-40, Infinity, -Infinity, 3.4e38, 7];
  const raw = f32Bytes(values);
  for (const [name, src] of shapes(raw)) {
    it(`reads exactly the view's bytes: ${name}`, () => {
      expect(isBinary(src)).toBe(true);
      expect(binaryLength(src)).toBe(raw.length);
      expect(byteRange(src).byteLength).toBe(raw.length);
      expect(bytesOf(decodeBytes(src))).toEqual(Array.from(raw));
      const f = decodeFloat32(src);
      expect(f.length).toBe(values.length);
      expect(bytesOf(f)).toEqual(Array.from(raw));
      expect(f.byteOffset % 4).toBe(0);
      expect(bytesOf(decodeFloat64(src))).toEqual(Array.from(raw).slice(0, 32));
      expect(brief(src)).toBe(`${raw.length} bytes`);
      const sent = exactArrayBuffer(src);
      expect(sent).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(new Uint8Array(sent))).toEqual(Array.from(raw));
    });
  }

  it("tells binary data from what is not", () => {
    for (const v of [null, undefined, 3, "abcd", [1, 2], { byteLength: 4 }, { buffer: new ArrayBuffer(4) }]) {
      expect(isBinary(v)).toBe(false);
    }
    // a plain object claiming to be an ArrayBuffer is not one
    expect(isBinary({ [Symbol.toStringTag]: "ArrayBuffer", byteLength: 4 })).toBe(false);
    expect(binaryLength(null)).toBe(0);
    expect(binaryLength({ byteLength: 4 })).toBe(-1);
    expect(() => decodeFloat32(/** @type {any} */ ({ byteLength: 4 }))).toThrow(/DataView or ArrayBuffer/);
  });
});

describe("exactArrayBuffer (JS -> Python buffers)", () => {
  it("passes an ArrayBuffer, or a view of all of one, as it is", () => {
    const buf = new ArrayBuffer(8);
    expect(exactArrayBuffer(buf)).toBe(buf);
    expect(exactArrayBuffer(new DataView(buf))).toBe(buf);
    expect(exactArrayBuffer(new Uint8Array(buf))).toBe(buf);
  });

  it("copies a view of part of a buffer: Jupyter would ship the whole backing buffer", () => {
    const buf = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer;
    for (const v of [new DataView(buf, 2, 3), new Uint8Array(buf, 2, 3), new Uint8Array(buf, 0, 5)]) {
      const out = exactArrayBuffer(v);
      expect(out).not.toBe(buf);
      expect(out.byteLength).toBe(v.byteLength);
      expect(Array.from(new Uint8Array(out))).toEqual(bytesOf(v));
    }
  });

  it("copies a SharedArrayBuffer and another realm's buffer into a plain ArrayBuffer", () => {
    for (const buf of [new SharedArrayBuffer(4), foreignBuffer(4)]) {
      new Uint8Array(buf).set([1, 2, 3, 4]);
      const out = exactArrayBuffer(buf);
      expect(out).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(new Uint8Array(out))).toEqual([1, 2, 3, 4]);
    }
  });
});

describe("a capture reply sends exactly the PNG's bytes", () => {
  const png = new Uint8Array(64);
  const dv = new DataView(png.buffer);
  [0x89504e47, 0x0d0a1a0a, 13, 0x49484452, 320, 200].forEach((v, i) => dv.setUint32(4 * i, v));

  for (const [name, src] of shapes(png)) {
    it(name, () => {
      expect(pngSize(src)).toEqual({ width: 320, height: 200 });
      const reply = captureReply("id", src, 2);
      expect(reply.content).toEqual({ type: "capture", id: "id", width: 320, height: 200 });
      expect(reply.buffers).toHaveLength(1);
      expect(reply.buffers[0]).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(new Uint8Array(reply.buffers[0]))).toEqual(Array.from(png));
    });
  }
});

describe("trait values decode the same whichever shape they arrive in", () => {
  // a stack of 2 panels of 2 x 3, as Python sends it (`_values`, `_norms`, `_exact`)
  const cells = [0.25, -0, NaN, -3, 1e-42, 2, 1, -1, 0.5, NaN, 4, -0.125];
  const values = f32Bytes(cells);
  const exact = new Uint8Array(new Float64Array(cells.map((v) => v + 1e-12)).buffer);
  // P*rows row divisors, P*cols column divisors, P panel divisors
  const norms = f32Bytes([3, 2, 1, 4, 0.25, 4, 3, 1, 4, 2, 3, 4]);
  const lut = Uint8Array.from({ length: 1024 }, (_, i) => (i * 37) % 251);
  const state = (/** @type {unknown} */ v, /** @type {unknown} */ e) => ({
    shape: [2, 3],
    block: [1, 1],
    values: v,
    exact: e,
    rowLabels: ["a", "b"],
    colLabels: ["x", "y", "z"],
    tokens: [],
    panels: [2],
  });

  const ref = /** @type {{ data: import("../data/data.js").MatrixData }} */ (
    decodeMatrix([2, 3], values.slice().buffer, exact.slice().buffer, 2)
  ).data;
  const refLut = /** @type {{ lut: Uint8Array }} */ (resolveLut({ m: lut.slice().buffer }, "m_r")).lut;
  const refNorm = normalizeStack(ref.values, 2, 2, 3, decodeFloat32(norms.slice().buffer), "row");

  const valueShapes = shapes(values);
  const exactShapes = shapes(exact);
  const normShapes = shapes(norms);
  const lutShapes = shapes(lut);
  valueShapes.forEach(([name, v], i) => {
    it(name, () => {
      const e = exactShapes[i][1];
      expect(checkMatrixState(state(v, e))).toMatchObject({ rows: 2, cols: 3, panels: 2 });
      const got = /** @type {{ data: import("../data/data.js").MatrixData }} */ (
        decodeMatrix([2, 3], v, e, 2)
      ).data;
      expect(bytesOf(got.values)).toEqual(bytesOf(ref.values));
      expect(bytesOf(/** @type {Float64Array} */ (got.exact))).toEqual(
        bytesOf(/** @type {Float64Array} */ (ref.exact)),
      );
      const n = normalizeStack(got.values, 2, 2, 3, decodeFloat32(normShapes[i][1]), "row");
      expect(bytesOf(n)).toEqual(bytesOf(refNorm));
      const l = /** @type {{ lut: Uint8Array }} */ (resolveLut({ m: lutShapes[i][1] }, "m_r")).lut;
      expect(Array.from(l)).toEqual(Array.from(refLut));
    });
  });

  describe("a tile reply's buffer (msg:custom)", () => {
    afterEach(() => vi.useRealTimers());
    const tile = f32Bytes(Array.from({ length: 200 * 200 }, (_, i) => (i % 7) - 3.5));

    for (const [name, buffer] of shapes(tile)) {
      it(name, () => {
        vi.useFakeTimers();
        /** @type {Map<string, Function>} */
        const handlers = new Map();
        /** @type {any[]} */
        const sent = [];
        const model = {
          get: () => null,
          on: (/** @type {string} */ e, /** @type {Function} */ cb) => void handlers.set(e, cb),
          off: (/** @type {string | null | undefined} */ e) => void handlers.delete(String(e)),
          send: (/** @type {any} */ c) => void sent.push(c),
          set() {},
          save_changes() {},
        };
        const lod = createLod(model, () => {});
        const grid = { rows: 100, cols: 100, values: new Float32Array(100 * 100), exact: null };
        lod.setOverview(wholeSource(grid, 1000, 1000, 10, 10));
        const view = { row0: 100, row1: 200, col0: 100, col1: 200 };
        lod.request(() => ({ view, pxRows: 400, pxCols: 400 }));
        vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
        const ask = sent[0];
        const reply = {
          type: "tile",
          id: ask.id,
          window: [50, 250, 50, 250],
          block: [1, 1],
          shape: [200, 200],
        };
        /** @type {Function} */ (handlers.get("msg:custom"))(reply, [buffer]);
        const src = lod.source(view);
        expect(src.fr).toBe(1);
        expect(bytesOf(src.grid.values)).toEqual(Array.from(tile));
        lod.destroy();
      });
    }
  });
});
