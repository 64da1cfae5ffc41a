// Colour-bar ticks: round numbers in 1-2-5 steps.

/**
 * A step of the 1-2-5 ladder: m * 10^e.
 * @typedef {{ m: 1 | 2 | 5, e: number }} Step
 */

/** @param {Step} s */
const stepValue = (s) => (s.e >= 0 ? s.m * 10 ** s.e : s.m / 10 ** -s.e);

/**
 * @param {Step} s
 * @returns {Step}
 */
const larger = (s) => (s.m === 1 ? { m: 2, e: s.e } : s.m === 2 ? { m: 5, e: s.e } : { m: 1, e: s.e + 1 });

/**
 * @param {Step} s
 * @returns {Step}
 */
const smaller = (s) => (s.m === 5 ? { m: 2, e: s.e } : s.m === 2 ? { m: 1, e: s.e } : { m: 5, e: s.e - 1 });

/**
 * Indices k of the multiples k*step inside [lo, hi] (with a little tolerance so that
 * ends that are round numbers, like ±1.5 for step 0.5, are included).
 * @param {number} lo
 * @param {number} hi
 * @param {number} step
 */
function range(lo, hi, step) {
  const eps = 1e-9;
  return [Math.ceil(lo / step - eps), Math.floor(hi / step + eps)];
}

/**
 * Round tick values between lo and hi: the finest 1-2-5 step giving at most `maxCount`
 * ticks, except that a step up to two rungs coarser is taken when it puts ticks on both
 * ends (so -1.5..1.5 gets -1.5, -1, ..., 1.5 rather than -1.4, -1.2, ..., 1.4).
 * @param {number} lo
 * @param {number} hi
 * @param {number} maxCount >= 2
 * @returns {{ values: number[], step: number }}
 */
export function niceTicks(lo, hi, maxCount) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) return { values: [], step: 0 };
  maxCount = Math.max(2, Math.floor(maxCount));
  const raw = (hi - lo) / maxCount;
  // No ticks for a span float64 cannot step through: one that overflows (vmax - vmin is
  // infinite) or one so small beside its ends (a few ulps, like 1 .. 1 + 2e-16) that the
  // multiples k * step are past 2**53, where k++ no longer moves and nothing rounds.
  if (!Number.isFinite(raw) || Math.max(Math.abs(lo), Math.abs(hi)) / raw > 2 ** 40) {
    return { values: [], step: 0 };
  }
  let s = /** @type {Step} */ ({ m: 1, e: Math.floor(Math.log10(raw)) });
  /** @param {Step} t */
  const count = (t) => {
    const [a, b] = range(lo, hi, stepValue(t));
    return b - a + 1;
  };
  while (count(s) > maxCount) s = larger(s);
  for (let guard = 0; guard < 60 && count(smaller(s)) <= maxCount; guard++) s = smaller(s);
  /** @param {Step} t */
  const onEnds = (t) => {
    const [a, b] = range(lo, hi, stepValue(t));
    const v = stepValue(t);
    return Math.abs(a * v - lo) <= 1e-9 * v && Math.abs(b * v - hi) <= 1e-9 * v;
  };
  if (!onEnds(s)) {
    for (let t = larger(s), i = 0; i < 2 && count(t) >= 3; t = larger(t), i++) {
      if (onEnds(t)) {
        s = t;
        break;
      }
    }
  }
  const [a, b] = range(lo, hi, stepValue(s));
  const values = [];
  for (let k = a; k <= b && values.length <= maxCount; k++) {
    // k*m/10^n is correctly rounded, so 3*0.1 comes out as 0.3, not 0.30000000000000004
    // "+ 0" turns -0 (from ceil of a tiny negative) into 0
    values.push((s.e >= 0 ? k * s.m * 10 ** s.e : (k * s.m) / 10 ** -s.e) + 0);
  }
  return { values, step: stepValue(s) };
}

/**
 * Tick label: as many decimals as the step needs, the same for every tick.
 * ASCII minus so that the text parses as a number.
 * @param {number} v
 * @param {number} step
 * @returns {string}
 */
export function formatTick(v, step) {
  if (Math.abs(v) < step * 1e-6) v = 0;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (decimals <= 6 && Math.abs(v) < 1e9) return v.toFixed(decimals);
  return String(Number(v.toPrecision(12)));
}
