// Export of the current view as PNG or SVG, exactly as laid out on screen: the same
// Layout, the same label places (axes.js, colorbar.js), the same token pass (overlay.js)
// and the same pixel -> cell mapping (canvas2d.js). Not exported: toolbar, range control,
// tooltip, selection, error box. Pure parts first (scene, SVG text, names); the canvas
// work is at the end (snapshot.js does the DOM around it).

import { byteRange, exactArrayBuffer } from "../data/binary.js";
import { axisLabelItems } from "../render/axes.js";
import { colorOf } from "../render/color.js";
import {
  extendMarkers,
  TICK_MARK_LENGTH,
  TICK_MARK_OFFSET,
  tickItems,
  titleItem,
} from "../render/colorbar.js";
import { elide, forEachToken, tokenPx, tokenRoom } from "../render/overlay.js";

/** @typedef {import("../render/layout.js").Layout} Layout */
/** @typedef {import("../render/layout.js").Rect} Rect */
/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("../render/color.js").ColorScale} ColorScale */
/** @typedef {import("../render/theme.js").Fonts} Fonts */
/** @typedef {import("../render/theme.js").Colors} Colors */
/** @typedef {import("../render/axes.js").TextItem} TextItem */
/** @typedef {import("../render/colorbar.js").Extend} Extend */
/** @typedef {import("../render/panels.js").PanelLayout} PanelLayout */

/**
 * A panel's title or a grid's row / column label, as shown on screen: its box in CSS px
 * from the plot area's top-left corner.
 * @typedef {Object} PanelTitle
 * @property {string} text
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 * @property {"title" | "gridRow" | "gridCol"} kind
 */

/**
 * A view of many panels: where they are in the plot area (CSS px), which matrix of the
 * stack each place shows, and their titles or grid labels.
 * @typedef {Object} ExportPanels
 * @property {PanelLayout} layout
 * @property {number[]} shown shown[k]: the stack index drawn in place k
 * @property {PanelTitle[]} titles
 */

/** Above this many visible cells, an SVG holds the cell area as one PNG image. */
export const SVG_MAX_RECTS = 20000;
/**
 * The largest PNG a capture sends to the kernel (in parts of 1 MiB, ../data/chunks.js; the
 * kernel accepts as much, tokenheat._requests.MAX_CAPTURE_BYTES, and holds the parts until
 * the last one).
 */
export const MAX_CAPTURE_BYTES = 9 * 1024 * 1024;
/** Device px per CSS px of the images inside an SVG (cells above SVG_MAX_RECTS, colour bar). */
export const SVG_IMAGE_SCALE = 2;
/** Panel titles and grid labels are 0.95em of the label font (theme.js). */
export const PANEL_FONT_EM = 0.95;
/** A grid row label's padding at its right (theme.js). */
export const GRID_ROW_PADDING = 4;

/**
 * Size (px), CSS font and line height of the panel titles and grid labels.
 * @param {Fonts} fonts
 */
export function panelFont(fonts) {
  const size = Math.round(fonts.size * PANEL_FONT_EM * 100) / 100;
  // they inherit the root's line-height factor (the title's is the same factor)
  const factor = fonts.titleSize > 0 ? fonts.titleLineHeight / fonts.titleSize : 1.3;
  return { size, css: `${size}px ${fonts.family}`, lineHeight: factor * size };
}

/**
 * Everything an export draws: the view's state as it was last painted.
 * @typedef {Object} ExportView
 * @property {Layout} layout
 * @property {ViewWindow} view
 * @property {MatrixData} data
 * @property {{ data: MatrixData, view: ViewWindow }} [cells] what the cells are drawn
 *   from when that is not `data` and `view`: the overview or tile of a big matrix, and
 *   the view in its grid's coordinates
 * @property {ReturnType<typeof import("../data/reduce.js").createPyramidCache>} [pyramids] the
 *   view's pyramid cache, so that exporting a big matrix does not build it again
 * @property {ColorScale} scale
 * @property {Uint8Array} whiteText per LUT entry: 1 = white token text
 * @property {unknown} tokens `_tokens`
 * @property {Fonts} fonts
 * @property {Colors} colors
 * @property {string} title
 * @property {string} colorbarTitle
 * @property {{ values: number[], labels: string[] }} tickSet
 * @property {[number, number] | null} dataRange `_data_range` (traits.js readDataRange)
 * @property {import("../render/axes.js").LabelText} rowText the label of row i beside panel
 *   p (-1: the matrix shown alone), null where that panel has none
 * @property {import("../render/axes.js").LabelText} colText
 * @property {ExportPanels} [panels] set while many panels are shown (a single heatmap and
 *   a focused panel have none): the cells are drawn in their rectangles, the titles as text
 */

