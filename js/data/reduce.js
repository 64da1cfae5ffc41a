// Zoomed-out pixels. When one device pixel covers more than one cell along an axis, it
// shows the strongest cell it covers (largest |value|, keeping its sign; NaN only when all
// of them are NaN) instead of whichever cell its centre falls in, so that no strong cell
// disappears between pixel centres. Both renderers (gl.js, canvas2d.js) and the tooltip
// (coveredCells) take their pixel -> cells ranges from here, so they always agree.
//
// The strongest cell of a range comes from a max-|v| pyramid built once per matrix: level
// (a, b) merges blocks of 4^a rows x 4^b columns. Levels along an axis exist only when
// that axis is reduced somewhere (a 100000 x 50 matrix gets row levels only), costing 1/3
// of the matrix per axis, 7/9 for both. A covered range splits into at most ~6 aligned
// blocks per level it spans (`fillBlocks`), so a pixel reads a few dozen values at most.
// Picking is comparison only (no arithmetic), so float32 results are exact everywhere.
//
// A stack of P panels (P matrices of one shape, panel-major) gets one pyramid per panel,
// so a level never merges cells of two panels; laid end to end with a fixed stride, panel
// p's level k starts at p * stride + offsets[k].

import { registerStack, wasmReduce } from "./wasmreduce.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/** log2 of how many cells a pyramid level merges along its axis. */
export const LEVEL_SHIFT = 2;

/**
 * Whether `a` shows instead of `b`: a number beats NaN, then the larger |value| wins, and
 * of +x and -x the positive one (so the winner never depends on the order of reading).
 * @param {number} a
 * @param {number} b
 * @returns {boolean}
 */
export function stronger(a, b) {
  if (a !== a) return false;
  if (b !== b) return true;
  const x = a < 0 ? -a : a;
  const y = b < 0 ? -b : b;
  return x > y || (x === y && a > b);
}

/**
 * The ranges of matrix indices that the device pixels along one axis show: pixel p shows
 * [lo[p], hi[p]]. When a pixel covers at most one cell (span <= n) that is the single
 * cell under its centre, floor(start + (p + 0.5) / n * span), as pixelIndexTable; else
 * every cell its extent overlaps, floor(start + p / n * span) ..
 * ceil(start + (p + 1) / n * span) - 1. Evaluated in float32 like the shader used to.
 * @param {number} start view start
 * @param {number} end view end
 * @param {number} count matrix size along this axis
 * @param {Int32Array} lo one entry per device pixel
 * @param {Int32Array} hi same length
 * @returns {boolean} whether pixels cover more than one cell (the axis is reduced)
 */
export function pixelRanges(start, end, count, lo, hi) {
  const n = lo.length;
  const s = Math.fround(start);
  const span = Math.fround(Math.fround(end) - s);
  const reduced = span > n;
  for (let p = 0; p < n; p++) fillRange(s, span, reduced, count, n, p, lo, hi, p);
  return reduced;
}

/**
 * Range of device pixel p of n (see pixelRanges) into lo[k], hi[k].
 * @param {number} s float32 view start
 * @param {number} span float32 view span
 * @param {boolean} reduced span > n
 * @param {number} count
 * @param {number} n
 * @param {number} p
 * @param {Int32Array} lo
 * @param {Int32Array} hi
 * @param {number} k
 */
function fillRange(s, span, reduced, count, n, p, lo, hi, k) {
  const f = Math.fround;
  let a;
  let b;
  if (reduced) {
    a = Math.floor(f(s + f(f(p / n) * span)));
    b = Math.ceil(f(s + f(f((p + 1) / n) * span))) - 1;
  } else {
    a = b = Math.floor(f(s + f(f((p + 0.5) / n) * span)));
  }
  a = a < 0 ? 0 : a >= count ? count - 1 : a;
  lo[k] = a;
  hi[k] = b < a ? a : b >= count ? count - 1 : b;
}

/**
 * Highest pyramid level along an axis of `count` cells: blocks of 4^top cells still fit.
 * @param {number} count
 */
export function topLevel(count) {
  let t = 0;
  while (count >= 1 << (LEVEL_SHIFT * (t + 1)) && t < 14) t++;
  return t;
}

