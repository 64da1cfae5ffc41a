import { describe, expect, it } from "vitest";
import { matrix, rng } from "./rng.js";
import { pixelIndexTable } from "../render/layout.js";
import {
  axisBlocks,
  buildPyramid,
  coveredCells,
  createPyramidCache,
  forEachBlock,
  needsLevels,
  pixelRanges,
  pyramidSize,
  reduceImage,
  stronger,
} from "../data/reduce.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * The strongest value of a rectangle, the slow way.
 * @param {Float32Array} values
 * @param {number} cols
 * @param {number} r0
 * @param {number} r1
 * @param {number} c0
 * @param {number} c1
 */
function brute(values, cols, r0, r1, c0, c1) {
  let best = NaN;
  for (let r = r0; r <= r1; r++)
    for (let c = c0; c <= c1; c++) if (stronger(values[r * cols + c], best)) best = values[r * cols + c];
  return best;
}

/**
 * What each pixel of an h x w plot shows, through the pyramid: with the levels the
 * renderers build (along an axis where some pixel needs them), or with every level of the
 * reduced axes (`allLevels`).
 * @param {Float32Array} values
 * @param {number} rows
 * @param {number} cols
 * @param {ViewWindow} view
 * @param {number} w
 * @param {number} h
 * @param {boolean} [allLevels]
 */
function render(values, rows, cols, view, w, h, allLevels = false) {
  const rlo = new Int32Array(h);
  const rhi = new Int32Array(h);
  const clo = new Int32Array(w);
  const chi = new Int32Array(w);
  const rowsReduced = pixelRanges(view.row0, view.row1, rows, rlo, rhi);
  const colsReduced = pixelRanges(view.col0, view.col1, cols, clo, chi);
  const pyr = buildPyramid(
    values,
    rows,
    cols,
    rowsReduced && (allLevels || needsLevels(rlo, rhi)),
    colsReduced && (allLevels || needsLevels(clo, chi)),
  );
  const out = new Float32Array(w * h);
  reduceImage(pyr, axisBlocks(rlo, rhi, pyr.topA), axisBlocks(clo, chi, pyr.topB), out);
  return { out, rlo, rhi, clo, chi, rowsReduced, colsReduced };
}

/**
 * Equal values (NaN equals NaN, 0 equals -0: they colour alike).
 * @param {number} a
 * @param {number} b
 */
const same = (a, b) => Object.is(a, b) || (a === 0 && b === 0) || (a !== a && b !== b);

describe("stronger (which covered cell a pixel shows)", () => {
  it("orders by |value|, positive first on ties, NaN last", () => {
    expect(stronger(-3, 2)).toBe(true);
    expect(stronger(2, -3)).toBe(false);
    expect(stronger(3, -3)).toBe(true);
    expect(stronger(-3, 3)).toBe(false);
    expect(stronger(0, NaN)).toBe(true);
    expect(stronger(NaN, 0)).toBe(false);
    expect(stronger(NaN, NaN)).toBe(false);
    expect(stronger(-Infinity, 1e30)).toBe(true);
    expect(stronger(Infinity, -Infinity)).toBe(true);
    expect(stronger(0, -0) || stronger(-0, 0)).toBe(false); // equal: same colour either way
  });
});

