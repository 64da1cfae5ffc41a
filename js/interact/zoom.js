// Zoom and pan maths on view windows (layout.js's ViewWindow), one axis at a time so that
// rows and columns scale independently (a box zoom may stretch one more than the other).
// Pure functions, no DOM: the gestures (gestures.js) and the keyboard call these.

import { isFiniteNumber } from "../data/traits.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/** Zoomed in as far as possible, this many cells fill the view along each axis. */
export const MIN_SPAN_CELLS = 2;

/**
 * The smallest span along an axis of `n` cells: a few cells, never less than one, never
 * more than the axis.
 * @param {number} n
 */
export function minSpan(n) {
  return Math.min(n, MIN_SPAN_CELLS);
}

/**
 * One axis of a view window, made valid: a span between minSpan(n) and n (a span that is
 * too small grows about its centre), then shifted inside [0, n].
 * @param {number} a start
 * @param {number} b end
 * @param {number} n cells along this axis
 * @returns {[number, number]}
 */
export function clampAxis(a, b, n) {
  const lo = minSpan(n);
  let span = b - a;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return [0, n];
  if (!(span >= lo)) {
    a = (a + b) / 2 - lo / 2;
    span = lo;
  }
  if (span >= n) return [0, n];
  a = Math.min(Math.max(a, 0), n - span);
  // (n - span) + span may round above n: the end must never leave the matrix
  return [a, Math.min(n, a + span)];
}

/**
 * @param {number} row0
 * @param {number} row1
 * @param {number} col0
 * @param {number} col1
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function clampView(row0, row1, col0, col1, rows, cols) {
  const [r0, r1] = clampAxis(row0, row1, rows);
  const [c0, c1] = clampAxis(col0, col1, cols);
  return { row0: r0, row1: r1, col0: c0, col1: c1 };
}

/**
 * Zoom one axis by `k` (> 1 zooms in) keeping the point at fraction `f` of the view fixed.
 * @param {number} a
 * @param {number} b
 * @param {number} f 0 = start edge, 1 = end edge
 * @param {number} k
 * @param {number} n
 * @returns {[number, number]}
 */
function zoomAxis(a, b, f, k, n) {
  const span = b - a;
  const p = a + f * span;
  const s = Math.min(n, Math.max(minSpan(n), span / k));
  return clampAxis(p - f * s, p - f * s + s, n);
}

/**
 * Zoom by `k` (> 1 zooms in, < 1 out) about the point at fractions (fy, fx) of the plot,
 * which stays under the pointer unless an edge or a zoom limit is reached.
 * @param {ViewWindow} v
 * @param {number} fy 0 = top edge, 1 = bottom edge
 * @param {number} fx 0 = left edge, 1 = right edge
 * @param {number} k
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function zoomAt(v, fy, fx, k, rows, cols) {
  const [r0, r1] = zoomAxis(v.row0, v.row1, fy, k, rows);
  const [c0, c1] = zoomAxis(v.col0, v.col1, fx, k, cols);
  return { row0: r0, row1: r1, col0: c0, col1: c1 };
}

/**
 * Shift the view by a number of cells (positive = towards higher indices), keeping its
 * size; stops at the matrix edges.
 * @param {ViewWindow} v
 * @param {number} dRows
 * @param {number} dCols
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function panBy(v, dRows, dCols, rows, cols) {
  return clampView(v.row0 + dRows, v.row1 + dRows, v.col0 + dCols, v.col1 + dCols, rows, cols);
}

/**
 * The view that shows the box between fractions (y0, x0) and (y1, x1) of the plot (in
 * either order), grown about its centre to the minimum span when it is smaller.
 * @param {ViewWindow} v
 * @param {number} y0
 * @param {number} x0
 * @param {number} y1
 * @param {number} x1
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function boxView(v, y0, x0, y1, x1, rows, cols) {
  const sr = v.row1 - v.row0;
  const sc = v.col1 - v.col0;
  return clampView(
    v.row0 + Math.min(y0, y1) * sr,
    v.row0 + Math.max(y0, y1) * sr,
    v.col0 + Math.min(x0, x1) * sc,
    v.col0 + Math.max(x0, x1) * sc,
    rows,
    cols,
  );
}

/**
 * Two-finger gesture: the matrix point that was under the fingers' midpoint at fractions
 * (fy0, fx0) of the plot in view `start` moves to (fy1, fx1), and the view's spans are
 * divided by `k` (the ratio of the fingers' distances, now / then).
 * @param {ViewWindow} start
 * @param {number} fy0
 * @param {number} fx0
 * @param {number} fy1
 * @param {number} fx1
 * @param {number} k
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function pinchView(start, fy0, fx0, fy1, fx1, k, rows, cols) {
  /**
   * @param {number} a
   * @param {number} b
   * @param {number} f0
   * @param {number} f1
   * @param {number} n
   * @returns {[number, number]}
   */
  const axis = (a, b, f0, f1, n) => {
    const p = a + f0 * (b - a);
    const s = Math.min(n, Math.max(minSpan(n), (b - a) / k));
    return clampAxis(p - f1 * s, p - f1 * s + s, n);
  };
  const [r0, r1] = axis(start.row0, start.row1, fy0, fy1, rows);
  const [c0, c1] = axis(start.col0, start.col1, fx0, fx1, cols);
  return { row0: r0, row1: r1, col0: c0, col1: c1 };
}