/**
 * Whether pyramid levels along an axis could serve any of these pixel ranges: some pixel
 * covers 4 cells or more (level 1 merges 4). Pixels that cover fewer read their cells from
 * the values themselves, so a view that needs no levels needs no pyramid built; what each
 * pixel shows is the same either way (`stronger` is a total order).
 * @param {Int32Array} lo
 * @param {Int32Array} hi
 * @returns {boolean}
 */
export function needsLevels(lo, hi) {
  const span = (1 << LEVEL_SHIFT) - 1;
  for (let p = 0; p < lo.length; p++) if (hi[p] - lo[p] >= span) return true;
  return false;
}

/**
 * Size along an axis at level `level`: ceil(count / 4^level).
 * @param {number} count
 * @param {number} level
 */
export function sizeAt(count, level) {
  const k = LEVEL_SHIFT * level;
  return Math.floor((count + (1 << k) - 1) / (1 << k));
}

/**
 * @typedef {Object} Pyramid
 * @property {number} rows
 * @property {number} cols
 * @property {number} topA highest level along rows (0 = no row levels)
 * @property {number} topB highest level along columns
 * @property {boolean} rowLevels built with row levels (topA may still be 0 for < 4 rows)
 * @property {boolean} colLevels
 * @property {Float32Array[]} levels level (a, b) at a * (topB + 1) + b; (0, 0) = the values
 * @property {Int32Array} offsets start of each level in the levels laid end to end
 * @property {number} total values in all levels
 */

/**
 * The values in all levels of a pyramid with these levels, without building it.
 * @param {number} rows
 * @param {number} cols
 * @param {boolean} rowLevels
 * @param {boolean} colLevels
 */
export function pyramidSize(rows, cols, rowLevels, colLevels) {
  const topA = rowLevels ? topLevel(rows) : 0;
  const topB = colLevels ? topLevel(cols) : 0;
  let total = 0;
  for (let a = 0; a <= topA; a++) for (let b = 0; b <= topB; b++) total += sizeAt(rows, a) * sizeAt(cols, b);
  return total;
}

/**
 * The order of `stronger` as a number, from a float32's bits: NaN -1, else |v| (whose
 * bits sort like the magnitudes) times 2, plus 1 when positive. Comparing these is
 * several times faster than comparing the floats, and copying bits keeps values exact.
 * @param {number} bits
 */
function key(bits) {
  const m = bits & 0x7fffffff;
  return m > 0x7f800000 ? -1 : m * 2 + ((bits >>> 31) ^ 1);
}

/** @param {Float32Array} a */
const bitsOf = (a) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** @param {Float32Array} a */
const intsOf = (a) => new Int32Array(a.buffer, a.byteOffset, a.length);

/** The bits of the NaN a pixel with only NaN cells shows (reduceImage). */
const NAN = 0x7fc00000;
/** reduceImage's key of NaN, flipped into signed order: every number beats it. */
const MIN = -2147483648;

/**
 * Merge groups of 4 rows: dst (ceil(R/4) x C) from src (R x C).
 * @param {Float32Array} src
 * @param {number} R
 * @param {number} C
 */
function mergeRows(src, R, C) {
  const R2 = sizeAt(R, 1);
  const dst = new Float32Array(R2 * C);
  const from = bitsOf(src);
  const to = bitsOf(dst);
  for (let i = 0; i < R2; i++) {
    const first = 4 * i * C;
    const end = Math.min(R, 4 * i + 4) * C;
    for (let c = 0; c < C; c++) {
      let best = from[first + c];
      let kb = key(best);
      for (let j = first + C + c; j < end; j += C) {
        const w = from[j];
        const k = key(w);
        if (k > kb) {
          kb = k;
          best = w;
        }
      }
      to[i * C + c] = best;
    }
  }
  return dst;
}

/**
 * Merge groups of 4 columns: dst (R x ceil(C/4)) from src (R x C).
 * @param {Float32Array} src
 * @param {number} R
 * @param {number} C
 */
