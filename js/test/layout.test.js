import { describe, expect, it } from "vitest";
import {
  axisLabels,
  canvasRatio,
  centerOf,
  computeLayout,
  explicitSize,
  fullView,
  indexAt,
  labelCenter,
  labelIndices,
  labelStride,
  MAX_CANVAS_SIDE,
  MAX_LABELS,
  MAX_SIZE,
  MIN_SIZE,
  pixelIndexTable,
} from "../render/layout.js";
import { elide, tokenFontSize } from "../render/overlay.js";

describe("pixel <-> cell", () => {
  it("maps pixel centres with floor(start + pos / size * span)", () => {
    expect(indexAt(0, 9, 0.5, 600, 9)).toBe(0);
    expect(indexAt(0, 9, 599.5, 600, 9)).toBe(8);
    expect(indexAt(0, 9, 66.5, 600, 9)).toBe(0);
    expect(indexAt(0, 9, 67.5, 600, 9)).toBe(1);
    expect(indexAt(0, 9, -1, 600, 9)).toBe(-1);
    expect(indexAt(0, 9, 600, 600, 9)).toBe(-1);
    expect(indexAt(2, 4, 0.5, 100, 9)).toBe(2); // a view window
  });
  it("builds per-pixel index tables like the shader, ties included", () => {
    const t = new Int32Array(715);
    pixelIndexTable(0, 50, 50, t);
    expect(t[70]).toBe(4);
    expect(t[71]).toBe(5); // pixel centre 71.5 is exactly on the boundary 5.0
    expect(t[0]).toBe(0);
    expect(t[714]).toBe(49);
    for (let p = 0; p < 715; p++)
      expect(Math.abs(t[p] - Math.floor(((p + 0.5) / 715) * 50))).toBeLessThanOrEqual(0);
    const z = new Int32Array(4);
    pixelIndexTable(2, 4, 9, z); // a view window of two cells over four pixels
    expect(Array.from(z)).toEqual([2, 2, 3, 3]);
  });
  it("puts cell centres where the contract says", () => {
    expect(centerOf(0, 5, 0, 500)).toBe(50);
    expect(centerOf(0, 5, 4, 500)).toBe(450);
    expect(centerOf(2, 4, 3, 100)).toBe(75);
  });
  it("puts a label on the part of its cell in view", () => {
    // a whole cell: its centre
    expect(labelCenter(0, 5, 4, 500)).toBe(centerOf(0, 5, 4, 500));
    // cells 2.5 .. 6 over 350 px: cell 2 shows from 2.5 to 3, its label at 2.75
    expect(labelCenter(2.5, 6, 2, 350)).toBeCloseTo(25);
    // cell 5 shows from 5 to 6: whole; a cell cut at the far end, 5.5 .. 6
    expect(labelCenter(2.5, 6, 5, 350)).toBeCloseTo(300);
    expect(labelCenter(2.5, 5.5, 5, 300)).toBeCloseTo(275);
    // never outside the box
    for (const i of [2, 3, 4, 5]) {
      const x = labelCenter(2.9, 5.1, i, 220);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(220);
    }
  });
});

