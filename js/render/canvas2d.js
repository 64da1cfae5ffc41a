// Canvas 2D fallback: used when WebGL2 is missing, fails, loses its context, has no
// context to spare (cells.js), or the matrix is too large for a texture; also draws the
// cells of exported PNGs. Pixels take their cells from reduce.js's pixelRanges, as the
// shader does (drawImage's nearest-neighbour scaling would round differently where a pixel
// centre falls exactly on a cell boundary). Zoomed in, the matrix is coloured once per
// colour change and each draw copies cell colours to pixels (matrices too large to keep a
// colour per cell are coloured per pixel instead); zoomed out, each pixel shows the
// strongest cell it covers, read from the max-|v| pyramid.

import { colorize, lutIndex, packLut, packRGB } from "./color.js";
import { axisBlocks, createPyramidCache, pixelRanges, reduceImage } from "../data/reduce.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./gl.js").Renderer} Renderer */

// Above this many cells, skip the per-cell colour cache (it would take 4 bytes a cell).
const MAX_CACHED_CELLS = 4096 * 4096;

/**
 * @param {HTMLCanvasElement} canvas
 * @param {ReturnType<typeof createPyramidCache>} [pyramids] shared with the view's other
 *   renderer, so that a matrix's pyramid is built once
 * @returns {{ renderer: Renderer } | { error: string }}
 */
export function createCanvasRenderer(canvas, pyramids = createPyramidCache()) {
  const maybeCtx = canvas.getContext("2d", { alpha: false });
  if (!maybeCtx) return { error: "neither WebGL2 nor a 2D canvas is available" };
  const ctx = maybeCtx;
  /** @type {MatrixData | null} */
  let data = null;
  const packed = new Uint32Array(256);
  /** @type {Uint32Array | null} colour of each cell, C order */
  let cellColors = null;
  /** @type {ImageData | null} */
  let image = null;
  let pixels = new Uint32Array(0);
  let rowLo = new Int32Array(0);
  let rowHi = new Int32Array(0);
  let colLo = new Int32Array(0);
  let colHi = new Int32Array(0);
  let rowsReduced = false;
  let colsReduced = false;
  /** @type {Float32Array} value of each pixel when zoomed out */
  let shown = new Float32Array(0);
  /** @type {import("../data/reduce.js").AxisBlocks | undefined} */
  let rowBlocks;
  /** @type {import("../data/reduce.js").AxisBlocks | undefined} */
  let colBlocks;
  /** @type {import("../data/reduce.js").Pyramid | null} what the blocks (and `shown`) were made for */
  let blocksFor = null;
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
   */
  function updateTables(view, d) {
    const w = canvas.width;
    const h = canvas.height;
    let stale = view.row0 !== tView0 || view.row1 !== tView1 || view.col0 !== tView2 || view.col1 !== tView3;
    if (!image || image.width !== w || image.height !== h) {
      image = ctx.createImageData(w, h);
      pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, w * h);
      rowLo = new Int32Array(h);
      rowHi = new Int32Array(h);
      colLo = new Int32Array(w);
      colHi = new Int32Array(w);
      stale = true;
    }
    if (stale) {
      rowsReduced = pixelRanges(view.row0, view.row1, d.rows, rowLo, rowHi);
      colsReduced = pixelRanges(view.col0, view.col1, d.cols, colLo, colHi);
      blocksFor = null;
      tView0 = view.row0;
      tView1 = view.row1;
      tView2 = view.col0;
      tView3 = view.col1;
    }
  }

  /**
   * Zoomed out along an axis: each pixel shows the strongest cell it covers.
   * @param {MatrixData} d
   * @param {ColorScale} scale
   */
  function drawReduced(d, scale) {
    const pyr = pyramids.get(d.values, d.rows, d.cols, rowsReduced, colsReduced);
    const n = pixels.length;
    if (blocksFor !== pyr || !rowBlocks || !colBlocks || shown.length !== n) {
      // a new view, size or matrix (a colour change keeps the values shown)
      rowBlocks = axisBlocks(rowLo, rowHi, pyr.topA, rowBlocks);
      colBlocks = axisBlocks(colLo, colHi, pyr.topB, colBlocks);
      if (shown.length !== n) shown = new Float32Array(n);
      reduceImage(pyr, rowBlocks, colBlocks, shown);
      blocksFor = pyr;
    }
    const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
    const { vmin, vmax, center } = scale;
    const out = pixels;
    let prev = NaN;
    let prevColor = nan;
    for (let i = 0; i < n; i++) {
      const v = shown[i];
      if (v !== prev) {
        const k = lutIndex(v, vmin, vmax, center);
        prevColor = k < 0 ? nan : packed[k];
        prev = v;
      }
      out[i] = prevColor;
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
    draw(view, scale) {
      const d = data;
      if (!d) return;
      updateTables(view, d);
      const w = canvas.width;
      const h = canvas.height;
      const out = pixels;
      const cols = d.cols;
      if (rowsReduced || colsReduced) {
        drawReduced(d, scale);
      } else if (d.rows * d.cols <= MAX_CACHED_CELLS) {
        const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
        if (
          !colored ||
          scale.vmin !== cVmin ||
          scale.vmax !== cVmax ||
          scale.center !== cCenter ||
          nan !== cNan
        ) {
          if (!cellColors) cellColors = new Uint32Array(d.rows * d.cols);
          colorize(d.values, cellColors, packed, scale);
          colored = true;
          cVmin = scale.vmin;
          cVmax = scale.vmax;
          cCenter = scale.center;
          cNan = nan;
        }
        const cells = /** @type {Uint32Array} */ (cellColors);
        for (let y = 0; y < h; y++) {
          const base = rowLo[y] * cols;
          for (let x = 0, o = y * w; x < w; x++, o++) out[o] = cells[base + colLo[x]];
        }
      } else {
        const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
        const { vmin, vmax, center } = scale;
        const values = d.values;
        for (let y = 0; y < h; y++) {
          const base = rowLo[y] * cols;
          for (let x = 0, o = y * w; x < w; x++, o++) {
            const k = lutIndex(values[base + colLo[x]], vmin, vmax, center);
            out[o] = k < 0 ? nan : packed[k];
          }
        }
      }
      ctx.putImageData(/** @type {ImageData} */ (image), 0, 0);
    },
    destroy() {
      data = null;
      image = null;
      cellColors = null;
      pixels = new Uint32Array(0);
      shown = new Float32Array(0);
      rowBlocks = colBlocks = undefined;
      blocksFor = null;
      canvas.width = canvas.height = 0;
    },
  };
  return { renderer };
}
