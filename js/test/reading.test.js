// A source read in the background (docs/architecture.md, "A source read in the
// background"): how far the read has come, where the veil over the rows not read yet
// goes, the overview's rows taken as they come, and its tiles kept when it comes whole.
import { afterEach, describe, expect, it, vi } from "vitest";
import { REQUEST_DELAY_MS, createLod } from "../data/lod.js";
import { readPanels } from "../render/panelview.js";
import { createMatrixReader } from "../view/matrix.js";
import { createRowsHad, withRows } from "../data/overviewrows.js";
import { readRowsRead, readingText, rowsDrawn, veilBox } from "../view/reading.js";
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

describe("the overview of a source read in the background", () => {
  afterEach(() => vi.useRealTimers());

  /** @param {number} rows @param {number} cols @param {number} fill */
  const floats = (rows, cols, fill) => new Float32Array(rows * cols).fill(fill);
  /** @param {Float32Array} f */
  const bytes = (f) => new Uint8Array(f.buffer);

  it("takes rows in place, refusing rows that do not fit", () => {
    const grid = { rows: 4, cols: 3, values: floats(4, 3, NaN), exact: null };
    const res = withRows(grid, { type: "rows", rows: [1, 3] }, bytes(floats(2, 3, 7)));
    if (typeof res === "string") throw new Error(res);
    expect(Array.from(res.grid.values)).toEqual([NaN, NaN, NaN, 7, 7, 7, 7, 7, 7, NaN, NaN, NaN]);
    expect(Number.isNaN(grid.values[3])).toBe(true); // a new grid: the old one is as it was
    expect(withRows(grid, { rows: [3, 5] }, bytes(floats(2, 3, 7)))).toMatch(/0 <= a < b <= 4/);
    expect(withRows(grid, { rows: [2, 2] }, bytes(floats(0, 3, 7)))).toMatch(/0 <= a < b <= 4/);
    expect(withRows(grid, { rows: ["0", 1] }, bytes(floats(1, 3, 7)))).toMatch(/0 <= a < b <= 4/);
    expect(withRows(grid, { rows: [0, 1] }, bytes(floats(1, 2, 7)))).toMatch(
      /must be 3 float32 values, got 2/,
    );
    expect(withRows(grid, { rows: [0, 1] }, [1, 2, 3])).toMatch(/not binary/);
  });

  it("takes the same rows of every panel from one message, panel-major", () => {
    const grid = { rows: 3, cols: 2, values: floats(9, 2, NaN), exact: null, panels: 3 };
    const part = Float32Array.from([1, 2, 3, 4, 5, 6]); // row 1 of panels 0, 1, 2
    const res = withRows(grid, { type: "rows", rows: [1, 2] }, bytes(part));
    if (typeof res === "string") throw new Error(res);
    const got = Array.from(res.grid.values);
    expect([got.slice(2, 4), got.slice(8, 10), got.slice(14, 16)]).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(got.filter((v) => !Number.isNaN(v))).toHaveLength(6); // the other rows as they were
    expect(withRows(grid, { rows: [1, 2] }, bytes(floats(1, 2, 7)))).toMatch(
      /rows 1\.\.1 of 3 panels must be 6 float32 values, got 2/,
    );
  });

  it("counts the rows had from the top", () => {
    const had = createRowsHad(5, true);
    had.add(2, 3);
    expect(had.had).toBe(0);
    had.add(0, 2);
    expect(had.had).toBe(3);
    had.add(3, 5);
    expect(had.had).toBe(5);
    expect(createRowsHad(5, false).had).toBe(5);
  });

  it("asks for the rows read, takes them as they come, keeps its tiles when it is whole", () => {
    vi.useFakeTimers();
    const model = fakeModel();
    /** @type {Record<string, unknown>} */
    const traits = {
      _shape: [1000, 1000],
      _block: [10, 10],
      _panels: [],
      _values: bytes(floats(100, 100, NaN)),
    };
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
    const [[asked]] = model.sent; // the rows read so far, saying which view asks
    expect(asked.type).toBe("rows");
    expect(typeof asked.view === "string" && asked.view.length > 0).toBe(true);
    expect(lod.rowsHad).toBe(0);
    expect(rowsDrawn(traits._rows_read, lod.rowsHad)).toBe(0); // veiled from the top
    const message = /** @type {Function} */ (model.handlers.get("msg:custom"));
    message({ type: "rows", rows: [0, 20] }, [bytes(floats(20, 100, 1))]);
    expect(lod.rowsHad).toBe(200);
    expect(rowsDrawn(traits._rows_read, lod.rowsHad)).toBe(200);
    expect(lod.overview.grid.values[0]).toBe(1);
    expect(Number.isNaN(lod.overview.grid.values[20 * 100])).toBe(true);

    const view = { row0: 100, row1: 200, col0: 100, col1: 200 };
    lod.request(() => ({ view, pxRows: 400, pxCols: 400 }));
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const [ask] = model.sent[1];
    const answer = { type: "tile", id: ask.id, window: ask.window, block: [1, 1], shape: [150, 150] };
    message(answer, [new Float32Array(150 * 150)]);
    expect(lod.source(view).fr).toBe(1);

    traits._values = bytes(floats(100, 100, 2)); // every row read: the whole overview
    traits._rows_read = -1;
    read();
    expect(model.sent).toHaveLength(2); // nothing more asked
    expect(lod.source(view).fr).toBe(1); // its tiles stay
    expect(lod.rowsHad).toBe(1000);
    expect(rowsDrawn(traits._rows_read, lod.rowsHad)).toBe(-1);

    traits._values = bytes(floats(100, 100, 3)); // now a new matrix of the same shape
    read();
    expect(lod.source(view).fr).toBe(10);
    lod.destroy(); // the view goes: Python is told, so it can pause a read nobody sees
    expect(model.sent.at(-1)?.[0]).toEqual({ type: "gone", view: asked.view });
  });

  it("says nothing when it goes if it never showed a source being read", () => {
    const model = fakeModel();
    const lod = createLod(model, () => {});
    lod.destroy();
    expect(model.sent).toEqual([]);
  });
});
