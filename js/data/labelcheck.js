// The row and column labels as received, checked against the matrix before anything is
// made from them (a part of checkMatrixState, data.js): one string per row / column, or
// with several panels one list per panel, as long as the panel's own rows / columns.

import { brief } from "./traits.js";

/**
 * The index of the first entry that is not a string, or -1.
 * @param {unknown[]} list
 */
export function notString(list) {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== "string") return i;
  return -1;
}

/**
 * Panel p's own rows (axis 0) or columns (1): its `_panel_shapes` entry, when that is a
 * shape within the stack's, else the stack's `n`.
 * @param {unknown} shapes `_panel_shapes`
 * @param {number} p
 * @param {0 | 1} axis
 * @param {number} n
 */
function ownLength(shapes, p, axis, n) {
  const s = Array.isArray(shapes) ? shapes[p] : null;
  const v = Array.isArray(s) && s.length === 2 ? s[axis] : null;
  return Number.isSafeInteger(v) && v >= 1 && v <= n ? v : n;
}

/**
 * Labels of each panel's own: one list of strings per panel, as long as its own rows /
 * columns. The error, or null.
 * @param {string} name
 * @param {unknown[]} labels
 * @param {number} panels
 * @param {(p: number) => number} own
 * @param {string} kind "rows" or "columns"
 * @returns {string | null}
 */
function checkPanelLabels(name, labels, panels, own, kind) {
  if (labels.length !== panels) {
    return `${name} has ${labels.length} lists (one per panel) but there are ${panels} panels`;
  }
  for (let p = 0; p < panels; p++) {
    const list = labels[p];
    const n = own(p);
    if (!Array.isArray(list)) return `${name}[${p}] must be a list of ${n} strings, got ${brief(list)}`;
    if (list.length !== n) return `${name}[${p}] has ${list.length} entries but panel ${p} has ${n} ${kind}`;
    const i = notString(list);
    if (i >= 0) return `${name}[${p}] must be a list of ${n} strings, got ${brief(list[i])} at [${i}]`;
  }
  return null;
}

/**
 * `row_labels` and `column_labels` against a matrix of `rows` x `cols` (of `panels`
 * panels; 0 for one matrix, which has no labels per panel). The error, or null.
 * @param {{ rowLabels: unknown, colLabels: unknown, panelShapes?: unknown }} s
 * @param {number} rows
 * @param {number} cols
 * @param {number} panels
 * @returns {string | null}
 */
export function checkLabels(s, rows, cols, panels) {
  const x = "\u00d7";
  for (const [name, labels, n, kind, axis] of /** @type {const} */ ([
    ["row_labels", s.rowLabels, rows, "rows", 0],
    ["column_labels", s.colLabels, cols, "columns", 1],
  ])) {
    if (!Array.isArray(labels)) return `${name} must be a list of ${n} strings, got ${brief(labels)}`;
    if (labels.length > 0 && Array.isArray(labels[0]) && panels > 0) {
      const error = checkPanelLabels(name, labels, panels, (p) => ownLength(s.panelShapes, p, axis, n), kind);
      if (error) return error;
      continue;
    }
    if (labels.length !== n)
      return `${name} has ${labels.length} entries but _shape ${rows}${x}${cols} has ${n} ${kind}`;
    const i = notString(labels);
    if (i >= 0) return `${name} must be a list of ${n} strings, got ${brief(labels[i])} at [${i}]`;
  }
  return null;
}
