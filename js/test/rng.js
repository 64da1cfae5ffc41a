// Shared by the property tests: a seeded generator, so that failures reproduce.

/**
 * Uniform numbers in [0, 1) from a seed (mulberry32).
 * @param {number} seed
 * @returns {() => number}
 */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Values with NaNs, infinities, exact ties of +x and -x, and zeros of both signs.
 * @param {number} rows
 * @param {number} cols
 * @param {() => number} rand
 */
export function matrix(rows, cols, rand) {
  const v = new Float32Array(rows * cols);
  for (let i = 0; i < v.length; i++) {
    const u = rand();
    if (u < 0.08) v[i] = NaN;
    else if (u < 0.09) v[i] = rand() < 0.5 ? Infinity : -Infinity;
    else if (u < 0.2)
      v[i] = (rand() < 0.5 ? -1 : 1) * Math.floor(rand() * 4); // ties, +-0
    else v[i] = (rand() - 0.5) * 10;
  }
  return v;
}
