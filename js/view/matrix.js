// The matrix traits read into one view's state: the matrix (a big one's overview goes to
// lod), what is drawn from it (normalised when asked), the panels, the token text, and the
// exact float64 values the tooltip asks for after the first paint.

import { decodeFloat32, decodeFloat64 } from "../data/binary.js";
import { checkMatrixState, decodeMatrix } from "../data/data.js";
import { wholeSource } from "../data/lod.js";
import { normalizeStack, readNormalize } from "../data/normalize.js";
import { shownText, visibleWhitespace } from "../data/text.js";
import { readPanels } from "../render/panelview.js";
import { readRowsRead } from "./reading.js";
import { DATA } from "./state.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("../data/data.js").MatrixGeometry} MatrixGeometry */
/** @typedef {ReturnType<typeof import("../data/lod.js").createLod>} Lod */

/**
 * @param {Object} ctx
 * @param {import("../index.js").Model} ctx.model
 * @param {import("./state.js").ViewState} ctx.state
 * @param {Lod} ctx.lod
 * @param {{ dataChanged(resized: boolean): void }} ctx.interaction
 * @param {(flags: number) => void} ctx.schedule
 */
export function createMatrixReader({ model, state, lod, interaction, schedule }) {
  // Exact float64 values arrive on request after the first paint (see readExact).
  let exactRequested = false;
  // the overview drawn is of a source still being read (reading.js): its rows come in
  // `rows` messages (lod.js), and the next overview is the whole of the same matrix
  let partial = false;

  /**
   * The matrix traits as received, checked against each other and the bytes received.
   * @returns {ReturnType<typeof checkMatrixState>}
   */
  function check() {
    return checkMatrixState({
      shape: model.get("_shape"),
      block: model.get("_block"),
      values: model.get("_values"),
      exact: model.get("_exact"),
      rowLabels: model.get("row_labels"),
      colLabels: model.get("column_labels"),
      panelShapes: model.get("_panel_shapes"),
      tokens: model.get("_tokens"),
      panels: model.get("_panels"),
    });
  }

  /**
   * Decode the matrix (or its overview) once `check` has accepted the traits.
   * @param {MatrixGeometry} g
   * @returns {string | null}
   */
  function readData(g) {
    exactRequested = false;
    const { rows, cols, fr, fc } = g;
    const whole = fr === 1 && fc === 1;
    const res = decodeMatrix(
      [g.gridRows, g.gridCols],
      model.get("_values"),
      whole ? model.get("_exact") : null,
      g.panels,
    );
    if ("error" in res) {
      state.data = null;
      return res.error;
    }
    const prev = state.data;
    // An overview's values are only drawn through `lod`; the matrix itself is not here.
    const data = whole ? res.data : { rows, cols, values: new Float32Array(0), exact: null };
    state.data = data;
    if (g.panels !== 1) data.panels = g.panels;
    state.tokensPerPanel = g.tokensPerPanel;
    state.panels = readPanels(g.layout, model.get("panel_labels"), model.get("focus"));
    const src = wholeSource(res.data, rows, cols, fr, fc);
    const rest = partial && prev && prev.rows === rows && prev.cols === cols;
    partial = readRowsRead(model.get("_rows_read")) >= 0;
    if (rest && lod.overview.fr === fr && lod.overview.fc === fc) {
      lod.refreshOverview(src); // the whole of the matrix whose rows came a few at a time
    } else {
      lod.setOverview(src, model.get("_tile_blocks"), partial, model.get("_tile_side"));
      // its rows come a few at a time, as they are read: ask for those read so far
      if (partial) lod.watchRows();
    }
    readNormalized();
    interaction.dataChanged(!prev || prev.rows !== data.rows || prev.cols !== data.cols);
    return null;
  }

  /**
   * What the renderer draws: the matrix, or each row / column / panel divided by its max
   * |v| (`normalize`, divisors from Python in `_norms`). An overview is drawn as sent.
   */
  function readNormalized() {
    const data = state.data;
    state.drawn = data;
    const mode = readNormalize(model.get("normalize"));
    if (!data || mode === null || lod.active) return;
    const norms = decodeFloat32(model.get("_norms"));
    state.drawn = {
      ...data,
      values: normalizeStack(data.values, data.panels ?? 1, data.rows, data.cols, norms, mode),
    };
  }

  /**
   * Exact values for the tooltip. Python sends them only when asked, after the first
   * paint, so that the cells are not kept waiting for a float64 copy of the matrix.
   */
  function readExact() {
    const data = state.data;
    if (!data || "error" in check()) {
      schedule(DATA); // the next frame shows what is wrong, or draws again once it is not
      return;
    }
    const e = decodeFloat64(model.get("_exact"));
    data.exact = e.length === (data.panels ?? 1) * data.rows * data.cols ? e : null;
  }

  function requestExact() {
    const data = state.data;
    if (exactRequested || !data || data.exact || model.get("_exact_available") !== true) return;
    exactRequested = true;
    model.send({ type: "exact" });
  }

  function readTokens() {
    const v = model.get("_tokens");
    const show = model.get("show_whitespace") !== false;
    const data = state.data;
    state.tokens =
      Array.isArray(v) && data && (v.length === data.rows * data.cols || state.tokensPerPanel)
        ? v.map((s) => (typeof s !== "string" ? "" : show ? visibleWhitespace(shownText(s)) : shownText(s)))
        : [];
  }

  return { check, readData, readNormalized, readExact, requestExact, readTokens };
}

/**
 * The values a source is drawn from: a matrix sent whole is drawn as `state.drawn`
 * (normalised when asked); an overview or tile as sent (Python normalised it).
 * @param {import("./state.js").ViewState} state
 * @param {Lod} lod
 * @param {import("../data/lod.js").Source} src
 * @returns {MatrixData}
 */
export function drawnGrid(state, lod, src) {
  return src.grid === lod.overview.grid && !lod.active && state.drawn ? state.drawn : src.grid;
}

/**
 * Panel p of the matrix drawn (its own values), for the token overlay and the tooltip.
 * @param {MatrixData} d
 * @param {number} p
 * @returns {MatrixData}
 */
export function panelOf(d, p) {
  if ((d.panels ?? 1) === 1) return d;
  const n = d.rows * d.cols;
  return {
    rows: d.rows,
    cols: d.cols,
    values: d.values.subarray(p * n, (p + 1) * n),
    exact: d.exact ? d.exact.subarray(p * n, (p + 1) * n) : null,
  };
}
