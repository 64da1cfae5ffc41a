// Geometry: the view window, pixel <-> cell mapping, label thinning and the widget's
// layout (margins from measured label widths). Pure functions, no DOM.

/**
 * The part of the matrix shown, in matrix coordinates: rows [row0, row1), columns
 * [col0, col1). Shared by the renderer, the axes, the token overlay and the tooltip.
 * @typedef {{ row0: number, row1: number, col0: number, col1: number }} ViewWindow
 */

/**
 * @param {number} rows
 * @param {number} cols
 * @returns {ViewWindow}
 */
export function fullView(rows, cols) {
  return { row0: 0, row1: rows, col0: 0, col1: cols };
}

/**
 * Matrix index along one axis of the pixel whose centre is at `pos` (CSS or device px,
 * measured from the plot's top/left edge): floor(start + pos / size * span).
 * The same formula as the fragment shader.
 * @param {number} start view start
 * @param {number} end view end
 * @param {number} pos
 * @param {number} size plot size along this axis
 * @param {number} count matrix size along this axis
 * @returns {number} index, or -1 outside the matrix
 */
export function indexAt(start, end, pos, size, count) {
  const i = Math.floor(start + (pos / size) * (end - start));
  return i >= 0 && i < count && pos >= 0 && pos < size ? i : -1;
}

/**
 * For each device pixel along one axis, the matrix index the fragment shader picks for
 * it: floor(start + ((p + 0.5) / size) * (end - start)), evaluated in float32 like the
 * shader, so that the canvas fallback matches WebGL even where a pixel centre falls
 * exactly on a cell boundary.
 * @param {number} start view start
 * @param {number} end view end
 * @param {number} count matrix size along this axis
 * @param {Int32Array} out one entry per device pixel
 */
export function pixelIndexTable(start, end, count, out) {
  const f = Math.fround;
  const s = f(start);
  const span = f(f(end) - s);
  const n = out.length;
  for (let p = 0; p < n; p++) {
    const i = Math.floor(f(s + f(f((p + 0.5) / n) * span)));
    out[p] = i < 0 ? 0 : i >= count ? count - 1 : i;
  }
}

/**
 * Position of the centre of matrix index `i` along one axis, from the plot's edge.
 * @param {number} start
 * @param {number} end
 * @param {number} i
 * @param {number} size
 * @returns {number}
 */
export function centerOf(start, end, i, size) {
  return ((i + 0.5 - start) / (end - start)) * size;
}

/**
 * Every how many labels to show so that neighbours are at least `need` px apart and no
 * more than `maxLabels` are shown.
 * @param {number} span number of cells in view
 * @param {number} pitch px per cell
 * @param {number} need px each label needs along the axis
 * @param {number} maxLabels
 * @returns {number} stride k >= 1
 */
export function labelStride(span, pitch, need, maxLabels) {
  const byRoom = pitch > 0 ? Math.ceil(need / pitch - 1e-9) : Infinity;
  const byCount = Math.ceil(span / Math.max(1, maxLabels) - 1e-9);
  return Math.max(1, byRoom, byCount);
}

/**
 * Indices that are multiples of `k` whose cell centre lies in [start, end].
 * @param {number} start
 * @param {number} end
 * @param {number} k
 * @returns {number[]}
 */
export function labelIndices(start, end, k) {
  const out = [];
  const first = Math.ceil(Math.max(0, Math.ceil(start - 0.5)) / k) * k;
  for (let i = first; i + 0.5 <= end; i += k) out.push(i);
  return out;
}

const PAD = 8;
const LABEL_GAP = 6;
const COL_GAP = 4;
const CB_GAP = 18;
const CB_WIDTH = 16;
const TICK_LEN = 4;
const TICK_GAP = 3; // TICK_LEN + TICK_GAP is the tick mark offset in theme.js
export const EXT_HEIGHT = 12;
export const MAX_LABELS = 300;
const MIN_PLOT_HEIGHT = 160;
const MAX_PLOT_HEIGHT = 600;
const H_LABEL_SPACE = 10;

