// Which renderer draws the cells: WebGL2 when it can, else the canvas 2D fallback (forced,
// unavailable, matrix too large for a texture, no WebGL context to spare, or after the
// context was lost). Keeps track of what each renderer has been handed, so data and LUT are
// uploaded only when they change, and keeps exactly one `.tokenheat-cells` canvas.
//
// Browsers keep about 16 live WebGL contexts per page and silently drop the oldest (in
// Chromium for good: a dropped context is not restored). So views share a page-wide pool
// of at most MAX_CONTEXTS contexts: a view that needs one while the pool is full takes it
// from the view that left the screen longest ago, which then draws with canvas 2D. An
// IntersectionObserver tells which views are on screen; a view coming back on screen
// without a context (taken, or lost) gets a fresh canvas and context and redraws.
//
// A page's first WebGL context is slow to make (20-160 ms: the GPU process's channel,
// then compiling the shaders, and with software rendering that work competes with the
// kernel and the page for the CPU), so until a view of the page has made one, a view
// draws its first frame with canvas 2D and takes its context once that frame is shown.
// Both renderers draw the same pixels, so the switch is not seen.

import { createCanvasRenderer } from "./canvas2d.js";
import { createGLRenderer } from "./gl.js";
import { createPyramidCache } from "../data/reduce.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./gl.js").Renderer} Renderer */

/**
 * A renderer and what has been handed to it.
 * @typedef {{ r: Renderer, data: MatrixData | null, lut: number }} Slot
 */

/**
 * One view's place in the page-wide pool of WebGL contexts.
 * @typedef {Object} PoolEntry
 * @property {boolean} hasContext
 * @property {boolean | null} visible on screen (or nearly); null until first observed
 * @property {number} seen when it was last on screen (or was created)
 * @property {() => void} release give up the context (draw with canvas 2D)
 * @property {() => void} wake a context became free: take one if on screen and waiting
 */

/** Live tokenheat WebGL contexts per page; the rest of the browser's ~16 stay for others. */
export const MAX_CONTEXTS = 8;
/** A view this close to the viewport counts as on screen (it gets a context early). */
const NEAR = "256px";
/** Page-wide (all copies of this module share it); versioned in case its shape changes. */
const POOL_KEY = "__tokenheatContextPool1";

/**
 * The page's views, and whether one of them made a WebGL context (`warm`).
 * @returns {{ entries: Set<PoolEntry>, warm?: boolean }}
 */
function pool() {
  const g = /** @type {any} */ (globalThis);
  if (!g[POOL_KEY]) g[POOL_KEY] = { entries: new Set() };
  return g[POOL_KEY];
}

/**
 * Make room for one more context: true when there is a free one, or (for a view on
 * screen) one was taken from the view that left the screen longest ago; false when every
 * holder is on screen, or `self` is not known to be.
 * @param {PoolEntry} self
 * @returns {boolean}
 */
function reserveContext(self) {
  let live = 0;
  /** @type {PoolEntry | null} */
  let victim = null;
  for (const e of pool().entries) {
    if (e === self || !e.hasContext) continue;
    live++;
    if (e.visible === false && (!victim || e.seen < victim.seen)) victim = e;
  }
  if (live < MAX_CONTEXTS) return true;
  if (!victim || self.visible !== true) return false;
  victim.release();
  return true;
}

/**
 * @param {HTMLElement} parent where the cells canvas goes
 * @param {HTMLElement} before the element it goes before (the overlay)
 * @param {boolean} forceCanvas never try WebGL2
 * @param {() => void} redraw called when the renderer changes outside a draw (context lost,
 *   taken, or available again)
 */
