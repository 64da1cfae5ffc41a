// tokenheat front end: an anywidget ES module. `render` builds one view of the model and
// returns its cleanup. All redraws of a view go through one requestAnimationFrame, with
// dirty flags saying what changed, so a colour change never touches the matrix.

import { createAxes } from "./axes.js";
import { createCells } from "./cells.js";
import { parseHexColor, textColorTable } from "./color.js";
import { colorbarTicks, createColorbar } from "./colorbar.js";
import { decodeBytes, decodeMatrix, formatCell } from "./data.js";
import { computeLayout, fullView, indexAt } from "./layout.js";
import { createOverlay } from "./overlay.js";
import { CSS, readFonts } from "./theme.js";
import { createTooltip } from "./tooltip.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").Layout} Layout */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./theme.js").Fonts} Fonts */

/**
 * The part of an anywidget model this view uses.
 * @typedef {Object} Model
 * @property {(name: string) => any} get
 * @property {(event: string, cb: (...args: any[]) => void) => void} on
 * @property {(event?: string | null, cb?: ((...args: any[]) => void) | null) => void} off
 */

const DATA = 1;
const LUT = 2;
const COLORS = 4;
const LAYOUT = 8;
const LABELS = 16;
const TOKENS = 32;
const ALL = 63;

const DEFAULT_WIDTH = 640;

/**
 * @param {{ model: Model, el: HTMLElement }} ctx
 * @returns {() => void} cleanup
 */
