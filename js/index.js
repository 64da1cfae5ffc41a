// tokenheat front end: an anywidget ES module. `render` builds one view of the model and
// returns its cleanup. All redraws of a view go through one requestAnimationFrame, with
// dirty flags saying what changed, so a colour change never touches the matrix.

import { createAxes } from "./render/axes.js";
import { createCells } from "./render/cells.js";
import { parseHexColor, resolveLut, textColorTable } from "./render/color.js";
import { colorbarTicks, createColorbar } from "./render/colorbar.js";
import { checkMatrixState, decodeFloat32, decodeFloat64, decodeMatrix, formatCell } from "./data/data.js";
import { defaultScale, exportFileName, fitScale } from "./export/export.js";
import { createInteraction } from "./interact/interaction.js";
import { blockCells, createLod, gridCell, sourceView, wholeSource } from "./data/lod.js";
import { axisLabels, canvasRatio, computeLayout, explicitSize } from "./render/layout.js";
import { createOverlay } from "./render/overlay.js";
import {
  createHoverOutlines,
  createPanelTitles,
  focusTrait,
  placePanels,
  readPanels,
} from "./render/panelview.js";
import { hoverBoxes } from "./interact/hover.js";
import { autoRange, followDefault, normalizeStack, readNormalize } from "./data/normalize.js";
import { createRangeControl } from "./range/range.js";
import { syncColorRange } from "./range/rangesync.js";
import { coveredCells } from "./data/reduce.js";
import { createSelectionOutline, selCol, selPanel, selRow } from "./interact/selection.js";
import { createCaptureResponder, pngBlob, renderPng, renderSvg, saveFile } from "./export/snapshot.js";
import { CSS, readColors, readFonts } from "./render/theme.js";
import { TOOLBAR_ROW, createDownloadButtons, createNormalizeChooser } from "./interact/toolbar.js";
import { shownText, visibleIfBlank, visibleWhitespace } from "./data/text.js";
import { brief, readDataRange, readLimits, readText } from "./data/traits.js";
import { createTooltip } from "./interact/tooltip.js";

/** @typedef {import("./data/data.js").MatrixData} MatrixData */
/** @typedef {import("./data/data.js").MatrixGeometry} MatrixGeometry */
/** @typedef {import("./render/color.js").ColorScale} ColorScale */
/** @typedef {import("./render/layout.js").Layout} Layout */
/** @typedef {import("./render/layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./render/theme.js").Fonts} Fonts */

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

const DATA = 1;
const LUT = 2;
const COLORS = 4;
const LAYOUT = 8;
const LABELS = 16;
const TOKENS = 32;
const VIEW = 64; // the view window changed (labels, cells, tokens, outline, tooltip follow)
const SELECTION = 128;
const RANGE_UI = 256; // `symmetric` changed
const HOVER = 512; // the hovered cell changed (its outline in every panel)
const ALL = 1023;

