import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeModel } from "./fakemodel.js";
import { rng } from "./rng.js";
import { createLod, REQUEST_DELAY_MS, wholeSource } from "../data/lod.js";
import { stronger } from "../data/reduce.js";
import {
  createTileStore,
  fixedTileKey,
  missingTiles,
  mosaic,
  readTileSide,
  tileKey,
  tileRange,
  tileWindow,
} from "../data/tilegrid.js";

/** @typedef {import("../data/lod.js").Source} Source */

/**
 * The strongest value of each fr x fc block of rows r0..r1, columns c0..c1 of every panel
 * of a P x rows x cols stack (Python's reduce_blocks), panel-major.
 * @param {Float32Array} m
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 * @param {[number, number, number, number]} w
 * @param {[number, number]} level
 */
function blocks(m, panels, rows, cols, [r0, r1, c0, c1], [fr, fc]) {
  const gr = Math.ceil((r1 - r0) / fr);
  const gc = Math.ceil((c1 - c0) / fc);
  const out = new Float32Array(panels * gr * gc);
  for (let p = 0; p < panels; p++) {
    for (let i = 0; i < gr; i++) {
      for (let j = 0; j < gc; j++) {
        let best = NaN;
        for (let r = r0 + i * fr; r < Math.min(r1, r0 + (i + 1) * fr); r++) {
          for (let c = c0 + j * fc; c < Math.min(c1, c0 + (j + 1) * fc); c++) {
            const v = m[(p * rows + r) * cols + c];
            if (stronger(v, best)) best = v;
          }
        }
        out[(p * gr + i) * gc + j] = best;
      }
    }
  }
  return { shape: [gr, gc], values: out };
}

/**
 * Python's reply for tile (ti, tj) of a level of a stack.
 * @param {Float32Array} m
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 * @param {[number, number]} level
 * @param {number} ti
 * @param {number} tj
 * @param {number} side
 * @param {string} id
 */
