// The colour-range control's arithmetic, no DOM: the handles' track, steps and snapping,
// moving one end (with the symmetric mirror), parsing typed ends, and a range asked for
// by a linked control.

import { FLOAT32_MAX, isFiniteNumber } from "../data/traits.js";

const MARGIN = 0.05;

/**
 * The track's value range: the data's finite range extended to hold the colour range and
 * the centre, made symmetric about the centre in symmetric mode, plus a 5% margin each way.
 * @param {[number, number] | null} dataRange `_data_range` (traits.js readDataRange)
 * @param {number} vmin
 * @param {number} vmax
 * @param {number | null} center
 * @param {boolean} symmetric
 * @returns {[number, number]}
 */
export function trackBounds(dataRange, vmin, vmax, center, symmetric) {
  let lo = Math.min(vmin, vmax);
  let hi = Math.max(vmin, vmax);
  if (dataRange) {
    // float64 data may reach 1.8e308; the colour range (float32) cannot, so the track
    // need not either, and its span must stay finite for the handles' positions
    lo = Math.min(lo, Math.max(dataRange[0], -FLOAT32_MAX));
    hi = Math.max(hi, Math.min(dataRange[1], FLOAT32_MAX));
  }
  if (center !== null) {
    lo = Math.min(lo, center);
    hi = Math.max(hi, center);
    if (symmetric) {
      const r = Math.max(hi - center, center - lo);
      lo = center - r;
      hi = center + r;
    }
  }
  const m = (hi - lo) * MARGIN || Math.max(Math.abs(hi) * MARGIN, 1e-6);
  return [lo - m, hi + m];
}

/**
 * The largest 1-2-5 step not above x (x > 0).
 * @param {number} x
 */
export function niceStep(x) {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/**
 * `v` rounded to a multiple of `step`, without binary noise (0.30000000000000004).
 * @param {number} v
 * @param {number} step
 */
export function snap(v, step) {
  const decimals = Math.min(15, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return clean(Number((Math.round(v / step) * step).toFixed(decimals)));
}

/** @param {number} v */
const clean = (v) => Number(v.toPrecision(12)) + 0;

/**
 * The range after moving one end to `value`: snapped to `step`, kept inside [lo, hi] and
 * on its side of the other end (or of the centre in symmetric mode, where the other end
 * mirrors this one: vmin = 2 * center - vmax).
 * @param {"min" | "max"} end
 * @param {number} value
 * @param {{ vmin: number, vmax: number, center: number | null, symmetric: boolean,
 *           lo: number, hi: number, step: number }} s
 * @returns {[number, number]} [vmin, vmax]
 */
export function moveEnd(end, value, s) {
  const { center: c, step, lo, hi } = s;
  const sym = s.symmetric && c !== null;
  const v = snap(value, step);
  if (end === "max") {
    const lower = sym ? c + step : s.vmin + step;
    const x = Math.max(Math.min(v, hi), lower);
    return [sym ? clean(2 * c - x) : s.vmin, x];
  }
  const upper = sym ? c - step : s.vmax - step;
  const x = Math.min(Math.max(v, lo), upper);
  return [x, sym ? clean(2 * c - x) : s.vmax];
}

/**
 * Parse what was typed into one of the inputs, or explain why it cannot be used.
 * @param {string} text
 * @param {"min" | "max"} end
 * @param {{ vmin: number, vmax: number, center: number | null, symmetric: boolean }} s
 * @returns {{ range: [number, number] } | { error: string }}
 */
export function parseEnd(text, end, s) {
  const t = text.trim().replace(/\u2212/g, "-");
  const v = t === "" ? NaN : Number(t);
  if (!Number.isFinite(v)) return { error: `"${text.trim()}" is not a number` };
  const c = s.center;
  if (s.symmetric && c !== null) {
    if (end === "max" && !(v > c)) return { error: `must be above the centre (${formatValue(c)})` };
    if (end === "min" && !(v < c)) return { error: `must be below the centre (${formatValue(c)})` };
    const other = clean(2 * c - v);
    return { range: end === "max" ? [other, v] : [v, other] };
  }
  if (end === "max" && !(v > s.vmin)) return { error: `must be above the minimum (${formatValue(s.vmin)})` };
  if (end === "min" && !(v < s.vmax)) return { error: `must be below the maximum (${formatValue(s.vmax)})` };
  return { range: end === "max" ? [s.vmin, v] : [v, s.vmax] };
}

/**
 * The range a `color_range` change asks for, or null when it is not a valid pair. A
 * change that disagrees with vmin/vmax comes from a linked control (Python sends the
 * three together); when it moves one end only and `symmetric` is on, the other end
 * mirrors it about the centre, as when dragging this control's own handles.
 * @param {unknown} cr `color_range`
 * @param {number} vmin current `vmin`
 * @param {number} vmax current `vmax`
 * @param {number | null} center
 * @param {boolean} symmetric
 * @returns {[number, number] | null}
 */
export function linkedRange(cr, vmin, vmax, center, symmetric) {
  if (!Array.isArray(cr) || cr.length !== 2) return null;
  const [lo, hi] = cr;
  if (!isFiniteNumber(lo) || !isFiniteNumber(hi) || !(lo < hi)) return null;
  if (symmetric && center !== null && Number.isFinite(center)) {
    if (lo === vmin && hi !== vmax && hi > center) return [clean(2 * center - hi), hi];
    if (hi === vmax && lo !== vmin && lo < center) return [lo, clean(2 * center - lo)];
  }
  return [lo, hi];
}

/**
 * Short text for a range end: at most 4 significant digits (it must fit the small
 * input boxes; the exact value stays in the model), ASCII minus.
 * @param {number} v
 */
export function formatValue(v) {
  return String(Number(v.toPrecision(4)) + 0);
}