/**
 * @typedef {Object} LayoutInput
 * @property {number} width total width, CSS px
 * @property {number | null} height explicit total height, or null for automatic
 * @property {number} windowHeight window.innerHeight
 * @property {number} rows
 * @property {number} cols
 * @property {ViewWindow} view
 * @property {number} lineHeight px of one line of label text
 * @property {number} titleHeight px of the title line (0 = no title)
 * @property {number} titleWidth measured title width
 * @property {boolean} hasColorbarTitle
 * @property {number} tickWidth widest colour-bar tick label
 * @property {(i: number) => number} rowLabelWidth
 * @property {(i: number) => number} colLabelWidth
 */

/**
 * @typedef {Object} AxisLabels
 * @property {number[]} indices matrix indices that get a label
 * @property {number} stride
 * @property {number} cap max label width (longer labels are elided)
 * @property {0 | 45 | 90} rotation degrees counter-clockwise (columns only)
 */

/**
 * @typedef {Object} Rect
 * @property {number} left
 * @property {number} top
 * @property {number} width
 * @property {number} height
 */

/**
 * @typedef {Object} Layout
 * @property {number} width
 * @property {number} height
 * @property {Rect} plot the cells
 * @property {AxisLabels} rows
 * @property {AxisLabels} cols
 * @property {number} colTop y of the column labels' anchor
 * @property {Rect} bar the colour-bar gradient
 * @property {number} tickLeft x of the tick labels
 * @property {number} barTitleLeft x of the colour-bar title
 * @property {Rect} title
 */

/**
 * Column labels: horizontal when every label fits its cell; else all of them at -45°
 * when cells are wide enough for that; short labels (numbers) stay horizontal and are
 * thinned; anything else is thinned at -90°.
 * @param {ViewWindow} view
 * @param {number} pitch
 * @param {number} lineHeight
 * @param {(i: number) => number} widthOf
 * @param {number} cap
 */
function columnAxis(view, pitch, lineHeight, widthOf, cap) {
  const span = view.col1 - view.col0;
  /** @param {number[]} idx */
  const widest = (idx) => idx.reduce((m, i) => Math.max(m, Math.min(cap, widthOf(i))), 0);
  let k = labelStride(span, pitch, 1, MAX_LABELS);
  let idx = labelIndices(view.col0, view.col1, k);
  let w = widest(idx);
  for (let it = 0; it < 4; it++) {
    const k2 = Math.max(k, labelStride(span, pitch, w + H_LABEL_SPACE, MAX_LABELS));
    if (k2 === k) break;
    k = k2;
    idx = labelIndices(view.col0, view.col1, k);
    w = widest(idx);
  }
  const all = k === 1;
  if (all) return { indices: idx, stride: 1, rotation: /** @type {0} */ (0), extent: lineHeight, widest: w };
  if (labelStride(span, pitch, (lineHeight + 2) * Math.SQRT2, MAX_LABELS) === 1) {
    idx = labelIndices(view.col0, view.col1, 1);
    w = widest(idx);
    return {
      indices: idx,
      stride: 1,
      rotation: /** @type {45} */ (45),
      extent: Math.SQRT1_2 * (w + lineHeight),
      widest: w,
    };
  }
  if (w <= 2.5 * lineHeight)
    return { indices: idx, stride: k, rotation: /** @type {0} */ (0), extent: lineHeight, widest: w };
  k = labelStride(span, pitch, lineHeight + 2, MAX_LABELS);
  idx = labelIndices(view.col0, view.col1, k);
  w = widest(idx);
  return { indices: idx, stride: k, rotation: /** @type {90} */ (90), extent: w, widest: w };
}

/**
 * How far the column labels reach left of the plot's left edge.
 * @param {ReturnType<typeof columnAxis>} axis
 * @param {ViewWindow} view
 * @param {number} plotWidth
 * @param {number} lineHeight
 * @param {(i: number) => number} widthOf
 * @param {number} cap
 */
function columnOverhang(axis, view, plotWidth, lineHeight, widthOf, cap) {
  let over = 0;
  for (const i of axis.indices) {
    const x = centerOf(view.col0, view.col1, i, plotWidth);
    const w = Math.min(cap, widthOf(i));
    const reach =
      axis.rotation === 0
        ? w / 2
        : axis.rotation === 45
          ? Math.SQRT1_2 * w + 0.36 * lineHeight
          : lineHeight / 2;
    over = Math.max(over, reach - x);
  }
  return over;
}

/**
 * Place everything: plot area, labels, colour bar, title.
 * @param {LayoutInput} input
 * @returns {Layout}
 */
