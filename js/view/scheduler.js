// One view's redraws: every change marks dirty flags (state.js) and asks for one
// requestAnimationFrame, which draws all that was marked since the last. A frame that
// throws keeps its flags and shows why, so the next change redoes them. The first frame
// does not wait for an animation frame: it is drawn as soon as the view is in the
// document (`drawWhenAttached`), so that it shows in the browser's next frame instead of
// the one after (the browser may take 50-100 ms between frames while the page around a
// new output is laid out and painted). A MutationObserver on the document sees the view
// inserted in the same task as the host inserts it (JupyterLab: 1-3 ms after `render`); a
// task checked after every other catches a view put in a shadow root, which the observer
// does not see, but it may wait 10-75 ms behind the host's own tasks.

import { ALL } from "./state.js";

/**
 * @param {(flags: number) => void} paint draw what `flags` says changed
 * @param {(message: string) => void} showError why a frame could not draw
 */
export function createScheduler(paint, showError) {
  let dirty = ALL;
  let raf = 0;
  let destroyed = false;
  /** @type {MutationObserver | null} */
  let watcher = null;

  function stopWatching() {
    watcher?.disconnect();
    watcher = null;
  }

  /** @param {number} flags */
  function schedule(flags) {
    dirty |= flags;
    if (!raf && !destroyed) raf = requestAnimationFrame(frame);
  }

  function frame() {
    raf = 0;
    if (destroyed) return;
    const flags = dirty;
    dirty = 0;
    try {
      paint(flags);
    } catch (e) {
      dirty |= flags;
      console.error("tokenheat:", e);
      showError(`tokenheat could not draw this heatmap: ${e instanceof Error ? e.message : e}`);
    }
  }

  function flush() {
    if (!raf) return;
    cancelAnimationFrame(raf);
    frame();
  }

  return {
    schedule,

    /**
     * Keep flags for the next frame without asking for one (a draw that failed: the
     * next change redoes them).
     * @param {number} flags
     */
    keep(flags) {
      dirty |= flags;
    },

    /** Draw now what waits for a frame, if anything does. */
    flush,

    /**
     * Draw what waits for a frame as soon as `el` is in the document, without waiting
     * for the animation frame: when a mutation of the document shows it there, or in a
     * task checked now and after every task until then (setTimeout's clamping makes that
     * every 4 ms at most); neither looks any more once the frame came.
     * @param {Element} el
     */
    drawWhenAttached(el) {
      /** Whether to stop looking: drawn now, drawn already, or destroyed. */
      const attached = () => {
        if (destroyed || !raf) {
          stopWatching();
          return true;
        }
        if (!el.isConnected) return false;
        stopWatching();
        flush();
        return true;
      };
      const Observer = globalThis.MutationObserver;
      const doc = el.ownerDocument;
      if (Observer && doc && !watcher) {
        watcher = new Observer(attached);
        watcher.observe(doc, { childList: true, subtree: true });
      }
      const check = () => {
        if (!attached()) setTimeout(check, 0);
      };
      setTimeout(check, 0);
    },

    /** Whether the view was removed (nothing is drawn any more). */
    get destroyed() {
      return destroyed;
    },

    destroy() {
      destroyed = true;
      stopWatching();
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
    },
  };
}
