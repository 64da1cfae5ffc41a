// Drawing the passes of shaders.js for the WebGL2 renderer (gl.js): their uniforms and one
// draw per panel, and the two-pass path used zoomed out. There the strongest values are
// reduced once per view into a float texture (pass 1) and coloured from there (pass 2),
// so dragging the colour range does not walk the pyramid again; with a software renderer
// the CPU fills that texture when both axes are reduced (faster there). Every panel's
// reduction sits at the panel's place in the target, so pass 2 reads it at its corner.

import { axisBlocks } from "../data/reduce.js";
import { createViewImages } from "../data/viewimage.js";
import { bind } from "./glupload.js";
import { createPanelKey } from "./stack.js";

/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./stack.js").Panel} Panel */
/** @typedef {import("./shaders.js").Pass} Pass */
/** @typedef {import("./glupload.js").Textures} Textures */
/** @typedef {import("../data/reduce.js").PyramidStack} PyramidStack */
/** @typedef {import("../data/reduce.js").AxisBlocks} AxisBlocks */

/**
 * Which cells each device pixel row / column of a panel shows (reduce.js's pixelRanges):
 * first and last index, whether the axis is reduced, and `count`, bumped on every change.
 * @typedef {Object} PixelTables
 * @property {Int32Array} rowLo
 * @property {Int32Array} rowHi
 * @property {Int32Array} colLo
 * @property {Int32Array} colHi
 * @property {boolean} rowsReduced
 * @property {boolean} colsReduced
 * @property {boolean} rowLevels some pixel covers enough rows to read pyramid levels
 *   (reduce.js's needsLevels)
 * @property {boolean} colLevels
 * @property {number} count
 */

/**
 * Uniforms that say where the values are (passes 0 and 1).
 * @param {WebGL2RenderingContext} ctx
 * @param {Pass} p
 * @param {PyramidStack} st
 * @param {number} shift rows of 2^shift texels in the values texture
 * @param {number} h
 */
export function valueUniforms(ctx, p, st, shift, h) {
  ctx.uniform1i(p.loc.uShift, shift);
  ctx.uniform1i(p.loc.uCols, st.cols);
  ctx.uniform1i(p.loc.uTopA, st.topA);
  ctx.uniform1i(p.loc.uTopB, st.topB);
  ctx.uniform1i(p.loc.uHeight, h);
}

/**
 * @param {WebGL2RenderingContext} ctx
 * @param {Pass} p
 * @param {ColorScale} scale
 */
export function colourUniforms(ctx, p, scale) {
  ctx.uniform3f(p.loc.uRange, scale.vmin, scale.vmax, scale.center ?? 0);
  ctx.uniform1i(p.loc.uCentered, scale.center === null ? 0 : 1);
  ctx.uniform3f(p.loc.uNan, scale.nan[0] / 255, scale.nan[1] / 255, scale.nan[2] / 255);
}

/**
 * Draw the bound pass once per panel: into its viewport, with its corner and (passes 0,
 * 1) base offset.
 * @param {WebGL2RenderingContext} ctx
 * @param {WebGLVertexArrayObject | null} vao
 * @param {Pass} p
 * @param {Panel[]} list
 * @param {number} H drawing buffer height
 * @param {number} w width drawn (the panel's, or less in pass 1's target)
 * @param {number} h
 * @param {number} stride values per panel, or -1 (pass 2 has no values)
 */
export function drawPanels(ctx, vao, p, list, H, w, h, stride) {
  for (const panel of list) {
    const oy = H - panel.y - panel.h;
    ctx.uniform2i(p.loc.uOrigin, panel.x, oy);
    if (stride >= 0) ctx.uniform1i(p.loc.uBase, panel.index * stride);
    ctx.viewport(panel.x, oy, w, h);
    ctx.bindVertexArray(vao);
    ctx.drawArrays(ctx.TRIANGLES, 0, 3);
    ctx.bindVertexArray(null);
  }
}

/**
 * The two-pass path: pass 1 into tex.reduced (through `fbo`), pass 2 from there.
 * @param {WebGL2RenderingContext} ctx
 * @param {{ reduce: Pass, resolve: Pass, fbo: WebGLFramebuffer | null, vao: WebGLVertexArrayObject | null,
 *   tex: Textures, software: boolean, px: PixelTables,
 *   values: { readonly shift: number, use: (st: PyramidStack, reduced: boolean) => PyramidStack | null } }} gl
 *   the renderer's programs, objects, pixel tables and values texture
 */
