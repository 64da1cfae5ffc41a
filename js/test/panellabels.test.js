import { describe, expect, it } from "vitest";
import { checkMatrixState } from "../data/data.js";
import { axisLabelItems } from "../render/axes.js";
import { axisLabels, computeLayout, fullView, panelRowBand } from "../render/layout.js";
import { devicePanels, frame, panelAt, panelLayout } from "../render/panels.js";
import { panelAxes, placePanels, readPanels } from "../render/panelview.js";
import { createLabels, readAxisLabels } from "../view/labels.js";

// Labels of each panel's own (`row_labels` / `column_labels` with one list per panel, as
// long as the panel's own rows / columns): a band of row labels left of every column of
// panels, one of column labels under every row of panels but the last, every panel's
// labels beside and under it, none for padding.

const LH = 17;
/** @param {string} s */
const width = (s) => 7 * s.length;
const SOURCE = ["The", "cat", "sat", "on", "the", "warm", "mat"];
const OTHER = ["A", "big", "dog", "ran", "past", "the", "old", "barn", "at", "noon"];
const GENERATED = [
  ["it", "was", "warm"],
  ["and", "then", "slept"],
];

/**
 * The view's labels (js/view/labels.js) of a model holding `traits`, measured by `width`.
 * @param {Record<string, unknown>} traits
 * @param {number} rows
 * @param {number} cols
 */
function labelsOf(traits, rows, cols) {
  const model = /** @type {any} */ ({ get: (/** @type {string} */ name) => traits[name] });
  const state = /** @type {any} */ ({ fonts: { label: "", size: 13 }, tickSet: { labels: [] } });
  const ctx = /** @type {any} */ ({
    font: "",
    measureText: (/** @type {string} */ s) => ({ width: width(s) }),
  });
  const labels = createLabels(model, state, ctx);
  labels.prepare(/** @type {any} */ ({ rows, cols }), true);
  return labels;
}

/**
 * The layout arrange.js makes for panels of rows x cols (shown all at once) with labels.
 * @param {number[]} layout `_panels`
 * @param {number} rows
 * @param {number} cols
 * @param {ReturnType<typeof labelsOf>} labels
 * @param {number} [W]
 */
function panelsView(layout, rows, cols, labels, W = 700) {
  const ps = readPanels(layout, [], null);
  labels.show(-1);
  const band = panelRowBand(W, rows, labels.rowWidth, labels.rowLabelMax);
  /** @param {number} w @param {number} h @param {number} foot */
  const place = (w, h, foot) =>
    placePanels(ps, w, h, rows, cols, LH, 20, 1, band, { ...labels.perPanel, foot });
  const L = computeLayout({
    width: W,
    height: null,
    windowHeight: 1000,
    rows,
    cols,
    view: fullView(rows, cols),
    lineHeight: LH,
    titleHeight: 0,
    titleWidth: 0,
    hasColorbarTitle: false,
    tickWidth: 30,
    rowLabelWidth: () => 0,
    colLabelWidth: labels.colWidth,
    colLabelMax: labels.colLabelMax,
    toolbarRow: 34,
    panelBox: (w, h, foot) => {
      const P = place(w, h, foot).layout;
      return { left: frame(P).left, width: P.panelWidth, height: P.panelHeight };
    },
  });
  const placed = place(L.plot.width, L.plot.height, L.colBand);
  L.panelAxes = panelAxes(placed, L.plot, band);
  Object.assign(L, axisLabels(L, fullView(rows, cols), LH, labels.colWidth));
  const items = axisLabelItems(L, fullView(rows, cols), labels.rowText, labels.colText, LH);
  return { L, placed, band, items };
}

