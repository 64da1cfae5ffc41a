// Big matrices (docs/architecture.md, "Big matrices"). Above tokenheat's SEND_CELLS,
// Python sends an overview instead of the matrix: each of its cells is the strongest value
// (largest |v|, sign kept) of a block of `_block` rows x columns. When the view is zoomed
// in so far that the overview's blocks are coarser than the screen's pixels, the view asks
// Python for the window around it at a finer block size (a "tile" message) and draws that
// while the view stays inside it. Without a kernel (static HTML, a dead kernel, a busy
// one until it is free) the overview is drawn, and the tooltip says which cells a value
// stands for.
//
// Both the overview and a tile are a Source: a grid of values drawn in place of the
// matrix's cells [row0, row1) x [col0, col1), grid cell (i, j) standing for the block of
// rows row0 + i * fr .. and columns col0 + j * fc .. (the last blocks may be smaller).
// A matrix sent whole is a Source with 1 x 1 blocks, so the renderers always draw a Source.

import { decodeFloat32, isBinary } from "./binary.js";
import { createParts } from "./chunks.js";
import { createRowsHad, withRows } from "./overviewrows.js";
import {
  createTileStore,
  fixedTileKey,
  missingTiles,
  pickMosaic,
  readTileSide,
  tileRange,
} from "./tilegrid.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */
/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * @typedef {Object} Source
 * @property {MatrixData} grid the values drawn (grid.rows x grid.cols)
 * @property {number} row0 first matrix row the grid stands for
 * @property {number} row1 end (exclusive) of the matrix rows it stands for
 * @property {number} col0
 * @property {number} col1
 * @property {number} fr matrix rows per grid row
 * @property {number} fc matrix columns per grid column
 */

/**
 * How much of the view's span a requested window adds on each side, for panning: a
 * quarter makes a tile 2.25 times the view's cells (half made it 4 times, and its transfer
 * the most of a tile's latency).
 */
export const MARGIN = 0.25;
/** Quiet time after the last view change before a window is requested. */
export const REQUEST_DELAY_MS = 120;
/** The most a tile holds: 4 bytes x tokenheat's TILE_CELLS (2**22), all panels together. */
export const MAX_TILE_BYTES = 4 * (1 << 22);
/** Bytes of tiles a view keeps (at least four of the biggest); the least recently drawn go first. */
export const TILE_CACHE_BYTES = 64 * 2 ** 20;

/**
 * A whole matrix (1 x 1 blocks) or an overview of it.
 * @param {MatrixData} grid
 * @param {number} rows matrix rows
 * @param {number} cols matrix columns
 * @param {number} fr
 * @param {number} fc
 * @returns {Source}
 */
export function wholeSource(grid, rows, cols, fr = 1, fc = 1) {
  return { grid, row0: 0, row1: rows, col0: 0, col1: cols, fr, fc };
}

/**
 * The view in the grid's coordinates (fractional where a block is cut).
 * @param {Source} src
 * @param {ViewWindow} view
 * @returns {ViewWindow}
 */
export function sourceView(src, view) {
  if (src.fr === 1 && src.fc === 1 && src.row0 === 0 && src.col0 === 0) return view;
  return {
    row0: (view.row0 - src.row0) / src.fr,
    row1: (view.row1 - src.row0) / src.fr,
    col0: (view.col0 - src.col0) / src.fc,
    col1: (view.col1 - src.col0) / src.fc,
  };
}

/**
 * @param {Source} src
 * @param {ViewWindow} view
 */
export function covers(src, view) {
  return src.row0 <= view.row0 && view.row1 <= src.row1 && src.col0 <= view.col0 && view.col1 <= src.col1;
}

/**
 * The coarsest blocks that still look like the matrix itself: a block no bigger than the
 * cells one device pixel covers.
 * @param {ViewWindow} view
 * @param {number} pxRows device px of the plot's height
 * @param {number} pxCols device px of the plot's width
 * @returns {[number, number]}
 */
export function wantedBlock(view, pxRows, pxCols) {
  return [
    Math.max(1, Math.floor((view.row1 - view.row0) / Math.max(1, pxRows))),
    Math.max(1, Math.floor((view.col1 - view.col0) / Math.max(1, pxCols))),
  ];
}

