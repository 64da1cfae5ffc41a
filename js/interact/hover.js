// The hovered cell: the one the tooltip describes (the cell under the pointer, or for a
// zoomed-out pixel the cell it shows), which js/view/paint.js outlines in every panel shown, so
// the same place can be compared across panels. Pure functions, no DOM.

import { outlineSpan } from "./selection.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./geometry.js").PanelRect} PanelRect */

/**
 * Rows row..rowEnd x columns col..colEnd (one cell, or the block of cells a big
 * matrix's overview cell stands for), in the panel the pointer is over.
 * @typedef {{ panel: number, row: number, col: number, rowEnd: number, colEnd: number }} Hover
 */

/** Outlines never shrink below this (CSS px), as the selection's. */

/**
 * @param {Hover | null} a
 * @param {Hover | null} b
 */
export function sameHover(a, b) {
  if (a === null || b === null) return a === b;
  return (
    a.panel === b.panel &&
    a.row === b.row &&
    a.col === b.col &&
    a.rowEnd === b.rowEnd &&
    a.colEnd === b.colEnd
  );
}

/**
 * Cells [i, iEnd] along one axis of a panel `size` px long, in px from its edge, grown
 * about their middle to MIN_OUTLINE and cut to the panel; null out of view.
 * @param {number} i
 * @param {number} iEnd
 * @param {number} a view start
 * @param {number} b view end
 * @param {number} size
 * @returns {[number, number] | null}
 */
function span(i, iEnd, a, b, size) {
  const s = outlineSpan(i, iEnd, a, b, size);
  if (!s) return null;
  const lo = Math.max(0, s[0]);
  const hi = Math.min(size, s[1]);
  return hi > lo ? [lo, hi] : null;
}

/**
 * The hovered cells' box in each shown panel (the same rows and columns in every panel,
 * as all share the view), in CSS px from the plot box's top-left corner; empty when
 * nothing is hovered or the cells are out of view.
 * @param {Hover | null} hover
 * @param {ViewWindow} view
 * @param {PanelRect[]} rects
 * @returns {Array<{ index: number, left: number, top: number, width: number, height: number }>}
 */
export function hoverBoxes(hover, view, rects) {
  if (!hover) return [];
  const out = [];
  for (const r of rects) {
    const y = span(hover.row, hover.rowEnd, view.row0, view.row1, r.h);
    const x = span(hover.col, hover.colEnd, view.col0, view.col1, r.w);
    if (!x || !y) continue;
    out.push({ index: r.index, left: r.x + x[0], top: r.y + y[0], width: x[1] - x[0], height: y[1] - y[0] });
  }
  return out;
}
