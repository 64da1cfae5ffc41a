import { describe, expect, it } from "vitest";
import { devicePanels, panelAt, panelIndex, panelLayout, panelOf } from "../render/panels.js";
import { rng } from "./rng.js";

/** @typedef {import("../render/panels.js").PanelLayout} PanelLayout */
/** @typedef {import("../render/panels.js").PanelSpec} PanelSpec */
/** @typedef {import("../render/panels.js").Area} Area */
/** @typedef {{ x: number, y: number, w: number, h: number }} Box */

const DPRS = [0.5, 1, 1.25, 1.5, 2, 2.5, 3];

/**
 * @param {Partial<PanelSpec>} s
 * @returns {PanelSpec}
 */
const spec = (s) => ({
  count: 1,
  grid: null,
  rows: 10,
  cols: 10,
  titleHeight: 0,
  gap: 0,
  labelWidth: 0,
  ...s,
});

/**
 * @param {Box} a
 * @param {Box} b
 */
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * @param {Box} b
 * @param {Area} area
 */
const inside = (b, area) =>
  b.w >= 1 &&
  b.h >= 1 &&
  b.x >= area.x &&
  b.y >= area.y &&
  b.x + b.w <= area.x + area.width &&
  b.y + b.h <= area.y + area.height;

/**
 * Every box a layout places: panels, titles, grid labels.
 * @param {PanelLayout} L
 * @returns {{ box: Box, kind: string, index: number }[]}
 */
function boxes(L) {
  const out = [];
  for (const p of L.panels) {
    out.push({ box: p, kind: "panel", index: p.index });
    if (p.title) out.push({ box: p.title, kind: "title", index: p.index });
  }
  for (const r of L.gridLabels.rows) out.push({ box: r, kind: "gridRow", index: r.index });
  for (const c of L.gridLabels.cols) out.push({ box: c, kind: "gridCol", index: c.index });
  return out;
}

/**
 * Collects the rules a result breaks (one `expect` per check keeps the property loops
 * fast), then fails with all of them.
 * @param {string} [label] what is checked, for the failure message
 */
function rules(label = "") {
  /** @type {string[]} */
  const broken = [];
  return {
    /**
     * @param {boolean} ok
     * @param {() => string} what
     */
    check(ok, what) {
      if (!ok && broken.length < 10) broken.push(what());
    },
    done() {
      expect(broken, label).toEqual([]);
    },
  };
}

/**
 * The layout rules, checked from the output alone.
 * @param {PanelLayout} L
 * @param {Area} area
 * @param {number} count
 */
function checkLayout(L, area, count) {
  expect(L.tooSmall).toBe(false);
  expect(L.panels).toHaveLength(count);
  expect(L.nr).toBe(Math.ceil(count / L.nc));
  const r = rules();
  const all = boxes(L);
  for (const { box, kind, index } of all) {
    r.check(inside(box, area), () => `${kind} ${index} ${JSON.stringify(box)} is not inside the area`);
    r.check(
      Number.isInteger(box.x - area.x) && Number.isInteger(box.y - area.y),
      () => `${kind} ${index} is not at whole px`,
    );
  }
  // no two boxes overlap (a sweep over x keeps this fast for 1024 panels)
  const sorted = all.map((b) => b.box).sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].w; j++) {
      r.check(!overlaps(sorted[i], sorted[j]), () => `${JSON.stringify([sorted[i], sorted[j]])} overlap`);
    }
  }
  const byPos = new Map(L.panels.map((p) => [`${p.gridRow},${p.gridCol}`, p]));
  for (const p of L.panels) {
    const at = () => `panel ${p.index}`;
    r.check(p.gridRow === Math.floor(p.index / L.nc) && p.gridCol === p.index % L.nc, at);
    r.check(p.w === L.panelWidth && p.h === L.panelHeight, () => `${at()} has its own size`);
    const right = byPos.get(`${p.gridRow},${p.gridCol + 1}`);
    if (right) r.check(right.x - (p.x + p.w) === L.gap, () => `${at()}: gap to the right`);
    const below = byPos.get(`${p.gridRow + 1},${p.gridCol}`);
    if (below) r.check((below.title?.y ?? below.y) - (p.y + p.h) === L.gap, () => `${at()}: gap below`);
    const t = p.title;
    if (t) r.check(t.x === p.x && t.y + t.h === p.y && t.w === p.w, () => `${at()}: title not above it`);
  }
  r.done();
}