/**
 * Whether `src` draws a view that wants blocks of `want` as finely as Python would: no
 * coarser than `want`, or, for a pyramid, than the level a tile for `want` comes in
 * (`servedBlock`), so that a view never asks for what it already has.
 * @param {Source} src
 * @param {[number, number]} want
 * @param {readonly [number, number][]} [levels] `_tile_blocks`
 */
export function fineEnough(src, want, levels = []) {
  const [wr, wc] = servedBlock(levels, want) ?? want;
  return src.fr <= wr && src.fc <= wc;
}

/**
 * The block Python serves a tile asked for `want` in, when tiles come in a pyramid's
 * levels (`_tile_blocks`, finest first): the finest at least as coarse on both axes, or
 * null when tiles come in any block (or `want` is coarser than every level).
 * @param {readonly [number, number][]} levels
 * @param {[number, number]} want
 * @returns {[number, number] | null}
 */
export function servedBlock(levels, want) {
  return levels.find(([fr, fc]) => fr >= want[0] && fc >= want[1]) ?? null;
}

/**
 * `_tile_blocks` as read: pairs of integers >= 1, else none (tiles in any block).
 * @param {unknown} value
 * @returns {[number, number][]}
 */
export function readTileBlocks(value) {
  const ok =
    Array.isArray(value) &&
    value.length <= 64 &&
    value.every(
      (b) => Array.isArray(b) && b.length === 2 && b.every((n) => Number.isSafeInteger(n) && n >= 1),
    );
  return ok ? /** @type {[number, number][]} */ (value) : [];
}

/**
 * What to draw for a view: of the tiles that cover it and are not coarser than the
 * overview, the finest (fewest cells per block; the first of equals), else the overview.
 * @param {Source} overview
 * @param {readonly Source[]} tiles most recently drawn first
 * @param {ViewWindow} view
 */
export function pickSource(overview, tiles, view) {
  let best = overview;
  for (const t of tiles) {
    if (!covers(t, view) || t.fr > overview.fr || t.fc > overview.fc) continue;
    if (best === overview || t.fr * t.fc < best.fr * best.fc) best = t;
  }
  return best;
}

/**
 * The bytes a source's values take.
 * @param {Source} src
 */
const sourceBytes = (src) => src.grid.values.byteLength;

/**
 * The window to ask for: the view and MARGIN of its span on each side, in whole cells,
 * inside the matrix.
 * @param {ViewWindow} view
 * @param {number} rows
 * @param {number} cols
 * @returns {[number, number, number, number]} row0, row1, col0, col1
 */
export function tileWindow(view, rows, cols) {
  const dr = (view.row1 - view.row0) * MARGIN;
  const dc = (view.col1 - view.col0) * MARGIN;
  const r0 = Math.max(0, Math.floor(view.row0 - dr));
  const c0 = Math.max(0, Math.floor(view.col0 - dc));
  return [
    Math.min(r0, rows - 1),
    Math.max(Math.min(r0, rows - 1) + 1, Math.min(rows, Math.ceil(view.row1 + dr))),
    Math.min(c0, cols - 1),
    Math.max(Math.min(c0, cols - 1) + 1, Math.min(cols, Math.ceil(view.col1 + dc))),
  ];
}

/**
 * The matrix cells grid cell (i, j) stands for, first and last (inclusive).
 * @param {Source} src
 * @param {number} i
 * @param {number} j
 * @returns {{ rows: [number, number], cols: [number, number] }}
 */
export function blockCells(src, i, j) {
  const r = src.row0 + i * src.fr;
  const c = src.col0 + j * src.fc;
  return {
    rows: [r, Math.min(src.row1, r + src.fr) - 1],
    cols: [c, Math.min(src.col1, c + src.fc) - 1],
  };
}

/**
 * The grid cell standing for matrix cell (r, c), or null outside the source.
 * @param {Source} src
 * @param {number} r
 * @param {number} c
 * @returns {[number, number] | null}
 */
export function gridCell(src, r, c) {
  if (r < src.row0 || r >= src.row1 || c < src.col0 || c >= src.col1) return null;
  return [Math.floor((r - src.row0) / src.fr), Math.floor((c - src.col0) / src.fc)];
}

