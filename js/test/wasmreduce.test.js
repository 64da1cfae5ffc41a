import { afterEach, describe, expect, it } from "vitest";
import { matrix, rng } from "./rng.js";
import { axisBlocks, buildPyramid, buildStack, pixelRanges, reduceImage } from "../data/reduce.js";
import { wasmSwitch } from "../data/wasmreduce.js";
import { colorize, packLut, packRGB } from "../render/color.js";
import { wasmColour } from "../render/wasmcolour.js";
// @ts-ignore: a Node script, outside the typechecked tree
import { assemble, currentText, moduleText } from "../../tools/build_wasm.mjs";

afterEach(() => {
  wasmSwitch.enabled = true;
});

/**
 * Pixel blocks of an h x w plot of `view` over a rows x cols matrix.
 * @param {number} rows
 * @param {number} cols
 * @param {number[]} view row0, row1, col0, col1
 * @param {number} w
 * @param {number} h
 * @param {number} topA
 * @param {number} topB
 */
function blocks(rows, cols, view, w, h, topA, topB) {
  const rlo = new Int32Array(h);
  const rhi = new Int32Array(h);
  const clo = new Int32Array(w);
  const chi = new Int32Array(w);
  pixelRanges(view[0], view[1], rows, rlo, rhi);
  pixelRanges(view[2], view[3], cols, clo, chi);
  return { rows: axisBlocks(rlo, rhi, topA), cols: axisBlocks(clo, chi, topB) };
}

describe("reduce.wat", () => {
  it("is what js/data/reducewasm.js holds (run npm run build:wasm after editing it)", async () => {
    const bytes = await assemble();
    expect(currentText()).toBe(moduleText(bytes));
  });
});

