// The colour range has two forms in the model: `vmin`/`vmax` and `color_range` (for a
// jslinked FloatRangeSlider). A change of either, from Python or a linked control, sets
// the other to match; the view's own range control writes all three at once.

import { linkedRange } from "./rangemath.js";
import { readLimits } from "../data/traits.js";

/**
 * Whether a change event is ipywidgets applying a message from the kernel: it marks the
 * state it is applying (`_state_lock`, which also keeps that state from being echoed
 * back). Hosts without it (an offline page, other widget hosts) give false.
 * @param {unknown} source
 */
export function fromKernel(source) {
  if (source === null || typeof source !== "object") return false;
  const lock = /** @type {{ _state_lock?: unknown }} */ (source)._state_lock;
  return lock !== null && lock !== undefined;
}

/**
 * (The view redraws on its own change:vmin / change:vmax listeners.)
 * @param {import("../index.js").Model} model
 */
export function syncColorRange(model) {
  /** set while this view writes the range, so that its own change events pass */
  let writing = false;
  let destroyed = false;

  /** @param {() => void} fn */
  const quietly = (fn) => {
    writing = true;
    try {
      fn();
    } finally {
      writing = false;
    }
  };

  /**
   * Set vmin and vmax in an order that never shows a linked control vmin >= vmax.
   * @param {number} vmin
   * @param {number} vmax
   * @returns {boolean} whether anything changed
   */
  function setLimits(vmin, vmax) {
    const oldMax = model.get("vmax");
    if (model.get("vmin") === vmin && oldMax === vmax) return false;
    // (a tampered vmax that is not a number is not compared: that could throw)
    if (typeof oldMax === "number" && vmin >= oldMax) {
      model.set("vmax", vmax);
      model.set("vmin", vmin);
    } else {
      model.set("vmin", vmin);
      model.set("vmax", vmax);
    }
    return true;
  }

  /** `color_range` exists (older Pythons did not send it) */
  const hasPair = () => Array.isArray(model.get("color_range"));

  /** @param {unknown} [source] the model that changed */
  function onLimit(source) {
    // (Python sends color_range with every vmin/vmax it sets: nothing to follow)
    if (writing || fromKernel(source)) return;
    const vmin = model.get("vmin");
    const vmax = model.get("vmax");
    const cr = model.get("color_range");
    // A range the view refuses to draw is not mirrored: the mirror would go to Python
    // with the next save (of a view, say), and a tampered range with it.
    if (!Array.isArray(cr) || "error" in readLimits(vmin, vmax, model.get("center"))) return;
    if (cr[0] === vmin && cr[1] === vmax) return;
    quietly(() => model.set("color_range", [vmin, vmax]));
  }

  // A linked slider that moves one end is a colour-range handle too: with `symmetric`,
  // the other end mirrors it (linkedRange). A range from the kernel is never mirrored
  // (nor followed, above): Python sends `color_range` with the `vmin`/`vmax` it set from
  // it, and a range set from Python stays as set. Taking one of its messages for a
  // slider's move would mirror it here and save the mirror over the range Python set.
  /** @param {unknown} [source] the model that changed (Backbone passes it first) */
  function onPair(source) {
    if (writing || fromKernel(source)) return;
    const center = model.get("center");
    const asked = model.get("color_range");
    const next = linkedRange(
      asked,
      model.get("vmin"),
      model.get("vmax"),
      typeof center === "number" ? center : null,
      model.get("symmetric") === true,
    );
    // (and one the view would refuse to draw is not taken, nor saved)
    if (!next || "error" in readLimits(next[0], next[1], center)) return;
    const [lo, hi] = next;
    const mirrored = asked[0] !== lo || asked[1] !== hi;
    let changed = false;
    quietly(() => {
      changed = setLimits(lo, hi);
      if (mirrored) model.set("color_range", [lo, hi]);
    });
    if (changed) model.save_changes();
    // A jslink ignores changes made while it is updating this model, so the linked
    // slider would not see the mirrored end: once the link is done, set the pair again.
    if (mirrored) queueMicrotask(() => relink(asked, lo, hi));
  }

  /**
   * @param {number[]} asked what the linked control set
   * @param {number} lo
   * @param {number} hi
   */
  function relink(asked, lo, hi) {
    const cr = model.get("color_range");
    if (destroyed || !Array.isArray(cr) || cr[0] !== lo || cr[1] !== hi) return;
    quietly(() => {
      model.set("color_range", asked);
      model.set("color_range", [lo, hi]);
    });
  }

  model.on("change:vmin", onLimit);
  model.on("change:vmax", onLimit);
  model.on("change:color_range", onPair);

  return {
    /**
     * Write a range from the view's own control (no save: the control saves when the
     * drag settles).
     * @param {number} vmin
     * @param {number} vmax
     */
    write(vmin, vmax) {
      quietly(() => {
        setLimits(vmin, vmax);
        if (hasPair()) model.set("color_range", [vmin, vmax]);
      });
    },

    destroy() {
      destroyed = true;
      model.off("change:vmin", onLimit);
      model.off("change:vmax", onLimit);
      model.off("change:color_range", onPair);
    },
  };
}
