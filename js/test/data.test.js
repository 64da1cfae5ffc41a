import { describe, expect, it } from "vitest";
import {
  decodeBytes,
  decodeFloat32,
  decodeFloat64,
  decodeMatrix,
  formatCell,
  formatFloat32,
  formatFloat64,
} from "../data.js";

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

describe("decodeMatrix", () => {
  it("decodes a consistent matrix", () => {
    const res = decodeMatrix([2, 3], viewAt([1, 2, 3, 4, 5, 6], 3, 4), new DataView(new ArrayBuffer(0)));
    expect("data" in res && res.data.rows === 2 && res.data.cols === 3 && res.data.exact === null).toBe(true);
  });
  it("keeps _exact when present", () => {
    const res = decodeMatrix([1, 2], viewAt([1, 2], 0, 4), viewAt([1.1, 2.2], 4, 8));
    expect("data" in res && Array.from(res.data.exact ?? [])).toEqual([1.1, 2.2]);
  });
  it("explains inconsistent traits", () => {
    expect(decodeMatrix([5, 5], viewAt([1, 2], 0, 4), null)).toEqual({
      error: "_values holds 2 float32 values but _shape 5\u00d75 needs 25",
    });
    expect("error" in decodeMatrix([0, 3], null, null)).toBe(true);
    expect("error" in decodeMatrix("3x3", null, null)).toBe(true);
    expect("error" in decodeMatrix([1, 2], viewAt([1, 2], 0, 4), viewAt([1], 0, 8))).toBe(true);
  });
});

describe("value formatting", () => {
  it("gives the shortest decimal that round-trips through float32", () => {
    expect(formatFloat32(Math.fround(-0.0987))).toBe("-0.0987");
    expect(formatFloat32(Math.fround(-0.0756))).toBe("-0.0756");
    expect(formatFloat32(Math.fround(1.9074))).toBe("1.9074");
    expect(formatFloat32(Math.fround(0.1))).toBe("0.1");
    expect(formatFloat32(Math.fround(1e-7))).toBe("1e-7");
    expect(formatFloat32(Math.fround(16777217))).toBe("16777216");
    expect(formatFloat32(Math.fround(3.4028234663852886e38))).toBe("3.4028235e+38");
    expect(formatFloat32(1000000)).toBe("1000000");
    expect(formatFloat32(0)).toBe("0");
    expect(formatFloat32(-0)).toBe("-0");
    expect(formatFloat32(Infinity)).toBe("inf");
    expect(formatFloat32(-Infinity)).toBe("-inf");
  });
  it("round-trips every formatted float32", () => {
    for (let i = 0; i < 2000; i++) {
      const x = Math.fround((Math.random() - 0.5) * 10 ** (Math.random() * 20 - 10));
      expect(Math.fround(Number(formatFloat32(x)))).toBe(x);
    }
  });
  it("formats float64 originals fully", () => {
    expect(formatFloat64(0.1234567890123)).toBe("0.1234567890123");
    expect(formatFloat64(0.1 + 0.2)).toBe("0.30000000000000004");
  });
  it("uses _exact when present, and null for NaN", () => {
    const values = new Float32Array([0.1234567890123, NaN]);
    expect(formatCell({ rows: 1, cols: 2, values, exact: null }, 0)).toBe("0.12345679");
    expect(formatCell({ rows: 1, cols: 2, values, exact: new Float64Array([0.1234567890123, NaN]) }, 0)).toBe(
      "0.1234567890123",
    );
    expect(formatCell({ rows: 1, cols: 2, values, exact: null }, 1)).toBeNull();
  });
});
