import { describe, expect, it } from "vitest";
import {
  formatValue,
  linkedRange,
  moveEnd,
  niceStep,
  parseEnd,
  snap,
  trackBounds,
} from "../range/rangemath.js";

describe("track bounds", () => {
  it("cover the data, the range and the centre, with a margin", () => {
    const [lo, hi] = trackBounds([-0.1, 0.2], -1.5, 1.5, 0, false);
    expect(lo).toBeCloseTo(-1.65, 12);
    expect(hi).toBeCloseTo(1.65, 12);
    const [a, b] = trackBounds([2, 10], 3, 5, null, false);
    expect(a).toBeCloseTo(1.6, 12);
    expect(b).toBeCloseTo(10.4, 12);
    const [c, d] = trackBounds([2, 10], 3, 5, 0, false); // the centre is included
    expect(c).toBeCloseTo(-0.5, 12);
    expect(d).toBeCloseTo(10.5, 12);
  });
  it("are symmetric about the centre in symmetric mode", () => {
    const [lo, hi] = trackBounds([-0.5, 2], -1, 1, 0, true);
    expect(lo).toBeCloseTo(-2.2, 12);
    expect(hi).toBeCloseTo(2.2, 12);
  });
  it("handle an all-NaN matrix and a zero-width range", () => {
    const [lo, hi] = trackBounds(null, -1, 1, null, false);
    expect(lo).toBeCloseTo(-1.1, 12);
    expect(hi).toBeCloseTo(1.1, 12);
    const [a, b] = trackBounds([3, 3], 3, 3, null, false);
    expect(a).toBeLessThan(3);
    expect(b).toBeGreaterThan(3);
  });
  it("keeps a finite span for a data range as wide as float64's", () => {
    const [lo, hi] = trackBounds([-1e308, 1e308], -1, 1, 0, true);
    expect(Number.isFinite(hi - lo)).toBe(true);
    expect(lo).toBeLessThan(-3e38);
    expect(hi).toBeGreaterThan(3e38);
  });
});

describe("steps", () => {
  it("are 1-2-5 numbers not above the request", () => {
    expect(niceStep(0.0133)).toBeCloseTo(0.01, 15);
    expect(niceStep(0.033)).toBeCloseTo(0.02, 15);
    expect(niceStep(7)).toBe(5);
    expect(niceStep(100)).toBe(100);
  });
  it("snap without binary noise", () => {
    expect(snap(0.30000000000000004, 0.1)).toBe(0.3);
    expect(snap(1.2345, 0.01)).toBe(1.23);
    expect(snap(-0.004, 0.01)).toBe(0);
    expect(Object.is(snap(-0.004, 0.01), -0)).toBe(false);
  });
});

describe("moving an end", () => {
  const s = { vmin: -1.5, vmax: 1.5, center: 0, symmetric: false, lo: -1.65, hi: 1.65, step: 0.01 };
  it("snaps and keeps the other end", () => {
    expect(moveEnd("max", 0.7234, s)).toEqual([-1.5, 0.72]);
    expect(moveEnd("min", -0.3333, s)).toEqual([-0.33, 1.5]);
  });
  it("stays inside the track and never crosses the other end", () => {
    expect(moveEnd("max", 9, s)).toEqual([-1.5, 1.65]);
    expect(moveEnd("max", -3, s)).toEqual([-1.5, -1.49]);
    expect(moveEnd("min", 3, s)).toEqual([1.49, 1.5]);
  });
  it("mirrors the other end about the centre in symmetric mode", () => {
    const sym = { ...s, symmetric: true };
    expect(moveEnd("max", 0.5, sym)).toEqual([-0.5, 0.5]);
    expect(moveEnd("min", -0.25, sym)).toEqual([-0.25, 0.25]);
    expect(moveEnd("max", -1, sym)).toEqual([-0.01, 0.01]); // stops just above the centre
    expect(moveEnd("max", 0.5, { ...sym, center: 0.1 })).toEqual([-0.3, 0.5]);
    // without a centre there is nothing to mirror about
    expect(moveEnd("max", 0.5, { ...sym, center: null })).toEqual([-1.5, 0.5]);
  });
});