function mergeCols(src, R, C) {
  const C2 = sizeAt(C, 1);
  const dst = new Float32Array(R * C2);
  const from = bitsOf(src);
  const to = bitsOf(dst);
  for (let r = 0; r < R; r++) {
    const base = r * C;
    for (let j = 0; j < C2; j++) {
      let best = from[base + 4 * j];
      let kb = key(best);
      const end = base + Math.min(C, 4 * j + 4);
      for (let c = base + 4 * j + 1; c < end; c++) {
        const w = from[c];
        const k = key(w);
        if (k > kb) {
          kb = k;
          best = w;
        }
      }
      to[r * C2 + j] = best;
    }
  }
  return dst;
}

/**
 * Build the max-|v| pyramid of a row-major matrix. Levels of `reuse` (an earlier pyramid
 * of the same values) are taken over instead of being computed again.
 * @param {Float32Array} values rows * cols, C order
 * @param {number} rows
 * @param {number} cols
 * @param {boolean} rowLevels
 * @param {boolean} colLevels
 * @param {Pyramid | null} [reuse]
 * @returns {Pyramid}
 */
export function buildPyramid(values, rows, cols, rowLevels, colLevels, reuse = null) {
  const topA = rowLevels ? topLevel(rows) : 0;
  const topB = colLevels ? topLevel(cols) : 0;
  /** @param {number} a @param {number} b */
  const old = (a, b) =>
    reuse && reuse.levels[0] === values && a <= reuse.topA && b <= reuse.topB
      ? reuse.levels[a * (reuse.topB + 1) + b]
      : null;
  /** @type {Float32Array[]} */
  const levels = new Array((topA + 1) * (topB + 1));
  const offsets = new Int32Array(levels.length);
  let total = 0;
  for (let a = 0; a <= topA; a++) {
    for (let b = 0; b <= topB; b++) {
      const k = a * (topB + 1) + b;
      let lv = old(a, b);
      if (!lv) {
        if (a === 0 && b === 0) lv = values;
        else if (b === 0) lv = mergeRows(levels[(a - 1) * (topB + 1)], sizeAt(rows, a - 1), cols);
        else lv = mergeCols(levels[k - 1], sizeAt(rows, a), sizeAt(cols, b - 1));
      }
      levels[k] = lv;
      offsets[k] = total;
      total += lv.length;
    }
  }
  return { rows, cols, topA, topB, rowLevels, colLevels, levels, offsets, total };
}

/**
 * The pyramids of a stack of panels: one per panel, all with the same levels.
 * @typedef {Object} PyramidStack
 * @property {Float32Array} values the whole stack, panels * rows * cols, panel-major
 * @property {number} panels
 * @property {number} rows
 * @property {number} cols
 * @property {number} topA
 * @property {number} topB
 * @property {boolean} rowLevels
 * @property {boolean} colLevels
 * @property {Int32Array} offsets start of each level inside a panel's stretch (every
 *   panel's are the same)
 * @property {number} stride values of one panel in all its levels
 * @property {number} total panels * stride
 * @property {Pyramid[]} pyramids panel p's pyramid; its levels[0] is its part of `values`
 */

/**
 * The values in all levels of a stack's pyramids, without building them.
 * @param {number} rows
 * @param {number} cols
 * @param {number} panels
 * @param {boolean} rowLevels
 * @param {boolean} colLevels
 */
export function stackSize(rows, cols, panels, rowLevels, colLevels) {
  return panels * pyramidSize(rows, cols, rowLevels, colLevels);
}

/**
 * Build the pyramid of every panel of a stack. Levels of `reuse` (an earlier stack of
 * the same values) are taken over.
 * @param {Float32Array} values panels * rows * cols, panel-major
 * @param {number} rows
 * @param {number} cols
 * @param {number} panels
 * @param {boolean} rowLevels
 * @param {boolean} colLevels
 * @param {PyramidStack | null} [reuse]
 * @returns {PyramidStack}
 */
