// Canvas 2D fallback: used when WebGL2 is missing, fails, loses its context, has no
// context to spare (cells.js), or the matrix is too large for a texture; also draws the
// cells of exported PNGs. Pixels take their cells from reduce.js's pixelRanges, as the
// shader does (drawImage's nearest-neighbour scaling would round differently where a pixel
// centre falls exactly on a cell boundary). Zoomed in, the matrix is coloured once per
// colour change and each draw copies cell colours to pixels (matrices too large to keep a
// colour per cell are coloured per pixel instead); zoomed out, each pixel shows the
// strongest cell it covers, read from the max-|v| pyramid.

import { colorize, lutIndex, packLut, packRGB } from "./color.js";
import { axisBlocks, createPyramidCache, needsLevels, pixelRanges } from "../data/reduce.js";
import { createViewImages } from "../data/viewimage.js";
import { coversCanvas, panelCount, panelsToDraw, wholeCanvas } from "./stack.js";
import { wasmColour } from "./wasmcolour.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./gl.js").Renderer} Renderer */
/** @typedef {import("./stack.js").Panel} Panel */

// Above this many cells (of all panels), skip the per-cell colour cache (4 bytes a cell).
const MAX_CACHED_CELLS = 4096 * 4096;

/**
 * @param {HTMLCanvasElement} canvas
 * @param {ReturnType<typeof createPyramidCache>} [pyramids] shared with the view's other
 *   renderer, so that a matrix's pyramid is built once
 * @returns {{ renderer: Renderer } | { error: string }}
 */