export function createCells(parent, before, forceCanvas, redraw) {
  /** @type {Slot | null} */
  let gl = null;
  /** @type {Slot | null} */
  let fallback = null;
  /** @type {string | null} why WebGL2 is not used at all (forced, unavailable) */
  let glBlocked = forceCanvas ? "forced by __tokenheatForceCanvas2d" : null;
  /** @type {MatrixData | null} data the WebGL renderer could not take */
  let glRejected = null;
  /** false after the context was lost, until the view comes on screen again */
  let wantGL = true;
  /** the first frame is drawn with canvas 2D (no context made in this page yet) */
  let glLater = !glBlocked && !pool().warm;
  /** the frame, then the task after it, until WebGL may be tried */
  let laterFrame = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let laterTask = null;
  const pyramids = createPyramidCache();

  /** @type {PoolEntry} */
  const entry = {
    hasContext: false,
    visible: null,
    seen: performance.now(),
    release() {
      dropGL();
      redraw();
    },
    wake() {
      if (!gl && !glBlocked && wantGL && entry.visible) redraw();
    },
  };
  pool().entries.add(entry);

  const observer =
    typeof IntersectionObserver === "undefined"
      ? null
      : new IntersectionObserver(
          (records) => {
            const was = entry.visible;
            entry.visible = records[records.length - 1].isIntersecting;
            entry.seen = performance.now();
            if (!entry.visible || gl || glBlocked) return;
            if (was !== true) wantGL = true; // back on screen: try a fresh context
            if (wantGL) redraw();
          },
          { rootMargin: NEAR },
        );
  observer?.observe(parent);

  /** Try WebGL once the frame drawn with canvas 2D has been shown (after that frame). */
  function glAfterFirstFrame() {
    laterFrame = requestAnimationFrame(() => {
      laterFrame = 0;
      laterTask = setTimeout(() => {
        laterTask = null;
        glLater = false;
        redraw();
      }, 0);
    });
  }

  function newCanvas() {
    const c = document.createElement("canvas");
    c.className = "tokenheat-cells";
    parent.insertBefore(c, before);
    return c;
  }

  /**
   * @param {Slot} slot
   * @param {MatrixData} data
   * @param {Uint8Array} lut
   * @param {number} lutVersion
   * @returns {string | null}
   */
  function sync(slot, data, lut, lutVersion) {
    if (slot.data !== data) {
      const err = slot.r.setData(data);
      slot.data = data;
      if (err) return err;
    }
    if (slot.lut !== lutVersion) {
      slot.r.setLut(lut);
      slot.lut = lutVersion;
    }
    return null;
  }

  function dropGL() {
    if (!gl) return;
    gl.r.destroy();
    gl.r.canvas.remove();
    gl = null;
    entry.hasContext = false;
  }

  function dropFallback() {
    if (!fallback) return;
    fallback.r.destroy();
    fallback.r.canvas.remove();
    fallback = null;
  }

  // A lost context is not coming back (Chromium does not restore the ones it drops): draw
  // with canvas 2D at once; a fresh context waits until the view is on screen again, so
  // that views never take contexts from each other in a loop.
  function onLost() {
    console.warn("tokenheat: the WebGL context was lost; drawing with canvas 2D for now");
    dropGL();
    wantGL = false;
    redraw();
  }

  /** @param {string} why */
  function onFailed(why) {
    console.warn(`tokenheat: using the canvas 2D fallback (${why})`);
    glRejected = gl?.data ?? null;
    dropGL();
    redraw();
  }

  return {
    /** The view's max-|v| pyramid cache, for other renderers of the same matrix (export). */
    pyramids,

    /** Whether WebGL is still to be tried after a first frame drawn with canvas 2D. */
    get switching() {
      return glLater;
    },

    /**
     * The renderer to draw with now, created and brought up to date when needed.
     * @param {MatrixData} data
     * @param {Uint8Array} lut
     * @param {number} lutVersion changes whenever the LUT does
     * @returns {Renderer}
     */
    renderer(data, lut, lutVersion) {
      if (glLater && !laterFrame && laterTask === null) glAfterFirstFrame();
      if (
        !gl &&
        !glBlocked &&
        !glLater &&
        wantGL &&
        glRejected !== data &&
        entry.visible !== false &&
        reserveContext(entry)
      ) {
        const canvas = newCanvas();
        const res = createGLRenderer(canvas, { lost: onLost, failed: onFailed }, pyramids);
        if ("error" in res) {
          glBlocked = res.error;
          canvas.remove();
          console.warn(`tokenheat: using the canvas 2D fallback (${res.error})`);
        } else {
          gl = { r: res.renderer, data: null, lut: -1 };
          entry.hasContext = true;
          pool().warm = true;
        }
      }
      if (gl) {
        const err = sync(gl, data, lut, lutVersion);
        if (!err) {
          dropFallback();
          return gl.r;
        }
        console.warn(`tokenheat: using the canvas 2D fallback (${err})`);
        glRejected = data;
        dropGL();
      }
      if (!fallback) {
        const res = createCanvasRenderer(newCanvas(), pyramids);
        if ("error" in res) throw new Error(res.error);
        fallback = { r: res.renderer, data: null, lut: -1 };
      }
      sync(fallback, data, lut, lutVersion);
      return fallback.r;
    },

    /** Release both renderers (the WebGL context is lost on purpose) and the pool entry. */
    destroy() {
      observer?.disconnect();
      if (laterFrame) cancelAnimationFrame(laterFrame);
      if (laterTask !== null) clearTimeout(laterTask);
      laterFrame = 0;
      laterTask = null;
      const freed = entry.hasContext;
      dropGL();
      dropFallback();
      pool().entries.delete(entry);
      pyramids.clear();
      glRejected = null;
      if (freed) for (const e of pool().entries) if (!e.hasContext && e.visible) e.wake();
    },
  };
}
