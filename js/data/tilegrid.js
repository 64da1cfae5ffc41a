// Fixed tiles (docs/architecture.md, "Big matrices"): a pyramid's levels, and those of a
// source read in the background, come in tiles of `_tile_side` x `_tile_side` of a
// level's cells (fewer at the matrix's edges), asked for by their places and kept by
// them, so that a view that pans asks only for the tiles it lacks. A view draws a
// *mosaic*: the tiles of one level over it copied into one Source, made again only when
// the view leaves it or a finer level's tiles over the view have all come.

// (lod.js imports this module too: only functions cross, at call time)
import { covers } from "./lod.js";

/** @typedef {import("./lod.js").Source} Source */
/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {[number, number]} Level a level's factors: matrix rows x columns per cell */

/** Most tiles one request asks for (tokenheat._tiles.MAX_ASKED). */
export const MAX_ASKED = 4096;
/** Most cells of a mosaic, every panel's together (tokenheat's TILE_CELLS). */
export const MOSAIC_CELLS = 1 << 22;

/**
 * `_tile_side` as read: a power of two from 16 to 256, else 0 (tiles are windows).
 * @param {unknown} value
 */
export function readTileSide(value) {
  return typeof value === "number" && value >= 16 && value <= 256 && (value & (value - 1)) === 0 ? value : 0;
}

/**
 * The key a tile is kept by.
 * @param {Level} level
 * @param {number} ti
 * @param {number} tj
 */
export const tileKey = (level, ti, tj) => `${level[0]}x${level[1]}:${ti}:${tj}`;

/**
 * The matrix cells tile (ti, tj) of a level stands for (tokenheat._tiles.tile_window).
 * @param {Level} level
 * @param {number} ti
 * @param {number} tj
 * @param {number} side
 * @param {number} rows
 * @param {number} cols
 * @returns {[number, number, number, number]} row0, row1, col0, col1
 */
export function tileWindow(level, ti, tj, side, rows, cols) {
  const r0 = ti * side * level[0];
  const c0 = tj * side * level[1];
  return [r0, Math.min(rows, r0 + side * level[0]), c0, Math.min(cols, c0 + side * level[1])];
}

/**
 * The places of a level's tiles under a view and `margin` of its span on each side:
 * rows ti0 .. ti1 - 1 and columns tj0 .. tj1 - 1 of tiles, inside the matrix.
 * @param {ViewWindow} view
 * @param {Level} level
 * @param {number} side
 * @param {number} rows
 * @param {number} cols
 * @param {number} [margin]
 * @returns {[number, number, number, number]} ti0, ti1, tj0, tj1
 */
export function tileRange(view, level, side, rows, cols, margin = 0) {
  const dr = (view.row1 - view.row0) * margin;
  const dc = (view.col1 - view.col0) * margin;
  const hr = side * level[0];
  const hc = side * level[1];
  const clamp = (/** @type {number} */ v, /** @type {number} */ n) => Math.min(Math.max(v, 0), n);
  const r0 = clamp(view.row0 - dr, rows);
  const r1 = clamp(view.row1 + dr, rows);
  const c0 = clamp(view.col0 - dc, cols);
  const c1 = clamp(view.col1 + dc, cols);
  const ti0 = Math.min(Math.floor(r0 / hr), Math.ceil(rows / hr) - 1);
  const tj0 = Math.min(Math.floor(c0 / hc), Math.ceil(cols / hc) - 1);
  return [ti0, Math.max(ti0 + 1, Math.ceil(r1 / hr)), tj0, Math.max(tj0 + 1, Math.ceil(c1 / hc))];
}

/**
 * The cells (every panel's) a mosaic of a range of tiles holds.
 * @param {[number, number, number, number]} range
 * @param {Level} level
 * @param {number} side
 * @param {number} rows
 * @param {number} cols
 * @param {number} panels
 */
function mosaicCells(range, level, side, rows, cols, panels) {
  const [r0, r1, c0, c1] = rangeWindow(range, level, side, rows, cols);
  return panels * Math.ceil((r1 - r0) / level[0]) * Math.ceil((c1 - c0) / level[1]);
}

