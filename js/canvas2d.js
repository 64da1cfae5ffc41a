// Canvas 2D fallback: used when WebGL2 is missing, fails, loses its context, or the
// matrix exceeds MAX_TEXTURE_SIZE. The matrix is coloured on the CPU once per colour
// change; each draw then copies cell colours to screen pixels through per-pixel index
// tables that pick the same cell as the shader (drawImage's nearest-neighbour scaling
// rounds differently where a pixel centre falls exactly on a cell boundary). Matrices too
// large to keep a colour per cell are coloured per screen pixel instead.

import { colorize, lutIndex, packLut, packRGB } from "./color.js";
import { pixelIndexTable } from "./layout.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./gl.js").Renderer} Renderer */

// Above this many cells, skip the per-cell colour cache (it would take 4 bytes a cell).
const MAX_CACHED_CELLS = 4096 * 4096;

/**
 * @param {HTMLCanvasElement} canvas
 * @returns {{ renderer: Renderer } | { error: string }}
 */
export function createCanvasRenderer(canvas) {
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
  let rowIdx = new Int32Array(0);
  let colIdx = new Int32Array(0);
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
      rowIdx = new Int32Array(h);
      colIdx = new Int32Array(w);
      stale = true;
    }
    if (stale) {
      pixelIndexTable(view.row0, view.row1, d.rows, rowIdx);
      pixelIndexTable(view.col0, view.col1, d.cols, colIdx);
      tView0 = view.row0;
      tView1 = view.row1;
      tView2 = view.col0;
      tView3 = view.col1;
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
      if (d.rows * d.cols <= MAX_CACHED_CELLS) {
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
          const base = rowIdx[y] * cols;
          for (let x = 0, o = y * w; x < w; x++, o++) out[o] = cells[base + colIdx[x]];
        }
      } else {
        const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
        const { vmin, vmax, center } = scale;
        const values = d.values;
        for (let y = 0; y < h; y++) {
          const base = rowIdx[y] * cols;
          for (let x = 0, o = y * w; x < w; x++, o++) {
            const k = lutIndex(values[base + colIdx[x]], vmin, vmax, center);
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
      canvas.width = canvas.height = 0;
    },
  };
  return { renderer };
}
