// Normalisation of a panel stack in the browser, the same float32 arithmetic as Python's
// `tokenheat._normalize`: each row, column or panel of each panel divided by its max |v|
// (the divisors come from Python in `_norms`), so switching modes needs no kernel. And the
// default colour range, `tokenheat._settings.auto_range`, so that the range can follow a
// switch the way Python moves it.

/** @typedef {"row" | "column" | "panel"} NormalizeMode */

/** A quarter of float32's range: `tokenheat._settings.COLOUR_LIMIT`. */
export const COLOUR_LIMIT = 3.4028234663852886e38 / 4;

/**
 * Read the `normalize` trait: a mode, or null (off) for null and anything else.
 * @param {unknown} v
 * @returns {NormalizeMode | null}
 */
export function readNormalize(v) {
  return v === "row" || v === "column" || v === "panel" ? v : null;
}

/**
 * How many float32 divisors `_norms` holds for a stack: P*R row divisors, then P*C
 * column divisors, then P panel divisors.
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 */
export function normsLength(panels, rows, cols) {
  return panels * (rows + cols + 1);
}

/**
 * The stack divided by its divisors for `mode`, as a new Float32Array; `values` itself
 * when `mode` is null. Each quotient is `Math.fround(v / d)`: a double quotient of two
 * float32 rounded to float32 is the correctly rounded float32 quotient, which is what
 * numpy's float32 division gives, so every cell equals Python's.
 * @param {Float32Array} values P*R*C, panel-major
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 * @param {Float32Array} norms see normsLength
 * @param {NormalizeMode | null} mode
 * @returns {Float32Array}
 */
export function normalizeStack(values, panels, rows, cols, norms, mode) {
  if (mode === null) return values;
  if (norms.length !== normsLength(panels, rows, cols)) {
    throw new RangeError(
      `_norms holds ${norms.length} divisors but ${panels} panel(s) of ${rows}×${cols} need ${normsLength(panels, rows, cols)}`,
    );
  }
  const out = new Float32Array(values.length);
  const colBase = panels * rows;
  const panelBase = colBase + panels * cols;
  for (let p = 0; p < panels; p++) {
    const pd = norms[panelBase + p];
    for (let r = 0; r < rows; r++) {
      const rd = norms[p * rows + r];
      const base = (p * rows + r) * cols;
      for (let c = 0; c < cols; c++) {
        const d = mode === "row" ? rd : mode === "panel" ? pd : norms[colBase + p * cols + c];
        out[base + c] = Math.fround(values[base + c] / d);
      }
    }
  }
  return out;
}

/**
 * The default colour range for a data range and centre: `tokenheat._settings.auto_range`.
 * @param {[number, number] | null} dataRange finite min and max, or null (all NaN)
 * @param {number | null} center
 * @returns {[number, number]}
 */
export function autoRange(dataRange, center) {
  let lo;
  let hi;
  if (center !== null) {
    let half =
      dataRange === null ? 1 : Math.max(Math.abs(dataRange[0] - center), Math.abs(dataRange[1] - center));
    if (half === 0) half = 1;
    lo = center - half;
    hi = center + half;
  } else if (dataRange === null) {
    lo = 0;
    hi = 1;
  } else {
    [lo, hi] = dataRange;
    if (lo === hi) {
      const pad = Math.max(0.5, Math.abs(lo) * 2 ** -10);
      lo -= pad;
      hi += pad;
    }
  }
  const clip = (/** @type {number} */ v) => Math.min(Math.max(v, -COLOUR_LIMIT), COLOUR_LIMIT);
  lo = clip(lo);
  hi = clip(hi);
  if (!(Math.fround(lo) < Math.fround(hi))) return hi > 0 ? [0, COLOUR_LIMIT] : [-COLOUR_LIMIT, 0];
  return [lo, hi];
}

/**
 * The colour range after the default moved from `before` to `after`: each end that sat
 * at its old default moves to the new one, an end set by hand stays (Python's
 * `_refresh_auto_range`). Null when nothing changes or the result would be empty.
 * @param {number} vmin
 * @param {number} vmax
 * @param {[number, number]} before
 * @param {[number, number]} after
 * @returns {[number, number] | null}
 */
export function followDefault(vmin, vmax, before, after) {
  const lo = vmin === before[0] ? after[0] : vmin;
  const hi = vmax === before[1] ? after[1] : vmax;
  if ((lo === vmin && hi === vmax) || !(lo < hi)) return null;
  return [lo, hi];
}
