// Zoom and pan gestures on the plot, with pointer events (mouse, pen and touch alike):
// wheel / trackpad pinch zooms about the pointer, drag pans, shift-drag (or box mode)
// draws a box to zoom to, two fingers pinch, double-click resets. A press that does not
// move is a click. The maths is in zoom.js; this module only turns events into views.
//
// With several panels every gesture works in the panel it starts in (its box is the plot
// for the maths, and the result is the view all panels share): a drag pans at that
// panel's scale, a zoom box stays inside it. A gesture that starts in a gap or on a
// title does nothing (a press there is still a click), and a wheel there scrolls the
// page, unless a wheel zoom is under way (the pointer crossing a gap mid-flick).

import { clampTo, fractionIn, rectAt } from "./geometry.js";
import { boxView, panBy, pinchView, wheelZoomFactor, zoomAt } from "./zoom.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./geometry.js").PanelRect} PanelRect */

/**
 * What the gestures need from the view.
 * @typedef {Object} GestureHost
 * @property {() => ViewWindow} view the current view
 * @property {() => { rows: number, cols: number } | null} shape null while nothing is drawn
 * @property {(v: ViewWindow) => void} setView show a new view (a redraw is batched)
 * @property {(clientX: number, clientY: number) => void} click a press without a drag
 * @property {() => void} reset back to the full matrix
 * @property {() => PanelRect[]} rects the panels shown, CSS px from the plot box's corner
 * @property {() => boolean} boxMode whether a plain drag draws a zoom box
 * @property {(active: boolean) => void} busy a drag or pinch starts / ends
 */

/** px a press may move and still be a click */
const CLICK_SLOP_MOUSE = 3;
const CLICK_SLOP_TOUCH = 8;
/** ms during which wheel events keep zooming even at a zoom limit (then the page scrolls) */
const WHEEL_LATCH_MS = 250;
/** a box smaller than this (px, either way) does not zoom */
const MIN_BOX = 4;

/**
 * @param {HTMLElement} plotbox
 * @param {GestureHost} host
 */