/**
 * The nearest view of the same size in which cell (row, col) is wholly visible (either
 * may be -1 for "any"), or `v` itself when it already is.
 * @param {ViewWindow} v
 * @param {number} row
 * @param {number} col
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function scrollIntoView(v, row, col, rows, cols) {
  /**
   * @param {number} a
   * @param {number} b
   * @param {number} i
   */
  const shift = (a, b, i) => (i < 0 ? 0 : i < a ? i - a : i + 1 > b ? i + 1 - b : 0);
  const dr = shift(v.row0, v.row1, row);
  const dc = shift(v.col0, v.col1, col);
  return dr === 0 && dc === 0 ? v : panBy(v, dr, dc, rows, cols);
}

/**
 * Zoom factor of one wheel event: the same scale as d3-zoom's default (a notch of a mouse
 * wheel zooms by about 1.2x); ctrl+wheel is a trackpad pinch, whose deltas are smaller.
 * @param {number} deltaY
 * @param {number} deltaMode 0 = pixels, 1 = lines, 2 = pages
 * @param {boolean} ctrlKey
 */
export function wheelZoomFactor(deltaY, deltaMode, ctrlKey) {
  const d = -deltaY * (deltaMode === 1 ? 0.05 : deltaMode ? 1 : 0.002) * (ctrlKey ? 10 : 1);
  return 2 ** Math.max(-1, Math.min(1, d));
}

/**
 * A `view` trait value as a valid view window for this shape, or null when it is not
 * four finite numbers.
 * @param {unknown} t
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow | null}
 */
export function viewFromTrait(t, rows, cols) {
  // numbers only: Number() would read [[2]] or "2" as 2, and throws for {"valueOf": 1}
  if (!Array.isArray(t) || t.length !== 4 || !t.every(isFiniteNumber)) return null;
  const [a, b, c, d] = t;
  return clampView(a, b, c, d, rows, cols);
}

/**
 * Whether the `view` trait value `t` differs from the view `v` shown for it (clampView
 * moved it, or it is not four numbers), so that the front end must report `v` back.
 * @param {unknown} t
 * @param {ViewWindow} v
 */
export function viewCorrected(t, v) {
  if (!Array.isArray(t) || t.length !== 4 || !t.every((x) => typeof x === "number")) return true;
  return !sameView({ row0: t[0], row1: t[1], col0: t[2], col1: t[3] }, v);
}

/**
 * @param {ViewWindow} v
 * @returns {[number, number, number, number]}
 */
export function viewToTrait(v) {
  return [v.row0, v.row1, v.col0, v.col1];
}

/**
 * Whether two views are the same up to a tiny fraction of a cell.
 * @param {ViewWindow} a
 * @param {ViewWindow} b
 */
export function sameView(a, b) {
  const eps = 1e-9;
  return (
    Math.abs(a.row0 - b.row0) <= eps &&
    Math.abs(a.row1 - b.row1) <= eps &&
    Math.abs(a.col0 - b.col0) <= eps &&
    Math.abs(a.col1 - b.col1) <= eps
  );
}
