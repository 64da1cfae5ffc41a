import { describe, expect, it } from "vitest";
import { rng } from "./rng.js";
import {
  axisBlocks,
  buildPyramid,
  buildStack,
  createPyramidCache,
  pixelRanges,
  pyramidSize,
  reduceImage,
  stackSize,
} from "../data/reduce.js";
import { decodeMatrix } from "../data/data.js";
import { linearLayout } from "../render/gl.js";
import { coversCanvas, createPanelKey, panelsToDraw, wholeCanvas } from "../render/stack.js";

/**
 * A stack of small random values (|v| < 1), panel-major.
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 * @param {number} seed
 */
function stackValues(panels, rows, cols, seed) {
  const rand = rng(seed);
  const v = new Float32Array(panels * rows * cols);
  for (let i = 0; i < v.length; i++) v[i] = rand() < 0.05 ? NaN : rand() - 0.5;
  return v;
}

describe("the pyramids of a stack of panels", () => {
  it("never merge cells of two panels", () => {
    const [P, R, C] = [6, 70, 45];
    const values = stackValues(P, R, C, 1);
    const strong = 1000;
    // in panel 3, at its last row and column: the block that merges it would run into
    // panel 4 if levels were built over the stack as one matrix
    values[(3 * R + (R - 1)) * C + (C - 1)] = strong;
    const st = buildStack(values, R, C, P, true, true);
    expect(st.pyramids.length).toBe(P);
    for (let p = 0; p < P; p++) {
      const levels = st.pyramids[p].levels;
      for (let k = 0; k < levels.length; k++) {
        expect(levels[k].includes(strong), `panel ${p} level ${k}`).toBe(p === 3);
      }
    }
    // the coarsest level of panel 3 holds it; of the others, only their own small values
    const top = (/** @type {number} */ p) => st.pyramids[p].levels[st.pyramids[p].levels.length - 1];
    expect(top(3).length).toBeLessThan((R * C) / 100);
    expect(top(3).includes(strong)).toBe(true);
    for (const p of [0, 1, 2, 4, 5]) expect(top(p).every((v) => !(Math.abs(v) >= 1))).toBe(true);
  });

  it("equal each panel's own pyramid, laid end to end at a fixed stride", () => {
    const [P, R, C] = [5, 33, 90];
    const values = stackValues(P, R, C, 2);
    for (const [rl, cl] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const st = buildStack(values, R, C, P, rl, cl);
      const one = pyramidSize(R, C, rl, cl);
      expect(st.stride).toBe(one);
      expect(st.total).toBe(P * one);
      expect(stackSize(R, C, P, rl, cl)).toBe(P * one);
      // the linear texture's contents, as gl.js writes them
      const linear = new Float32Array(st.total);
      for (let p = 0; p < P; p++) {
        const pyr = st.pyramids[p];
        expect(Array.from(pyr.offsets)).toEqual(Array.from(st.offsets));
        for (let k = 0; k < pyr.levels.length; k++) linear.set(pyr.levels[k], p * st.stride + st.offsets[k]);
      }
      for (let p = 0; p < P; p++) {
        const own = buildPyramid(values.slice(p * R * C, (p + 1) * R * C), R, C, rl, cl);
        expect(own.total).toBe(st.stride);
        for (let k = 0; k < own.levels.length; k++) {
          const at = p * st.stride + own.offsets[k];
          expect(linear.subarray(at, at + own.levels[k].length)).toEqual(own.levels[k]);
        }
      }
    }
  });

  it("count every panel against the texture limit", () => {
    // 100 x 100: 10000 values a panel, 17956 with both levels; 256^2 = 65536 texels
    expect(linearLayout(stackSize(100, 100, 6, false, false), 256)).not.toBeNull();
    expect(linearLayout(stackSize(100, 100, 7, false, false), 256)).toBeNull();
    expect(linearLayout(stackSize(100, 100, 3, true, true), 256)).not.toBeNull();
    expect(linearLayout(stackSize(100, 100, 4, true, true), 256)).toBeNull();
    expect(stackSize(100, 100, 1, true, true)).toBe(pyramidSize(100, 100, true, true));
  });

  it("show each panel's strongest cells at every pixel (the renderers' reduction per panel)", () => {
    const [P, R, C] = [4, 200, 150];
    const values = stackValues(P, R, C, 3);
    const [w, h] = [17, 23];
    const rlo = new Int32Array(h);
    const rhi = new Int32Array(h);
    const clo = new Int32Array(w);
    const chi = new Int32Array(w);
    const rr = pixelRanges(0, R, R, rlo, rhi);
    const cr = pixelRanges(10.5, 140, C, clo, chi);
    const st = buildStack(values, R, C, P, rr, cr);
    for (let p = 0; p < P; p++) {
      const alone = buildPyramid(values.slice(p * R * C, (p + 1) * R * C), R, C, rr, cr);
      const got = new Float32Array(w * h);
      const want = new Float32Array(w * h);
      reduceImage(st.pyramids[p], axisBlocks(rlo, rhi, st.topA), axisBlocks(clo, chi, st.topB), got);
      reduceImage(alone, axisBlocks(rlo, rhi, alone.topA), axisBlocks(clo, chi, alone.topB), want);
      expect(got).toEqual(want);
    }
  });

  it("are cached: built once, extended, shared with the single-matrix pyramid", () => {
    const cache = createPyramidCache();
    const values = stackValues(3, 300, 200, 4);
    const rowsOnly = cache.stack(values, 300, 200, 3, true, false);
    expect(cache.stack(values, 300, 200, 3, false, false)).toBe(rowsOnly);
    const both = cache.stack(values, 300, 200, 3, false, true);
    expect(both).not.toBe(rowsOnly);
    expect(both.rowLevels && both.colLevels).toBe(true);
    for (let p = 0; p < 3; p++) {
      const a = rowsOnly.pyramids[p];
      const b = both.pyramids[p];
      for (let k = 0; k <= a.topA; k++) expect(b.levels[k * (b.topB + 1)]).toBe(a.levels[k]);
    }
    // one panel: the stack's pyramid is the matrix's (its values, not a copy)
    const single = new Float32Array(64 * 64).fill(1);
    const pyr = cache.get(single, 64, 64, true, true);
    expect(pyr.levels[0]).toBe(single);
    expect(cache.stack(single, 64, 64, 1, true, true).pyramids[0]).toBe(pyr);
  });
});