export function buildStack(values, rows, cols, panels, rowLevels, colLevels, reuse = null) {
  const n = rows * cols;
  const old = reuse && reuse.values === values && reuse.panels === panels ? reuse : null;
  /** @type {Pyramid[]} */
  const pyramids = new Array(panels);
  for (let p = 0; p < panels; p++) {
    const prev = old ? old.pyramids[p] : null;
    // a single panel is the matrix itself (no view), as before stacks
    const v = prev ? prev.levels[0] : panels === 1 ? values : values.subarray(p * n, (p + 1) * n);
    pyramids[p] = buildPyramid(v, rows, cols, rowLevels, colLevels, prev);
  }
  const { topA, topB, offsets, total } = pyramids[0];
  /** @type {PyramidStack} */
  const st = {
    values,
    panels,
    rows,
    cols,
    topA,
    topB,
    rowLevels: pyramids[0].rowLevels,
    colLevels: pyramids[0].colLevels,
    offsets,
    stride: total,
    total: panels * total,
    pyramids,
  };
  registerStack(st);
  return st;
}

/**
 * Keeps the pyramids of the two latest matrices (or stacks), so that renderers of one view
 * share them and each level is built once, also while a big matrix's view goes back and
 * forth between its overview and a window (js/data/lod.js).
 */
export function createPyramidCache() {
  /** @type {PyramidStack[]} most recently used first */
  let recent = [];

  /**
   * The pyramids of a stack that have at least the levels asked for.
   * @param {Float32Array} values
   * @param {number} rows
   * @param {number} cols
   * @param {number} panels
   * @param {boolean} rowLevels
   * @param {boolean} colLevels
   * @returns {PyramidStack}
   */
  function stack(values, rows, cols, panels, rowLevels, colLevels) {
    const p =
      recent.find((q) => q.values === values && q.rows === rows && q.cols === cols && q.panels === panels) ??
      null;
    const others = recent.filter((q) => q !== p);
    if (p && (p.rowLevels || !rowLevels) && (p.colLevels || !colLevels)) {
      recent = [p, ...others];
      return p;
    }
    const built = buildStack(
      values,
      rows,
      cols,
      panels,
      rowLevels || (p?.rowLevels ?? false),
      colLevels || (p?.colLevels ?? false),
      p,
    );
    recent = [built, ...others].slice(0, 2);
    return built;
  }

  return {
    stack,
    /**
     * The pyramid of a single matrix (a stack of one panel).
     * @param {Float32Array} values
     * @param {number} rows
     * @param {number} cols
     * @param {boolean} rowLevels
     * @param {boolean} colLevels
     * @returns {Pyramid}
     */
    get(values, rows, cols, rowLevels, colLevels) {
      return stack(values, rows, cols, 1, rowLevels, colLevels).pyramids[0];
    },
    clear() {
      recent = [];
    },
  };
}

/**
 * The ranges of device pixels along one axis and the pyramid blocks that make them up:
 * pixel p reads blocks first[p] .. first[p + 1] - 1, block i at `level[i]`, block index
 * `index[i]` (in units of 4^level cells). The same blocks grouped by level, for reading
 * one level at a time: pixel p's blocks at level a are `byLevel[j]` for j in
 * `levelFirst[a * (n + 1) + p]` .. `levelFirst[a * (n + 1) + p + 1] - 1`, none for a pixel
 * whose range repeats the previous pixel's (`repeats[p]` = 1; it shows the same value).
 * @typedef {Object} AxisBlocks
 * @property {Int32Array} lo
 * @property {Int32Array} hi
 * @property {Int32Array} first
 * @property {Int32Array} level
 * @property {Int32Array} index
 * @property {number} top highest level
 * @property {Uint8Array} repeats
 * @property {Int32Array} levelFirst
 * @property {Int32Array} byLevel
 * @property {Int32Array} pixelOf the pixel of each entry of byLevel
 */

/**
 * Split [lo, hi] into aligned pyramid blocks, greedily from the left: at each step the
 * largest block (up to level `top`) that starts here and ends inside the range. The
 * shader in gl.js walks the same way.
 * @param {number} lo
 * @param {number} hi
 * @param {number} top
 * @param {(level: number, index: number) => void} visit
 */
export function forEachBlock(lo, hi, top, visit) {
  let i = lo;
  while (i <= hi) {
    let a = 0;
    while (a < top) {
      const k = LEVEL_SHIFT * (a + 1);
      if ((i & ((1 << k) - 1)) !== 0 || i + (1 << k) - 1 > hi) break;
      a++;
    }
    visit(a, i >> (LEVEL_SHIFT * a));
    i += 1 << (LEVEL_SHIFT * a);
  }
}

