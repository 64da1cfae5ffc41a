// WebGL2 renderer. The matrix and its max-|v| pyramid (reduce.js) are uploaded once, laid
// end to end in one R32F texture read by linear index (rows of 2^k texels), so a matrix of
// any shape fits as long as its values do: 100000 x 50 as well as 50 x 100000. They go up
// in the first draw that reads them (a software renderer zoomed out reads none; see below),
// in a few large calls, and their GL errors are read after that frame. The colour
// scale lives in uniforms and a 256x1 LUT texture, so a colour change costs one tiny upload
// at most and never touches the values. Which cells each device pixel shows comes from
// reduce.js's pixelRanges, uploaded per view as two small integer textures, so the canvas
// fallback and the tooltip agree with the shader to the pixel. Zoomed out, the strongest
// values are reduced once per view into a float texture and coloured from there
// (shaders.js), so dragging the colour range does not walk the pyramid again; with a
// software renderer the CPU fills that texture when both axes are reduced (faster there).
// A stack of panels (stack.js) shares that texture, one pyramid per panel at a fixed
// stride, and the one context: every panel is drawn into its rectangle with the same
// pixel tables, only its base offset differs.

import {
  axisBlocks,
  buildStack,
  createPyramidCache,
  pixelRanges,
  reduceImage,
  stackSize,
} from "../data/reduce.js";
import { link, softwareRenderer } from "./shaders.js";
import { coversCanvas, createPanelKey, panelCount, panelsToDraw, wholeCanvas } from "./stack.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./stack.js").Panel} Panel */
/** @typedef {import("../data/reduce.js").PyramidStack} PyramidStack */

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

/** Axes longer than this get their pyramid levels with the matrix (else when first needed). */
const EAGER_LEVELS = 512;
const MAX_INDEX = 2 ** 31 - 1;
/** Texels per upload call: the values and pyramids go up in bands of this many at most. */
const BAND = 1 << 22;

/**
 * Where a linear array of `total` values goes: rows of 2^shift texels, `height` rows.
 * @param {number} total
 * @param {number} maxSize MAX_TEXTURE_SIZE
 * @returns {{ shift: number, width: number, height: number } | null} null if it cannot fit
 */
export function linearLayout(total, maxSize) {
  let shift = 0;
  while (2 << shift <= maxSize && (1 << shift) * (1 << shift) < total) shift++;
  const width = 1 << shift;
  const height = Math.max(1, Math.ceil(total / width));
  return height <= maxSize && total <= MAX_INDEX ? { shift, width, height } : null;
}

