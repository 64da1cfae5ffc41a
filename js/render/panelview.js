// The panels of a view: which matrices of the stack are shown and where (all of them in a
// wrapped row or a grid, or the focused one alone), their titles, and the `focus` trait.
// A single heatmap is one panel that fills the plot area, with no title.

import { devicePanels, panelLayout } from "./panels.js";
import { shownText } from "../data/text.js";

/**
 * The panel traits as read: `_panels`, `panel_labels` and `focus`.
 * @typedef {Object} PanelState
 * @property {number[]} layout `_panels`: [], [P] or [gr, gc]
 * @property {number} count panels in the stack
 * @property {[number, number] | null} grid [gr, gc] for a grid, else null
 * @property {Array<number | [number, number]>} keys each panel's key as Python names it
 * @property {string[]} labels each panel's name (a grid's: "row label · column label")
 * @property {string[]} gridRows a grid's row labels
 * @property {string[]} gridCols a grid's column labels
 * @property {number | null} focus the focused panel, or null (all shown)
 */

/**
 * @param {number[]} layout a `_panels` that checkMatrixState accepted
 * @param {unknown} labels `panel_labels`
 * @param {unknown} focus `focus`
 * @returns {PanelState}
 */
export function readPanels(layout, labels, focus) {
  const count = layout.reduce((a, b) => a * b, 1);
  const grid = layout.length === 2 ? /** @type {[number, number]} */ ([layout[0], layout[1]]) : null;
  const strings = (/** @type {unknown} */ v, /** @type {number} */ n) =>
    Array.from({ length: n }, (_, i) =>
      Array.isArray(v) && typeof v[i] === "string" ? shownText(v[i]) : String(i),
    );
  /** @type {Array<number | [number, number]>} */
  const keys = [];
  let gridRows = /** @type {string[]} */ ([]);
  let gridCols = /** @type {string[]} */ ([]);
  let names;
  if (grid) {
    const pair = Array.isArray(labels) && labels.length === 2 ? labels : [];
    gridRows = strings(pair[0], grid[0]);
    gridCols = strings(pair[1], grid[1]);
    names = [];
    for (let i = 0; i < grid[0]; i++) {
      for (let j = 0; j < grid[1]; j++) {
        keys.push([i, j]);
        names.push(`${gridRows[i]} \u00b7 ${gridCols[j]}`);
      }
    }
  } else {
    for (let p = 0; p < count; p++) keys.push(p);
    names = layout.length === 1 ? strings(labels, count) : [""];
  }
  return { layout, count, grid, keys, labels: names, gridRows, gridCols, focus: readFocus(focus, layout) };
}

/**
 * The panel index of a `focus` trait, or null (none, or not a panel of this layout).
 * @param {unknown} v
 * @param {number[]} layout
 * @returns {number | null}
 */
export function readFocus(v, layout) {
  const ok = (/** @type {unknown} */ x, /** @type {number} */ n) =>
    Number.isInteger(x) && Number(x) >= 0 && Number(x) < n;
  if (layout.length === 1 && ok(v, layout[0])) return Number(v);
  if (
    layout.length === 2 &&
    Array.isArray(v) &&
    v.length === 2 &&
    ok(v[0], layout[0]) &&
    ok(v[1], layout[1])
  ) {
    return v[0] * layout[1] + v[1];
  }
  return null;
}

/**
 * The `focus` trait for a panel index (null: none).
 * @param {number | null} p
 * @param {number[]} layout
 * @returns {number | [number, number] | null}
 */
export function focusTrait(p, layout) {
  if (p === null || layout.length === 0) return null;
  return layout.length === 2 ? [Math.floor(p / layout[1]), p % layout[1]] : p;
}

/** Gap between panels, CSS px. */
export const PANEL_GAP = 6;

/**
 * Which of the matrix's labels are each panel's own (`row_labels` / `column_labels` with
 * one list per panel) while several panels are shown, and the band under each row of
 * panels that holds own column labels, CSS px.
 * @typedef {{ rows: boolean, cols: boolean, foot: number }} OwnLabels
 */

/** @type {OwnLabels} shared labels (one list for every panel) */
export const SHARED_LABELS = Object.freeze({ rows: false, cols: false, foot: 0 });

/**
 * Where the shown panels go inside a plot area of `width` x `height` CSS px, and their
 * device rectangles on the cells canvas. `shown[k]` is the stack index drawn in place k.
 * @param {PanelState} ps
 * @param {number} width
 * @param {number} height
 * @param {number} rows
 * @param {number} cols
 * @param {number} lineHeight
 * @param {number} labelWidth widest grid row label
 * @param {number} dpr
 * @param {number} [axisWidth] band for the matrix's row labels left of the panels
 * @param {OwnLabels} [own] labels of each panel's own: the band left of every column of
 *   panels (rows), a band `foot` high under every row of panels but the last (cols)
 */
