// The `selection` trait: a cell {row, col}, a row {row}, a column {col} or null. Parsing,
// keyboard moves (pure) and the outline drawn around it in the current view.

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * @typedef {{ row: number, col: number } | { row: number } | { col: number }} Selection
 */

/** Outlines never shrink below this (CSS px), so that a tiny cell stays findable. */
const MIN_OUTLINE = 8;

/** @type {(v: unknown, n: number) => v is number} */
const isIndex = (v, n) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n;

/**
 * A `selection` trait value as a selection of this matrix, or null when it is none or
 * does not fit the shape.
 * @param {unknown} v
 * @param {number} rows
 * @param {number} cols
 * @returns {Selection | null}
 */
export function parseSelection(v, rows, cols) {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const o = /** @type {Record<string, unknown>} */ (v);
  const hasRow = o.row !== undefined && o.row !== null;
  const hasCol = o.col !== undefined && o.col !== null;
  if (hasRow && hasCol)
    return isIndex(o.row, rows) && isIndex(o.col, cols) ? { row: o.row, col: o.col } : null;
  if (hasRow) return isIndex(o.row, rows) ? { row: o.row } : null;
  if (hasCol) return isIndex(o.col, cols) ? { col: o.col } : null;
  return null;
}

/**
 * Whether the `selection` trait value `t` is not exactly the selection `s` parsed from it
 * (it does not fit the matrix, or has other keys), so that the front end must report `s`
 * back.
 * @param {unknown} t
 * @param {Selection | null} s
 */
export function selectionCorrected(t, s) {
  if (t === null || t === undefined) return s !== null;
  if (s === null || typeof t !== "object") return true;
  const keys = Object.keys(t);
  const want = Object.keys(s);
  const o = /** @type {Record<string, unknown>} */ (t);
  return keys.length !== want.length || want.some((k) => o[k] !== /** @type {any} */ (s)[k]);
}

/**
 * @param {Selection | null} s
 * @returns {number} the selected row, or -1
 */
export const selRow = (s) => (s && "row" in s ? s.row : -1);

/**
 * @param {Selection | null} s
 * @returns {number} the selected column, or -1
 */
export const selCol = (s) => (s && "col" in s ? s.col : -1);

/**
 * @param {Selection | null} a
 * @param {Selection | null} b
 */
export function sameSelection(a, b) {
  if (a === null || b === null) return a === b;
  return selRow(a) === selRow(b) && selCol(a) === selCol(b);
}

/**
 * The first cell along an axis whose centre is in view.
 * @param {number} start
 * @param {number} n
 */
const firstVisible = (start, n) => Math.min(n - 1, Math.max(0, Math.floor(start + 0.5)));

/**
 * Where an arrow key takes the selection: a cell moves one step (starting at the top-left
 * visible cell when nothing is selected), a row moves up/down, a column left/right. Stops
 * at the matrix edges.
 * @param {Selection | null} s
 * @param {"ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight"} key
 * @param {ViewWindow} view
 * @param {number} rows
 * @param {number} cols
 * @returns {Selection}
 */
export function moveSelection(s, key, view, rows, cols) {
  const dr = key === "ArrowUp" ? -1 : key === "ArrowDown" ? 1 : 0;
  const dc = key === "ArrowLeft" ? -1 : key === "ArrowRight" ? 1 : 0;
  /**
   * @param {number} i
   * @param {number} d
   * @param {number} n
   */
  const step = (i, d, n) => Math.min(n - 1, Math.max(0, i + d));
  if (s === null) return { row: firstVisible(view.row0, rows), col: firstVisible(view.col0, cols) };
  if ("row" in s && "col" in s) return { row: step(s.row, dr, rows), col: step(s.col, dc, cols) };
  if ("row" in s) return { row: step(s.row, dr, rows) };
  return { col: step(s.col, dc, cols) };
}

/**
 * The outline's box in CSS px from the plot's top-left corner (a row spans the plot's
 * width, a column its height), at least MIN_OUTLINE px each way; null when nothing is
 * selected or the selection is out of view.
 * @param {Selection | null} s
 * @param {ViewWindow} view
 * @param {number} width plot width
 * @param {number} height plot height
 * @returns {{ left: number, top: number, width: number, height: number } | null}
 */
export function selectionBox(s, view, width, height) {
  if (!s) return null;
  const r = selRow(s);
  const c = selCol(s);
  /**
   * @param {number} i
   * @param {number} a
   * @param {number} b
   * @param {number} size
   * @returns {[number, number] | null}
   */
  const span = (i, a, b, size) => {
    if (i < 0) return [0, size];
    if (i + 1 <= a || i >= b) return null;
    let lo = ((i - a) / (b - a)) * size;
    let hi = ((i + 1 - a) / (b - a)) * size;
    if (hi - lo < MIN_OUTLINE) {
      const mid = (lo + hi) / 2;
      lo = mid - MIN_OUTLINE / 2;
      hi = mid + MIN_OUTLINE / 2;
    }
    return [lo, hi];
  };
  const y = span(r, view.row0, view.row1, height);
  const x = span(c, view.col0, view.col1, width);
  if (!x || !y) return null;
  return { left: x[0], top: y[0], width: x[1] - x[0], height: y[1] - y[0] };
}

/**
 * The `.tokenheat-selection` outline inside the plot box.
 * @param {HTMLElement} plotbox
 */
export function createSelectionOutline(plotbox) {
  const el = document.createElement("div");
  el.className = "tokenheat-selection";
  el.setAttribute("aria-hidden", "true");
  el.hidden = true;
  plotbox.appendChild(el);
  return {
    el,
    /**
     * @param {Selection | null} s
     * @param {ViewWindow} view
     * @param {number} width
     * @param {number} height
     */
    update(s, view, width, height) {
      const b = selectionBox(s, view, width, height);
      el.hidden = !b;
      if (!b || !s) return;
      el.dataset.kind = "row" in s && "col" in s ? "cell" : "row" in s ? "row" : "col";
      const st = el.style;
      st.left = `${b.left}px`;
      st.top = `${b.top}px`;
      st.width = `${b.width}px`;
      st.height = `${b.height}px`;
    },
  };
}
