import { describe, expect, it } from "vitest";
import {
  boxView,
  clampAxis,
  clampView,
  minSpan,
  panBy,
  pinchView,
  sameView,
  scrollIntoView,
  viewCorrected,
  viewFromTrait,
  viewToTrait,
  wheelZoomFactor,
  zoomAt,
} from "../interact/zoom.js";

const full = (/** @type {number} */ rows, /** @type {number} */ cols) => ({
  row0: 0,
  row1: rows,
  col0: 0,
  col1: cols,
});

describe("clamping", () => {
  it("keeps a span between a few cells and the whole axis, inside the matrix", () => {
    expect(minSpan(1000)).toBe(2);
    expect(minSpan(1)).toBe(1);
    expect(clampAxis(-5, 10, 100)).toEqual([0, 15]);
    expect(clampAxis(95, 110, 100)).toEqual([85, 100]);
    expect(clampAxis(-50, 300, 100)).toEqual([0, 100]);
    expect(clampAxis(10, 10.5, 100)).toEqual([9.25, 11.25]); // too small: grows about its centre
    expect(clampAxis(0, 0.1, 1)).toEqual([0, 1]); // never less than one cell
    expect(clampAxis(NaN, 3, 10)).toEqual([0, 10]);
  });
  it("clamps rows and columns independently", () => {
    expect(clampView(-1, 3, 50, 80, 10, 60)).toEqual({ row0: 0, row1: 4, col0: 30, col1: 60 });
  });
});

describe("zoomAt", () => {
  it("keeps the point under the pointer fixed", () => {
    const v = zoomAt(full(40, 30), 0.25, 0.5, 2, 40, 30);
    expect(v).toEqual({ row0: 5, row1: 25, col0: 7.5, col1: 22.5 });
    const w = zoomAt(v, 0.1, 0.9, 1.7, 40, 30);
    expect(w.row0 + 0.1 * (w.row1 - w.row0)).toBeCloseTo(v.row0 + 0.1 * (v.row1 - v.row0), 12);
    expect(w.col0 + 0.9 * (w.col1 - w.col0)).toBeCloseTo(v.col0 + 0.9 * (v.col1 - v.col0), 12);
  });
  it("stops at a few cells and at the whole matrix", () => {
    let v = full(1000, 1000);
    for (let i = 0; i < 100; i++) v = zoomAt(v, 0.3, 0.7, 2, 1000, 1000);
    expect(v.row1 - v.row0).toBe(2);
    expect(v.col1 - v.col0).toBe(2);
    for (let i = 0; i < 100; i++) v = zoomAt(v, 0.3, 0.7, 0.5, 1000, 1000);
    expect(v).toEqual(full(1000, 1000));
  });
  it("zooms each axis within its own limits (a single row stays whole)", () => {
    const v = zoomAt(full(1, 50), 0.5, 0.5, 4, 1, 50);
    expect(v).toEqual({ row0: 0, row1: 1, col0: 18.75, col1: 31.25 });
  });
  it("keeps a stretched view's aspect", () => {
    const v = zoomAt({ row0: 0, row1: 10, col0: 0, col1: 40 }, 0.5, 0.5, 2, 100, 100);
    expect((v.col1 - v.col0) / (v.row1 - v.row0)).toBe(4);
  });
});

describe("panBy", () => {
  it("shifts the view and stops at the edges without changing its size", () => {
    const v = { row0: 10, row1: 20, col0: 5, col1: 10 };
    expect(panBy(v, 3, -2, 100, 100)).toEqual({ row0: 13, row1: 23, col0: 3, col1: 8 });
    expect(panBy(v, -50, 500, 100, 100)).toEqual({ row0: 0, row1: 10, col0: 95, col1: 100 });
  });
});

describe("boxView", () => {
  it("maps plot fractions to matrix coordinates, in either drag direction", () => {
    const v = { row0: 10, row1: 30, col0: 0, col1: 10 };
    const a = boxView(v, 0.25, 0.1, 0.75, 0.5, 100, 100);
    expect(a).toEqual({ row0: 15, row1: 25, col0: 1, col1: 5 });
    expect(boxView(v, 0.75, 0.5, 0.25, 0.1, 100, 100)).toEqual(a);
  });
  it("grows a tiny box to the minimum span", () => {
    const v = boxView(full(100, 100), 0.5, 0.5, 0.505, 0.505, 100, 100);
    expect(v.row1 - v.row0).toBe(2);
    expect((v.row0 + v.row1) / 2).toBeCloseTo(50.25, 9);
  });
});

describe("pinchView", () => {
  it("scales about the fingers' midpoint and follows it", () => {
    const start = full(100, 100);
    const v = pinchView(start, 0.5, 0.5, 0.5, 0.5, 2, 100, 100);
    expect(v).toEqual({ row0: 25, row1: 75, col0: 25, col1: 75 });
    const w = pinchView({ row0: 20, row1: 60, col0: 20, col1: 60 }, 0.5, 0.5, 0.25, 0.5, 1, 100, 100);
    expect(w).toEqual({ row0: 30, row1: 70, col0: 20, col1: 60 }); // the point moved up a quarter
  });
});

describe("scrollIntoView", () => {
  it("moves the least needed to show a cell wholly", () => {
    const v = { row0: 10.5, row1: 20.5, col0: 0, col1: 5 };
    expect(scrollIntoView(v, 15, 2, 100, 100)).toBe(v);
    expect(scrollIntoView(v, 10, 2, 100, 100)).toEqual({ row0: 10, row1: 20, col0: 0, col1: 5 });
    expect(scrollIntoView(v, 25, 7, 100, 100)).toEqual({ row0: 16, row1: 26, col0: 3, col1: 8 });
    expect(scrollIntoView(v, -1, 7, 100, 100)).toEqual({ row0: 10.5, row1: 20.5, col0: 3, col1: 8 });
  });
});

