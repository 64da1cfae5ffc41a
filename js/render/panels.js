// Many panels (matrices of one shape) in one plot area: where each goes, in CSS px and in
// device pixels of the one canvas, and what lies under a point. Pure functions, no DOM.
//
// Rules:
// - Panels fill their slot, as the single heatmap fills its plot area (cells may be
//   stretched); 1 panel with no title or labels is exactly the area, so the single
//   heatmap is the 1 x 1 case of the same code.
// - A wrapped row takes the number of columns whose slots hold the largest panel with
//   square cells (the largest cell side min(w / cols, h / rows)); ties: fewer rows, then
//   the larger (stretched) panel. Panel p is at grid row floor(p / nc), column p % nc;
//   the last row may be partial, left-aligned. Each panel has its title above it.
// - A fixed grid [gr, gc] has its row labels once per grid row at the left (labelWidth
//   wide) and its column labels once per grid column at the top (titleHeight high).
// - A band `axisWidth` wide between those (or the area's left edge) and the first column
//   of panels holds the matrix's own row labels, once per row of panels; with labels of
//   each panel's own (`axisEach`), such a band is left of every column of panels, and a
//   band `foot` high under every row of panels but the last holds their column labels
//   (the last row's are in the margin below the area).
// - Offsets from the area's corner are whole CSS px (titleHeight, labelWidth and gap are
//   rounded up / to whole px); neighbours are exactly `gap` apart; what a floor leaves
//   over stays at the right / bottom. A lone panel along an axis fills that axis.
// - If panels of 1 px do not fit, the gap becomes 0; if they still do not, `tooSmall`.
// - In device pixels every panel has the same size (the renderer's per-pixel cell tables
//   serve all panels) and starts at its CSS offset * dpr, rounded; rounding goes into the
//   gaps, which stay >= 1 device px when the CSS gap is > 0 and the pitch has room.

/** @typedef {{ x: number, y: number, width: number, height: number }} Area CSS px */

/**
 * @typedef {Object} PanelSpec
 * @property {number} count number of panels (for a grid, gr * gc)
 * @property {[number, number] | null} grid [gr, gc] for a fixed grid, null for a wrapped row
 * @property {number} rows matrix rows (for the shape of the cells)
 * @property {number} cols matrix columns
 * @property {number} [titleHeight] per panel above it (wrapped row) or the grid's column labels
 * @property {number} [gap] between panels, CSS px
 * @property {number} [labelWidth] the grid's row labels at the left (fixed grid only)
 * @property {number} [axisWidth] the matrix's row labels, right of the grid's labels and
 *   left of the first column of panels (wrapped row and grid)
 * @property {boolean} [axisEach] the `axisWidth` band is left of every column of panels
 *   (each panel has row labels of its own), not only the first
 * @property {number} [foot] px under every row of panels but the last, for the column
 *   labels of each panel's own (default 0)
 */

/** @typedef {{ x: number, y: number, w: number, h: number }} Box */
/** @typedef {Box & { index: number, gridRow: number, gridCol: number, title: Box | null }} Panel */
/** @typedef {Box & { index: number }} GridLabel */

/**
 * @typedef {Object} PanelLayout
 * @property {Area} area
 * @property {number} count
 * @property {[number, number] | null} grid
 * @property {number} nr grid rows
 * @property {number} nc grid columns
 * @property {number} panelWidth CSS px, the same for all panels
 * @property {number} panelHeight
 * @property {number} gap the gap used (0 when the spec's gap did not fit)
 * @property {number} titleHeight whole px above each panel (wrapped row) or above the grid
 * @property {number} labelWidth whole px left of the grid
 * @property {number} axisWidth whole px of the matrix's row labels, after labelWidth
 * @property {boolean} axisEach the axisWidth band is left of every column of panels
 * @property {number} foot whole px under every row of panels but the last
 * @property {boolean} tooSmall no room for every panel at 1 px: `panels` is empty
 * @property {Panel[]} panels
 * @property {{ rows: GridLabel[], cols: GridLabel[] }} gridLabels
 */

