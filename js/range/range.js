// The colour-range control beside the colour bar: a track with two handles (vmin, vmax)
// whose scale covers the data, a "funnel" showing how [vmin, vmax] spreads over the whole
// colour bar, two number inputs and the `symmetric` checkbox. The control only proposes
// ranges: the view writes them to the model (live, while dragging) and saves when the
// drag settles.

import { formatValue, moveEnd, niceStep, parseEnd, trackBounds } from "./rangemath.js";

/** @typedef {import("../render/layout.js").Layout} Layout */

/**
 * What the control needs from the view.
 * @typedef {Object} RangeHost
 * @property {(vmin: number, vmax: number) => void} preview show this range now (no save)
 * @property {() => void} commit the range has settled: save it
 * @property {(on: boolean) => void} setSymmetric
 */

/**
 * @typedef {Object} RangeState
 * @property {number} vmin
 * @property {number} vmax
 * @property {number | null} center
 * @property {[number, number] | null} dataRange `_data_range` (traits.js readDataRange)
 * @property {boolean} symmetric
 */

const KEY_SETTLE_MS = 200;
const HINT_MS = 4000;
const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {HTMLElement} root
 * @param {RangeHost} host
 */
export function createRangeControl(root, host) {
  const layer = document.createElement("div");
  layer.className = "tokenheat-layer tokenheat-range";
  layer.setAttribute("role", "group");
  layer.setAttribute("aria-label", "Colour range");

  const track = document.createElement("div");
  track.className = "tokenheat-range-track";
  const rail = document.createElement("div");
  rail.className = "tokenheat-range-rail";
  const dataSeg = document.createElement("div");
  dataSeg.className = "tokenheat-range-data";
  const activeSeg = document.createElement("div");
  activeSeg.className = "tokenheat-range-active";
  track.append(rail, dataSeg, activeSeg);

  const funnel = document.createElementNS(SVG, "svg");
  funnel.setAttribute("class", "tokenheat-range-funnel");
  funnel.setAttribute("aria-hidden", "true");
  const funnelFill = document.createElementNS(SVG, "polygon");
  funnelFill.setAttribute("class", "tokenheat-range-funnel-fill");
  const funnelTop = document.createElementNS(SVG, "line");
  const funnelBottom = document.createElementNS(SVG, "line");
  funnelTop.setAttribute("class", "tokenheat-range-funnel-edge");
  funnelBottom.setAttribute("class", "tokenheat-range-funnel-edge");
  funnel.append(funnelFill, funnelTop, funnelBottom);

  /**
   * @param {"min" | "max"} end
   * @param {string} label
   */
  const handle = (end, label) => {
    const h = document.createElement("div");
    h.className = "tokenheat-range-handle";
    h.dataset.end = end;
    h.tabIndex = 0;
    h.setAttribute("role", "slider");
    h.setAttribute("aria-orientation", "vertical");
    h.setAttribute("aria-label", label);
    h.title = `${label}: drag, or use the arrow keys`;
    track.appendChild(h);
    return h;
  };
  const maxHandle = handle("max", "Colour range maximum");
  const minHandle = handle("min", "Colour range minimum");

  /**
   * @param {"min" | "max"} end
   * @param {string} label
   */
  const input = (end, label) => {
    const i = document.createElement("input");
    i.type = "text";
    i.inputMode = "decimal";
    i.className = "tokenheat-range-input";
    i.dataset.end = end;
    i.spellcheck = false;
    i.autocomplete = "off";
    i.setAttribute("aria-label", label);
    i.title = `${label} (Enter to apply)`;
    return i;
  };
  const maxInput = input("max", "Colour range maximum");
  const minInput = input("min", "Colour range minimum");

  const symLabel = document.createElement("label");
  symLabel.className = "tokenheat-range-symmetric";
  const symBox = document.createElement("input");
  symBox.type = "checkbox";
  symBox.className = "tokenheat-symmetric";
  symBox.setAttribute("aria-label", "Symmetric colour range about the centre");
  const symText = document.createElement("span");
  symText.textContent = "symmetric";
  symLabel.append(symBox, symText);

  const hint = document.createElement("div");
  hint.className = "tokenheat-range-hint";
  hint.setAttribute("role", "alert");
  hint.hidden = true;

  layer.append(funnel, track, maxInput, minInput, symLabel, hint);
  root.appendChild(layer);

  /** @type {RangeState} */
  let state = { vmin: 0, vmax: 1, center: null, dataRange: null, symmetric: false };
  let lo = 0;
  let hi = 1;
  /** @type {Layout | null} */
  let layout = null;
  /** @type {"min" | "max" | null} the end being dragged with the pointer */
  let dragging = null;
  let dragId = -1;
  let grab = 0;
  /** bounds are frozen from the first step of a drag or key run until it settles */
  let frozen = false;
  /** @type {WeakSet<HTMLInputElement>} inputs typed in since they last took focus or were committed */
  const edited = new WeakSet();
  let keyTimer = 0;
  let hintTimer = 0;

  const sym = () => state.symmetric && state.center !== null;

  function refreshBounds() {
    [lo, hi] = trackBounds(state.dataRange, state.vmin, state.vmax, state.center, sym());
  }

  /** @param {number} v */
  function yOf(v) {
    const h = layout ? layout.range.track.height : 1;
    return Math.min(h, Math.max(0, ((hi - v) / (hi - lo)) * h));
  }

  function draw() {
    if (!layout) return;
    const t = layout.range.track;
    const yMax = yOf(state.vmax);
    const yMin = yOf(state.vmin);
    maxHandle.style.top = `${yMax}px`;
    minHandle.style.top = `${yMin}px`;
    activeSeg.style.top = `${yMax}px`;
    activeSeg.style.height = `${Math.max(0, yMin - yMax)}px`;
    const dr = state.dataRange;
    if (dr) {
      const a = yOf(dr[1]);
      dataSeg.hidden = false;
      dataSeg.style.top = `${a}px`;
      dataSeg.style.height = `${Math.max(1, yOf(dr[0]) - a)}px`;
    } else {
      dataSeg.hidden = true;
    }
    const w = layout.bar.left - (t.left + t.width);
    const h = t.height;
    funnelFill.setAttribute("points", `0,${yMax} ${w},0 ${w},${h} 0,${yMin}`);
    for (const [line, y, yb] of /** @type {const} */ ([
      [funnelTop, yMax, 0],
      [funnelBottom, yMin, h],
    ])) {
      line.setAttribute("x1", "0");
      line.setAttribute("y1", String(y));
      line.setAttribute("x2", String(w));
      line.setAttribute("y2", String(yb));
    }
    for (const [el, v, min, max] of /** @type {const} */ ([
      [maxHandle, state.vmax, state.vmin, hi],
      [minHandle, state.vmin, lo, state.vmax],
    ])) {
      el.setAttribute("aria-valuenow", String(v));
      el.setAttribute("aria-valuetext", formatValue(v));
      el.setAttribute("aria-valuemin", String(min));
      el.setAttribute("aria-valuemax", String(max));
    }
    for (const [el, v] of /** @type {const} */ ([
      [maxInput, state.vmax],
      [minInput, state.vmin],
    ])) {
      // an input shows the current range unless the person is typing in it
      if (!edited.has(el) && el.getAttribute("aria-invalid") !== "true") {
        const text = formatValue(v);
        if (el.value !== text) {
          el.value = text;
          if (el.matches(":focus")) el.select();
        }
      }
    }
    symBox.checked = state.symmetric;
    symBox.disabled = state.center === null;
    symLabel.title =
      state.center === null
        ? "No centre (center=None): the scale is linear, so there is nothing to be symmetric about"
        : `Keep the range symmetric about the centre (${formatValue(state.center)}) while adjusting it`;
    symLabel.classList.toggle("tokenheat-disabled", state.center === null);
  }

  /**
   * Show a proposed range at once (the host writes it to the model).
   * @param {number} vmin
   * @param {number} vmax
   */
  function propose(vmin, vmax) {
    if (vmin === state.vmin && vmax === state.vmax) return;
    state = { ...state, vmin, vmax };
    host.preview(vmin, vmax);
    draw();
  }

  function settle() {
    frozen = false;
    host.commit();
    refreshBounds();
    draw();
  }

  /**
   * @param {"min" | "max"} end
   * @param {number} value
   * @param {number} step
   */
  function moveTo(end, value, step) {
    if (!frozen) {
      refreshBounds();
      frozen = true;
    }
    const [a, b] = moveEnd(end, value, { ...state, center: state.center, symmetric: sym(), lo, hi, step });
    propose(a, b);
  }

  /** @param {number} clientY */
  function valueAt(clientY) {
    const box = track.getBoundingClientRect();
    return hi - ((clientY - box.top) / Math.max(1, box.height)) * (hi - lo);
  }

  /** @param {PointerEvent} e */
  function onDown(e) {
    if (dragging || (e.pointerType === "mouse" && e.button !== 0)) return;
    const target = /** @type {HTMLElement} */ (e.target);
    let end = /** @type {"min" | "max" | null} */ (
      target.classList.contains("tokenheat-range-handle") ? target.dataset.end : null
    );
    const box = track.getBoundingClientRect();
    const y = e.clientY - box.top;
    if (!end) {
      const yMax = yOf(state.vmax);
      const yMin = yOf(state.vmin);
      end = Math.abs(y - yMax) <= Math.abs(y - yMin) ? "max" : "min";
      if (yMax === yMin) end = y < yMax ? "max" : "min";
    }
    e.preventDefault();
    refreshBounds();
    frozen = true;
    dragging = end;
    dragId = e.pointerId;
    grab = target.classList.contains("tokenheat-range-handle")
      ? y - yOf(end === "max" ? state.vmax : state.vmin)
      : 0;
    (end === "max" ? maxHandle : minHandle).focus({ preventScroll: true });
    track.dataset.dragging = end;
    try {
      track.setPointerCapture(e.pointerId);
    } catch {
      // the pointer may already be gone
    }
    if (grab === 0) moveTo(end, valueAt(e.clientY), dragStep());
  }

  function dragStep() {
    const h = layout ? layout.range.track.height : 100;
    return niceStep((hi - lo) / Math.max(20, h));
  }

  /** @param {PointerEvent} e */
  function onMove(e) {
    if (!dragging || e.pointerId !== dragId) return;
    moveTo(dragging, valueAt(e.clientY - grab), dragStep());
  }

  /** @param {PointerEvent} e */
  function onUp(e) {
    if (!dragging || e.pointerId !== dragId) return;
    dragging = null;
    dragId = -1;
    delete track.dataset.dragging;
    settle();
  }

  /** @param {KeyboardEvent} e */
  function onHandleKey(e) {
    const target = /** @type {HTMLElement} */ (e.target);
    const end = target.dataset.end === "min" ? "min" : "max";
    if (!frozen) refreshBounds();
    const step = niceStep((hi - lo) / 100);
    const now = end === "max" ? state.vmax : state.vmin;
    /** @type {number | null} */
    let v = null;
    if (e.key === "ArrowUp" || e.key === "ArrowRight") v = now + step;
    else if (e.key === "ArrowDown" || e.key === "ArrowLeft") v = now - step;
    else if (e.key === "PageUp") v = now + 10 * step;
    else if (e.key === "PageDown") v = now - 10 * step;
    else if (e.key === "Home") v = lo;
    else if (e.key === "End") v = hi;
    if (v === null) return;
    e.preventDefault();
    e.stopPropagation();
    moveTo(end, v, step);
    clearTimeout(keyTimer);
    keyTimer = window.setTimeout(() => {
      keyTimer = 0;
      settle();
    }, KEY_SETTLE_MS);
  }

  /**
   * @param {string} message
   * @param {HTMLInputElement} near
   * @param {boolean} stay keep it until the input is fixed
   */
  function showHint(message, near, stay) {
    hint.textContent = message;
    hint.hidden = false;
    hint.style.top = near.style.top;
    hint.style.right = `${(layout ? layout.width : 0) - parseFloat(near.style.left) + 6}px`;
    clearTimeout(hintTimer);
    hintTimer = stay ? 0 : window.setTimeout(hideHint, HINT_MS);
  }

  function hideHint() {
    clearTimeout(hintTimer);
    hintTimer = 0;
    hint.hidden = true;
  }

  /**
   * @param {HTMLInputElement} el
   * @param {boolean} keepFocus Enter (keep the text to fix it) rather than blur (revert)
   */
  function commitInput(el, keepFocus) {
    const end = el.dataset.end === "min" ? "min" : "max";
    const shown = formatValue(end === "max" ? state.vmax : state.vmin);
    // Only what the person typed is a new range: focus alone (and leaving again) never
    // writes the text the input showed, which may be older than the range.
    const typed = edited.has(el);
    edited.delete(el);
    if (!typed || el.value.trim() === shown) {
      el.value = shown;
      el.removeAttribute("aria-invalid");
      hideHint();
      return;
    }
    const res = parseEnd(el.value, end, { ...state, symmetric: sym() });
    if ("error" in res) {
      const message = `${end === "max" ? "Maximum" : "Minimum"} ${res.error}`;
      if (keepFocus) {
        edited.add(el); // still the person's text, to fix
        el.setAttribute("aria-invalid", "true");
        showHint(message, el, true);
      } else {
        el.removeAttribute("aria-invalid");
        el.value = shown;
        showHint(`${message}; kept ${shown}`, el, false);
      }
      return;
    }
    el.removeAttribute("aria-invalid");
    hideHint();
    frozen = false;
    propose(res.range[0], res.range[1]);
    host.commit();
    refreshBounds();
    draw();
    el.value = formatValue(end === "max" ? state.vmax : state.vmin);
  }

  /** @param {KeyboardEvent} e */
  function onInputKey(e) {
    const el = /** @type {HTMLInputElement} */ (e.target);
    // typing must not reach the plot's keys (or the notebook's shortcuts)
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      commitInput(el, true);
    } else if (e.key === "Escape") {
      e.preventDefault();
      edited.delete(el);
      el.removeAttribute("aria-invalid");
      hideHint();
      el.value = formatValue(el.dataset.end === "min" ? state.vmin : state.vmax);
      el.select();
    }
  }

  /** @param {FocusEvent} e */
  function onInputBlur(e) {
    commitInput(/** @type {HTMLInputElement} */ (e.target), false);
  }

  /** @param {Event} e */
  function onInputEdit(e) {
    edited.add(/** @type {HTMLInputElement} */ (e.target));
  }

  /** @param {FocusEvent} e */
  function onInputFocus(e) {
    /** @type {HTMLInputElement} */ (e.target).select();
  }

  function onSymChange() {
    host.setSymmetric(symBox.checked);
  }

  // Every DOM listener of this module goes with one abort() on destroy.
  const listeners = new AbortController();
  const { signal } = listeners;
  track.addEventListener("pointerdown", onDown, { signal });
  track.addEventListener("pointermove", onMove, { signal });
  track.addEventListener("pointerup", onUp, { signal });
  track.addEventListener("pointercancel", onUp, { signal });
  for (const h of [maxHandle, minHandle]) h.addEventListener("keydown", onHandleKey, { signal });
  for (const i of [maxInput, minInput]) {
    i.addEventListener("keydown", onInputKey, { signal });
    i.addEventListener("blur", onInputBlur, { signal });
    i.addEventListener("focus", onInputFocus, { signal });
    i.addEventListener("input", onInputEdit, { signal });
  }
  symBox.addEventListener("change", onSymChange, { signal });

  return {
    /**
     * Position everything for a layout.
     * @param {Layout} L
     */
    place(L) {
      layout = L;
      const { track: t, maxInput: mx, minInput: mn, symmetric: sy } = L.range;
      /**
       * @param {HTMLElement | SVGElement} el
       * @param {import("../render/layout.js").Rect} r
       */
      const put = (el, r) => {
        el.style.left = `${r.left}px`;
        el.style.top = `${r.top}px`;
        el.style.width = `${r.width}px`;
        el.style.height = `${r.height}px`;
      };
      put(track, t);
      put(maxInput, mx);
      put(minInput, mn);
      put(symLabel, sy);
      // beside the min input on a short plot: only the sign, the title says the rest
      symText.textContent = L.range.compact ? "\u00b1" : "symmetric";
      const fw = Math.max(1, L.bar.left - (t.left + t.width));
      put(funnel, { left: t.left + t.width, top: t.top, width: fw, height: t.height });
      funnel.setAttribute("viewBox", `0 0 ${fw} ${t.height}`);
      draw();
    },

    /**
     * The model's range, centre, data range or symmetric flag changed (or the control's
     * own proposal came back through the model).
     * @param {RangeState} s
     */
    update(s) {
      state = s;
      if (!frozen) refreshBounds();
      draw();
    },

    destroy() {
      // a key run that has not settled yet is saved now rather than lost
      if (keyTimer) host.commit();
      clearTimeout(keyTimer);
      clearTimeout(hintTimer);
      listeners.abort();
      layer.remove();
    },
  };
}
