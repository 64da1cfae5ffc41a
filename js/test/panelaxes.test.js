import { describe, expect, it } from "vitest";
import { axisLabelItems } from "../render/axes.js";
import { axisLabels, computeLayout, fullView, panelRowBand } from "../render/layout.js";
import { frame, panelAt, panelLayout } from "../render/panels.js";
import { panelAxes, placePanels, readPanels } from "../render/panelview.js";

// The matrix's own labels while several panels are shown: row labels in a band left of
// the first column of panels (one set per row of panels), column labels under the lowest
// panel of each column, thinned and turned for one panel's size.

const LH = 17;
const tokens = "The cat sat on the warm mat because it was".split(" ");
/** @param {string} s */
const width = (s) => 7 * s.length;

/**
 * The layout arrange.js makes for a stack of panels of rows x cols with token labels.
 * @param {number[]} layout `_panels`
 * @param {number} rows
 * @param {number} cols
 * @param {{ width?: number, view?: import("../render/layout.js").ViewWindow, labels?: unknown }} [o]
 */
function panelsView(layout, rows, cols, o = {}) {
  const W = o.width ?? 700;
  const ps = readPanels(layout, o.labels ?? [], null);
  /** @param {number} i */
  const rowWidth = (i) => width(tokens[i % tokens.length]);
  const colWidth = rowWidth;
  const band = panelRowBand(W, rows, rowWidth, 0);
  /** @param {number} w @param {number} h */
  const place = (w, h) => placePanels(ps, w, h, rows, cols, LH, 20, 1, band);
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
    colLabelWidth: colWidth,
    toolbarRow: 34,
    panelBox: (w, h) => {
      const P = place(w, h).layout;
      return { left: frame(P).left, width: P.panelWidth, height: P.panelHeight };
    },
  });
  const placed = place(L.plot.width, L.plot.height);
  L.panelAxes = panelAxes(placed, L.plot, band);
  const view = o.view ?? fullView(rows, cols);
  Object.assign(L, axisLabels(L, view, LH, colWidth));
  /** @param {number} i */
  const text = (i) => tokens[i % tokens.length];
  return { L, placed, band, view, items: axisLabelItems(L, view, text, text, LH) };
}

describe("panelLayout's band for the matrix's row labels", () => {
  it("keeps the band between the grid's labels and the first column of panels", () => {
    const area = { x: 0, y: 0, width: 600, height: 400 };
    const spec = { count: 6, grid: /** @type {[number, number]} */ ([2, 3]), rows: 5, cols: 5 };
    const L = panelLayout(area, { ...spec, titleHeight: 17, gap: 6, labelWidth: 30, axisWidth: 40 });
    expect(L.panels[0].x).toBe(70);
    expect(L.panels[3].x).toBe(70);
    expect(L.gridLabels.rows[0]).toMatchObject({ x: 0, w: 30 });
    expect(L.gridLabels.cols[0].x).toBe(70); // over its column of panels
    expect(L.panelWidth).toBe(Math.floor((600 - 70 - 2 * 6) / 3));
    // the band is neither a panel nor a grid label
    expect(panelAt(L, 50, 17 + 10)).toBeNull();
    expect(panelAt(L, 10, 17 + 10)).toEqual({ kind: "gridRow", index: 0 });
    expect(panelAt(L, 71, 17 + 10)).toMatchObject({ kind: "panel", index: 0 });
  });

  it("puts a wrapped row's first column after the band", () => {
    const area = { x: 0, y: 0, width: 600, height: 300 };
    const L = panelLayout(area, {
      count: 3,
      grid: null,
      rows: 4,
      cols: 4,
      titleHeight: 17,
      gap: 6,
      axisWidth: 25,
    });
    expect(L.panels.map((p) => p.x)).toEqual([25, 25 + L.panelWidth + 6, 25 + 2 * (L.panelWidth + 6)]);
    expect(L.panels[0].title?.x).toBe(25);
    const none = panelLayout(area, { count: 3, grid: null, rows: 4, cols: 4, titleHeight: 17, gap: 6 });
    expect(none.panels[0].x).toBe(0); // no band: as before
  });
});

describe("panelRowBand", () => {
  it("is the widest row label up to the cap, and the gap", () => {
    expect(panelRowBand(700, 3, (i) => [10, 40, 20][i], 0)).toBe(46);
    expect(panelRowBand(700, 3, () => 1000, 0)).toBe(196 + 6); // 0.28 of 700
    expect(panelRowBand(700, 3, () => 5, 30)).toBe(36); // the widest of all labels, when known
  });
});