describe("panelLayout's bands for labels of each panel's own", () => {
  const area = { x: 0, y: 0, width: 600, height: 400 };
  const spec = { count: 4, grid: null, rows: 5, cols: 5, titleHeight: 17, gap: 6, axisWidth: 40 };

  it("puts the row labels' band left of every column and a foot under every row but the last", () => {
    const L = panelLayout(area, { ...spec, axisEach: true, foot: 30 });
    expect([L.nr, L.nc]).toEqual([2, 2]);
    expect(L.panelWidth).toBe(Math.floor((600 - 2 * 40 - 6) / 2));
    expect(L.panelHeight).toBe(Math.floor((400 - 2 * 17 - 6 - 30) / 2));
    const [p0, p1, p2] = L.panels;
    expect(p0.x).toBe(40);
    expect(p1.x).toBe(40 + L.panelWidth + 6 + 40); // the gap, then panel 1's own band
    expect(p2.y).toBe(17 + L.panelHeight + 6 + 30 + 17); // the foot, the gap, its title
    expect(p2.title?.y).toBe(p0.y + L.panelHeight + 6 + 30);
    // the bands are neither panels nor titles
    expect(panelAt(L, p1.x - 10, p1.y + 5)).toBeNull();
    expect(panelAt(L, p0.x + 5, p0.y + L.panelHeight + 10)).toBeNull();
    expect(panelAt(L, p1.x + 1, p1.y + 1)).toMatchObject({ kind: "panel", index: 1 });
    expect(panelAt(L, p2.x + 1, p2.y - 3)).toEqual({ kind: "title", index: 2 });
    // every panel the same device size, at its CSS place
    const d = devicePanels(L, 2);
    expect(d.panels.map((r) => [r.x, r.y])).toEqual(L.panels.map((p) => [2 * p.x, 2 * p.y]));
  });

  it("keeps a grid's labels and puts the bands inside it", () => {
    const L = panelLayout(area, {
      ...spec,
      grid: /** @type {[number, number]} */ ([2, 2]),
      labelWidth: 30,
      axisEach: true,
      foot: 20,
    });
    expect(L.panels[1].x - L.panels[0].x).toBe(L.panelWidth + 6 + 40);
    expect(L.gridLabels.cols[1].x).toBe(L.panels[1].x); // over its column of panels
    expect(L.gridLabels.rows[1].y).toBe(L.panels[2].y);
    expect(panelAt(L, 10, L.panels[2].y + 2)).toEqual({ kind: "gridRow", index: 1 });
  });

  it("is the shared layout without them", () => {
    const shared = panelLayout(area, spec);
    expect(panelLayout(area, { ...spec, axisEach: false, foot: 0 })).toEqual({
      ...shared,
      axisEach: false,
      foot: 0,
    });
    expect(shared.panels[1].x).toBe(40 + shared.panelWidth + 6);
  });
});

describe("readAxisLabels and the view's labels", () => {
  it("tells one shared list from one list per panel", () => {
    expect(readAxisLabels(["a", " "], true)).toEqual({ lists: [["a", "\u2423"]], perPanel: false });
    expect(readAxisLabels([["a"], ["b", "c"]], false)).toEqual({
      lists: [["a"], ["b", "c"]],
      perPanel: true,
    });
  });

  it("gives each panel its own text and width, none past its own length", () => {
    const labels = labelsOf({ row_labels: [SOURCE, OTHER], column_labels: GENERATED }, 10, 3);
    expect(labels.perPanel).toEqual({ rows: true, cols: true });
    expect(labels.rowText(1, 1)).toBe("big");
    expect(labels.rowText(1, 0)).toBe("cat");
    expect(labels.rowText(7, 0)).toBeNull(); // padding of panel 0
    expect(labels.rowText(9, 1)).toBe("noon");
    // many panels shown: the widest label any panel has at each index
    labels.show(-1);
    expect(labels.rowWidth(3)).toBe(width("ran"));
    expect(labels.rowWidth(8)).toBe(width("at"));
    expect(labels.rowLabelMax).toBe(width("barn"));
    expect(labels.colWidth(2, 0)).toBe(width("warm"));
    // panel 0 alone (focused): its own labels only
    labels.show(0);
    expect(labels.rowText(2)).toBe("sat");
    expect(labels.rowText(8)).toBeNull();
    expect(labels.rowWidth(3)).toBe(width("on"));
    expect(labels.rowLabelMax).toBe(width("warm"));
  });

  it("reads shared labels as before, the same for every panel", () => {
    const labels = labelsOf({ row_labels: OTHER, column_labels: ["x", "y", "z"] }, 10, 3);
    labels.show(-1);
    expect(labels.perPanel).toEqual({ rows: false, cols: false });
    expect([labels.rowText(1, 0), labels.rowText(1, 1), labels.rowText(1)]).toEqual(["big", "big", "big"]);
    expect(labels.rowLabelMax).toBe(width("barn"));
  });
});