/**
 * @typedef {{ kind: "panel", index: number, u: number, v: number }
 *   | { kind: "title" | "gridRow" | "gridCol", index: number }} PanelHit
 */

/** @type {(v: unknown) => number} a size rounded up to whole px; 0 for anything else */
const whole = (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.ceil(v) : 0);

/**
 * Panel size along one axis of `length` px: n panels, `lead` px before each (its title),
 * `base` px before the first (grid labels), `gap` px apart. A lone panel takes the rest.
 * @param {number} length
 * @param {number} n
 * @param {number} base
 * @param {number} lead
 * @param {number} gap
 */
function fitAxis(length, n, base, lead, gap) {
  const free = length - base - n * lead;
  return n === 1 ? free : Math.floor((free - (n - 1) * gap) / n);
}

/**
 * The bands around the panels: `base` px left of the first column (grid labels, and the
 * row labels when they are shared), `each` px left of every column (row labels of each
 * panel's own), `foot` px under every row but the last.
 * @typedef {{ base: number, each: number, foot: number }} Bands
 */

/**
 * The grid for a spec at one gap: for a wrapped row, the best number of columns.
 * @param {Area} area
 * @param {PanelSpec} spec
 * @param {number} count
 * @param {number} th
 * @param {Bands} b
 * @param {number} gap
 */
function arrange(area, spec, count, th, b, gap) {
  if (spec.grid) {
    const [nr, nc] = spec.grid;
    const w = fitAxis(area.width, nc, b.base, b.each, gap);
    const h = fitAxis(area.height, nr, th, 0, gap + b.foot);
    return { nr, nc, w, h, ok: w >= 1 && h >= 1 };
  }
  const rows = Math.max(1, spec.rows);
  const cols = Math.max(1, spec.cols);
  let best = { nr: 1, nc: count, w: 0, h: 0, ok: false };
  let bestCell = -Infinity;
  for (let nc = 1; nc <= count; nc++) {
    const nr = Math.ceil(count / nc);
    const w = fitAxis(area.width, nc, b.base, b.each, gap);
    const h = fitAxis(area.height, nr, 0, th, gap + b.foot);
    const ok = w >= 1 && h >= 1;
    const cell = Math.min(w / cols, h / rows);
    const better =
      ok !== best.ok
        ? ok
        : cell !== bestCell
          ? cell > bestCell
          : nr !== best.nr
            ? nr < best.nr
            : w * h > best.w * best.h;
    if (better) {
      best = { nr, nc, w, h, ok };
      bestCell = cell;
    }
  }
  return best;
}

/** @param {unknown} grid */
const validGrid = (grid) =>
  Array.isArray(grid) && grid.length === 2 && grid.every((n) => Number.isInteger(n) && n >= 1);

/**
 * Where each panel goes in `area` (CSS px), and its title or the grid's labels.
 * @param {Area} area the box for all panels, whole CSS px (the layout's plot area)
 * @param {PanelSpec} spec
 * @returns {PanelLayout}
 */
