// A view's matrix reader fed binary traits in the shapes hosts use (docs/architecture.md,
// "Hosts"), for one matrix and for a stack of panels.
import { describe, expect, it } from "vitest";
import { createLod } from "../data/lod.js";
import { readPanels } from "../render/panelview.js";
import { createMatrixReader } from "../view/matrix.js";

/**
 * `values` as little-endian bytes at byte offset 3 of a larger buffer, in a Uint8Array
 * (Colab) or a DataView (Jupyter).
 * @param {Float32Array | Float64Array} values
 * @param {boolean} dataView
 */
function unaligned(values, dataView) {
  const n = values.byteLength;
  const buf = new ArrayBuffer(n + 11);
  new Uint8Array(buf).fill(0xff);
  new Uint8Array(buf, 3, n).set(new Uint8Array(values.buffer));
  return dataView ? new DataView(buf, 3, n) : new Uint8Array(buf, 3, n);
}

/** @param {Record<string, unknown>} traits */
function reader(traits) {
  const model = {
    get: (/** @type {string} */ k) => traits[k],
    on() {},
    off() {},
    send() {},
    set() {},
    save_changes() {},
  };
  const state = /** @type {any} */ ({
    data: null,
    drawn: null,
    panels: readPanels([], [], null),
    tokensPerPanel: false,
    tokens: [],
  });
  const lod = createLod(model, () => {});
  const m = createMatrixReader({
    model,
    state,
    lod,
    interaction: { dataChanged() {} },
    schedule() {},
  });
  return { m, state };
}

describe("the matrix reader", () => {
  /** @type {[number, number[]][]} */
  const stacks = [
    [1, []],
    [2, [2]],
  ];
  for (const [panels, layout] of stacks) {
    for (const dataView of [false, true]) {
      it(`reads ${panels} panel(s) from ${dataView ? "DataViews" : "Uint8Arrays"} at an odd offset, and their exact values`, () => {
        const n = panels * 2 * 3;
        const values = Float32Array.from({ length: n }, (_, i) => i - 2.5);
        const exact = Float64Array.from({ length: n }, (_, i) => i - 2.5 + 1e-9);
        /** @type {Record<string, unknown>} */
        const traits = {
          _shape: [2, 3],
          _block: [1, 1],
          _panels: layout,
          _values: unaligned(values, dataView),
          _exact: new Uint8Array(0),
          _norms: unaligned(new Float32Array(panels * 6).fill(1), dataView),
          row_labels: ["a", "b"],
          column_labels: ["x", "y", "z"],
          _tokens: [],
          panel_labels: [],
        };
        const { m, state } = reader(traits);
        const g = m.check();
        if ("error" in g) throw new Error(g.error);
        expect(m.readData(g)).toBeNull();
        expect(Array.from(state.data.values)).toEqual(Array.from(values));
        expect(state.data.exact).toBeNull();
        // the float64 originals arrive later, on their own
        traits._exact = unaligned(exact, dataView);
        m.readExact();
        expect(Array.from(state.data.exact ?? [])).toEqual(Array.from(exact));
      });
    }
  }
});