/**
 * Text measurement in a CSS font (a canvas in the browser; a stub in tests).
 * @typedef {Object} Measurer
 * @property {(font: string, text: string) => number} width
 * @property {(font: string) => { ascent: number, descent: number, middle: number }} metrics
 *   ascent/descent of the font's line box; `middle`: how far the alphabetic baseline is
 *   below the middle of the em box (canvas textBaseline "middle")
 */

/**
 * One line of text, ready to draw: rotate by `rotation` degrees counter-clockwise about
 * (x, y), then write with its alphabetic baseline at (x + dx, y + dy), anchored at its
 * start, middle or end.
 * @typedef {Object} SceneText
 * @property {string} text
 * @property {number} x
 * @property {number} y
 * @property {number} dx
 * @property {number} dy
 * @property {number} rotation
 * @property {"start" | "middle" | "end"} anchor
 * @property {"label" | "tick" | "title" | "panel"} font "panel": a panel title or grid
 *   label (PANEL_FONT_EM of the label font, as theme.js sets it)
 */

/**
 * The view as shapes and text in CSS px; the cells and the gradient are drawn apart.
 * @typedef {Object} Scene
 * @property {number} width
 * @property {number} height
 * @property {Colors} colors
 * @property {Fonts} fonts
 * @property {Rect} plot
 * @property {Rect} bar
 * @property {Rect[]} tickMarks
 * @property {Extend[]} extend the markers shown
 * @property {SceneText[]} texts
 */

/**
 * Where a text item is drawn, as CSS lays it out: elided with "…" when wider than its
 * cap (then starting at its box's left edge), its line box centred on (or hanging from) y.
 * @param {TextItem} item
 * @param {SceneText["font"]} font
 * @param {string} css the font, CSS shorthand
 * @param {Measurer} m
 * @returns {SceneText | null} null when nothing of the text fits
 */
export function placeText(item, font, css, m) {
  /** @param {string} s */
  const width = (s) => m.width(css, s);
  let text = item.text;
  let dx = 0;
  /** @type {SceneText["anchor"]} */
  let anchor = item.align === "left" ? "start" : item.align === "center" ? "middle" : "end";
  if (width(text) > item.cap) {
    text = elide(text, item.cap, width);
    anchor = "start";
    dx = -item.cap * (item.align === "left" ? 0 : item.align === "center" ? 0.5 : 1);
  }
  if (!text) return null;
  const { ascent, descent } = m.metrics(css);
  // CSS puts the ascent + descent box in the middle of the line box
  const mid = (ascent - descent) / 2;
  const dy = item.baseline === "middle" ? mid : item.lineHeight / 2 + mid;
  return { text, x: item.x, y: item.y, dx, dy, rotation: item.rotation, anchor, font };
}

/**
 * The title's place: centred in the layout's title box, hanging from its top.
 * @param {Layout} layout
 * @param {string} text
 * @param {number} lineHeight
 * @returns {TextItem}
 */
export function titleText(layout, text, lineHeight) {
  const t = layout.title;
  return {
    x: t.left + t.width / 2,
    y: t.top,
    align: "center",
    baseline: "top",
    lineHeight,
    rotation: 0,
    cap: t.width,
    text,
  };
}