export function createCanvasRenderer(canvas, pyramids = createPyramidCache()) {
  // not opaque: the gaps between panels are transparent (every cell is drawn opaque).
  // willReadFrequently keeps the canvas in memory rather than on the GPU: every frame is
  // one putImageData, which then is a copy, where a GPU canvas makes the page wait for
  // the GPU process (2-87 ms for a view's first frame in headless Chromium); the pixels
  // are the same either way.
  const maybeCtx = canvas.getContext("2d", { willReadFrequently: true });
  if (!maybeCtx) return { error: "neither WebGL2 nor a 2D canvas is available" };
  const ctx = maybeCtx;
  /** @type {MatrixData | null} */
  let data = null;
  const packed = new Uint32Array(256);
  /** @type {Uint32Array | null} colour of each cell of every panel, as the values */
  let cellColors = null;
  /** @type {ImageData | null} the whole canvas */
  let image = null;
  let pixels = new Uint32Array(0);
  // pixel -> cells tables of one panel (every panel has the same size and view)
  let rowLo = new Int32Array(0);
  let rowHi = new Int32Array(0);
  let colLo = new Int32Array(0);
  let colHi = new Int32Array(0);
  let rowsReduced = false;
  let colsReduced = false;
  // whether some pixel covers enough cells along the axis to read pyramid levels
  let rowLevels = false;
  let colLevels = false;
  // value of each pixel of every panel when zoomed out, kept across views
  const images = createViewImages();
  /** @type {import("../data/reduce.js").AxisBlocks | undefined} */
  let rowBlocks;
  /** @type {import("../data/reduce.js").AxisBlocks | undefined} */
  let colBlocks;
  /** @type {import("../data/reduce.js").PyramidStack | null} what the blocks were made for */
  let blocksFor = null;
  const whole = wholeCanvas();
  // what the index tables and the colour cache were made for
  let tView0 = NaN;
  let tView1 = NaN;
  let tView2 = NaN;
  let tView3 = NaN;
  let colored = false;
  let cVmin = NaN;
  let cVmax = NaN;
  /** @type {number | null} */
  let cCenter = null;
  let cNan = -1;

  /**
   * @param {ViewWindow} view
   * @param {MatrixData} d
   * @param {number} w panel width, device px
   * @param {number} h
   */
  function updateTables(view, d, w, h) {
    let stale = view.row0 !== tView0 || view.row1 !== tView1 || view.col0 !== tView2 || view.col1 !== tView3;
    if (rowLo.length !== h || colLo.length !== w) {
      rowLo = new Int32Array(h);
      rowHi = new Int32Array(h);
      colLo = new Int32Array(w);
      colHi = new Int32Array(w);
      stale = true;
    }
    if (stale) {
      rowsReduced = pixelRanges(view.row0, view.row1, d.rows, rowLo, rowHi);
      colsReduced = pixelRanges(view.col0, view.col1, d.cols, colLo, colHi);
      rowLevels = rowsReduced && needsLevels(rowLo, rowHi);
      colLevels = colsReduced && needsLevels(colLo, colHi);
      blocksFor = null;
      tView0 = view.row0;
      tView1 = view.row1;
      tView2 = view.col0;
      tView3 = view.col1;
    }
  }

  /**
   * Zoomed out along an axis: each pixel of the panel shows the strongest cell it covers.
   * @param {MatrixData} d
   * @param {ColorScale} scale
   * @param {Panel} panel
   */
  function drawReduced(d, scale, panel) {
    const st = pyramids.stack(d.values, d.rows, d.cols, panelCount(d), rowLevels, colLevels);
    const { index, w, h } = panel;
    if (blocksFor !== st || !rowBlocks || !colBlocks) {
      // a new view, size or matrix (a colour change keeps the values shown)
      rowBlocks = axisBlocks(rowLo, rowHi, st.topA, rowBlocks);
      colBlocks = axisBlocks(colLo, colHi, st.topB, colBlocks);
      blocksFor = st;
    }
    const values = images.image(st.pyramids[index], index, rowBlocks, colBlocks);
    const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
    const out = pixels;
    const W = canvas.width;
    if (wasmColour(values, w, h, out, panel.y * W + panel.x, W, packed, nan, scale)) return;
    const { vmin, vmax, center } = scale;
    let prev = NaN;
    let prevColor = nan;
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0, o = (panel.y + y) * W + panel.x; x < w; x++, o++, i++) {
        const v = values[i];
        if (v !== prev) {
          const k = lutIndex(v, vmin, vmax, center);
          prevColor = k < 0 ? nan : packed[k];
          prev = v;
        }
        out[o] = prevColor;
      }
    }
  }

  /**
   * Zoomed in: each pixel of the panel shows the cell under its centre.
   * @param {MatrixData} d
   * @param {ColorScale} scale
   * @param {Panel} panel
   */
  function drawCells(d, scale, panel) {
    const { w, h } = panel;
    const W = canvas.width;
    const out = pixels;
    const cols = d.cols;
    const first = panel.index * d.rows * cols;
    const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
    if (d.values.length <= MAX_CACHED_CELLS) {
      if (
        !colored ||
        scale.vmin !== cVmin ||
        scale.vmax !== cVmax ||
        scale.center !== cCenter ||
        nan !== cNan
      ) {
        if (!cellColors) cellColors = new Uint32Array(d.values.length);
        const n = d.values.length;
        if (!wasmColour(d.values, n, 1, cellColors, 0, n, packed, nan, scale))
          colorize(d.values, cellColors, packed, scale);
        colored = true;
        cVmin = scale.vmin;
        cVmax = scale.vmax;
        cCenter = scale.center;
        cNan = nan;
      }
      const cells = /** @type {Uint32Array} */ (cellColors);
      for (let y = 0; y < h; y++) {
        const base = first + rowLo[y] * cols;
        for (let x = 0, o = (panel.y + y) * W + panel.x; x < w; x++, o++) out[o] = cells[base + colLo[x]];
      }
    } else {
      const { vmin, vmax, center } = scale;
      const values = d.values;
      for (let y = 0; y < h; y++) {
        const base = first + rowLo[y] * cols;
        for (let x = 0, o = (panel.y + y) * W + panel.x; x < w; x++, o++) {
          const k = lutIndex(values[base + colLo[x]], vmin, vmax, center);
          out[o] = k < 0 ? nan : packed[k];
        }
      }
    }
  }

  /** @type {Renderer} */
  const renderer = {
    kind: "canvas2d",
    canvas,
    setData(d) {
      data = d;
      colored = false;
      cellColors = null;
      tView0 = NaN;
      blocksFor = null;
      images.clear();
      return null;
    },
    setLut(lut) {
      packLut(lut, packed);
      colored = false;
    },
    resize(w, h) {
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
    },
    draw(view, scale, panels) {
      const d = data;
      if (!d) return;
      const W = canvas.width;
      const H = canvas.height;
      if (!image || image.width !== W || image.height !== H) {
        image = ctx.createImageData(W, H);
        pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, W * H);
      }
      const list = panelsToDraw(panels, panelCount(d), W, H, whole);
      if (!coversCanvas(list, W, H)) pixels.fill(0);
      if (list.length > 0) {
        updateTables(view, d, list[0].w, list[0].h);
        for (const panel of list) {
          if (rowsReduced || colsReduced) drawReduced(d, scale, panel);
          else drawCells(d, scale, panel);
        }
      }
      ctx.putImageData(image, 0, 0);
    },
    destroy() {
      data = null;
      image = null;
      cellColors = null;
      pixels = new Uint32Array(0);
      images.clear();
      rowBlocks = colBlocks = undefined;
      blocksFor = null;
      canvas.width = canvas.height = 0;
    },
  };
  return { renderer };
}
