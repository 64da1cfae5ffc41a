// Where a point of the plot box falls among the panels shown, and the maths that maps it
// into the one view window all panels share. Points are CSS px from the plot box's
// top-left corner; rects are the shown panels' boxes (view/focus.js panelGeometry). The
// single heatmap is one rect covering the plot box. Pure functions, no DOM.

import { centerOf, indexAt } from "../render/layout.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {{ index: number, x: number, y: number, w: number, h: number }} PanelRect */

/**
 * What the view (view/focus.js) says about the panels: how many, their user-facing keys
 * (an int in a wrapped row, [i, j] in a grid), and the boxes of those shown and of their
 * titles.
 * @typedef {Object} PanelGeometry
 * @property {number} count
 * @property {Array<number | [number, number]>} keys
 * @property {PanelRect[]} rects the panels shown (all, or only the focused one)
 * @property {PanelRect[]} titles
 */

/**
 * The geometry of a single heatmap filling a w x h plot box.
 * @param {number} w
 * @param {number} h
 * @returns {PanelGeometry}
 */
export function singleGeometry(w, h) {
  return { count: 1, keys: [0], rects: [{ index: 0, x: 0, y: 0, w, h }], titles: [] };
}

/**
 * The rect containing (x, y) (left and top edges inside, right and bottom outside, as
 * the pixel rule), or null in a gap, on a title or outside.
 * @param {PanelRect[]} rects
 * @param {number} x
 * @param {number} y
 * @returns {PanelRect | null}
 */
export function rectAt(rects, x, y) {
  for (const r of rects) {
    if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return r;
  }
  return null;
}

/**
 * The shown rect of panel `index`, or null when that panel is not shown.
 * @param {PanelRect[]} rects
 * @param {number} index
 * @returns {PanelRect | null}
 */
export function rectOf(rects, index) {
  return rects.find((r) => r.index === index) ?? null;
}

/**
 * The cell of the view under (x, y) in a rect: the same rule as the shader's pixel
 * centres (layout.js indexAt), null outside the rect or the matrix.
 * @param {ViewWindow} view
 * @param {PanelRect} rect
 * @param {number} x
 * @param {number} y
 * @param {number} rows
 * @param {number} cols
 * @returns {[number, number] | null}
 */
export function cellIn(view, rect, x, y, rows, cols) {
  const r = indexAt(view.row0, view.row1, y - rect.y, rect.h, rows);
  const c = indexAt(view.col0, view.col1, x - rect.x, rect.w, cols);
  return r < 0 || c < 0 ? null : [r, c];
}

/**
 * (x, y) as fractions of a rect (0 = left/top edge, 1 = right/bottom): where a zoom is
 * anchored in the view. Not clamped.
 * @param {PanelRect} rect
 * @param {number} x
 * @param {number} y
 * @returns {{ fx: number, fy: number }}
 */
export function fractionIn(rect, x, y) {
  return { fx: (x - rect.x) / Math.max(1, rect.w), fy: (y - rect.y) / Math.max(1, rect.h) };
}

/**
 * (x, y) moved into a rect (its edges included): a zoom box stays in its panel.
 * @param {PanelRect} rect
 * @param {number} x
 * @param {number} y
 * @returns {[number, number]}
 */
export function clampTo(rect, x, y) {
  return [Math.min(Math.max(x, rect.x), rect.x + rect.w), Math.min(Math.max(y, rect.y), rect.y + rect.h)];
}

/**
 * Where the keyboard tooltip of cell (r, c) is anchored: the cell's lower right corner,
 * moved into the rect, in plot box px; null when the cell is out of view.
 * @param {ViewWindow} view
 * @param {PanelRect} rect
 * @param {number} r
 * @param {number} c
 * @returns {[number, number] | null}
 */
export function cellAnchor(view, rect, r, c) {
  const x = centerOf(view.col0, view.col1, c + 0.5, rect.w);
  const y = centerOf(view.row0, view.row1, r + 0.5, rect.h);
  if (x < 0 || y < 0 || x > rect.w + 1 || y > rect.h + 1) return null;
  return [rect.x + Math.min(x, rect.w), rect.y + Math.min(y, rect.h)];
}