export function computeLayout(input) {
  const { view, lineHeight: lh } = input;
  const W = Math.max(160, Math.round(input.width));
  const spanR = view.row1 - view.row0;
  const spanC = view.col1 - view.col0;
  const rowCap = Math.min(220, Math.max(40, Math.floor(W * 0.28)));
  const colCap = 180;
  const top =
    input.titleHeight > 0
      ? PAD + Math.ceil(input.titleHeight) + Math.max(8, Math.ceil(lh / 2) + 2)
      : PAD + Math.ceil(lh / 2);
  const barTitleWidth = input.hasColorbarTitle ? Math.ceil(lh) + 8 : 0;
  const right = CB_GAP + CB_WIDTH + TICK_LEN + TICK_GAP + Math.ceil(input.tickWidth) + barTitleWidth + PAD;

  let left = PAD + LABEL_GAP;
  let bottom = PAD + COL_GAP + lh;
  let plotW = 0;
  let plotH = 0;
  /** @type {number[]} */
  let rowIdx = [];
  let rowStride = 1;
  let colAxis = columnAxis(view, 1, lh, input.colLabelWidth, colCap);
  let colGap = COL_GAP;
  for (let iter = 0; ; iter++) {
    plotW = Math.max(16, Math.floor(W - left - right));
    if (input.height != null) {
      plotH = Math.max(16, Math.floor(input.height - top - bottom));
    } else {
      const cap = Math.min(MAX_PLOT_HEIGHT, Math.max(0.85 * input.windowHeight, 360) - top - bottom);
      plotH = Math.round(Math.max(MIN_PLOT_HEIGHT, Math.min(cap, (plotW * spanR) / spanC)));
    }
    const pitchR = plotH / spanR;
    rowStride = labelStride(spanR, pitchR, lh + 1, MAX_LABELS);
    rowIdx = labelIndices(view.row0, view.row1, rowStride);
    const rowW = rowIdx.reduce((m, i) => Math.max(m, Math.min(rowCap, input.rowLabelWidth(i))), 0);
    colAxis = columnAxis(view, plotW / spanC, lh, input.colLabelWidth, colCap);
    // the lowest row label may hang below the plot into the column labels' corner
    colGap = COL_GAP + Math.max(0, Math.ceil(lh / 2 - pitchR / 2));
    const over = columnOverhang(colAxis, view, plotW, lh, input.colLabelWidth, colCap);
    let newLeft = Math.ceil(PAD + Math.max(rowW > 0 ? rowW + LABEL_GAP : 0, over));
    let newBottom = Math.ceil(PAD + colGap + colAxis.extent);
    if (iter >= 2) {
      // never shrink again, so that the loop settles
      newLeft = Math.max(left, newLeft);
      newBottom = Math.max(bottom, newBottom);
    }
    // (the last pass keeps its margins, so that what it computed matches them)
    if ((newLeft === left && newBottom === bottom) || iter === 7) break;
    left = newLeft;
    bottom = newBottom;
  }
  const height = input.height != null ? Math.round(input.height) : top + plotH + bottom;
  const barLeft = left + plotW + CB_GAP;
  const barTop = top + EXT_HEIGHT;
  const barH = Math.max(8, plotH - 2 * EXT_HEIGHT);
  const tickLeft = barLeft + CB_WIDTH + TICK_LEN + TICK_GAP;
  const cx = left + plotW / 2;
  const roomCentered = 2 * Math.min(cx - PAD, W - PAD - cx);
  const title =
    input.titleWidth <= roomCentered
      ? {
          left: Math.round(cx - roomCentered / 2),
          top: PAD,
          width: Math.floor(roomCentered),
          height: Math.ceil(input.titleHeight),
        }
      : { left: PAD, top: PAD, width: W - 2 * PAD, height: Math.ceil(input.titleHeight) };
  return {
    width: W,
    height,
    plot: { left, top, width: plotW, height: plotH },
    rows: { indices: rowIdx, stride: rowStride, cap: rowCap, rotation: 0 },
    cols: { indices: colAxis.indices, stride: colAxis.stride, cap: colCap, rotation: colAxis.rotation },
    colTop: top + plotH + colGap + (colAxis.rotation === 45 ? 0.36 * lh : 0),
    bar: { left: barLeft, top: barTop, width: CB_WIDTH, height: barH },
    tickLeft,
    barTitleLeft: tickLeft + Math.ceil(input.tickWidth) + 8,
    title,
  };
}