/** @typedef {import("./shaders.js").Pass} Pass */

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
  /** float render targets, for the two-pass path (else every draw walks the pyramid) */
  let floatTargets = false;
  const software = softwareRenderer(ctx);
  /** @type {{ rows?: import("../data/reduce.js").AxisBlocks, cols?: import("../data/reduce.js").AxisBlocks, values: Float32Array, pairs: Float32Array }} */
  const cpu = { values: new Float32Array(0), pairs: new Float32Array(0) };
  /** @type {WebGLVertexArrayObject | null} */
  let vao = null;
  /** @type {WebGLFramebuffer | null} */
  let fbo = null;
  /** @type {Record<"values" | "lut" | "rows" | "cols" | "offsets" | "reduced", WebGLTexture | null>} */
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
  /** @type {PyramidStack | null} the pyramids in tex.values (uploaded when a draw reads them) */
  let uploaded = null;
  let shift = 0;
  let lost = false;
  let failed = false;
  /** the latest upload's errors are still to be read */
  let checkPending = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let checkTimer = null;
  const maxTextureSize = /** @type {number} */ (ctx.getParameter(ctx.MAX_TEXTURE_SIZE)) || 0;
  // pixel ranges: lo, hi per device pixel row / column, and what they were made for
  let rowRanges = new Int32Array(0);
  let colRanges = new Int32Array(0);
  let rowLo = new Int32Array(0);
  let rowHi = new Int32Array(0);
  let colLo = new Int32Array(0);
  let colHi = new Int32Array(0);
  let rowsReduced = false;
  let colsReduced = false;
  // what the ranges were made for; `ranges` counts their updates
  let rView0 = NaN;
  let rView1 = NaN;
  let rView2 = NaN;
  let rView3 = NaN;
  let ranges = 0;
  // pass 1's target: its size and what it holds (`ranges`, pyramids and panels: each
  // panel's reduction sits at the panel's place in the canvas)
  let reducedW = 0;
  let reducedH = 0;
  let reducedFor = -1;
  /** @type {unknown} */
  let reducedPyr = null;
  const reducedPanels = createPanelKey();
  const whole = wholeCanvas();

  /** @param {WebGLTexture | null} t */
  function setupTexture(t) {
    ctx.bindTexture(ctx.TEXTURE_2D, t);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_MIN_FILTER, ctx.NEAREST);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_MAG_FILTER, ctx.NEAREST);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_WRAP_S, ctx.CLAMP_TO_EDGE);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_WRAP_T, ctx.CLAMP_TO_EDGE);
  }

  const TEXTURES = /** @type {const} */ (["values", "lut", "rows", "cols", "offsets", "reduced"]);

  function init() {
    passes[0] = link(ctx, 0);
    floatTargets = ctx.getExtension("EXT_color_buffer_float") !== null;
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
    for (const k of TEXTURES) {
      tex[k] = ctx.createTexture();
      setupTexture(tex[k]);
    }
    ctx.pixelStorei(ctx.UNPACK_ALIGNMENT, 1);
  }

  /**
   * @param {number} unit
   * @param {WebGLTexture | null} t
   */
  function bind(unit, t) {
    ctx.activeTexture(ctx.TEXTURE0 + unit);
    ctx.bindTexture(ctx.TEXTURE_2D, t);
  }

  /** Forget earlier GL errors, so that the next getError is about what follows. */
  function clearErrors() {
    for (let i = 0; i < 8 && ctx.getError() !== ctx.NO_ERROR; i++);
  }

  /**
   * Every GL error recorded since the last read, as one message (out of memory first).
   * @returns {string | null}
   */
  function checkErrors() {
    /** @type {number} */
    let first = ctx.NO_ERROR;
    for (let i = 0; i < 8; i++) {
      const err = ctx.getError();
      if (err === ctx.NO_ERROR || ctx.isContextLost()) break;
      if (first === ctx.NO_ERROR || err === ctx.OUT_OF_MEMORY) first = err;
    }
    if (first === ctx.NO_ERROR) return null;
    return first === ctx.OUT_OF_MEMORY
      ? "out of GPU memory for the matrix"
      : `texture upload failed (GL error ${first})`;
  }

  /**
   * Why the data with these pyramid levels cannot be uploaded: too large for a texture.
   * @param {MatrixData} d
   * @param {boolean} withRows
   * @param {boolean} withCols
   * @returns {string | null}
   */
  function fitError(d, withRows, withCols) {
    const panels = panelCount(d);
    if (linearLayout(stackSize(d.rows, d.cols, panels, withRows, withCols), maxTextureSize)) return null;
    const what = withRows || withCols ? ` with ${panels === 1 ? "its" : "their"} zoomed-out levels` : "";
    const x = "\u00d7";
    const matrix =
      panels === 1 ? `matrix ${d.rows}${x}${d.cols}` : `stack of ${panels} ${d.rows}${x}${d.cols} panels`;
    return `${matrix}${what} does not fit a texture (MAX_TEXTURE_SIZE ${maxTextureSize})`;
  }

  /**
   * Upload a stack's pyramids into tex.values (and their level offsets). Its GL errors are
   * read later (verifyUpload): getError waits for the GPU process to finish the upload,
   * which would hold up the frame that needs it.
   * @param {PyramidStack} st
   * @returns {string | null} why it cannot be
   */
  function upload(st) {
    const d = /** @type {MatrixData} */ (data);
    const L = linearLayout(st.total, maxTextureSize);
    if (!L) return /** @type {string} */ (fitError(d, st.rowLevels, st.colLevels));
    bind(0, tex.values);
    writeStack(st, L);
    bind(4, tex.offsets);
    const nb = st.topB + 1;
    const na = st.topA + 1;
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.R32I, nb, na, 0, ctx.RED_INTEGER, ctx.INT, st.offsets);
    uploaded = st;
    shift = L.shift;
    checkPending = true;
    if (checkTimer === null) checkTimer = setTimeout(onCheckTimer, 0);
    return null;
  }

  function onCheckTimer() {
    checkTimer = null;
    if (checkPending && !lost && !failed) verifyUpload();
  }

  /**
   * Read the latest upload's errors; when it failed, free the texture (so that the canvas
   * fallback has the memory) and tell the caller to use another renderer.
   * @returns {boolean} false when it failed
   */
  function verifyUpload() {
    checkPending = false;
    const err = checkErrors();
    if (!err) return true;
    freeValues();
    failed = true;
    events.failed(err);
    return false;
  }

  /** Shrink tex.values to one texel (its data are not needed any more). */
  function freeValues() {
    uploaded = null;
    bind(0, tex.values);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.R32F, 1, 1, 0, ctx.RED, ctx.FLOAT, null);
  }

  /**
   * Make tex.values hold what a draw reads, uploading it if it does not yet: `st` when an
   * axis is reduced; else any stack of the data (each pixel reads one cell of level 0),
   * the values alone when there is none yet, unless the data get their levels at once
   * (EAGER_LEVELS). A failure is reported.
   * @param {PyramidStack} st the data's pyramids
   * @param {boolean} reduced
   * @returns {PyramidStack | null} what tex.values holds; null when it cannot be uploaded
   */
  function useValues(st, reduced) {
    if (uploaded && (uploaded === st || !reduced)) return uploaded;
    const d = /** @type {MatrixData} */ (data);
    const eager = d.rows > EAGER_LEVELS || d.cols > EAGER_LEVELS;
    const want = reduced || eager ? st : buildStack(d.values, d.rows, d.cols, panelCount(d), false, false);
    const err = upload(want);
    if (!err) return want;
    failed = true;
    events.failed(err);
    return null;
  }

  /**
   * Define tex.values (bound) as the stack's levels laid end to end in rows of L.width
   * texels: each panel's levels in order, panel after panel, with nothing between them.
   * In bands of up to BAND texels, each one call: a band inside one level goes up from
   * that level's array, others are gathered into one buffer first.
   * @param {PyramidStack} st
   * @param {{ shift: number, width: number, height: number }} L
   */
  function writeStack(st, L) {
    const W = L.width;
    const bandRows = Math.max(1, Math.floor(BAND / W));
    const whole = L.height <= bandRows;
    if (!whole) ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.R32F, W, L.height, 0, ctx.RED, ctx.FLOAT, null);
    /** @type {Float32Array | null} */
    let buf = null;
    // the pieces in order: level k of panel `panel`, or the whole stack when only the
    // values are (one array, panel-major)
    const nk = st.offsets.length;
    const panels = nk === 1 ? 1 : st.panels;
    let panel = 0;
    let k = 0;
    let at = 0; // next value of the piece
    let piece = nk === 1 ? st.values : st.pyramids[0].levels[0];
    /** @param {number} n */
    const skip = (n) => {
      at += n;
      while (at >= piece.length && panel < panels) {
        at -= piece.length;
        if (++k === nk) {
          k = 0;
          panel++;
        }
        if (panel < panels) piece = st.pyramids[panel].levels[k];
      }
    };
    for (let y = 0; y < L.height; y += bandRows) {
      const rows = Math.min(bandRows, L.height - y);
      const n = Math.min(rows * W, st.total - y * W);
      /** @type {Float32Array} */
      let src;
      let from = at;
      if (n === rows * W && piece.length - at >= n) {
        src = piece;
        skip(n);
      } else {
        if (!buf) buf = new Float32Array(Math.min(bandRows, L.height) * W);
        for (let o = 0; o < n;) {
          const m = Math.min(piece.length - at, n - o);
          buf.set(piece.subarray(at, at + m), o);
          o += m;
          skip(m);
        }
        buf.fill(0, n, rows * W);
        src = buf;
        from = 0;
      }
      if (whole) ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.R32F, W, rows, 0, ctx.RED, ctx.FLOAT, src, from);
      else ctx.texSubImage2D(ctx.TEXTURE_2D, 0, 0, y, W, rows, ctx.RED, ctx.FLOAT, src, from);
    }
  }

  function uploadLut() {
    if (!lut || lost) return;
    bind(1, tex.lut);
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
    if (same && rowLo.length === h && colLo.length === w) return;
    if (rowLo.length !== h) {
      rowLo = new Int32Array(h);
      rowHi = new Int32Array(h);
      rowRanges = new Int32Array(2 * h);
    }
    if (colLo.length !== w) {
      colLo = new Int32Array(w);
      colHi = new Int32Array(w);
      colRanges = new Int32Array(2 * w);
    }
    rowsReduced = pixelRanges(view.row0, view.row1, d.rows, rowLo, rowHi);
    colsReduced = pixelRanges(view.col0, view.col1, d.cols, colLo, colHi);
    for (let i = 0; i < h; i++) {
      rowRanges[2 * i] = rowLo[i];
      rowRanges[2 * i + 1] = rowHi[i];
    }
    for (let i = 0; i < w; i++) {
      colRanges[2 * i] = colLo[i];
      colRanges[2 * i + 1] = colHi[i];
    }
    bind(2, tex.rows);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RG32I, h, 1, 0, ctx.RG_INTEGER, ctx.INT, rowRanges);
    bind(3, tex.cols);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RG32I, w, 1, 0, ctx.RG_INTEGER, ctx.INT, colRanges);
    rView0 = view.row0;
    rView1 = view.row1;
    rView2 = view.col0;
    rView3 = view.col1;
    ranges++;
  }

  /** Forget the ranges (a new matrix). */
  function staleRanges() {
    rView0 = NaN;
    reducedFor = -1;
    reducedPanels.clear();
  }

  /**
   * Uniforms that say where the values are (passes 0 and 1).
   * @param {Pass} p
   * @param {PyramidStack} st
   * @param {number} h
   */
  function valueUniforms(p, st, h) {
    ctx.uniform1i(p.loc.uShift, shift);
    ctx.uniform1i(p.loc.uCols, st.cols);
    ctx.uniform1i(p.loc.uTopA, st.topA);
    ctx.uniform1i(p.loc.uTopB, st.topB);
    ctx.uniform1i(p.loc.uHeight, h);
  }

  /**
   * Point the bound pass at one panel: its viewport, corner and (passes 0, 1) base offset.
   * @param {Pass} p
   * @param {Panel} panel
   * @param {number} H drawing buffer height
   * @param {number} w width drawn (the panel's, or less in pass 1's target)
   * @param {number} h
   * @param {number} stride values per panel, or -1 (pass 2 has no values)
   */
  function panelUniforms(p, panel, H, w, h, stride) {
    const oy = H - panel.y - panel.h;
    ctx.uniform2i(p.loc.uOrigin, panel.x, oy);
    if (stride >= 0) ctx.uniform1i(p.loc.uBase, panel.index * stride);
    ctx.viewport(panel.x, oy, w, h);
  }

  /**
   * @param {Pass} p
   * @param {ColorScale} scale
   */
  function colourUniforms(p, scale) {
    ctx.uniform3f(p.loc.uRange, scale.vmin, scale.vmax, scale.center ?? 0);
    ctx.uniform1i(p.loc.uCentered, scale.center === null ? 0 : 1);
    ctx.uniform3f(p.loc.uNan, scale.nan[0] / 255, scale.nan[1] / 255, scale.nan[2] / 255);
  }

  function drawTriangle() {
    ctx.bindVertexArray(vao);
    ctx.drawArrays(ctx.TRIANGLES, 0, 3);
    ctx.bindVertexArray(null);
  }

  /**
   * Pass 1: the strongest values of every panel into tex.reduced, each at its panel's
   * place (when they are not there already).
   * @param {PyramidStack} st
   * @param {Panel[]} list
   * @param {number} H drawing buffer height
   * @param {number} w panel width
   * @param {number} h panel height
   * @param {number} firstRow first matrix row shown, or -1 when rows are reduced
   * @param {number} firstCol
   * @returns {boolean} false when the float target is unusable (true with `failed` set when
   *   the values could not be uploaded for pass 1)
   */
  function reduce(st, list, H, w, h, firstRow, firstCol) {
    if (reducedFor === ranges && reducedPyr === st && reducedPanels.same(list)) return true;
    const tw = firstCol < 0 ? w : colLo[w - 1] - firstCol + 1;
    const th = firstRow < 0 ? h : rowLo[h - 1] - firstRow + 1;
    // the target reaches the panels' corners plus what each holds (its whole size for one
    // panel filling the canvas, as before panels)
    let needW = 0;
    let needH = 0;
    for (const panel of list) {
      needW = Math.max(needW, panel.x + tw);
      needH = Math.max(needH, H - panel.y - panel.h + th);
    }
    ctx.bindFramebuffer(ctx.FRAMEBUFFER, fbo);
    if (needW !== reducedW || needH !== reducedH) {
      bind(5, tex.reduced);
      ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RG32F, needW, needH, 0, ctx.RG, ctx.FLOAT, null);
      ctx.framebufferTexture2D(ctx.FRAMEBUFFER, ctx.COLOR_ATTACHMENT0, ctx.TEXTURE_2D, tex.reduced, 0);
      reducedW = needW;
      reducedH = needH;
      if (ctx.checkFramebufferStatus(ctx.FRAMEBUFFER) !== ctx.FRAMEBUFFER_COMPLETE) {
        ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
        floatTargets = false;
        return false;
      }
    }
    if (software && firstRow < 0 && firstCol < 0) {
      ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
      // every panel has the same pixel ranges and levels: the same blocks
      cpu.rows = axisBlocks(rowLo, rowHi, st.topA, cpu.rows);
      cpu.cols = axisBlocks(colLo, colHi, st.topB, cpu.cols);
      for (const panel of list) reduceOnCpu(st.pyramids[panel.index], panel.x, H - panel.y - h, tw, th);
    } else {
      if (!useValues(st, true)) {
        ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
        return true; // the caller sees `failed`
      }
      bind(5, null); // the target must not be bound for sampling while drawn into
      const p = /** @type {Pass} */ (passes[1]);
      ctx.useProgram(p.program);
      valueUniforms(p, st, h);
      ctx.uniform2i(p.loc.uFirst, firstRow, firstCol);
      for (const panel of list) {
        panelUniforms(p, panel, H, tw, th, st.stride);
        drawTriangle();
      }
      ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
    }
    reducedFor = ranges;
    reducedPyr = st;
    reducedPanels.set(list);
    return true;
  }

  /**
   * Pass 1 of one panel on the CPU (software rendering, both axes reduced; cpu.rows and
   * cpu.cols made): the same values, uploaded at (x, y) of the target.
   * @param {import("../data/reduce.js").Pyramid} pyr the panel's pyramid
   * @param {number} x
   * @param {number} y
   * @param {number} w
   * @param {number} h
   */
  function reduceOnCpu(pyr, x, y, w, h) {
    const rows = /** @type {import("../data/reduce.js").AxisBlocks} */ (cpu.rows);
    const cols = /** @type {import("../data/reduce.js").AxisBlocks} */ (cpu.cols);
    if (cpu.values.length !== w * h) {
      cpu.values = new Float32Array(w * h);
      cpu.pairs = new Float32Array(2 * w * h);
    }
    reduceImage(pyr, rows, cols, cpu.values);
    // pass 1's format: the value and whether there is one (rows from the bottom, as drawn)
    const { values, pairs } = cpu;
    for (let j = 0; j < h; j++) {
      const src = (h - 1 - j) * w;
      for (let i = 0, o = 2 * j * w; i < w; i++, o += 2) {
        const v = values[src + i];
        const found = v === v;
        pairs[o] = found ? v : 0;
        pairs[o + 1] = found ? 1 : 0;
      }
    }
    bind(5, tex.reduced);
    ctx.texSubImage2D(ctx.TEXTURE_2D, 0, x, y, w, h, ctx.RG, ctx.FLOAT, pairs);
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
      if (checkPending) {
        // the earlier matrix's upload no longer matters
        checkPending = false;
        clearErrors();
      }
      if (uploaded) freeValues();
      rowLevels = d.rows > EAGER_LEVELS;
      colLevels = d.cols > EAGER_LEVELS;
      const err = fitError(d, rowLevels, colLevels);
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
      if (checkPending && !verifyUpload()) return;
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
      if ((rowsReduced && !rowLevels) || (colsReduced && !colLevels)) {
        const err = fitError(data, rowLevels || rowsReduced, colLevels || colsReduced);
        if (err) {
          failed = true;
          events.failed(err);
          return;
        }
        rowLevels ||= rowsReduced;
        colLevels ||= colsReduced;
        current = null;
      }
      if (!current) {
        current = pyramids.stack(data.values, data.rows, data.cols, panelCount(data), rowLevels, colLevels);
        // the cache may hold more levels (built for another renderer): keep them
        rowLevels = current.rowLevels;
        colLevels = current.colLevels;
      }
      const st = current;
      bind(0, tex.values);
      bind(1, tex.lut);
      bind(2, tex.rows);
      bind(3, tex.cols);
      bind(4, tex.offsets);
      const firstRow = rowsReduced ? -1 : rowLo[0];
      const firstCol = colsReduced ? -1 : colLo[0];
      if (floatTargets && (rowsReduced || colsReduced) && reduce(st, list, H, w, h, firstRow, firstCol)) {
        if (failed) return;
        const p = /** @type {Pass} */ (passes[2]);
        ctx.useProgram(p.program);
        bind(5, tex.reduced);
        ctx.uniform1i(p.loc.uHeight, h);
        ctx.uniform2i(p.loc.uFirst, firstRow, firstCol);
        colourUniforms(p, scale);
        for (const panel of list) {
          panelUniforms(p, panel, H, w, h, -1);
          drawTriangle();
        }
      } else {
        const t = useValues(st, rowsReduced || colsReduced);
        if (!t) return;
        const p = /** @type {Pass} */ (passes[0]);
        ctx.useProgram(p.program);
        valueUniforms(p, t, h);
        colourUniforms(p, scale);
        for (const panel of list) {
          panelUniforms(p, panel, H, w, h, t.stride);
          drawTriangle();
        }
      }
    },
    destroy() {
      canvas.removeEventListener("webglcontextlost", onLost);
      if (checkTimer !== null) clearTimeout(checkTimer);
      checkTimer = null;
      checkPending = false;
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
      uploaded = current = null;
      accepted = false;
      staleRanges();
      reducedPyr = null;
      cpu.rows = cpu.cols = undefined;
      cpu.values = cpu.pairs = new Float32Array(0);
      // a zero-sized canvas holds no drawing buffer, even before it is collected
      canvas.width = canvas.height = 0;
    },
  };
  return { renderer };
}
