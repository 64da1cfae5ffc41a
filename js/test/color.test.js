import { describe, expect, it } from "vitest";
import {
  colorize,
  colorOf,
  lutIndex,
  packLut,
  parseHexColor,
  relativeLuminance,
  resolveLut,
  textColorTable,
  wantsWhiteText,
} from "../render/color.js";

describe("lutIndex (docs/architecture.md colour mapping)", () => {
  it("maps a centred symmetric range", () => {
    expect(lutIndex(-1.5, -1.5, 1.5, 0)).toBe(0);
    expect(lutIndex(0, -1.5, 1.5, 0)).toBe(128); // u = 0.5 -> floor(128)
    expect(lutIndex(0.75, -1.5, 1.5, 0)).toBe(192);
    expect(lutIndex(-0.75, -1.5, 1.5, 0)).toBe(64);
    expect(lutIndex(1.5, -1.5, 1.5, 0)).toBe(255); // u = 1 -> 256 -> clamped to 255
  });
  it("clamps values outside [vmin, vmax], infinities included", () => {
    expect(lutIndex(-3, -1.5, 1.5, 0)).toBe(0);
    expect(lutIndex(1.9074, -1.5, 1.5, 0)).toBe(255);
    expect(lutIndex(Infinity, -1.5, 1.5, 0)).toBe(255);
    expect(lutIndex(-Infinity, -1.5, 1.5, 0)).toBe(0);
  });
  it("gives equal distances from the centre equal intensities (R = max distance)", () => {
    // vmin=-1, vmax=3, center=0: R = 3, u = 0.5 + t / 6
    expect(lutIndex(-1, -1, 3, 0)).toBe(Math.floor((0.5 - 1 / 6) * 256)); // 85, not 0
    expect(lutIndex(0, -1, 3, 0)).toBe(128);
    expect(lutIndex(1, -1, 3, 0)).toBe(Math.floor((0.5 + 1 / 6) * 256));
    expect(lutIndex(3, -1, 3, 0)).toBe(255);
    expect([lutIndex(-1, -1, 3, 0), lutIndex(1, -1, 3, 0)]).toEqual([85, 170]); // u = 1/3 and 2/3
  });
  it("maps linearly without a centre", () => {
    expect(lutIndex(0, 0, 2, null)).toBe(0);
    expect(lutIndex(0.5, 0, 2, null)).toBe(64);
    expect(lutIndex(1, 0, 2, null)).toBe(128);
    expect(lutIndex(2, 0, 2, null)).toBe(255);
    expect(lutIndex(-5, 0, 2, null)).toBe(0);
    expect(lutIndex(0.0078125, 0, 2, null)).toBe(1); // exactly 1/256 of the range
  });
  it("returns -1 for NaN", () => {
    expect(lutIndex(NaN, -1.5, 1.5, 0)).toBe(-1);
    expect(lutIndex(NaN, 0, 1, null)).toBe(-1);
  });
});

describe("colours", () => {
  const lut = new Uint8Array(1024);
  for (let i = 0; i < 256; i++) lut.set([i, 255 - i, 7, 200], 4 * i);

  it("colorOf and colorize agree with the LUT and the NaN colour", () => {
    /** @type {import("../render/color.js").ColorScale} */
    const scale = { lut, vmin: -1, vmax: 1, center: 0, nan: [1, 2, 3] };
    expect(colorOf(1, scale)).toEqual([255, 0, 7]);
    expect(colorOf(NaN, scale)).toEqual([1, 2, 3]);
    const packed = new Uint32Array(256);
    packLut(lut, packed);
    const out = new Uint32Array(3);
    colorize(new Float32Array([-1, 0, NaN]), out, packed, scale);
    const bytes = new Uint8Array(out.buffer);
    expect(Array.from(bytes)).toEqual([0, 255, 7, 255, 128, 127, 7, 255, 1, 2, 3, 255]); // alpha forced opaque
  });
  it("parses nan_color", () => {
    expect(parseHexColor("#808080")).toEqual([128, 128, 128]);
    expect(parseHexColor("#A50026")).toEqual([165, 0, 38]);
    expect(parseHexColor("#fff")).toEqual([255, 255, 255]);
    expect(parseHexColor(" #fff ")).toEqual([255, 255, 255]);
    // only what Python's parse_hex_color accepts
    for (const bad of ["#11223344", "#1234", "808080", "red", "", "#ggg", null, 5, ["#fff"], {}]) {
      expect(parseHexColor(bad)).toBeNull();
    }
  });
  it("chooses white text on dark cells and black on light ones", () => {
    expect(relativeLuminance(255, 255, 255)).toBeCloseTo(1);
    expect(relativeLuminance(0, 0, 0)).toBe(0);
    expect(wantsWhiteText(0xa5, 0x00, 0x26)).toBe(true); // RdYlGn low end
    expect(wantsWhiteText(0x00, 0x68, 0x37)).toBe(true); // RdYlGn high end
    expect(wantsWhiteText(0xff, 0xff, 0xbf)).toBe(false); // RdYlGn centre
    expect(wantsWhiteText(0x80, 0x80, 0x80)).toBe(false);
    const table = new Uint8Array(256);
    textColorTable(lut, table);
    expect(table[0]).toBe(0); // (0, 255, 7) is a light green
  });
});

