// Zoomed-out reduction in WebAssembly: reduce.wat runs reduceImage's loop about twice as
// fast as its JavaScript (a 4096² matrix into 560² pixels: 12 ms instead of 26 in Node),
// for the renderers that reduce on the CPU (canvas 2D, WebGL on a software renderer).
//
// The module reads the pyramid from its own memory: one arena per stack (reduce.js's
// buildStack registers each), made on the stack's first reduction, holding scratch space
// for a view's tables and image, then every panel's values and levels laid out as the
// stack says (`offsets`, `stride`). The stack's level arrays are then views into the arena,
// so levels are not held twice; the values are (+4 bytes a cell), since the matrix's own
// array stays what everything else reads. An arena never grows (that would detach those
// views): a view that needs more scratch gets a new arena. Where WebAssembly is missing or
// refused (a page's Content-Security-Policy), reduceImage keeps its JavaScript loop; both
// give the same bits (js/test/wasmreduce.test.js).

import { REDUCE_WASM } from "./reducewasm.js";

/** @typedef {import("./reduce.js").Pyramid} Pyramid */
/** @typedef {import("./reduce.js").PyramidStack} PyramidStack */
/** @typedef {import("./reduce.js").AxisBlocks} AxisBlocks */

/**
 * @typedef {Object} Arena
 * @property {WebAssembly.Memory} memory
 * @property {(...args: number[]) => void} reduce
 * @property {number} scratch bytes of scratch space, at the start of the memory
 */

const PAGE = 65536;

/** @type {WebAssembly.Module | null | undefined} undefined: not tried yet */
let compiled;
/** @type {WeakMap<Pyramid, { stack: PyramidStack, panel: number }>} */
const panelOf = new WeakMap();
/** @type {WeakMap<PyramidStack, Arena | null>} null: no arena can be made for it */
const arenas = new WeakMap();

/** Whether reductions and colouring may use WebAssembly (tests turn it off to compare),
 * and how many reductions (`runs`) and colourings (`colours`) have (tests check that they
 * did). */
export const wasmSwitch = { enabled: true, runs: 0, colours: 0 };

/** The compiled module (reduce.wat), or null where WebAssembly is unavailable or refused. */
export function wasmModule() {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(REDUCE_WASM), (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Remember which stack and panel each pyramid of a stack is (buildStack calls this).
 * @param {PyramidStack} st
 */
export function registerStack(st) {
  st.pyramids.forEach((pyr, panel) => panelOf.set(pyr, { stack: st, panel }));
}

/**
 * Bytes of scratch space a reduction needs, and where each of its parts goes.
 * @param {AxisBlocks} rowsB
 * @param {AxisBlocks} colsB
 * @param {number} na
 * @param {number} nb
 */
function scratchLayout(rowsB, colsB, na, nb) {
  const h = rowsB.lo.length;
  const w = colsB.lo.length;
  const rCount = rowsB.first[h];
  const cCount = colsB.levelFirst[(nb - 1) * (w + 1) + w];
  const sizes = [
    4 * (h + 1), // rFirst
    4 * rCount, // rLevel
    4 * rCount, // rIndex
    h, // rRepeats
    4 * nb * (w + 1), // levelFirst
    4 * cCount, // byLevel
    4 * cCount, // pixelOf
    w, // repeats
    4 * nb, // colsAt
    4 * na * nb, // lvOff
    4 * w, // keys
    4 * w * h, // out
  ];
  const at = [];
  let end = 0;
  for (const s of sizes) {
    at.push(end);
    end += (s + 7) & ~7;
  }
  return { at, bytes: end, rCount, cCount };
}

/**
 * A new arena for a stack with at least `scratch` bytes of scratch space; the stack's
 * levels become views into it. Null when it cannot be made (too big for 32-bit memory, or
 * no memory to spare).
 * @param {WebAssembly.Module} mod
 * @param {PyramidStack} st
 * @param {number} need
 * @returns {Arena | null}
 */
function makeArena(mod, st, need) {
  const scratch = Math.max(1 << 20, Math.ceil((need * 1.5) / 8) * 8);
  const pages = Math.ceil((scratch + 4 * st.total) / PAGE);
  if (pages > 65536) return null;
  let memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
  const instance = new WebAssembly.Instance(mod, { env: { memory } });
  const all = new Float32Array(memory.buffer, scratch, st.total);
  st.pyramids.forEach((pyr, p) => {
    pyr.levels.forEach((lv, k) => {
      const start = p * st.stride + st.offsets[k];
      all.set(lv, start);
      if (k > 0) pyr.levels[k] = all.subarray(start, start + lv.length);
    });
  });
  const reduce = /** @type {(...args: number[]) => void} */ (instance.exports.reduce);
  return { memory, reduce, scratch };
}

/**
 * reduceImage (without known pixels) in WebAssembly: out[y * w + x] = the strongest value
 * of the pixel's cells. False, with nothing done, where it cannot run (the caller then
 * reduces in JavaScript).
 * @param {Pyramid} pyr
 * @param {AxisBlocks} rowsB
 * @param {AxisBlocks} colsB
 * @param {Float32Array} out
 * @param {Int32Array} colsAt columns of each column level
 * @returns {boolean}
 */
export function wasmReduce(pyr, rowsB, colsB, out, colsAt) {
  const where = panelOf.get(pyr);
  const mod = wasmSwitch.enabled && where ? wasmModule() : null;
  if (!where || !mod) return false;
  const st = where.stack;
  const na = st.topA + 1;
  const nb = st.topB + 1;
  const layout = scratchLayout(rowsB, colsB, na, nb);
  let arena = arenas.get(st);
  if (arena === null) return false;
  if (!arena || arena.scratch < layout.bytes) {
    arena = makeArena(mod, st, layout.bytes);
    arenas.set(st, arena);
    if (!arena) return false;
  }
  const { buffer } = arena.memory;
  const h = rowsB.lo.length;
  const w = colsB.lo.length;
  const [rFirst, rLevel, rIndex, rRepeats, levelFirst, byLevel, pixelOf, repeats, cols, lvOff, keys, image] =
    layout.at;
  const ints = (/** @type {number} */ at, /** @type {number} */ n) => new Int32Array(buffer, at, n);
  ints(rFirst, h + 1).set(rowsB.first.subarray(0, h + 1));
  ints(rLevel, layout.rCount).set(rowsB.level.subarray(0, layout.rCount));
  ints(rIndex, layout.rCount).set(rowsB.index.subarray(0, layout.rCount));
  new Uint8Array(buffer, rRepeats, h).set(rowsB.repeats);
  ints(levelFirst, nb * (w + 1)).set(colsB.levelFirst.subarray(0, nb * (w + 1)));
  ints(byLevel, layout.cCount).set(colsB.byLevel.subarray(0, layout.cCount));
  ints(pixelOf, layout.cCount).set(colsB.pixelOf.subarray(0, layout.cCount));
  new Uint8Array(buffer, repeats, w).set(colsB.repeats);
  ints(cols, nb).set(colsAt);
  const offsets = ints(lvOff, na * nb);
  for (let k = 0; k < na * nb; k++)
    offsets[k] = arena.scratch + 4 * (where.panel * st.stride + st.offsets[k]);
  arena.reduce(
    h,
    w,
    nb,
    rFirst,
    rLevel,
    rIndex,
    rRepeats,
    levelFirst,
    byLevel,
    pixelOf,
    repeats,
    cols,
    lvOff,
    keys,
    image,
  );
  out.set(new Float32Array(buffer, image, w * h));
  wasmSwitch.runs++;
  return true;
}
