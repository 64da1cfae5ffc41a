import { describe, expect, it } from "vitest";
import { axisLabelItems, labelPlace, newPlace } from "../render/axes.js";
import { textColorTable } from "../render/color.js";
import { colorbarTicks, extendMarkers, tickItems, titleItem } from "../render/colorbar.js";
import {
  buildScene,
  captureFailure,
  captureReply,
  captureScale,
  cellRects,
  defaultScale,
  escapeXml,
  exportFileName,
  fitScale,
  MAX_CAPTURE_BYTES,
  MAX_PNG_PIXELS,
  MAX_PNG_SIDE,
  num,
  panelFont,
  panelTitleItems,
  placeText,
  pngSize,
  pngTooLarge,
  sceneToSvg,
  SVG_MAX_RECTS,
  tokenTexts,
} from "../export/export.js";
import { computeLayout } from "../render/layout.js";
import { panelLayout } from "../render/panels.js";

/** @typedef {import("../export/export.js").ExportView} ExportView */
/** @typedef {import("../export/export.js").Measurer} Measurer */

/** Every character 7 px wide; ascent 10, descent 3; baseline 4 px below the em middle. */
/** @type {Measurer} */
const measurer = {
  width: (_font, text) => 7 * Array.from(text).length,
  metrics: () => ({ ascent: 10, descent: 3, middle: 4 }),
};

/** A LUT whose entry i is (i, 0, 255 - i): blue (white text) to red (black text). */
function rampLut() {
  const lut = new Uint8Array(1024);
  for (let i = 0; i < 256; i++) lut.set([i, 0, 255 - i, 255], 4 * i);
  return lut;
}

/**
 * A small view: rows x cols values from -1 to 1, NaN at (1, 1), labels "row i" / "col j".
 * @param {Partial<ExportView> & { rows?: number, cols?: number, view?: any }} [opts]
 * @returns {ExportView}
 */
function makeView(opts = {}) {
  const rows = opts.rows ?? 4;
  const cols = opts.cols ?? 3;
  const values = new Float32Array(rows * cols).map((_, i) => -1 + (2 * i) / (rows * cols - 1));
  if (rows > 1 && cols > 1) values[cols + 1] = NaN;
  const view = opts.view ?? { row0: 0, row1: rows, col0: 0, col1: cols };
  const lut = rampLut();
  const whiteText = new Uint8Array(256);
  textColorTable(lut, whiteText);
  const rowText = (/** @type {number} */ i) => `row ${i}`;
  const colText = (/** @type {number} */ j) => `col ${j}`;
  const layout = computeLayout({
    width: 600,
    height: null,
    windowHeight: 800,
    rows,
    cols,
    view,
    lineHeight: 17,
    titleHeight: 20,
    titleWidth: 100,
    hasColorbarTitle: true,
    tickWidth: 30,
    rowLabelWidth: (i) => measurer.width("", rowText(i)),
    colLabelWidth: (j) => measurer.width("", colText(j)),
  });
  const scale = {
    lut,
    vmin: -1,
    vmax: 1,
    center: null,
    nan: /** @type {[number, number, number]} */ ([9, 8, 7]),
  };
  return {
    layout,
    view,
    data: { rows, cols, values, exact: null },
    scale,
    whiteText,
    tokens: [],
    fonts: {
      label: "13px sans-serif",
      title: "600 14.95px sans-serif",
      family: "sans-serif",
      size: 13,
      lineHeight: 17,
      titleSize: 14.95,
      titleLineHeight: 19.435,
    },
    colors: { background: "#ffffff", text: "#1f1f1f", muted: "#5f5f5f", border: "#c8c8c8" },
    title: "Title",
    colorbarTitle: "Attribution",
    tickSet: colorbarTicks(-1, 1, layout.bar.height),
    dataRange: [-1, 1],
    rowText,
    colText,
    ...opts,
  };
}

