import { afterEach, describe, expect, it } from "vitest";
import { matrix, rng } from "./rng.js";
import { axisBlocks, buildPyramid, buildStack, pixelRanges, reduceImage } from "../data/reduce.js";
import { wasmSwitch } from "../data/wasmreduce.js";
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
    // the WebAssembly loop ran (stacks without levels take reduceImage's values-only path)
    expect(wasmSwitch.runs - before).toBeGreaterThan(30);
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
