import { describe, expect, it } from "vitest";
import { checkMatrixState, decodeMatrix, formatCell, formatFloat32, formatFloat64 } from "../data/data.js";

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

describe("checkMatrixState", () => {
  const floats = (/** @type {number} */ n) => new DataView(new ArrayBuffer(4 * n));
  const labels = (/** @type {number} */ n) => Array.from({ length: n }, (_, i) => String(i));
  /** A consistent 3 x 2 matrix sent whole, with `over` replacing some traits. */
  const state = (/** @type {Record<string, unknown>} */ over = {}) => ({
    shape: [3, 2],
    block: [1, 1],
    values: floats(6),
    exact: new DataView(new ArrayBuffer(0)),
    rowLabels: labels(3),
    colLabels: labels(2),
    tokens: [],
    ...over,
  });
  const error = (/** @type {Record<string, unknown>} */ over) => {
    const res = checkMatrixState(state(over));
    return "error" in res ? res.error : null;
  };

  it("accepts a consistent matrix, whole or as an overview", () => {
    const one = { panels: 1, layout: [], tokensPerPanel: false };
    expect(checkMatrixState(state())).toEqual({
      rows: 3,
      cols: 2,
      fr: 1,
      fc: 1,
      gridRows: 3,
      gridCols: 2,
      ...one,
    });
    expect(error({ tokens: ["a", "b", "c", "d", "e", "f"], exact: new ArrayBuffer(48) })).toBeNull();
    expect(error({ block: undefined })).toBeNull(); // a state saved before `_block`
    const big = state({
      shape: [40000, 30000],
      block: [40, 30],
      values: floats(1000 * 1000),
      rowLabels: labels(40000),
      colLabels: labels(30000),
    });
    expect(checkMatrixState(big)).toEqual({
      rows: 40000,
      cols: 30000,
      fr: 40,
      fc: 30,
      gridRows: 1000,
      ...one,
      gridCols: 1000,
    });

    // the last blocks may be smaller: ceil(rows / fr)
    const ragged = state({ shape: [5, 2], block: [2, 2], values: floats(3), rowLabels: labels(5) });
    expect(checkMatrixState(ragged)).toMatchObject({ gridRows: 3, gridCols: 1 });
  });

  it("checks a stack of panels against the bytes received", () => {
    const stack = (/** @type {Record<string, unknown>} */ over) =>
      checkMatrixState(state({ values: floats(4 * 6), ...over }));
    expect(stack({ panels: [4] })).toMatchObject({ panels: 4, layout: [4], gridRows: 3, gridCols: 2 });
    expect(stack({ panels: [2, 2], exact: new ArrayBuffer(8 * 24) })).toMatchObject({
      panels: 4,
      layout: [2, 2],
    });
    expect(stack({ panels: [2, 2], tokens: Array(24).fill("t") })).toMatchObject({ tokensPerPanel: true });
    expect(stack({ panels: [4], tokens: Array(6).fill("t") })).toMatchObject({ tokensPerPanel: false });
    expect(stack({ panels: [3] })).toEqual({
      error: "_values holds 96 bytes but 3 panels of _shape 3×2 need 72 (4 per float32 value)",
    });
    expect(stack({ panels: [4], exact: new ArrayBuffer(48) })).toEqual({
      error: "_exact holds 48 bytes but 4 panels of _shape 3×2 need 192 (8 per float64 value) or none",
    });
    expect(stack({ panels: [4], tokens: Array(7).fill("t") })).toEqual({
      error:
        "_tokens has 7 entries but _shape 3×2 needs 6 (one per cell), 24 (one per cell of every panel) or none",
    });
    for (const bad of [[0], [2, 2, 1], ["4"], [1.5], {}, "4", [2 ** 40]]) {
      expect(stack({ panels: bad })).toEqual({
        error: expect.stringMatching(
          /^_panels must be \[\], \[panels\] or \[grid rows, grid columns\], integers >= 1, got /,
        ),
      });
    }
    // a claimed stack bigger than anything drawable is refused before any allocation
    expect(stack({ panels: [65536, 65536] })).toEqual({
      error: `_shape 3×2 in ${65536 * 65536} panels has more than 2147483648 (2**31) cells, the most tokenheat draws`,
    });
  });

  it("refuses a shape that is not two integers >= 1, or has more cells than it may", () => {
    for (const shape of [
      null,
      [3],
      [3, 2, 1],
      [0, 2],
      [-3, 2],
      [3, 2.5],
      ["3", "2"],
      [NaN, 2],
      [2 ** 60, 1],
    ]) {
      expect(error({ shape })).toMatch(/^_shape must be \[rows, cols\], two integers >= 1, got /);
    }
    // one matrix in blocks may be a pyramid's, up to 2**40 cells; sent whole, up to 2**31
    expect(error({ shape: [1e8, 1e8], block: [1e5, 1e5], values: floats(1e6) })).toBe(
      "_shape 100000000\u00d7100000000 has more than 1099511627776 (2**40) cells, the most tokenheat draws",
    );
    const big = { shape: [2 ** 20, 2 ** 20], block: [2 ** 10, 2 ** 10], values: floats(2 ** 20) };
    expect(error({ ...big, rowLabels: labels(2 ** 20), colLabels: labels(2 ** 20) })).toBe(null);
    // so may panels in blocks (a 3-D or 4-D source read in the background): 2**40 in all
    const grid = { shape: [8192, 8192], panels: [12, 12], block: [64, 64], values: floats(144 * 128 * 128) };
    expect(error({ ...grid, rowLabels: labels(8192), colLabels: labels(8192) })).toBe(null);
    expect(error({ ...grid, shape: [2 ** 17, 2 ** 17], block: [2 ** 10, 2 ** 10] })).toBe(
      "_shape 131072×131072 in 144 panels has more than 1099511627776 (2**40) cells, the most tokenheat draws",
    );
    expect(error({ shape: [2 ** 16, 2 ** 16], values: floats(1) })).toBe(
      "_shape 65536\u00d765536 has more than 2147483648 (2**31) cells, the most tokenheat draws",
    );
  });

  it("refuses a block that is not two integers >= 1 or is bigger than the shape", () => {
    expect(error({ block: [0, 1] })).toMatch(/^_block must be \[rows, cols\] per overview cell/);
    expect(error({ block: "1x1" })).toMatch(/^_block must be/);
    expect(error({ block: [4, 1] })).toBe("_block 4\u00d71 is bigger than the matrix: _shape is 3\u00d72");
    expect(error({ block: [1, 3] })).toMatch(/^_block 1\u00d73 is bigger/);
  });

  it("checks the bytes received against the shape and block", () => {
    expect(error({ values: floats(5) })).toBe(
      "_values holds 20 bytes but _shape 3\u00d72 needs 24 (4 per float32 value)",
    );
    expect(error({ block: [2, 2], values: floats(6) })).toBe(
      "_values holds 24 bytes but the 2\u00d71 overview of _shape 3\u00d72 in 2\u00d72 blocks needs 8 (4 per float32 value)",
    );
    expect(error({ values: [0, 1, 2, 3, 4, 5] })).toMatch(/^_values must be binary/);
    expect(error({ values: null })).toMatch(/^_values holds 0 bytes/);
  });

  it("checks _exact: empty, or 8 bytes per cell of a whole matrix", () => {
    expect(error({ exact: new ArrayBuffer(47) })).toBe(
      "_exact holds 47 bytes but _shape 3\u00d72 needs 48 (8 per float64 value) or none",
    );
    expect(error({ exact: "x" })).toMatch(/^_exact must be binary/);
    const overview = { shape: [4, 2], block: [2, 1], values: floats(4), rowLabels: labels(4) };
    expect(error(overview)).toBeNull();
    expect(error({ ...overview, exact: new ArrayBuffer(64) })).toBe(
      "_exact must be empty for an overview (_block 2\u00d71), got 64 bytes",
    );
  });

  it("bounds the shape by the labels received: one per row and column", () => {
    expect(error({ rowLabels: labels(2) })).toBe("row_labels has 2 entries but _shape 3\u00d72 has 3 rows");
    expect(error({ colLabels: labels(3) })).toBe(
      "column_labels has 3 entries but _shape 3\u00d72 has 2 columns",
    );
    expect(error({ rowLabels: undefined })).toMatch(/^row_labels must be a list of 3 strings/);
  });

  it("checks _tokens: none or one per cell", () => {
    expect(error({ tokens: ["a"] })).toBe(
      "_tokens has 1 entries but _shape 3\u00d72 needs 6 (one per cell) or none",
    );
    expect(error({ tokens: "abc" })).toMatch(/^_tokens must be a list/);
  });

  it("refuses labels and tokens that are not strings (Python sends only strings)", () => {
    const hostile = { valueOf: 1, toString: 1 }; // String() of it throws
    expect(error({ rowLabels: ["a", 1, "c"] })).toBe("row_labels must be a list of 3 strings, got 1 at [1]");
    expect(error({ rowLabels: [null, "b", "c"] })).toBe(
      "row_labels must be a list of 3 strings, got null at [0]",
    );
    expect(error({ colLabels: ["a", hostile] })).toBe(
      'column_labels must be a list of 2 strings, got {"valueOf":1,"toString":1} at [1]',
    );
    expect(error({ tokens: ["a", "b", "c", "d", "e", ["f"]] })).toBe(
      '_tokens must be a list of strings, got ["f"] at [5]',
    );
    expect(error({ tokens: Array(6).fill(undefined) })).toBe(
      "_tokens must be a list of strings, got [object Undefined] at [0]",
    );
  });

  it("cuts long values short in its messages", () => {
    const msg = /** @type {string} */ (error({ shape: Array.from({ length: 1000 }, () => 7) }));
    expect(msg.length).toBeLessThan(150);
    expect(msg).toMatch(/\.\.\.$/);
  });
});
