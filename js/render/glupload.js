// The values texture of the WebGL2 renderer (gl.js). The matrix and its max-|v| pyramid
// (reduce.js) are laid end to end in one R32F texture read by linear index (rows of 2^k
// texels), so a matrix of any shape fits as long as its values do. They go up in the first
// draw that reads them, in bands of a few large calls, and their GL errors are read after
// that frame: getError waits for the GPU process to finish the upload, which would hold up
// the frame that needs it. Also the renderer's textures themselves and GL error reading.

import { buildStack, stackSize } from "../data/reduce.js";
import { panelCount } from "./stack.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("../data/reduce.js").PyramidStack} PyramidStack */

/** Axes longer than this get their pyramid levels with the matrix (else when first needed). */
export const EAGER_LEVELS = 512;
const MAX_INDEX = 2 ** 31 - 1;
/** Texels per upload call: the values and pyramids go up in bands of this many at most. */
const BAND = 1 << 22;

export const TEXTURES = /** @type {const} */ (["values", "lut", "rows", "cols", "offsets", "reduced"]);

/** @typedef {Record<(typeof TEXTURES)[number], WebGLTexture | null>} Textures */

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

/**
 * Create every texture of the renderer into `tex`, sampled texel by texel.
 * @param {WebGL2RenderingContext} ctx
 * @param {Textures} tex
 */
export function createTextures(ctx, tex) {
  for (const k of TEXTURES) {
    tex[k] = ctx.createTexture();
    ctx.bindTexture(ctx.TEXTURE_2D, tex[k]);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_MIN_FILTER, ctx.NEAREST);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_MAG_FILTER, ctx.NEAREST);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_WRAP_S, ctx.CLAMP_TO_EDGE);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_WRAP_T, ctx.CLAMP_TO_EDGE);
  }
}

/**
 * @param {WebGL2RenderingContext} ctx
 * @param {number} unit
 * @param {WebGLTexture | null} t
 */
export function bind(ctx, unit, t) {
  ctx.activeTexture(ctx.TEXTURE0 + unit);
  ctx.bindTexture(ctx.TEXTURE_2D, t);
}

/**
 * Forget earlier GL errors, so that the next getError is about what follows.
 * @param {WebGL2RenderingContext} ctx
 */
function clearErrors(ctx) {
  for (let i = 0; i < 8 && ctx.getError() !== ctx.NO_ERROR; i++);
}

/**
 * Every GL error recorded since the last read, as one message (out of memory first).
 * @param {WebGL2RenderingContext} ctx
 * @returns {string | null}
 */
function checkErrors(ctx) {
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
 * @param {number} maxTextureSize
 * @returns {string | null}
 */
export function fitError(d, withRows, withCols, maxTextureSize) {
  const panels = panelCount(d);
  if (linearLayout(stackSize(d.rows, d.cols, panels, withRows, withCols), maxTextureSize)) return null;
  const what = withRows || withCols ? ` with ${panels === 1 ? "its" : "their"} zoomed-out levels` : "";
  const x = "\u00d7";
  const matrix =
    panels === 1 ? `matrix ${d.rows}${x}${d.cols}` : `stack of ${panels} ${d.rows}${x}${d.cols} panels`;
  return `${matrix}${what} does not fit a texture (MAX_TEXTURE_SIZE ${maxTextureSize})`;
}

/**
 * Define the bound texture as the stack's levels laid end to end in rows of L.width
 * texels: each panel's levels in order, panel after panel, with nothing between them.
 * In bands of up to BAND texels, each one call: a band inside one level goes up from
 * that level's array, others are gathered into one buffer first.
 * @param {WebGL2RenderingContext} ctx
 * @param {PyramidStack} st
 * @param {{ shift: number, width: number, height: number }} L
 */
function writeStack(ctx, st, L) {
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

/**
 * What tex.values (unit 0) and tex.offsets (unit 4) hold, uploaded when a draw reads it.
 * @param {WebGL2RenderingContext} ctx
 * @param {Textures} tex
 * @param {number} maxTextureSize
 * @param {{ live: () => boolean, fail: (why: string) => void }} hooks whether the renderer
 *   still draws (errors are not read after it lost its context or failed); fail it, so
 *   that the caller uses another renderer
 */
export function createValues(ctx, tex, maxTextureSize, hooks) {
  /** @type {MatrixData | null} */
  let data = null;
  /** @type {PyramidStack | null} the pyramids in tex.values */
  let uploaded = null;
  let shift = 0;
  /** the latest upload's errors are still to be read */
  let checkPending = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let checkTimer = null;

  /**
   * Upload a stack's pyramids into tex.values (and their level offsets). Its GL errors are
   * read later (verify).
   * @param {PyramidStack} st
   * @returns {string | null} why it cannot be
   */
  function upload(st) {
    const d = /** @type {MatrixData} */ (data);
    const L = linearLayout(st.total, maxTextureSize);
    if (!L) return /** @type {string} */ (fitError(d, st.rowLevels, st.colLevels, maxTextureSize));
    bind(ctx, 0, tex.values);
    writeStack(ctx, st, L);
    bind(ctx, 4, tex.offsets);
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
    if (checkPending && hooks.live()) verifyUpload();
  }

  /**
   * Read the latest upload's errors; when it failed, free the texture (so that the canvas
   * fallback has the memory) and fail the renderer.
   * @returns {boolean} false when it failed
   */
  function verifyUpload() {
    checkPending = false;
    const err = checkErrors(ctx);
    if (!err) return true;
    freeValues();
    hooks.fail(err);
    return false;
  }

  /** Shrink tex.values to one texel (its data are not needed any more). */
  function freeValues() {
    uploaded = null;
    bind(ctx, 0, tex.values);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.R32F, 1, 1, 0, ctx.RED, ctx.FLOAT, null);
  }

  return {
    /** rows of 2^shift texels in tex.values */
    get shift() {
      return shift;
    },
    /**
     * New data: what tex.values holds and any error of its upload no longer matter.
     * @param {MatrixData} d
     */
    setData(d) {
      data = d;
      if (checkPending) {
        checkPending = false;
        clearErrors(ctx);
      }
      if (uploaded) freeValues();
    },
    /**
     * Read a pending upload's errors before a draw uses it.
     * @returns {boolean} false when it failed
     */
    verify() {
      return !checkPending || verifyUpload();
    },
    /**
     * Make tex.values hold what a draw reads, uploading it if it does not yet: `st` when
     * an axis is reduced; else any stack of the data (each pixel reads one cell of level
     * 0), the values alone when there is none yet, unless the data get their levels at
     * once (EAGER_LEVELS). A failure is reported.
     * @param {PyramidStack} st the data's pyramids
     * @param {boolean} reduced
     * @returns {PyramidStack | null} what tex.values holds; null when it cannot be uploaded
     */
    use(st, reduced) {
      if (uploaded && (uploaded === st || !reduced)) return uploaded;
      const d = /** @type {MatrixData} */ (data);
      const eager = d.rows > EAGER_LEVELS || d.cols > EAGER_LEVELS;
      const want = reduced || eager ? st : buildStack(d.values, d.rows, d.cols, panelCount(d), false, false);
      const err = upload(want);
      if (!err) return want;
      hooks.fail(err);
      return null;
    },
    destroy() {
      if (checkTimer !== null) clearTimeout(checkTimer);
      checkTimer = null;
      checkPending = false;
      data = uploaded = null;
    },
  };
}