export function createTwoPass(ctx, gl) {
  const { fbo, vao, tex, px } = gl;
  /** @type {{ rows?: AxisBlocks, cols?: AxisBlocks, pairs: Float32Array }} */
  const cpu = { pairs: new Float32Array(0) };
  // each panel's values on the CPU path, kept across views (a pan reduces only new pixels)
  const images = createViewImages();
  // the target: its size and what it holds (`px.count`, pyramids and panels)
  let reducedW = 0;
  let reducedH = 0;
  let reducedFor = -1;
  /** @type {unknown} */
  let reducedPyr = null;
  const reducedPanels = createPanelKey();

  /** Forget what the target holds (new pixel tables or matrix). */
  function stale() {
    reducedFor = -1;
    reducedPanels.clear();
  }

  /**
   * Pass 1 of one panel on the CPU (software rendering, both axes reduced; cpu.rows and
   * cpu.cols made): the same values, uploaded at (x, y) of the target.
   * @param {import("../data/reduce.js").Pyramid} pyr the panel's pyramid
   * @param {number} index the panel's
   * @param {number} x
   * @param {number} y
   * @param {number} w
   * @param {number} h
   */
  function reduceOnCpu(pyr, index, x, y, w, h) {
    const rows = /** @type {AxisBlocks} */ (cpu.rows);
    const cols = /** @type {AxisBlocks} */ (cpu.cols);
    if (cpu.pairs.length !== 2 * w * h) cpu.pairs = new Float32Array(2 * w * h);
    const values = images.image(pyr, index, rows, cols);
    // pass 1's format: the value and whether there is one (rows from the bottom, as drawn)
    const { pairs } = cpu;
    for (let j = 0; j < h; j++) {
      const src = (h - 1 - j) * w;
      for (let i = 0, o = 2 * j * w; i < w; i++, o += 2) {
        const v = values[src + i];
        const found = v === v;
        pairs[o] = found ? v : 0;
        pairs[o + 1] = found ? 1 : 0;
      }
    }
    bind(ctx, 5, tex.reduced);
    ctx.texSubImage2D(ctx.TEXTURE_2D, 0, x, y, w, h, ctx.RG, ctx.FLOAT, pairs);
  }

  return {
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
     * @returns {boolean} false when the float target is unusable (true, with the renderer
     *   failed, when the values could not be uploaded for pass 1)
     */
    reduce(st, list, H, w, h, firstRow, firstCol) {
      if (reducedFor === px.count && reducedPyr === st && reducedPanels.same(list)) return true;
      const tw = firstCol < 0 ? w : px.colLo[w - 1] - firstCol + 1;
      const th = firstRow < 0 ? h : px.rowLo[h - 1] - firstRow + 1;
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
        bind(ctx, 5, tex.reduced);
        ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RG32F, needW, needH, 0, ctx.RG, ctx.FLOAT, null);
        ctx.framebufferTexture2D(ctx.FRAMEBUFFER, ctx.COLOR_ATTACHMENT0, ctx.TEXTURE_2D, tex.reduced, 0);
        reducedW = needW;
        reducedH = needH;
        if (ctx.checkFramebufferStatus(ctx.FRAMEBUFFER) !== ctx.FRAMEBUFFER_COMPLETE) {
          ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
          return false;
        }
      }
      if (gl.software && firstRow < 0 && firstCol < 0) {
        ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
        // every panel has the same pixel ranges and levels: the same blocks
        cpu.rows = axisBlocks(px.rowLo, px.rowHi, st.topA, cpu.rows);
        cpu.cols = axisBlocks(px.colLo, px.colHi, st.topB, cpu.cols);
        for (const panel of list) {
          reduceOnCpu(st.pyramids[panel.index], panel.index, panel.x, H - panel.y - h, tw, th);
        }
      } else {
        if (!gl.values.use(st, true)) {
          ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
          return true; // the caller sees the renderer failed
        }
        bind(ctx, 5, null); // the target must not be bound for sampling while drawn into
        const p = gl.reduce;
        ctx.useProgram(p.program);
        valueUniforms(ctx, p, st, gl.values.shift, h);
        ctx.uniform2i(p.loc.uFirst, firstRow, firstCol);
        drawPanels(ctx, vao, p, list, H, tw, th, st.stride);
        ctx.bindFramebuffer(ctx.FRAMEBUFFER, null);
      }
      reducedFor = px.count;
      reducedPyr = st;
      reducedPanels.set(list);
      return true;
    },
    /**
     * Pass 2: colour every panel from its place in tex.reduced.
     * @param {Panel[]} list
     * @param {number} H drawing buffer height
     * @param {number} w panel width
     * @param {number} h panel height
     * @param {number} firstRow as for reduce
     * @param {number} firstCol
     * @param {ColorScale} scale
     */
    resolve(list, H, w, h, firstRow, firstCol, scale) {
      const p = gl.resolve;
      ctx.useProgram(p.program);
      bind(ctx, 5, tex.reduced);
      ctx.uniform1i(p.loc.uHeight, h);
      ctx.uniform2i(p.loc.uFirst, firstRow, firstCol);
      colourUniforms(ctx, p, scale);
      drawPanels(ctx, vao, p, list, H, w, h, -1);
    },
    stale,
    destroy() {
      stale();
      reducedPyr = null;
      cpu.rows = cpu.cols = undefined;
      cpu.pairs = new Float32Array(0);
      images.clear();
    },
  };
}
