// Checking and decoding of the matrix traits, and formatting of cell values for the
// tooltip. The bytes themselves are read by ./binary.js, which accepts every shape hosts
// hand binary data over in.

import { binaryLength, decodeFloat32, decodeFloat64 } from "./binary.js";
import { checkLabels, notString } from "./labelcheck.js";
import { brief } from "./traits.js";

/** @typedef {import("./binary.js").BinaryLike} BinaryLike */

/**
 * @typedef {Object} MatrixData
 * @property {number} rows
 * @property {number} cols
 * @property {number} [panels]  how many matrices of this shape the values hold (a stack of
 *   panels); absent means 1
 * @property {Float32Array} values   panels*rows*cols float32, C order, panel-major: panel p's
 *   cell (r, c) at (p * rows + r) * cols + c
 * @property {Float64Array | null} exact  float64 originals for the tooltip (laid out as
 *   values), or null
 */

/** Most cells a matrix in the kernel's memory may have (= Python's `tokenheat._data.MAX_CELLS`). */
export const MAX_CELLS = 2 ** 31;
/**
 * Most cells of one matrix shown from a pyramid on disk, which only ever arrives as an
 * overview and tiles (= Python's `tokenheat._data.MAX_PYRAMID_CELLS`).
 */
export const MAX_PYRAMID_CELLS = 2 ** 40;

/**
 * The matrix traits as received (see docs/architecture.md, "Synced traits").
 * @typedef {Object} MatrixState
 * @property {unknown} shape `_shape`
 * @property {unknown} block `_block` (null/undefined = [1, 1], a state saved before it)
 * @property {unknown} values `_values`
 * @property {unknown} exact `_exact`
 * @property {unknown} rowLabels `row_labels`: one string per row, or with several panels one
 *   list per panel, as long as the panel's own rows
 * @property {unknown} colLabels `column_labels`
 * @property {unknown} [panelShapes] `_panel_shapes`: each panel's own [rows, cols] when some
 *   were padded, else []
 * @property {unknown} tokens `_tokens`
 * @property {unknown} [panels] `_panels`: [] (or absent, a state saved before it) for one
 *   matrix, [P] for a wrapped row of P panels, [gr, gc] for a grid
 */

/**
 * The matrix's geometry when the traits agree with each other and with what was received.
 * @typedef {Object} MatrixGeometry
 * @property {number} rows matrix rows
 * @property {number} cols matrix columns
 * @property {number} fr matrix rows per cell of `_values` (1 when sent whole)
 * @property {number} fc matrix columns per cell of `_values`
 * @property {number} gridRows rows of `_values`, ceil(rows / fr)
 * @property {number} gridCols columns of `_values`, ceil(cols / fc)
 * @property {number} panels matrices of `_shape` in `_values`, panel-major (1 for one)
 * @property {number[]} layout `_panels`: [], [P] or [gr, gc]
 * @property {boolean} tokensPerPanel `_tokens` holds one string per cell of every panel
 *   (else one per cell, shared by all panels, or none)
 */

/**
 * Check the matrix traits against each other and against what was actually received,
 * before anything is allocated from them: a saved state or a message can claim any
 * shape, but one label per row and column and 4 bytes per value must have arrived.
 * Reads lengths and the types of list entries; nothing here allocates more than the message
 * it checks.
 * @param {MatrixState} s
 * @returns {MatrixGeometry | { error: string }}
 */