function reply(m, panels, rows, cols, level, ti, tj, side, id) {
  const window = tileWindow(level, ti, tj, side, rows, cols);
  const { shape, values } = blocks(m, panels, rows, cols, window, level);
  /** @type {Record<string, unknown>} */
  const content = { type: "tile", id, window, block: level, shape, tile: [ti, tj] };
  if (panels !== 1) content.panels = panels;
  return { content, values };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("fixed tiles", () => {
  it("reads the tile side, and places tiles and views on a level's grid", () => {
    expect([256, 16, 64, 0, 8, 512, 100, "256", null].map(readTileSide)).toEqual([
      256, 16, 64, 0, 0, 0, 0, 0, 0,
    ]);
    expect(tileWindow([4, 4], 4, 1, 256, 5000, 2000)).toEqual([4096, 5000, 1024, 2000]); // (as tokenheat._tiles)
    expect(tileWindow([1, 2], 0, 0, 16, 10, 100)).toEqual([0, 10, 0, 32]);
    const view = { row0: 300, row1: 700.5, col0: 0, col1: 20 };
    expect(tileRange(view, [1, 1], 256, 5000, 2000)).toEqual([1, 3, 0, 1]);
    // a quarter of the span on each side: rows 199.875 .. 800.625, columns -5 .. 25
    expect(tileRange(view, [1, 1], 256, 5000, 2000, 0.25)).toEqual([0, 4, 0, 1]);
    // clipped to the matrix, and never empty at its far edge
    expect(tileRange({ row0: 4990, row1: 5000, col0: 1990, col1: 2000 }, [2, 2], 256, 5000, 2000, 1)).toEqual(
      [9, 10, 3, 4],
    );
  });

  it("keeps tiles within a budget, the least recently used out first and the newest always", () => {
    const src = (/** @type {number} */ n) =>
      wholeSource({ rows: 1, cols: n, values: new Float32Array(n), exact: null }, 1, n);
    const store = createTileStore(3 * 400);
    ["a", "b", "c"].forEach((k) => store.put(k, src(100)));
    expect(store.get("a")).toBeDefined(); // now the most recently used
    store.put("d", src(100));
    expect(["a", "b", "c", "d"].map((k) => store.has(k))).toEqual([true, false, true, true]);
    store.put("e", src(1000)); // bigger than the budget: stays alone
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(4000);
    store.put("e", src(10)); // again under one key: counted once
    expect(store.bytes).toBe(40);
  });

  it("copies the tiles over a view into one mosaic equal to the level's cells under it", () => {
    const [panels, rows, cols, side] = [2, 90, 70, 16];
    const r = rng(3);
    const m = Float32Array.from({ length: panels * rows * cols }, () => r() * 2 - 1);
    /** @type {[number, number]} */
    const level = [2, 3];
    const store = createTileStore(1 << 30);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        const { content, values } = reply(m, panels, rows, cols, level, i, j, side, "x");
        const w = /** @type {number[]} */ (content.window);
        const s = /** @type {number[]} */ (content.shape);
        const grid = { rows: s[0], cols: s[1], values, exact: null, panels };
        store.put(tileKey(level, i, j), {
          grid,
          row0: w[0],
          row1: w[1],
          col0: w[2],
          col1: w[3],
          fr: 2,
          fc: 3,
        });
      }
    }
    const out = mosaic(store, level, [0, 3, 0, 2], side, rows, cols, panels);
    expect([out.row0, out.row1, out.col0, out.col1, out.fr, out.fc]).toEqual([0, 90, 0, 70, 2, 3]);
    expect([out.grid.rows, out.grid.cols, out.grid.panels]).toEqual([45, 24, 2]);
    expect(out.grid.values).toEqual(blocks(m, panels, rows, cols, [0, 90, 0, 70], level).values);
    const part = mosaic(store, level, [1, 3, 1, 2], side, rows, cols, panels);
    expect([part.row0, part.row1, part.col0, part.col1]).toEqual([32, 90, 48, 70]);
    expect(part.grid.values).toEqual(blocks(m, panels, rows, cols, [32, 90, 48, 70], level).values);
  });

  it("checks that a tile is the one its place names", () => {
    /** @type {[number, number][]} */
    const levels = [
      [1, 1],
      [2, 2],
    ];
    const src = (/** @type {number[]} */ w, /** @type {number} */ f) => ({
      grid: { rows: 1, cols: 1, values: new Float32Array(1), exact: null },
      row0: w[0],
      row1: w[1],
      col0: w[2],
      col1: w[3],
      fr: f,
      fc: f,
    });
    expect(fixedTileKey(src([512, 1000, 0, 512], 2), { tile: [1, 0] }, levels, 256, 1000, 800)).toEqual({
      key: "2x2:1:0",
    });
    expect(fixedTileKey(src([512, 1000, 0, 512], 2), { tile: [0, 0] }, levels, 256, 1000, 800)).toMatch(
      /tile \[0,0\] of level \[2,2\] is rows 0:512/,
    );
    expect(fixedTileKey(src([0, 1000, 0, 800], 4), { tile: [0, 0] }, levels, 256, 1000, 800)).toMatch(
      /block \[4,4\] is not a level's/,
    );
    expect(fixedTileKey(src([0, 256, 0, 256], 1), { tile: [0, -1] }, levels, 256, 1000, 800)).toMatch(
      /needs its place/,
    );
    expect(fixedTileKey(src([0, 256, 0, 256], 1), {}, levels, 256, 1000, 800)).toMatch(/needs its place/);
  });

  it("asks for the missing tiles of the level it wants, draws their mosaic once all over the view came, and pans on it", () => {
    vi.useFakeTimers();
    const [rows, cols, side] = [4000, 3000, 64];
    const r = rng(9);
    const m = Float32Array.from({ length: rows * cols }, () => r() * 2 - 1);
    const model = fakeModel();
    let changes = 0;
    const lod = createLod(model, () => changes++);
    /** @type {[number, number][]} */
    const levels = [1, 2, 4, 8, 16].map((f) => [f, f]);
    const over = blocks(m, 1, rows, cols, [0, rows, 0, cols], [16, 16]);
    const overview = wholeSource(
      { rows: over.shape[0], cols: over.shape[1], values: over.values, exact: null },
      rows,
      cols,
      16,
      16,
    );
    lod.setOverview(overview, levels, false, side);
    let view = { row0: 1000, row1: 1300, col0: 500, col1: 800 };
    const now = () => ({ view, pxRows: 100, pxCols: 100 }); // 3 cells a pixel: level [4, 4]
    const settle = () => {
      lod.request(now);
      vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    };
    settle();
    expect(model.sent).toHaveLength(1);
    const [ask] = model.sent[0];
    expect(ask.type).toBe("tiles");
    expect(ask.level).toEqual([4, 4]);
    // a tile is 256 x 256 cells: rows 1000..1300 are tiles 3..5, with the margin 3..5 too;
    // columns 500..800 tiles 1..3, with the margin (425..875) also 1..3
    const inView = tileRange(view, [4, 4], side, rows, cols);
    expect(inView).toEqual([3, 6, 1, 4]);
    expect(ask.tiles).toEqual(missingTiles(createTileStore(1), [4, 4], view, side, rows, cols, 0.25).tiles);
    expect(ask.view).toBe(9); // answered first
    expect(ask.tiles.slice(0, 9)).toEqual([3, 4, 5].flatMap((i) => [1, 2, 3].map((j) => [i, j])));
    const deliver = (/** @type {[number, number][]} */ places, id = ask.id) => {
      for (const [i, j] of places) {
        const { content, values } = reply(m, 1, rows, cols, [4, 4], i, j, side, id);
        /** @type {Function} */ (model.handlers.get("msg:custom"))(content, [values]);
      }
    };
    deliver(ask.tiles.slice(0, 8));
    expect(changes).toBe(0); // (nothing new to draw yet: no frame spent)
    expect(lod.source(view)).toBe(lod.overview); // one over the view is still to come
    settle();
    expect(model.sent).toHaveLength(1); // (asked for already: not again)
    deliver(ask.tiles.slice(8));
    expect(changes).toBe(1);
    const drawn = lod.source(view);
    expect([drawn.fr, drawn.row0, drawn.row1, drawn.col0, drawn.col1]).toEqual([4, 768, 1536, 256, 1024]);
    expect(drawn.grid.values).toEqual(blocks(m, 1, rows, cols, [768, 1536, 256, 1024], [4, 4]).values);
    settle();
    expect(model.sent).toHaveLength(1); // fine enough: nothing asked
    // panned within the mosaic: the same one, nothing made again or asked
    view = { row0: 1100, row1: 1400, col0: 600, col1: 900 };
    expect(lod.source(view)).toBe(drawn);
    // panned past it: only the tiles not kept are asked for, those over the view first
    view = { row0: 1500, row1: 1800, col0: 600, col1: 900 };
    settle();
    const [again] = model.sent[1];
    const fresh = missingTiles(createTileStore(1), [4, 4], view, side, rows, cols, 0.25).tiles;
    expect(again.tiles).toEqual(fresh.filter(([i]) => i > 5));
    expect(again.tiles[0]).toEqual([6, 2]);
    expect(lod.source(view)).toBe(lod.overview);
  });

  it("ignores a tile that is not the one its place names, of an older matrix, or of another view", () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const [rows, cols, side] = [2000, 2000, 64];
    const m = new Float32Array(rows * cols).fill(0.5);
    const model = fakeModel();
    const lod = createLod(model, () => {});
    /** @type {[number, number][]} */
    const levels = [1, 2, 4, 8].map((f) => [f, f]);
    const overview = wholeSource(
      { rows: 250, cols: 250, values: new Float32Array(250 * 250), exact: null },
      rows,
      cols,
      8,
      8,
    );
    lod.setOverview(overview, levels, false, side);
    const view = { row0: 0, row1: 100, col0: 0, col1: 100 };
    lod.request(() => ({ view, pxRows: 100, pxCols: 100 }));
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const [ask] = model.sent[0];
    expect(ask.level).toEqual([1, 1]);
    const handler = /** @type {Function} */ (model.handlers.get("msg:custom"));
    const { content, values } = reply(m, 1, rows, cols, [1, 1], 0, 0, side, ask.id);
    handler({ ...content, tile: [0, 1] }, [values]);
    expect(warn.mock.calls.at(-1)?.[0]).toMatch(
      /ignored a tile: tile \[0,1\] of level \[1,1\] is rows 0:64, columns 64:128/,
    );
    handler({ ...content, id: "other:1:0" }, [values]);
    lod.setOverview(overview, levels, false, side); // a new matrix: the old replies are stale
    handler(content, [values]);
    expect(lod.source({ row0: 0, row1: 60, col0: 0, col1: 60 })).toBe(lod.overview);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("takes tiles that come together, a buffer each, and ignores a message whose buffers do not match", () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const [panels, rows, cols, side] = [3, 1000, 900, 16];
    const r = rng(4);
    const m = Float32Array.from({ length: panels * rows * cols }, () => r() * 2 - 1);
    const model = fakeModel();
    const lod = createLod(model, () => {});
    /** @type {[number, number][]} */
    const levels = [1, 2, 4, 8].map((f) => [f, f]);
    const over = blocks(m, panels, rows, cols, [0, rows, 0, cols], [8, 8]);
    const grid = { rows: over.shape[0], cols: over.shape[1], values: over.values, exact: null, panels };
    lod.setOverview(wholeSource(grid, rows, cols, 8, 8), levels, false, side);
    const view = { row0: 100, row1: 130, col0: 200, col1: 240 };
    lod.request(() => ({ view, pxRows: 60, pxCols: 80 }));
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const [ask] = model.sent[0];
    expect(ask.level).toEqual([1, 1]);
    const replies = /** @type {[number, number][]} */ (ask.tiles).map(([i, j]) =>
      reply(m, panels, rows, cols, [1, 1], i, j, side, ask.id),
    );
    const handler = /** @type {Function} */ (model.handlers.get("msg:custom"));
    const together = {
      type: "tiles",
      id: ask.id,
      block: [1, 1],
      panels,
      tiles: replies.map(({ content }) => ({
        tile: content.tile,
        window: content.window,
        shape: content.shape,
      })),
    };
    handler(
      together,
      replies.slice(1).map((t) => t.values),
    ); // one buffer short: none kept
    expect(warn.mock.calls.at(-1)?.[0]).toMatch(
      /ignored tiles: they need a list of tiles of a level, a buffer each/,
    );
    expect(lod.source(view)).toBe(lod.overview);
    handler(
      together,
      replies.map((t) => t.values),
    );
    const drawn = lod.source(view);
    expect([drawn.fr, drawn.grid.panels]).toEqual([1, panels]);
    const w = /** @type {[number, number, number, number]} */ ([
      drawn.row0,
      drawn.row1,
      drawn.col0,
      drawn.col1,
    ]);
    expect(drawn.grid.values).toEqual(blocks(m, panels, rows, cols, w, [1, 1]).values);
  });
});
