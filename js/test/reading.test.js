// A source read in the background (docs/architecture.md, "A source read in the
// background"): how far the read has come, where the veil over the rows not read yet
// goes, and an overview sent again as more rows are read keeping the tiles of its matrix.
import { afterEach, describe, expect, it, vi } from "vitest";
import { REQUEST_DELAY_MS, createLod } from "../data/lod.js";
import { readPanels } from "../render/panelview.js";
import { createMatrixReader } from "../view/matrix.js";
import { readRowsRead, readingText, veilBox } from "../view/reading.js";
import { fakeModel } from "./fakemodel.js";

describe("reading a source", () => {
  it("reads _rows_read: rows read, or -1 for nothing pending and for anything malformed", () => {
    expect(readRowsRead(0)).toBe(0);
    expect(readRowsRead(4096)).toBe(4096);
    for (const bad of [-1, -5, 1.5, NaN, Infinity, "12", null, undefined, [3]]) {
      expect(readRowsRead(bad)).toBe(-1);
    }
  });

  it("says how far the read has come, or why it stopped", () => {
    expect(readingText(32768, 131072, "")).toBe("reading the source: 25 % (32,768 of 131,072 rows)");
    expect(readingText(131071, 131072, "")).toMatch(/^reading the source: 99 % /);
    expect(readingText(512, 2048, "OSError: disk gone")).toBe(
      "reading the source stopped at 512 of 2,048 rows: OSError: disk gone",
    );
  });

  it("veils the plot from the first row not read down, or not at all", () => {
    const view = { row0: 100, row1: 300, col0: 0, col1: 50 };
    expect(veilBox(200, view, 400)).toEqual({ top: 200, height: 200 });
    expect(veilBox(50, view, 400)).toEqual({ top: 0, height: 400 }); // none shown is read
    expect(veilBox(300, view, 400)).toBeNull(); // every row shown is read
    expect(veilBox(1000, view, 400)).toBeNull();
  });
});

describe("an overview sent again while its source is read", () => {
  afterEach(() => vi.useRealTimers());

  /** @param {number} rows @param {number} cols @param {number} fill */
  const overview = (rows, cols, fill) => new Uint8Array(new Float32Array(rows * cols).fill(fill).buffer);

  it("keeps the tiles of its matrix; a new matrix drops them", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    /** @type {Record<string, unknown>} */
    const traits = { _shape: [1000, 1000], _block: [10, 10], _panels: [], _values: overview(100, 100, NaN) };
    traits._rows_read = 200;
    traits.row_labels = traits.column_labels = Array.from({ length: 1000 }, (_, i) => String(i));
    const m = { ...model, get: (/** @type {string} */ k) => traits[k] };
    const lod = createLod(m, () => {});
    const state = /** @type {any} */ ({
      data: null,
      drawn: null,
      panels: readPanels([], [], null),
      tokens: [],
    });
    const reader = createMatrixReader({
      model: m,
      state,
      lod,
      interaction: { dataChanged() {} },
      schedule() {},
    });
    const read = () => {
      const g = reader.check();
      if ("error" in g) throw new Error(g.error);
      expect(reader.readData(g)).toBeNull();
    };
    read();
    const view = { row0: 100, row1: 200, col0: 100, col1: 200 };
    lod.request(() => ({ view, pxRows: 400, pxCols: 400 }));
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const [ask] = model.sent[0];
    const answer = { type: "tile", id: ask.id, window: ask.window, block: [1, 1], shape: [150, 150] };
    /** @type {Function} */ (model.handlers.get("msg:custom"))(answer, [new Float32Array(150 * 150)]);
    expect(lod.source(view).fr).toBe(1);

    traits._values = overview(100, 100, 1); // more rows read: the same matrix
    traits._rows_read = 600;
    read();
    expect(lod.source(view).fr).toBe(1);
    expect(lod.overview.grid.values[0]).toBe(1);
    traits._rows_read = -1; // the last of it
    read();
    expect(lod.source(view).fr).toBe(1);

    traits._values = overview(100, 100, 2); // now a new matrix of the same shape
    read();
    expect(lod.source(view).fr).toBe(10);
    lod.destroy();
  });
});
