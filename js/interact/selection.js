// The `selection` trait: a cell {row, col}, a row {row}, a column {col} or null; with more
// than one panel each also names its panel, {"panel": key, ...} (key an int in a wrapped
// row, [i, j] in a grid). Parsing, keyboard moves (pure) and the outline drawn around it
// in the current view.

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * A selection as the front end keeps it: `panel` is the panel's flat index (not its key),
 * present exactly when there is more than one panel.
 * @typedef {{ row: number, col: number, panel?: number } | { row: number, panel?: number }
 *   | { col: number, panel?: number }} Selection
 */

/**
 * The panels a selection may name: how many, and each one's user-facing key.
 * @typedef {{ count: number, keys: ReadonlyArray<number | [number, number]> }} PanelKeys
 */

/** @type {PanelKeys} a single heatmap: its selections name no panel */
export const SINGLE = { count: 1, keys: [0] };

/** Outlines never shrink below this (CSS px), so that a tiny cell stays findable. */
const MIN_OUTLINE = 8;

/** @type {(v: unknown, n: number) => v is number} */
const isIndex = (v, n) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n;

/**
 * Whether a trait value is the panel key `k` (an int, or [i, j] for a grid).
 * @param {unknown} v
 * @param {number | [number, number]} k
 */
export function sameKey(v, k) {
  if (!Array.isArray(k)) return v === k;
  return Array.isArray(v) && v.length === 2 && v[0] === k[0] && v[1] === k[1];
}

/**
 * The flat index of the panel whose key is `v`, or -1.
 * @param {PanelKeys} panels
 * @param {unknown} v
 */
export function panelOfKey(panels, v) {
  if (typeof v !== "number" && !Array.isArray(v)) return -1;
  return panels.keys.findIndex((k) => sameKey(v, k));
}

/**
 * A `selection` trait value as a selection of this matrix, or null when it is none or
 * does not fit the shape. With more than one panel, `"panel"` must be one of their keys
 * (else null); with one, it is not read (today's single-heatmap forms).
 * @param {unknown} v
 * @param {number} rows
 * @param {number} cols
 * @param {PanelKeys} [panels]
 * @returns {Selection | null}
 */
export function parseSelection(v, rows, cols, panels = SINGLE) {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const o = /** @type {Record<string, unknown>} */ (v);
  const hasRow = o.row !== undefined && o.row !== null;
  const hasCol = o.col !== undefined && o.col !== null;
  /** @type {Selection | null} */
  let s = null;
  if (hasRow && hasCol) s = isIndex(o.row, rows) && isIndex(o.col, cols) ? { row: o.row, col: o.col } : null;
  else if (hasRow) s = isIndex(o.row, rows) ? { row: o.row } : null;
  else if (hasCol) s = isIndex(o.col, cols) ? { col: o.col } : null;
  if (!s || panels.count <= 1) return s;
  const p = panelOfKey(panels, o.panel);
  return p < 0 ? null : { panel: p, ...s };
}

/**
 * The `selection` trait value for a selection: its panel's key first when there is more
 * than one panel, then the row and/or column.
 * @param {Selection | null} s
 * @param {PanelKeys} [panels]
 * @returns {Record<string, number | number[]> | null}
 */
export function selectionToTrait(s, panels = SINGLE) {
  if (s === null) return null;
  /** @type {Record<string, number | number[]>} */
  const t = {};
  if (panels.count > 1) {
    const k = panels.keys[selPanel(s)];
    t.panel = Array.isArray(k) ? [k[0], k[1]] : k;
  }
  if ("row" in s) t.row = s.row;
  if ("col" in s) t.col = s.col;
  return t;
}

/**
 * Whether the `selection` trait value `t` is not exactly the selection `s` parsed from it
 * (it does not fit the matrix, or has other keys), so that the front end must report `s`
 * back. With one panel, a `"panel"` holding that panel's key is not a difference: Python
 * adds it for a stack of one panel, which the front end cannot tell from a single heatmap.
 * @param {unknown} t
 * @param {Selection | null} s
 * @param {PanelKeys} [panels]
 */