export function createGestures(plotbox, host) {
  const boxEl = document.createElement("div");
  boxEl.className = "tokenheat-boxzoom-rect";
  boxEl.hidden = true;
  plotbox.appendChild(boxEl);

  /** @type {Map<number, { x: number, y: number }>} client positions of pressed pointers */
  const pointers = new Map();
  /** @type {"none" | "press" | "pan" | "box" | "pinch"} */
  let mode = "none";
  let boxDrag = false;
  let slop = CLICK_SLOP_MOUSE;
  let x0 = 0;
  let y0 = 0;
  /** @type {ViewWindow} */
  let startView = host.view();
  /** plot box's corner in client px, taken when a gesture starts */
  let ox = 0;
  let oy = 0;
  /** @type {PanelRect | null} the panel the gesture started in (null: a gap or a title) */
  let panel = null;
  // pinch start: fingers' midpoint (fractions of the plot) and distance
  let pfx = 0;
  let pfy = 0;
  let pd = 1;
  let wheelUntil = 0;

  /**
   * The plot box's corner now, and the panel under client point (x, y).
   * @param {number} x
   * @param {number} y
   */
  function measure(x, y) {
    const b = plotbox.getBoundingClientRect();
    ox = b.left;
    oy = b.top;
    return rectAt(host.rects(), x - ox, y - oy);
  }

  /** @param {PanelRect} p */
  function pinchState(p) {
    const [a, b] = [...pointers.values()];
    const { fx, fy } = fractionIn(p, (a.x + b.x) / 2 - ox, (a.y + b.y) / 2 - oy);
    return { fx, fy, d: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)) };
  }

  /** Restart a one-pointer pan from where the remaining pointer is now. */
  function restartPan() {
    const [p] = [...pointers.values()];
    x0 = p.x;
    y0 = p.y;
    startView = host.view();
    mode = "pan";
  }

  /**
   * Show the zoom box from the press to client point (x, y), kept in its panel.
   * @param {PanelRect} p
   * @param {number} x
   * @param {number} y
   */
  function showBox(p, x, y) {
    const [cx, cy] = clampTo(p, x - ox, y - oy);
    const s = boxEl.style;
    s.left = `${Math.min(x0 - ox, cx)}px`;
    s.top = `${Math.min(y0 - oy, cy)}px`;
    s.width = `${Math.abs(cx - (x0 - ox))}px`;
    s.height = `${Math.abs(cy - (y0 - oy))}px`;
    boxEl.hidden = false;
  }

  /** @param {boolean} active */
  function setActive(active) {
    if (active) plotbox.dataset.gesture = mode;
    else delete plotbox.dataset.gesture;
    host.busy(active);
  }

  function end() {
    const was = mode;
    mode = "none";
    boxEl.hidden = true;
    if (was === "pan" || was === "box" || was === "pinch") setActive(false);
  }

  /** @param {PointerEvent} e */
  function onDown(e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    if (!host.shape()) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    try {
      plotbox.setPointerCapture(e.pointerId);
    } catch {
      // the pointer may already be gone
    }
    if (pointers.size === 1) {
      panel = measure(e.clientX, e.clientY);
      mode = "press";
      boxDrag = e.shiftKey || host.boxMode();
      slop = e.pointerType === "mouse" ? CLICK_SLOP_MOUSE : CLICK_SLOP_TOUCH;
      x0 = e.clientX;
      y0 = e.clientY;
      startView = host.view();
    } else if (pointers.size === 2) {
      const wasActive = mode === "pan" || mode === "box";
      boxEl.hidden = true;
      const [a, b] = [...pointers.values()];
      // the panel under the fingers' midpoint, else the one the first finger is in
      panel = measure((a.x + b.x) / 2, (a.y + b.y) / 2) ?? rectAt(host.rects(), a.x - ox, a.y - oy);
      startView = host.view();
      if (panel) ({ fx: pfx, fy: pfy, d: pd } = pinchState(panel));
      mode = "pinch";
      if (!wasActive) setActive(true);
      else plotbox.dataset.gesture = mode;
    }
  }

  /** @param {PointerEvent} e */
  function onMove(e) {
    const p = pointers.get(e.pointerId);
    if (!p) return;
    p.x = e.clientX;
    p.y = e.clientY;
    const shape = host.shape();
    if (!shape) return;
    if (mode === "press") {
      if (Math.hypot(e.clientX - x0, e.clientY - y0) <= slop) return;
      if (!panel) {
        // a drag from a gap or a title: neither a pan nor a click
        mode = "none";
        return;
      }
      mode = boxDrag ? "box" : "pan";
      setActive(true);
    }
    if (!panel) return;
    if (mode === "pan") {
      const v = startView;
      const dRows = (-(e.clientY - y0) / Math.max(1, panel.h)) * (v.row1 - v.row0);
      const dCols = (-(e.clientX - x0) / Math.max(1, panel.w)) * (v.col1 - v.col0);
      host.setView(panBy(v, dRows, dCols, shape.rows, shape.cols));
    } else if (mode === "box") {
      showBox(panel, e.clientX, e.clientY);
    } else if (mode === "pinch" && pointers.size >= 2) {
      const now = pinchState(panel);
      host.setView(pinchView(startView, pfy, pfx, now.fy, now.fx, now.d / pd, shape.rows, shape.cols));
    }
  }

  /** @param {PointerEvent} e */
  function onUp(e) {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    const shape = host.shape();
    if (mode === "press") {
      mode = "none";
      if (e.type === "pointerup" && shape) host.click(e.clientX, e.clientY);
      return;
    }
    if (mode === "box" && e.type === "pointerup" && shape && panel) {
      const [x, y] = clampTo(panel, e.clientX - ox, e.clientY - oy);
      if (Math.abs(x - (x0 - ox)) >= MIN_BOX && Math.abs(y - (y0 - oy)) >= MIN_BOX) {
        const a = fractionIn(panel, x0 - ox, y0 - oy);
        const b = fractionIn(panel, x, y);
        host.setView(boxView(host.view(), a.fy, a.fx, b.fy, b.fx, shape.rows, shape.cols));
      }
    }
    if (mode === "pinch" && pointers.size === 1) {
      // the pan goes on in the panel the pinch was in, at its scale
      restartPan();
      plotbox.dataset.gesture = mode;
      return;
    }
    if (pointers.size === 0) end();
  }

  /** @param {WheelEvent} e */
  function onWheel(e) {
    const shape = host.shape();
    if (!shape || e.deltaY === 0 || mode === "box") return;
    const b = plotbox.getBoundingClientRect();
    const now = performance.now();
    const p = rectAt(host.rects(), e.clientX - b.left, e.clientY - b.top);
    if (!p) {
      // a gap or a title: the page scrolls, unless a wheel zoom is under way
      if (now <= wheelUntil) e.preventDefault();
      return;
    }
    const { fx, fy } = fractionIn(p, e.clientX - b.left, e.clientY - b.top);
    const v = host.view();
    const next = zoomAt(v, fy, fx, wheelZoomFactor(e.deltaY, e.deltaMode, e.ctrlKey), shape.rows, shape.cols);
    const moved =
      next.row0 !== v.row0 || next.row1 !== v.row1 || next.col0 !== v.col0 || next.col1 !== v.col1;
    // at a zoom limit the page may scroll, unless a zoom is under way (a flick of the
    // wheel that reaches the limit must not turn into a scroll half-way)
    if (!moved && now > wheelUntil) return;
    e.preventDefault();
    wheelUntil = now + WHEEL_LATCH_MS;
    if (moved) {
      if (mode === "pan") {
        startView = next;
        x0 = pointers.size ? [...pointers.values()][0].x : x0;
        y0 = pointers.size ? [...pointers.values()][0].y : y0;
      }
      host.setView(next);
    }
  }

  /** @param {MouseEvent} e */
  function onDblClick(e) {
    if (e.button !== 0) return;
    const b = plotbox.getBoundingClientRect();
    if (!rectAt(host.rects(), e.clientX - b.left, e.clientY - b.top)) return;
    e.preventDefault();
    host.reset();
  }

  // Every DOM listener of this module goes with one abort() on destroy.
  const listeners = new AbortController();
  const { signal } = listeners;
  plotbox.addEventListener("pointerdown", onDown, { signal });
  plotbox.addEventListener("pointermove", onMove, { signal });
  plotbox.addEventListener("pointerup", onUp, { signal });
  plotbox.addEventListener("pointercancel", onUp, { signal });
  plotbox.addEventListener("wheel", onWheel, { passive: false, signal });
  plotbox.addEventListener("dblclick", onDblClick, { signal });

  return {
    /** Whether a pointer is down on the plot (a gesture may still change the view). */
    get pressed() {
      return pointers.size > 0;
    },

    /** Whether a drag, box or pinch is under way. */
    get dragging() {
      return mode === "pan" || mode === "box" || mode === "pinch";
    },

    /** Abandon a gesture in progress (Escape): no zoom, no click. */
    cancel() {
      if (mode === "none") return false;
      for (const id of pointers.keys()) {
        try {
          plotbox.releasePointerCapture(id);
        } catch {
          // already released
        }
      }
      pointers.clear();
      end();
      return true;
    },

    destroy() {
      listeners.abort();
      pointers.clear();
      boxEl.remove();
    },
  };
}
