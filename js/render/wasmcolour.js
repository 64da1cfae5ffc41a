// Colouring on the CPU in WebAssembly: reduce.wat's `colour` gives each value the packed
// LUT colour that color.js's lutIndex picks, with the same float64 operations, so both
// give the same bits (js/test/wasmreduce.test.js). The canvas renderer colours its pixels
// (and its per-cell colour cache) with it: a first frame runs its loops once, before the
// JavaScript engine has optimised them, and there WebAssembly is several times faster.
// Values go through a memory of fixed size a chunk at a time, so it never grows.

import { wasmModule, wasmSwitch } from "../data/wasmreduce.js";

/** @typedef {import("./color.js").ColorScale} ColorScale */

/** Values coloured per call (the memory holds the LUT, then a chunk in and one out). */
const CHUNK = 1 << 18;
const LUT_BYTES = 1024;

/** @type {{ memory: WebAssembly.Memory, colour: (...args: number[]) => void } | null | undefined} */
let colourer;

/** The instance that colours (its own memory), or null where WebAssembly cannot run. */
function instance() {
  if (colourer === undefined) {
    const mod = wasmModule();
    try {
      const pages = Math.ceil((LUT_BYTES + 8 * CHUNK) / 65536);
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      const inst = mod ? new WebAssembly.Instance(mod, { env: { memory } }) : null;
      colourer = inst ? { memory, colour: /** @type {any} */ (inst.exports.colour) } : null;
    } catch {
      colourer = null;
    }
  }
  return colourer;
}

/**
 * Colour `h` rows of `w` values (`src`, row after row) into `out`, row y at
 * `at + y * stride`: the colour of each value under `scale`, `nan` for NaN, as
 * `lutIndex` and `packed` give it. False, with nothing done, where WebAssembly cannot run
 * (the caller colours in JavaScript).
 * @param {Float32Array} src w * h values
 * @param {number} w
 * @param {number} h
 * @param {Uint32Array} out
 * @param {number} at
 * @param {number} stride
 * @param {Uint32Array} packed the LUT's 256 packed colours
 * @param {number} nan packed colour of NaN
 * @param {ColorScale} scale
 * @returns {boolean}
 */
export function wasmColour(src, w, h, out, at, stride, packed, nan, scale) {
  const c = wasmSwitch.enabled ? instance() : null;
  if (!c) return false;
  const { buffer } = c.memory;
  new Uint32Array(buffer, 0, 256).set(packed);
  const inAt = LUT_BYTES;
  const outAt = LUT_BYTES + 4 * CHUNK;
  const into = new Float32Array(buffer, inAt, CHUNK);
  const from = new Uint32Array(buffer, outAt, CHUNK);
  const { vmin, vmax, center } = scale;
  /**
   * @param {number} first
   * @param {number} n
   */
  const run = (first, n) => {
    into.set(src.subarray(first, first + n));
    c.colour(inAt, n, outAt, 0, nan, vmin, vmax, center ?? 0, center === null ? 0 : 1);
  };
  if (stride === w) {
    // rows that follow each other: one run of values, a chunk at a time
    for (let first = 0, n = w * h; first < n; first += CHUNK) {
      const k = Math.min(CHUNK, n - first);
      run(first, k);
      out.set(from.subarray(0, k), at + first);
    }
  } else {
    const rows = Math.floor(CHUNK / w);
    if (rows === 0) return false;
    for (let y = 0; y < h; y += rows) {
      const k = Math.min(rows, h - y);
      run(y * w, k * w);
      for (let r = 0; r < k; r++) out.set(from.subarray(r * w, (r + 1) * w), at + (y + r) * stride);
    }
  }
  wasmSwitch.colours++;
  return true;
}
