// Work of a view's first frame done when its model is made (anywidget's `initialize`). In
// a notebook the model's message arrives tens of milliseconds before the output that
// shows it, while the kernel still draws the output's PNG; the page is otherwise idle
// then. Done now:
// - the axis labels a first layout measures, in the font a view's root would have here
//   (read from a hidden probe styled as the root), into labels.js's width cache: if the
//   view's font turns out to differ (another host's styles), it just measures its own;
// - the page's first `putImageData` (warmCanvas): the first one in a page waits for the
//   browser to set up canvas drawing, 5-150 ms in JupyterLab on a 2-core machine with
//   software WebGL, after which a new canvas's first one takes about a millisecond;
// - the colouring WebAssembly's compilation and instance (render/wasmcolour.js).

import { MEASURE_ALL_LABELS, measureIn, readAxisLabels } from "./labels.js";
import { prepareColour } from "../render/wasmcolour.js";
import { ROOT_FONT, readFonts } from "../render/theme.js";

/** Whether this page's first `putImageData` has been done (warmCanvas). */
let canvasWarm = false;

/**
 * The label font a view's root would have if shown now in the document's body.
 * @returns {string | null}
 */
function probeLabelFont() {
  if (typeof document === "undefined" || !document.body) return null;
  const probe = document.createElement("div");
  Object.assign(probe.style, {
    position: "fixed",
    left: "-10000px",
    top: "0",
    visibility: "hidden",
    fontFamily: ROOT_FONT.family,
    fontSize: ROOT_FONT.size,
    lineHeight: ROOT_FONT.lineHeight,
  });
  document.body.append(probe);
  try {
    return readFonts(probe).label;
  } finally {
    probe.remove();
  }
}

/**
 * The labels of one axis a first layout measures (labels.js: every label of an axis with
 * at most MEASURE_ALL_LABELS of them; the index for a row or column without one).
 * @param {unknown} v `row_labels` or `column_labels`
 * @param {number} n the matrix's rows or columns
 * @param {boolean} show `show_whitespace`
 * @returns {string[]}
 */
function axisFirstLabels(v, n, show) {
  const { lists, perPanel } = readAxisLabels(v, show);
  if (perPanel) {
    const total = lists.reduce((t, l) => t + l.length, 0);
    return total <= MEASURE_ALL_LABELS ? lists.flat() : [];
  }
  if (n > MEASURE_ALL_LABELS) return [];
  const list = lists[0];
  return Array.from({ length: n }, (_, i) => list[i] ?? String(i));
}

/**
 * The labels of both axes that `model`'s first layout measures (none for a `_shape` the
 * view would refuse).
 * @param {{ get(name: string): any }} model
 * @returns {string[]}
 */
export function firstLabels(model) {
  const shape = model.get("_shape");
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => Number.isInteger(n) && n >= 1))
    return [];
  const show = model.get("show_whitespace") !== false;
  return [
    ...axisFirstLabels(model.get("row_labels"), shape[0], show),
    ...axisFirstLabels(model.get("column_labels"), shape[1], show),
  ];
}

/**
 * Measure the labels of `model`'s first layout into the width cache.
 * @param {import("../index.js").Model} model
 */
export function premeasureLabels(model) {
  const texts = firstLabels(model);
  const font = texts.length > 0 ? probeLabelFont() : null;
  const ctx = font ? document.createElement("canvas").getContext("2d") : null;
  if (!font || !ctx) return;
  ctx.font = font;
  for (const s of texts) measureIn(ctx, font, s);
}

/**
 * Draw one pixel into a canvas like the ones a view draws its cells and colour bar into
 * (canvas 2D kept in memory, render/canvas2d.js), once per page: the browser's set-up of
 * canvas drawing happens here instead of in a first frame.
 * @returns {boolean} whether this call did it (false: done before, or no canvas 2D here)
 */
export function warmCanvas() {
  if (canvasWarm || typeof document === "undefined") return false;
  canvasWarm = true;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return false;
  ctx.putImageData(ctx.createImageData(1, 1), 0, 0);
  return true;
}

/**
 * Everything a first frame of `model` can have done before it: each part on its own, so
 * that one failing (a host without canvas 2D or WebAssembly) leaves the others.
 * @param {import("../index.js").Model} model
 */
export function warmUp(model) {
  /** @type {[string, () => unknown][]} */
  const steps = [
    ["measure labels", () => premeasureLabels(model)],
    ["draw into a canvas", warmCanvas],
    ["compile the colouring WebAssembly", prepareColour],
  ];
  for (const [what, step] of steps) {
    try {
      step();
    } catch (e) {
      console.warn(`tokenheat: could not ${what} ahead of the first frame:`, e);
    }
  }
}
