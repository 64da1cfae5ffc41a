// WebGL2 renderer. The matrix and its max-|v| pyramid (reduce.js) go up once into one
// texture (glupload.js), in the first draw that reads them (a software renderer zoomed out
// reads none; see glpasses.js), so a matrix of any shape fits as long as its values do:
// 100000 x 50 as well as 50 x 100000. The colour scale lives in uniforms and a 256x1 LUT
// texture, so a colour change costs one tiny upload at most and never touches the values.
// Which cells each device pixel shows comes from reduce.js's pixelRanges, uploaded per
// view as two small integer textures, so the canvas fallback and the tooltip agree with
// the shader to the pixel. Zoomed out, the two-pass path of glpasses.js reduces once per
// view and colours from there. A stack of panels (stack.js) shares the values texture,
// one pyramid per panel at a fixed stride, and the one context: every panel is drawn into
// its rectangle with the same pixel tables, only its base offset differs.

import { createPyramidCache, needsLevels, pixelRanges } from "../data/reduce.js";
import { colourUniforms, createTwoPass, drawPanels, valueUniforms } from "./glpasses.js";
import { EAGER_LEVELS, TEXTURES, bind, createTextures, createValues, fitError } from "./glupload.js";
import { link, softwareRenderer } from "./shaders.js";
import { coversCanvas, panelCount, panelsToDraw, wholeCanvas } from "./stack.js";

export { linearLayout } from "./glupload.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./stack.js").Panel} Panel */
/** @typedef {import("../data/reduce.js").PyramidStack} PyramidStack */
/** @typedef {import("./shaders.js").Pass} Pass */

/**
 * What the view needs from a cell renderer (this one or the canvas 2D fallback).
 * @typedef {Object} Renderer
 * @property {"webgl2" | "canvas2d"} kind
 * @property {HTMLCanvasElement} canvas
 * @property {(data: MatrixData) => string | null} setData take the data; an error message when
 *   they cannot be drawn (too large for a texture)
 * @property {(lut: Uint8Array) => void} setLut
 * @property {(width: number, height: number) => void} resize backing store size, device px
 * @property {(view: ViewWindow, scale: ColorScale, panels?: Panel[]) => void} draw draw the
 *   view of each panel of the data into its rectangle (all the same size) and clear the
 *   rest of the canvas to transparent; without `panels`, panel 0 fills the canvas
 * @property {() => void} destroy release everything
 */

/**
 * Create the WebGL2 renderer on `canvas`, or return why it cannot be.
 * @param {HTMLCanvasElement} canvas
 * @param {{ lost: () => void, failed: (why: string) => void }} events the context was lost;
 *   drawing a view failed (its pyramid did not fit), the caller should use another renderer
 * @param {ReturnType<typeof createPyramidCache>} [pyramids] shared with the canvas fallback
 * @returns {{ renderer: Renderer & { maxTextureSize: number } } | { error: string }}
 */
