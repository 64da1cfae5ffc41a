// One frame of one view: brings the picture up to date with what the dirty flags say
// changed (state.js), reading the traits that changed first. A state that cannot be drawn
// shows why in the error box and keeps its flags, so the next change redoes them.

import { sourceView } from "../data/lod.js";
import { readDataRange, readText } from "../data/traits.js";
import { hoverBoxes } from "../interact/hover.js";
import { selCol, selPanel, selRow } from "../interact/selection.js";
import { colorbarTicks } from "../render/colorbar.js";
import { axisLabels } from "../render/layout.js";
import { drawnGrid, panelOf } from "./matrix.js";
import { readLut, readScale } from "./scale.js";
import { readRowsRead, rowsDrawn } from "./reading.js";
import {
  COLORS,
  DATA,
  HOVER,
  LABELS,
  LAYOUT,
  LUT,
  RANGE_UI,
  READING,
  SELECTION,
  TOKENS,
  VIEW,
} from "./state.js";

/** @typedef {import("../render/layout.js").Layout} Layout */

/**
 * @typedef {Object} PaintContext
 * @property {import("../index.js").Model} model
 * @property {import("./state.js").ViewState} state
 * @property {ReturnType<typeof import("./scheduler.js").createScheduler>} scheduler
 * @property {(message: string) => void} showError
 * @property {ReturnType<typeof import("./skeleton.js").createSkeleton>} parts
 * @property {ReturnType<typeof import("../render/cells.js").createCells>} cells
 * @property {ReturnType<typeof import("../render/panelview.js").createHoverOutlines>} hoverOutlines
 * @property {import("./matrix.js").Lod} lod
 * @property {ReturnType<typeof import("./matrix.js").createMatrixReader>} matrix
 * @property {ReturnType<typeof import("./labels.js").createLabels>} labels
 * @property {ReturnType<typeof import("./arrange.js").createArranger>} arranger
 * @property {ReturnType<typeof import("./focus.js").createFocus>} focus
 * @property {ReturnType<typeof import("../interact/interaction.js").createInteraction>} interaction
 * @property {ReturnType<typeof import("./status.js").createStatus>} status
 * @property {{ setEnabled(on: boolean): void, drawn(): void }} exporter
 */

