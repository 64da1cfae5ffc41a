import { describe, expect, it } from "vitest";
import { autoRange, COLOUR_LIMIT, followDefault, normalizeStack, readNormalize } from "../data/normalize.js";
import { normalizeOffered } from "../view/chooser.js";

// A 2 x 3 x 4 float32 stack of magnitudes from 1e-30 to 1e29, with a NaN and a zero row,
// its divisors and the normalised stacks, all as float32 bits from Python
// (tokenheat._normalize.norm_table / normalized, numpy 2, seed 7).
const VALUES = [
  872683059, 269974371, 2583990431, 3211001300, 3983216429, 3129080355, 2143289344, 1764843586, 3733495136,
  3401407130, 944600164, 1052162533, 619909527, 3183382355, 2946551880, 2761970549, 4023987049, 2366931259,
  2523618343, 2685943267, 0, 0, 0, 0,
];
const NORMS = [
  1063517652, 1835732781, 1586011488, 1035898707, 1876503401, 1065353216, 1835732781, 1253923482, 944600164,
  1764843586, 1876503401, 1035898707, 799068232, 614486901, 1835732781, 1876503401,
];
const EXPECTED = {
  row: [
    873746492, 271193955, 2585057714, 3212836864, 3212836864, 2358087278, 2143289344, 994127243, 3212836864,
    2880530907, 423657403, 531313700, 648234300, 3212836864, 2975336928, 2790744624, 3212836864, 2147483648,
    2147483648, 2147483648, 0, 0, 0, 0,
  ],
  column: [
    101702299, 80530535, 2703568284, 2510587541, 3212836864, 2939140478, 2143289344, 1065353216, 2962540812,
    3212836864, 1065353216, 352574559, 1, 3212836864, 3212836864, 3212836864, 3212836864, 2395439289,
    2788906459, 3136493420, 0, 0, 0, 0,
  ],
  panel: [
    101702299, 0, 2147483648, 2440580471, 3212836864, 2358087278, 2143289344, 994127243, 2962540812,
    2630760719, 174047755, 281477426, 1, 2371920358, 2149036585, 2147483648, 3212836864, 2147483648,
    2147483648, 2147483648, 0, 0, 0, 0,
  ],
};

const f32 = (/** @type {number[]} */ bits) => new Float32Array(new Uint32Array(bits).buffer);

describe("normalizeStack", () => {
  for (const mode of /** @type {const} */ (["row", "column", "panel"])) {
    it(`divides by the ${mode} divisors exactly as numpy's float32 division`, () => {
      const out = normalizeStack(f32(VALUES), 2, 3, 4, f32(NORMS), mode);
      expect([...new Uint32Array(out.buffer)]).toEqual(EXPECTED[mode]);
    });
  }
  it("returns the values themselves when off", () => {
    const v = f32(VALUES);
    expect(normalizeStack(v, 2, 3, 4, f32(NORMS), null)).toBe(v);
  });
  it("refuses a divisor table of the wrong length", () => {
    expect(() => normalizeStack(f32(VALUES), 2, 3, 4, new Float32Array(3), "row")).toThrow(
      /_norms holds 3 divisors but 2 panel\(s\) of 3×4 need 16/,
    );
  });
});

describe("readNormalize", () => {
  it("reads the three modes and nothing else", () => {
    expect(["row", "column", "panel", null, "rows", 1, {}, undefined].map(readNormalize)).toEqual([
      "row",
      "column",
      "panel",
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe("autoRange (tokenheat._settings.auto_range)", () => {
  it("gives Python's ranges", () => {
    // (data range, center) -> Python's auto_range, printed by Python
    expect(autoRange([-3, 2], 0)).toEqual([-3, 3]);
    expect(autoRange(null, 0)).toEqual([-1, 1]);
    expect(autoRange([1, 1], null)).toEqual([0.5, 1.5]);
    expect(autoRange([2, 2], 0)).toEqual([-2, 2]);
    expect(autoRange(null, null)).toEqual([0, 1]);
    expect(autoRange([-1e39, 3e38], 0)).toEqual([-COLOUR_LIMIT, COLOUR_LIMIT]);
    expect(autoRange([1e-30, 1e-30], null)).toEqual([-0.5, 0.5]);
    expect(autoRange([0.25, 0.5], 0.1)).toEqual([-0.30000000000000004, 0.5]);
    expect(COLOUR_LIMIT).toBe(8.5070586659632215e37);
  });
});

describe("followDefault", () => {
  it("moves the ends that sat at the default, keeps the ones set by hand", () => {
    expect(followDefault(-3, 3, [-3, 3], [-1, 1])).toEqual([-1, 1]);
    expect(followDefault(-2, 3, [-3, 3], [-1, 1])).toEqual([-2, 1]);
    expect(followDefault(-2, 2, [-3, 3], [-1, 1])).toBeNull();
    expect(followDefault(0.5, 3, [-3, 3], [-1, 1])).toEqual([0.5, 1]);
    expect(followDefault(1.5, 3, [-3, 3], [-1, 1])).toBeNull(); // would be empty
  });
});

describe("the normalisation chooser", () => {
  it("is offered unless Python sent the values' range but no normalised one (a pyramid)", () => {
    expect(normalizeOffered({ none: [-1, 2], row: [-1, 1], column: [-1, 1], panel: [-1, 1] })).toBe(true);
    expect(normalizeOffered({ none: [-1, 2], row: null, column: null, panel: null })).toBe(false);
    expect(normalizeOffered({ none: null, row: null, column: null, panel: null })).toBe(true); // all NaN
    expect(normalizeOffered(undefined)).toBe(true);
    // read a level at a time, even before any value is read (a source read in the background)
    expect(
      normalizeOffered({ none: null, row: null, column: null, panel: null }, [
        [1, 1],
        [2, 2],
      ]),
    ).toBe(false);
    expect(normalizeOffered({ none: [-1, 2], row: [-1, 1], column: [-1, 1], panel: [-1, 1] }, [])).toBe(true);
  });
});
