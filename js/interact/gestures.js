// Zoom and pan gestures on the plot, with pointer events (mouse, pen and touch alike):
// wheel / trackpad pinch zooms about the pointer, drag pans, shift-drag (or box mode)
// draws a box to zoom to, two fingers pinch, double-click resets. A press that does not
// move is a click. The maths is in zoom.js; this module only turns events into views.

import { boxView, panBy, pinchView, wheelZoomFactor, zoomAt } from "./zoom.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * What the gestures need from the view.
 * @typedef {Object} GestureHost
 * @property {() => ViewWindow} view the current view
 * @property {() => { rows: number, cols: number } | null} shape null while nothing is drawn
 * @property {(v: ViewWindow) => void} setView show a new view (a redraw is batched)
 * @property {(clientX: number, clientY: number) => void} click a press without a drag
 * @property {() => void} reset back to the full matrix
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
  /** plot box in client px, taken when a gesture starts */
  let rect = { left: 0, top: 0, width: 1, height: 1 };
  // pinch start: fingers' midpoint (fractions of the plot) and distance
  let pfx = 0;
  let pfy = 0;
  let pd = 1;
  let wheelUntil = 0;

  function measure() {
    const b = plotbox.getBoundingClientRect();
    rect = { left: b.left, top: b.top, width: Math.max(1, b.width), height: Math.max(1, b.height) };
  }

  function pinchState() {
    const [a, b] = [...pointers.values()];
    return {
      fx: ((a.x + b.x) / 2 - rect.left) / rect.width,
      fy: ((a.y + b.y) / 2 - rect.top) / rect.height,
      d: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
    };
  }

  /** Restart a one-pointer pan from where the remaining pointer is now. */
  function restartPan() {
    const [p] = [...pointers.values()];
    x0 = p.x;
    y0 = p.y;
    startView = host.view();
    mode = "pan";
  }

  function showBox(/** @type {number} */ x, /** @type {number} */ y) {
    const cx = Math.min(Math.max(x, rect.left), rect.left + rect.width);
    const cy = Math.min(Math.max(y, rect.top), rect.top + rect.height);
    const s = boxEl.style;
    s.left = `${Math.min(x0, cx) - rect.left}px`;
    s.top = `${Math.min(y0, cy) - rect.top}px`;
    s.width = `${Math.abs(cx - x0)}px`;
    s.height = `${Math.abs(cy - y0)}px`;
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
      measure();
      mode = "press";
      boxDrag = e.shiftKey || host.boxMode();
      slop = e.pointerType === "mouse" ? CLICK_SLOP_MOUSE : CLICK_SLOP_TOUCH;
      x0 = e.clientX;
      y0 = e.clientY;
      startView = host.view();
    } else if (pointers.size === 2) {
      const wasActive = mode === "pan" || mode === "box";
      boxEl.hidden = true;
      measure();
      startView = host.view();
      ({ fx: pfx, fy: pfy, d: pd } = pinchState());
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
      mode = boxDrag ? "box" : "pan";
      setActive(true);
    }
    if (mode === "pan") {
      const v = startView;
      const dRows = (-(e.clientY - y0) / rect.height) * (v.row1 - v.row0);
      const dCols = (-(e.clientX - x0) / rect.width) * (v.col1 - v.col0);
      host.setView(panBy(v, dRows, dCols, shape.rows, shape.cols));
    } else if (mode === "box") {
      showBox(e.clientX, e.clientY);
    } else if (mode === "pinch" && pointers.size >= 2) {
      const now = pinchState();
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
    if (mode === "box" && e.type === "pointerup" && shape) {
      const x = Math.min(Math.max(e.clientX, rect.left), rect.left + rect.width);
      const y = Math.min(Math.max(e.clientY, rect.top), rect.top + rect.height);
      if (Math.abs(x - x0) >= MIN_BOX && Math.abs(y - y0) >= MIN_BOX) {
        const f = (/** @type {number} */ v, /** @type {number} */ o, /** @type {number} */ s) => (v - o) / s;
        host.setView(
          boxView(
            host.view(),
            f(y0, rect.top, rect.height),
            f(x0, rect.left, rect.width),
            f(y, rect.top, rect.height),
            f(x, rect.left, rect.width),
            shape.rows,
            shape.cols,
          ),
        );
      }
    }
    if (mode === "pinch" && pointers.size === 1) {
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
    const fx = (e.clientX - b.left) / Math.max(1, b.width);
    const fy = (e.clientY - b.top) / Math.max(1, b.height);
    const v = host.view();
    const next = zoomAt(v, fy, fx, wheelZoomFactor(e.deltaY, e.deltaMode, e.ctrlKey), shape.rows, shape.cols);
    const now = performance.now();
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