export function createGLRenderer(canvas, events, pyramids = createPyramidCache()) {
  /** @type {WebGL2RenderingContext | null} */
  let gl = null;
  try {
    gl = canvas.getContext("webgl2", {
      preserveDrawingBuffer: true,
      antialias: false,
      // the gaps between panels are transparent (every cell is drawn opaque)
      alpha: true,
      depth: false,
      stencil: false,
      premultipliedAlpha: false,
    });
  } catch (e) {
    return { error: `WebGL2 context creation threw: ${e}` };
  }
  if (!gl) return { error: "WebGL2 is not available" };
  const ctx = gl;

  /** @type {[Pass | null, Pass | null, Pass | null]} direct, reduce, resolve */
  const passes = [null, null, null];
  /**
   * the two-pass path, with float render targets (else every draw walks the pyramid)
   * @type {ReturnType<typeof createTwoPass> | null}
   */
  let twoPass = null;
  /** @type {WebGLVertexArrayObject | null} */
  let vao = null;
  /** @type {WebGLFramebuffer | null} */
  let fbo = null;
  /** @type {import("./glupload.js").Textures} */
  const tex = { values: null, lut: null, rows: null, cols: null, offsets: null, reduced: null };
  /** @type {MatrixData | null} */
  let data = null;
  /** @type {Uint8Array | null} */
  let lut = null;
  /** setData took `data` (it fits a texture with the levels it gets at once) */
  let accepted = false;
  /** the pyramid levels along rows / columns `data` has (asked for, or built already) */
  let rowLevels = false;
  let colLevels = false;
  /** @type {PyramidStack | null} the pyramids of `data` with those levels */
  let current = null;
  let lost = false;
  let failed = false;
  const software = softwareRenderer(ctx);
  const maxTextureSize = /** @type {number} */ (ctx.getParameter(ctx.MAX_TEXTURE_SIZE)) || 0;
  const values = createValues(ctx, tex, maxTextureSize, { live: () => !lost && !failed, fail });
  /** @type {import("./glpasses.js").PixelTables} */
  const px = {
    rowLo: new Int32Array(0),
    rowHi: new Int32Array(0),
    colLo: new Int32Array(0),
    colHi: new Int32Array(0),
    rowsReduced: false,
    colsReduced: false,
    rowLevels: false,
    colLevels: false,
    count: 0,
  };
  // the pixel ranges as uploaded (lo, hi per device pixel row / column), and the view they
  // were made for
  let rowRanges = new Int32Array(0);
  let colRanges = new Int32Array(0);
  let rView0 = NaN;
  let rView1 = NaN;
  let rView2 = NaN;
  let rView3 = NaN;
  const whole = wholeCanvas();

  function init() {
    passes[0] = link(ctx, 0);
    let floatTargets = ctx.getExtension("EXT_color_buffer_float") !== null;
    if (floatTargets) {
      try {
        passes[1] = link(ctx, 1);
        passes[2] = link(ctx, 2);
        fbo = ctx.createFramebuffer();
      } catch (e) {
        console.warn("tokenheat: single-pass WebGL drawing:", e);
        floatTargets = false;
      }
    }
    vao = ctx.createVertexArray();
    createTextures(ctx, tex);
    ctx.pixelStorei(ctx.UNPACK_ALIGNMENT, 1);
    if (floatTargets) {
      const [, reduce, resolve] = /** @type {[Pass, Pass, Pass]} */ (passes);
      twoPass = createTwoPass(ctx, {
        reduce,
        resolve,
        fbo,
        vao,
        tex,
        software,
        px,
        values,
      });
    }
  }

  /**
   * Drawing a view failed: the caller should use another renderer.
   * @param {string} why
   */
  function fail(why) {
    failed = true;
    events.failed(why);
  }

  function uploadLut() {
    if (!lut || lost) return;
    bind(ctx, 1, tex.lut);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RGBA8, 256, 1, 0, ctx.RGBA, ctx.UNSIGNED_BYTE, lut);
  }

  /**
   * Which cells each device pixel of a panel shows, for this view and panel size.
   * @param {ViewWindow} view
   * @param {number} w
   * @param {number} h
   */
  function updateRanges(view, w, h) {
    const d = /** @type {MatrixData} */ (data);
    const same = view.row0 === rView0 && view.row1 === rView1 && view.col0 === rView2 && view.col1 === rView3;
    if (same && px.rowLo.length === h && px.colLo.length === w) return;
    if (px.rowLo.length !== h) {
      px.rowLo = new Int32Array(h);
      px.rowHi = new Int32Array(h);
      rowRanges = new Int32Array(2 * h);
    }
    if (px.colLo.length !== w) {
      px.colLo = new Int32Array(w);
      px.colHi = new Int32Array(w);
      colRanges = new Int32Array(2 * w);
    }
    px.rowsReduced = pixelRanges(view.row0, view.row1, d.rows, px.rowLo, px.rowHi);
    px.colsReduced = pixelRanges(view.col0, view.col1, d.cols, px.colLo, px.colHi);
    px.rowLevels = px.rowsReduced && needsLevels(px.rowLo, px.rowHi);
    px.colLevels = px.colsReduced && needsLevels(px.colLo, px.colHi);
    for (let i = 0; i < h; i++) {
      rowRanges[2 * i] = px.rowLo[i];
      rowRanges[2 * i + 1] = px.rowHi[i];
    }
    for (let i = 0; i < w; i++) {
      colRanges[2 * i] = px.colLo[i];
      colRanges[2 * i + 1] = px.colHi[i];
    }
    bind(ctx, 2, tex.rows);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RG32I, h, 1, 0, ctx.RG_INTEGER, ctx.INT, rowRanges);
    bind(ctx, 3, tex.cols);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RG32I, w, 1, 0, ctx.RG_INTEGER, ctx.INT, colRanges);
    rView0 = view.row0;
    rView1 = view.row1;
    rView2 = view.col0;
    rView3 = view.col1;
    px.count++;
  }

  /** Forget the ranges (a new matrix). */
  function staleRanges() {
    rView0 = NaN;
    twoPass?.stale();
  }

  /** @param {Event} e */
  function onLost(e) {
    e.preventDefault();
    lost = true;
    events.lost();
  }

  try {
    init();
  } catch (e) {
    if (!ctx.isContextLost()) ctx.getExtension("WEBGL_lose_context")?.loseContext();
    return { error: String(e instanceof Error ? e.message : e) };
  }
  canvas.addEventListener("webglcontextlost", onLost);

  /** @type {Renderer & { maxTextureSize: number }} */
  const renderer = {
    kind: "webgl2",
    canvas,
    maxTextureSize,
    setData(d) {
      data = d;
      accepted = false;
      current = null;
      staleRanges();
      if (lost) return null;
      // the values go up when a draw first reads them: zoomed out on a software renderer
      // none does (the CPU reduces from `current`)
      values.setData(d);
      // a GPU walks the pyramid in the texture: long axes get their levels at once, so
      // that zooming out does not upload again; a software renderer reduces zoomed-out
      // views on the CPU, and builds levels only when a view needs them
      rowLevels = !software && d.rows > EAGER_LEVELS;
      colLevels = !software && d.cols > EAGER_LEVELS;
      const err = fitError(d, rowLevels, colLevels, maxTextureSize);
      accepted = !err;
      return err;
    },
    setLut(l) {
      lut = l;
      uploadLut();
    },
    resize(w, h) {
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
    },
    draw(view, scale, panels) {
      if (lost || failed || !data || !accepted) return;
      if (!values.verify()) return;
      const W = ctx.drawingBufferWidth;
      const H = ctx.drawingBufferHeight;
      const list = panelsToDraw(panels, panelCount(data), W, H, whole);
      if (!coversCanvas(list, W, H)) {
        ctx.viewport(0, 0, W, H);
        ctx.clearColor(0, 0, 0, 0);
        ctx.clear(ctx.COLOR_BUFFER_BIT);
      }
      if (list.length === 0) return;
      const { w, h } = list[0];
      updateRanges(view, w, h);
      const { rowsReduced, colsReduced } = px;
      // levels are built when some pixel reads them (and with the matrix for long axes)
      if ((px.rowLevels && !rowLevels) || (px.colLevels && !colLevels)) {
        const err = fitError(data, rowLevels || px.rowLevels, colLevels || px.colLevels, maxTextureSize);
        if (err) {
          fail(err);
          return;
        }
        rowLevels ||= px.rowLevels;
        colLevels ||= px.colLevels;
        current = null;
      }
      if (!current) {
        current = pyramids.stack(data.values, data.rows, data.cols, panelCount(data), rowLevels, colLevels);
        // the cache may hold more levels (built for another renderer): keep them
        rowLevels = current.rowLevels;
        colLevels = current.colLevels;
      }
      const st = current;
      bind(ctx, 0, tex.values);
      bind(ctx, 1, tex.lut);
      bind(ctx, 2, tex.rows);
      bind(ctx, 3, tex.cols);
      bind(ctx, 4, tex.offsets);
      const firstRow = rowsReduced ? -1 : px.rowLo[0];
      const firstCol = colsReduced ? -1 : px.colLo[0];
      if (twoPass && (rowsReduced || colsReduced)) {
        if (twoPass.reduce(st, list, H, w, h, firstRow, firstCol)) {
          if (!failed) twoPass.resolve(list, H, w, h, firstRow, firstCol, scale);
          return;
        }
        twoPass = null; // the float target is unusable: single pass from now on
      }
      const t = values.use(st, rowsReduced || colsReduced);
      if (!t) return;
      const p = /** @type {Pass} */ (passes[0]);
      ctx.useProgram(p.program);
      valueUniforms(ctx, p, t, values.shift, h);
      colourUniforms(ctx, p, scale);
      drawPanels(ctx, vao, p, list, H, w, h, t.stride);
    },
    destroy() {
      canvas.removeEventListener("webglcontextlost", onLost);
      values.destroy();
      if (!ctx.isContextLost()) {
        for (const t of Object.values(tex)) ctx.deleteTexture(t);
        for (const p of passes) if (p) ctx.deleteProgram(p.program);
        ctx.deleteVertexArray(vao);
        ctx.deleteFramebuffer(fbo);
        ctx.getExtension("WEBGL_lose_context")?.loseContext();
      }
      for (const k of TEXTURES) tex[k] = null;
      passes.fill(null);
      vao = fbo = null;
      data = lut = null;
      current = null;
      accepted = false;
      staleRanges();
      twoPass?.destroy();
      twoPass = null;
      // a zero-sized canvas holds no drawing buffer, even before it is collected
      canvas.width = canvas.height = 0;
    },
  };
  return { renderer };
}
