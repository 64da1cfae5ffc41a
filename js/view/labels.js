// Text of one view and its widths: axis labels read from the traits (whitespace shown as
// `show_whitespace` asks), each measured in the label font when first needed; the widest
// label of each axis the layout makes room for; titles; the colour bar's widest tick.
//
// An axis's labels are one list shared by every panel, or one list per panel (each as
// long as its panel's own rows / columns: padding has no label). The layout asks for the
// labels of what is shown (`show`): with many panels, the widest label at each index of
// any panel (so that every panel's labels fit the one set of bands); with one panel shown
// alone, that panel's.

import { shownText, visibleIfBlank } from "../data/text.js";
import { readText } from "../data/traits.js";

/** Above this many labels, the margins are sized from the labels shown in full view only. */
export const MEASURE_ALL_LABELS = 5000;
/** Widths kept per font; past that, a font's are forgotten and measured again. */
const MAX_MEASURED = 50000;

/**
 * Text widths measured in this module (one per model in anywidget), by canvas font and
 * text: a label shared by both axes, or by many panels, is measured once, and so is one
 * measured before the view's first frame (warmup.js).
 * @type {Map<string, Map<string, number>>}
 */
const measured = new Map();
// a web font that finishes loading changes the widths of text in the fonts that name it
if (typeof document !== "undefined" && document.fonts && document.fonts.addEventListener) {
  document.fonts.addEventListener("loadingdone", () => measured.clear());
}

/**
 * The width of `s` in `font`, which is `ctx`'s font.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} font
 * @param {string} s
 */
export function measureIn(ctx, font, s) {
  let widths = measured.get(font);
  if (!widths) {
    widths = new Map();
    measured.set(font, widths);
  }
  let w = widths.get(s);
  if (w === undefined) {
    if (widths.size >= MAX_MEASURED) widths.clear();
    w = ctx.measureText(s).width;
    widths.set(s, w);
  }
  return w;
}

/**
 * The labels of one axis as read from a trait that checkMatrixState accepted.
 * @param {unknown} v `row_labels` or `column_labels`
 * @param {boolean} show make labels of whitespace only visible
 * @returns {{ lists: string[][], perPanel: boolean }}
 */
export function readAxisLabels(v, show) {
  /** @param {unknown} s */
  const text = (s) => (typeof s !== "string" ? "" : show ? visibleIfBlank(shownText(s)) : shownText(s));
  if (!Array.isArray(v)) return { lists: [[]], perPanel: false };
  if (v.length > 0 && Array.isArray(v[0])) {
    return { lists: v.map((l) => (Array.isArray(l) ? l.map(text) : [])), perPanel: true };
  }
  return { lists: [v.map(text)], perPanel: false };
}

/**
 * One axis's labels and their widths, measured when first needed.
 * @param {(s: string) => number} measure
 */
