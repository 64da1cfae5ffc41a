import { describe, expect, it } from "vitest";
import { linearLayout } from "../render/gl.js";
import { pyramidSize } from "../data/reduce.js";

describe("linearLayout (where the matrix and its pyramid go in a texture)", () => {
  it("wraps any shape into rows of 2^k texels within MAX_TEXTURE_SIZE", () => {
    /** @type {Array<[number, number, boolean, boolean]>} */
    const shapes = [
      [100000, 50, true, false],
      [50, 100000, false, true],
      [4000, 4000, true, true],
      [9, 5, false, false],
      [1, 1, false, false],
    ];
    for (const [rows, cols, rl, cl] of shapes) {
      const total = pyramidSize(rows, cols, rl, cl);
      const L = /** @type {{ shift: number, width: number, height: number }} */ (linearLayout(total, 8192));
      expect(L).not.toBeNull();
      expect(L.width).toBe(2 ** L.shift);
      expect(L.width).toBeLessThanOrEqual(8192);
      expect(L.height).toBeLessThanOrEqual(8192);
      expect(L.width * L.height).toBeGreaterThanOrEqual(total);
      expect(L.width * (L.height - 1)).toBeLessThan(total); // no empty rows
    }
  });
  it("refuses what cannot fit, or cannot be indexed by a 32-bit int", () => {
    expect(linearLayout(8192 * 8192, 8192)).not.toBeNull();
    expect(linearLayout(8192 * 8192 + 1, 8192)).toBeNull();
    expect(linearLayout(128 * 128 + 1, 128)).toBeNull();
    expect(linearLayout(2 ** 31, 65536)).toBeNull();
    // a MAX_TEXTURE_SIZE that is not a power of two: rows of the largest power below it
    const L = /** @type {{ width: number, height: number }} */ (linearLayout(9000 * 9000, 12000));
    expect(L.width).toBe(8192);
    expect(L.height).toBeLessThanOrEqual(12000);
  });
});