describe("file names", () => {
  it("are the title made safe, with the extension", () => {
    expect(exportFileName("Token Attribution", "png")).toBe("Token-Attribution.png");
    expect(exportFileName("Export: <check> & done", "svg")).toBe("Export-check-done.svg");
    expect(exportFileName("Token Attribution (range ±0.1)", "png")).toBe("Token-Attribution-range-0.1.png");
    expect(exportFileName("9 - 3 = 6", ".svg")).toBe("9-3-6.svg");
    expect(exportFileName("  a_b.c  ", "png")).toBe("a_b.c.png");
    expect(exportFileName("Wörter über 東京", "png")).toBe("Wörter-über-東京.png");
  });
  it("fall back to heatmap", () => {
    for (const t of ["", "   ", "///", "...", null, undefined])
      expect(exportFileName(t, "png")).toBe("heatmap.png");
  });
  it("are trimmed and at most 80 characters before the extension", () => {
    expect(exportFileName("../../etc/passwd", "svg")).toBe("etc-passwd.svg");
    expect(exportFileName(".hidden", "png")).toBe("hidden.png");
    const long = exportFileName("x".repeat(79) + " yyyy", "png");
    expect(long).toBe("x".repeat(79) + ".png"); // the cut leaves "x…x-": trimmed again
    const emoji = exportFileName("é".repeat(100), "png");
    expect(Array.from(emoji.replace(/\.png$/, "")).length).toBe(80);
  });
});

describe("XML escaping", () => {
  it("escapes markup characters", () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe("a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
    expect(escapeXml("</text><script>alert(1)</script>")).not.toContain("<");
  });
  it("drops characters XML 1.0 cannot hold and keeps the rest", () => {
    const bad = "\u0000\u0001\u0008\u000b\u000c\u001f\ufffe\uffff\ud800";
    expect(escapeXml(`a${bad}b`)).toBe("ab");
    expect(escapeXml("tab\there\nnew\rline")).toBe("tab\there\nnew\rline");
    expect(escapeXml("emoji 😀 and é")).toBe("emoji 😀 and é");
    expect(escapeXml(42)).toBe("42");
  });
  it("writes numbers without exponents or -0", () => {
    expect(num(1 / 3)).toBe("0.333");
    expect(num(-0.0001)).toBe("0");
    expect(num(1e-9)).toBe("0");
    expect(num(12)).toBe("12");
  });
});

describe("capture", () => {
  it("uses the requested scale from 0.25 to 8, else the screen's (at least 2)", () => {
    expect(captureScale(1, 1)).toBe(1);
    expect(captureScale(0.25, 1)).toBe(0.25);
    expect(captureScale(8, 1)).toBe(8);
    for (const bad of [0.2, 9, NaN, Infinity, null, undefined, "2", true])
      expect(captureScale(bad, 1)).toBe(2);
    expect(captureScale(null, 3)).toBe(3);
    expect(defaultScale(1.25)).toBe(2);
    expect(defaultScale(NaN)).toBe(2);
  });

  /**
   * A buffer that starts like a PNG of w x h px.
   * @param {number} w
   * @param {number} h
   * @param {number} [length]
   */
  function fakePng(w, h, length = 64) {
    const buf = new ArrayBuffer(length);
    const dv = new DataView(buf);
    [0x89504e47, 0x0d0a1a0a, 13, 0x49484452, w, h].forEach((v, i) => dv.setUint32(4 * i, v));
    return buf;
  }

  it("reads the size from the PNG header", () => {
    expect(pngSize(fakePng(1234, 567))).toEqual({ width: 1234, height: 567 });
    expect(pngSize(new ArrayBuffer(10))).toBeNull();
    expect(pngSize(new ArrayBuffer(64))).toBeNull();
  });

  it("replies with the PNG as the one buffer", () => {
    const png = fakePng(1280, 900);
    const reply = captureReply("abc", png, 2);
    expect(reply.content).toEqual({ type: "capture", id: "abc", width: 1280, height: 900 });
    expect(reply.buffers).toEqual([png]);
  });

  it("replies with an error and no buffer when the PNG is too large to send", () => {
    const reply = captureReply("abc", fakePng(8000, 6000, MAX_CAPTURE_BYTES + 1), 8);
    expect(reply.buffers).toEqual([]);
    expect(reply.content.type).toBe("capture");
    expect(reply.content.id).toBe("abc");
    expect(reply.content).not.toHaveProperty("width");
    expect(reply.content.error).toMatch(/8000 x 6000 px/);
    expect(reply.content.error).toMatch(/9\.0 MiB/);
    expect(reply.content.error).toMatch(/smaller scale/);
    expect(reply.content.error).toMatch(/w\.save/);
    // exactly at the limit is fine
    expect(captureReply("a", fakePng(1, 1, MAX_CAPTURE_BYTES), 2).buffers).toHaveLength(1);
  });

  it("replies with an error when drawing fails", () => {
    const reply = captureFailure("x", new Error("canvas too large"));
    expect(reply).toEqual({
      content: { type: "capture", id: "x", error: expect.stringMatching(/canvas too large.*w\.save/) },
      buffers: [],
    });
    expect(captureReply("y", new ArrayBuffer(30), 2).content.error).toMatch(/no PNG/);
  });
});

