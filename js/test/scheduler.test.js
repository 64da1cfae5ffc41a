import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createScheduler } from "../view/scheduler.js";
import { ALL, VIEW } from "../view/state.js";

/** Fake timers and frames, a scheduler that records what it paints, a detached root. */
function start(doc = /** @type {Document | null} */ (null)) {
  vi.useFakeTimers({ toFake: ["setTimeout", "requestAnimationFrame", "cancelAnimationFrame"] });
  /** @type {number[]} */
  const painted = [];
  const s = createScheduler(
    (flags) => painted.push(flags),
    () => {},
  );
  const el = /** @type {Element & { isConnected: boolean }} */ (
    /** @type {unknown} */ ({ isConnected: false, ownerDocument: doc })
  );
  return { painted, s, el };
}

describe("the scheduler's first frame", () => {
  const g = /** @type {any} */ (globalThis);
  const had = "requestAnimationFrame" in g;
  beforeEach(() => {
    // node has no animation frames: stand-ins for the fake timers to replace
    if (!had) {
      g.requestAnimationFrame = () => 0;
      g.cancelAnimationFrame = () => {};
    }
  });
  afterEach(() => {
    vi.useRealTimers();
    if (!had) {
      delete g.requestAnimationFrame;
      delete g.cancelAnimationFrame;
    }
  });

  it("is drawn as soon as the view is in the document, not at the next animation frame", () => {
    const { painted, s, el } = start();
    s.schedule(ALL);
    s.drawWhenAttached(el);
    vi.advanceTimersByTime(10); // tasks run, no frame yet (16 ms): not attached, nothing drawn
    expect(painted).toEqual([]);
    el.isConnected = true;
    vi.advanceTimersByTime(1); // the next task, still before the frame
    expect(painted).toEqual([ALL]);
    vi.advanceTimersByTime(100); // the animation frame asked for has been cancelled
    expect(painted).toEqual([ALL]);
    s.schedule(VIEW); // later changes wait for a frame as before
    expect(painted).toEqual([ALL]);
    vi.advanceTimersByTime(17);
    expect(painted).toEqual([ALL, VIEW]);
  });

  it("stops looking once the animation frame has drawn, and after destroy", () => {
    const { painted, s, el } = start();
    s.drawWhenAttached(el);
    s.schedule(ALL);
    vi.advanceTimersByTime(20); // the frame came first (a detached view is drawn too)
    expect(painted).toEqual([ALL]);
    expect(vi.getTimerCount()).toBe(0); // no check left polling
    const t = createScheduler(
      (flags) => painted.push(flags),
      () => {},
    );
    t.drawWhenAttached(el);
    t.destroy();
    vi.advanceTimersByTime(50);
    expect(painted).toEqual([ALL]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is drawn when a mutation of the document shows the view there, before any task", () => {
    /** @type {{ target: unknown, options: unknown, callback: () => void, live: boolean }[]} */
    const observers = [];
    const g2 = /** @type {any} */ (globalThis);
    const hadObserver = "MutationObserver" in g2;
    const saved = g2.MutationObserver;
    g2.MutationObserver = class {
      /** @param {() => void} callback */
      constructor(callback) {
        this.o = { target: null, options: null, callback, live: false };
        observers.push(this.o);
      }
      /** @param {unknown} target @param {unknown} options */
      observe(target, options) {
        Object.assign(this.o, { target, options, live: true });
      }
      disconnect() {
        this.o.live = false;
      }
    };
    try {
      const doc = /** @type {Document} */ (/** @type {unknown} */ ({}));
      const { painted, s, el } = start(doc);
      s.schedule(ALL);
      s.drawWhenAttached(el);
      expect(observers).toHaveLength(1);
      expect(observers[0]).toMatchObject({ target: doc, options: { childList: true, subtree: true } });
      observers[0].callback(); // a mutation elsewhere: not attached yet, keeps watching
      expect(painted).toEqual([]);
      expect(observers[0].live).toBe(true);
      el.isConnected = true;
      observers[0].callback(); // the host inserted the view: drawn in that task
      expect(painted).toEqual([ALL]);
      expect(observers[0].live).toBe(false);
      vi.advanceTimersByTime(100); // no second draw from the task check or the frame
      expect(painted).toEqual([ALL]);
      expect(vi.getTimerCount()).toBe(0);

      // the frame came first: the observer is let go by the next check
      const t = createScheduler(
        (flags) => painted.push(flags),
        () => {},
      );
      const el2 = /** @type {Element} */ (
        /** @type {unknown} */ ({ isConnected: false, ownerDocument: doc })
      );
      t.schedule(VIEW);
      t.drawWhenAttached(el2);
      vi.advanceTimersByTime(20);
      expect(painted).toEqual([ALL, ALL]); // a new view's first frame draws everything
      expect(observers[1].live).toBe(false);
      // destroyed while waiting: let go at once
      const u = createScheduler(
        (flags) => painted.push(flags),
        () => {},
      );
      u.schedule(ALL);
      u.drawWhenAttached(el2);
      expect(observers[2].live).toBe(true);
      u.destroy();
      expect(observers[2].live).toBe(false);
    } finally {
      if (hadObserver) g2.MutationObserver = saved;
      else delete g2.MutationObserver;
    }
  });
});