export function checkMatrixState(s) {
  /** @param {unknown} v */
  const pair = (v) =>
    Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x) && x >= 1)
      ? /** @type {[number, number]} */ (v)
      : null;
  const shape = pair(s.shape);
  if (!shape) return { error: `_shape must be [rows, cols], two integers >= 1, got ${brief(s.shape)}` };
  const [rows, cols] = shape;
  const x = "\u00d7";
  const layout = s.panels == null ? [] : s.panels;
  if (
    !Array.isArray(layout) ||
    layout.length > 2 ||
    !layout.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_CELLS)
  ) {
    return {
      error: `_panels must be [], [panels] or [grid rows, grid columns], integers >= 1, got ${brief(s.panels)}`,
    };
  }
  const panels = layout.reduce((a, b) => a * b, 1);
  const block = s.block == null ? [1, 1] : pair(s.block);
  if (!block) {
    return {
      error: `_block must be [rows, cols] per overview cell, two integers >= 1, got ${brief(s.block)}`,
    };
  }
  const [fr, fc] = block;
  // a matrix (or panels) in blocks may be a pyramid's or a source's read in the
  // background, bigger than any matrix in memory
  const pyramid = fr > 1 || fc > 1;
  const limit = pyramid ? MAX_PYRAMID_CELLS : MAX_CELLS;
  if (rows * cols * panels > limit) {
    const stack = panels === 1 ? "" : ` in ${panels} panels`;
    return {
      error: `_shape ${rows}${x}${cols}${stack} has more than ${limit} (2**${pyramid ? 40 : 31}) cells, the most tokenheat draws`,
    };
  }
  if (fr > rows || fc > cols) {
    return { error: `_block ${fr}${x}${fc} is bigger than the matrix: _shape is ${rows}${x}${cols}` };
  }
  const gridRows = Math.ceil(rows / fr);
  const gridCols = Math.ceil(cols / fc);
  const whole = fr === 1 && fc === 1;
  const of = panels === 1 ? "" : `${panels} panels of `;
  const what = whole
    ? `${of}_shape ${rows}${x}${cols}`
    : `the ${gridRows}${x}${gridCols} overview of ${of}_shape ${rows}${x}${cols} in ${fr}${x}${fc} blocks`;
  const got = binaryLength(s.values);
  if (got < 0) return { error: `_values must be binary (float32 bytes), got ${brief(s.values)}` };
  const need = 4 * panels * gridRows * gridCols;
  if (got !== need) {
    return {
      error: `_values holds ${got} bytes but ${what} ${panels === 1 ? "needs" : "need"} ${need} (4 per float32 value)`,
    };
  }
  const exact = binaryLength(s.exact);
  if (exact < 0) return { error: `_exact must be binary (float64 bytes), got ${brief(s.exact)}` };
  if (exact !== 0 && !whole) {
    return { error: `_exact must be empty for an overview (_block ${fr}${x}${fc}), got ${exact} bytes` };
  }
  if (exact !== 0 && exact !== 8 * panels * rows * cols) {
    return {
      error: `_exact holds ${exact} bytes but ${what} ${panels === 1 ? "needs" : "need"} ${8 * panels * rows * cols} (8 per float64 value) or none`,
    };
  }
  const labelError = checkLabels(s, rows, cols, layout.length > 0 ? panels : 0);
  if (labelError) return { error: labelError };
  const tokens = s.tokens == null ? [] : s.tokens;
  if (!Array.isArray(tokens)) return { error: `_tokens must be a list of strings, got ${brief(tokens)}` };
  const perPanel = panels > 1 && tokens.length === panels * rows * cols;
  if (tokens.length !== 0 && tokens.length !== rows * cols && !perPanel) {
    const orPanels = panels > 1 ? `, ${panels * rows * cols} (one per cell of every panel)` : "";
    return {
      error: `_tokens has ${tokens.length} entries but _shape ${rows}${x}${cols} needs ${rows * cols} (one per cell)${orPanels} or none`,
    };
  }
  const t = notString(tokens);
  if (t >= 0) return { error: `_tokens must be a list of strings, got ${brief(tokens[t])} at [${t}]` };
  return { rows, cols, fr, fc, gridRows, gridCols, panels, layout: [...layout], tokensPerPanel: perPanel };
}

/**
 * Decode `_shape`, `_values` and `_exact` into a matrix (or a stack of `panels` matrices
 * of that shape), or explain why they disagree.
 * @param {unknown} shape
 * @param {BinaryLike} values
 * @param {BinaryLike} exact
 * @param {unknown} [panels] matrices in the values; absent means 1
 * @returns {{ data: MatrixData } | { error: string }}
 */
export function decodeMatrix(shape, values, exact, panels = 1) {
  if (!Array.isArray(shape) || shape.length !== 2) {
    return { error: `_shape must be [rows, cols], got ${JSON.stringify(shape)}` };
  }
  const rows = Number(shape[0]);
  const cols = Number(shape[1]);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    return { error: `_shape must hold two integers >= 1, got ${JSON.stringify(shape)}` };
  }
  if (typeof panels !== "number" || !Number.isSafeInteger(panels) || panels < 1) {
    return { error: `_panels must be an integer >= 1, got ${brief(panels)}` };
  }
  const n = panels * rows * cols;
  const what =
    panels === 1
      ? `_shape ${rows}\u00d7${cols} needs`
      : `${panels} panels of _shape ${rows}\u00d7${cols} need`;
  const v = decodeFloat32(values);
  if (v.length !== n) {
    return { error: `_values holds ${v.length} float32 values but ${what} ${n}` };
  }
  const e = decodeFloat64(exact);
  if (e.length !== 0 && e.length !== n) {
    return { error: `_exact holds ${e.length} float64 values but ${what} ${n} (or none)` };
  }
  /** @type {MatrixData} */
  const data = { rows, cols, values: v, exact: e.length ? e : null };
  if (panels !== 1) data.panels = panels;
  return { data };
}

/**
 * @param {number} x
 * @returns {string | null} text for the non-finite and signed-zero cases, else null
 */
function special(x) {
  if (x !== x) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0 && 1 / x < 0) return "-0";
  return null;
}

/**
 * Shortest decimal that reads back as the same float64 (JavaScript's own rule).
 * @param {number} x
 * @returns {string}
 */
export function formatFloat64(x) {
  return special(x) ?? String(x);
}

/**
 * Shortest decimal that reads back as the same float32, e.g. the float32 nearest to
 * -0.0987 (-0.098700001835...) formats as "-0.0987".
 * @param {number} x a value that is exactly representable as float32
 * @returns {string}
 */
export function formatFloat32(x) {
  const s = special(x);
  if (s !== null) return s;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return String(y);
  }
  return String(x);
}

/**
 * The tooltip text of cell `i`: the float64 original when `_exact` was sent, else the
 * float32 value (marked "≈" while exact values are still to come); null for NaN.
 * @param {MatrixData} data
 * @param {number} i flat C-order index
 * @param {boolean} [exactPending] float64 originals exist but have not arrived yet
 * @returns {string | null}
 */
export function formatCell(data, i, exactPending = false) {
  const x = data.exact ? data.exact[i] : data.values[i];
  if (x !== x) return null;
  if (data.exact) return formatFloat64(x);
  // float32 shows what the user passed unless more precise values are on their way
  return exactPending ? `\u2248 ${formatFloat32(x)}` : formatFloat32(x);
}