/**
 * Where the panel titles and grid labels go, as the DOM lays them out: a title or grid
 * column label centred in its box, hanging from its top; a grid row label right-aligned
 * (inside its padding) and vertically centred. Widget CSS px.
 * @param {Layout} layout
 * @param {PanelTitle[]} titles
 * @param {number} lineHeight the panel font's line height
 * @returns {TextItem[]}
 */
export function panelTitleItems(layout, titles, lineHeight) {
  const { left, top } = layout.plot;
  return titles
    .filter((t) => t.text !== "")
    .map((t) =>
      t.kind === "gridRow"
        ? {
            x: left + t.x + t.w - GRID_ROW_PADDING,
            y: top + t.y + t.h / 2,
            align: "right",
            baseline: "middle",
            lineHeight,
            rotation: 0,
            cap: Math.max(0, t.w - GRID_ROW_PADDING),
            text: t.text,
          }
        : {
            x: left + t.x + t.w / 2,
            y: top + t.y,
            align: "center",
            baseline: "top",
            lineHeight,
            rotation: 0,
            cap: t.w,
            text: t.text,
          },
    );
}

/**
 * Build the scene of a view (everything but the cells, token text and gradient pixels).
 * @param {ExportView} v
 * @param {Measurer} m
 * @returns {Scene}
 */
export function buildScene(v, m) {
  const { layout: L, fonts } = v;
  /** @type {SceneText[]} */
  const texts = [];
  const pf = panelFont(fonts);
  /**
   * @param {TextItem} item
   * @param {SceneText["font"]} font
   */
  const add = (item, font) => {
    const css = font === "title" ? fonts.title : font === "panel" ? pf.css : fonts.label;
    const t = placeText(item, font, css, m);
    if (t) texts.push(t);
  };
  if (v.title) add(titleText(L, v.title, fonts.titleLineHeight), "title");
  if (v.panels) for (const item of panelTitleItems(L, v.panels.titles, pf.lineHeight)) add(item, "panel");
  for (const item of axisLabelItems(L, v.view, v.rowText, v.colText, fonts.lineHeight)) add(item, "label");
  const ticks = tickItems(L, v.scale, v.tickSet, fonts.lineHeight);
  for (const item of ticks) add(item, "tick");
  if (v.colorbarTitle) add(titleItem(L, v.colorbarTitle, fonts.lineHeight), "label");
  return {
    width: L.width,
    height: L.height,
    colors: v.colors,
    fonts,
    plot: L.plot,
    bar: L.bar,
    // a 1 px line left of each tick label, at its centre (theme.js: ::before)
    tickMarks: ticks.map((t) => ({
      left: t.x - TICK_MARK_OFFSET,
      top: t.y,
      width: TICK_MARK_LENGTH,
      height: 1,
    })),
    extend: extendMarkers(L.bar, v.scale, v.dataRange).filter((e) => e.shown),
    texts,
  };
}

/**
 * Token text as the overlay draws it: cell centres in widget CSS px, y on the baseline.
 * @param {ExportView} v
 * @param {Measurer} m
 * @returns {{ px: number, items: { text: string, x: number, y: number, white: boolean }[] } | null}
 */
export function tokenTexts(v, m) {
  const { data, tokens, view, layout: L, fonts } = v;
  // a view of many panels shows no token text
  if (v.panels || !Array.isArray(tokens) || tokens.length !== data.rows * data.cols) return null;
  const px = tokenPx(L.plot, view, fonts.size);
  if (px === 0) return null;
  const css = `${px}px ${fonts.family}`;
  const dy = m.metrics(css).middle;
  /** @type {{ text: string, x: number, y: number, white: boolean }[]} */
  const items = [];
  /** @param {string} s */
  const measure = (s) => m.width(css, s);
  forEachToken(
    data,
    tokens,
    view,
    v.scale,
    v.whiteText,
    L.plot,
    tokenRoom(L.plot, view),
    measure,
    new Map(),
    (text, x, y, white) =>
      items.push({ text, x: L.plot.left + x, y: L.plot.top + y + dy, white: white === 1 }),
  );
  return { px, items };
}