export function panelLayout(area, spec) {
  const grid = spec.grid ?? null;
  if (grid !== null && !validGrid(grid)) throw new RangeError(`grid must be [rows, cols] >= 1, got ${grid}`);
  const count = grid ? grid[0] * grid[1] : spec.count;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`count must be an integer >= 1, got ${count}`);
  const th = whole(spec.titleHeight);
  const lw = grid ? whole(spec.labelWidth) : 0;
  const aw = whole(spec.axisWidth);
  const each = spec.axisEach === true;
  const foot = whole(spec.foot);
  const bands = { base: lw + (each ? 0 : aw), each: each ? aw : 0, foot };
  let gap = Math.round(Math.max(0, spec.gap ?? 0)) || 0;
  let a = arrange(area, spec, count, th, bands, gap);
  if (!a.ok && gap > 0) {
    gap = 0;
    a = arrange(area, spec, count, th, bands, gap);
  }
  const { nr, nc, w, h } = a;
  /** @type {PanelLayout} */
  const L = {
    area: { x: area.x, y: area.y, width: area.width, height: area.height },
    count,
    grid: grid ? [grid[0], grid[1]] : null,
    nr,
    nc,
    panelWidth: a.ok ? a.w : 0,
    panelHeight: a.ok ? a.h : 0,
    gap,
    titleHeight: th,
    labelWidth: lw,
    axisWidth: aw,
    axisEach: each,
    foot,
    tooSmall: !a.ok,
    panels: [],
    gridLabels: { rows: [], cols: [] },
  };
  if (!a.ok) return L;
  const { left, top, lead, stepX, stepY } = frame(L);
  for (let p = 0; p < count; p++) {
    const i = Math.floor(p / nc);
    const j = p % nc;
    const x = area.x + left + j * stepX;
    const y = area.y + top + i * stepY + lead;
    const title = lead > 0 ? { x, y: y - lead, w, h: lead } : null;
    L.panels.push({ index: p, gridRow: i, gridCol: j, x, y, w, h, title });
  }
  if (grid && lw > 0) {
    for (let i = 0; i < nr; i++)
      L.gridLabels.rows.push({ index: i, x: area.x, y: area.y + th + i * stepY, w: lw, h });
  }
  if (grid && th > 0) {
    for (let j = 0; j < nc; j++)
      L.gridLabels.cols.push({ index: j, x: area.x + left + j * stepX, y: area.y, w, h: th });
  }
  return L;
}

/**
 * The bands of a layout: `left`/`top` before the first panel column/row (grid labels,
 * the matrix's row labels), `lead` above each panel (its title); and the steps from one
 * column / row of panels to the next (the panel, the gap, the bands of each panel's own
 * labels).
 * @param {PanelLayout} L
 */
export function frame(L) {
  const stepX = L.panelWidth + L.gap + (L.axisEach ? L.axisWidth : 0);
  const lead = L.grid ? 0 : L.titleHeight;
  const stepY = lead + L.panelHeight + L.gap + L.foot;
  return L.grid
    ? { left: L.labelWidth + L.axisWidth, top: L.titleHeight, lead, stepX, stepY }
    : { left: L.axisWidth, top: 0, lead, stepX, stepY };
}

/**
 * Device pixels along one axis: every panel `d` px, starting at round(start * r), with
 * gaps of at least 1 px where the rounded starts leave room for them. Only panels of
 * less than a device pixel are moved from there (inside the canvas, without overlap).
 * @param {number[]} starts CSS offsets of the panels from the area's edge
 * @param {number} size CSS panel size
 * @param {number} gap CSS gap
 * @param {number} total device px of the canvas
 * @param {number} r device px per CSS px
 */
function deviceAxis(starts, size, gap, total, r) {
  const n = starts.length;
  const at = starts.map((s) => Math.round(s * r));
  let step = Infinity;
  for (let j = 1; j < n; j++) step = Math.min(step, at[j] - at[j - 1]);
  const sep = gap > 0 && step >= 2 ? 1 : 0;
  const d = Math.max(1, Math.min(Math.round(size * r), step - sep, total - at[n - 1]));
  for (let j = 0; j < n; j++) at[j] = Math.max(at[j], j > 0 ? at[j - 1] + d + sep : 0);
  for (let j = n - 1; j >= 0; j--) at[j] = Math.min(at[j], j < n - 1 ? at[j + 1] - d - sep : total - d);
  return { d, at, fits: n * d + (n - 1) * sep <= total };
}

/**
 * Each panel's rectangle in device pixels of the one canvas that covers the area (origin
 * at its top-left corner), all of the same size, and the canvas's size. For one panel
 * filling the area this is today's plot canvas: round(width * dpr) x round(height * dpr).
 * @param {PanelLayout} L
 * @param {number} dpr device px per CSS px
 * @returns {{ width: number, height: number, panelWidth: number, panelHeight: number,
 *   tooSmall: boolean, panels: { index: number, x: number, y: number, w: number, h: number }[] }}
 */