describe("resolveLut", () => {
  const base = new Uint8Array(1024);
  for (let i = 0; i < 256; i++) base.set([i, 255 - i, (i * 7) & 255, 255], 4 * i);
  // a DataView at an odd offset of a larger buffer, as binary traits arrive
  const buf = new ArrayBuffer(1024 + 3);
  new Uint8Array(buf, 3, 1024).set(base);
  const luts = { viridis: new DataView(buf, 3, 1024), gray: new DataView(new ArrayBuffer(1024)) };

  it("returns a base map as sent", () => {
    const res = resolveLut(luts, "viridis");
    expect("lut" in res && Array.from(res.lut)).toEqual(Array.from(base));
  });
  it("reverses the 256 entries for a _r name", () => {
    const res = resolveLut(luts, "viridis_r");
    if (!("lut" in res)) throw new Error(res.error);
    for (const i of [0, 1, 128, 255]) {
      expect(Array.from(res.lut.subarray(4 * i, 4 * i + 4))).toEqual(
        Array.from(base.subarray(4 * (255 - i), 4 * (256 - i))),
      );
    }
    expect(Array.from(new Uint8Array(buf, 3, 8))).toEqual(Array.from(base.subarray(0, 8))); // input untouched
  });
  it("names the unknown map and the known ones", () => {
    const res = resolveLut(luts, "nope_r");
    expect("error" in res && res.error).toBe(
      'unknown colour map "nope_r"; available: gray, viridis (each also with _r)',
    );
  });
  it("refuses a name that is not a string, and cuts a long one", () => {
    const err = (/** @type {unknown} */ l, /** @type {unknown} */ n) => {
      const res = resolveLut(l, n);
      return "error" in res ? res.error : null;
    };
    expect(err(luts, 5)).toBe("cmap must be a colour map name, got 5");
    expect(err(luts, ["gray"])).toBe('cmap must be a colour map name, got ["gray"]');
    expect(err(luts, { valueOf: 1, toString: 1 })).toBe(
      'cmap must be a colour map name, got {"valueOf":1,"toString":1}',
    );
    expect(err(luts, "x".repeat(1e6))).toBe(
      `unknown colour map "${"x".repeat(56)}...; available: gray, viridis (each also with _r)`,
    );
    expect(err(luts, "__proto__")).toMatch(/^unknown colour map "__proto__"/);
    expect(err(luts, "toString_r")).toMatch(/^unknown colour map "toString_r"/);
  });
  it("says when no maps, or a map of the wrong size or type, were sent", () => {
    const err = (/** @type {unknown} */ l) => {
      const res = resolveLut(l, "gray");
      return "error" in res ? res.error : null;
    };
    expect(err(undefined)).toBe("no colour maps were sent (_luts is [object Undefined])");
    expect(err(null)).toBe("no colour maps were sent (_luts is null)");
    expect(err({})).toBe("no colour maps were sent (_luts is {})");
    expect(err(["gray"])).toBe('no colour maps were sent (_luts is ["gray"])');
    expect(err(new DataView(new ArrayBuffer(1024)))).toBe("no colour maps were sent (_luts is 1024 bytes)");
    const sized = (/** @type {number} */ n) => ({ gray: new DataView(new ArrayBuffer(n)) });
    const want = 'colour map "gray" must be 1024 bytes (256 RGBA entries), got';
    expect(err(sized(1000))).toBe(`${want} 1000 bytes`);
    expect(err(sized(2048))).toBe(`${want} 2048 bytes`);
    expect(err({ gray: "abc" })).toBe(`${want} "abc"`);
    expect(err({ gray: Array(1024).fill(0) })?.startsWith(`${want} [0,0,0,`)).toBe(true);
    expect(err({ gray: new ArrayBuffer(1024) })).toBeNull();
  });
});
