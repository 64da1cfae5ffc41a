import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeModel } from "./fakemodel.js";
import { rng } from "./rng.js";
import {
  blockCells,
  covers,
  createLod,
  decodeTile,
  fineEnough,
  gridCell,
  pickSource,
  readTileBlocks,
  REQUEST_DELAY_MS,
  servedBlock,
  sourceView,
  tileWindow,
  wantedBlock,
  wholeSource,
} from "../data/lod.js";
import { coveredCells, stronger } from "../data/reduce.js";

/** @typedef {import("../data/lod.js").Source} Source */

/**
 * The strongest value of each fr x fc block of a rows x cols matrix (Python's reduce_blocks).
 * @param {Float32Array} m
 * @param {number} rows
 * @param {number} cols
 * @param {number} fr
 * @param {number} fc
 */
function blocks(m, rows, cols, fr, fc) {
  const gr = Math.ceil(rows / fr);
  const gc = Math.ceil(cols / fc);
  const out = new Float32Array(gr * gc);
  for (let i = 0; i < gr; i++) {
    for (let j = 0; j < gc; j++) {
      let best = NaN;
      for (let r = i * fr; r < Math.min(rows, (i + 1) * fr); r++) {
        for (let c = j * fc; c < Math.min(cols, (j + 1) * fc); c++) {
          if (stronger(m[r * cols + c], best)) best = m[r * cols + c];
        }
      }
      out[i * gc + j] = best;
    }
  }
  return { rows: gr, cols: gc, values: out, exact: null };
}

const grid = (/** @type {number} */ rows, /** @type {number} */ cols) => ({
  rows,
  cols,
  values: new Float32Array(rows * cols),
  exact: null,
});