/**
 * Device rectangles: one size for all, whole pixels, inside the canvas, apart.
 * @param {PanelLayout} L
 * @param {number} dpr
 */
function checkDevice(L, dpr) {
  const D = devicePanels(L, dpr);
  expect(D.width).toBe(Math.max(1, Math.round(L.area.width * dpr)));
  expect(D.height).toBe(Math.max(1, Math.round(L.area.height * dpr)));
  if (D.tooSmall) return D;
  expect(D.panels).toHaveLength(L.panels.length);
  const { panels, gridLabels, ...shape } = L;
  const r = rules(JSON.stringify(shape));
  const { left, top, lead } = L.grid
    ? { left: L.labelWidth, top: L.titleHeight, lead: 0 }
    : { left: 0, top: 0, lead: L.titleHeight };
  const pitchX = (L.panelWidth + L.gap) * dpr;
  const pitchY = (lead + L.panelHeight + L.gap) * dpr;
  // a device gap where the pitch has room for one; panels stay put unless below 1 device px
  const sepX = L.gap > 0 && Math.floor(pitchX) >= 2 ? 1 : 0;
  const sepY = L.gap > 0 && Math.floor(pitchY) >= 2 ? 1 : 0;
  const stayX = Math.floor(pitchX) >= 1 && L.panelWidth * dpr >= 1;
  const stayY = Math.floor(pitchY) >= 1 && L.panelHeight * dpr >= 1;
  const slack = L.gap * dpr < 1 ? 1 : 0;
  const canvas = { x: 0, y: 0, width: D.width, height: D.height };
  for (const q of D.panels) {
    const at = () => `dpr ${dpr}: device panel ${JSON.stringify(q)}`;
    r.check(q.w === D.panelWidth && q.h === D.panelHeight, () => `${at()} has its own size`);
    r.check(Number.isInteger(q.x) && Number.isInteger(q.y), () => `${at()} is not at whole px`);
    r.check(inside(q, canvas), () => `${at()} is not inside the canvas`);
    // rounding goes into the gaps: a panel starts at its CSS place, rounded, and is as
    // big as the CSS panel, rounded down at worst (one less when gaps are < 1 device px)
    const p = L.panels[q.index];
    const x = (left + p.gridCol * (L.panelWidth + L.gap)) * dpr;
    const y = (top + lead + p.gridRow * (lead + L.panelHeight + L.gap)) * dpr;
    r.check(x === (p.x - L.area.x) * dpr && y === (p.y - L.area.y) * dpr, () => `${at()}: bad CSS place`);
    if (stayX) r.check(Math.abs(q.x - x) <= 0.5, () => `${at()} moved across from ${x}`);
    if (stayY) r.check(Math.abs(q.y - y) <= 0.5, () => `${at()} moved down from ${y}`);
    r.check(q.w <= Math.max(1, Math.round(p.w * dpr)), () => `${at()} too wide`);
    r.check(q.w >= Math.floor(p.w * dpr) - slack, () => `${at()} too narrow`);
    r.check(q.h <= Math.max(1, Math.round(p.h * dpr)), () => `${at()} too high`);
    r.check(q.h >= Math.floor(p.h * dpr) - slack, () => `${at()} too low`);
    const right = p.gridCol + 1 < L.nc ? D.panels[q.index + 1] : undefined;
    if (right) r.check(right.x - (q.x + q.w) >= sepX, () => `${at()} touches the next`);
    const below = D.panels[q.index + L.nc];
    if (below) r.check(below.y - (q.y + q.h) >= sepY, () => `${at()} touches the one below`);
  }
  r.done();
  return D;
}