describe("wheel", () => {
  it("zooms in for wheel up, out for wheel down, about 1.2x a notch", () => {
    expect(wheelZoomFactor(-100, 0, false)).toBeCloseTo(2 ** 0.2, 12);
    expect(wheelZoomFactor(100, 0, false)).toBeCloseTo(2 ** -0.2, 12);
    expect(wheelZoomFactor(-3, 1, false)).toBeCloseTo(2 ** 0.15, 12);
    expect(wheelZoomFactor(-10, 0, true)).toBeCloseTo(2 ** 0.2, 12); // pinch
    expect(wheelZoomFactor(-1e6, 0, false)).toBe(2); // one event never more than 2x
  });
});

describe("view trait", () => {
  it("reads four numbers, clamped to the matrix, and rejects anything else", () => {
    expect(viewFromTrait([2, 5, 1, 3], 10, 10)).toEqual({ row0: 2, row1: 5, col0: 1, col1: 3 });
    expect(viewFromTrait([-3, 50, 4, 4.5], 10, 10)).toEqual({ row0: 0, row1: 10, col0: 3.25, col1: 5.25 });
    expect(viewFromTrait(null, 10, 10)).toBeNull();
    expect(viewFromTrait([1, 2, 3], 10, 10)).toBeNull();
    expect(viewFromTrait([0, "x", 0, 1], 10, 10)).toBeNull();
    // numbers only: Number() would read these as [2, 5, 0, 3], and throws for the object
    expect(viewFromTrait([[2], [5], [0], [3]], 10, 10)).toBeNull();
    expect(viewFromTrait(["2", "5", "0", "3"], 10, 10)).toBeNull();
    expect(viewFromTrait([{ valueOf: 1, toString: 1 }, 5, 0, 3], 10, 10)).toBeNull();
    expect(viewFromTrait([0, NaN, 0, 1], 10, 10)).toBeNull();
    expect(viewFromTrait([-1e308, 1e308, 0, 1e308], 10, 10)).toEqual({
      row0: 0,
      row1: 10,
      col0: 0,
      col1: 10,
    });
    expect(viewToTrait({ row0: 1, row1: 2, col0: 3, col1: 4 })).toEqual([1, 2, 3, 4]);
  });
  it("compares views up to rounding", () => {
    expect(sameView(full(3, 3), { row0: 1e-12, row1: 3, col0: 0, col1: 3 })).toBe(true);
    expect(sameView(full(3, 3), { row0: 0.01, row1: 3, col0: 0, col1: 3 })).toBe(false);
  });
});

describe("gesture sequences", () => {
  it("always give views Python accepts: 0 <= start < end <= n, span >= min", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [rows, cols] of [
      [1000, 1000],
      [1, 50],
      [37, 3],
      [2, 2],
    ]) {
      let v = { row0: 0, row1: rows, col0: 0, col1: cols };
      for (let i = 0; i < 3000; i++) {
        const r = rnd();
        if (r < 0.4) v = zoomAt(v, rnd() * 1.2 - 0.1, rnd(), 2 ** (rnd() * 2 - 1), rows, cols);
        else if (r < 0.8) v = panBy(v, (rnd() - 0.5) * rows, (rnd() - 0.5) * cols, rows, cols);
        else v = boxView(v, rnd(), rnd(), rnd(), rnd(), rows, cols);
        const [a, b, c, d] = viewToTrait(v);
        expect(a >= 0 && a < b && b <= rows && c >= 0 && c < d && d <= cols).toBe(true);
        expect(b - a).toBeGreaterThanOrEqual(minSpan(rows) - 1e-9);
        expect(d - c).toBeGreaterThanOrEqual(minSpan(cols) - 1e-9);
      }
    }
  });
});

describe("viewCorrected", () => {
  it("is false only for four numbers that are the view shown (a valid view is not echoed)", () => {
    const t = [4.25, 6.25, 0, 2];
    const v = /** @type {import("../render/layout.js").ViewWindow} */ (viewFromTrait(t, 20, 10));
    expect(viewCorrected(t, v)).toBe(false);
    expect(viewCorrected([4.25 + 1e-12, 6.25, 0, 2], v)).toBe(false);
  });
  it("is true when clampView changed the trait, as Python's rule does", () => {
    // narrower than minSpan: widened about its centre, then shifted inside the matrix
    const narrow = [5, 5.5, 0, 0.5];
    const v = /** @type {import("../render/layout.js").ViewWindow} */ (viewFromTrait(narrow, 20, 10));
    expect(viewToTrait(v)).toEqual([4.25, 6.25, 0, 2]);
    expect(viewCorrected(narrow, v)).toBe(true);
    const outside = [30, 40, -5, -1];
    const w = /** @type {import("../render/layout.js").ViewWindow} */ (viewFromTrait(outside, 20, 10));
    expect(viewToTrait(w)).toEqual([10, 20, 0, 4]);
    expect(viewCorrected(outside, w)).toBe(true);
  });
  it("is true for anything that is not four numbers", () => {
    const v = { row0: 0, row1: 20, col0: 0, col1: 10 };
    for (const t of [null, undefined, "nonsense", [0, 20, 0], [0, 20, 0, "10"], [0, 20, 0, NaN]]) {
      expect(viewCorrected(t, v)).toBe(true);
    }
  });
});
