// Work of a view's first frame done when its model is made (anywidget's `initialize`). In
// a notebook the model's message arrives tens of milliseconds before the output that
// shows it, while the kernel still draws the output's PNG; the page is otherwise idle
// then. The axis labels a first layout measures are measured now, in the font a view's
// root would have here (read from a hidden probe styled as the root), into labels.js's
// width cache: if the view's font turns out to differ (another host's styles), it just
// measures its own.

import { MEASURE_ALL_LABELS, measureIn, readAxisLabels } from "./labels.js";
import { ROOT_FONT, readFonts } from "../render/theme.js";

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
