// What makes one view redraw from outside: the model's trait changes (each marks what it
// affects, state.js), the root's width, the device pixel ratio (browser zoom, another
// screen) and, for the automatic height, the window's height.

import { readPanels } from "../render/panelview.js";
import { explicitSize } from "../render/layout.js";
import { COLORS, DATA, LABELS, LAYOUT, LUT, RANGE_UI, READING, SELECTION, TOKENS, VIEW } from "./state.js";

/**
 * Start listening; returns the function that stops it all.
 * @param {Object} ctx
 * @param {import("../index.js").Model} ctx.model
 * @param {HTMLElement} ctx.root
 * @param {import("./state.js").ViewState} ctx.state written: panels, containerWidth
 * @param {(flags: number) => void} ctx.schedule
 * @param {ReturnType<typeof import("./matrix.js").createMatrixReader>} ctx.matrix
 * @param {{ show(): void }} ctx.chooser
 * @returns {() => void}
 */
export function listenForChanges({ model, root, state, schedule, matrix, chooser }) {
  /** @type {Array<[string, () => void]>} */
  const modelListeners = [];
  /**
   * @param {string} name
   * @param {() => void} cb
   */
  const on = (name, cb) => {
    model.on(`change:${name}`, cb);
    modelListeners.push([`change:${name}`, cb]);
  };
  /**
   * @param {string[]} names
   * @param {number} flags
   */
  const listen = (names, flags) => {
    for (const name of names) on(name, () => schedule(flags));
  };
  listen(["_values", "_shape", "_block", "_panels"], DATA);
  for (const name of ["panel_labels", "focus"]) {
    on(name, () => {
      state.panels = readPanels(state.panels.layout, model.get("panel_labels"), model.get("focus"));
      schedule(LAYOUT | VIEW | SELECTION | TOKENS);
    });
  }
  on("normalize", () => {
    matrix.readNormalized();
    chooser.show();
    schedule(COLORS | VIEW);
  });
  chooser.show();
  on("_norms", () => {
    matrix.readNormalized();
    schedule(COLORS | VIEW);
  });
  on("_exact", matrix.readExact);
  listen(["_luts", "cmap"], LUT);
  listen(["vmin", "vmax", "center", "nan_color", "_data_range"], COLORS);
  listen(["symmetric"], RANGE_UI);
  listen(["_rows_read", "_read_error"], READING);
  // (labels of each panel's own are as long as its own shape: `_panel_shapes`)
  listen(["row_labels", "column_labels", "_panel_shapes"], LABELS | LAYOUT);
  listen(["_tokens"], TOKENS);
  listen(["show_whitespace"], TOKENS | LABELS | LAYOUT);
  listen(["title", "colorbar_title", "width", "height"], LAYOUT);

  const resizeObserver = new ResizeObserver((entries) => {
    const w = entries[entries.length - 1].contentRect.width;
    if (w > 0 && Math.abs(w - state.containerWidth) >= 0.5) {
      state.containerWidth = w;
      schedule(LAYOUT);
    }
  });
  resizeObserver.observe(root);

  // devicePixelRatio changes (browser zoom, moving to another screen) re-size canvases
  /** @type {MediaQueryList | null} */
  let dprQuery = null;
  const onDprChange = () => {
    watchDpr();
    schedule(LAYOUT);
  };
  function watchDpr() {
    dprQuery?.removeEventListener("change", onDprChange);
    dprQuery = window.matchMedia
      ? window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`)
      : null;
    dprQuery?.addEventListener("change", onDprChange);
  }
  watchDpr();

  // the automatic height is capped by the window's height
  const onWindowResize = () => {
    if (explicitSize(model.get("height")) === null) schedule(LAYOUT);
  };
  window.addEventListener("resize", onWindowResize);

  return () => {
    for (const [event, cb] of modelListeners) model.off(event, cb);
    modelListeners.length = 0;
    resizeObserver.disconnect();
    dprQuery?.removeEventListener("change", onDprChange);
    window.removeEventListener("resize", onWindowResize);
  };
}

/**
 * Watches the fixed-height box a view fits (fit.js), so that the view fits it again when
 * the box changes size (a resized dashboard tile).
 * @param {(flags: number) => void} schedule
 */
export function createBoxWatch(schedule) {
  /** @type {HTMLElement | null} */
  let watched = null;
  let size = "";
  const observer = new ResizeObserver((entries) => {
    const r = entries[entries.length - 1].contentRect;
    const now = `${Math.round(r.width)}x${Math.round(r.height)}`;
    if (size && now !== size) schedule(LAYOUT);
    size = now;
  });
  return {
    /** @param {HTMLElement | null} box the box to watch now, or null for none */
    watch(box) {
      if (box === watched) return;
      if (watched) observer.unobserve(watched);
      watched = box;
      size = "";
      if (box) observer.observe(box);
    },
    stop: () => observer.disconnect(),
  };
}
