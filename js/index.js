// tokenheat front end: an anywidget ES module. `render` builds one view of the model from
// the parts in js/view/ and returns its cleanup. All redraws of a view go through one
// requestAnimationFrame (view/scheduler.js), with dirty flags saying what changed
// (view/state.js), so a colour change never touches the matrix.

import { createLod } from "./data/lod.js";
import { createInteraction } from "./interact/interaction.js";
import { createCells } from "./render/cells.js";
import { createHoverOutlines, createPanelTitles } from "./render/panelview.js";
import { createArranger } from "./view/arrange.js";
import { createCellInfo } from "./view/cellinfo.js";
import { createChooser } from "./view/chooser.js";
import { createBoxWatch, listenForChanges } from "./view/events.js";
import { createExporter } from "./view/exporter.js";
import { createFocus } from "./view/focus.js";
import { createLabels } from "./view/labels.js";
import { createMatrixReader } from "./view/matrix.js";
import { createPainter } from "./view/paint.js";
import { createScheduler } from "./view/scheduler.js";
import { createSkeleton } from "./view/skeleton.js";
import { ALL, HOVER, LAYOUT, SELECTION, VIEW, createViewState } from "./view/state.js";
import { createStatus } from "./view/status.js";
import { premeasureLabels } from "./view/warmup.js";

/**
 * The part of an anywidget model this view uses.
 * @typedef {Object} Model
 * @property {(name: string) => any} get
 * @property {(event: string, cb: (...args: any[]) => void) => void} on
 * @property {(event?: string | null, cb?: ((...args: any[]) => void) | null) => void} off
 * @property {(content: any, callbacks?: any, buffers?: ArrayBuffer[]) => void} send
 * @property {(name: string, value: any) => void} set
 * @property {() => void} save_changes
 */

/**
 * @param {{ model: Model, el: HTMLElement }} ctx
 * @returns {() => void} cleanup
 */
function render({ model, el }) {
  const forceCanvas = /** @type {any} */ (globalThis).__tokenheatForceCanvas2d === true;

  const parts = createSkeleton(model, el);
  const { root, plotbox } = parts;
  const state = createViewState(root);
  const status = createStatus(root, parts.errorEl);
  // Frames run from requestAnimationFrame, after render has made every part they use.
  const scheduler = createScheduler((flags) => painter.paint(flags), showError);
  const { schedule } = scheduler;

  /**
   * Why nothing can be drawn: in the error box, and to the exports waiting for a draw.
   * @param {string} message
   */
  function showError(message) {
    status.showError(message);
    exporter.failed(message);
  }

  const cells = createCells(plotbox, parts.overlayCanvas, forceCanvas, () => schedule(LAYOUT));
  const titles = createPanelTitles(plotbox);
  const hoverOutlines = createHoverOutlines(plotbox);

  // What is drawn in place of the matrix: itself, or the overview and tiles of a big one.
  const lod = createLod(model, () => schedule(VIEW));
  const labels = createLabels(model, state, parts.measureCtx);
  const focus = createFocus(model, state, schedule);
  // the tooltip asks for the view only on pointer and key events, once `interaction` exists
  const info = createCellInfo({ model, state, lod, labels, view: () => interaction.view });

  const interaction = createInteraction({
    model,
    root,
    plotbox,
    tooltip: parts.tooltip,
    data: () => state.data,
    cellInfo: info.cellInfo,
    pointInfo: info.pointInfo,
    dpr: () => state.dpr,
    viewChanged: () => schedule(VIEW),
    selectionChanged: () => schedule(SELECTION),
    panels: focus.panelGeometry,
    setFocus: focus.setFocus,
    focused: () => state.panels.focus !== null,
    hoverChanged: () => schedule(HOVER),
  });

  const toolbar = /** @type {HTMLElement} */ (root.querySelector(".tokenheat-toolbar"));
  const exporter = createExporter({
    model,
    root,
    toolbar,
    state,
    scheduler,
    status,
    lod,
    cells,
    labels,
    interaction,
  });
  const chooser = createChooser({ model, state, toolbar, rangeSync: parts.rangeSync });
  const matrix = createMatrixReader({ model, state, lod, interaction, schedule });
  const boxWatch = createBoxWatch(schedule);
  const arranger = createArranger({
    model,
    state,
    parts,
    labels,
    titles,
    interaction,
    chooser,
    watchBox: boxWatch.watch,
  });
  const painter = createPainter({
    model,
    state,
    scheduler,
    showError,
    parts,
    cells,
    hoverOutlines,
    lod,
    matrix,
    labels,
    arranger,
    focus,
    interaction,
    status,
    exporter,
  });

  const stopListening = listenForChanges({ model, root, state, schedule, matrix, chooser });

  schedule(ALL);
  scheduler.drawWhenAttached(root);

  return () => {
    scheduler.destroy();
    stopListening();
    boxWatch.stop();
    exporter.destroy();
    chooser.destroy();
    interaction.destroy();
    cells.destroy();
    titles.destroy();
    hoverOutlines.destroy();
    lod.destroy();
    parts.destroy();
    state.data = null;
  };
}

/**
 * When the model is made, before any view: measure the labels a first frame needs
 * (view/warmup.js). Every view reads the traits it needs itself.
 * @param {{ model: Model }} ctx
 */
function initialize({ model }) {
  try {
    premeasureLabels(model);
  } catch (e) {
    console.warn("tokenheat: could not measure labels ahead of the first frame:", e);
  }
}

export default { initialize, render };
