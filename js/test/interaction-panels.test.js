import { describe, expect, it } from "vitest";
import {
  cellAnchor,
  cellIn,
  clampTo,
  fractionIn,
  rectAt,
  rectOf,
  singleGeometry,
} from "../interact/geometry.js";
import { hoverBoxes, sameHover } from "../interact/hover.js";
import { panelLayout } from "../render/panels.js";
import {
  moveSelection,
  panelOfKey,
  parseSelection,
  sameKey,
  sameSelection,
  selCol,
  selectionCorrected,
  selectionToTrait,
  selPanel,
  selRow,
} from "../interact/selection.js";
import { boxView, zoomAt } from "../interact/zoom.js";

/** two panels side by side, 100 x 50 each, 10 px apart, titles 12 px high above them */
const rects = [
  { index: 0, x: 0, y: 12, w: 100, h: 50 },
  { index: 1, x: 110, y: 12, w: 100, h: 50 },
];
const titles = [
  { index: 0, x: 0, y: 0, w: 100, h: 12 },
  { index: 1, x: 110, y: 0, w: 100, h: 12 },
];
const full = { row0: 0, row1: 5, col0: 0, col1: 10 };

describe("panel under a point", () => {
  it("finds the rect, half-open like the pixel rule; gaps and titles are none", () => {
    expect(rectAt(rects, 0, 12)?.index).toBe(0);
    expect(rectAt(rects, 99.9, 61.9)?.index).toBe(0);
    expect(rectAt(rects, 100, 30)).toBeNull(); // right edge of panel 0: the gap
    expect(rectAt(rects, 105, 30)).toBeNull();
    expect(rectAt(rects, 110, 30)?.index).toBe(1);
    expect(rectAt(rects, 150, 5)).toBeNull(); // a title
    expect(rectAt(titles, 150, 5)?.index).toBe(1);
    expect(rectAt(rects, 50, 62)).toBeNull(); // below
    expect(rectAt([], 1, 1)).toBeNull();
  });
  it("looks up a shown panel by index", () => {
    expect(rectOf(rects, 1)).toBe(rects[1]);
    expect(rectOf(rects, 2)).toBeNull();
    expect(rectOf([{ index: 7, x: 0, y: 0, w: 10, h: 10 }], 7)?.index).toBe(7); // a focused panel
  });
  it("is the whole plot box for a single heatmap", () => {
    const g = singleGeometry(300, 200);
    expect(g).toEqual({ count: 1, keys: [0], rects: [{ index: 0, x: 0, y: 0, w: 300, h: 200 }], titles: [] });
    expect(rectAt(g.rects, 0, 0)?.index).toBe(0);
    expect(rectAt(g.rects, 299.5, 199.5)?.index).toBe(0);
    expect(rectAt(g.rects, 300, 10)).toBeNull();
  });
});

describe("point to cell in a panel", () => {
  it("maps the point relative to its panel into the shared view", () => {
    // 10 columns over 100 px, 5 rows over 50 px: 10 px cells in each panel
    expect(cellIn(full, rects[0], 35, 12 + 25, 5, 10)).toEqual([2, 3]);
    expect(cellIn(full, rects[1], 110 + 35, 12 + 25, 5, 10)).toEqual([2, 3]); // same cell
    expect(cellIn(full, rects[1], 110 + 99.9, 12 + 49.9, 5, 10)).toEqual([4, 9]);
    expect(cellIn(full, rects[1], 105, 30, 5, 10)).toBeNull(); // left of the panel
    const zoomed = { row0: 2, row1: 4, col0: 5, col1: 7 };
    expect(cellIn(zoomed, rects[1], 110 + 60, 12 + 10, 5, 10)).toEqual([2, 6]);
  });
  it("is today's rule for a single heatmap", () => {
    const [r] = singleGeometry(500, 900).rects;
    const v = { row0: 0, row1: 9, col0: 0, col1: 5 };
    expect(cellIn(v, r, 350, 250, 9, 5)).toEqual([2, 3]);
    expect(cellIn(v, r, 500, 250, 9, 5)).toBeNull();
  });
  it("anchors zooms at fractions of the panel, so a wheel over either panel zooms alike", () => {
    expect(fractionIn(rects[0], 25, 12 + 40)).toEqual({ fx: 0.25, fy: 0.8 });
    expect(fractionIn(rects[1], 110 + 25, 12 + 40)).toEqual({ fx: 0.25, fy: 0.8 });
    const a = fractionIn(rects[0], 25, 52);
    const b = fractionIn(rects[1], 135, 52);
    expect(zoomAt(full, a.fy, a.fx, 2, 5, 10)).toEqual(zoomAt(full, b.fy, b.fx, 2, 5, 10));
  });
  it("keeps a zoom box inside the panel it started in", () => {
    expect(clampTo(rects[0], 150, -5)).toEqual([100, 12]);
    expect(clampTo(rects[1], 50, 30)).toEqual([110, 30]);
    expect(clampTo(rects[1], 150, 30)).toEqual([150, 30]);
    // a box from (20, 22) dragged far right in panel 0 covers its right part only
    const [x, y] = clampTo(rects[0], 400, 42);
    const s = fractionIn(rects[0], 20, 22);
    const e = fractionIn(rects[0], x, y);
    expect(boxView(full, s.fy, s.fx, e.fy, e.fx, 5, 10)).toEqual({ row0: 1, row1: 3, col0: 2, col1: 10 });
  });
  it("anchors the keyboard tooltip at the cell's lower right corner in its panel", () => {
    expect(cellAnchor(full, rects[1], 2, 3)).toEqual([110 + 40, 12 + 30]);
    expect(cellAnchor(full, rects[1], 4, 9)).toEqual([110 + 100, 12 + 50]); // the last cell's corner
    const zoomed = { row0: 2, row1: 4, col0: 5, col1: 7 };
    expect(cellAnchor(zoomed, rects[1], 0, 6)).toBeNull(); // out of view
  });
  it("agrees with panels.js's layout of a 2 x 3 grid", () => {
    const L = panelLayout(
      { x: 0, y: 0, width: 320, height: 210 },
      { count: 6, grid: [2, 3], rows: 4, cols: 4, gap: 10, titleHeight: 10, labelWidth: 20 },
    );
    const v4 = { row0: 0, row1: 4, col0: 0, col1: 4 };
    const shown = L.panels.map(({ index, x, y, w, h }) => ({ index, x, y, w, h }));
    for (const p of L.panels) {
      const hit = rectAt(shown, p.x + p.w * 0.6, p.y + p.h * 0.3);
      expect(hit?.index).toBe(p.index);
      expect(cellIn(v4, /** @type {any} */ (hit), p.x + p.w * 0.6, p.y + p.h * 0.3, 4, 4)).toEqual([1, 2]);
    }
    expect(rectAt(shown, L.panels[0].x + L.panelWidth + L.gap / 2, L.panels[0].y + 1)).toBeNull();
  });
});

