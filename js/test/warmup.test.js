import { afterEach, describe, expect, it, vi } from "vitest";
import { createLabels, measureIn } from "../view/labels.js";
import { firstLabels } from "../view/warmup.js";

/**
 * A canvas context whose measureText records the texts it measured (width: 7 per char).
 * @param {string} font
 */
function recordingCtx(font) {
  /** @type {string[]} */
  const measured = [];
  const ctx = {
    font,
    /** @param {string} s */
    measureText(s) {
      measured.push(s);
      return { width: 7 * s.length };
    },
  };
  return { ctx: /** @type {any} */ (ctx), measured };
}

/** @param {Record<string, unknown>} traits */
const modelOf = (traits) => ({ get: (/** @type {string} */ name) => traits[name] });

/**
 * The texts a view's first layout measures (labels.js's prepare), in a font no other
 * test uses (widths are cached per font and text for the module).
 * @param {Record<string, unknown>} traits
 * @param {string} font
 */
function measuredByFirstLayout(traits, font) {
  const { ctx, measured } = recordingCtx(font);
  const state = /** @type {any} */ ({ fonts: { label: font, size: 13 }, tickSet: { labels: [] } });
  const labels = createLabels(/** @type {any} */ (modelOf(traits)), state, ctx);
  const [rows, cols] = /** @type {number[]} */ (traits._shape);
  labels.prepare(/** @type {any} */ ({ rows, cols }), true);
  return measured;
}

describe("measuring labels ahead of the first frame", () => {
  const cases = /** @type {[string, Record<string, unknown>][]} */ ([
    ["no labels: the indices", { _shape: [3, 5], row_labels: null, column_labels: null }],
    [
      "labels of both axes, whitespace shown",
      { _shape: [3, 2], row_labels: ["a", " ", "a\tb"], column_labels: ["x", ""], show_whitespace: true },
    ],
    [
      "whitespace as it is",
      { _shape: [2, 2], row_labels: [" ", "b"], column_labels: ["", "d"], show_whitespace: false },
    ],
    [
      "labels of each panel's own",
      {
        _shape: [3, 2],
        row_labels: [
          ["p", "q"],
          ["r", "s", "t"],
        ],
        column_labels: [["u"], ["v", "w"]],
      },
    ],
    ["too many rows to measure them all", { _shape: [6000, 4], row_labels: null, column_labels: null }],
  ]);

  for (const [name, traits] of cases) {
    it(`are those the first layout measures: ${name}`, () => {
      const want = measuredByFirstLayout(traits, `10px probe-${name}`);
      expect(new Set(firstLabels(modelOf(traits)))).toEqual(new Set(want));
    });
  }

  it("are none for a shape the view refuses", () => {
    expect(firstLabels(modelOf({ _shape: [0, 3] }))).toEqual([]);
    expect(firstLabels(modelOf({ _shape: "3x3" }))).toEqual([]);
  });

  it("are measured once per font and text, and the first layout reuses them", () => {
    const font = "11px warmup-test";
    const early = recordingCtx(font);
    const traits = { _shape: [4, 4], row_labels: null, column_labels: null };
    for (const s of firstLabels(modelOf(traits))) measureIn(early.ctx, font, s);
    // both axes are "0" .. "3": four texts, measured once each
    expect(early.measured).toEqual(["0", "1", "2", "3"]);
    expect(measuredByFirstLayout(traits, font)).toEqual([]);
    // another font is another cache
    expect(measuredByFirstLayout(traits, "12px warmup-test")).toHaveLength(4);
  });
});

describe("warming the page's canvas drawing when the model is made", () => {
  /**
   * A document whose canvases record the context options asked for and the pixels put;
   * `fail` makes getContext throw.
   * @param {boolean} [fail]
   */
  function fakeDocument(fail = false) {
    /** @type {{ options: unknown, puts: number[][] }[]} */
    const canvases = [];
    const doc = {
      createElement(/** @type {string} */ tag) {
        expect(tag).toBe("canvas");
        const rec = { options: /** @type {unknown} */ (null), puts: /** @type {number[][]} */ ([]) };
        canvases.push(rec);
        return {
          width: 300,
          height: 150,
          getContext(/** @type {string} */ kind, /** @type {unknown} */ options) {
            if (fail) throw new Error("no canvas here");
            expect(kind).toBe("2d");
            rec.options = options;
            const canvas = this;
            return {
              createImageData: (/** @type {number} */ w, /** @type {number} */ h) => ({ w, h }),
              putImageData: (
                /** @type {{ w: number, h: number }} */ im,
                /** @type {number} */ x,
                /** @type {number} */ y,
              ) => rec.puts.push([im.w, im.h, x, y, canvas.width, canvas.height]),
            };
          },
        };
      },
    };
    return { doc, canvases };
  }

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("puts one pixel into a 1 x 1 canvas kept in memory, once per page", async () => {
    const { doc, canvases } = fakeDocument();
    vi.stubGlobal("document", doc);
    const { warmCanvas } = await import("../view/warmup.js");
    expect(warmCanvas()).toBe(true);
    expect(warmCanvas()).toBe(false);
    expect(canvases).toEqual([{ options: { willReadFrequently: true }, puts: [[1, 1, 0, 0, 1, 1]] }]);
  });

  it("goes on to the other steps when the canvas cannot be made, and says why", async () => {
    const { doc } = fakeDocument(true);
    vi.stubGlobal("document", doc);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { warmUp } = await import("../view/warmup.js");
    const { wasmColour } = await import("../render/wasmcolour.js");
    const Real = WebAssembly.Instance;
    const instances = vi.spyOn(WebAssembly, "Instance").mockImplementation(function (mod, imports) {
      return new Real(mod, imports);
    });
    const model = modelOf({ _shape: [2, 2], row_labels: null, column_labels: null });
    warmUp(/** @type {any} */ (model));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("could not draw into a canvas");
    expect(String(warn.mock.calls[0][1])).toContain("no canvas here");
    // the colouring instance was made then, and colouring uses it
    expect(instances).toHaveBeenCalledTimes(1);
    const out = new Uint32Array(1);
    const packed = Uint32Array.from({ length: 256 }, (_, i) => i);
    expect(
      wasmColour(
        new Float32Array([1]),
        1,
        1,
        out,
        0,
        1,
        packed,
        7,
        /** @type {any} */ ({ vmin: 0, vmax: 1, center: null }),
      ),
    ).toBe(true);
    expect(out[0]).toBe(255);
    expect(instances).toHaveBeenCalledTimes(1);
  });
});
