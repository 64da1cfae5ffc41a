import { describe, expect, it } from "vitest";
import { matrix, rng } from "./rng.js";
import { axisBlocks, buildPyramid, pixelRanges, reduceImage } from "../data/reduce.js";
import { createViewImages, matchRanges } from "../data/viewimage.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * The blocks of a view's pixels along both axes.
 * @param {ViewWindow} view
 * @param {number} rows
 * @param {number} cols
 * @param {number} w
 * @param {number} h
 * @param {import("../data/reduce.js").Pyramid} pyr
 */
function blocks(view, rows, cols, w, h, pyr) {
  const rlo = new Int32Array(h);
  const rhi = new Int32Array(h);
  const clo = new Int32Array(w);
  const chi = new Int32Array(w);
  pixelRanges(view.row0, view.row1, rows, rlo, rhi);
  pixelRanges(view.col0, view.col1, cols, clo, chi);
  return { r: axisBlocks(rlo, rhi, pyr.topA), c: axisBlocks(clo, chi, pyr.topB) };
}

/** @param {Float32Array} a */
const bits = (a) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("matchRanges", () => {
  it("finds the earlier pixel with the same cells, or -1", () => {
    const into = new Int32Array(4);
    const found = matchRanges(
      Int32Array.of(2, 4, 6, 9),
      Int32Array.of(4, 6, 8, 11),
      Int32Array.of(0, 2, 4, 7),
      Int32Array.of(2, 4, 7, 9),
      into,
    );
    expect([...into]).toEqual([1, -1, -1, -1]);
    expect(found).toBe(1);
    // repeated ranges (zoomed in along the axis) match the same earlier pixel
    matchRanges(
      Int32Array.of(3, 3, 4, 4),
      Int32Array.of(3, 3, 4, 4),
      Int32Array.of(2, 3, 3),
      Int32Array.of(2, 3, 3),
      into,
    );
    expect([...into]).toEqual([1, 1, -1, -1]);
  });
});

describe("createViewImages", () => {
  it("gives every pixel the value a full reduction gives, through pans, zooms and resizes", () => {
    const rand = rng(7);
    const rows = 300;
    const cols = 220;
    // three panels; the last is drawn only now and then, so its image is from an older view
    const pyrs = [0, 1, 2].map(() => buildPyramid(matrix(rows, cols, rand), rows, cols, true, true));
    const pyr = pyrs[0];
    const images = createViewImages();
    let view = { row0: 0, row1: rows, col0: 0, col1: cols };
    let w = 40;
    let h = 37;
    for (let step = 0; step < 120; step++) {
      const u = rand();
      const spanR = view.row1 - view.row0;
      const spanC = view.col1 - view.col0;
      if (u < 0.6) {
        // a drag: whole device pixels' worth of cells, or any amount
        const dy = rand() < 0.7 ? Math.round((rand() - 0.5) * 10) * (spanR / h) : (rand() - 0.5) * 9;
        const dx = rand() < 0.7 ? Math.round((rand() - 0.5) * 10) * (spanC / w) : (rand() - 0.5) * 9;
        const r0 = Math.min(Math.max(view.row0 + dy, 0), rows - spanR);
        const c0 = Math.min(Math.max(view.col0 + dx, 0), cols - spanC);
        view = { row0: r0, row1: r0 + spanR, col0: c0, col1: c0 + spanC };
      } else if (u < 0.9) {
        const f = 0.8 + rand() * 0.45;
        const sr = Math.min(rows, Math.max(h * 1.5, spanR * f));
        const sc = Math.min(cols, Math.max(w * 1.5, spanC * f));
        const r0 = Math.min(Math.max(view.row0 + (spanR - sr) / 2, 0), rows - sr);
        const c0 = Math.min(Math.max(view.col0 + (spanC - sc) / 2, 0), cols - sc);
        view = { row0: r0, row1: r0 + sr, col0: c0, col1: c0 + sc };
      } else {
        w = 30 + Math.floor(rand() * 20);
        h = 30 + Math.floor(rand() * 20);
      }
      const { r, c } = blocks(view, rows, cols, w, h, pyr);
      for (let p = 0; p < pyrs.length; p++) {
        if (p === 2 && rand() < 0.6) continue;
        const before = images.image(pyrs[p], p, r, c);
        const got = images.image(pyrs[p], p, r, c);
        expect(got).toBe(before); // the same view: the same image, not made again
        const want = new Float32Array(w * h);
        reduceImage(pyrs[p], r, c, want);
        expect(bits(got)).toEqual(bits(want));
      }
    }
  });

  it("copies the pixels a whole-pixel pan keeps and reduces only the new strip", () => {
    const rows = 400;
    const cols = 400;
    const values = matrix(rows, cols, rng(3));
    const pyr = buildPyramid(values, rows, cols, true, true);
    const images = createViewImages();
    const w = 50;
    const h = 50;
    // 4 cells a pixel: a move of 12 cells is 3 whole pixels
    const first = blocks({ row0: 100, row1: 300, col0: 100, col1: 300 }, rows, cols, w, h, pyr);
    images.image(pyr, 0, first.r, first.c);
    const moved = blocks({ row0: 112, row1: 312, col0: 88, col1: 288 }, rows, cols, w, h, pyr);
    const rowFrom = new Int32Array(h);
    const colFrom = new Int32Array(w);
    expect(matchRanges(moved.r.lo, moved.r.hi, first.r.lo, first.r.hi, rowFrom)).toBe(h - 3);
    expect(matchRanges(moved.c.lo, moved.c.hi, first.c.lo, first.c.hi, colFrom)).toBe(w - 3);
    // an image whose kept pixels were tampered with shows the tampering: they were copied
    const again = createViewImages();
    const old = again.image(pyr, 0, first.r, first.c);
    old.fill(12345);
    const got = again.image(pyr, 0, moved.r, moved.c);
    let copied = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (got[y * w + x] === 12345) copied++;
    expect(copied).toBe((h - 3) * (w - 3));
    // and another pyramid (new data) is reduced afresh
    const other = buildPyramid(matrix(rows, cols, rng(4)), rows, cols, true, true);
    const fresh = again.image(other, 0, moved.r, moved.c);
    expect(fresh.includes(12345)).toBe(false);
  });
});