/** @param {PaintContext} ctx */
export function createPainter(ctx) {
  const { model, state, scheduler, parts, cells, lod, matrix, labels, interaction } = ctx;
  const { axes, colorbar, range, outline, overlay, reading } = parts;

  /**
   * Bring the picture up to date with what `flags` says changed.
   * @param {number} flags
   */
  function paint(flags) {
    if (!state.layout) flags |= LAYOUT;
    /**
     * Show why nothing can be drawn; keep the flags so that the next change redoes them.
     * @param {string} message
     */
    const fail = (message) => {
      scheduler.keep(flags);
      ctx.showError(message);
    };
    if (flags & (DATA | LABELS | TOKENS)) {
      // Every matrix trait is checked against the others and the bytes received before
      // anything is made from them; a tampered state shows what is wrong, never a frozen
      // page. The matrix is decoded again once the state agrees.
      const g = matrix.check();
      if ("error" in g) {
        state.data = null;
        flags |= DATA;
        return fail(g.error);
      }
      if (flags & DATA) {
        const err = matrix.readData(g);
        if (err) return fail(err);
        flags |= LAYOUT | LABELS | TOKENS | COLORS | VIEW | SELECTION;
      }
    }
    const data = state.data;
    if (!data) return fail("no matrix to draw");
    if (flags & TOKENS) matrix.readTokens();
    if (flags & LUT) {
      const err = readLut(model, state);
      if (err) return fail(err);
      flags |= COLORS;
    }
    const scale = state.scale;
    if (flags & COLORS) {
      const err = readScale(model, state);
      if (err) return fail(err);
      if (!(flags & LAYOUT) && state.layout) {
        state.tickSet = colorbarTicks(scale.vmin, scale.vmax, state.layout.bar.height);
        if (labels.widestTick() > state.reservedTickWidth) flags |= LAYOUT;
      }
    }
    const view = interaction.view;
    if (flags & LAYOUT) ctx.arranger.arrange(flags);
    const L = /** @type {Layout} */ (state.layout);
    const { fonts, dpr } = state;
    if (flags & (LAYOUT | VIEW) && !(flags & LAYOUT)) {
      Object.assign(L, axisLabels(L, view, fonts.lineHeight, labels.colWidth));
    }
    if (flags & (LAYOUT | VIEW | SELECTION)) {
      const sel = interaction.selection;
      const { rowText, colText, rowWidth, colWidth } = labels;
      axes.update(
        L,
        view,
        rowText,
        colText,
        rowWidth,
        colWidth,
        fonts.lineHeight,
        selRow(sel),
        selCol(sel),
        selPanel(sel),
      );
    }
    const src = lod.source(view);
    const grid = drawnGrid(state, lod, src);
    const renderer = cells.renderer(grid, scale.lut, state.lutVersion);
    const P = /** @type {NonNullable<typeof state.placed>} */ (state.placed);
    const pxCols = P.canvas.width;
    const pxRows = P.canvas.height;
    renderer.resize(pxCols, pxRows);
    // one matrix filling the canvas is drawn as before; panels each in their rectangle
    const whole = state.panels.count === 1;
    renderer.draw(sourceView(src, view), scale, whole ? undefined : P.device);
    if (flags & (LAYOUT | COLORS | TOKENS | VIEW)) {
      // Token text needs the matrix's own cells (a big matrix's tokens are not drawn), and
      // room: it is drawn for one panel (alone or focused), not in a view of many.
      const { tokens, whiteText } = state;
      const k = P.shown[0];
      const n = data.rows * data.cols;
      const own = tokens.length > n ? tokens.slice(k * n, (k + 1) * n) : tokens;
      if (lod.active || !P.single)
        overlay.draw(panelOf(src.grid, k), [], view, scale, whiteText, L.plot, dpr, fonts);
      else overlay.draw(panelOf(grid, k), own, view, scale, whiteText, L.plot, dpr, fonts);
    }
    if (lod.active && flags & (LAYOUT | VIEW)) {
      // the cells one device pixel covers are those of one panel (all panels have one
      // size), not of the whole canvas: else every full view of a stack asks for 1 x 1
      const one = whole ? undefined : P.device[0];
      const px = { pxRows: one ? one.h : pxRows, pxCols: one ? one.w : pxCols };
      lod.request(() => (scheduler.destroyed || !state.layout ? null : { view: interaction.view, ...px }));
    }
    const dataRange = readDataRange(model.get("_data_range"));
    if (flags & (LAYOUT | COLORS)) colorbar.draw(L, scale, state.tickSet, dataRange);
    if (flags & (LAYOUT | COLORS | RANGE_UI)) {
      range.update({
        vmin: scale.vmin,
        vmax: scale.vmax,
        center: scale.center,
        dataRange,
        symmetric: model.get("symmetric") === true,
      });
    }
    if (flags & (LAYOUT | VIEW | SELECTION)) {
      // the selection's outline, in its panel
      const sel = interaction.selection;
      const rect = sel ? ctx.focus.panelGeometry().rects.find((r) => r.index === selPanel(sel)) : null;
      if (rect) outline.update(sel, view, rect.w, rect.h, rect.x, rect.y);
      else outline.update(null, view, L.plot.width, L.plot.height);
    }
    if (flags & (LAYOUT | VIEW | HOVER)) {
      ctx.hoverOutlines.update(
        state.panels.count > 1
          ? hoverBoxes(interaction.hovered(), view, ctx.focus.panelGeometry().rects)
          : [],
      );
    }
    const read = readRowsRead(model.get("_rows_read"));
    if (flags & (LAYOUT | VIEW | READING)) {
      const error = readText(model.get("_read_error"));
      const rects = state.panels.count > 1 ? ctx.focus.panelGeometry().rects : [];
      reading.update(rowsDrawn(read, lod.rowsHad), data.rows, error, view, L.plot, rects);
    }
    if (flags & (LAYOUT | VIEW)) interaction.followView();
    ctx.status.drawn(renderer.kind, !cells.switching);
    ctx.exporter.setEnabled(read < 0); // (an export waits until every row is read)
    matrix.requestExact();
    ctx.exporter.drawn();
  }

  return { paint };
}