/**
 * The blocks of every pixel range along an axis. Reuses the arrays of `into` when given
 * (its lo/hi are replaced by these).
 * @param {Int32Array} lo
 * @param {Int32Array} hi
 * @param {number} top highest pyramid level along this axis
 * @param {AxisBlocks} [into]
 * @returns {AxisBlocks}
 */
export function axisBlocks(lo, hi, top, into) {
  const n = lo.length;
  const first = into && into.first.length === n + 1 ? into.first : new Int32Array(n + 1);
  let level = into ? into.level : new Int32Array(Math.max(16, 2 * n));
  let index = into ? into.index : new Int32Array(level.length);
  let count = 0;
  /**
   * @param {number} a
   * @param {number} i
   */
  const visit = (a, i) => {
    if (count === level.length) {
      const l2 = new Int32Array(2 * count);
      const i2 = new Int32Array(2 * count);
      l2.set(level);
      i2.set(index);
      level = l2;
      index = i2;
    }
    level[count] = a;
    index[count] = i;
    count++;
  };
  for (let p = 0; p < n; p++) {
    first[p] = count;
    if (p > 0 && lo[p] === lo[p - 1] && hi[p] === hi[p - 1]) {
      // same range as the previous pixel: the same blocks
      for (let i = first[p - 1]; i < first[p]; i++) visit(level[i], index[i]);
    } else {
      forEachBlock(lo[p], hi[p], top, visit);
    }
  }
  first[n] = count;
  // grouped by level (a counting sort of each pixel's blocks)
  const repeats = into && into.repeats.length === n ? into.repeats : new Uint8Array(n);
  const size = (top + 1) * (n + 1);
  const levelFirst = into && into.levelFirst.length === size ? into.levelFirst : new Int32Array(size);
  const byLevel = into && into.byLevel.length >= count ? into.byLevel : new Int32Array(level.length);
  const pixelOf =
    into && into.pixelOf.length === byLevel.length ? into.pixelOf : new Int32Array(byLevel.length);
  let k = 0;
  for (let p = 0; p < n; p++) repeats[p] = p > 0 && lo[p] === lo[p - 1] && hi[p] === hi[p - 1] ? 1 : 0;
  for (let a = 0; a <= top; a++) {
    const base = a * (n + 1);
    for (let p = 0; p < n; p++) {
      levelFirst[base + p] = k;
      if (repeats[p]) continue;
      for (let i = first[p]; i < first[p + 1]; i++) {
        if (level[i] !== a) continue;
        pixelOf[k] = p;
        byLevel[k++] = index[i];
      }
    }
    levelFirst[base + n] = k;
  }
  return { lo, hi, first, level, index, top, repeats, levelFirst, byLevel, pixelOf };
}

/**
 * Pixels already known from an earlier image of the same pyramid (js/data/viewimage.js):
 * pixel (x, y) shows what that image's pixel (colFrom[x], rowFrom[y]) showed when both are
 * >= 0 (the same cell ranges); `missing` holds the column blocks of the other columns only.
 * @typedef {Object} KnownPixels
 * @property {Float32Array} image the earlier image, `width` pixels a row
 * @property {number} width
 * @property {Int32Array} rowFrom
 * @property {Int32Array} colFrom
 * @property {{ levelFirst: Int32Array, byLevel: Int32Array, pixelOf: Int32Array }} missing
 */

/**
 * The value each pixel shows: out[y * w + x] = the strongest value in rows
 * rowsB.lo[y]..rowsB.hi[y] x columns colsB.lo[x]..colsB.hi[x] (NaN when all are NaN).
 * Pixels whose ranges repeat the previous pixel's copy its value, and so do pixels that
 * `known` has. A row of pixels is made block row by block row and level by level, each a
 * run over the row's pixels in one array with int32 keys (`key` shifted into signed
 * order), so the inner loop is a few integer operations per value read. Without `known`
 * (or when it gives under half the pixels), the same loop runs in WebAssembly where it
 * can (wasmreduce.js), about twice as fast, and several times faster in a first frame,
 * before the JavaScript engine has optimised the loop.
 * @param {Pyramid} pyr
 * @param {AxisBlocks} rowsB one entry per device pixel row, from the top
 * @param {AxisBlocks} colsB one entry per device pixel column
 * @param {Float32Array} out w * h (not known.image)
 * @param {KnownPixels | null} [known]
 */