/**
 * What lies under (x, y) by scanning every box (independent of panelAt's arithmetic).
 * @param {PanelLayout} L
 * @param {number} x from the area's corner
 * @param {number} y
 */
function scan(L, x, y) {
  const X = x + L.area.x;
  const Y = y + L.area.y;
  for (const { box, kind, index } of boxes(L)) {
    if (X >= box.x && X < box.x + box.w && Y >= box.y && Y < box.y + box.h) return { kind, index };
  }
  return null;
}

/**
 * The panel centres map back to their panel at u = v = 0.5.
 * @param {PanelLayout} L
 */
function checkCentres(L) {
  const r = rules();
  for (const p of L.panels) {
    const hit = panelAt(L, p.x + p.w / 2 - L.area.x, p.y + p.h / 2 - L.area.y);
    const ok = hit?.kind === "panel" && hit.index === p.index && hit.u === 0.5 && hit.v === 0.5;
    r.check(ok, () => `centre of panel ${p.index} gives ${JSON.stringify(hit)}`);
  }
  r.done();
}

describe("panelLayout", () => {
  it("places one panel exactly on the area (the single heatmap)", () => {
    for (const area of [
      { x: 37, y: 52, width: 613, height: 480 },
      { x: 10.5, y: 3.25, width: 300.75, height: 160.5 },
    ]) {
      for (const grid of [null, /** @type {[number, number]} */ ([1, 1])]) {
        const L = panelLayout(area, spec({ count: 1, grid, gap: 6 }));
        expect(L.tooSmall).toBe(false);
        expect([L.nr, L.nc]).toEqual([1, 1]);
        expect(L.panels).toEqual([
          {
            index: 0,
            gridRow: 0,
            gridCol: 0,
            x: area.x,
            y: area.y,
            w: area.width,
            h: area.height,
            title: null,
          },
        ]);
        expect(L.gridLabels).toEqual({ rows: [], cols: [] });
        for (const dpr of DPRS) {
          // the same device size as today's plot canvas: round(plot * dpr)
          const D = devicePanels(L, dpr);
          const w = Math.max(1, Math.round(area.width * dpr));
          const h = Math.max(1, Math.round(area.height * dpr));
          expect(D).toEqual({
            width: w,
            height: h,
            panelWidth: w,
            panelHeight: h,
            tooSmall: false,
            panels: [{ index: 0, x: 0, y: 0, w, h }],
          });
        }
      }
    }
  });

  it("puts 3 panels in one row of a wide area and one column of a tall one", () => {
    const wide = panelLayout({ x: 0, y: 0, width: 900, height: 300 }, spec({ count: 3, gap: 6 }));
    expect([wide.nr, wide.nc]).toEqual([1, 3]);
    expect(wide.panels.map((p) => p.x)).toEqual([0, 302, 604]);
    expect([wide.panelWidth, wide.panelHeight]).toEqual([296, 300]);
    const tall = panelLayout({ x: 0, y: 0, width: 300, height: 900 }, spec({ count: 3, gap: 6 }));
    expect([tall.nr, tall.nc]).toEqual([3, 1]);
    expect(tall.panels.map((p) => p.y)).toEqual([0, 302, 604]);
    checkLayout(wide, { x: 0, y: 0, width: 900, height: 300 }, 3);
    checkLayout(tall, { x: 0, y: 0, width: 300, height: 900 }, 3);
  });

  it("chooses the wrap by the matrix shape (cells as square as possible)", () => {
    const area = { x: 0, y: 0, width: 900, height: 900 };
    // tall matrices side by side, wide ones stacked
    expect(panelLayout(area, spec({ count: 3, rows: 100, cols: 10 })).nc).toBe(3);
    expect(panelLayout(area, spec({ count: 3, rows: 10, cols: 100 })).nc).toBe(1);
  });

  it("wraps 12 panels, preferring fewer rows on a tie", () => {
    const area = { x: 5, y: 7, width: 800, height: 800 };
    const L = panelLayout(area, spec({ count: 12 }));
    // 4 x 3 and 3 x 4 both give 200 px cells-square panels: fewer rows wins
    expect([L.nr, L.nc]).toEqual([3, 4]);
    checkLayout(L, area, 12);
    const T = panelLayout(area, spec({ count: 12, titleHeight: 20, gap: 4 }));
    expect([T.nr, T.nc]).toEqual([3, 4]);
    expect(T.panels[4].title).toEqual({ x: 5, y: 7 + 20 + T.panelHeight + 4, w: T.panelWidth, h: 20 });
    checkLayout(T, area, 12);
    const wide = panelLayout({ x: 0, y: 0, width: 1600, height: 400 }, spec({ count: 12, gap: 4 }));
    expect([wide.nr, wide.nc]).toEqual([2, 6]);
  });

  it("leaves a partial last row left-aligned", () => {
    const area = { x: 0, y: 0, width: 800, height: 800 };
    const L = panelLayout(area, spec({ count: 7, gap: 4, titleHeight: 14 }));
    expect([L.nr, L.nc]).toEqual([3, 3]);
    expect(L.panels[6]).toMatchObject({ gridRow: 2, gridCol: 0, x: 0 });
    checkLayout(L, area, 7);
    // the empty slots of the last row are nothing
    const slot = L.panels[4];
    expect(panelAt(L, slot.x + slot.w / 2, slot.y + slot.h / 2 + 2 * (L.panelHeight + 14 + 4))).toBeNull();
  });

  it("separates neighbours by exactly the gap", () => {
    const area = { x: 0, y: 0, width: 1000, height: 700 };
    for (const gap of [0, 1, 3, 8]) {
      const L = panelLayout(area, spec({ count: 10, gap, titleHeight: 12 }));
      expect(L.gap).toBe(gap);
      checkLayout(L, area, 10);
      const [a, b] = L.panels;
      expect(b.x - (a.x + a.w)).toBe(gap);
    }
  });

  for (const [gr, gc] of [
    [12, 12],
    [32, 32],
    [3, 7],
  ]) {
    it(`places a fixed ${gr} x ${gc} grid with its labels once per row and column`, () => {
      const area = { x: 20, y: 30, width: 800, height: 800 };
      const L = panelLayout(
        area,
        spec({ count: gr * gc, grid: [gr, gc], gap: 2, labelWidth: 40, titleHeight: 16 }),
      );
      expect([L.nr, L.nc]).toEqual([gr, gc]);
      checkLayout(L, area, gr * gc);
      expect(L.panels.every((p) => p.title === null)).toBe(true);
      expect(L.gridLabels.rows).toHaveLength(gr);
      expect(L.gridLabels.cols).toHaveLength(gc);
      for (const r of L.gridLabels.rows) {
        const first = L.panels[r.index * gc];
        expect(r).toEqual({ index: r.index, x: 20, y: first.y, w: 40, h: first.h });
      }
      for (const c of L.gridLabels.cols) {
        const first = L.panels[c.index];
        expect(c).toEqual({ index: c.index, x: first.x, y: 30, w: first.w, h: 16 });
      }
      expect(L.panels[0]).toMatchObject({ x: 60, y: 46 });
      if (gr === 32) expect([L.panelWidth, L.panelHeight]).toEqual([21, 22]);
      for (const dpr of [1, 1.5, 2, 3]) checkDevice(L, dpr);
      checkCentres(L);
      expect(panelIndex([gr, gc], gc + 1)).toEqual([1, 1]);
    });
  }

  it("uses no bands for a grid without labels", () => {
    const area = { x: 0, y: 0, width: 400, height: 400 };
    const L = panelLayout(area, spec({ grid: [2, 2], count: 4, gap: 4 }));
    expect(L.gridLabels).toEqual({ rows: [], cols: [] });
    expect(L.panels[0]).toMatchObject({ x: 0, y: 0, w: 198, h: 198 });
    expect(L.panels[3]).toMatchObject({ x: 202, y: 202 });
  });

  it("drops the gap, then reports tooSmall, rather than overlap", () => {
    const grid = /** @type {[number, number]} */ ([32, 32]);
    const tight = panelLayout({ x: 0, y: 0, width: 70, height: 70 }, spec({ grid, count: 1024, gap: 2 }));
    expect(tight.tooSmall).toBe(false);
    expect(tight.gap).toBe(0);
    expect([tight.panelWidth, tight.panelHeight]).toEqual([2, 2]);
    checkLayout(tight, { x: 0, y: 0, width: 70, height: 70 }, 1024);
    const exact = panelLayout({ x: 0, y: 0, width: 32, height: 32 }, spec({ grid, count: 1024, gap: 2 }));
    expect([exact.tooSmall, exact.panelWidth, exact.gap]).toEqual([false, 1, 0]);
    for (const [area, s] of /** @type {[Area, PanelSpec][]} */ ([
      [{ x: 0, y: 0, width: 20, height: 20 }, spec({ grid, count: 1024, gap: 2 })],
      [{ x: 0, y: 0, width: 31, height: 500 }, spec({ grid, count: 1024 })],
      [{ x: 0, y: 0, width: 100, height: 10 }, spec({ count: 3, titleHeight: 12 })],
      [{ x: 0, y: 0, width: 0, height: 0 }, spec({ count: 1 })],
      [{ x: 0, y: 0, width: 500, height: 500 }, spec({ grid: [2, 2], count: 4, labelWidth: 500 })],
    ])) {
      const L = panelLayout(area, s);
      expect(L.tooSmall).toBe(true);
      expect(L.panels).toEqual([]);
      expect(L.gridLabels).toEqual({ rows: [], cols: [] });
      expect(panelAt(L, 0, 0)).toBeNull();
      expect(devicePanels(L, 2)).toMatchObject({ tooSmall: true, panels: [] });
    }
  });

  it("refuses a spec that names no panels", () => {
    const area = { x: 0, y: 0, width: 100, height: 100 };
    expect(() => panelLayout(area, spec({ count: 0 }))).toThrow(RangeError);
    expect(() => panelLayout(area, spec({ count: 2.5 }))).toThrow(RangeError);
    expect(() => panelLayout(area, spec({ grid: /** @type {any} */ ([0, 3]) }))).toThrow(RangeError);
  });

  it("rounds title, label and gap sizes to whole px", () => {
    const area = { x: 0, y: 0, width: 600, height: 400 };
    const L = panelLayout(area, spec({ count: 4, titleHeight: 15.4, gap: 3.6 }));
    expect([L.titleHeight, L.gap]).toEqual([16, 4]);
    checkLayout(L, area, 4);
  });
});

