import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createScheduler } from "../view/scheduler.js";
import { ALL, VIEW } from "../view/state.js";

/** Fake timers and frames, a scheduler that records what it paints, a detached root. */
function start() {
  vi.useFakeTimers({ toFake: ["setTimeout", "requestAnimationFrame", "cancelAnimationFrame"] });
  /** @type {number[]} */
  const painted = [];
  const s = createScheduler(
    (flags) => painted.push(flags),
    () => {},
  );
  const el = /** @type {Element & { isConnected: boolean }} */ (
    /** @type {unknown} */ ({ isConnected: false })
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
});
