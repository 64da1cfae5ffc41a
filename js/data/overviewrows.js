// The overview of a source read in the background (docs/architecture.md, "A source read
// in the background") arrives a few rows at a time, in `{"type": "rows", "rows": [a, b]}`
// messages whose buffer holds overview rows a..b-1 (float32): each makes a new grid with
// those rows in place, and the rows had so far are counted from the top.

import { decodeFloat32, isBinary } from "./binary.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */

/**
 * `grid` with rows `a`..`b`-1 from a `rows` message, or why the message is refused.
 * @param {MatrixData} grid one panel's overview
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
  if ((grid.panels ?? 1) !== 1) return "rows come only for a single matrix";
  if (!isBinary(buffer)) return "the rows' values are not binary data";
  const part = decodeFloat32(buffer);
  if (part.length !== (b - a) * grid.cols) {
    return `rows ${a}..${b - 1} must be ${(b - a) * grid.cols} float32 values, got ${part.length}`;
  }
  const values = new Float32Array(grid.values);
  values.set(part, a * grid.cols);
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
