// Reading the small traits as received. Saved state and messages can hold anything, so
// nothing here coerces: Number(x), String(x), `${x}` and x < y call into an object (and
// throw for {"valueOf": 1}), and would turn null, [] or "0.5" into numbers Python never
// sent. A value of the wrong type is refused with a message, or ignored.

import { binaryLength, isBinary } from "./binary.js";

/**
 * A value for an error message: JSON (binary data as its length), cut to 60 characters.
 * @param {unknown} v
 * @returns {string}
 */
export function brief(v) {
  let s;
  try {
    s = isBinary(v) ? `${binaryLength(v)} bytes` : JSON.stringify(v);
  } catch {
    s = undefined;
  }
  s ??= Object.prototype.toString.call(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * @param {unknown} v
 * @returns {v is number}
 */
export const isFiniteNumber = (v) => typeof v === "number" && Number.isFinite(v);

/** Largest finite float32: the colour mapping runs in float32 (docs "Colour mapping"). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The colour limits `vmin`, `vmax`, `center` as traits hold them, checked: finite numbers
 * (`center` may be null), vmin < vmax, and a range whose float32 arithmetic in the colour
 * rule (vmax - vmin, and 2 * max(vmax - center, center - vmin)) neither overflows nor is
 * empty, so that every value has a colour (as in Python's `colormaps.lut_indices`).
 * @param {unknown} vmin
 * @param {unknown} vmax
 * @param {unknown} center
 * @returns {{ vmin: number, vmax: number, center: number | null } | { error: string }}
 */
export function readLimits(vmin, vmax, center) {
  for (const [name, v] of /** @type {const} */ ([
    ["vmin", vmin],
    ["vmax", vmax],
  ])) {
    if (!isFiniteNumber(v)) return { error: `${name} must be a finite number, got ${brief(v)}` };
  }
  const lo = /** @type {number} */ (vmin);
  const hi = /** @type {number} */ (vmax);
  if (!(lo < hi)) return { error: `the colour range needs vmin < vmax, got vmin=${lo}, vmax=${hi}` };
  if (center !== null && center !== undefined && !isFiniteNumber(center)) {
    return { error: `center must be a finite number or null, got ${brief(center)}` };
  }
  const c = center ?? null;
  const f = Math.fround;
  const range = `the colour range vmin=${lo}, vmax=${hi}`;
  const why = `for float32, in which colours are computed (at most ${FLOAT32_MAX.toPrecision(3)})`;
  const span = f(f(hi) - f(lo));
  if (!Number.isFinite(span)) return { error: `${range} is too wide ${why}` };
  if (span === 0) return { error: `${range} is empty in float32, in which colours are computed` };
  if (c !== null) {
    const r = f(Math.max(hi - c, c - lo));
    if (!Number.isFinite(f(c)) || !Number.isFinite(f(2 * r))) {
      return { error: `${range} about center=${c} is too wide ${why}` };
    }
  }
  return { vmin: lo, vmax: hi, center: c };
}

/**
 * `_data_range` as [min, max] of finite numbers, min <= max; anything else is none (it
 * only places the colour bar's extend markers and the range control's data segment).
 * @param {unknown} v
 * @returns {[number, number] | null}
 */
export function readDataRange(v) {
  if (!Array.isArray(v) || v.length !== 2) return null;
  const [a, b] = v;
  return isFiniteNumber(a) && isFiniteNumber(b) && a <= b ? [a, b] : null;
}

/**
 * A text trait (title, colour-bar title): a string, else none.
 * @param {unknown} v
 * @returns {string}
 */
export const readText = (v) => (typeof v === "string" ? v : "");