describe("the labels of each panel's own, beside and under it", () => {
  it("puts every panel's row labels left of it and its column labels under it", () => {
    const labels = labelsOf({ row_labels: [SOURCE, OTHER], column_labels: GENERATED }, 10, 3);
    const { L, placed, items, band } = panelsView([2], 10, 3, labels);
    expect([placed.layout.nr, placed.layout.nc]).toEqual([1, 2]);
    expect(L.panelAxes?.rowAt.map((a) => a.panel)).toEqual([0, 1]);
    expect(L.panelAxes?.colAt.map((a) => a.panel)).toEqual([0, 1]);
    expect(band).toBe(width("barn") + 6); // the widest of any panel's
    const rows = items.filter((t) => t.align === "right" && t.baseline === "middle" && t.rotation === 0);
    const [p0, p1] = placed.layout.panels;
    const beside = (/** @type {typeof p0} */ p) => rows.filter((t) => t.x === L.plot.left + p.x - 6);
    expect(beside(p0).map((t) => t.text)).toEqual(SOURCE); // no label for its padding rows
    expect(beside(p1).map((t) => t.text)).toEqual(OTHER);
    for (const [r, t] of beside(p1).entries()) {
      expect(t.y).toBeCloseTo(L.plot.top + p1.y + ((r + 0.5) / 10) * p1.h, 9);
    }
    // the band left of panel 1 holds its labels: right of panel 0
    expect(L.plot.left + p1.x - 6 - width("barn")).toBeGreaterThanOrEqual(L.plot.left + p0.x + p0.w);
    const cols = items.filter((t) => !rows.includes(t));
    expect(cols.map((t) => t.text)).toEqual([...GENERATED[0], ...GENERATED[1]]);
    for (const [k, t] of cols.entries()) {
      const p = k < 3 ? p0 : p1;
      expect(t.x).toBeCloseTo(L.plot.left + p.x + (((k % 3) + 0.5) / 3) * p.w, 9);
      expect(t.y).toBeGreaterThan(L.plot.top + p.y + p.h);
    }
  });

  it("keeps every row of panels' column labels in the band under it, off the next row", () => {
    const cols = Array.from({ length: 4 }, (_, p) => Array.from({ length: 8 }, (_, j) => `token ${p}.${j}`));
    const labels = labelsOf({ row_labels: ["a", "b", "c", "d", "e", "f"], column_labels: cols }, 6, 8);
    const { L, placed, items } = panelsView([4], 6, 8, labels, 600);
    expect(placed.layout.nr).toBe(2);
    expect(placed.layout.foot).toBe(L.colBand);
    expect(L.panelAxes?.rowAt.map((a) => a.panel)).toEqual([0, 2]); // shared rows: as before
    const [p0, , p2] = placed.layout.panels;
    const under0 = items.filter((t) => t.text.startsWith("token 0."));
    expect(under0.length).toBeGreaterThan(0);
    const bottom0 = L.plot.top + p0.y + p0.h;
    for (const t of under0) {
      expect(t.y).toBeGreaterThan(bottom0);
      expect(t.y - bottom0).toBeLessThan(L.colBand);
    }
    // the next row of panels (its titles) starts after the foot and the gap
    expect(L.plot.top + (p2.title?.y ?? p2.y)).toBe(bottom0 + L.colBand + 6);
  });
});

describe("checkMatrixState of labels of each panel's own", () => {
  const floats = (/** @type {number} */ n) => new DataView(new ArrayBuffer(4 * n));
  /** Two panels of 10 x 3 (panel 0 padded from 7 x 3), with `over` replacing some traits. */
  const state = (/** @type {Record<string, unknown>} */ over = {}) => ({
    shape: [10, 3],
    block: [1, 1],
    values: floats(60),
    exact: null,
    rowLabels: [SOURCE, OTHER],
    colLabels: GENERATED,
    tokens: [],
    panels: [2],
    panelShapes: [
      [7, 3],
      [10, 3],
    ],
    ...over,
  });
  const error = (/** @type {Record<string, unknown>} */ over) => {
    const res = checkMatrixState(state(over));
    return "error" in res ? res.error : null;
  };

  it("accepts one list per panel, as long as its own rows and columns", () => {
    expect(error({})).toBeNull();
    expect(error({ rowLabels: OTHER })).toBeNull(); // shared, as before
    expect(error({ rowLabels: [OTHER, OTHER], panelShapes: [] })).toBeNull(); // not padded
  });

  it("refuses lists that do not fit, naming the panel", () => {
    expect(error({ rowLabels: [SOURCE] })).toBe(
      "row_labels has 1 lists (one per panel) but there are 2 panels",
    );
    expect(error({ rowLabels: [OTHER, OTHER] })).toBe("row_labels[0] has 10 entries but panel 0 has 7 rows");
    expect(error({ colLabels: [["a", "b"], GENERATED[1]] })).toBe(
      "column_labels[0] has 2 entries but panel 0 has 3 columns",
    );
    expect(error({ rowLabels: [SOURCE, [...OTHER.slice(0, 9), 5]] })).toBe(
      "row_labels[1] must be a list of 10 strings, got 5 at [9]",
    );
    expect(error({ rowLabels: [SOURCE, "x"] })).toBe('row_labels[1] must be a list of 10 strings, got "x"');
    // a single matrix has no panels: a list of lists is not its labels
    const single = {
      shape: [1, 3],
      values: floats(3),
      panels: [],
      panelShapes: [],
      colLabels: ["a", "b", "c"],
    };
    expect(error({ ...single, rowLabels: [["a"]] })).toBe(
      'row_labels must be a list of 1 strings, got ["a"] at [0]',
    );
  });
});