describe("hovered cell", () => {
  const h = { panel: 1, row: 2, col: 3, rowEnd: 2, colEnd: 3 };
  it("compares by panel and cells", () => {
    expect(sameHover(h, { ...h })).toBe(true);
    expect(sameHover(h, { ...h, panel: 0 })).toBe(false);
    expect(sameHover(h, { ...h, colEnd: 4 })).toBe(false);
    expect(sameHover(null, null)).toBe(true);
    expect(sameHover(h, null)).toBe(false);
  });
  it("is outlined at the same place in every shown panel", () => {
    expect(hoverBoxes(h, full, rects)).toEqual([
      { index: 0, left: 30, top: 32, width: 10, height: 10 },
      { index: 1, left: 140, top: 32, width: 10, height: 10 },
    ]);
    expect(hoverBoxes(null, full, rects)).toEqual([]);
    expect(hoverBoxes(h, { row0: 3, row1: 5, col0: 0, col1: 10 }, rects)).toEqual([]); // out of view
  });
  it("covers a block, grows a tiny cell and stays inside its panel", () => {
    const block = { panel: 0, row: 0, col: 0, rowEnd: 1, colEnd: 4 };
    expect(hoverBoxes(block, full, [rects[0]])).toEqual([
      { index: 0, left: 0, top: 12, width: 50, height: 20 },
    ]);
    const big = { row0: 0, row1: 1000, col0: 0, col1: 1000 };
    const tiny = { panel: 0, row: 999, col: 500, rowEnd: 999, colEnd: 500 };
    const [b] = hoverBoxes(tiny, big, [rects[0]]);
    expect(b.width).toBe(8);
    expect(b.top + b.height).toBe(62); // cut at the panel's bottom edge
  });
});

