// The reduced image of each panel (the value every device pixel shows, reduce.js's
// reduceImage), kept from one view to the next. Dragging a zoomed-out view moves it by a
// few pixels' worth of cells, so most pixels of the new view cover exactly the cells that
// some pixel of the old one covered: those are copied, and only the strip that came into
// view is reduced. Which pixels match is decided by comparing the cell ranges themselves
// (not by the size of the move), so a copied pixel is always the value reduceImage would
// compute; a wheel step, which changes every range, reduces every pixel as before.

import { reduceImage } from "./reduce.js";

/** @typedef {import("./reduce.js").AxisBlocks} AxisBlocks */
/** @typedef {import("./reduce.js").Pyramid} Pyramid */

/**
 * For each pixel of an axis, the pixel of an earlier view that covers the same cells, or
 * -1. Both views' ranges are sorted (lo and hi never decrease), so one merge walk finds
 * them.
 * @param {Int32Array} lo
 * @param {Int32Array} hi
 * @param {Int32Array} prevLo
 * @param {Int32Array} prevHi
 * @param {Int32Array} into one entry per pixel
 * @returns {number} how many pixels matched
 */
export function matchRanges(lo, hi, prevLo, prevHi, into) {
  const m = prevLo.length;
  let j = 0;
  let found = 0;
  for (let p = 0; p < lo.length; p++) {
    while (j < m && (prevLo[j] < lo[p] || (prevLo[j] === lo[p] && prevHi[j] < hi[p]))) j++;
    if (j < m && prevLo[j] === lo[p] && prevHi[j] === hi[p]) {
      into[p] = j;
      found++;
    } else {
      into[p] = -1;
    }
  }
  return found;
}

/**
 * The column blocks of the pixels that did not match (colFrom[x] < 0), grouped by level
 * like AxisBlocks' own.
 * @param {AxisBlocks} cols
 * @param {Int32Array} colFrom
 */
function missingBlocks(cols, colFrom) {
  const n = cols.lo.length;
  const levelFirst = new Int32Array(cols.levelFirst.length);
  const byLevel = new Int32Array(cols.byLevel.length);
  const pixelOf = new Int32Array(cols.byLevel.length);
  let k = 0;
  for (let a = 0; a <= cols.top; a++) {
    const base = a * (n + 1);
    for (let x = 0; x < n; x++) {
      levelFirst[base + x] = k;
      if (colFrom[x] >= 0) continue;
      for (let j = cols.levelFirst[base + x]; j < cols.levelFirst[base + x + 1]; j++) {
        pixelOf[k] = x;
        byLevel[k++] = cols.byLevel[j];
      }
    }
    levelFirst[base + n] = k;
  }
  return { levelFirst, byLevel, pixelOf };
}

/**
 * Which pixels of these ranges an earlier view's image gives (null: none).
 * @typedef {{ rowFrom: Int32Array, colFrom: Int32Array,
 *   missing: { levelFirst: Int32Array, byLevel: Int32Array, pixelOf: Int32Array } } | null} Match
 */

/**
 * The pixel ranges an image was made for (copies: the renderers fill their tables in
 * place), and how they match the ranges of earlier images, worked out once for all panels.
 * @typedef {{ rows: AxisBlocks, cols: AxisBlocks, rowLo: Int32Array, rowHi: Int32Array,
 *   colLo: Int32Array, colHi: Int32Array, matches: Map<object, Match> }} Ranges
 */

/**
 * How the pixels of `now` match those of `prev`.
 * @param {Ranges} now
 * @param {Ranges} prev
 * @returns {Match}
 */
function match(now, prev) {
  const rowFrom = new Int32Array(now.rowLo.length);
  const colFrom = new Int32Array(now.colLo.length);
  const rowsFound = matchRanges(now.rowLo, now.rowHi, prev.rowLo, prev.rowHi, rowFrom);
  const colsFound = matchRanges(now.colLo, now.colHi, prev.colLo, prev.colHi, colFrom);
  if (rowsFound === 0 || colsFound === 0) return null;
  return { rowFrom, colFrom, missing: missingBlocks(now.cols, colFrom) };
}

/**
 * Per-panel reduced images that follow the view.
 */
export function createViewImages() {
  /** @type {{ image: Float32Array, spare: Float32Array | null, pyr: Pyramid, ranges: Ranges }[]} */
  let panels = [];
  /** @type {Ranges | null} */
  let current = null;

  return {
    /**
     * The image of panel `index` (rows.lo.length x cols.lo.length values) for these
     * blocks, made or brought up to date. Pass the same AxisBlocks objects while the view
     * stays (axisBlocks makes new ones for a new view).
     * @param {Pyramid} pyr the panel's pyramid
     * @param {number} index
     * @param {AxisBlocks} rows
     * @param {AxisBlocks} cols
     * @returns {Float32Array} kept by this object until the next call for this panel
     */
    image(pyr, index, rows, cols) {
      if (!current || current.rows !== rows || current.cols !== cols) {
        current?.matches.clear(); // a chain of views kept alive through these would grow
        current = {
          rows,
          cols,
          rowLo: rows.lo.slice(),
          rowHi: rows.hi.slice(),
          colLo: cols.lo.slice(),
          colHi: cols.hi.slice(),
          matches: new Map(),
        };
      }
      const w = cols.lo.length;
      const h = rows.lo.length;
      const old = panels[index];
      if (old && old.ranges === current && old.pyr === pyr) return old.image;
      /** @type {import("./reduce.js").KnownPixels | null} */
      let known = null;
      if (old && old.pyr === pyr) {
        const prev = old.ranges;
        // every panel last drawn with `prev` matches alike: worked out for the first one
        if (!current.matches.has(prev)) current.matches.set(prev, match(current, prev));
        const m = current.matches.get(prev);
        if (m) known = { image: old.image, width: prev.colLo.length, ...m };
      }
      const reuse = known ? old?.spare : old?.image;
      const out = reuse && reuse.length === w * h ? reuse : new Float32Array(w * h);
      reduceImage(pyr, rows, cols, out, known);
      panels[index] = { image: out, spare: known && old ? old.image : null, pyr, ranges: current };
      return out;
    },

    /** Forget every image (a new matrix, or the renderer goes). */
    clear() {
      panels = [];
      current = null;
    },
  };
}
