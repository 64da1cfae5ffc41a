// The colour mapping of docs/architecture.md on the CPU. The WebGL shader (gl.js) runs the
// same formula; this copy serves the canvas fallback, the colour bar and the choice of
// black or white token text, so all of them agree with the cells.

import { binaryLength, decodeBytes, isBinary } from "../data/binary.js";
import { brief } from "../data/traits.js";

/**
 * @typedef {Object} ColorScale
 * @property {Uint8Array} lut      256 RGBA entries (1024 bytes)
 * @property {number} vmin
 * @property {number} vmax
 * @property {number | null} center
 * @property {[number, number, number]} nan  RGB of NaN cells
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * LUT index of a value, or -1 for NaN. Infinities clamp to the ends like any other
 * out-of-range value (the shader tests for NaN by its bits, which excludes infinities).
 * @param {number} v
 * @param {number} vmin
 * @param {number} vmax
 * @param {number | null} center
 * @returns {number}
 */
export function lutIndex(v, vmin, vmax, center) {
  if (v !== v) return -1;
  const t = v < vmin ? vmin : v > vmax ? vmax : v;
  let u;
  if (center === null) {
    u = (t - vmin) / (vmax - vmin);
  } else {
    const r = Math.max(vmax - center, center - vmin);
    u = 0.5 + (t - center) / (2 * r);
  }
  const i = Math.floor(u * 256);
  return i < 0 ? 0 : i > 255 ? 255 : i;
}

/**
 * Parse "#rrggbb" or "#rgb" (surrounding spaces ignored), as Python's
 * `colormaps.parse_hex_color`; null for anything else.
 * @param {unknown} s
 * @returns {[number, number, number] | null}
 */
export function parseHexColor(s) {
  if (typeof s !== "string") return null;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** @param {number} c 0..255 */
function linear(c) {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/**
 * WCAG relative luminance of an sRGB colour (0 = black, 1 = white).
 * @param {number} r
 * @param {number} g
 * @param {number} b
 * @returns {number}
 */
export function relativeLuminance(r, g, b) {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * Whether white text contrasts better than black on this background. At luminance
 * ~0.179 both give the same WCAG contrast ratio.
 * @param {number} r
 * @param {number} g
 * @param {number} b
 * @returns {boolean}
 */
export function wantsWhiteText(r, g, b) {
  return relativeLuminance(r, g, b) < 0.1791;
}

/**
 * An opaque RGB colour packed as one uint32 in the byte order of ImageData pixels.
 * @param {number} r
 * @param {number} g
 * @param {number} b
 * @returns {number}
 */
export function packRGB(r, g, b) {
  return LITTLE_ENDIAN
    ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/**
 * Pack the 256 LUT entries (alpha forced opaque, as in the shader) into `out`.
 * @param {Uint8Array} lut
 * @param {Uint32Array} out length 256
 */
export function packLut(lut, out) {
  for (let i = 0; i < 256; i++) out[i] = packRGB(lut[4 * i], lut[4 * i + 1], lut[4 * i + 2]);
}

/**
 * Colour `values` into `out` (packed pixels) with the mapping of `scale`.
 * @param {Float32Array} values
 * @param {Uint32Array} out same length as values
 * @param {Uint32Array} packed packLut() of scale.lut
 * @param {ColorScale} scale
 */
export function colorize(values, out, packed, scale) {
  const { vmin, vmax, center } = scale;
  const nan = packRGB(scale.nan[0], scale.nan[1], scale.nan[2]);
  for (let i = 0, n = values.length; i < n; i++) {
    const k = lutIndex(values[i], vmin, vmax, center);
    out[i] = k < 0 ? nan : packed[k];
  }
}

/**
 * RGB of one value under `scale` (NaN -> scale.nan).
 * @param {number} v
 * @param {ColorScale} scale
 * @returns {[number, number, number]}
 */
export function colorOf(v, scale) {
  const k = lutIndex(v, scale.vmin, scale.vmax, scale.center);
  if (k < 0) return scale.nan;
  const l = scale.lut;
  return [l[4 * k], l[4 * k + 1], l[4 * k + 2]];
}

/**
 * For each LUT entry, whether text on it should be white.
 * @param {Uint8Array} lut
 * @param {Uint8Array} out length 256, 1 = white text
 */
export function textColorTable(lut, out) {
  for (let i = 0; i < 256; i++) out[i] = wantsWhiteText(lut[4 * i], lut[4 * i + 1], lut[4 * i + 2]) ? 1 : 0;
}

/** Bytes of one colour map: 256 RGBA entries. */
const LUT_BYTES = 1024;
/** The list of known maps in a message is cut after this many characters. */
const NAMES_SHOWN = 400;

/**
 * The LUT of colour map `name` from the `_luts` trait ({base name: 1024 bytes}): a base
 * map as sent, or with a `_r` suffix the base map reversed (entry i = base entry 255 - i).
 * @param {unknown} luts `_luts`
 * @param {unknown} name `cmap`
 * @returns {{ lut: Uint8Array } | { error: string }}
 */
export function resolveLut(luts, name) {
  if (typeof name !== "string") return { error: `cmap must be a colour map name, got ${brief(name)}` };
  const plain = luts !== null && typeof luts === "object" && !Array.isArray(luts) && !isBinary(luts);
  const table = /** @type {Record<string, unknown>} */ (plain ? luts : {});
  const names = Object.keys(table);
  if (names.length === 0) return { error: `no colour maps were sent (_luts is ${brief(luts)})` };
  const has = (/** @type {string} */ k) => Object.prototype.hasOwnProperty.call(table, k);
  const reverse = !has(name) && name.endsWith("_r") && has(name.slice(0, -2));
  const base = reverse ? name.slice(0, -2) : name;
  if (!has(base)) {
    let known = names.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join(", ");
    if (known.length > NAMES_SHOWN) known = `${known.slice(0, NAMES_SHOWN)}...`;
    return { error: `unknown colour map ${brief(name)}; available: ${known} (each also with _r)` };
  }
  const v = table[base];
  if (!isBinary(v) || binaryLength(v) !== LUT_BYTES) {
    const got = isBinary(v) ? `${binaryLength(v)} bytes` : brief(v);
    return { error: `colour map ${brief(base)} must be ${LUT_BYTES} bytes (256 RGBA entries), got ${got}` };
  }
  const bytes = decodeBytes(v);
  const lut = bytes.slice(0, LUT_BYTES);
  if (reverse) {
    for (let i = 0; i < 256; i++) lut.set(bytes.subarray(4 * (255 - i), 4 * (255 - i) + 4), 4 * i);
  }
  return { lut };
}
