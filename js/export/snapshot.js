// The canvas and DOM side of the export (export.js holds the pure part): PNG rendering at
// any scale with the on-screen renderers, the SVG's embedded images, text measurement,
// and the download. Runs only on demand; nothing here is used by the render loop.

import { createCanvasRenderer } from "../render/canvas2d.js";
import { paintGradient } from "../render/colorbar.js";
import {
  buildScene,
  captureFailure,
  captureReply,
  captureScale,
  cellRects,
  panelFont,
  pngTooLarge,
  sceneToSvg,
  SVG_IMAGE_SCALE,
  tokenTexts,
} from "./export.js";
import { splitMessage } from "../data/chunks.js";
import { createOverlay } from "../render/overlay.js";
import { devicePanels } from "../render/panels.js";

/** @typedef {import("./export.js").ExportView} ExportView */
/** @typedef {import("./export.js").Measurer} Measurer */
/** @typedef {import("./export.js").Scene} Scene */
/** @typedef {import("../render/layout.js").Rect} Rect */

/** How long a download's object URL is kept before it is revoked (ms). */
const REVOKE_AFTER_MS = 30_000;

/**
 * @param {number} w
 * @param {number} h
 */
function newCanvas(w, h) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  return c;
}

/**
 * Device-pixel box of a CSS rect at scale s (the size as the screen's canvases round it).
 * @param {Rect} r
 * @param {number} s
 */
function deviceBox(r, s) {
  return {
    x: Math.round(r.left * s),
    y: Math.round(r.top * s),
    w: Math.max(1, Math.round(r.width * s)),
    h: Math.max(1, Math.round(r.height * s)),
  };
}

/**
 * Text measurement with a canvas (the fonts the view uses are loaded in this document).
 * @returns {Measurer}
 */
export function canvasMeasurer() {
  const ctx = newCanvas(1, 1).getContext("2d");
  if (!ctx) throw new Error("no 2D canvas to measure text");
  /** @type {Map<string, { ascent: number, descent: number, middle: number }>} */
  const cache = new Map();
  return {
    width(font, text) {
      ctx.font = font;
      return ctx.measureText(text).width;
    },
    metrics(font) {
      let m = cache.get(font);
      if (!m) {
        ctx.font = font;
        ctx.textBaseline = "alphabetic";
        const a = ctx.measureText("Hg");
        ctx.textBaseline = "middle";
        const b = ctx.measureText("Hg");
        ctx.textBaseline = "alphabetic";
        // the font's own ascent/descent (what CSS line boxes use); glyph extents if unknown
        const ascent = a.fontBoundingBoxAscent ?? a.actualBoundingBoxAscent;
        const descent = a.fontBoundingBoxDescent ?? a.actualBoundingBoxDescent;
        const middle = ascent - (b.fontBoundingBoxAscent ?? b.actualBoundingBoxAscent);
        m = { ascent, descent, middle };
        cache.set(font, m);
      }
      return m;
    },
  };
}

/**
 * The cell area at scale s, drawn by the canvas renderer (the same pixel -> cell mapping
 * and colours as the screen's, WebGL or not). Many panels are each drawn in their
 * rectangle at that scale (devicePanels, as on screen); the gaps stay transparent.
 * @param {ExportView} v
 * @param {number} s
 */
function cellsCanvas(v, s) {
  const many = v.panels ? devicePanels(v.panels.layout, s) : null;
  const { w, h } = many ? { w: many.width, h: many.height } : deviceBox(v.layout.plot, s);
  const canvas = newCanvas(w, h);
  const res = createCanvasRenderer(canvas, v.pyramids);
  if ("error" in res) throw new Error(res.error);
  const r = res.renderer;
  const { data, view } = v.cells ?? v;
  r.setData(data);
  r.setLut(v.scale.lut);
  if (many && v.panels) {
    const shown = v.panels.shown;
    const rects = many.panels
      .filter((p) => Number.isInteger(shown[p.index]))
      .map((p) => ({ ...p, index: shown[p.index] }));
    r.draw(view, v.scale, rects);
  } else {
    r.draw(view, v.scale);
  }
  return canvas;
}

/**
 * The colour bar's gradient at scale s.
 * @param {ExportView} v
 * @param {number} s
 */