describe("devicePanels", () => {
  it("gives every panel one device size and puts the rounding into the gaps", () => {
    const area = { x: 0, y: 0, width: 803, height: 611 };
    for (const count of [2, 5, 12, 40]) {
      const L = panelLayout(area, spec({ count, gap: 3, titleHeight: 13 }));
      for (const dpr of DPRS) {
        const D = checkDevice(L, dpr);
        expect(D.tooSmall).toBe(false);
        expect(Math.abs(D.panelWidth - L.panelWidth * dpr)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(D.panelHeight - L.panelHeight * dpr)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it("keeps panels apart on a screen below one device px per CSS px", () => {
    const area = { x: 0, y: 0, width: 64, height: 64 };
    const L = panelLayout(area, spec({ grid: [16, 16], count: 256, gap: 1 }));
    expect([L.panelWidth, L.gap]).toEqual([3, 1]);
    // 32 device px: 16 panels of 1.5 px with 0.5 px gaps become 1 px panels 1 px apart
    const D = checkDevice(L, 0.5);
    expect(D.tooSmall).toBe(false);
    expect(D.panelWidth).toBe(1);
    const T = devicePanels(panelLayout(area, spec({ grid: [16, 16], count: 256 })), 0.2);
    expect(T.tooSmall).toBe(true);
  });
});

describe("panelAt", () => {
  const area = { x: 11, y: 13, width: 640, height: 480 };

  it("finds panels, titles and gaps in a wrapped row", () => {
    const L = panelLayout(area, spec({ count: 5, gap: 6, titleHeight: 18 }));
    checkCentres(L);
    const p = L.panels[4];
    const x = p.x - area.x;
    const y = p.y - area.y;
    expect(panelAt(L, x, y)).toEqual({ kind: "panel", index: 4, u: 0, v: 0 });
    expect(panelAt(L, x + p.w - 0.5, y + p.h - 0.5)).toMatchObject({ kind: "panel", index: 4 });
    expect(panelAt(L, x + p.w, y)).toBeNull(); // the gap to its right
    expect(panelAt(L, x, y + p.h)).toBeNull(); // the gap below
    expect(panelAt(L, x + 1, y - 1)).toEqual({ kind: "title", index: 4 });
    expect(panelAt(L, x + 1, y - 18)).toEqual({ kind: "title", index: 4 });
    expect(panelAt(L, x + 1, y - 19)).toBeNull();
    expect(panelAt(L, -1, 10)).toBeNull();
    expect(panelAt(L, 10, area.height)).toBeNull();
    expect(panelAt(L, NaN, 10)).toBeNull();
    const hit = /** @type {{ u: number, v: number }} */ (panelAt(L, x + p.w / 4, y + (3 * p.h) / 4));
    expect([hit.u, hit.v]).toEqual([0.25, 0.75]);
  });

  it("finds the labels of a fixed grid", () => {
    const L = panelLayout(area, spec({ grid: [4, 6], count: 24, gap: 4, labelWidth: 50, titleHeight: 20 }));
    const p = L.panels[2 * 6 + 3];
    const cy = p.y + p.h / 2 - area.y;
    const cx = p.x + p.w / 2 - area.x;
    expect(panelAt(L, 10, cy)).toEqual({ kind: "gridRow", index: 2 });
    expect(panelAt(L, cx, 5)).toEqual({ kind: "gridCol", index: 3 });
    expect(panelAt(L, 10, 5)).toBeNull(); // the corner
    expect(panelAt(L, 10, p.y + p.h - area.y + 1)).toBeNull(); // beside a gap
    expect(panelAt(L, cx, cy)).toEqual({ kind: "panel", index: 15, u: 0.5, v: 0.5 });
  });
});

describe("keys", () => {
  it("converts between flat indices and keys", () => {
    expect(panelIndex(5, 3)).toBe(3);
    expect(panelOf(5, 3)).toBe(3);
    expect(panelIndex([3, 4], 7)).toEqual([1, 3]);
    expect(panelOf([3, 4], [1, 3])).toBe(7);
    for (let p = 0; p < 12; p++) {
      expect(panelOf([3, 4], panelIndex([3, 4], p))).toBe(p);
      expect(panelOf(12, panelIndex(12, p))).toBe(p);
    }
  });

  it("refuses keys that name no panel", () => {
    for (const p of [-1, 5, 1.5, NaN, Infinity]) expect(panelIndex(5, p)).toBeNull();
    for (const p of [-1, 12, 0.5]) expect(panelIndex([3, 4], p)).toBeNull();
    expect(panelIndex(/** @type {any} */ ([0, 4]), 0)).toBeNull();
    for (const k of [-1, 5, 1.5, "1", true, null, [1], NaN]) expect(panelOf(5, k)).toBeNull();
    for (const k of [[3, 0], [0, 4], [-1, 0], [0.5, 1], [1], [1, 2, 3], 1, "0,1", null, ["1", "2"]]) {
      expect(panelOf([3, 4], k)).toBeNull();
    }
  });
});

describe("properties over random areas and counts", () => {
  it("never overlaps, stays inside, hits what it places", () => {
    const rand = rng(20261128);
    /** @param {number} lo @param {number} hi */
    const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
    let placed = 0;
    let small = 0;
    for (let t = 0; t < 400; t++) {
      const area = { x: int(0, 300), y: int(0, 300), width: int(1, 1500), height: int(1, 1200) };
      const fixed = rand() < 0.4;
      /** @type {[number, number] | null} */
      const grid = fixed ? [int(1, 32), int(1, 32)] : null;
      const count = grid ? grid[0] * grid[1] : rand() < 0.2 ? 1 : int(1, 150);
      const s = spec({
        count,
        grid,
        rows: int(1, 1000),
        cols: int(1, 1000),
        gap: int(0, 8),
        titleHeight: rand() < 0.3 ? 0 : int(0, 24) + (rand() < 0.3 ? 0.5 : 0),
        labelWidth: int(0, 60),
      });
      const L = panelLayout(area, s);
      const r = rules();
      /**
       * Panel sizes of a wrapped row with nc columns, by the rules' formula.
       * @param {number} nc
       * @param {number} gap
       */
      const wrapped = (nc, gap) => {
        const nr = Math.ceil(count / nc);
        const w = nc === 1 ? area.width : Math.floor((area.width - (nc - 1) * gap) / nc);
        const free = area.height - nr * L.titleHeight;
        const h = nr === 1 ? free : Math.floor((free - (nr - 1) * gap) / nr);
        return { w, h, fits: w >= 1 && h >= 1 };
      };
      if (L.tooSmall) {
        small++;
        expect(L.panels).toEqual([]);
        // even with no gap, no arrangement has room for panels of 1 px
        if (grid) {
          const fits = area.width - L.labelWidth >= grid[1] && area.height - L.titleHeight >= grid[0];
          r.check(!fits, () => `case ${t}: a ${grid} grid fits`);
        } else {
          for (let nc = 1; nc <= count; nc++)
            r.check(!wrapped(nc, 0).fits, () => `case ${t}: ${nc} columns fit`);
        }
        r.done();
        continue;
      }
      placed++;
      checkLayout(L, area, count);
      checkCentres(L);
      if (!grid) {
        // the gap is dropped only when needed, and no other number of columns gives a
        // larger panel with square cells
        if (L.gap !== s.gap) {
          for (let nc = 1; nc <= count; nc++)
            r.check(!wrapped(nc, s.gap ?? 0).fits, () => `case ${t}: gap dropped`);
        }
        const cell = Math.min(L.panelWidth / s.cols, L.panelHeight / s.rows);
        for (let nc = 1; nc <= count; nc++) {
          const { w, h, fits } = wrapped(nc, L.gap);
          r.check(
            !fits || Math.min(w / s.cols, h / s.rows) <= cell,
            () => `case ${t}: ${nc} columns do better`,
          );
        }
      }
      for (const dpr of DPRS) checkDevice(L, dpr);
      // random points, and points on and next to the edges of boxes (where hit tests slip)
      const points = [];
      for (let k = 0; k < 60; k++)
        points.push([rand() * (area.width + 20) - 10, rand() * (area.height + 20) - 10]);
      for (let k = 0; k < 60; k++) {
        const b = boxes(L)[int(0, boxes(L).length - 1)].box;
        const x = b.x - area.x + [0, b.w, -1e-9, b.w - 1e-9][int(0, 3)];
        const y = b.y - area.y + [0, b.h, -1e-9, b.h - 1e-9][int(0, 3)];
        points.push([x, y]);
      }
      for (const [x, y] of points) {
        const hit = panelAt(L, x, y);
        const want = scan(L, x, y);
        const got = hit && { kind: hit.kind, index: hit.index };
        r.check(
          JSON.stringify(got) === JSON.stringify(want),
          () => `case ${t} (${x}, ${y}): ${got} != ${want}`,
        );
        if (hit?.kind === "panel") {
          // u and v say where in the panel the point is
          const p = L.panels[hit.index];
          const { u, v } = hit;
          r.check(u >= 0 && u < 1 && v >= 0 && v < 1, () => `case ${t}: u, v = ${u}, ${v}`);
          r.check(Math.abs(u * p.w + p.x - area.x - x) < 1e-6, () => `case ${t}: u = ${u} at x = ${x}`);
          r.check(Math.abs(v * p.h + p.y - area.y - y) < 1e-6, () => `case ${t}: v = ${v} at y = ${y}`);
        }
      }
      r.done();
    }
    // the loop exercised both outcomes
    expect(placed).toBeGreaterThan(200);
    expect(small).toBeGreaterThan(5);
  });
});
