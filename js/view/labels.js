// Text of one view and its widths: axis labels read from the traits (whitespace shown as
// `show_whitespace` asks), each measured in the label font when first needed; the widest
// label of each axis the layout makes room for; titles; the colour bar's widest tick.

import { shownText, visibleIfBlank } from "../data/text.js";
import { readText } from "../data/traits.js";

/** Above this many labels, the margins are sized from the labels shown in full view only. */
const MEASURE_ALL_LABELS = 5000;

/**
 * @param {import("../index.js").Model} model
 * @param {import("./state.js").ViewState} state its fonts and ticks are read
 * @param {CanvasRenderingContext2D | null} measureCtx
 */
export function createLabels(model, state, measureCtx) {
  /** @type {string[]} */
  let rowLabels = [];
  /** @type {string[]} */
  let colLabels = [];
  /** @type {Float64Array} measured label widths, -1 = not measured yet */
  let rowWidths = new Float64Array(0);
  /** @type {Float64Array} */
  let colWidths = new Float64Array(0);
  let measuredFont = "";
  let rowLabelMax = 0;
  let colLabelMax = 0;

  /**
   * @param {string} name
   * @returns {string[]}
   */
  function readStrings(name) {
    const v = model.get(name);
    const show = model.get("show_whitespace") !== false;
    return Array.isArray(v)
      ? v.map((s) => (typeof s !== "string" ? "" : show ? visibleIfBlank(shownText(s)) : shownText(s)))
      : [];
  }

  /** @param {number} i */
  const rowText = (i) => rowLabels[i] ?? String(i);
  /** @param {number} i */
  const colText = (i) => colLabels[i] ?? String(i);
  /** @param {string} s */
  const measure = (s) => (measureCtx ? measureCtx.measureText(s).width : s.length * state.fonts.size * 0.6);
  /** @param {number} i */
  const rowWidth = (i) => {
    if (rowWidths[i] < 0) rowWidths[i] = Math.ceil(measure(rowText(i)));
    return rowWidths[i];
  };
  /** @param {number} i */
  const colWidth = (i) => {
    if (colWidths[i] < 0) colWidths[i] = Math.ceil(measure(colText(i)));
    return colWidths[i];
  };
  /**
   * Widest label of an axis, when there are few enough to measure them all.
   * @param {number} n
   * @param {(i: number) => number} width
   */
  const widestOf = (n, width) => {
    let m = 0;
    if (n <= MEASURE_ALL_LABELS) for (let i = 0; i < n; i++) m = Math.max(m, width(i));
    return m;
  };

  return {
    rowText,
    colText,
    rowWidth,
    colWidth,
    measure,

    /**
     * Before a layout, in `state.fonts`: the labels are read and measured again when they
     * or the matrix changed (`changed`) or the label font did.
     * @param {import("../data/data.js").MatrixData} d
     * @param {boolean} changed
     */
    prepare(d, changed) {
      const fonts = state.fonts;
      if (measureCtx) measureCtx.font = fonts.label;
      if (changed || measuredFont !== fonts.label) {
        rowLabels = readStrings("row_labels");
        colLabels = readStrings("column_labels");
        rowWidths = new Float64Array(d.rows).fill(-1);
        colWidths = new Float64Array(d.cols).fill(-1);
        measuredFont = fonts.label;
        rowLabelMax = widestOf(d.rows, rowWidth);
        colLabelMax = widestOf(d.cols, colWidth);
      }
    },

    /** The widest row label, when there are few enough to measure (else 0). */
    get rowLabelMax() {
      return rowLabelMax;
    },

    /** The widest column label, when there are few enough to measure (else 0). */
    get colLabelMax() {
      return colLabelMax;
    },

    /**
     * A title trait's text as shown.
     * @param {string} name
     */
    readTitle: (name) => shownText(readText(model.get(name))),

    /**
     * The width of `title` in the title font (0 when it cannot be measured).
     * @param {string} title
     */
    titleWidth(title) {
      if (!title || !measureCtx) return 0;
      measureCtx.font = state.fonts.title;
      const w = measureCtx.measureText(title).width;
      measureCtx.font = state.fonts.label;
      return w;
    },

    /** The widest tick label of the colour bar, whole CSS px. */
    widestTick() {
      return state.tickSet.labels.reduce((m, s) => Math.max(m, Math.ceil(measure(s))), 0);
    },
  };
}