export function reduceImage(pyr, rowsB, colsB, out, known = null) {
  const h = rowsB.lo.length;
  const w = colsB.lo.length;
  const nb = pyr.topB + 1;
  const colsAt = new Int32Array(nb);
  for (let b = 0; b < nb; b++) colsAt[b] = sizeAt(pyr.cols, b);
  // an earlier image that gives few of the pixels (a wheel step around a point that stays)
  // is not worth the JavaScript loop for the rest
  if ((!known || knownShare(known) < 0.5) && wasmReduce(pyr, rowsB, colsB, out, colsAt)) return;
  if (pyr.topA === 0 && pyr.topB === 0 && !known) {
    reduceFromValues(pyr, rowsB, colsB, out);
    return;
  }
  const levels = pyr.levels.map(intsOf);
  const shown = intsOf(out);
  const from = known ? intsOf(known.image) : shown;
  const keys = new Int32Array(w);
  const { first: rFirst, level: rLevel, index: rIndex, repeats: rRepeats } = rowsB;
  const { repeats } = colsB;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    if (rRepeats[y]) {
      shown.copyWithin(o, o - w, o);
      continue;
    }
    const src = known ? known.rowFrom[y] : -1;
    // a row known from the earlier image needs only its missing columns
    const { levelFirst, byLevel, pixelOf } = src >= 0 && known ? known.missing : colsB;
    keys.fill(MIN);
    shown.fill(NAN, o, o + w);
    for (let i = rFirst[y]; i < rFirst[y + 1]; i++) {
      const a = rLevel[i];
      const ri = rIndex[i];
      for (let b = 0; b < nb; b++) {
        const at = b * (w + 1);
        const end = levelFirst[at + w];
        const lv = levels[a * nb + b];
        const base = ri * colsAt[b];
        // every column block at this level, pixel after pixel (none: no loop)
        for (let j = levelFirst[at]; j < end; j++) {
          const v = lv[base + byLevel[j]];
          const m = v & 0x7fffffff;
          // key(v) + 2 (NaN: 0) as unsigned, flipped into signed order
          const k = m > 0x7f800000 ? MIN : ((((m << 1) | ((v >>> 31) ^ 1)) + 2) ^ MIN) | 0;
          const x = pixelOf[j];
          if (k > keys[x]) {
            keys[x] = k;
            shown[o + x] = v;
          }
        }
      }
    }
    if (src >= 0 && known) {
      const { colFrom, width } = known;
      const so = src * width;
      for (let x = 0; x < w; x++) if (colFrom[x] >= 0) shown[o + x] = from[so + colFrom[x]];
    }
    for (let x = 1; x < w; x++) if (repeats[x]) shown[o + x] = shown[o + x - 1];
  }
}

/**
 * The share of an image's pixels that `known` gives.
 * @param {KnownPixels} known
 */
function knownShare(known) {
  let rows = 0;
  let cols = 0;
  for (const r of known.rowFrom) if (r >= 0) rows++;
  for (const c of known.colFrom) if (c >= 0) cols++;
  return (rows / known.rowFrom.length) * (cols / known.colFrom.length);
}

/**
 * reduceImage for a pyramid without levels (no pixel covers 4 cells along an axis, see
 * needsLevels) where WebAssembly cannot run: every pixel reads its few cells from the
 * values, in the same order and with the same keys, without the block tables.
 * @param {Pyramid} pyr
 * @param {AxisBlocks} rowsB
 * @param {AxisBlocks} colsB
 * @param {Float32Array} out
 */
