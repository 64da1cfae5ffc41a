import { describe, expect, it } from "vitest";
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
