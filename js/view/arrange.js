// The layout step of one view's frame: reads the fonts, labels, titles and size traits,
// computes where everything goes (render/layout.js), places the panels in the plot area
// and moves the DOM parts there.

import { colorbarTicks } from "../render/colorbar.js";
import { axisLabels, canvasRatio, computeLayout, explicitSize, panelRowBand } from "../render/layout.js";
import { frame } from "../render/panels.js";
import { panelAxes, placePanels } from "../render/panelview.js";
import { readFonts } from "../render/theme.js";
import { TOOLBAR_ROW } from "../interact/toolbar.js";
import { DEFAULT_WIDTH, contentSizedWidth, fixedBox } from "./fit.js";
import { DATA, LABELS, manyShown } from "./state.js";

/** @typedef {import("../render/layout.js").Layout} Layout */

/**
 * @param {Object} ctx
 * @param {import("../index.js").Model} ctx.model
 * @param {import("./state.js").ViewState} ctx.state written: fonts, tickSet,
 *   reservedTickWidth, layout, dpr, placed
 * @param {ReturnType<typeof import("./skeleton.js").createSkeleton>} ctx.parts
 * @param {ReturnType<typeof import("./labels.js").createLabels>} ctx.labels
 * @param {ReturnType<typeof import("../render/panelview.js").createPanelTitles>} ctx.titles
 * @param {ReturnType<typeof import("../interact/interaction.js").createInteraction>} ctx.interaction
 * @param {{ show(): void }} ctx.chooser
 * @param {(box: HTMLElement | null) => void} ctx.watchBox called with the fixed-height box
 *   the view fits (fit.js), or null, at every layout
 */
export function createArranger({ model, state, parts, labels, titles, interaction, chooser, watchBox }) {
  const { root, titleEl, plotbox, overlay, colorbar, range } = parts;
  const { measure, rowWidth, colWidth, widestTick } = labels;

  /**
   * Lay the view out for the matrix in `state.data`.
   * @param {number} flags what changed (labels are read again when LABELS or DATA did)
   */
  function arrange(flags) {
    const d = /** @type {import("../data/data.js").MatrixData} */ (state.data);
    const fonts = readFonts(root);
    state.fonts = fonts;
    labels.prepare(d, (flags & (LABELS | DATA)) !== 0);
    // Many panels in view: the matrix's row labels go in a band left of the first column
    // of panels (placePanels keeps it), its column labels under the lowest panels (the
    // layout's bottom margin, sized for one panel's columns). Labels of each panel's own
    // go beside and under every panel: a band left of every column of panels, and one
    // as high as the bottom margin's labels under every row of panels.
    const grid = manyShown(state);
    chooser.show();
    const panels = state.panels;
    labels.show(grid ? -1 : (panels.focus ?? 0));
    const ownLabels = labels.perPanel;
    const focusName = panels.count > 1 && panels.focus !== null ? panels.labels[panels.focus] : "";
    const own = labels.readTitle("title");
    const title = focusName ? (own ? `${own} \u2014 ${focusName}` : focusName) : own;
    const barTitle = labels.readTitle("colorbar_title");
    const titleWidth = labels.titleWidth(title);
    const wTrait = explicitSize(model.get("width"));
    const hTrait = explicitSize(model.get("height"));
    root.style.width = wTrait ? `${wTrait}px` : "";
    const wFit = wTrait ? null : contentSizedWidth(root);
    if (wFit) root.style.width = `${wFit}px`;
    const width = wTrait ?? wFit ?? (state.containerWidth || root.clientWidth || DEFAULT_WIDTH);
    const boxFit = hTrait ? null : fixedBox(root);
    watchBox(boxFit ? boxFit.box : null);
    const gridRowWidth = panels.gridRows.reduce((m, t) => Math.max(m, measure(t)), 0);
    const axisWidth = grid ? panelRowBand(width, d.rows, rowWidth, labels.rowLabelMax) : 0;
    /**
     * @param {number} w
     * @param {number} h
     * @param {number} r device px per CSS px
     * @param {number} foot px of the column labels under a panel
     */
    const place = (w, h, r, foot) =>
      placePanels(panels, w, h, d.rows, d.cols, fonts.lineHeight, gridRowWidth, r, axisWidth, {
        ...ownLabels,
        foot,
      });
    /** @type {(w: number, h: number, foot: number) => { left: number, width: number, height: number }} */
    const panelBox = (w, h, foot) => {
      const P = place(w, h, 1, foot).layout;
      return { left: frame(P).left, width: P.panelWidth, height: P.panelHeight };
    };
    const { vmin, vmax } = state.scale;
    state.tickSet = colorbarTicks(vmin, vmax, state.layout ? state.layout.bar.height : 400);
    state.reservedTickWidth = Math.max(measure("-0.00"), widestTick());
    /** @param {number} tickWidth */
    const lay = (tickWidth) =>
      computeLayout({
        width,
        height: hTrait ?? (boxFit ? boxFit.height : null),
        windowHeight: window.innerHeight || 800,
        rows: d.rows,
        cols: d.cols,
        view: interaction.view,
        lineHeight: fonts.lineHeight,
        titleHeight: title ? Math.ceil(fonts.size * 1.15 * 1.3) : 0,
        titleWidth,
        hasColorbarTitle: barTitle !== "",
        tickWidth,
        rowLabelWidth: grid ? () => 0 : rowWidth,
        colLabelWidth: colWidth,
        rowLabelMax: grid ? 0 : labels.rowLabelMax,
        colLabelMax: labels.colLabelMax,
        toolbarRow: grid ? TOOLBAR_ROW : 0,
        panelBox: grid ? panelBox : undefined,
      });
    let L = lay(state.reservedTickWidth);
    state.tickSet = colorbarTicks(vmin, vmax, L.bar.height);
    if (widestTick() > state.reservedTickWidth) {
      state.reservedTickWidth = widestTick();
      L = lay(state.reservedTickWidth);
    }
    state.layout = L;
    const dpr = canvasRatio(window.devicePixelRatio || 1, L.width, L.height);
    state.dpr = dpr;
    state.placed = place(L.plot.width, L.plot.height, dpr, L.colBand);
    if (grid) {
      L.panelAxes = panelAxes(state.placed, L.plot, axisWidth);
      Object.assign(L, axisLabels(L, interaction.view, fonts.lineHeight, colWidth));
    }
    titles.update(panels, state.placed);
    interaction.readSelection(); // a selection's panel may be gone with the arrangement

    root.style.height = `${L.height}px`;
    root.setAttribute("aria-label", `${title || "Heatmap"}: ${d.rows} \u00d7 ${d.cols} heatmap`);
    titleEl.hidden = !title;
    titleEl.textContent = title;
    Object.assign(titleEl.style, px(L.title));
    Object.assign(plotbox.style, px(L.plot));
    const w = Math.max(1, Math.round(L.plot.width * dpr));
    const h = Math.max(1, Math.round(L.plot.height * dpr));
    overlay.resize(w, h);
    colorbar.place(L, dpr, barTitle, fonts.lineHeight);
    range.place(L);
    // many panels: the toolbar sits in its own row above them, off their titles
    const row = grid ? TOOLBAR_ROW : 0;
    interaction.place({ ...L.plot, top: L.plot.top - row }, L.width);
  }

  return { arrange };
}

/**
 * @param {import("../render/layout.js").Rect} r
 * @returns {Record<string, string>}
 */
function px(r) {
  return { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` };
}
