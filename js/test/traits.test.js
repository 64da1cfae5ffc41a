import { describe, expect, it } from "vitest";
import { brief, FLOAT32_MAX, readDataRange, readLimits, readText } from "../data/traits.js";

/** Number(), String() and comparisons throw for this object. */
const hostile = { valueOf: 1, toString: 1 };

/**
 * @param {unknown} vmin
 * @param {unknown} vmax
 * @param {unknown} [center]
 */
const err = (vmin, vmax, center = null) => {
  const res = readLimits(vmin, vmax, center);
  return "error" in res ? res.error : null;
};

describe("readLimits", () => {
  it("takes finite numbers with vmin < vmax, and a centre or none", () => {
    expect(readLimits(-1, 2, 0)).toEqual({ vmin: -1, vmax: 2, center: 0 });
    expect(readLimits(-1, 2, null)).toEqual({ vmin: -1, vmax: 2, center: null });
    expect(readLimits(-1, 2, undefined)).toEqual({ vmin: -1, vmax: 2, center: null });
    expect(readLimits(-1.7e38, 1.7e38, 0)).toEqual({ vmin: -1.7e38, vmax: 1.7e38, center: 0 });
    expect(readLimits(1, 1 + 2 ** -23, null)).toEqual({ vmin: 1, vmax: 1 + 2 ** -23, center: null });
  });
  it("refuses what is not a number, never coercing it", () => {
    expect(err("-1", 1)).toBe('vmin must be a finite number, got "-1"');
    expect(err(-1, null)).toBe("vmax must be a finite number, got null");
    expect(err([-1], 1)).toBe("vmin must be a finite number, got [-1]");
    expect(err(true, 2)).toBe("vmin must be a finite number, got true");
    expect(err(NaN, 1)).toBe("vmin must be a finite number, got null"); // JSON has no NaN
    expect(err(-1, Infinity)).toBe("vmax must be a finite number, got null");
    expect(err(hostile, 1)).toBe('vmin must be a finite number, got {"valueOf":1,"toString":1}');
    expect(err(-1, 1, "0")).toBe('center must be a finite number or null, got "0"');
    expect(err(-1, 1, [])).toBe("center must be a finite number or null, got []");
    expect(err(-1, 1, hostile)).toMatch(/^center must be a finite number or null, got \{/);
    expect(err("x".repeat(1e6), 1)).toHaveLength('vmin must be a finite number, got "'.length + 59);
  });
  it("refuses an empty or reversed range", () => {
    expect(err(0.5, 0.5)).toBe("the colour range needs vmin < vmax, got vmin=0.5, vmax=0.5");
    expect(err(1, -1)).toBe("the colour range needs vmin < vmax, got vmin=1, vmax=-1");
  });
  it("refuses a range the float32 colour rule cannot map (it would give NaN)", () => {
    expect(err(-1e308, 1e308)).toMatch(
      /^the colour range vmin=-1e\+308, vmax=1e\+308 is too wide for float32/,
    );
    expect(err(-1, 1e308)).toMatch(/too wide for float32/);
    expect(err(-FLOAT32_MAX, FLOAT32_MAX)).toMatch(/too wide for float32/); // the span overflows
    expect(err(-1, 1, 1e308)).toMatch(/^the colour range vmin=-1, vmax=1 about center=1e\+308 is too wide/);
    expect(err(-1, 1, 2e38)).toMatch(/too wide for float32/); // 2 * R overflows
    expect(err(1, 1 + 2 ** -52)).toBe(
      "the colour range vmin=1, vmax=1.0000000000000002 is empty in float32, in which colours are computed",
    );
  });
});

describe("readDataRange", () => {
  it("reads [min, max] of finite numbers, else none", () => {
    expect(readDataRange([-1, 2])).toEqual([-1, 2]);
    expect(readDataRange([3, 3])).toEqual([3, 3]);
    for (const bad of [null, undefined, [1], "x", [NaN, NaN], [5, -5], ["0", 1], [hostile, 1], [0, 1, 2]]) {
      expect(readDataRange(bad)).toBeNull();
    }
  });
});

describe("readText and brief", () => {
  it("takes strings only", () => {
    expect(readText("t")).toBe("t");
    for (const bad of [5, null, undefined, hostile, ["t"]]) expect(readText(bad)).toBe("");
  });
  it("describes any value shortly", () => {
    expect(brief(hostile)).toBe('{"valueOf":1,"toString":1}');
    expect(brief(new DataView(new ArrayBuffer(8)))).toBe("8 bytes");
    expect(brief(undefined)).toBe("[object Undefined]");
    expect(brief(10n)).toBe("[object BigInt]");
    expect(brief("x".repeat(1000))).toHaveLength(60);
  });
});