describe("reduceImage in WebAssembly", () => {
  it("gives the same bits as the JavaScript loop, for every panel of random stacks", () => {
    const rand = rng(7);
    const before = wasmSwitch.runs;
    let compared = 0;
    for (let trial = 0; trial < 40; trial++) {
      const rows = 1 + Math.floor(rand() * 300);
      const cols = 1 + Math.floor(rand() * 300);
      const panels = 1 + Math.floor(rand() * 3);
      const values = new Float32Array(panels * rows * cols);
      for (let p = 0; p < panels; p++) values.set(matrix(rows, cols, rand), p * rows * cols);
      const st = buildStack(values, rows, cols, panels, rand() < 0.8, rand() < 0.8);
      const w = 1 + Math.floor(rand() * 90);
      const h = 1 + Math.floor(rand() * 90);
      const r0 = rand() * rows * 0.5;
      const c0 = rand() * cols * 0.5;
      const view = [r0, r0 + (rows - r0) * (0.2 + 0.8 * rand()), c0, c0 + (cols - c0) * (0.2 + 0.8 * rand())];
      const b = blocks(rows, cols, view, w, h, st.topA, st.topB);
      for (let p = 0; p < panels; p++) {
        const got = new Float32Array(w * h);
        const want = new Float32Array(w * h);
        reduceImage(st.pyramids[p], b.rows, b.cols, got);
        wasmSwitch.enabled = false;
        reduceImage(st.pyramids[p], b.rows, b.cols, want);
        wasmSwitch.enabled = true;
        expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
    // the WebAssembly loop ran, for stacks without levels too
    expect(wasmSwitch.runs - before).toBe(compared);
  });

  it("keeps the stack's levels as they were built, now in its memory", () => {
    const rand = rng(3);
    const values = matrix(257, 300, rand);
    const st = buildStack(values, 257, 300, 1, true, true);
    const fresh = buildPyramid(values, 257, 300, true, true);
    const b = blocks(257, 300, [0, 257, 0, 300], 40, 30, st.topA, st.topB);
    const before = wasmSwitch.runs;
    reduceImage(st.pyramids[0], b.rows, b.cols, new Float32Array(40 * 30));
    expect(wasmSwitch.runs).toBe(before + 1);
    const { levels } = st.pyramids[0];
    expect(levels[0]).toBe(values); // the matrix's own array, not the copy
    expect(levels[1].buffer).not.toBe(fresh.levels[1].buffer);
    expect(levels[1].buffer).toBe(levels[levels.length - 1].buffer); // one memory
    levels.forEach((lv, k) => expect(lv).toEqual(fresh.levels[k]));
  });

  it("makes a bigger arena when a view needs more scratch space, and stays exact", () => {
    const rand = rng(11);
    const values = matrix(400, 400, rand);
    const st = buildStack(values, 400, 400, 1, true, true);
    for (const size of [20, 1200]) {
      const b = blocks(400, 400, [0, 400, 0, 400], size, 40, st.topA, st.topB);
      const got = new Float32Array(size * 40);
      const want = new Float32Array(size * 40);
      reduceImage(st.pyramids[0], b.rows, b.cols, got);
      wasmSwitch.enabled = false;
      reduceImage(st.pyramids[0], b.rows, b.cols, want);
      wasmSwitch.enabled = true;
      expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
    }
  });

  it("leaves pyramids made outside a stack, and a switched-off module, to JavaScript", () => {
    const values = matrix(64, 64, rng(5));
    const pyr = buildPyramid(values, 64, 64, true, true);
    const b = blocks(64, 64, [0, 64, 0, 64], 10, 10, pyr.topA, pyr.topB);
    const before = wasmSwitch.runs;
    reduceImage(pyr, b.rows, b.cols, new Float32Array(100));
    const st = buildStack(values, 64, 64, 1, true, true);
    wasmSwitch.enabled = false;
    reduceImage(st.pyramids[0], b.rows, b.cols, new Float32Array(100));
    expect(wasmSwitch.runs).toBe(before);
  });
});

describe("colouring in WebAssembly", () => {
  /**
   * A LUT whose 256 entries all differ, and its packed colours.
   * @param {() => number} rand
   */
  function lut(rand) {
    const l = new Uint8Array(1024);
    for (let i = 0; i < 1024; i++) l[i] = Math.floor(rand() * 256);
    for (let i = 0; i < 256; i++) l[4 * i] = i; // every entry its own colour
    const packed = new Uint32Array(256);
    packLut(l, packed);
    return { l, packed };
  }

  /**
   * Values at and around every LUT bin edge of [vmin, vmax], and beyond both ends.
   * @param {number} vmin
   * @param {number} vmax
   * @param {number} n
   */
  function edges(vmin, vmax, n) {
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const k = (i % 260) - 2;
      const x = Math.fround(vmin + ((vmax - vmin) * k) / 256);
      const f = new Float32Array([x]);
      const u = new Int32Array(f.buffer);
      u[0] += (i % 3) - 1; // the float32 below, at, and above the edge
      v[i] = f[0];
    }
    return v;
  }

  it("gives every value the colour colorize gives, bit for bit", () => {
    const rand = rng(21);
    const before = wasmSwitch.colours;
    const scales = [
      { vmin: -2, vmax: 3, center: null },
      { vmin: -1.5, vmax: 1.5, center: 0 },
      { vmin: -1, vmax: 4, center: 0.25 },
      { vmin: 0.1, vmax: 0.1000001, center: null },
      { vmin: 1e-30, vmax: 3e38, center: null },
      { vmin: -7, vmax: -7, center: null }, // every u is NaN: colour 0, as packed[NaN]
      { vmin: 2, vmax: 2, center: 2 },
    ];
    for (const sc of scales) {
      const { l, packed } = lut(rand);
      const scale = { lut: l, ...sc, nan: /** @type {[number, number, number]} */ ([1, 2, 3]) };
      const nan = packRGB(1, 2, 3);
      for (const values of [matrix(37, 53, rand), edges(sc.vmin, sc.vmax, 3000)]) {
        // runs of equal values too (a value repeats the colour of the one before)
        for (let i = 5; i < values.length; i += 7) values[i] = values[i - 1];
        const want = new Uint32Array(values.length);
        colorize(values, want, packed, scale);
        const got = new Uint32Array(values.length);
        expect(wasmColour(values, values.length, 1, got, 0, values.length, packed, nan, scale)).toBe(true);
        expect(got).toEqual(want);
      }
    }
    expect(wasmSwitch.colours - before).toBe(2 * scales.length);
  });

  it("writes rows into a wider picture, a chunk of memory at a time", () => {
    const rand = rng(5);
    const { l, packed } = lut(rand);
    const scale = {
      lut: l,
      vmin: -1,
      vmax: 1,
      center: null,
      nan: /** @type {[number, number, number]} */ ([0, 0, 0]),
    };
    const nan = packRGB(0, 0, 0);
    // 600 x 1000 values: more than one chunk (2^18), placed at (7, 3) of a 1013-wide picture
    const w = 1000;
    const h = 600;
    const values = matrix(h, w, rand);
    const stride = 1013;
    const out = new Uint32Array(stride * (h + 5)).fill(0xdeadbeef);
    expect(wasmColour(values, w, h, out, 3 * stride + 7, stride, packed, nan, scale)).toBe(true);
    const want = new Uint32Array(w * h);
    colorize(values, want, packed, scale);
    for (let y = 0; y < h + 5; y++) {
      for (let x = 0; x < stride; x++) {
        const inside = y >= 3 && y < 3 + h && x >= 7 && x < 7 + w;
        const expected = inside ? want[(y - 3) * w + (x - 7)] : 0xdeadbeef;
        if (out[y * stride + x] !== expected) expect([y, x, out[y * stride + x]]).toEqual([y, x, expected]);
      }
    }
    // one run longer than a chunk
    const flat = new Uint32Array(w * h);
    expect(wasmColour(values, w * h, 1, flat, 0, w * h, packed, nan, scale)).toBe(true);
    expect(flat).toEqual(want);
  });

  it("does nothing when switched off (the caller colours in JavaScript)", () => {
    wasmSwitch.enabled = false;
    const out = new Uint32Array(4);
    const scale = {
      lut: new Uint8Array(1024),
      vmin: 0,
      vmax: 1,
      center: null,
      nan: /** @type {[number, number, number]} */ ([0, 0, 0]),
    };
    expect(wasmColour(new Float32Array(4), 4, 1, out, 0, 4, new Uint32Array(256), 0, scale)).toBe(false);
  });
});