/**
 * The visible cells as rectangles with their colours, or null when there are more than
 * `max` of them (or many panels are shown: they are drawn as an image). Cells at the
 * plot's edges may stick out (the SVG clips them).
 * @param {ExportView} v
 * @param {number} [max]
 * @returns {{ x: number, y: number, width: number, height: number, fill: string }[] | null}
 */
export function cellRects(v, max = SVG_MAX_RECTS) {
  if (v.panels) return null;
  const { view, data } = v.cells ?? v;
  const { plot } = v.layout;
  const r0 = Math.max(0, Math.floor(view.row0));
  const r1 = Math.min(data.rows, Math.ceil(view.row1));
  const c0 = Math.max(0, Math.floor(view.col0));
  const c1 = Math.min(data.cols, Math.ceil(view.col1));
  if ((r1 - r0) * (c1 - c0) > max) return null;
  const w = plot.width / (view.col1 - view.col0);
  const h = plot.height / (view.row1 - view.row0);
  const rects = [];
  for (let r = r0; r < r1; r++) {
    for (let c = c0; c < c1; c++) {
      rects.push({
        x: plot.left + (c - view.col0) * w,
        y: plot.top + (r - view.row0) * h,
        width: w,
        height: h,
        fill: hex(colorOf(data.values[r * data.cols + c], v.scale)),
      });
    }
  }
  return rects;
}

// ---- SVG text ------------------------------------------------------------------------

/** Characters XML 1.0 does not allow at all (controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** @type {Record<string, string>} */
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/**
 * Text made safe for XML content and attribute values: markup characters escaped,
 * characters XML 1.0 cannot hold removed.
 * @param {unknown} s
 * @returns {string}
 */
