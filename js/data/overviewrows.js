// The overview of a source read in the background (docs/architecture.md, "A source read
// in the background") arrives a few rows at a time, in `{"type": "rows", "rows": [a, b]}`
// messages whose buffer holds overview rows a..b-1 (float32) of every panel, panel-major:
// each makes a new grid with those rows in place, and the rows had so far are counted from
// the top (the same rows of every panel come together).

import { decodeFloat32, isBinary } from "./binary.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */

/**
 * `grid` with rows `a`..`b`-1 of every panel from a `rows` message, or why the message is
 * refused.
 * @param {MatrixData} grid the overview (its panels end to end)
 * @param {any} content
 * @param {unknown} buffer
 * @returns {{ grid: MatrixData, a: number, b: number } | string}
 */
export function withRows(grid, content, buffer) {
  const r = content?.rows;
  const [a, b] = Array.isArray(r) ? r : [];
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b <= a || b > grid.rows) {
    return `rows must be [a, b] with 0 <= a < b <= ${grid.rows}, got ${JSON.stringify(r)?.slice(0, 60)}`;
  }
  if (!isBinary(buffer)) return "the rows' values are not binary data";
  const part = decodeFloat32(buffer);
  const panels = grid.panels ?? 1;
  const each = (b - a) * grid.cols;
  if (part.length !== panels * each) {
    const of = panels === 1 ? "" : ` of ${panels} panels`;
    return `rows ${a}..${b - 1}${of} must be ${panels * each} float32 values, got ${part.length}`;
  }
  const values = new Float32Array(grid.values);
  for (let p = 0; p < panels; p++) {
    values.set(part.subarray(p * each, (p + 1) * each), (p * grid.rows + a) * grid.cols);
  }
  return { grid: { ...grid, values }, a, b };
}

/**
 * Which overview rows have come: `had` counts them from the top (all, for an overview
 * that came whole).
 * @param {number} rows the overview's rows
 * @param {boolean} partial whether its rows are still to come
 */
export function createRowsHad(rows, partial) {
  const got = new Uint8Array(partial ? rows : 0);
  let had = partial ? 0 : rows;
  return {
    get had() {
      return had;
    },
    /**
     * @param {number} a
     * @param {number} b
     */
    add(a, b) {
      got.fill(1, a, b);
      while (had < got.length && got[had]) had++;
    },
  };
}