/**
 * @param {[number, number, number, number]} range
 * @param {Level} level
 * @param {number} side
 * @param {number} rows
 * @param {number} cols
 */
function rangeWindow([ti0, ti1, tj0, tj1], level, side, rows, cols) {
  const a = tileWindow(level, ti0, tj0, side, rows, cols);
  const b = tileWindow(level, ti1 - 1, tj1 - 1, side, rows, cols);
  return [a[0], b[1], a[2], b[3]];
}

/**
 * Check that a tile reply (decoded as a Source) is tile `content.tile` of its level.
 * @param {Source} src
 * @param {any} content
 * @param {readonly Level[]} levels `_tile_blocks`
 * @param {number} side
 * @param {number} rows matrix rows
 * @param {number} cols
 * @returns {{ key: string } | string} the tile's key, or what is wrong
 */
export function fixedTileKey(src, content, levels, side, rows, cols) {
  const t = content?.tile;
  if (!(Array.isArray(t) && t.length === 2 && t.every((n) => Number.isSafeInteger(n) && n >= 0))) {
    return "a tile of a level needs its place, tile: [ti, tj]";
  }
  /** @type {Level} */
  const level = [src.fr, src.fc];
  if (!levels.some(([fr, fc]) => fr === src.fr && fc === src.fc)) {
    return `a tile's block ${JSON.stringify(level)} is not a level's`;
  }
  const want = tileWindow(level, t[0], t[1], side, rows, cols);
  const got = [src.row0, src.row1, src.col0, src.col1];
  if (got.some((v, i) => v !== want[i])) {
    return `tile ${JSON.stringify(t)} of level ${JSON.stringify(level)} is rows ${want[0]}:${want[1]}, columns ${want[2]}:${want[3]}, not ${JSON.stringify(got)}`;
  }
  return { key: tileKey(level, t[0], t[1]) };
}

/**
 * Tiles by key, kept while they fit `cacheBytes` (the least recently used go first; the
 * newest always stays).
 * @param {number} cacheBytes
 */
export function createTileStore(cacheBytes) {
  /** @type {Map<string, Source>} least recently used first */
  const kept = new Map();
  let bytes = 0;
  return {
    /**
     * @param {string} key
     * @param {Source} src
     */
    put(key, src) {
      const old = kept.get(key);
      if (old) bytes -= old.grid.values.byteLength;
      kept.delete(key);
      kept.set(key, src);
      bytes += src.grid.values.byteLength;
      for (const [k, t] of kept) {
        if (bytes <= cacheBytes || k === key) break;
        kept.delete(k);
        bytes -= t.grid.values.byteLength;
      }
    },
    /**
     * The tile kept under `key` (now the most recently used), or undefined.
     * @param {string} key
     */
    get(key) {
      const t = kept.get(key);
      if (t) {
        kept.delete(key);
        kept.set(key, t);
      }
      return t;
    },
    /** @param {string} key */
    has: (key) => kept.has(key),
    clear() {
      kept.clear();
      bytes = 0;
    },
    get size() {
      return kept.size;
    },
    get bytes() {
      return bytes;
    },
  };
}

/** @typedef {ReturnType<typeof createTileStore>} TileStore */

/**
 * Whether every tile of a range is kept.
 * @param {TileStore} store
 * @param {Level} level
 * @param {[number, number, number, number]} range
 */
function allKept(store, level, [ti0, ti1, tj0, tj1]) {
  for (let i = ti0; i < ti1; i++)
    for (let j = tj0; j < tj1; j++) if (!store.has(tileKey(level, i, j))) return false;
  return true;
}

/**
 * The tiles of a range (all kept) copied into one Source, panel-major as a tile.
 * @param {TileStore} store
 * @param {Level} level
 * @param {[number, number, number, number]} range
 * @param {number} side
 * @param {number} rows
 * @param {number} cols
 * @param {number} panels
 * @returns {Source}
 */