export function escapeXml(s) {
  return String(s)
    .replace(NOT_XML, "")
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * A number for an SVG attribute: at most 3 decimals, no exponent.
 * @param {number} v
 */
export function num(v) {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? "0" : String(r);
}

/** @param {[number, number, number] | Uint8Array | number[]} rgb */
export function hex(rgb) {
  return `#${[rgb[0], rgb[1], rgb[2]].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * @param {Record<string, string | number>} attrs
 * @returns {string}
 */
function attributes(attrs) {
  let s = "";
  for (const [k, val] of Object.entries(attrs)) {
    s += ` ${k}="${typeof val === "number" ? num(val) : escapeXml(val)}"`;
  }
  return s;
}

/**
 * @param {string} name
 * @param {Record<string, string | number>} attrs
 * @param {string} [content] already escaped
 */
function element(name, attrs, content) {
  return content === undefined
    ? `<${name}${attributes(attrs)}/>`
    : `<${name}${attributes(attrs)}>${content}</${name}>`;
}

/**
 * @param {Rect} r
 * @param {string} href
 */
function image(r, href) {
  return element("image", {
    x: r.left,
    y: r.top,
    width: r.width,
    height: r.height,
    preserveAspectRatio: "none",
    "image-rendering": "optimizeSpeed",
    style: "image-rendering:pixelated",
    "xlink:href": href,
  });
}

/**
 * A standalone SVG document of the scene.
 * @param {Scene} scene
 * @param {{ cells: { rects: { x: number, y: number, width: number, height: number, fill: string }[] } | { href: string },
 *   bar: string, tokens: ReturnType<typeof tokenTexts> }} parts the cells (rects, or
 *   a PNG data URL of the plot area), the gradient (PNG data URL), the token text
 * @returns {string}
 */
export function sceneToSvg(scene, parts) {
  const { plot, bar, colors, fonts } = scene;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg${attributes({
      xmlns: "http://www.w3.org/2000/svg",
      "xmlns:xlink": "http://www.w3.org/1999/xlink",
      version: "1.1",
      width: scene.width,
      height: scene.height,
      viewBox: `0 0 ${num(scene.width)} ${num(scene.height)}`,
      "xml:space": "preserve",
    })}>`,
    element("rect", { width: scene.width, height: scene.height, fill: colors.background }),
    `<defs><clipPath id="tokenheat-plot">${element("rect", {
      x: plot.left,
      y: plot.top,
      width: plot.width,
      height: plot.height,
    })}</clipPath></defs>`,
  ];
  if ("rects" in parts.cells) {
    out.push('<g clip-path="url(#tokenheat-plot)" shape-rendering="crispEdges">');
    for (const r of parts.cells.rects)
      out.push(element("rect", { x: r.x, y: r.y, width: r.width, height: r.height, fill: r.fill }));
    out.push("</g>");
  } else {
    out.push(image(plot, parts.cells.href));
  }
  if (parts.tokens && parts.tokens.items.length) {
    const g = {
      "clip-path": "url(#tokenheat-plot)",
      "font-family": fonts.family,
      "font-size": parts.tokens.px,
      "text-anchor": "middle",
    };
    out.push(`<g${attributes(g)}>`);
    for (const t of parts.tokens.items) {
      out.push(element("text", { x: t.x, y: t.y, fill: t.white ? "#ffffff" : "#000000" }, escapeXml(t.text)));
    }
    out.push("</g>");
  }
  out.push(image(bar, parts.bar));
  // CSS outline: 1 px just outside the bar
  out.push(
    element("rect", {
      x: bar.left - 0.5,
      y: bar.top - 0.5,
      width: bar.width + 1,
      height: bar.height + 1,
      fill: "none",
      stroke: colors.border,
    }),
  );
  if (scene.tickMarks.length) {
    out.push(`<g fill="${escapeXml(colors.muted)}" shape-rendering="crispEdges">`);
    for (const t of scene.tickMarks)
      out.push(element("rect", { x: t.left, y: t.top, width: t.width, height: t.height }));
    out.push("</g>");
  }
  for (const e of scene.extend) {
    out.push(
      element("polygon", {
        points: e.points.map((p) => `${num(p[0])},${num(p[1])}`).join(" "),
        fill: hex(e.color),
      }),
    );
  }
  out.push(`<g${attributes({ "font-family": fonts.family, "font-size": fonts.size, fill: colors.text })}>`);
  for (const t of scene.texts) {
    /** @type {Record<string, string | number>} */
    const a = { x: t.x + t.dx, y: t.y + t.dy };
    if (t.anchor !== "start") a["text-anchor"] = t.anchor;
    if (t.rotation) a.transform = `rotate(${num(-t.rotation)} ${num(t.x)} ${num(t.y)})`;
    if (t.font === "title") {
      a["font-size"] = fonts.titleSize;
      a["font-weight"] = "600";
    } else if (t.font === "tick") {
      a.style = "font-variant-numeric:tabular-nums";
    } else if (t.font === "panel") {
      a["font-size"] = panelFont(fonts).size;
    }
    out.push(element("text", a, escapeXml(t.text)));
  }
  out.push("</g>", "</svg>", "");
  return out.join("\n");
}

// ---- names, scales and capture replies ----------------------------------------------

/**
 * File name of an export: the title with every run of characters other than letters,
 * digits, "-", "_" and "." turned into one "-", trimmed, at most 80 characters;
 * "heatmap" when nothing is left.
 * @param {unknown} title
 * @param {string} ext "png" or "svg" (a leading dot is allowed)
 * @returns {string}
 */
export function exportFileName(title, ext) {
  const trim = (/** @type {string} */ s) => s.replace(/^[-.]+|[-.]+$/g, "");
  let name = trim(
    String(title ?? "")
      .replace(/[^\p{L}\p{N}\p{M}_.-]+/gu, "-")
      .replace(/-{2,}/g, "-"),
  );
  name = trim(Array.from(name).slice(0, 80).join(""));
  return `${name || "heatmap"}.${String(ext).replace(/^\./, "")}`;
}

/**
 * Device px per CSS px of a PNG export by default: the screen's, at least 2.
 * @param {number} dpr
 */
export function defaultScale(dpr) {
  return Math.max(2, Number.isFinite(dpr) ? dpr : 1);
}

/** Most device px a PNG export has along a side, and in all: past them browsers refuse
 * the canvas (or it costs hundreds of MB), so a download is drawn at a smaller scale and
 * a capture answers with an error. */