describe("typed ends", () => {
  const s = { vmin: -1, vmax: 2, center: 0, symmetric: false };
  it("accept numbers on the right side of the other end", () => {
    expect(parseEnd(" 1.25 ", "max", s)).toEqual({ range: [-1, 1.25] });
    expect(parseEnd("\u22120.5", "min", s)).toEqual({ range: [-0.5, 2] });
    expect(parseEnd("1e-3", "min", s)).toEqual({ range: [0.001, 2] });
  });
  it("explain what is wrong", () => {
    expect(parseEnd("abc", "max", s)).toEqual({ error: '"abc" is not a number' });
    expect(parseEnd("", "max", s)).toEqual({ error: '"" is not a number' });
    expect(parseEnd("-1", "max", s)).toEqual({ error: "must be above the minimum (-1)" });
    expect(parseEnd("2", "min", s)).toEqual({ error: "must be below the maximum (2)" });
  });
  it("mirror in symmetric mode", () => {
    const sym = { ...s, symmetric: true };
    expect(parseEnd("0.3", "max", sym)).toEqual({ range: [-0.3, 0.3] });
    expect(parseEnd("0.3", "min", sym)).toEqual({ error: "must be below the centre (0)" });
  });
  it("format short", () => {
    expect(formatValue(-0.09870000183582306)).toBe("-0.0987");
    expect(formatValue(1.5)).toBe("1.5");
    expect(formatValue(-0)).toBe("0");
    expect(formatValue(123456789)).toBe("123500000");
    expect(formatValue(0.1961845)).toBe("0.1962");
  });
});

describe("linked color_range", () => {
  it("takes a valid pair as it is", () => {
    expect(linkedRange([-0.5, 2], -1, 1, 0, false)).toEqual([-0.5, 2]);
    expect(linkedRange([-1, 1], -1, 1, 0, true)).toEqual([-1, 1]); // nothing moved
    expect(linkedRange([-0.3, 0.4], -1, 1, 0, true)).toEqual([-0.3, 0.4]); // both ends moved
  });
  it("mirrors the end a symmetric slider did not move", () => {
    expect(linkedRange([-1, 0.97], -1, 1, 0, true)).toEqual([-0.97, 0.97]);
    expect(linkedRange([-0.2, 1], -1, 1, 0, true)).toEqual([-0.2, 0.2]);
    expect(linkedRange([-1, 0.7], -1, 1, 0.1, true)).toEqual([-0.5, 0.7]);
    expect(linkedRange([-1, 0.97], -1, 1, null, true)).toEqual([-1, 0.97]); // no centre
    expect(linkedRange([-1, -0.5], -1, 1, 0, true)).toEqual([-1, -0.5]); // past the centre: as is
  });
  it("rejects what is not a range", () => {
    expect(linkedRange([1, 1], -1, 1, 0, false)).toBeNull();
    expect(linkedRange([2, 1], -1, 1, 0, false)).toBeNull();
    expect(linkedRange(null, -1, 1, 0, false)).toBeNull();
    expect(linkedRange([0, "x"], -1, 1, 0, false)).toBeNull();
    // numbers only: Number() would read "0.5" or [0.5] as 0.5, and throws for this object
    expect(linkedRange(["-0.5", 2], -1, 1, 0, false)).toBeNull();
    expect(linkedRange([[-0.5], 2], -1, 1, 0, false)).toBeNull();
    expect(linkedRange([{ valueOf: 1, toString: 1 }, 2], -1, 1, 0, false)).toBeNull();
    expect(linkedRange([-0.5, 2, 3], -1, 1, 0, false)).toBeNull();
  });
});