function createAxis(measure) {
  let lists = /** @type {string[][]} */ ([[]]);
  let perPanel = false;
  /** @type {Float64Array[]} measured widths per list, -1 = not measured yet */
  let widths = [];
  /** @type {Float64Array} the widest label of any panel at each index, -1 = not known yet */
  let anyWidths = new Float64Array(0);
  let widestAll = 0;
  /** @type {number[]} the widest label of each list, -1 = not measured yet */
  let widest = [];

  /** @param {number} p a panel, or -1 */
  const listOf = (p) => (perPanel ? Math.min(Math.max(0, p), lists.length - 1) : 0);

  /**
   * @param {number} k list
   * @param {number} i
   */
  const widthIn = (k, i) => {
    const w = widths[k];
    if (w[i] < 0) w[i] = Math.ceil(measure(lists[k][i] ?? String(i)));
    return w[i];
  };

  /**
   * The widest label of list k, when it has few enough labels to measure them all, else 0.
   * @param {number} k
   */
  const widestIn = (k) => {
    if (widest[k] < 0) {
      const n = widths[k].length;
      let m = 0;
      if (n <= MEASURE_ALL_LABELS) for (let i = 0; i < n; i++) m = Math.max(m, widthIn(k, i));
      widest[k] = m;
    }
    return widest[k];
  };

  /** @param {number} i the widest label at index i of any list */
  const widthAny = (i) => {
    if (!perPanel) return widthIn(0, i);
    if (anyWidths[i] < 0) {
      let m = 0;
      for (let k = 0; k < lists.length; k++) if (i < lists[k].length) m = Math.max(m, widthIn(k, i));
      anyWidths[i] = m;
    }
    return anyWidths[i];
  };

  return {
    /**
     * @param {unknown} v the trait
     * @param {boolean} show
     * @param {number} n the matrix's rows / columns
     */
    read(v, show, n) {
      ({ lists, perPanel } = readAxisLabels(v, show));
      widths = lists.map((l) => new Float64Array(perPanel ? l.length : n).fill(-1));
      anyWidths = new Float64Array(n).fill(-1);
      widest = lists.map(() => -1);
      // (all of them, when there are few enough in all: each panel's own, measured now)
      const total = widths.reduce((t, w) => t + w.length, 0);
      widestAll = 0;
      if (total <= MEASURE_ALL_LABELS)
        for (let k = 0; k < lists.length; k++) widestAll = Math.max(widestAll, widestIn(k));
    },
    get perPanel() {
      return perPanel;
    },
    /**
     * @param {number} i
     * @param {number} p the panel (-1: `alone`)
     * @param {number} alone the panel shown alone (-1: many panels are shown)
     * @returns {string | null}
     */
    text(i, p, alone) {
      if (!perPanel) return lists[0][i] ?? String(i);
      const list = lists[listOf(p < 0 ? alone : p)];
      return i < list.length ? list[i] : null;
    },
    /**
     * @param {number} i
     * @param {number} p the panel (-1: what is shown: `alone`'s labels, or with many
     *   panels the widest of any panel's)
     * @param {number} alone
     */
    width(i, p, alone) {
      if (p < 0 && alone < 0) return widthAny(i);
      const k = listOf(p < 0 ? alone : p);
      return !perPanel || i < lists[k].length ? widthIn(k, i) : 0;
    },
    /** @param {number} alone */
    widest(alone) {
      return alone < 0 ? widestAll : widestIn(listOf(alone));
    },
  };
}

/**
 * @param {import("../index.js").Model} model
 * @param {import("./state.js").ViewState} state its fonts and ticks are read
 * @param {CanvasRenderingContext2D | null} measureCtx
 */
export function createLabels(model, state, measureCtx) {
  let measuredFont = "";
  // the font measureCtx has, as set here
  let ctxFont = measureCtx ? measureCtx.font : "";
  // the panel shown alone (its own labels are drawn), or -1 while many panels are shown
  let alone = 0;

  /** @param {string} s */
  const measure = (s) => (measureCtx ? measureIn(measureCtx, ctxFont, s) : s.length * state.fonts.size * 0.6);
  const rows = createAxis(measure);
  const cols = createAxis(measure);

  return {
    /**
     * The label of row i beside panel p (-1: the panel shown alone); null when that
     * panel's own labels end before i.
     * @param {number} i
     * @param {number} [p]
     */
    rowText: (i, p = -1) => rows.text(i, p, alone),
    /**
     * @param {number} i
     * @param {number} [p]
     */
    colText: (i, p = -1) => cols.text(i, p, alone),
    /**
     * Width of the label of row i beside panel p; p = -1: of what is shown (the widest of
     * any panel's while many are shown).
     * @param {number} i
     * @param {number} [p]
     */
    rowWidth: (i, p = -1) => rows.width(i, p, alone),
    /**
     * @param {number} i
     * @param {number} [p]
     */
    colWidth: (i, p = -1) => cols.width(i, p, alone),
    measure,

    /** Whether the row / column labels are each panel's own. */
    get perPanel() {
      return { rows: rows.perPanel, cols: cols.perPanel };
    },

    /**
     * What the next layout shows: panel `k` alone, or (-1) many panels.
     * @param {number} k
     */
    show(k) {
      alone = k;
    },

    /**
     * Before a layout, in `state.fonts`: the labels are read and measured again when they
     * or the matrix changed (`changed`) or the label font did.
     * @param {import("../data/data.js").MatrixData} d
     * @param {boolean} changed
     */
    prepare(d, changed) {
      const fonts = state.fonts;
      if (measureCtx) {
        measureCtx.font = fonts.label;
        ctxFont = fonts.label;
      }
      if (changed || measuredFont !== fonts.label) {
        const show = model.get("show_whitespace") !== false;
        measuredFont = fonts.label;
        rows.read(model.get("row_labels"), show, d.rows);
        cols.read(model.get("column_labels"), show, d.cols);
      }
    },

    /** The widest row label shown, when there are few enough to measure (else 0). */
    get rowLabelMax() {
      return rows.widest(alone);
    },

    /** The widest column label shown, when there are few enough to measure (else 0). */
    get colLabelMax() {
      return cols.widest(alone);
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
