// Geometry: the view window, pixel <-> cell mapping, label thinning and the widget's
// layout (margins from measured label widths). Pure functions, no DOM.

/**
 * The part of the matrix shown, in matrix coordinates: rows [row0, row1), columns
 * [col0, col1). Shared by the renderer, the axes, the token overlay and the tooltip.
 * @typedef {{ row0: number, row1: number, col0: number, col1: number }} ViewWindow
 */

/** Bounds of the `width` and `height` traits, CSS px (= Python's `tokenheat._settings.MIN_SIZE` /
 * `MAX_SIZE`): Python refuses other sizes; a saved state or message past it is clamped. */
export const MIN_SIZE = 50;
export const MAX_SIZE = 4096;

/** Most device pixels a canvas of the view has along either side: past it (a very large
 * widget on a high-density screen) the canvases draw at a lower pixel ratio. */
export const MAX_CANVAS_SIDE = 8192;

/**
 * A `width`/`height` trait as an explicit size in CSS px, clamped to [MIN_SIZE, MAX_SIZE];
 * null (automatic) for anything that is not a finite number.
 * @param {unknown} v
 * @returns {number | null}
 */
export function explicitSize(v) {
  return typeof v === "number" && Number.isFinite(v) ? Math.min(MAX_SIZE, Math.max(MIN_SIZE, v)) : null;
}

/**
 * Device px per CSS px for the view's canvases: the screen's ratio, lowered when a
 * canvas as big as `width` x `height` CSS px would exceed MAX_CANVAS_SIDE.
 * @param {number} dpr window.devicePixelRatio
 * @param {number} width CSS px
 * @param {number} height CSS px
 */
