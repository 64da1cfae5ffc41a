// What one view's tooltip says: about a cell (labels, token, value, panel, padding), about
// the block of cells a big matrix's overview or tile draws as one, and about the device
// pixel under the pointer (the cell it shows and, zoomed out, how many cells it covers).

import { formatCell } from "../data/data.js";
import { blockCells, gridCell, sourceView } from "../data/lod.js";
import { coveredCells } from "../data/reduce.js";
import { drawnGrid, panelOf } from "./matrix.js";
import { rowsDrawn } from "./reading.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("../interact/tooltip.js").TooltipContent} TooltipContent */
/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * @param {Object} ctx
 * @param {import("../index.js").Model} ctx.model
 * @param {import("./state.js").ViewState} ctx.state
 * @param {import("./matrix.js").Lod} ctx.lod
 * @param {ReturnType<typeof import("./labels.js").createLabels>} ctx.labels
 * @param {() => ViewWindow} ctx.view the view shown
 */
export function createCellInfo({ model, state, lod, labels, view }) {
  // the labels of panel p (its own, when they are per panel; none for its padding)
  /** @type {(i: number, p: number) => string} */
  const rowText = (i, p) => labels.rowText(i, p) ?? "";
  /** @type {(i: number, p: number) => string} */
  const colText = (i, p) => labels.colText(i, p) ?? "";
  const exactPending = () => model.get("_exact_available") === true;
  /**
   * A value missing because its rows are not read yet (a source read in the background)
   * is said to be so; a value shown is shown, wherever it came from (a tile).
   * @param {TooltipContent} info
   */
  const unread = (info) => {
    const read = rowsDrawn(model.get("_rows_read"), lod.rowsHad);
    if (read >= 0 && info.value === null && (info.rowEnd ?? info.row) >= read) info.unread = true;
    return info;
  };
  /** @param {number} p */
  const panelName = (p) => (state.panels.count > 1 ? state.panels.labels[p] : null);

  /**
   * What the tooltip says about cell (r, c) of panel p.
   * @param {number} r
   * @param {number} c
   * @param {number} [p]
   * @returns {TooltipContent}
   */
  function cellInfo(r, c, p = 0) {
    const d = panelOf(/** @type {MatrixData} */ (state.data), p);
    const pending = exactPending();
    const panel = panelName(p);
    if (lod.active) {
      // The value drawn for the cell: its own in a tile of single cells, else its block's.
      const shown = lod.source(view());
      const src = gridCell(shown, r, c) ? shown : lod.overview;
      const [i, j] = /** @type {[number, number]} */ (gridCell(src, r, c));
      return unread({ ...blockInfo(src, i, j, pending, p), panel });
    }
    const tokens = state.tokens;
    const i = r * d.cols + c;
    const n = d.rows * d.cols;
    const token = tokens.length === n ? tokens[i] : tokens.length > n ? tokens[p * n + i] : null;
    const padded = isPadding(p, r, c);
    return {
      row: r,
      rowLabel: rowText(r, p),
      col: c,
      colLabel: colText(c, p),
      token,
      value: padded ? null : formatCell(d, i, pending),
      panel,
      padding: padded,
    };
  }

  /**
   * Whether cell (r, c) of panel p is padding: the panel was smaller than the stack.
   * @param {number} p
   * @param {number} r
   * @param {number} c
   */
  function isPadding(p, r, c) {
    const shapes = model.get("_panel_shapes");
    const s = Array.isArray(shapes) ? shapes[p] : null;
    return Array.isArray(s) && s.length === 2 && (r >= s[0] || c >= s[1]);
  }

  /**
   * What the tooltip says about grid cell (i, j) of a source: the cell, or the block of
   * cells it stands for.
   * @param {import("../data/lod.js").Source} src
   * @param {number} i
   * @param {number} j
   * @param {boolean} pending exact values may still come
   * @param {number} [p] the panel
   * @returns {TooltipContent}
   */
  function blockInfo(src, i, j, pending, p = 0) {
    const b = blockCells(src, i, j);
    return {
      row: b.rows[0],
      rowLabel: rowText(b.rows[0], p),
      rowEnd: b.rows[1],
      rowEndLabel: rowText(b.rows[1], p),
      col: b.cols[0],
      colLabel: colText(b.cols[0], p),
      colEnd: b.cols[1],
      colEndLabel: colText(b.cols[1], p),
      token: null,
      value: formatCell(panelOf(src.grid, p), i * src.grid.cols + j, pending),
    };
  }

  /**
   * What the tooltip says about the device pixel under CSS point (x, y) of the plot: the
   * cell it shows and, when zoomed out, how many cells it stands for; null outside.
   * @param {ViewWindow} view
   * @param {number} w plot width, CSS px
   * @param {number} h plot height, CSS px
   * @param {number} x
   * @param {number} y
   * @param {number} dpr
   * @param {number} [p] the panel (w, h, x, y are that panel's)
   * @returns {TooltipContent | null}
   */
  function pointInfo(view, w, h, x, y, dpr, p = 0) {
    if (!state.data) return null;
    const src = lod.source(view);
    // the values the pixel rule reads: the panel's, as drawn (normalised when asked)
    const g = panelOf(drawnGrid(state, lod, src), p);
    const cov = coveredCells(sourceView(src, view), w, h, g.rows, g.cols, x, y, dpr, g.values);
    if (!cov) return null;
    const single = src.fr === 1 && src.fc === 1;
    const info = single
      ? cellInfo(src.row0 + cov.row, src.col0 + cov.col, p)
      : { ...blockInfo(src, cov.row, cov.col, exactPending(), p), panel: panelName(p) };
    const lo = blockCells(src, cov.rowLo, cov.colLo);
    const hi = blockCells(src, cov.rowHi, cov.colHi);
    const rows = /** @type {[number, number]} */ ([lo.rows[0], hi.rows[1]]);
    const cols = /** @type {[number, number]} */ ([lo.cols[0], hi.cols[1]]);
    const count = (rows[1] - rows[0] + 1) * (cols[1] - cols[0] + 1);
    info.aggregate = cov.reduced || count > 1 ? { count, rows, cols } : null;
    return unread(info);
  }

  return { cellInfo, pointInfo };
}