/** a wrapped row of 3 panels, and a 2 x 2 grid */
const row3 = { count: 3, keys: [0, 1, 2] };
/** @type {{ count: number, keys: [number, number][] }} */
const grid = {
  count: 4,
  keys: [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
};

describe("selection with panels", () => {
  it("reads the panel's key as its index (wrapped row and grid)", () => {
    expect(parseSelection({ panel: 2, row: 1, col: 3 }, 9, 5, row3)).toEqual({ panel: 2, row: 1, col: 3 });
    expect(parseSelection({ panel: 0, row: 8 }, 9, 5, row3)).toEqual({ panel: 0, row: 8 });
    expect(parseSelection({ panel: [1, 0], col: 4 }, 9, 5, grid)).toEqual({ panel: 2, col: 4 });
    expect(parseSelection({ panel: [1, 1], row: 0, col: 0 }, 9, 5, grid)).toEqual({
      panel: 3,
      row: 0,
      col: 0,
    });
  });
  it("is none when the panel is missing or not a key of the layout", () => {
    expect(parseSelection({ row: 1, col: 3 }, 9, 5, row3)).toBeNull();
    expect(parseSelection({ panel: 3, row: 1 }, 9, 5, row3)).toBeNull();
    expect(parseSelection({ panel: 1.5, row: 1 }, 9, 5, row3)).toBeNull();
    expect(parseSelection({ panel: [0, 1], row: 1 }, 9, 5, row3)).toBeNull(); // a grid key, not a row's
    expect(parseSelection({ panel: 1, row: 1 }, 9, 5, grid)).toBeNull();
    expect(parseSelection({ panel: [2, 0], row: 1 }, 9, 5, grid)).toBeNull();
    expect(parseSelection({ panel: [0, 0, 0], row: 1 }, 9, 5, grid)).toBeNull();
    expect(parseSelection({ panel: 1, row: 9 }, 9, 5, row3)).toBeNull(); // row out of range
    expect(selectionCorrected({ panel: 3, row: 1 }, null, row3)).toBe(true);
    expect(selectionCorrected({ row: 1 }, null, row3)).toBe(true);
  });
  it("writes the key back, and reports only real differences", () => {
    expect(selectionToTrait({ panel: 2, row: 1, col: 3 }, row3)).toEqual({ panel: 2, row: 1, col: 3 });
    expect(selectionToTrait({ panel: 2, col: 3 }, grid)).toEqual({ panel: [1, 0], col: 3 });
    expect(selectionToTrait(null, grid)).toBeNull();
    const t = { panel: [1, 0], row: 4 };
    const s = parseSelection(t, 9, 5, grid);
    expect(selectionCorrected(t, s, grid)).toBe(false);
    expect(selectionCorrected({ panel: [1, 0], row: 4, extra: 1 }, s, grid)).toBe(true);
    expect(selectionCorrected({ panel: [1, 1], row: 4 }, s, grid)).toBe(true);
    expect(selectionCorrected({ panel: 1, row: 4, col: 0 }, { panel: 1, row: 4, col: 0 }, row3)).toBe(false);
  });
  it("compares the panel too", () => {
    expect(sameSelection({ panel: 1, row: 2 }, { panel: 1, row: 2 })).toBe(true);
    expect(sameSelection({ panel: 1, row: 2 }, { panel: 0, row: 2 })).toBe(false);
    expect(selPanel({ panel: 2, col: 1 })).toBe(2);
    expect(selPanel({ col: 1 })).toBe(0);
    expect(selPanel(null)).toBe(-1);
    expect(selRow({ panel: 2, row: 4 })).toBe(4);
    expect(selCol({ panel: 2, row: 4 })).toBe(-1);
  });
  it("moves with the arrow keys inside the selected panel", () => {
    expect(moveSelection({ panel: 2, row: 1, col: 1 }, "ArrowRight", full, 5, 10)).toEqual({
      panel: 2,
      row: 1,
      col: 2,
    });
    expect(moveSelection({ panel: 1, row: 4 }, "ArrowDown", full, 5, 10)).toEqual({ panel: 1, row: 4 });
    expect(moveSelection({ panel: 1, col: 0 }, "ArrowLeft", full, 5, 10)).toEqual({ panel: 1, col: 0 });
    expect(moveSelection(null, "ArrowUp", full, 5, 10, 3)).toEqual({ panel: 3, row: 0, col: 0 });
  });
  it("keeps today's forms for a single heatmap", () => {
    expect(parseSelection({ row: 2, col: 3 }, 9, 5)).toEqual({ row: 2, col: 3 });
    expect(selectionToTrait({ row: 2, col: 3 })).toEqual({ row: 2, col: 3 });
    expect(selectionToTrait({ col: 3 }, { count: 1, keys: [0] })).toEqual({ col: 3 });
    expect(moveSelection(null, "ArrowUp", full, 5, 10)).toEqual({ row: 0, col: 0 });
    expect(selectionCorrected({ row: 2, col: 3 }, { row: 2, col: 3 })).toBe(false);
    expect(selectionCorrected({ row: 2, col: 3, panel: 5 }, { row: 2, col: 3 })).toBe(true);
    expect(selectionCorrected({ row: 2, col: 3, panel: null }, { row: 2, col: 3 })).toBe(true);
  });
  it("accepts the key Python adds for a stack of one panel without reporting it", () => {
    expect(parseSelection({ panel: 0, row: 2 }, 9, 5)).toEqual({ row: 2 });
    expect(selectionCorrected({ panel: 0, row: 2 }, { row: 2 })).toBe(false);
    const one = { count: 1, keys: /** @type {[number, number][]} */ ([[0, 0]]) };
    expect(selectionCorrected({ panel: [0, 0], row: 2 }, { row: 2 }, one)).toBe(false);
    expect(selectionCorrected({ panel: 0, row: 2 }, { row: 2 }, one)).toBe(true);
  });
  it("matches keys exactly", () => {
    expect(sameKey(1, 1)).toBe(true);
    expect(sameKey(true, 1)).toBe(false);
    expect(sameKey([0, 1], [0, 1])).toBe(true);
    expect(sameKey([0, 1], 1)).toBe(false);
    expect(panelOfKey(grid, [1, 1])).toBe(3);
    expect(panelOfKey(grid, "1,1")).toBe(-1);
    expect(panelOfKey(row3, null)).toBe(-1);
  });
});