/**
 * Check a tile reply against what was asked and decode its values.
 * @param {any} content
 * @param {DataView | ArrayBuffer | ArrayBufferView | undefined} buffer
 * @param {number} rows matrix rows
 * @param {number} cols matrix columns
 * @param {number} [panels] matrices in the stack: a stack's tile holds the same window
 *   of every panel, panel-major, and says `"panels": P` (absent for one matrix)
 * @returns {Source | string} the tile, or what is wrong with the reply
 */
export function decodeTile(content, buffer, rows, cols, panels = 1) {
  const ints = (/** @type {unknown} */ v, /** @type {number} */ n) =>
    Array.isArray(v) && v.length === n && v.every((x) => Number.isInteger(x));
  const { window: w, block: b, shape: s } = content ?? {};
  if (!ints(w, 4) || !ints(b, 2) || !ints(s, 2)) return "a tile reply needs window, block and shape";
  const [r0, r1, c0, c1] = w;
  const [fr, fc] = b;
  if (!(0 <= r0 && r0 < r1 && r1 <= rows && 0 <= c0 && c0 < c1 && c1 <= cols && fr >= 1 && fc >= 1)) {
    return `a tile's window ${JSON.stringify(w)} or block ${JSON.stringify(b)} does not fit a ${rows}\u00d7${cols} matrix`;
  }
  const gr = Math.ceil((r1 - r0) / fr);
  const gc = Math.ceil((c1 - c0) / fc);
  if (s[0] !== gr || s[1] !== gc) return `a tile's shape ${JSON.stringify(s)} should be [${gr}, ${gc}]`;
  const p = content.panels ?? 1;
  if (p !== panels) return `a tile for ${JSON.stringify(p)} panels, not ${panels}`;
  if (!buffer) return "a tile reply came without its values";
  const values = decodeFloat32(buffer);
  if (values.length !== panels * gr * gc) {
    return `a tile holds ${values.length} values, not ${panels * gr * gc}`;
  }
  /** @type {import("./data.js").MatrixData} */
  const grid = { rows: gr, cols: gc, values, exact: null };
  if (panels !== 1) grid.panels = panels;
  return {
    grid,
    row0: r0,
    row1: r1,
    col0: c0,
    col1: c1,
    fr,
    fc,
  };
}

/**
 * One view's sources: the overview (or whole matrix) from the traits and the tiles from
 * Python, kept while they fit TILE_CACHE_BYTES (the least recently drawn go first), so
 * that a view going back to where it was draws at once, without asking again.
 * @param {import("../index.js").Model} model
 * @param {() => void} changed a tile arrived (redraw)
 * @param {number} [cacheBytes]
 */