describe("text places", () => {
  const base = { ...newPlace(), x: 100, y: 50, lineHeight: 20, text: "abc" };
  it("anchors fitting text at its aligned side, baseline from the font's box", () => {
    const right = placeText({ ...base, align: "right", cap: 100 }, "label", "13px x", measurer);
    expect(right).toMatchObject({ text: "abc", x: 100, y: 50, dx: 0, dy: 3.5, anchor: "end", rotation: 0 });
    const top = placeText(
      { ...base, align: "center", baseline: "top", cap: 100 },
      "label",
      "13px x",
      measurer,
    );
    expect(top).toMatchObject({ anchor: "middle", dy: 13.5 });
    expect(placeText({ ...base, cap: Infinity }, "tick", "x", measurer)).toMatchObject({ anchor: "start" });
  });
  it("elides text wider than its cap and starts it at the box's left edge", () => {
    const long = { ...base, text: "abcdefghij", cap: 40 };
    const right = placeText({ ...long, align: "right" }, "label", "x", measurer);
    expect(right?.text).toBe("abcd\u2026"); // 5 x 7 px; one more would be 42
    expect(measurer.width("", /** @type {string} */ (right?.text))).toBeLessThanOrEqual(40);
    expect(right).toMatchObject({ anchor: "start", dx: -40 });
    expect(placeText({ ...long, align: "center" }, "label", "x", measurer)).toMatchObject({ dx: -20 });
    expect(placeText({ ...long, cap: 5 }, "label", "x", measurer)).toBeNull();
  });
});

describe("scene", () => {
  it("places the labels the DOM shows, where it shows them", () => {
    const v = makeView();
    const items = axisLabelItems(v.layout, v.view, v.rowText, v.colText, 17);
    expect(items.map((i) => i.text)).toEqual([
      ...v.layout.rows.indices.map(v.rowText),
      ...v.layout.cols.indices.map(v.colText),
    ]);
    const { plot } = v.layout;
    const row2 = labelPlace(v.layout, v.view, "row", 2, 17, newPlace());
    expect(row2).toMatchObject({ x: plot.left - 6, y: plot.top + 2.5 * (plot.height / 4), align: "right" });
    const col1 = labelPlace(v.layout, v.view, "col", 1, 17, newPlace());
    expect(col1).toMatchObject({
      x: plot.left + 1.5 * (plot.width / 3),
      y: v.layout.colTop,
      baseline: "top",
    });
  });

  it("holds title, labels, ticks and the colour bar title", () => {
    const v = makeView();
    const scene = buildScene(v, measurer);
    const texts = scene.texts.map((t) => t.text);
    expect(texts[0]).toBe("Title");
    expect(scene.texts[0]).toMatchObject({ font: "title", anchor: "middle" });
    for (const s of ["row 0", "row 3", "col 0", "col 2", "Attribution", ...v.tickSet.labels])
      expect(texts).toContain(s);
    const barTitle = /** @type {any} */ (scene.texts.find((t) => t.text === "Attribution"));
    expect(barTitle.rotation).toBe(90);
    expect(barTitle.y).toBeCloseTo(v.layout.bar.top + v.layout.bar.height / 2);
    expect(scene.tickMarks).toHaveLength(v.tickSet.values.length);
    const ticks = tickItems(v.layout, v.scale, v.tickSet, 17);
    expect(scene.tickMarks[0]).toEqual({ left: v.layout.tickLeft - 7, top: ticks[0].y, width: 4, height: 1 });
    expect(scene.extend).toEqual([]);
    expect(
      buildScene({ ...v, title: "", colorbarTitle: "" }, measurer).texts.map((t) => t.text),
    ).not.toContain("Title");
  });

  it("shows an extend marker only beyond the range, in the end's colour", () => {
    const v = makeView({ dataRange: [-3, 0.5] });
    const scene = buildScene(v, measurer);
    expect(scene.extend.map((e) => e.side)).toEqual(["low"]);
    expect(scene.extend[0].color).toEqual([0, 0, 255]);
    const [, high] = extendMarkers(v.layout.bar, v.scale, [0, 2]);
    expect(high.shown).toBe(true);
    expect(high.color).toEqual([255, 0, 0]);
    expect(high.points[0]).toEqual([v.layout.bar.left + v.layout.bar.width / 2, v.layout.bar.top - 12]);
  });

  it("puts the colour bar title beside the bar, as tall as it", () => {
    const v = makeView();
    const t = titleItem(v.layout, "x", 17);
    expect(t).toMatchObject({ x: v.layout.barTitleLeft + 8.5, cap: v.layout.bar.height, rotation: 90 });
  });
});