describe("pixelRanges", () => {
  it("keeps the pixel-centre rule when a pixel covers at most one cell", () => {
    for (const [start, end, count, n] of [
      [0, 50, 50, 715],
      [2, 4, 9, 4],
      [0, 9, 9, 9],
      [1.25, 7.75, 9, 300],
      [0, 600, 600, 600],
    ]) {
      const lo = new Int32Array(n);
      const hi = new Int32Array(n);
      const centre = new Int32Array(n);
      expect(pixelRanges(start, end, count, lo, hi)).toBe(false);
      pixelIndexTable(start, end, count, centre);
      expect(Array.from(lo)).toEqual(Array.from(centre));
      expect(Array.from(hi)).toEqual(Array.from(centre));
    }
  });
  it("covers every cell a pixel's extent overlaps when zoomed out", () => {
    const rand = rng(1);
    for (let t = 0; t < 300; t++) {
      const count = 1 + Math.floor(rand() * 5000);
      const n = 1 + Math.floor(rand() * 700);
      const a = rand() * count * 0.5;
      const b = a + (count - a) * (0.2 + 0.8 * rand());
      const lo = new Int32Array(n);
      const hi = new Int32Array(n);
      const reduced = pixelRanges(a, b, count, lo, hi);
      const span = Math.fround(Math.fround(b) - Math.fround(a));
      expect(reduced).toBe(span > n);
      if (!reduced) continue;
      // the exact (float64) extent of each pixel, where float32 rounding cannot matter
      const nearInt = (/** @type {number} */ z) => Math.abs(z - Math.round(z)) < 1e-3 * Math.max(1, z);
      /** @type {string[]} */
      const wrong = [];
      for (let p = 0; p < n; p++) {
        const e0 = a + (p / n) * (b - a);
        const e1 = a + ((p + 1) / n) * (b - a);
        if (!nearInt(e0) && lo[p] !== Math.floor(e0)) wrong.push(`lo[${p}]`);
        if (!nearInt(e1) && hi[p] !== Math.min(count, Math.ceil(e1)) - 1) wrong.push(`hi[${p}]`);
        if (!(lo[p] <= hi[p] && hi[p] < count)) wrong.push(`range ${p}`);
        // neighbours share at most the cell their common edge falls in; no gaps
        if (p > 0 && !(lo[p] >= hi[p - 1] && lo[p] <= hi[p - 1] + 1)) wrong.push(`gap ${p}`);
      }
      expect(wrong).toEqual([]);
      expect(lo[0]).toBe(Math.floor(Math.fround(a)));
      expect(hi[n - 1]).toBe(Math.min(count, Math.ceil(Math.fround(b))) - 1);
    }
  });
  it("gives the documented ranges on an example", () => {
    const lo = new Int32Array(4);
    const hi = new Int32Array(4);
    expect(pixelRanges(0, 10, 10, lo, hi)).toBe(true); // 2.5 cells per pixel
    expect(Array.from(lo)).toEqual([0, 2, 5, 7]);
    expect(Array.from(hi)).toEqual([2, 4, 7, 9]);
  });
});

describe("pyramid blocks", () => {
  it("split a range into aligned blocks that tile it exactly", () => {
    const rand = rng(2);
    for (let t = 0; t < 2000; t++) {
      const lo = Math.floor(rand() * 3000);
      const hi = lo + Math.floor(rand() * rand() * 3000);
      const top = Math.floor(rand() * 7);
      let next = lo;
      let blocks = 0;
      let wrong = 0;
      forEachBlock(lo, hi, top, (level, index) => {
        const size = 4 ** level;
        if (level > top || index * size !== next) wrong++;
        next += size;
        blocks++;
      });
      expect(wrong).toBe(0);
      expect(next).toBe(hi + 1);
      // at most 3 blocks per level on either side of the largest, plus the largest
      expect(blocks).toBeLessThanOrEqual(6 * top + 3 + Math.ceil((hi - lo + 1) / 4 ** top));
    }
  });
  it("add at most 1/3 of the matrix per reduced axis", () => {
    for (const [r, c] of [
      [100000, 50],
      [1000, 1000],
      [4000, 4000],
      [7, 3],
    ]) {
      expect(pyramidSize(r, c, false, false)).toBe(r * c);
      // (plus at most one partial block of rows or columns per level)
      expect(pyramidSize(r, c, true, false)).toBeLessThanOrEqual((r * c * 4) / 3 + 9 * c);
      expect(pyramidSize(r, c, false, true)).toBeLessThanOrEqual((r * c * 4) / 3 + 9 * r);
      expect(pyramidSize(r, c, true, true)).toBeLessThanOrEqual((r * c * 16) / 9 + 15 * (r + c) + 81);
    }
  });
  it("are built once and extended, not rebuilt", () => {
    const values = matrix(300, 200, rng(3));
    const cache = createPyramidCache();
    const rowsOnly = cache.get(values, 300, 200, true, false);
    expect(rowsOnly.topB).toBe(0);
    expect(cache.get(values, 300, 200, false, false)).toBe(rowsOnly);
    const both = cache.get(values, 300, 200, false, true);
    expect(both.rowLevels && both.colLevels).toBe(true);
    for (let a = 0; a <= rowsOnly.topA; a++)
      expect(both.levels[a * (both.topB + 1)]).toBe(rowsOnly.levels[a]);
    expect(both.total).toBe(pyramidSize(300, 200, true, true));
  });

  it("keeps the two latest matrices' pyramids (a big matrix's overview and window)", () => {
    const cache = createPyramidCache();
    const [a, b, c] = [1, 2, 3].map((k) => new Float32Array(64 * 64).fill(k));
    const pa = cache.get(a, 64, 64, true, true);
    const pb = cache.get(b, 64, 64, true, true);
    expect(cache.get(a, 64, 64, true, true)).toBe(pa);
    expect(cache.get(b, 64, 64, true, true)).toBe(pb);
    cache.get(c, 64, 64, true, true); // a third: the least recently used (a) goes
    expect(cache.get(b, 64, 64, true, true)).toBe(pb);
    expect(cache.get(a, 64, 64, true, true)).not.toBe(pa);
  });
});