describe("panels to draw", () => {
  it("default to one panel filling the canvas, without allocating", () => {
    const whole = wholeCanvas();
    const list = panelsToDraw(undefined, 1, 300, 200, whole);
    expect(list).toBe(whole);
    expect(list[0]).toEqual({ index: 0, x: 0, y: 0, w: 300, h: 200 });
    expect(coversCanvas(list, 300, 200)).toBe(true);
    expect(panelsToDraw(undefined, 1, 0, 200, whole)).toEqual([]);
  });
  it("keep the given array when every panel can be drawn, else only those that can", () => {
    const whole = wholeCanvas();
    const panels = [0, 1, 2, 3, 4, 5].map((i) => ({
      index: i,
      x: (i % 3) * 50,
      y: Math.floor(i / 3) * 40,
      w: 40,
      h: 30,
    }));
    expect(panelsToDraw(panels, 6, 150, 80, whole)).toBe(panels);
    expect(coversCanvas(panels, 150, 80)).toBe(false);
    const bad = [
      ...panels,
      { index: 6, x: 0, y: 0, w: 40, h: 30 }, // not in the stack
      { index: 1, x: 120, y: 0, w: 40, h: 30 }, // past the right edge
      { index: 1, x: 0, y: 0, w: 41, h: 30 }, // another size
      { index: 1.5, x: 0, y: 0, w: 40, h: 30 },
    ];
    expect(panelsToDraw(bad, 6, 150, 80, whole)).toEqual(panels);
    expect(panelsToDraw([{ index: 0, x: 0, y: 0, w: 0, h: 30 }], 6, 150, 80, whole)).toEqual([]);
  });
  it("are remembered by index and place", () => {
    const key = createPanelKey();
    const a = [{ index: 0, x: 0, y: 0, w: 4, h: 4 }];
    expect(key.same(a)).toBe(false);
    key.set(a);
    expect(key.same([{ ...a[0] }])).toBe(true);
    expect(key.same([{ ...a[0], index: 1 }])).toBe(false);
    expect(key.same([{ ...a[0], x: 1 }])).toBe(false);
    expect(key.same([...a, ...a])).toBe(false);
    key.clear();
    expect(key.same(a)).toBe(false);
  });
});

describe("decodeMatrix with panels", () => {
  /** @param {number} n */
  const floats = (n) => new DataView(new Float32Array(n).map((_, i) => i).buffer);
  it("decodes a stack, panel-major", () => {
    const res = decodeMatrix([2, 3], floats(4 * 6), null, 4);
    if (!("data" in res)) throw new Error(res.error);
    expect(res.data.panels).toBe(4);
    expect(res.data.values.length).toBe(24);
    expect(res.data.values[(3 * 2 + 1) * 3 + 2]).toBe(23);
  });
  it("decodes a single matrix exactly as before (no panels key)", () => {
    const res = decodeMatrix([2, 3], floats(6), null);
    expect("data" in res && !("panels" in res.data)).toBe(true);
    const one = decodeMatrix([2, 3], floats(6), null, 1);
    expect("data" in one && !("panels" in one.data)).toBe(true);
  });
  it("explains a stack whose bytes or panels do not fit", () => {
    expect(decodeMatrix([2, 3], floats(6), null, 4)).toEqual({
      error: "_values holds 6 float32 values but 4 panels of _shape 2\u00d73 need 24",
    });
    expect(decodeMatrix([2, 3], floats(12), new DataView(new ArrayBuffer(8 * 6)), 2)).toEqual({
      error: "_exact holds 6 float64 values but 2 panels of _shape 2\u00d73 need 12 (or none)",
    });
    for (const bad of [0, -1, 1.5, "2", null, NaN]) {
      expect("error" in decodeMatrix([2, 3], floats(6), null, bad)).toBe(true);
    }
  });
});