describe("sources", () => {
  it("maps the view into an overview's grid, and leaves a whole matrix's alone", () => {
    const view = { row0: 5, row1: 25, col0: 0, col1: 7 };
    const whole = wholeSource(grid(30, 7), 30, 7);
    expect(sourceView(whole, view)).toBe(view);
    const over = wholeSource(grid(3, 4), 30, 7, 10, 2);
    expect(sourceView(over, view)).toEqual({ row0: 0.5, row1: 2.5, col0: 0, col1: 3.5 });
  });

  it("names the cells a grid cell stands for, the last block cut at the edge", () => {
    const over = wholeSource(grid(3, 4), 25, 7, 10, 2);
    expect(blockCells(over, 0, 0)).toEqual({ rows: [0, 9], cols: [0, 1] });
    expect(blockCells(over, 2, 3)).toEqual({ rows: [20, 24], cols: [6, 6] });
    expect(gridCell(over, 24, 6)).toEqual([2, 3]);
    expect(gridCell(over, 25, 0)).toBeNull();
    /** @type {Source} */
    const tile = { grid: grid(4, 5), row0: 100, row1: 108, col0: 40, col1: 50, fr: 2, fc: 2 };
    expect(blockCells(tile, 1, 4)).toEqual({ rows: [102, 103], cols: [48, 49] });
    expect(gridCell(tile, 103, 41)).toEqual([1, 0]);
    expect(gridCell(tile, 99, 41)).toBeNull();
  });

  it("draws a tile only while it covers the view and is finer than the overview", () => {
    const over = wholeSource(grid(100, 100), 1000, 1000, 10, 10);
    /** @type {Source} */
    const tile = { grid: grid(200, 200), row0: 100, row1: 300, col0: 0, col1: 200, fr: 1, fc: 1 };
    const inside = { row0: 150, row1: 250, col0: 10, col1: 100 };
    expect(covers(tile, inside)).toBe(true);
    expect(pickSource(over, [tile], inside)).toBe(tile);
    expect(pickSource(over, [tile], { ...inside, row1: 301 })).toBe(over);
    expect(pickSource(over, [], inside)).toBe(over);
    const coarse = { ...tile, fr: 20 };
    expect(pickSource(over, [coarse], inside)).toBe(over);
    // of the tiles that cover the view, the finest; of equals, the first
    const finer = { ...tile, fr: 1, fc: 1 };
    const mid = { ...tile, fr: 4, fc: 2 };
    expect(pickSource(over, [mid, coarse, finer], inside)).toBe(finer);
    expect(pickSource(over, [mid, { ...mid }], inside)).toBe(mid);
    expect(pickSource(over, [mid, { ...finer, row0: 160 }], inside)).toBe(mid);
  });

  it("wants blocks no bigger than a device pixel's cells", () => {
    expect(wantedBlock({ row0: 0, row1: 20000, col0: 0, col1: 300 }, 800, 600)).toEqual([25, 1]);
    const over = wholeSource(grid(1, 1), 20000, 300, 10, 1);
    expect(fineEnough(over, [25, 1])).toBe(true);
    expect(fineEnough(over, [9, 1])).toBe(false);
  });

  it("asks for the view and a quarter of its span on each side, inside the matrix", () => {
    expect(tileWindow({ row0: 100, row1: 200, col0: 10.5, col1: 20.5 }, 1000, 1000)).toEqual([
      75, 225, 8, 23,
    ]);
    expect(tileWindow({ row0: 0, row1: 1000, col0: 990, col1: 1000 }, 1000, 1000)).toEqual([
      0, 1000, 987, 1000,
    ]);
  });

  it("shows, zoomed out, the strongest cell of the blocks a pixel covers", () => {
    const next = rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const rows = 20 + Math.floor(next() * 200);
      const cols = 20 + Math.floor(next() * 200);
      const fr = 1 + Math.floor(next() * 6);
      const fc = 1 + Math.floor(next() * 6);
      const m = new Float32Array(rows * cols);
      for (let i = 0; i < m.length; i++) m[i] = next() < 0.05 ? NaN : Math.fround((next() - 0.5) * 10);
      const over = wholeSource(blocks(m, rows, cols, fr, fc), rows, cols, fr, fc);
      const r0 = next() * rows * 0.5;
      const c0 = next() * cols * 0.5;
      const view = {
        row0: r0,
        row1: r0 + 1 + next() * (rows - r0 - 1),
        col0: c0,
        col1: c0 + 1 + next() * (cols - c0 - 1),
      };
      const g = over.grid;
      const x = next() * 50;
      const y = next() * 40;
      const cov = /** @type {import("../data/reduce.js").Covered} */ (
        coveredCells(sourceView(over, view), 50, 40, g.rows, g.cols, x, y, 1, g.values)
      );
      const lo = blockCells(over, cov.rowLo, cov.colLo);
      const hi = blockCells(over, cov.rowHi, cov.colHi);
      let best = NaN;
      for (let r = lo.rows[0]; r <= hi.rows[1]; r++) {
        for (let c = lo.cols[0]; c <= hi.cols[1]; c++)
          if (stronger(m[r * cols + c], best)) best = m[r * cols + c];
      }
      const shown = g.values[cov.row * g.cols + cov.col];
      expect(Object.is(shown, best) || (Number.isNaN(shown) && Number.isNaN(best))).toBe(true);
      // and they include the cell under the pixel's centre
      const centreRow = Math.floor(view.row0 + ((Math.floor(y) + 0.5) / 40) * (view.row1 - view.row0));
      const centreCol = Math.floor(view.col0 + ((Math.floor(x) + 0.5) / 50) * (view.col1 - view.col0));
      expect(lo.rows[0] <= centreRow && centreRow <= hi.rows[1]).toBe(true);
      expect(lo.cols[0] <= centreCol && centreCol <= hi.cols[1]).toBe(true);
    }
  });
});

describe("tile replies", () => {
  const reply = { type: "tile", id: "x", window: [10, 15, 0, 4], block: [2, 1], shape: [3, 4] };
  const buffer = new Float32Array(12).fill(1.5);

  it("decodes a reply that fits what was asked", () => {
    const tile = /** @type {Source} */ (decodeTile(reply, buffer, 100, 100));
    expect(tile).toMatchObject({ row0: 10, row1: 15, col0: 0, col1: 4, fr: 2, fc: 1 });
    expect(tile.grid.rows).toBe(3);
    expect(Array.from(tile.grid.values)).toEqual(Array(12).fill(1.5));
  });

  it.each([
    [{ ...reply, window: [10, 150, 0, 4] }, "does not fit"],
    [{ ...reply, shape: [2, 4] }, "should be [3, 4]"],
    [{ ...reply, block: [0, 1] }, "does not fit"],
    [{ ...reply, window: "all" }, "needs window"],
  ])("refuses a reply that does not: %j", (bad, message) => {
    expect(decodeTile(bad, buffer, 100, 100)).toContain(message);
  });

  it("refuses a reply with too few values", () => {
    expect(decodeTile(reply, new Float32Array(11), 100, 100)).toContain("holds 11 values");
    expect(decodeTile(reply, undefined, 100, 100)).toContain("without its values");
  });
});

