// Browser harness for test_panels_render.py: draws a stack of panels with the WebGL2 and
// canvas 2D renderers directly (no widget, no kernel) and reads the canvas back. Bundled
// by esbuild in the test.

import { createGLRenderer } from "../../js/render/gl.js";
import { createCanvasRenderer } from "../../js/render/canvas2d.js";

/** WebGL2 contexts created on this page (every getContext("webgl2") that returned one). */
let webglContexts = 0;
const getContext = HTMLCanvasElement.prototype.getContext;
/** @type {any} */ (HTMLCanvasElement.prototype).getContext = function (/** @type {any[]} */ ...args) {
  const ctx = getContext.apply(this, /** @type {any} */ (args));
  if (args[0] === "webgl2" && ctx && !seen.has(ctx)) {
    seen.add(ctx);
    webglContexts++;
  }
  return ctx;
};
const seen = new WeakSet();

// Pretend a hardware GPU, so that the WebGL renderer reduces zoomed-out pixels on the GPU
// (pass 1) instead of on the CPU as it does for SwiftShader.
let pretendHardware = false;
/** A smaller MAX_TEXTURE_SIZE to report (0: the real one). */
let maxTextureSize = 0;
const getParameter = WebGL2RenderingContext.prototype.getParameter;
WebGL2RenderingContext.prototype.getParameter = function (/** @type {number} */ name) {
  // RENDERER, UNMASKED_RENDERER_WEBGL
  if (pretendHardware && (name === 0x1f01 || name === 0x9246)) return "tokenheat harness GPU";
  if (maxTextureSize && name === 0x0d33) return maxTextureSize; // MAX_TEXTURE_SIZE
  return getParameter.call(this, name);
};

/**
 * The values the test recomputes in numpy: k = 128 + floor((2u - 1) * A) with u a hash of
 * the flat index and A a step function of the place, v = (k - 127.5) / 256; NaN where the
 * hash says so. Every operation is exact or rounds the same in float64 on both sides.
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 */
function generate(panels, rows, cols) {
  const v = new Float32Array(panels * rows * cols);
  for (let p = 0; p < panels; p++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = (p * rows + r) * cols + c;
        const h = Math.imul(i, 2654435761) >>> 0;
        if (h % 97 === 0) {
          v[i] = NaN;
          continue;
        }
        const a = 12 * ((Math.floor(r / 100) + Math.floor(c / 100) + p) % 10);
        const k = 128 + Math.floor((2 * (h / 4294967296) - 1) * a);
        v[i] = (k - 127.5) / 256;
      }
    }
  }
  return v;
}

/** @param {string} b64 */
function floatsOf(b64) {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

/** @param {Uint8Array} bytes */
function base64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A grey ramp: entry i is (i, i, i). */
function greyLut() {
  const lut = new Uint8Array(1024);
  for (let i = 0; i < 256; i++) lut.set([i, i, i, 255], 4 * i);
  return lut;
}

/** @type {Map<string, Float32Array>} generated stacks, by shape */
const generated = new Map();

/**
 * @typedef {Object} Spec
 * @property {"webgl2" | "canvas2d"} kind
 * @property {number} rows
 * @property {number} cols
 * @property {number} panels
 * @property {string} [values] base64 float32, else generated
 * @property {Array<[number, number]>} [plant] [flat index, value] written into the values
 * @property {number} width canvas, device px
 * @property {number} height
 * @property {Array<{ index: number, x: number, y: number, w: number, h: number }>} [rects]
 * @property {Array<{ row0: number, row1: number, col0: number, col1: number }>} views drawn
 *   one after the other; the pixels of each are returned
 * @property {{ vmin: number, vmax: number, center: number | null }} scale
 * @property {boolean} [hardware] pretend a hardware GPU
 * @property {number} [maxTextureSize] the MAX_TEXTURE_SIZE the renderer is told
 * @property {number} [panel] draw only this panel's values as a single matrix (no rects)
 * @property {boolean} [prime] first draw panel 0 over the whole canvas (no rects), so that
 *   the gaps hold colours the drawing with rects must clear
 */

/** @param {Spec} spec */
function draw(spec) {
  pretendHardware = !!spec.hardware;
  maxTextureSize = spec.maxTextureSize ?? 0;
  const key = `${spec.panels}x${spec.rows}x${spec.cols}`;
  let values;
  if (spec.values) {
    values = floatsOf(spec.values);
  } else {
    let g = generated.get(key);
    if (!g) {
      g = generate(spec.panels, spec.rows, spec.cols);
      generated.clear();
      generated.set(key, g);
    }
    values = g.slice();
  }
  for (const [i, x] of spec.plant ?? []) values[i] = x;
  let panels = spec.panels;
  if (spec.panel !== undefined) {
    const n = spec.rows * spec.cols;
    values = values.slice(spec.panel * n, (spec.panel + 1) * n);
    panels = 1;
  }
  /** @type {import("../../js/data/data.js").MatrixData} */
  const data = { rows: spec.rows, cols: spec.cols, values, exact: null };
  if (panels !== 1) data.panels = panels;
  const canvas = document.createElement("canvas");
  document.body.append(canvas);
  const failures = [];
  const res =
    spec.kind === "webgl2"
      ? createGLRenderer(canvas, { lost: () => failures.push("lost"), failed: (w) => failures.push(w) })
      : createCanvasRenderer(canvas);
  if ("error" in res) return { error: res.error };
  const r = res.renderer;
  r.resize(spec.width, spec.height);
  const err = r.setData(data);
  if (err) {
    r.destroy();
    canvas.remove();
    return { error: err };
  }
  r.setLut(greyLut());
  const scale = {
    lut: greyLut(),
    nan: /** @type {[number, number, number]} */ ([255, 0, 255]),
    ...spec.scale,
  };
  const images = [];
  if (spec.prime) r.draw(spec.views[0], scale);
  for (const view of spec.views) {
    r.draw(view, scale, spec.rects);
    images.push(base64(readBack(canvas, spec.kind)));
  }
  r.destroy();
  canvas.remove();
  return { images, failures, kind: r.kind };
}

/**
 * The canvas's RGBA pixels, rows from the top.
 * @param {HTMLCanvasElement} canvas
 * @param {"webgl2" | "canvas2d"} kind
 */
function readBack(canvas, kind) {
  const w = canvas.width;
  const h = canvas.height;
  if (kind === "canvas2d") {
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    return new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
  }
  const gl = /** @type {WebGL2RenderingContext} */ (canvas.getContext("webgl2"));
  const raw = new Uint8Array(4 * w * h);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, raw);
  const out = new Uint8Array(raw.length);
  for (let y = 0; y < h; y++) out.set(raw.subarray((h - 1 - y) * 4 * w, (h - y) * 4 * w), y * 4 * w);
  return out;
}

/** @type {any} */ (window).panelsHarness = {
  draw,
  contexts: () => webglContexts,
};