describe("the matrix's labels of many panels", () => {
  it("puts one set of row labels left of each row of panels, aligned with its cells", () => {
    const { L, placed, items } = panelsView([2, 2], 10, 10);
    const rows = items.filter((t) => t.align === "right" && t.rotation === 0 && t.baseline === "middle");
    const firstCol = placed.layout.panels.filter((p) => p.gridCol === 0);
    expect(firstCol).toHaveLength(2);
    expect(rows).toHaveLength(2 * L.rows.indices.length);
    for (const [k, p] of firstCol.entries()) {
      const set = rows.slice(k * L.rows.indices.length, (k + 1) * L.rows.indices.length);
      for (const [n, t] of set.entries()) {
        const r = L.rows.indices[n];
        expect(t.x).toBe(L.plot.left + p.x - 6);
        expect(t.y).toBeCloseTo(L.plot.top + p.y + ((r + 0.5) / 10) * p.h, 9);
        expect(t.text).toBe(tokens[r]);
      }
    }
    // the labels fit in the band left of the panels (and right of the grid's labels)
    expect(L.rows.cap).toBe(Math.max(...tokens.map(width)));
    expect(L.panelAxes?.rowAt.map((a) => a.panel)).toEqual([0, 2]);
  });

  it("puts the column labels under the lowest panel of each column", () => {
    // 3 panels in 2 columns: the second column's lowest panel is in the first row
    const { L, placed, items } = panelsView([3], 6, 6, { width: 500 });
    expect([placed.layout.nr, placed.layout.nc]).toEqual([2, 2]);
    expect(L.panelAxes?.colAt.map((a) => a.panel)).toEqual([2, 1]);
    const cols = items.filter((t) => !(t.align === "right" && t.rotation === 0 && t.baseline === "middle"));
    expect(cols).toHaveLength(2 * L.cols.indices.length);
    const [p2, p1] = [placed.layout.panels[2], placed.layout.panels[1]];
    const under = (/** @type {{ y: number, h: number }} */ p) => L.plot.top + p.y + p.h;
    const n = L.cols.indices.length;
    expect(cols[0].y - under(p2)).toBeCloseTo(cols[n].y - under(p1), 9);
    expect(cols[0].y).toBeGreaterThan(under(p2));
    // the margin below the plot holds the lowest panels' labels
    expect(cols[0].y - under(p2)).toBeLessThan(L.height - (L.plot.top + L.plot.height));
    expect(cols[n].x).toBeCloseTo(L.plot.left + p1.x + (0.5 / 6) * p1.w, 9);
  });

  it("thins and turns the column labels for one panel's width, not the plot's", () => {
    const many = panelsView([4], 10, 40, { width: 600 });
    const one = many.placed.layout.panelWidth;
    expect(one).toBeLessThan(many.L.plot.width / 2);
    const whole = axisLabels({ ...many.L, panelAxes: undefined }, fullView(10, 40), LH, (i) =>
      width(tokens[i % 10]),
    );
    // short tokens stay flat, thinned to fit one panel: fewer than the plot would hold
    expect(many.L.cols.stride).toBeGreaterThan(1);
    expect(many.L.cols.indices.length).toBeLessThan(whole.cols.indices.length);
  });

  it("follows the shared view: zooming in shows other, fewer rows", () => {
    const full = panelsView([2], 10, 10);
    const zoomed = panelsView([2], 10, 10, { view: { row0: 6, row1: 9, col0: 0, col1: 3 } });
    expect(zoomed.L.rows.indices).toEqual([6, 7, 8]);
    expect(zoomed.L.cols.indices).toEqual([0, 1, 2]);
    expect(full.L.rows.indices).toContain(0);
    // (the margins come from the full matrix: zooming never moves the panels)
    expect(zoomed.L.plot).toEqual(full.L.plot);
  });

  it("leaves a single heatmap's layout as it was (no panel box)", () => {
    const input = {
      width: 500,
      height: null,
      windowHeight: 1000,
      rows: 6,
      cols: 6,
      view: fullView(6, 6),
      lineHeight: LH,
      titleHeight: 0,
      titleWidth: 0,
      hasColorbarTitle: false,
      tickWidth: 30,
      rowLabelWidth: (/** @type {number} */ i) => width(tokens[i]),
      colLabelWidth: (/** @type {number} */ i) => width(tokens[i]),
    };
    const L = computeLayout(input);
    expect(L.panelAxes).toBeUndefined();
    const same = computeLayout({ ...input, panelBox: (w, h) => ({ left: 0, width: w, height: h }) });
    expect(same).toEqual(L);
  });
});