export function placePanels(
  ps,
  width,
  height,
  rows,
  cols,
  lineHeight,
  labelWidth,
  dpr,
  axisWidth = 0,
  own = SHARED_LABELS,
) {
  const single = ps.count === 1 || ps.focus !== null;
  const shown = single ? [ps.focus ?? 0] : ps.keys.map((_, p) => p);
  const area = { x: 0, y: 0, width, height };
  const L = single
    ? panelLayout(area, { count: 1, grid: null, rows, cols, titleHeight: 0, gap: 0 })
    : panelLayout(area, {
        count: ps.count,
        grid: ps.grid,
        rows,
        cols,
        titleHeight: Math.ceil(lineHeight),
        gap: PANEL_GAP,
        labelWidth: ps.grid ? Math.ceil(labelWidth) + 4 : 0,
        axisWidth,
        axisEach: own.rows,
        foot: own.cols ? own.foot : 0,
      });
  const device = devicePanels(L, dpr);
  return {
    layout: L,
    shown,
    single,
    device: device.panels.map((r) => ({ ...r, index: shown[r.index] })),
    canvas: { width: device.width, height: device.height },
    own: single ? SHARED_LABELS : own,
  };
}

/** Gap between a row label and its panel, CSS px (as between a label and the plot). */
const LABEL_GAP = 6;

/**
 * Where the matrix's labels go while several panels are shown (`Layout.panelAxes`): the
 * row labels left of the first panel of each row of panels, in the band of `axisWidth`
 * px placePanels kept there; the column labels under the lowest panel of each column.
 * Labels of each panel's own (`placed.own`) go beside / under every panel.
 * @param {ReturnType<typeof placePanels>} placed
 * @param {{ left: number, top: number }} plot the plot area the panels were placed in
 * @param {number} axisWidth
 * @returns {import("./layout.js").PanelAxes}
 */
export function panelAxes(placed, plot, axisWidth) {
  const { panels, nc, panelWidth, panelHeight } = placed.layout;
  /** @param {import("./panels.js").Panel} p */
  const at = (p) => ({ panel: placed.shown[p.index], x: plot.left + p.x, y: plot.top + p.y });
  /** @type {(import("./panels.js").Panel | undefined)[]} */
  const lowest = Array.from({ length: nc }, () => undefined);
  for (const p of panels) lowest[p.gridCol] = p; // (in order: a later one is lower)
  const colAt = lowest.flatMap((p) => (p ? [at(p)] : []));
  return {
    width: panelWidth,
    height: panelHeight,
    rowCap: Math.max(0, axisWidth - LABEL_GAP),
    rowAt: (placed.own.rows ? panels : panels.filter((p) => p.gridCol === 0)).map(at),
    colAt: placed.own.cols ? panels.map(at) : colAt,
  };
}

/**
 * Titles of the panels (a wrapped row) or the row and column labels of a grid, as DOM
 * text over the plot box (they take no pointer events: the plot box's own handlers know
 * what is under the pointer).
 * @param {HTMLElement} plotbox
 */
export function createPanelTitles(plotbox) {
  const layer = document.createElement("div");
  layer.className = "tokenheat-panel-titles";
  plotbox.appendChild(layer);
  /** @type {HTMLElement[]} */
  let nodes = [];

  /**
   * @param {string} className
   * @param {string} text
   * @param {{ x: number, y: number, w: number, h: number }} r
   * @param {Record<string, string>} data
   */
  function node(className, text, r, data) {
    const el = document.createElement("div");
    el.className = className;
    el.textContent = text;
    el.title = text;
    Object.assign(el.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    Object.assign(el.dataset, data);
    return el;
  }

  return {
    /**
     * @param {PanelState} ps
     * @param {ReturnType<typeof placePanels>} placed
     */
    update(ps, placed) {
      for (const el of nodes) el.remove();
      nodes = [];
      if (!placed.single) {
        for (const p of placed.layout.panels) {
          if (p.title)
            nodes.push(
              node("tokenheat-panel-title", ps.labels[p.index], p.title, { panel: String(p.index) }),
            );
        }
        for (const r of placed.layout.gridLabels.rows) {
          nodes.push(
            node("tokenheat-grid-label", ps.gridRows[r.index], r, { axis: "row", index: String(r.index) }),
          );
        }
        for (const c of placed.layout.gridLabels.cols) {
          nodes.push(
            node("tokenheat-grid-label", ps.gridCols[c.index], c, { axis: "col", index: String(c.index) }),
          );
        }
      }
      layer.append(...nodes);
    },
    destroy() {
      layer.remove();
    },
  };
}

/**
 * Outlines of the hovered cell, one in every panel shown (they share the view, so it is
 * the same cell in each), as boxes over the plot box that take no pointer events.
 * @param {HTMLElement} plotbox
 */
export function createHoverOutlines(plotbox) {
  /** @type {HTMLElement[]} */
  let nodes = [];
  return {
    /** @param {Array<{ left: number, top: number, width: number, height: number }>} boxes */
    update(boxes) {
      while (nodes.length > boxes.length) /** @type {HTMLElement} */ (nodes.pop()).remove();
      while (nodes.length < boxes.length) {
        const el = document.createElement("div");
        el.className = "tokenheat-hover";
        el.setAttribute("aria-hidden", "true");
        plotbox.appendChild(el);
        nodes.push(el);
      }
      boxes.forEach((b, i) => {
        Object.assign(nodes[i].style, {
          left: `${b.left}px`,
          top: `${b.top}px`,
          width: `${b.width}px`,
          height: `${b.height}px`,
        });
      });
    },
    destroy() {
      for (const el of nodes) el.remove();
      nodes = [];
    },
  };
}