/** Above this many labels, the margins are sized from the labels shown in full view only. */
const MEASURE_ALL_LABELS = 5000;

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
  root.setAttribute(
    "aria-description",
    "Drag to pan, wheel to zoom, click to select; arrow keys move the selection, + and - zoom, 0 resets",
  );
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
  const outline = createSelectionOutline(plotbox);
  const rangeSync = syncColorRange(model);
  const range = createRangeControl(root, {
    preview: rangeSync.write,
    commit: () => model.save_changes(),
    setSymmetric(on) {
      model.set("symmetric", on);
      model.save_changes();
    },
  });
  const tooltip = createTooltip(root);
  const errorEl = document.createElement("div");
  errorEl.className = "tokenheat-error";
  errorEl.setAttribute("role", "alert");
  errorEl.hidden = true;
  root.appendChild(errorEl);
  el.appendChild(root);
  const overlay = createOverlay(overlayCanvas);
  const measureCtx = document.createElement("canvas").getContext("2d");

  /** @type {MatrixData | null} the matrix's shape; its values when sent whole */
  let data = null;
  /** @type {MatrixData | null} what the renderer draws: `data`, normalised when asked */
  let drawn = null;
  let panelState = readPanels([], [], null);
  /** @type {ReturnType<typeof placePanels> | null} */
  let placed = null;
  let tokensPerPanel = false;
  /** @type {import("./interact/geometry.js").PanelGeometry | null} cached for the pointer */
  let geometry = null;
  /** @type {ReturnType<typeof placePanels> | null} */
  let geometryFor = null;
  /** @type {Array<number | [number, number]> | null} */
  let geometryKeys = null;
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
  let rowLabelMax = 0;
  let colLabelMax = 0;

  const cells = createCells(plotbox, overlayCanvas, forceCanvas, () => schedule(LAYOUT));
  const titles = createPanelTitles(plotbox);
  const hoverOutlines = createHoverOutlines(plotbox);

  let dirty = ALL;
  let raf = 0;
  let draws = 0;
  let destroyed = false;
  // Exact float64 values arrive on request after the first paint (see readExact).
  let exactRequested = false;

  // What is drawn in place of the matrix: itself, or the overview and tiles of a big one.
  const lod = createLod(model, () => schedule(VIEW));

  const interaction = createInteraction({
    model,
    root,
    plotbox,
    tooltip,
    data: () => data,
    cellInfo,
    pointInfo,
    dpr: () => dpr,
    viewChanged: () => schedule(VIEW),
    selectionChanged: () => schedule(SELECTION),
    panels: panelGeometry,
    setFocus,
    focused: () => panelState.focus !== null,
    hoverChanged: () => schedule(HOVER),
  });

  /**
   * The panels shown, for the pointer: CSS rectangles relative to the plot box.
   * @returns {import("./interact/interaction.js").PanelGeometry}
   */
  function panelGeometry() {
    if (geometry && geometryFor === placed && geometryKeys === panelState.keys) return geometry;
    const P = placed;
    geometryFor = placed;
    geometryKeys = panelState.keys;
    geometry = {
      count: panelState.count,
      keys: panelState.keys,
      rects: P
        ? P.layout.panels.map((r) => ({ index: P.shown[r.index], x: r.x, y: r.y, w: r.w, h: r.h }))
        : [],
      titles:
        !P || P.single
          ? []
          : P.layout.panels.flatMap((r) => (r.title ? [{ index: P.shown[r.index], ...r.title }] : [])),
    };
    return geometry;
  }

  /**
   * Show panel p alone (null: all panels again); Python's `focus` follows.
   * @param {number | null} p
   */
  function setFocus(p) {
    if (panelState.count < 2) return;
    const next = p !== null && p >= 0 && p < panelState.count ? p : null;
    if (next === panelState.focus) return;
    panelState = { ...panelState, focus: next };
    model.set("focus", focusTrait(next, panelState.layout));
    model.save_changes();
    schedule(LAYOUT | VIEW | SELECTION | TOKENS);
  }
  const downloads = createDownloadButtons(
    /** @type {HTMLElement} */ (root.querySelector(".tokenheat-toolbar")),
    (format) => void download(format),
  );
  const normalizeChooser = createNormalizeChooser(
    /** @type {HTMLElement} */ (root.querySelector(".tokenheat-toolbar")),
    chooseNormalize,
  );

  const showNormalize = () =>
    normalizeChooser.update(readNormalize(model.get("normalize")), panelState.count > 1);

  /**
   * The chooser switched `normalize`: draw the new mode now, and move each end of the
   * colour range that sat at its default to the new default, as Python does (so a page
   * without a kernel behaves the same), then save.
   * @param {"row" | "column" | "panel" | null} mode
   */
  function chooseNormalize(mode) {
    const ranges = model.get("_norm_ranges");
    const center = typeof model.get("center") === "number" ? model.get("center") : null;
    /** @param {string} m */
    const rangeOf = (m) => {
      const r = ranges && typeof ranges === "object" ? ranges[m] : null;
      return Array.isArray(r) && r.length === 2 && r.every(Number.isFinite)
        ? /** @type {[number, number]} */ (r)
        : null;
    };
    const before = autoRange(rangeOf(readNormalize(model.get("normalize")) ?? "none"), center);
    const after = autoRange(rangeOf(mode ?? "none"), center);
    const next = followDefault(scale.vmin, scale.vmax, before, after);
    model.set("normalize", mode);
    if (next) rangeSync.write(next[0], next[1]);
    model.save_changes();
  }

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
    downloads.setEnabled(false);
    captures.failed(message);
  }

  function hideError() {
    if (!errorEl.hidden) {
      errorEl.hidden = true;
      errorEl.textContent = "";
    }
    delete root.dataset.error;
  }

  // ---- traits -> state ---------------------------------------------------------------

  /**
   * Exact values for the tooltip. Python sends them only when asked, after the first
   * paint, so that the cells are not kept waiting for a float64 copy of the matrix.
   */
  function readExact() {
    if (!data || "error" in checkMatrixState(matrixState())) {
      schedule(DATA); // the next frame shows what is wrong, or draws again once it is not
      return;
    }
    const e = decodeFloat64(model.get("_exact"));
    data.exact = e.length === data.rows * data.cols ? e : null;
  }

  function requestExact() {
    if (exactRequested || !data || data.exact || model.get("_exact_available") !== true) return;
    exactRequested = true;
    model.send({ type: "exact" });
  }

  /**
   * The matrix traits as received, for `checkMatrixState`.
   * @returns {import("./data/data.js").MatrixState}
   */
  function matrixState() {
    return {
      shape: model.get("_shape"),
      block: model.get("_block"),
      values: model.get("_values"),
      exact: model.get("_exact"),
      rowLabels: model.get("row_labels"),
      colLabels: model.get("column_labels"),
      tokens: model.get("_tokens"),
      panels: model.get("_panels"),
    };
  }

  /**
   * Decode the matrix (or its overview) once `checkMatrixState` has accepted the traits.
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
      data = null;
      return res.error;
    }
    const prev = data;
    // An overview's values are only drawn through `lod`; the matrix itself is not here.
    data = whole ? res.data : { rows, cols, values: new Float32Array(0), exact: null };
    if (g.panels !== 1) data.panels = g.panels;
    tokensPerPanel = g.tokensPerPanel;
    panelState = readPanels(g.layout, model.get("panel_labels"), model.get("focus"));
    lod.setOverview(wholeSource(res.data, rows, cols, fr, fc));
    readNormalized();
    interaction.dataChanged(!prev || prev.rows !== data.rows || prev.cols !== data.cols);
    return null;
  }

  /**
   * What the renderer draws: the matrix, or each row / column / panel divided by its max
   * |v| (`normalize`, divisors from Python in `_norms`). An overview is drawn as sent.
   */
  function readNormalized() {
    drawn = data;
    const mode = readNormalize(model.get("normalize"));
    if (!data || mode === null || lod.active) return;
    const norms = decodeFloat32(model.get("_norms"));
    drawn = {
      ...data,
      values: normalizeStack(data.values, data.panels ?? 1, data.rows, data.cols, norms, mode),
    };
  }

  /**
   * The values a source is drawn from: a matrix sent whole is drawn as `drawn` (normalised
   * when asked); an overview or tile as sent (Python normalised it).
   * @param {import("./data/lod.js").Source} src
   * @returns {MatrixData}
   */
  function drawnGrid(src) {
    return src.grid === lod.overview.grid && !lod.active && drawn ? drawn : src.grid;
  }

  /**
   * Panel p of the matrix drawn (its own values), for the token overlay and the tooltip.
   * @param {MatrixData} d
   * @param {number} p
   * @returns {MatrixData}
   */
  function panelOf(d, p) {
    if ((d.panels ?? 1) === 1) return d;
    const n = d.rows * d.cols;
    return {
      rows: d.rows,
      cols: d.cols,
      values: d.values.subarray(p * n, (p + 1) * n),
      exact: d.exact ? d.exact.subarray(p * n, (p + 1) * n) : null,
    };
  }

  /** @returns {string | null} */
  function readLut() {
    const res = resolveLut(model.get("_luts"), model.get("cmap"));
    if ("error" in res) return res.error;
    scale.lut = res.lut;
    textColorTable(scale.lut, whiteText);
    lutVersion++;
    return null;
  }

  /** @returns {string | null} */
  function readScale() {
    const limits = readLimits(model.get("vmin"), model.get("vmax"), model.get("center"));
    if ("error" in limits) return limits.error;
    const nan = parseHexColor(model.get("nan_color"));
    if (!nan) return `nan_color must be a colour like "#bdbdbd", got ${brief(model.get("nan_color"))}`;
    Object.assign(scale, limits, { nan });
    return null;
  }

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

  /** @param {string} name */
  const readTitle = (name) => shownText(readText(model.get(name)));
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

  /**
   * The token text to show, one string per cell (C order), or [] when there is none;
   * whitespace made visible unless `show_whitespace` is off.
   * @type {string[]}
   */
  let tokens = [];
  function readTokens() {
    const v = model.get("_tokens");
    const show = model.get("show_whitespace") !== false;
    tokens =
      Array.isArray(v) && data && (v.length === data.rows * data.cols || tokensPerPanel)
        ? v.map((s) => (typeof s !== "string" ? "" : show ? visibleWhitespace(shownText(s)) : shownText(s)))
        : [];
  }

  /**
   * What the tooltip says about cell (r, c) of panel p.
   * @param {number} r
   * @param {number} c
   * @param {number} [p]
   * @returns {import("./interact/tooltip.js").TooltipContent}
   */
  function cellInfo(r, c, p = 0) {
    const d = panelOf(/** @type {MatrixData} */ (data), p);
    const exactPending = model.get("_exact_available") === true;
    const panel = panelState.count > 1 ? panelState.labels[p] : null;
    if (lod.active) {
      // The value drawn for the cell: its own in a tile of single cells, else its block's.
      const shown = lod.source(interaction.view);
      const src = gridCell(shown, r, c) ? shown : lod.overview;
      const [i, j] = /** @type {[number, number]} */ (gridCell(src, r, c));
      return { ...blockInfo(src, i, j, exactPending, p), panel };
    }
    const i = r * d.cols + c;
    const n = d.rows * d.cols;
    const token = tokens.length === n ? tokens[i] : tokens.length > n ? tokens[p * n + i] : null;
    const padded = isPadding(p, r, c);
    return {
      row: r,
      rowLabel: rowText(r),
      col: c,
      colLabel: colText(c),
      token,
      value: padded ? null : formatCell(d, i, exactPending),
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
   * @param {import("./data/lod.js").Source} src
   * @param {number} i
   * @param {number} j
   * @param {boolean} exactPending
   * @param {number} [p] the panel
   * @returns {import("./interact/tooltip.js").TooltipContent}
   */
  function blockInfo(src, i, j, exactPending, p = 0) {
    const b = blockCells(src, i, j);
    return {
      row: b.rows[0],
      rowLabel: rowText(b.rows[0]),
      rowEnd: b.rows[1],
      rowEndLabel: rowText(b.rows[1]),
      col: b.cols[0],
      colLabel: colText(b.cols[0]),
      colEnd: b.cols[1],
      colEndLabel: colText(b.cols[1]),
      token: null,
      value: formatCell(panelOf(src.grid, p), i * src.grid.cols + j, exactPending),
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
   * @returns {import("./interact/tooltip.js").TooltipContent | null}
   */
  function pointInfo(view, w, h, x, y, dpr, p = 0) {
    if (!data) return null;
    const src = lod.source(view);
    // the values the pixel rule reads: the panel's, as drawn (normalised when asked)
    const g = panelOf(drawnGrid(src), p);
    const cov = coveredCells(sourceView(src, view), w, h, g.rows, g.cols, x, y, dpr, g.values);
    if (!cov) return null;
    const single = src.fr === 1 && src.fc === 1;
    const info = single
      ? cellInfo(src.row0 + cov.row, src.col0 + cov.col, p)
      : {
          ...blockInfo(src, cov.row, cov.col, model.get("_exact_available") === true, p),
          panel: panelState.count > 1 ? panelState.labels[p] : null,
        };
    const lo = blockCells(src, cov.rowLo, cov.colLo);
    const hi = blockCells(src, cov.rowHi, cov.colHi);
    const rows = /** @type {[number, number]} */ ([lo.rows[0], hi.rows[1]]);
    const cols = /** @type {[number, number]} */ ([lo.cols[0], hi.cols[1]]);
    const count = (rows[1] - rows[0] + 1) * (cols[1] - cols[0] + 1);
    info.aggregate = cov.reduced || count > 1 ? { count, rows, cols } : null;
    return info;
  }

  // ---- layout --------------------------------------------------------------------------

  /** @param {number} flags */
  function doLayout(flags) {
    const d = /** @type {MatrixData} */ (data);
    fonts = readFonts(root);
    if (measureCtx) measureCtx.font = fonts.label;
    if (flags & (LABELS | DATA) || measuredFont !== fonts.label) {
      rowLabels = readStrings("row_labels");
      colLabels = readStrings("column_labels");
      rowWidths = new Float64Array(d.rows).fill(-1);
      colWidths = new Float64Array(d.cols).fill(-1);
      measuredFont = fonts.label;
      rowLabelMax = widestOf(d.rows, rowWidth);
      colLabelMax = widestOf(d.cols, colWidth);
    }
    // Many panels in view: the matrix's own row and column labels are not drawn (the
    // tooltip names them; a focused panel shows them).
    const grid = panelState.count > 1 && panelState.focus === null;
    showNormalize();
    const focusName =
      panelState.count > 1 && panelState.focus !== null ? panelState.labels[panelState.focus] : "";
    const own = readTitle("title");
    const title = focusName ? (own ? `${own} \u2014 ${focusName}` : focusName) : own;
    const barTitle = readTitle("colorbar_title");
    let titleWidth = 0;
    if (title && measureCtx) {
      measureCtx.font = fonts.title;
      titleWidth = measureCtx.measureText(title).width;
      measureCtx.font = fonts.label;
    }
    const wTrait = explicitSize(model.get("width"));
    const hTrait = explicitSize(model.get("height"));
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
        view: interaction.view,
        lineHeight: fonts.lineHeight,
        titleHeight: title ? Math.ceil(fonts.size * 1.15 * 1.3) : 0,
        titleWidth,
        hasColorbarTitle: barTitle !== "",
        tickWidth,
        rowLabelWidth: grid ? () => 0 : rowWidth,
        colLabelWidth: grid ? () => 0 : colWidth,
        rowLabelMax: grid ? 0 : rowLabelMax,
        colLabelMax: grid ? 0 : colLabelMax,
        toolbarRow: grid ? TOOLBAR_ROW : 0,
      });
    let L = lay(reservedTickWidth);
    tickSet = colorbarTicks(scale.vmin, scale.vmax, L.bar.height);
    if (widestTick() > reservedTickWidth) {
      reservedTickWidth = widestTick();
      L = lay(reservedTickWidth);
    }
    layout = L;
    dpr = canvasRatio(window.devicePixelRatio || 1, L.width, L.height);
    const gridRowWidth = panelState.gridRows.reduce((m, t) => Math.max(m, measure(t)), 0);
    placed = placePanels(
      panelState,
      L.plot.width,
      L.plot.height,
      d.rows,
      d.cols,
      fonts.lineHeight,
      gridRowWidth,
      dpr,
    );
    if (grid) hideAxisLabels(L);
    titles.update(panelState, placed);
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
    const row = panelState.count > 1 && panelState.focus === null ? TOOLBAR_ROW : 0;
    interaction.place({ ...L.plot, top: L.plot.top - row }, L.width);
  }

  /**
   * No matrix labels in a view of many panels.
   * @param {Layout} L
   */
  function hideAxisLabels(L) {
    L.rows = { ...L.rows, indices: [] };
    L.cols = { ...L.cols, indices: [] };
  }

  /** Many panels in view (not one, and none focused). */
  const manyShown = () => panelState.count > 1 && panelState.focus === null;

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
    if (flags & (DATA | LABELS | TOKENS)) {
      // Every matrix trait is checked against the others and the bytes received before
      // anything is made from them; a tampered state shows what is wrong, never a frozen
      // page. The matrix is decoded again once the state agrees.
      const g = checkMatrixState(matrixState());
      if ("error" in g) {
        data = null;
        flags |= DATA;
        return fail(g.error);
      }
      if (flags & DATA) {
        const err = readData(g);
        if (err) return fail(err);
        flags |= LAYOUT | LABELS | TOKENS | COLORS | VIEW | SELECTION;
      }
    }
    if (!data) return fail("no matrix to draw");
    if (flags & TOKENS) readTokens();
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
    const view = interaction.view;
    if (flags & LAYOUT) doLayout(flags);
    const L = /** @type {Layout} */ (layout);
    if (flags & (LAYOUT | VIEW) && !(flags & LAYOUT)) {
      Object.assign(L, axisLabels(L, view, fonts.lineHeight, colWidth));
      if (manyShown()) hideAxisLabels(L);
    }
    if (flags & (LAYOUT | VIEW | SELECTION)) {
      const sel = interaction.selection;
      axes.update(L, view, rowText, colText, rowWidth, colWidth, fonts.lineHeight, selRow(sel), selCol(sel));
    }
    const src = lod.source(view);
    const grid = drawnGrid(src);
    const renderer = cells.renderer(grid, scale.lut, lutVersion);
    const P = /** @type {NonNullable<typeof placed>} */ (placed);
    const pxCols = P.canvas.width;
    const pxRows = P.canvas.height;
    renderer.resize(pxCols, pxRows);
    // one matrix filling the canvas is drawn as before; panels each in their rectangle
    const whole = panelState.count === 1;
    renderer.draw(sourceView(src, view), scale, whole ? undefined : P.device);
    if (flags & (LAYOUT | COLORS | TOKENS | VIEW)) {
      // Token text needs the matrix's own cells (a big matrix's tokens are not drawn), and
      // room: it is drawn for one panel (alone or focused), not in a view of many.
      const k = P.shown[0];
      const n = data.rows * data.cols;
      const own = tokens.length > n ? tokens.slice(k * n, (k + 1) * n) : tokens;
      if (lod.active || !P.single)
        overlay.draw(panelOf(src.grid, k), [], view, scale, whiteText, L.plot, dpr, fonts);
      else overlay.draw(panelOf(grid, k), own, view, scale, whiteText, L.plot, dpr, fonts);
    }
    if (lod.active && flags & (LAYOUT | VIEW)) {
      lod.request(() => (destroyed || !layout ? null : { view: interaction.view, pxRows, pxCols }));
    }
    const dataRange = readDataRange(model.get("_data_range"));
    if (flags & (LAYOUT | COLORS)) colorbar.draw(L, scale, tickSet, dataRange);
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
      const rect = sel ? panelGeometry().rects.find((r) => r.index === selPanel(sel)) : null;
      if (rect) outline.update(sel, view, rect.w, rect.h, rect.x, rect.y);
      else outline.update(null, view, L.plot.width, L.plot.height);
    }
    if (flags & (LAYOUT | VIEW | HOVER)) {
      hoverOutlines.update(
        panelState.count > 1 ? hoverBoxes(interaction.hovered(), view, panelGeometry().rects) : [],
      );
    }
    if (flags & (LAYOUT | VIEW)) interaction.followView();
    if (root.dataset.renderer !== renderer.kind) root.dataset.renderer = renderer.kind;
    hideError();
    draws++;
    root.dataset.ready = "true";
    root.dataset.draws = String(draws);
    downloads.setEnabled(true);
    requestExact();
    captures.drawn();
  }

  // ---- export ------------------------------------------------------------------------------

  /**
   * The view as drawn now (pending changes are drawn first), or null when nothing is.
   * @returns {import("./export/export.js").ExportView | null}
   */
  function exportView() {
    if (raf && root.isConnected) {
      cancelAnimationFrame(raf);
      frame();
    }
    if (!data || !layout || root.dataset.ready !== "true" || !errorEl.hidden) return null;
    const src = lod.source(interaction.view);
    const own = readTitle("title");
    /** @type {import("./export/export.js").ExportView} */
    const v = {
      layout,
      view: interaction.view,
      data,
      cells: lod.active ? { data: src.grid, view: sourceView(src, interaction.view) } : undefined,
      pyramids: cells.pyramids,
      scale,
      whiteText,
      tokens: lod.active ? [] : tokens,
      fonts,
      colors: readColors(root),
      title: own,
      colorbarTitle: readTitle("colorbar_title"),
      tickSet,
      dataRange: readDataRange(model.get("_data_range")),
      rowText,
      colText,
      panels: placed && !placed.single ? exportPanels(placed) : undefined,
    };
    const k = panelState.count > 1 && placed && placed.single ? placed.shown[0] : null;
    if (k === null) return v;
    // A focused panel of a stack is exported as the matrix it is, alone (as it is drawn),
    // titled as on screen. Its values are a view of the stack's: the shared pyramid cache
    // (keyed by the stack's values) is left to the screen.
    const n = data.rows * data.cols;
    const name = panelState.labels[k] ?? "";
    return {
      ...v,
      data: panelOf(data, k),
      cells: v.cells ? { data: panelOf(v.cells.data, k), view: v.cells.view } : undefined,
      pyramids: undefined,
      tokens: tokens.length > n && !lod.active ? tokens.slice(k * n, (k + 1) * n) : v.tokens,
      title: name ? (own ? `${own} \u2014 ${name}` : name) : own,
    };

    /**
     * The panels shown and their titles or grid labels, as the DOM shows them.
     * @param {NonNullable<typeof placed>} P
     */
    function exportPanels(P) {
      const { panels, gridLabels } = P.layout;
      /** @param {{ x: number, y: number, w: number, h: number }} b */
      const box = (b) => ({ x: b.x, y: b.y, w: b.w, h: b.h });
      /** @type {import("./export/export.js").PanelTitle[]} */
      const titles = [];
      for (const p of panels) {
        if (p.title) titles.push({ text: panelState.labels[p.index] ?? "", ...box(p.title), kind: "title" });
      }
      for (const r of gridLabels.rows) {
        titles.push({ text: panelState.gridRows[r.index] ?? "", ...box(r), kind: "gridRow" });
      }
      for (const c of gridLabels.cols) {
        titles.push({ text: panelState.gridCols[c.index] ?? "", ...box(c), kind: "gridCol" });
      }
      return { layout: P.layout, shown: P.shown, titles };
    }
  }

  const NOTHING_DRAWN = "nothing is drawn yet";

  /**
   * The current view as a PNG of round(width * s) x round(height * s) px.
   * @param {number} s device px per CSS px
   * @returns {Promise<Blob>}
   */
  function snapshotPng(s) {
    const v = exportView();
    return v ? pngBlob(renderPng(v, s)) : Promise.reject(new Error(NOTHING_DRAWN));
  }

  /** The current view as an SVG document. */
  function snapshotSvg() {
    const v = exportView();
    if (!v) throw new Error(NOTHING_DRAWN);
    return renderSvg(v);
  }

  /** @param {"png" | "svg"} format */
  async function download(format) {
    try {
      const blob =
        format === "png"
          ? await snapshotPng(
              fitScale(defaultScale(window.devicePixelRatio), layout?.width ?? 0, layout?.height ?? 0),
            )
          : new Blob([snapshotSvg()], { type: "image/svg+xml" });
      saveFile(root, blob, exportFileName(readText(model.get("title")), format));
    } catch (e) {
      console.error(`tokenheat: could not export the view as ${format.toUpperCase()}:`, e);
    }
  }

  const captures = createCaptureResponder(model, snapshotPng, () => ({
    ready: exportView() !== null,
    error: root.dataset.error ?? null,
  }));

  // ---- events ----------------------------------------------------------------------------

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
      panelState = readPanels(panelState.layout, model.get("panel_labels"), model.get("focus"));
      schedule(LAYOUT | VIEW | SELECTION | TOKENS);
    });
  }
  on("normalize", () => {
    readNormalized();
    showNormalize();
    schedule(COLORS | VIEW);
  });
  showNormalize();
  on("_norms", () => {
    readNormalized();
    schedule(COLORS | VIEW);
  });
  on("_exact", readExact);
  listen(["_luts", "cmap"], LUT);
  listen(["vmin", "vmax", "center", "nan_color", "_data_range"], COLORS);
  listen(["symmetric"], RANGE_UI);
  listen(["row_labels", "column_labels"], LABELS | LAYOUT);
  listen(["_tokens"], TOKENS);
  listen(["show_whitespace"], TOKENS | LABELS | LAYOUT);
  listen(["title", "colorbar_title", "width", "height"], LAYOUT);

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
    if (explicitSize(model.get("height")) === null) schedule(LAYOUT);
  };
  window.addEventListener("resize", onWindowResize);

  schedule(ALL);

  return () => {
    destroyed = true;
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    for (const [event, cb] of modelListeners) model.off(event, cb);
    modelListeners.length = 0;
    captures.destroy();
    downloads.destroy();
    normalizeChooser.destroy();
    interaction.destroy();
    range.destroy();
    rangeSync.destroy();
    resizeObserver.disconnect();
    dprQuery?.removeEventListener("change", onDprChange);
    window.removeEventListener("resize", onWindowResize);
    cells.destroy();
    titles.destroy();
    hoverOutlines.destroy();
    lod.destroy();
    overlay.resize(0, 0);
    root.remove();
    data = null;
  };
}

/**
 * @param {import("./render/layout.js").Rect} r
 * @returns {Record<string, string>}
 */
function px(r) {
  return { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` };
}

/** Nothing to set up per model: every view reads the traits it needs. */
function initialize() {}

export default { initialize, render };