function render({ model, el }) {
  const forceCanvas = /** @type {any} */ (globalThis).__tokenheatForceCanvas2d === true;

  const root = document.createElement("div");
  root.className = "tokenheat";
  root.tabIndex = 0;
  root.setAttribute("role", "figure");
  const style = document.createElement("style");
  style.textContent = CSS;
  const titleEl = document.createElement("div");
  titleEl.className = "tokenheat-title";
  const plotbox = document.createElement("div");
  plotbox.className = "tokenheat-plotbox";
  const overlayCanvas = document.createElement("canvas");
  overlayCanvas.className = "tokenheat-overlay";
  overlayCanvas.setAttribute("aria-hidden", "true");
  plotbox.appendChild(overlayCanvas);
  root.append(style, titleEl, plotbox);
  const axes = createAxes(root);
  const colorbar = createColorbar(root);
  const tooltip = createTooltip(root);
  const errorEl = document.createElement("div");
  errorEl.className = "tokenheat-error";
  errorEl.setAttribute("role", "alert");
  errorEl.hidden = true;
  root.appendChild(errorEl);
  el.appendChild(root);
  const overlay = createOverlay(overlayCanvas);
  const measureCtx = document.createElement("canvas").getContext("2d");

  /** @type {MatrixData | null} */
  let data = null;
  /** @type {ViewWindow} */
  let view = fullView(1, 1);
  /** @type {ColorScale} */
  const scale = { lut: new Uint8Array(1024), vmin: 0, vmax: 1, center: null, nan: [128, 128, 128] };
  let lutVersion = 0;
  const whiteText = new Uint8Array(256);
  /** @type {Layout | null} */
  let layout = null;
  /** @type {Fonts} */
  let fonts = readFonts(root);
  let dpr = window.devicePixelRatio || 1;
  let containerWidth = 0;
  /** @type {{ values: number[], labels: string[] }} */
  let tickSet = { values: [], labels: [] };
  let reservedTickWidth = 0;
  /** @type {string[]} */
  let rowLabels = [];
  /** @type {string[]} */
  let colLabels = [];
  /** @type {Float64Array} measured label widths, -1 = not measured yet */
  let rowWidths = new Float64Array(0);
  /** @type {Float64Array} */
  let colWidths = new Float64Array(0);
  let measuredFont = "";

  const cells = createCells(plotbox, overlayCanvas, forceCanvas, () => schedule(LAYOUT));

  let dirty = ALL;
  let raf = 0;
  let draws = 0;
  let destroyed = false;

  // ---- scheduling ------------------------------------------------------------------

  /** @param {number} flags */
  function schedule(flags) {
    dirty |= flags;
    if (!raf && !destroyed) raf = requestAnimationFrame(frame);
  }

  function frame() {
    raf = 0;
    if (destroyed) return;
    const flags = dirty;
    dirty = 0;
    try {
      paint(flags);
    } catch (e) {
      dirty |= flags;
      console.error("tokenheat:", e);
      showError(`tokenheat could not draw this heatmap: ${e instanceof Error ? e.message : e}`);
    }
  }

  /** @param {string} message */
  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
    root.dataset.error = message;
  }

  function hideError() {
    if (!errorEl.hidden) {
      errorEl.hidden = true;
      errorEl.textContent = "";
    }
    delete root.dataset.error;
  }

  // ---- traits -> state ---------------------------------------------------------------

  /** @returns {string | null} */
  function readData() {
    const res = decodeMatrix(model.get("_shape"), model.get("_values"), model.get("_exact"));
    if ("error" in res) {
      data = null;
      return res.error;
    }
    const prev = data;
    data = res.data;
    if (!prev || prev.rows !== data.rows || prev.cols !== data.cols) view = fullView(data.rows, data.cols);
    return null;
  }

  /** @returns {string | null} */
  function readLut() {
    const bytes = decodeBytes(model.get("_lut"));
    if (bytes.length < 1024) return `_lut must hold 256 RGBA entries (1024 bytes), got ${bytes.length} bytes`;
    scale.lut = bytes.slice(0, 1024);
    textColorTable(scale.lut, whiteText);
    lutVersion++;
    return null;
  }

  /** @returns {string | null} */
  function readScale() {
    const vmin = Number(model.get("vmin"));
    const vmax = Number(model.get("vmax"));
    const c = model.get("center");
    if (!Number.isFinite(vmin) || !Number.isFinite(vmax) || !(vmin < vmax)) {
      return `the colour range needs finite vmin < vmax, got vmin=${model.get("vmin")}, vmax=${model.get("vmax")}`;
    }
    scale.vmin = vmin;
    scale.vmax = vmax;
    scale.center = c === null || c === undefined || !Number.isFinite(Number(c)) ? null : Number(c);
    scale.nan = parseHexColor(model.get("nan_color"), scale.nan);
    return null;
  }

  /**
   * @param {string} name
   * @returns {string[]}
   */
  function readStrings(name) {
    const v = model.get(name);
    return Array.isArray(v) ? v.map((s) => (s == null ? "" : String(s))) : [];
  }

  /** @param {number} i */
  const rowText = (i) => rowLabels[i] ?? String(i);
  /** @param {number} i */
  const colText = (i) => colLabels[i] ?? String(i);
  /** @param {string} s */
  const measure = (s) => (measureCtx ? measureCtx.measureText(s).width : s.length * fonts.size * 0.6);
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

  // ---- layout --------------------------------------------------------------------------

  /** @param {number} flags */
  function doLayout(flags) {
    const d = /** @type {MatrixData} */ (data);
    fonts = readFonts(root);
    dpr = window.devicePixelRatio || 1;
    if (measureCtx) measureCtx.font = fonts.label;
    if (flags & (LABELS | DATA) || measuredFont !== fonts.label) {
      rowLabels = readStrings("row_labels");
      colLabels = readStrings("column_labels");
      rowWidths = new Float64Array(d.rows).fill(-1);
      colWidths = new Float64Array(d.cols).fill(-1);
      measuredFont = fonts.label;
    }
    const title = String(model.get("title") ?? "");
    const barTitle = String(model.get("colorbar_title") ?? "");
    let titleWidth = 0;
    if (title && measureCtx) {
      measureCtx.font = fonts.title;
      titleWidth = measureCtx.measureText(title).width;
      measureCtx.font = fonts.label;
    }
    const wTrait = positive(model.get("width"));
    const hTrait = positive(model.get("height"));
    root.style.width = wTrait ? `${wTrait}px` : "";
    const width = wTrait ?? (containerWidth || root.clientWidth || DEFAULT_WIDTH);
    tickSet = colorbarTicks(scale.vmin, scale.vmax, layout ? layout.bar.height : 400);
    reservedTickWidth = Math.max(measure("-0.00"), widestTick());
    /** @param {number} tickWidth */
    const lay = (tickWidth) =>
      computeLayout({
        width,
        height: hTrait,
        windowHeight: window.innerHeight || 800,
        rows: d.rows,
        cols: d.cols,
        view,
        lineHeight: fonts.lineHeight,
        titleHeight: title ? Math.ceil(fonts.size * 1.15 * 1.3) : 0,
        titleWidth,
        hasColorbarTitle: barTitle !== "",
        tickWidth,
        rowLabelWidth: rowWidth,
        colLabelWidth: colWidth,
      });
    let L = lay(reservedTickWidth);
    tickSet = colorbarTicks(scale.vmin, scale.vmax, L.bar.height);
    if (widestTick() > reservedTickWidth) {
      reservedTickWidth = widestTick();
      L = lay(reservedTickWidth);
    }
    layout = L;

    root.style.height = `${L.height}px`;
    root.setAttribute("aria-label", `${title || "Heatmap"}: ${d.rows} \u00d7 ${d.cols} heatmap`);
    titleEl.hidden = !title;
    titleEl.textContent = title;
    Object.assign(titleEl.style, px(L.title));
    Object.assign(plotbox.style, px(L.plot));
    const w = Math.max(1, Math.round(L.plot.width * dpr));
    const h = Math.max(1, Math.round(L.plot.height * dpr));
    overlay.resize(w, h);
    axes.update(L, view, rowText, colText, rowWidth, colWidth, fonts.lineHeight);
    colorbar.place(L, dpr, barTitle, fonts.lineHeight);
  }

  function widestTick() {
    return tickSet.labels.reduce((m, s) => Math.max(m, Math.ceil(measure(s))), 0);
  }

  // ---- drawing -------------------------------------------------------------------------

  /**
   * Bring the picture up to date with what `flags` says changed.
   * @param {number} flags
   */
  function paint(flags) {
    if (!layout) flags |= LAYOUT;
    /**
     * Show why nothing can be drawn; keep the flags so that the next change redoes them.
     * @param {string} message
     */
    const fail = (message) => {
      dirty |= flags;
      showError(message);
    };
    if (flags & DATA) {
      const err = readData();
      if (err) return fail(err);
      flags |= LAYOUT | LABELS | TOKENS | COLORS;
    }
    if (!data) return fail("no matrix to draw");
    if (flags & LUT) {
      const err = readLut();
      if (err) return fail(err);
      flags |= COLORS;
    }
    if (flags & COLORS) {
      const err = readScale();
      if (err) return fail(err);
      if (!(flags & LAYOUT) && layout) {
        tickSet = colorbarTicks(scale.vmin, scale.vmax, layout.bar.height);
        if (widestTick() > reservedTickWidth) flags |= LAYOUT;
      }
    }
    if (flags & LAYOUT) doLayout(flags);
    const L = /** @type {Layout} */ (layout);
    const renderer = cells.renderer(data, scale.lut, lutVersion);
    renderer.resize(
      Math.max(1, Math.round(L.plot.width * dpr)),
      Math.max(1, Math.round(L.plot.height * dpr)),
    );
    renderer.draw(view, scale);
    if (flags & (LAYOUT | COLORS | TOKENS)) {
      overlay.draw(data, model.get("_tokens"), view, scale, whiteText, L.plot, dpr, fonts);
    }
    if (flags & (LAYOUT | COLORS)) colorbar.draw(L, scale, tickSet, model.get("_data_range"));
    if (root.dataset.renderer !== renderer.kind) root.dataset.renderer = renderer.kind;
    hideError();
    draws++;
    root.dataset.ready = "true";
    root.dataset.draws = String(draws);
  }

  // ---- events ----------------------------------------------------------------------------

  /** @type {Array<[string, () => void]>} */
  const modelListeners = [];
  /**
   * @param {string[]} names
   * @param {number} flags
   */
  const listen = (names, flags) => {
    for (const name of names) {
      const cb = () => schedule(flags);
      model.on(`change:${name}`, cb);
      modelListeners.push([`change:${name}`, cb]);
    }
  };
  listen(["_values", "_shape", "_exact"], DATA);
  listen(["_lut"], LUT);
  listen(["vmin", "vmax", "center", "nan_color", "_data_range"], COLORS);
  listen(["row_labels", "column_labels"], LABELS | LAYOUT);
  listen(["_tokens"], TOKENS);
  listen(["title", "colorbar_title", "width", "height"], LAYOUT);

  /** @param {PointerEvent} e */
  function onPointerMove(e) {
    if (!data || !layout) return;
    const box = plotbox.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const r = indexAt(view.row0, view.row1, y, box.height, data.rows);
    const c = indexAt(view.col0, view.col1, x, box.width, data.cols);
    if (r < 0 || c < 0) return tooltip.hide();
    const i = r * data.cols + c;
    const tokens = model.get("_tokens");
    const hasTokens = Array.isArray(tokens) && tokens.length === data.rows * data.cols;
    tooltip.show(e.clientX, e.clientY, {
      row: r,
      rowLabel: rowText(r),
      col: c,
      colLabel: colText(c),
      token: hasTokens ? String(tokens[i] ?? "") : null,
      value: formatCell(data, i),
    });
  }
  const onPointerLeave = () => tooltip.hide();
  plotbox.addEventListener("pointermove", onPointerMove);
  plotbox.addEventListener("pointerleave", onPointerLeave);

  const resizeObserver = new ResizeObserver((entries) => {
    const w = entries[entries.length - 1].contentRect.width;
    if (w > 0 && Math.abs(w - containerWidth) >= 0.5) {
      containerWidth = w;
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
    if (positive(model.get("height")) === null) schedule(LAYOUT);
  };
  window.addEventListener("resize", onWindowResize);

  schedule(ALL);

  return () => {
    destroyed = true;
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    for (const [event, cb] of modelListeners) model.off(event, cb);
    modelListeners.length = 0;
    plotbox.removeEventListener("pointermove", onPointerMove);
    plotbox.removeEventListener("pointerleave", onPointerLeave);
    resizeObserver.disconnect();
    dprQuery?.removeEventListener("change", onDprChange);
    window.removeEventListener("resize", onWindowResize);
    cells.destroy();
    overlay.resize(0, 0);
    root.remove();
    data = null;
  };
}

/**
 * @param {unknown} v
 * @returns {number | null}
 */
function positive(v) {
  const n = typeof v === "number" ? v : v == null ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * @param {import("./layout.js").Rect} r
 * @returns {Record<string, string>}
 */
function px(r) {
  return { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` };
}

/** Nothing to set up per model: every view reads the traits it needs. */
function initialize() {}

export default { initialize, render };
