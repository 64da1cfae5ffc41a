import { describe, expect, it } from "vitest";
import { maxTickCount } from "../render/colorbar.js";
import { formatTick, niceTicks } from "../render/ticks.js";

describe("niceTicks", () => {
  it("includes round ends", () => {
    expect(niceTicks(-1.5, 1.5, 9).values).toEqual([-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
    expect(niceTicks(-1.5, 1.5, 16).values).toEqual([-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
    expect(niceTicks(-0.1, 0.1, 9).values).toEqual([-0.1, -0.05, 0, 0.05, 0.1]);
    expect(niceTicks(0, 1, 6).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
  it("uses 1-2-5 steps and stays within the range and the count", () => {
    for (const [lo, hi, n] of [
      [-0.0987, 0.1044, 8],
      [0, 7, 4],
      [-3.3, 12345, 7],
      [1e-9, 3e-9, 5],
      [-1.5, 1.5, 3],
      [100, 100.5, 6],
    ]) {
      const { values, step } = niceTicks(lo, hi, n);
      expect(values.length).toBeGreaterThanOrEqual(2);
      expect(values.length).toBeLessThanOrEqual(n);
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(v).toBeLessThanOrEqual(hi + 1e-12);
      }
    }
  });
  it("gives at least three ticks on a short bar", () => {
    expect(niceTicks(-1.5, 1.5, maxTickCount(136)).values).toEqual([-1, 0, 1]);
  });
  it("gives fewer on a bar too short for three labels", () => {
    expect(maxTickCount(44)).toBe(2);
    expect(niceTicks(-1.5, 1.5, maxTickCount(44)).values.length).toBeLessThanOrEqual(2);
  });
  it("returns nothing for an empty or invalid range", () => {
    expect(niceTicks(1, 1, 5).values).toEqual([]);
    expect(niceTicks(NaN, 1, 5).values).toEqual([]);
  });
});

describe("formatTick", () => {
  it("uses the decimals of the step, an ASCII minus and no negative zero", () => {
    expect(formatTick(-1.5, 0.5)).toBe("-1.5");
    expect(formatTick(-1, 0.5)).toBe("-1.0");
    expect(formatTick(0, 0.05)).toBe("0.00");
    expect(formatTick(-1e-17, 0.05)).toBe("0.00");
    expect(formatTick(10, 5)).toBe("10");
    expect(formatTick(2e-9, 1e-9)).toBe("2e-9");
  });
});

describe("niceTicks on spans float64 cannot step through", () => {
  it("gives no ticks, at once, rather than looping past 2**53", () => {
    for (const [lo, hi] of [
      [1, 1 + 2 ** -52], // adjacent floats: a valid vmin < vmax
      [-1.7e308, 1.7e308], // vmax - vmin overflows
      [0, 5e-324],
      [1e15, 1e15 + 2],
    ]) {
      expect(niceTicks(lo, hi, 8)).toEqual({ values: [], step: 0 });
    }
  });
  it("still ticks a large but ordinary span", () => {
    expect(niceTicks(-1e300, 1e300, 8).values).toContain(0);
    expect(niceTicks(1e6, 1e6 + 1, 4).values).toEqual([1e6, 1e6 + 0.5, 1e6 + 1]);
  });
});