export function selectionCorrected(t, s, panels = SINGLE) {
  const want = selectionToTrait(s, panels);
  if (t === null || t === undefined) return want !== null;
  if (want === null || typeof t !== "object" || Array.isArray(t)) return true;
  const o = /** @type {Record<string, unknown>} */ (t);
  let keys = Object.keys(o);
  if (panels.count === 1 && keys.includes("panel") && sameKey(o.panel, panels.keys[0]))
    keys = keys.filter((k) => k !== "panel");
  const wanted = Object.keys(want);
  return (
    keys.length !== wanted.length ||
    wanted.some((k) => {
      const w = want[k];
      return Array.isArray(w) ? !sameKey(o[k], /** @type {[number, number]} */ (w)) : o[k] !== w;
    })
  );
}

/**
 * @param {Selection | null} s
 * @returns {number} the selected panel's index (0 when the selection names none), or -1
 */
export const selPanel = (s) => (s === null ? -1 : (s.panel ?? 0));

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
  return selRow(a) === selRow(b) && selCol(a) === selCol(b) && selPanel(a) === selPanel(b);
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
 * at the matrix edges; the panel stays.
 * @param {Selection | null} s
 * @param {"ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight"} key
 * @param {ViewWindow} view
 * @param {number} rows
 * @param {number} cols
 * @param {number} [start] the panel a new selection is in (none for a single heatmap)
 * @returns {Selection}
 */
export function moveSelection(s, key, view, rows, cols, start) {
  const dr = key === "ArrowUp" ? -1 : key === "ArrowDown" ? 1 : 0;
  const dc = key === "ArrowLeft" ? -1 : key === "ArrowRight" ? 1 : 0;
  /**
   * @param {number} i
   * @param {number} d
   * @param {number} n
   */
  const step = (i, d, n) => Math.min(n - 1, Math.max(0, i + d));
  if (s === null) {
    const cell = { row: firstVisible(view.row0, rows), col: firstVisible(view.col0, cols) };
    return start === undefined ? cell : { panel: start, ...cell };
  }
  const panel = s.panel === undefined ? {} : { panel: s.panel };
  if ("row" in s && "col" in s) return { ...panel, row: step(s.row, dr, rows), col: step(s.col, dc, cols) };
  if ("row" in s) return { ...panel, row: step(s.row, dr, rows) };
  return { ...panel, col: step(s.col, dc, cols) };
}

/**
 * Where cells i..iEnd of one axis are along a plot of `size` px showing the view [a, b):
 * [lo, hi) px, grown about their middle to MIN_OUTLINE px so that one cell of a zoomed-out
 * view stays visible (not cut to the plot); null when they are out of view.
 * @param {number} i
 * @param {number} iEnd
 * @param {number} a view start
 * @param {number} b view end
 * @param {number} size
 * @returns {[number, number] | null}
 */
export function outlineSpan(i, iEnd, a, b, size) {
  if (iEnd + 1 <= a || i >= b) return null;
  let lo = ((i - a) / (b - a)) * size;
  let hi = ((iEnd + 1 - a) / (b - a)) * size;
  if (hi - lo < MIN_OUTLINE) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_OUTLINE / 2;
    hi = mid + MIN_OUTLINE / 2;
  }
  return [lo, hi];
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
   */
  const span = (i, a, b, size) =>
    i < 0 ? /** @type {[number, number]} */ ([0, size]) : outlineSpan(i, i, a, b, size);
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
     * @param {number} width the selected panel's size (the plot's for a single heatmap)
     * @param {number} height
     * @param {number} [x] the selected panel's offset in the plot box
     * @param {number} [y]
     */
    update(s, view, width, height, x = 0, y = 0) {
      const b = selectionBox(s, view, width, height);
      el.hidden = !b;
      if (!b || !s) return;
      el.dataset.kind = "row" in s && "col" in s ? "cell" : "row" in s ? "row" : "col";
      const st = el.style;
      st.left = `${x + b.left}px`;
      st.top = `${y + b.top}px`;
      st.width = `${b.width}px`;
      st.height = `${b.height}px`;
    },
  };
}