function reduceFromValues(pyr, rowsB, colsB, out) {
  const h = rowsB.lo.length;
  const w = colsB.lo.length;
  const cols = pyr.cols;
  const values = intsOf(pyr.levels[0]);
  const shown = intsOf(out);
  const keys = new Int32Array(w);
  const { lo: rLo, hi: rHi, repeats: rRepeats } = rowsB;
  const { lo: cLo, hi: cHi, repeats } = colsB;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    if (rRepeats[y]) {
      shown.copyWithin(o, o - w, o);
      continue;
    }
    keys.fill(MIN);
    shown.fill(NAN, o, o + w);
    for (let r = rLo[y]; r <= rHi[y]; r++) {
      const base = r * cols;
      for (let x = 0; x < w; x++) {
        if (repeats[x]) continue;
        const end = base + cHi[x];
        for (let j = base + cLo[x]; j <= end; j++) {
          const v = values[j];
          const m = v & 0x7fffffff;
          const k = m > 0x7f800000 ? MIN : ((((m << 1) | ((v >>> 31) ^ 1)) + 2) ^ MIN) | 0;
          if (k > keys[x]) {
            keys[x] = k;
            shown[o + x] = v;
          }
        }
      }
    }
    for (let x = 1; x < w; x++) if (repeats[x]) shown[o + x] = shown[o + x - 1];
  }
}

/**
 * What the device pixel under a point of the plot shows: the cells it covers and the one
 * whose colour it has.
 * @typedef {Object} Covered
 * @property {number} row the cell whose value colours the pixel: the strongest covered
 *   cell (first in C order among equal values; the first covered cell when all are NaN)
 * @property {number} col
 * @property {number} rowLo first covered row
 * @property {number} rowHi last covered row (inclusive)
 * @property {number} colLo
 * @property {number} colHi
 * @property {number} count covered cells, (rowHi - rowLo + 1) * (colHi - colLo + 1)
 * @property {boolean} reduced whether the pixel covers more than one cell along an axis
 *   (when it does not, count is 1 and (row, col) is the cell under the pixel's centre)
 */

/**
 * The cells that the device pixel under CSS point (x, y) of the plot covers, and the one
 * it shows, exactly as the renderers draw it. The plot is drawn at
 * max(1, round(plotW * dpr)) x max(1, round(plotH * dpr)) device px, as js/view/arrange.js sizes it.
 * @param {ViewWindow} view
 * @param {number} plotW plot width, CSS px
 * @param {number} plotH plot height, CSS px
 * @param {number} rows
 * @param {number} cols
 * @param {number} x CSS px from the plot's left edge
 * @param {number} y CSS px from the plot's top edge
 * @param {number} dpr device px per CSS px
 * @param {Float32Array} values the matrix, rows * cols in C order
 * @returns {Covered | null} null outside the plot
 */
export function coveredCells(view, plotW, plotH, rows, cols, x, y, dpr, values) {
  if (!(x >= 0 && x < plotW && y >= 0 && y < plotH)) return null;
  const nw = Math.max(1, Math.round(plotW * dpr));
  const nh = Math.max(1, Math.round(plotH * dpr));
  const rr = pixelRange(view.row0, view.row1, rows, nh, Math.min(nh - 1, Math.floor((y / plotH) * nh)));
  const cr = pixelRange(view.col0, view.col1, cols, nw, Math.min(nw - 1, Math.floor((x / plotW) * nw)));
  let row = rr.lo;
  let col = cr.lo;
  let best = NaN;
  for (let r = rr.lo; r <= rr.hi; r++) {
    const base = r * cols;
    for (let c = cr.lo; c <= cr.hi; c++) {
      const v = values[base + c];
      if (stronger(v, best)) {
        best = v;
        row = r;
        col = c;
      }
    }
  }
  return {
    row,
    col,
    rowLo: rr.lo,
    rowHi: rr.hi,
    colLo: cr.lo,
    colHi: cr.hi,
    count: (rr.hi - rr.lo + 1) * (cr.hi - cr.lo + 1),
    reduced: rr.reduced || cr.reduced,
  };
}

/**
 * pixelRanges for pixel p of n only.
 * @param {number} start
 * @param {number} end
 * @param {number} count
 * @param {number} n
 * @param {number} p
 */
function pixelRange(start, end, count, n, p) {
  const lo = new Int32Array(1);
  const hi = new Int32Array(1);
  const s = Math.fround(start);
  const span = Math.fround(Math.fround(end) - s);
  const reduced = span > n;
  fillRange(s, span, reduced, count, n, p, lo, hi, 0);
  return { lo: lo[0], hi: hi[0], reduced };
}