describe("createLod", () => {
  afterEach(() => vi.useRealTimers());

  it("asks once per settled view, uses the reply for its matrix, ignores older ones", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    let changes = 0;
    const lod = createLod(model, () => changes++);
    const over = wholeSource(grid(100, 100), 1000, 1000, 10, 10);
    lod.setOverview(over);
    expect(lod.active).toBe(true);
    let view = { row0: 100, row1: 200, col0: 100, col1: 200 };
    const now = () => ({ view, pxRows: 400, pxCols: 400 });
    lod.request(now);
    lod.request(now); // a second change within the delay: one request
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(1);
    const [ask] = model.sent[0];
    expect(ask).toMatchObject({ type: "tile", window: [75, 225, 75, 225], block: [1, 1] });
    lod.request(now); // the same view again: no new request
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(1);

    const values = new Float32Array(150 * 150);
    const answer = { type: "tile", id: ask.id, window: ask.window, block: [1, 1], shape: [150, 150] };
    /** @type {Function} */ (model.handlers.get("msg:custom"))(answer, [values]);
    expect(changes).toBe(1);
    expect(lod.source(view).fr).toBe(1);
    // panned outside the tile: the overview again, and a new request
    view = { row0: 600, row1: 700, col0: 100, col1: 200 };
    expect(lod.source(view)).toBe(over);
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(2);

    // a new matrix: the answer to the old request is dropped
    lod.setOverview(wholeSource(grid(100, 100), 1000, 1000, 10, 10));
    const late = { ...answer, id: model.sent[1][0].id, window: [575, 725, 75, 225] };
    /** @type {Function} */ (model.handlers.get("msg:custom"))(late, [values]);
    expect(changes).toBe(1);
    expect(lod.source(view).fr).toBe(10);
    lod.destroy();
    expect(model.handlers.has("msg:custom")).toBe(false);
  });

  it("keeps tiles within its budget, least recently drawn out first, and draws a kept one without asking", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    const send = /** @type {Function} */ (
      (/** @type {any} */ answer, /** @type {number} */ n) =>
        /** @type {Function} */ (model.handlers.get("msg:custom"))(answer, [new Float32Array(n)])
    );
    // a budget of three 100 x 100 tiles (40 kB each)
    const lod = createLod(model, () => {}, 3 * 40_000);
    const over = wholeSource(grid(100, 100), 1000, 1000, 10, 10);
    lod.setOverview(over);
    /** @type {{ row0: number, row1: number, col0: number, col1: number }} */
    let view = { row0: 0, row1: 50, col0: 0, col1: 50 };
    const now = () => ({ view, pxRows: 400, pxCols: 400 });
    /** @param {number} r0 a 100-row band of tiles at rows r0 .. r0 + 100 */
    const visit = (r0) => {
      view = { row0: r0 + 25, row1: r0 + 75, col0: 0, col1: 50 };
      const asked = model.sent.length;
      lod.request(now);
      vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
      if (model.sent.length === asked) return false; // drawn from a kept tile
      const [ask] = model.sent[asked];
      const window = [r0, r0 + 100, 0, 100];
      send({ type: "tile", id: ask.id, window, block: [1, 1], shape: [100, 100] }, 100 * 100);
      return true;
    };
    expect([visit(0), visit(200), visit(400)]).toEqual([true, true, true]);
    expect(lod.tiles.map((t) => t.row0)).toEqual([400, 200, 0]);
    expect(visit(0)).toBe(false); // kept: drawn at once
    expect(lod.source(view).row0).toBe(0);
    expect(lod.tiles.map((t) => t.row0)).toEqual([0, 400, 200]);
    expect(visit(600)).toBe(true); // a fourth: the least recently drawn (200) goes
    expect(lod.tiles.map((t) => t.row0)).toEqual([600, 0, 400]);
    expect(visit(200)).toBe(true);
    // a new matrix forgets them all
    lod.setOverview(wholeSource(grid(100, 100), 1000, 1000, 10, 10));
    expect(lod.tiles).toHaveLength(0);
  });

  it("takes a pyramid's tile in the level at least as coarse as wanted as fine enough", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    const lod = createLod(model, () => {});
    const levels = /** @type {[number, number][]} */ ([1, 2, 4, 8, 16, 32, 64].map((f) => [f, f]));
    lod.setOverview(wholeSource(grid(100, 100), 4000, 4000, 40, 40), levels);
    let view = { row0: 1000, row1: 1300, col0: 1000, col1: 1300 };
    let px = 100; // 3 cells per pixel
    const now = () => ({ view, pxRows: px, pxCols: px });
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const [ask] = model.sent[0];
    expect(ask.block).toEqual([3, 3]);
    // the pyramid's answer: its level of 4 x 4 blocks, not 3 x 3
    const answer = {
      type: "tile",
      id: ask.id,
      window: [924, 1376, 924, 1376],
      block: [4, 4],
      shape: [113, 113],
    };
    /** @type {Function} */ (model.handlers.get("msg:custom"))(answer, [new Float32Array(113 * 113)]);
    const tile = lod.source(view);
    expect(tile.fr).toBe(4);
    expect(fineEnough(tile, [3, 3], levels)).toBe(true);
    expect(fineEnough(tile, [3, 3])).toBe(false); // a matrix in memory would serve 3 x 3
    // panned within it: drawn from it, nothing asked
    view = { row0: 1050, row1: 1350, col0: 1000, col1: 1300 };
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(1);
    // zoomed in to 2 cells per pixel: level 2 is finer than the tile, so asked again
    px = 150;
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(2);
    expect(model.sent[1][0].block).toEqual([2, 2]);
  });

  it("asks again for a tile grown to fit TILE_CELLS once a smaller window would do better", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    const lod = createLod(model, () => {});
    lod.setOverview(wholeSource(grid(40, 30), 400, 300, 10, 10)); // a matrix in memory
    let view = { row0: 100, row1: 300, col0: 50, col1: 250 };
    const now = () => ({ view, pxRows: 400, pxCols: 400 });
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const [ask] = model.sent[0];
    expect(ask.block).toEqual([1, 1]);
    // Python grew the block to fit its TILE_CELLS: 9 x 7
    const [r0, r1, c0, c1] = ask.window;
    const shape = [Math.ceil((r1 - r0) / 9), Math.ceil((c1 - c0) / 7)];
    const answer = { type: "tile", id: ask.id, window: ask.window, block: [9, 7], shape };
    /** @type {Function} */ (model.handlers.get("msg:custom"))(answer, [
      new Float32Array(shape[0] * shape[1]),
    ]);
    expect(lod.source(view).fr).toBe(9);
    // zoomed in inside it: not fine enough, so the smaller window is asked for
    view = { row0: 160, row1: 175, col0: 115, col1: 128 };
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(2);
    expect(model.sent[1][0].block).toEqual([1, 1]);
  });

  it("does not ask a pyramid for a tile its overview's level would answer", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    const lod = createLod(model, () => {});
    const levels = [1, 2, 4, 8, 16, 32, 64].map((f) => [f, f]);
    lod.setOverview(wholeSource(grid(64, 64), 4096, 4096, 64, 64), levels);
    let view = { row0: 1024, row1: 2048, col0: 1024, col1: 2048 };
    let px = 20; // 51 cells per pixel: the level at least as coarse is the overview's (64)
    const now = () => ({ view, pxRows: px, pxCols: px });
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(0);
    px = 40; // 25 cells per pixel: level 32 is finer than the overview
    lod.request(now);
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(model.sent).toHaveLength(1);
    expect(model.sent[0][0].block).toEqual([25, 25]);
  });

  it("reads the blocks tiles come in, and the one a request is served in", () => {
    expect(
      readTileBlocks([
        [1, 1],
        [2, 2],
      ]),
    ).toEqual([
      [1, 1],
      [2, 2],
    ]);
    for (const bad of [null, "x", [[1]], [[0, 1]], [[1.5, 2]], Array(65).fill([1, 1])]) {
      expect(readTileBlocks(bad)).toEqual([]);
    }
    const levels = /** @type {[number, number][]} */ ([
      [1, 1],
      [2, 1],
      [4, 2],
      [8, 4],
    ]);
    expect(servedBlock(levels, [3, 1])).toEqual([4, 2]);
    expect(servedBlock(levels, [1, 3])).toEqual([8, 4]);
    expect(servedBlock(levels, [9, 1])).toBe(null);
    expect(servedBlock([], [1, 1])).toBe(null);
  });

  it("never asks for a matrix sent whole", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    const lod = createLod(model, () => {});
    lod.setOverview(wholeSource(grid(10, 10), 10, 10));
    lod.request(() => ({ view: { row0: 0, row1: 1, col0: 0, col1: 1 }, pxRows: 100, pxCols: 100 }));
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    expect(lod.active).toBe(false);
    expect(model.sent).toHaveLength(0);
  });
});