export function devicePanels(L, dpr) {
  const r = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const width = Math.max(1, Math.round(L.area.width * r));
  const height = Math.max(1, Math.round(L.area.height * r));
  const none = { width, height, panelWidth: 0, panelHeight: 0, tooSmall: true, panels: [] };
  if (L.tooSmall) return none;
  const { left, top, lead, stepX, stepY } = frame(L);
  const xs = Array.from({ length: L.nc }, (_, j) => left + j * stepX);
  const ys = Array.from({ length: L.nr }, (_, i) => top + lead + i * stepY);
  const X = deviceAxis(xs, L.panelWidth, L.gap, width, r);
  const Y = deviceAxis(ys, L.panelHeight, L.gap, height, r);
  if (!X.fits || !Y.fits) return none;
  const panels = L.panels.map((p) => ({
    index: p.index,
    x: X.at[p.gridCol],
    y: Y.at[p.gridRow],
    w: X.d,
    h: Y.d,
  }));
  return { width, height, panelWidth: X.d, panelHeight: Y.d, tooSmall: false, panels };
}

/**
 * What is under the CSS point (x, y), measured from the area's top-left corner: a panel
 * (u, v in [0, 1) across and down it, for the caller to map into the view window), a
 * panel's title, a grid row / column label, or null (a gap, outside, or no panels).
 * @param {PanelLayout} L
 * @param {number} x
 * @param {number} y
 * @returns {PanelHit | null}
 */
export function panelAt(L, x, y) {
  if (L.tooSmall || !(x >= 0 && y >= 0 && x < L.area.width && y < L.area.height)) return null;
  const { left, top, lead, stepX, stepY } = frame(L);
  const { panelWidth: w, panelHeight: h } = L;
  const dx = x - left;
  const dy = y - top;
  const j = Math.floor(dx / stepX);
  const fx = dx - j * stepX;
  const i = Math.floor(dy / stepY);
  const fy = dy - i * stepY - lead;
  const inCol = j >= 0 && j < L.nc && fx < w;
  const inRow = i >= 0 && i < L.nr && fy >= 0 && fy < h;
  // (left of the panels: the matrix's row labels, then the grid's)
  if (dx < 0) return dx < -L.axisWidth && dy >= 0 && inRow ? { kind: "gridRow", index: i } : null;
  if (dy < 0) return inCol ? { kind: "gridCol", index: j } : null;
  const p = i * L.nc + j;
  if (!inCol || i >= L.nr || p >= L.count) return null;
  if (fy < 0) return { kind: "title", index: p };
  if (fy >= h) return null;
  // fx < w, so fx / w < 1 (correctly rounded division never reaches 1 from below)
  return { kind: "panel", index: p, u: fx / w, v: fy / h };
}

/**
 * The user-facing key of panel p: p itself in a wrapped row, [i, j] in a fixed grid.
 * @param {[number, number] | number} grid [gr, gc], or the panel count of a wrapped row
 * @param {number} p
 * @returns {number | [number, number] | null} null when p is not a panel
 */
export function panelIndex(grid, p) {
  const count = Array.isArray(grid) ? (validGrid(grid) ? grid[0] * grid[1] : 0) : grid;
  if (!Number.isInteger(count) || !Number.isInteger(p) || p < 0 || p >= count) return null;
  return Array.isArray(grid) ? [Math.floor(p / grid[1]), p % grid[1]] : p;
}

/**
 * The flat panel index of a user-facing key (an integer for a wrapped row, [i, j] for a
 * fixed grid), or null when the key names no panel.
 * @param {[number, number] | number} grid [gr, gc], or the panel count of a wrapped row
 * @param {unknown} key
 * @returns {number | null}
 */
export function panelOf(grid, key) {
  if (!Array.isArray(grid))
    return Number.isInteger(key) && panelIndex(grid, Number(key)) !== null ? Number(key) : null;
  if (!validGrid(grid) || !Array.isArray(key) || key.length !== 2) return null;
  const [i, j] = key;
  const ok = Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < grid[0] && j < grid[1];
  return ok ? i * grid[1] + j : null;
}