describe("reduceImage (the canvas renderer's and the shader's rule)", () => {
  it("shows the strongest covered cell at every pixel, for many shapes and views", () => {
    const rand = rng(4);
    const shapes = [
      [1, 1],
      [3, 2],
      [5, 7],
      [64, 3],
      [257, 33],
      [1000, 9],
      [9, 1000],
      [130, 170],
    ];
    for (const [rows, cols] of shapes) {
      const values = matrix(rows, cols, rand);
      for (let t = 0; t < 12; t++) {
        const w = 1 + Math.floor(rand() * 60);
        const h = 1 + Math.floor(rand() * 60);
        const full = t === 0;
        const r0 = full ? 0 : rand() * rows * 0.6;
        const c0 = full ? 0 : rand() * cols * 0.6;
        const view = {
          row0: r0,
          row1: full ? rows : r0 + (rows - r0) * (0.05 + 0.95 * rand()),
          col0: c0,
          col1: full ? cols : c0 + (cols - c0) * (0.05 + 0.95 * rand()),
        };
        const { out, rlo, rhi, clo, chi } = render(values, rows, cols, view, w, h);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const want = brute(values, cols, rlo[y], rhi[y], clo[x], chi[x]);
            const got = out[y * w + x];
            if (!same(got, want)) {
              throw new Error(
                `${rows}x${cols} view ${JSON.stringify(view)} ${w}x${h} pixel (${x}, ${y}): ${got} != ${want}`,
              );
            }
          }
        }
      }
    }
  });
  it("is the same with every level as with the levels some pixel needs", () => {
    const rand = rng(8);
    let without = 0;
    for (const [rows, cols] of [
      [240, 200],
      [300, 7],
      [37, 400],
    ]) {
      const values = matrix(rows, cols, rand);
      for (let t = 0; t < 16; t++) {
        // 1 to 5 cells a pixel along each axis: around where levels start to be needed
        // (every other view 1 to 2.5, where no level is needed)
        const most = t % 2 ? 4 : 1.5;
        const w = Math.max(1, Math.round(cols / (1 + most * rand())));
        const h = Math.max(1, Math.round(rows / (1 + most * rand())));
        const view = { row0: 0, row1: rows, col0: 0, col1: cols };
        const some = render(values, rows, cols, view, w, h);
        const all = render(values, rows, cols, view, w, h, true);
        // no levels at all: reduceImage reads the values directly
        if (!needsLevels(some.rlo, some.rhi) && !needsLevels(some.clo, some.chi) && some.rowsReduced)
          without++;
        for (let i = 0; i < w * h; i++)
          if (!same(some.out[i], all.out[i])) expect([i, some.out[i]]).toEqual([i, all.out[i]]);
      }
    }
    expect(without).toBeGreaterThan(3); // the cases without levels were tried
  });

  it("needs levels along an axis only where a pixel covers 4 cells or more", () => {
    const lo = new Int32Array([0, 2, 5]);
    expect(needsLevels(lo, new Int32Array([1, 4, 7]))).toBe(false);
    expect(needsLevels(lo, new Int32Array([1, 5, 7]))).toBe(true);
    expect(needsLevels(new Int32Array(0), new Int32Array(0))).toBe(false);
  });

  it("never hides a strong row between pixel centres", () => {
    const rows = 100000;
    const cols = 50;
    const values = new Float32Array(rows * cols);
    const rand = rng(5);
    for (let i = 0; i < values.length; i++) values[i] = (rand() - 0.5) * 0.02;
    const h = 600;
    const centre = new Int32Array(h);
    pixelIndexTable(0, rows, rows, centre);
    const strong = centre[300] + 7; // no pixel centre falls in this row
    expect(Array.from(centre)).not.toContain(strong);
    for (let c = 0; c < cols; c++) values[strong * cols + c] = 5;
    const { out, rlo, rhi } = render(
      values,
      rows,
      cols,
      { row0: 0, row1: rows, col0: 0, col1: cols },
      100,
      h,
    );
    const y = rlo.findIndex((lo, i) => lo <= strong && strong <= rhi[i]);
    expect(y).toBeGreaterThan(0);
    for (let x = 0; x < 100; x++) expect(out[y * 100 + x]).toBe(5);
  });
  it("matches the pixel-centre rule exactly when zoomed in", () => {
    const rows = 40;
    const cols = 30;
    const values = matrix(rows, cols, rng(6));
    const view = { row0: 3.3, row1: 20.1, col0: 0, col1: 30 };
    const { out, rowsReduced, colsReduced } = render(values, rows, cols, view, 300, 200);
    expect(rowsReduced || colsReduced).toBe(false);
    const rc = new Int32Array(200);
    const cc = new Int32Array(300);
    pixelIndexTable(view.row0, view.row1, rows, rc);
    pixelIndexTable(view.col0, view.col1, cols, cc);
    let wrong = 0;
    for (let y = 0; y < 200; y++)
      for (let x = 0; x < 300; x++) if (!same(out[y * 300 + x], values[rc[y] * cols + cc[x]])) wrong++;
    expect(wrong).toBe(0);
  });
});