function gradientCanvas(v, s) {
  const { w, h } = deviceBox(v.layout.bar, s);
  const canvas = newCanvas(w, h);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  const image = ctx.createImageData(w, h);
  paintGradient(image.data, w, h, v.scale);
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/**
 * Draw the scene's shapes and text (CSS px; the context is scaled by the caller).
 * @param {CanvasRenderingContext2D} ctx
 * @param {Scene} scene
 */
function drawScene(ctx, scene) {
  const { bar, colors, fonts } = scene;
  ctx.strokeStyle = colors.border;
  ctx.lineWidth = 1;
  ctx.strokeRect(bar.left - 0.5, bar.top - 0.5, bar.width + 1, bar.height + 1);
  ctx.fillStyle = colors.muted;
  for (const t of scene.tickMarks) ctx.fillRect(t.left, t.top, t.width, t.height);
  for (const e of scene.extend) {
    ctx.fillStyle = `rgb(${e.color.join(", ")})`;
    ctx.beginPath();
    e.points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.fill();
  }
  const panelCss = panelFont(fonts).css;
  ctx.fillStyle = colors.text;
  ctx.textBaseline = "alphabetic";
  for (const t of scene.texts) {
    ctx.save();
    ctx.translate(t.x, t.y);
    if (t.rotation) ctx.rotate((-t.rotation * Math.PI) / 180);
    ctx.font = t.font === "title" ? fonts.title : t.font === "panel" ? panelCss : fonts.label;
    ctx.textAlign = t.anchor === "start" ? "left" : t.anchor === "middle" ? "center" : "right";
    ctx.fillText(t.text, t.dx, t.dy);
    ctx.restore();
  }
}

/**
 * The view as a canvas of round(width * s) x round(height * s) device px.
 * @param {ExportView} v
 * @param {number} s device px per CSS px
 * @returns {HTMLCanvasElement}
 */
export function renderPng(v, s) {
  const L = v.layout;
  const tooLarge = pngTooLarge(L.width, L.height, s);
  if (tooLarge) throw new Error(tooLarge);
  const canvas = newCanvas(Math.max(1, Math.round(L.width * s)), Math.max(1, Math.round(L.height * s)));
  const ctx = canvas.getContext("2d", { alpha: false });
  if (!ctx) throw new Error(`no 2D canvas of ${canvas.width} x ${canvas.height} px`);
  ctx.fillStyle = v.colors.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // pixel layers go at whole device px, unscaled, so that every cell keeps its colour
  const p = deviceBox(L.plot, s);
  ctx.drawImage(cellsCanvas(v, s), p.x, p.y);
  if (!v.panels) {
    // token text is drawn for one matrix only (none in a view of many panels)
    const tokens = newCanvas(p.w, p.h);
    createOverlay(tokens).draw(v.data, v.tokens, v.view, v.scale, v.whiteText, L.plot, s, v.fonts);
    ctx.drawImage(tokens, p.x, p.y);
  }
  const b = deviceBox(L.bar, s);
  ctx.drawImage(gradientCanvas(v, s), b.x, b.y);
  ctx.setTransform(s, 0, 0, s, 0, 0);
  drawScene(ctx, buildScene(v, canvasMeasurer()));
  return canvas;
}

/**
 * A canvas as PNG bytes.
 * @param {HTMLCanvasElement} canvas
 * @returns {Promise<Blob>}
 */
export function pngBlob(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error(`the browser could not encode a ${canvas.width} x ${canvas.height} px PNG`));
    }, "image/png");
  });
}

/**
 * The view as a standalone SVG document.
 * @param {ExportView} v
 * @returns {string}
 */
export function renderSvg(v) {
  const m = canvasMeasurer();
  const rects = cellRects(v);
  const cells = rects ? { rects } : { href: cellsCanvas(v, SVG_IMAGE_SCALE).toDataURL("image/png") };
  const bar = gradientCanvas(v, SVG_IMAGE_SCALE).toDataURL("image/png");
  return sceneToSvg(buildScene(v, m), { cells, bar, tokens: tokenTexts(v, m) });
}

/**
 * Download a file through a temporary <a download> (removed at once; its object URL is
 * revoked a little later, once the browser has started the download).
 * @param {HTMLElement} parent
 * @param {Blob} blob
 * @param {string} name
 */
export function saveFile(parent, blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  // the click stays on the anchor (not the widget's or the notebook's handlers)
  a.addEventListener("click", (e) => e.stopPropagation());
  parent.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}

/**
 * Answers Python's capture requests (docs/architecture.md, "Custom messages") with PNGs
 * of one view. A request that comes before the view has drawn waits for its first
 * complete draw (`drawn()`), or is answered with the error of a failed one (`failed()`).
 * @param {import("../index.js").Model} model
 * @param {(s: number) => Promise<Blob>} snapshotPng
 * @param {() => { ready: boolean, error: string | null }} status draws pending changes first
 */
export function createCaptureResponder(model, snapshotPng, status) {
  /** @type {Array<{ id: string, scale: unknown }>} */
  let pending = [];

  // A PNG over 1 MiB goes in parts (../data/chunks.js), each naming this view: views in
  // two browser tabs answer at once and their parts may interleave at the kernel.
  const sender = Math.random().toString(36).slice(2);

  /** @param {{ content: Record<string, unknown>, buffers: ArrayBuffer[] }} reply */
  const send = (reply) => {
    const [png] = reply.buffers;
    const messages = png ? splitMessage(reply.content, png, { sender }) : [reply];
    for (const m of messages) model.send(m.content, undefined, m.buffers);
  };

  /** @param {{ id: string, scale: unknown }} req */
  async function answer(req) {
    const s = captureScale(req.scale, window.devicePixelRatio);
    try {
      send(captureReply(req.id, await (await snapshotPng(s)).arrayBuffer(), s));
    } catch (e) {
      send(captureFailure(req.id, e));
    }
  }

  /** @param {any} content */
  const onMessage = (content) => {
    // Python's ids are strings; another answer could not be told apart, so it is ignored
    if (!content || content.type !== "capture" || typeof content.id !== "string") return;
    const req = { id: content.id, scale: content.scale };
    const { ready, error } = status();
    if (ready) void answer(req);
    else if (error) send(captureFailure(req.id, new Error(`the widget shows an error: ${error}`)));
    else pending.push(req);
  };
  model.on("msg:custom", onMessage);

  /** @param {(req: { id: string, scale: unknown }) => void} f */
  const takePending = (f) => {
    const reqs = pending;
    pending = [];
    for (const req of reqs) f(req);
  };

  return {
    /** The view has drawn completely (called from a draw: answers after it). */
    drawn() {
      if (pending.length) queueMicrotask(() => takePending((req) => void answer(req)));
    },

    /** @param {string} message why the view could not draw */
    failed(message) {
      takePending((req) => send(captureFailure(req.id, new Error(`the widget shows an error: ${message}`))));
    },

    destroy() {
      model.off("msg:custom", onMessage);
      pending = [];
    },
  };
}