export function canvasRatio(dpr, width, height) {
  const r = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  return Math.min(r, MAX_CANVAS_SIDE / Math.max(1, width, height));
}

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
 * Where label `i` goes along a box of `size` px showing cells `start` to `end`: the middle
 * of the part of its cell in view, so that the label of a cell cut by the box's edge
 * stays by the box (= Python's `tokenheat._axis_labels.label_centre`).
 * @param {number} start
 * @param {number} end
 * @param {number} i
 * @param {number} size
 */
export function labelCenter(start, end, i, size) {
  const lo = Math.max(i, start);
  const hi = Math.min(i + 1, end);
  return (((lo + hi) / 2 - start) / (end - start)) * size;
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
const CB_WIDTH = 16;
const TICK_LEN = 4;
const TICK_GAP = 3; // TICK_LEN + TICK_GAP is the tick mark offset in theme.js
export const EXT_HEIGHT = 12;
export const MAX_LABELS = 300;
const MIN_PLOT_HEIGHT = 160;
const MAX_PLOT_HEIGHT = 600;
const H_LABEL_SPACE = 10;
const COL_CAP = 180;
// the colour-range control: plot | gap | handle track | funnel | colour bar | ticks | title
const RANGE_GAP = 10;
export const TRACK_WIDTH = 16;
const FUNNEL_WIDTH = 10;
const INPUT_HEIGHT = 22;
const INPUT_WIDTH = 64;
const COMPACT_INPUT_WIDTH = 56;
/** below this colour-bar height, the symmetric checkbox moves beside the min input */
const COMPACT_BELOW_BAR = 100;
const CONTROL_GAP = 4;
const SYMMETRIC_HEIGHT = 18;
const CONTROL_WIDTH = 84;

/**
 * @typedef {Object} LayoutInput
 * @property {number} width total width, CSS px
 * @property {number | null} height explicit total height, or null for automatic
 * @property {number} windowHeight window.innerHeight
 * @property {number} rows
 * @property {number} cols
 * @property {ViewWindow} view the part of the matrix shown (labels follow it; the
 *   margins and the plot's size come from the full matrix, so zooming never moves them)
 * @property {number} lineHeight px of one line of label text
 * @property {number} titleHeight px of the title line (0 = no title)
 * @property {number} titleWidth measured title width
 * @property {boolean} hasColorbarTitle
 * @property {number} tickWidth widest colour-bar tick label
 * @property {(i: number) => number} rowLabelWidth
 * @property {(i: number) => number} colLabelWidth
 * @property {number} [rowLabelMax] widest of all row labels, so that the margin holds
 *   the labels that zooming in reveals (default: only the labels shown in full view)
 * @property {number} [colLabelMax] the same for column labels
 * @property {number} [toolbarRow] px kept free above the plot for the toolbar (many
 *   panels: it must not cover the top panels' titles), default 0
 * @property {(width: number, height: number, foot: number) => { left: number, width: number, height: number }}
 *   [panelBox] many panels: one panel's size in a plot area of width x height, and the
 *   offset of the first column of panels from the area's left edge. The column labels
 *   (under the lowest panels) are sized for that panel; default: the plot area itself.
 *   `foot` is the room the column labels take under a panel (`Layout.colBand` so far),
 *   for panels that each have their own under them
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
 * Where the colour-range control goes.
 * @typedef {Object} RangeLayout
 * @property {Rect} track the handles' track, beside the colour bar and as tall
 * @property {Rect} maxInput above the colour bar
 * @property {Rect} minInput below the colour bar
 * @property {Rect} symmetric the checkbox row, below the min input (or beside it)
 * @property {boolean} compact short plot: the checkbox sits beside the min input
 */

/**
 * @typedef {Object} Layout
 * @property {number} width
 * @property {number} height
 * @property {Rect} plot the cells
 * @property {AxisLabels} rows
 * @property {AxisLabels} cols
 * @property {number} colTop y of the column labels' anchor
 * @property {number} colGap gap between the plot and the column labels
 * @property {number} colBand px the column labels take under the plot (the bottom margin
 *   less its padding): the band under each row of panels whose labels are their own
 * @property {number} rowCap longest row label the layout allows
 * @property {Rect} bar the colour-bar gradient
 * @property {number} tickLeft x of the tick labels
 * @property {number} barTitleLeft x of the colour-bar title
 * @property {RangeLayout} range
 * @property {Rect} title
 * @property {PanelAxes} [panelAxes] many panels: the matrix labels go beside / under
 *   these panels instead of the plot area
 */

/**
 * Where the matrix's labels go while several panels are shown: the row labels left of
 * the first panel of each row of panels, the column labels under the lowest panel of
 * each column of panels. Corners in CSS px of the widget.
 * @typedef {Object} PanelAxes
 * @property {number} width one panel
 * @property {number} height
 * @property {number} rowCap longest row label (the band left of the panels)
 * @property {{ panel: number, x: number, y: number }[]} rowAt
 * @property {{ panel: number, x: number, y: number }[]} colAt
 */

/**
 * Longest row label a view `width` px wide allows (computeLayout's `rowCap`).
 * @param {number} width
 */
export function rowLabelCap(width) {
  const W = Math.max(160, Math.round(width));
  return Math.min(220, Math.max(40, Math.floor(W * 0.28)));
}

/**
 * Width of the band left of many panels that holds the matrix's row labels: the widest
 * label (all of them when `rowLabelMax` is known, else those of a thinned full view, at
 * most MAX_LABELS) up to rowLabelCap, and the gap to the panels.
 * @param {number} width the view's width
 * @param {number} rows
 * @param {(i: number) => number} rowLabelWidth
 * @param {number} rowLabelMax widest of all row labels, 0 when unknown
 */
export function panelRowBand(width, rows, rowLabelWidth, rowLabelMax) {
  const k = labelStride(rows, Infinity, 0, MAX_LABELS);
  const widest = labelIndices(0, rows, k).reduce((m, i) => Math.max(m, rowLabelWidth(i)), rowLabelMax);
  return Math.ceil(Math.min(rowLabelCap(width), widest)) + LABEL_GAP;
}

/**
 * Column labels: horizontal when every label fits its cell; else all of them at -45°
 * when cells are wide enough for that; short labels (numbers) stay horizontal and are
 * thinned; anything else is thinned at -90°. Labels are elided to fit `room`, the px
 * available below the plot.
 * @param {ViewWindow} view
 * @param {number} pitch
 * @param {number} lineHeight
 * @param {(i: number) => number} widthOf
 * @param {number} cap
 * @param {number} room
 */
function columnAxis(view, pitch, lineHeight, widthOf, cap, room) {
  const span = view.col1 - view.col0;
  /**
   * @param {number[]} idx
   * @param {number} c
   */
  const widest = (idx, c) => idx.reduce((m, i) => Math.max(m, Math.min(c, widthOf(i))), 0);
  let k = labelStride(span, pitch, 1, MAX_LABELS);
  let idx = labelIndices(view.col0, view.col1, k);
  let w = widest(idx, cap);
  for (let it = 0; it < 4; it++) {
    const k2 = Math.max(k, labelStride(span, pitch, w + H_LABEL_SPACE, MAX_LABELS));
    if (k2 === k) break;
    k = k2;
    idx = labelIndices(view.col0, view.col1, k);
    w = widest(idx, cap);
  }
  const all = k === 1;
  if (all)
    return { indices: idx, stride: 1, rotation: /** @type {0} */ (0), extent: lineHeight, widest: w, cap };
  const cap45 = Math.min(cap, room / Math.SQRT1_2 - lineHeight);
  if (labelStride(span, pitch, (lineHeight + 2) * Math.SQRT2, MAX_LABELS) === 1 && cap45 >= 2 * lineHeight) {
    idx = labelIndices(view.col0, view.col1, 1);
    w = widest(idx, cap45);
    return {
      indices: idx,
      stride: 1,
      rotation: /** @type {45} */ (45),
      extent: Math.SQRT1_2 * (w + lineHeight),
      widest: w,
      cap: cap45,
    };
  }
  if (w <= 2.5 * lineHeight)
    return { indices: idx, stride: k, rotation: /** @type {0} */ (0), extent: lineHeight, widest: w, cap };
  const cap90 = Math.max(0, Math.min(cap, room));
  k = labelStride(span, pitch, lineHeight + 2, MAX_LABELS);
  idx = labelIndices(view.col0, view.col1, k);
  w = widest(idx, cap90);
  return { indices: idx, stride: k, rotation: /** @type {90} */ (90), extent: w, widest: w, cap: cap90 };
}

/**
 * How far the column labels reach left of the plot's left edge.
 * @param {ReturnType<typeof columnAxis>} axis
 * @param {ViewWindow} view
 * @param {number} plotWidth
 * @param {number} lineHeight
 * @param {(i: number) => number} widthOf
 */
function columnOverhang(axis, view, plotWidth, lineHeight, widthOf) {
  let over = 0;
  for (const i of axis.indices) {
    const x = centerOf(view.col0, view.col1, i, plotWidth);
    const w = Math.min(axis.cap, widthOf(i));
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
 * Place everything: plot area, labels, colour bar and its range control, title. The
 * margins and sizes come from the full matrix; the labels from `input.view`.
 * @param {LayoutInput} input
 * @returns {Layout}
 */
export function computeLayout(input) {
  const { lineHeight: lh } = input;
  const full = fullView(input.rows, input.cols);
  const W = Math.max(160, Math.round(input.width));
  const spanR = input.rows;
  const spanC = input.cols;
  const rowCap = rowLabelCap(W);
  const head =
    input.titleHeight > 0
      ? PAD + Math.ceil(input.titleHeight) + Math.max(8, Math.ceil(lh / 2) + 2)
      : PAD + Math.ceil(lh / 2);
  const top = head + Math.max(0, Math.round(input.toolbarRow ?? 0));
  const barTitleWidth = input.hasColorbarTitle ? Math.ceil(lh) + 8 : 0;
  const barColumn =
    TRACK_WIDTH + FUNNEL_WIDTH + CB_WIDTH + TICK_LEN + TICK_GAP + Math.ceil(input.tickWidth) + barTitleWidth;
  const right = RANGE_GAP + Math.max(barColumn, CONTROL_WIDTH) + PAD;
  const rowMax = Math.min(rowCap, input.rowLabelMax ?? 0);
  const colMax = Math.min(COL_CAP, input.colLabelMax ?? 0);

  let left = PAD + LABEL_GAP;
  let bottom = PAD + COL_GAP + lh;
  let plotW = 0;
  let plotH = 0;
  let colGap = COL_GAP;
  for (let iter = 0; ; iter++) {
    plotW = Math.max(16, Math.floor(W - left - right));
    if (input.height != null) {
      plotH = Math.max(16, Math.floor(input.height - top - bottom));
    } else {
      const cap = Math.min(MAX_PLOT_HEIGHT, Math.max(0.85 * input.windowHeight, 360) - top - bottom);
      plotH = Math.round(Math.max(MIN_PLOT_HEIGHT, Math.min(cap, (plotW * spanR) / spanC)));
    }
    const pb = input.panelBox ? input.panelBox(plotW, plotH, bottom - PAD) : null;
    const boxW = pb ? Math.max(1, pb.width) : plotW;
    const pitchR = (pb ? Math.max(1, pb.height) : plotH) / spanR;
    const rowIdx = labelIndices(0, spanR, labelStride(spanR, pitchR, lh + 1, MAX_LABELS));
    const rowW = rowIdx.reduce((m, i) => Math.max(m, Math.min(rowCap, input.rowLabelWidth(i))), rowMax);
    const colAxis = columnAxis(full, boxW / spanC, lh, input.colLabelWidth, COL_CAP, Infinity);
    const extent = colAxis.rotation === 90 ? Math.max(colAxis.extent, colMax) : colAxis.extent;
    // the lowest row label may hang below the plot into the column labels' corner
    colGap = COL_GAP + Math.max(0, Math.ceil(lh / 2 - pitchR / 2));
    const over = columnOverhang(colAxis, full, boxW, lh, input.colLabelWidth) - (pb ? pb.left : 0);
    let newLeft = Math.ceil(PAD + Math.max(rowW > 0 ? rowW + LABEL_GAP : 0, over));
    let newBottom = Math.ceil(PAD + colGap + extent);
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
  const rangeLeft = left + plotW + RANGE_GAP;
  const barLeft = rangeLeft + TRACK_WIDTH + FUNNEL_WIDTH;
  const barTop = top + INPUT_HEIGHT + CONTROL_GAP + EXT_HEIGHT;
  const below = EXT_HEIGHT + CONTROL_GAP + INPUT_HEIGHT;
  const compact = plotH - (barTop - top) - below - CONTROL_GAP - SYMMETRIC_HEIGHT < COMPACT_BELOW_BAR;
  const barH = Math.max(8, plotH - (barTop - top) - below - (compact ? 0 : CONTROL_GAP + SYMMETRIC_HEIGHT));
  const inputW = compact ? COMPACT_INPUT_WIDTH : INPUT_WIDTH;
  const tickLeft = barLeft + CB_WIDTH + TICK_LEN + TICK_GAP;
  const minTop = barTop + barH + EXT_HEIGHT + CONTROL_GAP;
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
  /** @type {Omit<Layout, "rows" | "cols">} */
  const frame = {
    width: W,
    height,
    plot: { left, top, width: plotW, height: plotH },
    colTop: top + plotH + colGap,
    colGap,
    colBand: bottom - PAD,
    rowCap,
    bar: { left: barLeft, top: barTop, width: CB_WIDTH, height: barH },
    tickLeft,
    barTitleLeft: tickLeft + Math.ceil(input.tickWidth) + 8,
    range: {
      track: { left: rangeLeft, top: barTop, width: TRACK_WIDTH, height: barH },
      maxInput: { left: rangeLeft, top, width: inputW, height: INPUT_HEIGHT },
      minInput: { left: rangeLeft, top: minTop, width: inputW, height: INPUT_HEIGHT },
      symmetric: compact
        ? {
            left: rangeLeft + inputW + CONTROL_GAP,
            top: minTop,
            width: Math.max(0, W - PAD - (rangeLeft + inputW + CONTROL_GAP)),
            height: INPUT_HEIGHT,
          }
        : {
            left: rangeLeft,
            top: minTop + INPUT_HEIGHT + CONTROL_GAP,
            width: Math.max(CONTROL_WIDTH, W - PAD - rangeLeft),
            height: SYMMETRIC_HEIGHT,
          },
      compact,
    },
    title,
  };
  const labels = axisLabels(frame, input.view, lh, input.colLabelWidth);
  return { ...frame, ...labels };
}

/**
 * The axis labels for a view inside an existing layout's margins: only rows and columns
 * in view, thinned so that they never overlap, elided to the room the margins leave.
 * With `L.panelAxes`, thinned for one panel's size and elided to the band of row labels.
 * @param {Omit<Layout, "rows" | "cols">} L
 * @param {ViewWindow} view
 * @param {number} lh line height
 * @param {(i: number) => number} colLabelWidth
 * @returns {{ rows: AxisLabels, cols: AxisLabels, colTop: number }}
 */
export function axisLabels(L, view, lh, colLabelWidth) {
  const spanR = view.row1 - view.row0;
  const spanC = view.col1 - view.col0;
  const { plot, panelAxes: pa } = L;
  const boxW = pa ? Math.max(1, pa.width) : plot.width;
  const boxH = pa ? Math.max(1, pa.height) : plot.height;
  const rowStride = labelStride(spanR, boxH / spanR, lh + 1, MAX_LABELS);
  const rowIdx = labelIndices(view.row0, view.row1, rowStride);
  const rowCap = Math.max(0, pa ? pa.rowCap : Math.min(L.rowCap, plot.left - PAD - LABEL_GAP));
  const room = L.height - (plot.top + plot.height) - L.colGap - PAD;
  const colAxis = columnAxis(view, boxW / spanC, lh, colLabelWidth, COL_CAP, room);
  return {
    rows: { indices: rowIdx, stride: rowStride, cap: rowCap, rotation: 0 },
    cols: { indices: colAxis.indices, stride: colAxis.stride, cap: colAxis.cap, rotation: colAxis.rotation },
    colTop: plot.top + plot.height + L.colGap + (colAxis.rotation === 45 ? 0.36 * lh : 0),
  };
}