describe("coveredCells (what the tooltip reports)", () => {
  it("names the cell whose value colours the pixel, and the cells covered", () => {
    const rand = rng(7);
    const rows = 500;
    const cols = 90;
    const values = matrix(rows, cols, rand);
    const plotW = 61.5;
    const plotH = 40;
    for (const dpr of [1, 1.5, 2]) {
      const w = Math.round(plotW * dpr);
      const h = Math.round(plotH * dpr);
      const view = { row0: 10.5, row1: 480, col0: 0, col1: 90 };
      const { out } = render(values, rows, cols, view, w, h);
      for (let t = 0; t < 300; t++) {
        const x = rand() * plotW;
        const y = rand() * plotH;
        const cov = /** @type {import("../data/reduce.js").Covered} */ (
          coveredCells(view, plotW, plotH, rows, cols, x, y, dpr, values)
        );
        const px = Math.floor((x / plotW) * w);
        const py = Math.floor((y / plotH) * h);
        expect(same(values[cov.row * cols + cov.col], out[py * w + px])).toBe(true);
        expect(cov.row).toBeGreaterThanOrEqual(cov.rowLo);
        expect(cov.row).toBeLessThanOrEqual(cov.rowHi);
        expect(cov.col).toBeGreaterThanOrEqual(cov.colLo);
        expect(cov.col).toBeLessThanOrEqual(cov.colHi);
        expect(cov.count).toBe((cov.rowHi - cov.rowLo + 1) * (cov.colHi - cov.colLo + 1));
        expect(cov.reduced).toBe(true);
        // the first of the strongest, in C order
        const best = brute(values, cols, cov.rowLo, cov.rowHi, cov.colLo, cov.colHi);
        for (let r = cov.rowLo; r <= cov.rowHi; r++)
          for (let c = cov.colLo; c <= cov.colHi; c++)
            if (r * cols + c < cov.row * cols + cov.col && best === best)
              expect(same(values[r * cols + c], best)).toBe(false);
      }
    }
    expect(coveredCells({ row0: 0, row1: 5, col0: 0, col1: 5 }, 10, 10, 5, 5, 10, 5, 1, values)).toBeNull();
    expect(coveredCells({ row0: 0, row1: 5, col0: 0, col1: 5 }, 10, 10, 5, 5, -0.1, 5, 1, values)).toBeNull();
  });
  it("is the single cell under the pixel centre when zoomed in", () => {
    const values = Float32Array.from({ length: 45 }, (_, i) => i);
    const cov = coveredCells({ row0: 0, row1: 9, col0: 0, col1: 5 }, 500, 600, 9, 5, 250, 71.5, 1, values);
    expect(cov).toEqual({ row: 1, col: 2, rowLo: 1, rowHi: 1, colLo: 2, colHi: 2, count: 1, reduced: false });
  });
  it("reports the strongest of a zoomed-out pixel", () => {
    // 10 rows on 4 device px: pixel 1 covers rows 2..4
    const values = new Float32Array(10).fill(0.5);
    values[3] = -7;
    const cov = coveredCells({ row0: 0, row1: 10, col0: 0, col1: 1 }, 1, 2, 10, 1, 0.5, 0.6, 2, values);
    expect(cov).toEqual({ row: 3, col: 0, rowLo: 2, rowHi: 4, colLo: 0, colHi: 0, count: 3, reduced: true });
  });
});