export function mosaic(store, level, range, side, rows, cols, panels) {
  const [row0, row1, col0, col1] = rangeWindow(range, level, side, rows, cols);
  const gr = Math.ceil((row1 - row0) / level[0]);
  const gc = Math.ceil((col1 - col0) / level[1]);
  const values = new Float32Array(panels * gr * gc);
  const [ti0, ti1, tj0, tj1] = range;
  for (let i = ti0; i < ti1; i++) {
    for (let j = tj0; j < tj1; j++) {
      const t = /** @type {Source} */ (store.get(tileKey(level, i, j)));
      const { rows: h, cols: w, values: v } = t.grid;
      const top = (i - ti0) * side;
      const left = (j - tj0) * side;
      for (let p = 0; p < panels; p++) {
        for (let r = 0; r < h; r++) {
          const from = (p * h + r) * w;
          values.set(v.subarray(from, from + w), (p * gr + top + r) * gc + left);
        }
      }
    }
  }
  /** @type {import("./data.js").MatrixData} */
  const grid = { rows: gr, cols: gc, values, exact: null };
  if (panels !== 1) grid.panels = panels;
  return { grid, row0, row1, col0, col1, fr: level[0], fc: level[1] };
}

/**
 * What to draw for a view from the tiles kept: of the levels finer than the overview,
 * finest first, whose cells under the view are within MOSAIC_CELLS, the first whose
 * tiles over the view have all come: `last` when it is of that level and covers the view,
 * else a new mosaic of the tiles over the view and its margin when all have come, else
 * over the view. Null when no level's have.
 * @param {TileStore} store
 * @param {readonly Level[]} levels finest first
 * @param {Source} overview
 * @param {ViewWindow} view
 * @param {number} side
 * @param {number} margin
 * @param {Source | null} last the mosaic drawn before
 * @returns {Source | null}
 */
export function pickMosaic(store, levels, overview, view, side, margin, last) {
  const { row1: rows, col1: cols } = overview;
  const panels = overview.grid.panels ?? 1;
  for (const level of levels) {
    if (
      level[0] > overview.fr ||
      level[1] > overview.fc ||
      (level[0] === overview.fr && level[1] === overview.fc)
    ) {
      continue;
    }
    if (last && last.fr === level[0] && last.fc === level[1] && covers(last, view)) return last;
    const inView = tileRange(view, level, side, rows, cols);
    if (mosaicCells(inView, level, side, rows, cols, panels) > MOSAIC_CELLS || !allKept(store, level, inView))
      continue;
    const around = tileRange(view, level, side, rows, cols, margin);
    const wide =
      mosaicCells(around, level, side, rows, cols, panels) <= MOSAIC_CELLS && allKept(store, level, around);
    return mosaic(store, level, wide ? around : inView, side, rows, cols, panels);
  }
  return null;
}

/**
 * The tiles of `level` over the view and `margin` of its span on each side that are not
 * kept, those over the view first (at most MAX_ASKED), and how many are over the view.
 * @param {TileStore} store
 * @param {Level} level
 * @param {ViewWindow} view
 * @param {number} side
 * @param {number} rows
 * @param {number} cols
 * @param {number} margin
 * @returns {{ tiles: [number, number][], under: number }}
 */
export function missingTiles(store, level, view, side, rows, cols, margin) {
  const [vi0, vi1, vj0, vj1] = tileRange(view, level, side, rows, cols);
  const [ti0, ti1, tj0, tj1] = tileRange(view, level, side, rows, cols, margin);
  /** @type {[number, number][]} */
  const first = [];
  /** @type {[number, number][]} */
  const then = [];
  for (let i = ti0; i < ti1; i++) {
    for (let j = tj0; j < tj1; j++) {
      if (store.has(tileKey(level, i, j))) continue;
      (i >= vi0 && i < vi1 && j >= vj0 && j < vj1 ? first : then).push([i, j]);
    }
  }
  const tiles = [...first, ...then].slice(0, MAX_ASKED);
  return { tiles, under: Math.min(first.length, tiles.length) };
}
