// Which renderer draws the cells: WebGL2 when it can, else the canvas 2D fallback (forced,
// unavailable, matrix over MAX_TEXTURE_SIZE, or while the WebGL context is lost). Keeps
// track of what each renderer has been handed, so data and LUT are uploaded only when
// they change, and keeps exactly one visible `.tokenheat-cells` canvas.

import { createCanvasRenderer } from "./canvas2d.js";
import { createGLRenderer } from "./gl.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */
/** @typedef {import("./gl.js").Renderer} Renderer */

/**
 * A renderer and what has been handed to it.
 * @typedef {{ r: Renderer, data: MatrixData | null, lut: number }} Slot
 */

/**
 * @param {HTMLElement} parent where the cells canvas goes
 * @param {HTMLElement} before the element it goes before (the overlay)
 * @param {boolean} forceCanvas never try WebGL2
 * @param {() => void} redraw called when the context is lost or restored
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
  let glLost = false;

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
    glLost = false;
  }

  function dropFallback() {
    if (!fallback) return;
    fallback.r.destroy();
    fallback.r.canvas.remove();
    fallback = null;
  }

  // While lost, the WebGL canvas stays (hidden) so that it can be restored; the fallback
  // canvas takes its class and place.
  function onLost() {
    glLost = true;
    if (gl) {
      gl.r.canvas.hidden = true;
      gl.r.canvas.classList.remove("tokenheat-cells");
    }
    redraw();
  }

  function onRestored() {
    glLost = false;
    if (gl) {
      gl.r.canvas.hidden = false;
      gl.r.canvas.classList.add("tokenheat-cells");
    }
    redraw();
  }

  return {
    /**
     * The renderer to draw with now, created and brought up to date when needed.
     * @param {MatrixData} data
     * @param {Uint8Array} lut
     * @param {number} lutVersion changes whenever the LUT does
     * @returns {Renderer}
     */
    renderer(data, lut, lutVersion) {
      if (!glBlocked && !gl && glRejected !== data) {
        const canvas = newCanvas();
        const res = createGLRenderer(canvas, { lost: onLost, restored: onRestored });
        if ("error" in res) {
          glBlocked = res.error;
          canvas.remove();
          console.warn(`tokenheat: using the canvas 2D fallback (${res.error})`);
        } else {
          gl = { r: res.renderer, data: null, lut: -1 };
        }
      }
      if (gl && !glLost) {
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
        const res = createCanvasRenderer(newCanvas());
        if ("error" in res) throw new Error(res.error);
        fallback = { r: res.renderer, data: null, lut: -1 };
      }
      sync(fallback, data, lut, lutVersion);
      return fallback.r;
    },

    /** Release both renderers (the WebGL context is lost on purpose). */
    destroy() {
      dropGL();
      dropFallback();
      glRejected = null;
    },
  };
}