describe("label thinning", () => {
  it("keeps labels at least `need` px apart and at most maxLabels", () => {
    for (const span of [1, 3, 9, 50, 200, 1000, 100000]) {
      for (const size of [50, 160, 600, 3000]) {
        const pitch = size / span;
        const k = labelStride(span, pitch, 17, MAX_LABELS);
        const idx = labelIndices(0, span, k);
        expect(idx.length).toBeLessThanOrEqual(MAX_LABELS);
        expect(idx.length).toBeGreaterThan(0);
        for (let j = 1; j < idx.length; j++) expect((idx[j] - idx[j - 1]) * pitch).toBeGreaterThanOrEqual(17);
        if (k > 1 && k > Math.ceil(span / MAX_LABELS)) expect((k - 1) * pitch).toBeLessThan(17); // not thinner than needed
      }
    }
  });
  it("labels every cell when there is room", () => {
    expect(labelIndices(0, 9, labelStride(9, 66, 17, MAX_LABELS))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it("only labels cells whose centre is in view", () => {
    expect(labelIndices(1.6, 5.2, 1)).toEqual([2, 3, 4]);
    expect(labelIndices(0, 10, 3)).toEqual([0, 3, 6, 9]);
  });
});

/**
 * @param {Partial<import("../render/layout.js").LayoutInput> & { labels?: string[], colLabels?: string[] }} over
 */
function layoutOf(over) {
  const rows = over.rows ?? 9;
  const cols = over.cols ?? 5;
  const rl = over.labels ?? Array.from({ length: rows }, (_, i) => `r${i}`);
  const cl = over.colLabels ?? Array.from({ length: cols }, (_, i) => `c${i}`);
  return computeLayout({
    width: 800,
    height: null,
    windowHeight: 1000,
    rows,
    cols,
    view: fullView(rows, cols),
    lineHeight: 17,
    titleHeight: 19,
    titleWidth: 120,
    hasColorbarTitle: true,
    tickWidth: 30,
    rowLabelWidth: (i) => rl[i].length * 7,
    colLabelWidth: (i) => cl[i].length * 7,
    ...over,
  });
}

describe("computeLayout", () => {
  it("fits everything in the width and sizes the height from the aspect", () => {
    const L = layoutOf({});
    expect(L.width).toBe(800);
    expect(L.plot.left).toBeGreaterThanOrEqual(8 + 14);
    expect(L.barTitleLeft + 17).toBeLessThanOrEqual(800);
    expect(L.plot.height).toBe(600); // 9x5 at this width hits the 600 px cap
    expect(L.height - (L.plot.top + L.plot.height)).toBeGreaterThanOrEqual(8 + 4 + 17); // room for column labels
    expect(L.colTop).toBeGreaterThan(L.plot.top + L.plot.height);
    expect(L.cols.rotation).toBe(0);
  });
  it("clamps automatic height to [160, 600] and to the window", () => {
    expect(layoutOf({ rows: 1, cols: 50 }).plot.height).toBe(160);
    expect(layoutOf({ rows: 200, cols: 3 }).plot.height).toBe(600);
    expect(layoutOf({ rows: 200, cols: 3, windowHeight: 500 }).plot.height).toBeLessThan(425);
  });
  it("keeps a row free above the plot for the toolbar when asked (many panels)", () => {
    const plain = layoutOf({ height: 400 });
    const row = layoutOf({ height: 400, toolbarRow: 34 });
    expect(row.plot.top - plain.plot.top).toBe(34);
    expect(row.plot.height).toBe(plain.plot.height - 34); // the total height stays
    expect(row.title.top).toBe(plain.title.top); // the title stays on top
  });
  it("honours explicit width and height", () => {
    const L = layoutOf({ width: 500, height: 300 });
    expect(L.width).toBe(500);
    expect(L.height).toBe(300);
    expect(L.plot.top + L.plot.height).toBeLessThan(300);
  });
  it("makes room for the widest row label", () => {
    const narrow = layoutOf({ labels: Array(9).fill("a") });
    const wide = layoutOf({ labels: [...Array(8).fill("a"), "a".repeat(20)] });
    expect(wide.plot.left - narrow.plot.left).toBeGreaterThanOrEqual(19 * 7 - 1);
  });
  it("rotates long column labels and thins them when crowded", () => {
    const long = Array.from({ length: 14 }, (_, j) => `column number ${j}`);
    const L = layoutOf({ rows: 6, cols: 14, colLabels: long });
    expect(L.cols.rotation).toBe(45);
    expect(L.cols.indices.length).toBe(14);
    const many = Array.from({ length: 1000 }, (_, j) => `position ${j}`);
    const M = layoutOf({ rows: 1000, cols: 1000, colLabels: many, labels: many });
    expect(M.cols.rotation).toBe(90);
    expect(M.cols.indices.length).toBeLessThanOrEqual(MAX_LABELS);
    expect(M.cols.stride * (M.plot.width / 1000)).toBeGreaterThanOrEqual(17);
    expect(M.rows.stride * (M.plot.height / 1000)).toBeGreaterThanOrEqual(17);
  });
  it("keeps short numeric column labels horizontal, thinned", () => {
    const nums = Array.from({ length: 300 }, (_, j) => String(j));
    const L = layoutOf({ rows: 10, cols: 300, colLabels: nums });
    expect(L.cols.rotation).toBe(0);
    const pitch = L.plot.width / 300;
    expect(L.cols.stride * pitch).toBeGreaterThanOrEqual(3 * 7 + 10);
  });
});

describe("token text", () => {
  it("is skipped when the cell is too small to read", () => {
    expect(tokenFontSize(12, 13)).toBe(0);
    expect(tokenFontSize(13, 13)).toBe(9);
    expect(tokenFontSize(66, 13)).toBe(14);
  });
  it("is elided with an ellipsis to fit", () => {
    const measure = (/** @type {string} */ s) => s.length * 10;
    expect(elide("extraordinarily", 40, measure)).toBe("ext\u2026");
    expect(elide("ab", 15, measure)).toBe("");
  });
});

describe("zoomed views", () => {
  const many = Array.from({ length: 1000 }, (_, j) => `position ${j}`);
  const base = {
    rows: 1000,
    cols: 1000,
    colLabels: many,
    labels: many,
    rowLabelMax: 12 * 7,
    colLabelMax: 12 * 7,
  };
  it("keep the plot where it is: margins and sizes come from the full matrix", () => {
    const full = layoutOf(base);
    for (const view of [
      { row0: 10, row1: 14, col0: 500, col1: 502 },
      { row0: 0, row1: 300, col0: 100, col1: 900 },
      { row0: 998, row1: 1000, col0: 0, col1: 1000 },
    ]) {
      const L = layoutOf({ ...base, view });
      expect(L.plot).toEqual(full.plot);
      expect(L.bar).toEqual(full.bar);
      expect(L.height).toBe(full.height);
      for (const i of L.rows.indices) expect(i + 0.5 >= view.row0 && i + 0.5 <= view.row1).toBe(true);
      for (const i of L.cols.indices) expect(i + 0.5 >= view.col0 && i + 0.5 <= view.col1).toBe(true);
    }
  });
  it("label only rows and columns in view, never overlapping", () => {
    const view = { row0: 100.6, row1: 130.6, col0: 40, col1: 52 };
    const full = layoutOf(base);
    const L = { ...full, ...axisLabels(full, view, 17, (i) => many[i].length * 7) };
    expect(L.rows.indices[0]).toBeGreaterThanOrEqual(101);
    expect(L.rows.indices[L.rows.indices.length - 1]).toBeLessThanOrEqual(130);
    const pitchR = L.plot.height / 30;
    expect(L.rows.stride * pitchR).toBeGreaterThanOrEqual(18);
    expect(L.cols.indices).toEqual(Array.from({ length: 12 }, (_, j) => 40 + j)); // wide cells: all
    expect(L.cols.rotation).not.toBe(90);
    // labels revealed by zooming in are elided to the room the margins leave
    expect(L.rows.cap).toBeLessThanOrEqual(L.plot.left - 8 - 6);
  });
  it("make room for labels that only zooming in reveals", () => {
    const labels = Array.from({ length: 1000 }, (_, j) => (j === 7 ? "a".repeat(30) : "t"));
    const shown = layoutOf({ rows: 1000, cols: 10, labels });
    const all = layoutOf({ rows: 1000, cols: 10, labels, rowLabelMax: 30 * 7 });
    expect(shown.rows.indices).not.toContain(7);
    expect(all.plot.left - shown.plot.left).toBeGreaterThan(100);
  });
});

describe("range control layout", () => {
  it("puts the inputs above and below the colour bar and the track beside it", () => {
    const L = layoutOf({});
    const { track, maxInput, minInput, symmetric } = L.range;
    expect(track.top).toBe(L.bar.top);
    expect(track.height).toBe(L.bar.height);
    expect(track.left).toBeGreaterThan(L.plot.left + L.plot.width);
    expect(track.left + track.width).toBeLessThan(L.bar.left);
    expect(maxInput.top + maxInput.height).toBeLessThanOrEqual(L.bar.top - 12); // above the extend marker
    expect(minInput.top).toBeGreaterThanOrEqual(L.bar.top + L.bar.height + 12);
    expect(symmetric.top + symmetric.height).toBeLessThanOrEqual(L.plot.top + L.plot.height);
    expect(symmetric.left + 84).toBeLessThanOrEqual(L.width - 8);
    // nothing reaches the colour-bar title, which sits beside the bar only
    expect(L.barTitleLeft).toBeGreaterThan(L.tickLeft);
  });
});
describe("range control on a short plot", () => {
  it("puts the symmetric checkbox beside the min input to leave the bar its height", () => {
    const tall = layoutOf({});
    expect(tall.range.compact).toBe(false);
    const L = layoutOf({ width: 500, height: 260 });
    expect(L.range.compact).toBe(true);
    const { minInput, symmetric } = L.range;
    expect(symmetric.top).toBe(minInput.top);
    expect(symmetric.left).toBeGreaterThanOrEqual(minInput.left + minInput.width);
    expect(symmetric.left + 24).toBeLessThanOrEqual(L.width - 8);
    expect(minInput.top + minInput.height).toBeLessThanOrEqual(L.plot.top + L.plot.height);
    expect(L.bar.height).toBeGreaterThanOrEqual(L.plot.height - 80);
  });
});

describe("explicitSize", () => {
  it("clamps finite numbers to MIN_SIZE..MAX_SIZE (Python's bounds)", () => {
    expect([MIN_SIZE, MAX_SIZE]).toEqual([50, 4096]);
    expect(explicitSize(640)).toBe(640);
    expect(explicitSize(1e9)).toBe(4096);
    expect(explicitSize(Number.MAX_VALUE)).toBe(4096);
    expect(explicitSize(3)).toBe(50);
    expect(explicitSize(-5)).toBe(50);
    expect(explicitSize(0)).toBe(50);
  });
  it("treats anything else as automatic (null)", () => {
    for (const v of [null, undefined, Infinity, -Infinity, NaN, "640", [640], {}]) {
      expect(explicitSize(v)).toBeNull();
    }
  });
});

describe("canvasRatio", () => {
  it("is the screen's ratio while canvases stay within MAX_CANVAS_SIDE", () => {
    expect(canvasRatio(2, 4096, 600)).toBe(2);
    expect(canvasRatio(1, 800, 400)).toBe(1);
  });
  it("is lowered so that no side exceeds MAX_CANVAS_SIDE device px", () => {
    expect(canvasRatio(3, 4096, 4096) * 4096).toBeLessThanOrEqual(MAX_CANVAS_SIDE);
    expect(canvasRatio(100, 1000, 5000) * 5000).toBeLessThanOrEqual(MAX_CANVAS_SIDE);
    expect(canvasRatio(NaN, 100, 100)).toBe(1);
    expect(canvasRatio(0, 100, 100)).toBe(1);
  });
});