describe("cells", () => {
  it("are one rectangle per visible cell in its exact colour (NaN in nan_color)", () => {
    const v = makeView();
    const rects = /** @type {any[]} */ (cellRects(v));
    expect(rects).toHaveLength(12);
    expect(rects[0].fill).toBe("#0000ff"); // -1 -> entry 0
    expect(rects[11].fill).toBe("#ff0000"); // +1 -> entry 255
    expect(rects[4].fill).toBe("#090807"); // NaN
    const { plot } = v.layout;
    expect(rects[5]).toMatchObject({ x: plot.left + (2 * plot.width) / 3, y: plot.top + plot.height / 4 });
  });
  it("cover partly visible cells of a zoomed view, and give up above the limit", () => {
    const v = makeView({ rows: 10, cols: 10, view: { row0: 2.5, row1: 5, col0: 0.5, col1: 3.25 } });
    const rects = /** @type {any[]} */ (cellRects(v));
    expect(rects).toHaveLength(3 * 4);
    expect(rects[0].x).toBeLessThan(v.layout.plot.left);
    expect(cellRects(v, 11)).toBeNull();
    expect(SVG_MAX_RECTS).toBe(20000);
  });
});

describe("tokens", () => {
  it("are the overlay's: fitted to the cell, black or white by the cell's colour", () => {
    const tokens = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? "a very long token" : i === 2 ? "" : `t${i}`,
    );
    const v = makeView({ tokens });
    const out = /** @type {NonNullable<ReturnType<typeof tokenTexts>>} */ (tokenTexts(v, measurer));
    expect(out.px).toBe(14);
    const byText = new Map(out.items.map((t) => [t.text.replace("\u2026", ""), t]));
    expect(byText.has("t2")).toBe(false); // empty token
    expect(byText.has("t4")).toBe(false); // NaN cell
    expect(out.items).toHaveLength(10);
    const { plot } = v.layout;
    expect(byText.get("t1")).toMatchObject({
      x: plot.left + 1.5 * (plot.width / 3),
      y: plot.top + plot.height / 8 + 4,
    });
    // blue (0, 0, 255) wants white text, red (255, 0, 0) black
    expect(out.items[0].white).toBe(true);
    expect(/** @type {any} */ (byText.get("t11")).white).toBe(false);
    expect(tokenTexts(makeView({ tokens: ["x"] }), measurer)).toBeNull(); // wrong length
  });
});