export const MAX_PNG_SIDE = 16384;
export const MAX_PNG_PIXELS = 2 ** 26;

/**
 * Why a PNG of a `width` x `height` CSS px view at scale `s` cannot be drawn, or null.
 * @param {number} width
 * @param {number} height
 * @param {number} s
 * @returns {string | null}
 */
export function pngTooLarge(width, height, s) {
  const w = Math.round(width * s);
  const h = Math.round(height * s);
  if (w <= MAX_PNG_SIDE && h <= MAX_PNG_SIDE && w * h <= MAX_PNG_PIXELS) return null;
  return (
    `a ${w} x ${h} px PNG is over the browser's limit (${MAX_PNG_SIDE} px a side, ${MAX_PNG_PIXELS} px ` +
    `in all); use a smaller scale, or the Python-side w.save`
  );
}

/**
 * The largest scale up to `s` whose PNG of a `width` x `height` CSS px view can be drawn.
 * @param {number} s
 * @param {number} width
 * @param {number} height
 */
export function fitScale(s, width, height) {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  return Math.min(s, (MAX_PNG_SIDE - 0.5) / Math.max(w, h), Math.sqrt(MAX_PNG_PIXELS / (w * h)) * 0.999);
}

/**
 * The scale of a capture: the requested one when it is a number from 0.25 to 8, else
 * the default.
 * @param {unknown} requested
 * @param {number} dpr
 */
export function captureScale(requested, dpr) {
  return typeof requested === "number" && Number.isFinite(requested) && requested >= 0.25 && requested <= 8
    ? requested
    : defaultScale(dpr);
}

/**
 * Width and height of a PNG, from its IHDR chunk (null if the bytes are not a PNG).
 * @param {import("../data/binary.js").BinaryLike} png
 * @returns {{ width: number, height: number } | null}
 */
export function pngSize(png) {
  const { buffer, byteOffset, byteLength } = byteRange(png);
  if (byteLength < 24) return null;
  const dv = new DataView(buffer, byteOffset, byteLength);
  const signature = dv.getUint32(0) === 0x89504e47 && dv.getUint32(4) === 0x0d0a1a0a;
  if (!signature || dv.getUint32(12) !== 0x49484452) return null; // "IHDR"
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/**
 * The reply to a capture request: the PNG as the message's one buffer (an ArrayBuffer of
 * exactly its bytes, whatever it came in; sent in parts when over 1 MiB), or an error (and
 * no buffer) when it is too large to send.
 * @param {string} id
 * @param {import("../data/binary.js").BinaryLike} data the PNG file
 * @param {number} scale
 * @returns {{ content: { type: "capture", id: string, width?: number, height?: number, error?: string }, buffers: ArrayBuffer[] }}
 */
export function captureReply(id, data, scale) {
  const png = exactArrayBuffer(data);
  const size = pngSize(png);
  if (!size) return captureFailure(id, new Error("the browser produced no PNG"));
  const { width, height } = size;
  if (png.byteLength > MAX_CAPTURE_BYTES) {
    const mb = (png.byteLength / (1024 * 1024)).toFixed(1);
    return {
      content: {
        type: "capture",
        id,
        error:
          `the PNG of this view at scale ${scale} (${width} x ${height} px) is ${mb} MiB, more than ` +
          `the ${MAX_CAPTURE_BYTES / (1024 * 1024)} MiB a capture sends to the kernel; capture at a ` +
          `smaller scale (e.g. scale=1), or render it in Python with w.save("view.png")`,
      },
      buffers: [],
    };
  }
  return { content: { type: "capture", id, width, height }, buffers: [png] };
}

/**
 * The reply when a capture fails.
 * @param {string} id
 * @param {unknown} e
 * @returns {{ content: { type: "capture", id: string, error: string }, buffers: ArrayBuffer[] }}
 */
export function captureFailure(id, e) {
  const why = e instanceof Error ? e.message : String(e);
  return {
    content: {
      type: "capture",
      id,
      error: `could not draw the PNG (${why}); try a smaller scale, or render it in Python with w.save("view.png")`,
    },
    buffers: [],
  };
}