export function createLod(model, changed, cacheBytes = TILE_CACHE_BYTES) {
  /** @type {Source | null} */
  let overview = null;
  /** @type {Source[]} most recently drawn (or arrived) first */
  let tiles = [];
  const viewId = Math.random().toString(36).slice(2);
  const prefix = `${viewId}:`;
  let generation = 0;
  let seq = 0;
  let lastKey = "";
  let timer = 0;
  /** @type {[number, number][]} the blocks tiles come in (none: any) */
  let levels = [];
  // fixed tiles of the levels (`_tile_side`; 0: a tile is the window asked for), kept by
  // their places, and the mosaic of them drawn last (./tilegrid.js)
  let side = 0;
  const store = createTileStore(cacheBytes);
  /** @type {Source | null} */
  let lastMosaic = null;
  // the view last drawn with fixed tiles, and what was drawn for it
  /** @type {ViewWindow | null} */
  let lastView = null;
  /** @type {Source | null} */
  let drawn = null;
  /** @param {ViewWindow} view */
  const mosaicFor = (view) => {
    const src = pickMosaic(store, levels, /** @type {Source} */ (overview), view, side, MARGIN, lastMosaic);
    if (src) lastMosaic = src;
    return src ?? /** @type {Source} */ (overview);
  };
  // the overview's rows that have come (of a source read in the background: overviewrows.js)
  let rowsHad = createRowsHad(0, false);
  // whether this view asked for a source's rows (so Python counts it among the views that
  // show the read, and pauses the read once none is left: it says when it goes)
  let watching = false;

  // a tile over 1 MiB comes in parts (./chunks.js); a newer tile or matrix drops them
  const parts = createParts(MAX_TILE_BYTES);

  /**
   * A tile's values checked against the matrix and decoded.
   * @param {any} content
   * @param {unknown} buffer
   */
  const decodeValues = (content, buffer) => {
    const o = /** @type {Source} */ (overview);
    if (buffer != null && !isBinary(buffer)) return "a tile's values are not binary data";
    return decodeTile(content, /** @type {any} */ (buffer), o.row1, o.col1, o.grid.panels ?? 1);
  };

  /**
   * Fixed tiles (`{"type": "tiles", "block", "tiles": [{tile, window, shape}], "panels"?}`
   * with a buffer each): kept by level and place; redrawn once those over the view make
   * another mosaic (not at every tile: a frame each would hold up those still to come).
   * @param {any} content
   * @param {any[] | undefined} buffers
   */
  const keepTiles = (content, buffers) => {
    const o = /** @type {Source} */ (overview);
    const list = content.tiles;
    if (!side || !Array.isArray(list) || !Array.isArray(buffers) || list.length !== buffers.length) {
      console.warn("tokenheat: ignored tiles: they need a list of tiles of a level, a buffer each");
      return;
    }
    list.forEach((/** @type {any} */ t, /** @type {number} */ i) => {
      const one = { window: t?.window, shape: t?.shape, block: content.block, panels: content.panels };
      const res = decodeValues(one, buffers[i]);
      const kept = typeof res === "string" ? res : fixedTileKey(res, t, levels, side, o.row1, o.col1);
      if (typeof kept === "string") console.warn(`tokenheat: ignored a tile: ${kept}`);
      else store.put(kept.key, /** @type {Source} */ (res));
    });
    if (!lastView || mosaicFor(lastView) !== drawn) changed();
  };

  /**
   * @param {any} content
   * @param {any[]} [buffers]
   */
  const onMessage = (content, buffers) => {
    if (content?.type === "rows" && overview) {
      const res = withRows(overview.grid, content, buffers?.[0]);
      if (typeof res === "string") {
        console.warn(`tokenheat: ignored overview rows: ${res}`);
        return;
      }
      overview = { ...overview, grid: res.grid };
      rowsHad.add(res.a, res.b);
      changed();
      return;
    }
    if (!content || !["tile", "tiles"].includes(content.type) || typeof content.id !== "string") return;
    if (!content.id.startsWith(`${prefix}${generation}:`) || !overview) return;
    if (content.type === "tiles") {
      keepTiles(content, buffers);
      return;
    }
    // (a fixed tile over 1 MiB comes alone, in its own parts)
    const place = Array.isArray(content.tile) ? `:${content.tile.join(",")}` : "";
    const whole = parts.add(`${content.id}${place}`, content, buffers);
    if (whole === null) return;
    if (typeof whole === "string") {
      console.warn(`tokenheat: ignored a tile: a part of tile ${content.id.slice(0, 60)}: ${whole}`);
      return;
    }
    if (side) {
      keepTiles({ ...whole.content, tiles: [whole.content] }, [whole.buffer]);
      return;
    }
    const res = decodeValues(whole.content, whole.buffer);
    if (typeof res === "string") {
      console.warn(`tokenheat: ignored a tile: ${res}`);
      return;
    }
    tiles = [res, ...tiles];
    // the newest stays, whatever its size; older ones go, least recently drawn first
    let bytes = tiles.reduce((n, t) => n + sourceBytes(t), 0);
    while (tiles.length > 1 && bytes > cacheBytes) bytes -= sourceBytes(/** @type {Source} */ (tiles.pop()));
    changed();
  };
  model.on("msg:custom", onMessage);

  return {
    /** Whether the matrix came as an overview (so that tiles may come). */
    get active() {
      return overview !== null && (overview.fr > 1 || overview.fc > 1);
    },

    /** The overview (or the whole matrix): every cell is in it. */
    get overview() {
      return /** @type {Source} */ (overview);
    },

    /**
     * Source rows whose overview rows have come, from the top (all but those of a source
     * read in the background that have not come yet).
     */
    get rowsHad() {
      return overview ? Math.min(overview.row1, rowsHad.had * overview.fr) : 0;
    },

    /**
     * New matrix data: tiles of the old one are dropped, replies still to come ignored.
     * @param {Source} src
     * @param {unknown} [tileBlocks] `_tile_blocks`: the blocks tiles come in
     * @param {boolean} [partial] its rows are still to come (`rows` messages)
     * @param {unknown} [tileSide] `_tile_side`: the side of fixed tiles (0: windows)
     */
    setOverview(src, tileBlocks, partial = false, tileSide = 0) {
      overview = src;
      rowsHad = createRowsHad(src.grid.rows, partial);
      levels = readTileBlocks(tileBlocks);
      side = levels.length ? readTileSide(tileSide) : 0;
      tiles = [];
      store.clear();
      lastMosaic = null;
      lastView = drawn = null;
      parts.reset();
      generation++;
      lastKey = "";
    },

    /**
     * The whole overview of the matrix whose rows came a few at a time (a source read in
     * the background, once read): its tiles stay, as do replies still to come.
     * @param {Source} src
     */
    refreshOverview(src) {
      overview = src;
      rowsHad = createRowsHad(src.grid.rows, false);
    },

    /**
     * The source to draw for a view.
     * @param {ViewWindow} view
     * @returns {Source}
     */
    source(view) {
      if (side) {
        lastView = view;
        drawn = mosaicFor(view);
        return drawn;
      }
      const src = pickSource(/** @type {Source} */ (overview), tiles, view);
      if (src !== overview && tiles[0] !== src) tiles = [src, ...tiles.filter((t) => t !== src)];
      return src;
    },

    /** The tiles kept, most recently drawn first. */
    get tiles() {
      return /** @type {readonly Source[]} */ (tiles);
    },

    /**
     * Ask for the window around the view once it has settled, if what is drawn for it
     * is coarser than its pixels. Each settled view asks at most once.
     * @param {() => { view: ViewWindow, pxRows: number, pxCols: number } | null} current
     */
    request(current) {
      if (!this.active) return;
      clearTimeout(timer);
      timer = globalThis.setTimeout(() => {
        timer = 0;
        const now = current();
        if (!now || !overview) return;
        const want = wantedBlock(now.view, now.pxRows, now.pxCols);
        // (for a pyramid, against the level a tile would come in: so nothing is asked
        // that is drawn already, or that the overview's own level would answer)
        if (fineEnough(this.source(now.view), want, levels)) return;
        if (side) {
          const level = servedBlock(levels, want);
          if (!level || level[0] > overview.fr || level[1] > overview.fc) return;
          const { row1: rows, col1: cols } = overview;
          // asked again only once the tiles it wants change (not as they come: those
          // asked for are on their way; Python drops a request a newer one replaces)
          const key = JSON.stringify([level, tileRange(now.view, level, side, rows, cols, MARGIN)]);
          const { tiles: asked, under } = missingTiles(store, level, now.view, side, rows, cols, MARGIN);
          if (!asked.length || key === lastKey) return;
          lastKey = key;
          // (`view`: how many of them are under the view, answered before the others)
          const id = `${prefix}${generation}:${seq++}`;
          model.send({ type: "tiles", id, level, tiles: asked, view: under });
          return;
        }
        const w = tileWindow(now.view, overview.row1, overview.col1);
        const key = JSON.stringify([w, want]);
        if (key === lastKey) return;
        lastKey = key;
        model.send({ type: "tile", id: `${prefix}${generation}:${seq++}`, window: w, block: want });
      }, REQUEST_DELAY_MS);
    },

    /**
     * Ask for the rows of a source read in the background read so far (they come in
     * `rows` messages), saying which view asks: Python reads on while some view shows it.
     */
    watchRows() {
      watching = true;
      model.send({ type: "rows", view: viewId });
    },

    destroy() {
      clearTimeout(timer);
      if (watching) {
        try {
          model.send({ type: "gone", view: viewId });
        } catch {
          // the widget is closed (its comm with it): nothing reads for it any more
        }
      }
      model.off("msg:custom", onMessage);
      parts.reset();
      overview = null;
      tiles = [];
      store.clear();
      lastMosaic = null;
      lastView = drawn = null;
    },
  };
}