describe("SVG", () => {
  const svgOf = (/** @type {ExportView} */ v) => {
    const rects = cellRects(v);
    return sceneToSvg(buildScene(v, measurer), {
      cells: rects ? { rects } : { href: "data:image/png;base64,AAAA" },
      bar: "data:image/png;base64,BBBB",
      tokens: tokenTexts(v, measurer),
    });
  };

  it("is a standalone document with the layout's size", () => {
    const v = makeView();
    const svg = svgOf(v);
    expect(
      svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'),
    ).toBe(true);
    expect(svg).toContain(`width="${v.layout.width}" height="${v.layout.height}"`);
    expect(svg).toContain(`viewBox="0 0 ${v.layout.width} ${v.layout.height}"`);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain('xlink:href="data:image/png;base64,BBBB"');
    // every element that opens is closed
    const opened = (svg.match(/<(g|text|svg|defs|clipPath)[\s>]/g) ?? []).length;
    const closed = (svg.match(/<\/(g|text|svg|defs|clipPath)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });

  it("draws cells as rects up to the limit, else as one image", () => {
    const v = makeView();
    expect((svgOf(v).match(/<rect [^>]*fill="#[0-9a-f]{6}"/g) ?? []).length).toBe(1 + 12);
    const big = makeView({ rows: 200, cols: 101 });
    const svg = svgOf(big);
    expect(svg).toContain('xlink:href="data:image/png;base64,AAAA"');
    expect((svg.match(/<rect /g) ?? []).length).toBeLessThan(10);
  });

  it("keeps text as escaped text, rotated like the screen", () => {
    const v = makeView({
      title: 'A <b>"bold"</b> & \u0007 title',
      rowText: (i) => (i === 0 ? "</text><script>x</script>" : `r${i}`),
    });
    const svg = svgOf(v);
    expect(svg).toContain(">A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp;  title</text>");
    expect(svg).toContain('font-weight="600"');
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("\u0007");
    expect(svg).toMatch(/transform="rotate\(-90 [\d.]+ [\d.]+\)">Attribution<\/text>/);
    expect(svg).toContain('font-family="sans-serif"');
  });

  it("writes token text in black or white at the cell centres", () => {
    const v = makeView({ tokens: Array.from({ length: 12 }, (_, i) => `t${i}`) });
    const svg = svgOf(v);
    expect(svg).toMatch(/<text x="[\d.]+" y="[\d.]+" fill="#ffffff">t0<\/text>/);
    expect(svg).toMatch(/fill="#000000">t11<\/text>/);
    expect(svg).toContain('font-size="14" text-anchor="middle"');
  });
});

/**
 * A view of many panels: a wrapped row of `labels.length` panels with their titles, or a
 * grid with row and column labels (as view/exporter.js exportView builds it; no matrix labels).
 * @param {{ labels?: string[], grid?: [number, number], rowNames?: string[], colNames?: string[] }} opts
 * @returns {ExportView}
 */
function panelView({ labels = [], grid, rowNames = [], colNames = [] }) {
  const base = makeView({ rows: 4, cols: 6 });
  const L = {
    ...base.layout,
    rows: { ...base.layout.rows, indices: [] },
    cols: { ...base.layout.cols, indices: [] },
  };
  const count = grid ? grid[0] * grid[1] : labels.length;
  const values = new Float32Array(count * 24).map((_, i) => ((i % 24) / 23) * 2 - 1);
  const layout = panelLayout(
    { x: 0, y: 0, width: L.plot.width, height: L.plot.height },
    { count, grid: grid ?? null, rows: 4, cols: 6, titleHeight: 17, gap: 6, labelWidth: grid ? 40 : 0 },
  );
  /** @type {import("../export/export.js").PanelTitle[]} */
  const titles = [];
  for (const p of layout.panels)
    if (p.title) titles.push({ text: labels[p.index], ...p.title, kind: "title" });
  for (const r of layout.gridLabels.rows) titles.push({ text: rowNames[r.index], ...r, kind: "gridRow" });
  for (const c of layout.gridLabels.cols) titles.push({ text: colNames[c.index], ...c, kind: "gridCol" });
  return {
    ...base,
    layout: L,
    data: { rows: 4, cols: 6, values, exact: null, panels: count },
    view: { row0: 0, row1: 4, col0: 0, col1: 6 },
    panels: { layout, shown: layout.panels.map((p) => p.index), titles },
  };
}

describe("panels", () => {
  it("put each panel's title above it, centred, in the panel font", () => {
    const v = panelView({ labels: ["before", "after"] });
    const { plot } = v.layout;
    const scene = buildScene(v, measurer);
    const pf = panelFont(v.fonts);
    expect(pf.size).toBe(12.35); // 0.95em, as theme.js sets it
    expect(pf.lineHeight).toBeCloseTo(1.3 * 12.35);
    const [p0, p1] = /** @type {NonNullable<ExportView["panels"]>} */ (v.panels).layout.panels;
    const before = /** @type {any} */ (scene.texts.find((t) => t.text === "before"));
    const after = /** @type {any} */ (scene.texts.find((t) => t.text === "after"));
    expect(before).toMatchObject({ font: "panel", anchor: "middle", rotation: 0, dx: 0 });
    const t0 = /** @type {NonNullable<typeof p0.title>} */ (p0.title);
    const t1 = /** @type {NonNullable<typeof p1.title>} */ (p1.title);
    expect(before.x).toBeCloseTo(plot.left + t0.x + t0.w / 2);
    expect(before.y).toBeCloseTo(plot.top + t0.y);
    // hanging from the box's top: half the line box, plus the font's box middle
    expect(before.dy).toBeCloseTo((1.3 * 12.35) / 2 + 3.5);
    expect(after.x).toBeCloseTo(plot.left + t1.x + t1.w / 2);
    expect(after.x).toBeGreaterThan(before.x);
    // the matrix labels are not drawn, nor token text; the title and colour bar are
    const texts = scene.texts.map((t) => t.text);
    expect(texts).toContain("Title");
    expect(texts).toContain("Attribution");
    expect(texts.some((t) => t.startsWith("row ") || t.startsWith("col "))).toBe(false);
    const tokens = Array.from({ length: 24 }, (_, i) => `t${i}`);
    expect(tokenTexts({ ...v, tokens }, measurer)).toBeNull();
  });

  it("right-align a grid's row labels, centre its column labels, elide long ones", () => {
    const long = "a column label far too long for its panel, longer than the plot is wide";
    const v = panelView({ grid: [2, 2], rowNames: ["r0", "r1"], colNames: ["c0", long] });
    const { plot } = v.layout;
    const { rows, cols } = /** @type {NonNullable<ExportView["panels"]>} */ (v.panels).layout.gridLabels;
    const scene = buildScene(v, measurer);
    const r1 = /** @type {any} */ (scene.texts.find((t) => t.text === "r1"));
    expect(r1).toMatchObject({ anchor: "end", font: "panel", dy: 3.5 });
    expect(r1.x).toBeCloseTo(plot.left + rows[1].x + rows[1].w - 4);
    expect(r1.y).toBeCloseTo(plot.top + rows[1].y + rows[1].h / 2);
    const c0 = /** @type {any} */ (scene.texts.find((t) => t.text === "c0"));
    expect(c0).toMatchObject({ anchor: "middle" });
    expect(c0.x).toBeCloseTo(plot.left + cols[0].x + cols[0].w / 2);
    const c1 = /** @type {any} */ (scene.texts.find((t) => t.text.endsWith("\u2026")));
    expect(c1.anchor).toBe("start");
    expect(c1.x + c1.dx).toBeCloseTo(plot.left + cols[1].x);
    expect(measurer.width("", c1.text)).toBeLessThanOrEqual(cols[1].w);
    // empty labels draw nothing
    expect(panelTitleItems(v.layout, [{ text: "", x: 0, y: 0, w: 50, h: 17, kind: "title" }], 16)).toEqual(
      [],
    );
  });

  it("are drawn as one image with their titles as text in an SVG", () => {
    const v = panelView({ labels: ["before", "<after>"] });
    expect(cellRects(v)).toBeNull();
    const svg = sceneToSvg(buildScene(v, measurer), {
      cells: { href: "data:image/png;base64,AAAA" },
      bar: "data:image/png;base64,BBBB",
      tokens: tokenTexts(v, measurer),
    });
    expect((svg.match(/<image /g) ?? []).length).toBe(2); // cells and the gradient
    expect(svg).toMatch(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle" font-size="12.35">before<\/text>/);
    expect(svg).toContain(">&lt;after&gt;</text>");
  });

  it("leave a single view's scene and SVG as they were", () => {
    const v = makeView({ tokens: Array.from({ length: 12 }, (_, i) => `t${i}`) });
    const withNone = { ...v, panels: undefined };
    expect(buildScene(withNone, measurer)).toEqual(buildScene(v, measurer));
    expect(buildScene(v, measurer).texts.some((t) => t.font === "panel")).toBe(false);
    expect(cellRects(withNone)).toEqual(cellRects(v));
    expect(tokenTexts(withNone, measurer)).toEqual(tokenTexts(v, measurer));
  });
});

describe("PNG size limits", () => {
  it("refuses a PNG over the canvas limits, naming its size", () => {
    expect(pngTooLarge(4096, 4096, 2)).toBeNull(); // the largest widget at the default scale
    expect(pngTooLarge(4096, 600, 8)).toMatch(/^a 32768 x 4800 px PNG is over the browser's limit/);
    expect(pngTooLarge(4096, 4096, 3)).toMatch(/^a 12288 x 12288 px PNG/);
  });
  it("fits a download's scale within them", () => {
    expect(fitScale(2, 640, 400)).toBe(2);
    for (const [w, h, s] of [
      [4096, 600, 8],
      [4096, 4096, 5],
      [4096, 50, 100],
    ]) {
      const f = fitScale(s, w, h);
      expect(f).toBeGreaterThan(0);
      expect(pngTooLarge(w, h, f)).toBeNull();
      expect(Math.round(w * f)).toBeLessThanOrEqual(MAX_PNG_SIDE);
      expect(Math.round(w * f) * Math.round(h * f)).toBeLessThanOrEqual(MAX_PNG_PIXELS);
    }
  });
});
