// Row and column labels as DOM text. Only the thinned subset chosen by the layout gets a
// node (at most MAX_LABELS per axis); nodes are pooled and reused across layouts. Where a
// label goes is computed once (labelPlace), for the DOM and for the export alike.

import { centerOf } from "./layout.js";

/** @typedef {import("./layout.js").Layout} Layout */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */

const LABEL_GAP = 6;

/**
 * Where one line of text goes, in CSS px of the widget. The text's line box has its
 * `align` side at `x` (its middle for "center") and its `baseline` ("middle" or "top")
 * at `y`; it is then turned `rotation` degrees counter-clockwise about (x, y). Text wider
 * than `cap` is elided with "…" and then starts at the box's left edge (`x - cap` for
 * "right", `x - cap / 2` for "center"), as CSS's text-overflow does.
 * @typedef {Object} TextPlace
 * @property {number} x
 * @property {number} y
 * @property {"left" | "center" | "right"} align
 * @property {"middle" | "top"} baseline which part of the line box is at y
 * @property {number} lineHeight height of the line box
 * @property {0 | 45 | 90} rotation
 * @property {number} cap widest the text may be (Infinity: no limit)
 */

/** @typedef {TextPlace & { text: string }} TextItem */

/** @returns {TextPlace} */
export const newPlace = () => ({
  x: 0,
  y: 0,
  align: "left",
  baseline: "middle",
  lineHeight: 0,
  rotation: 0,
  cap: Infinity,
});

/**
 * Where the label of row or column `i` goes (written into `out`, which the DOM update
 * reuses so that a redraw allocates nothing).
 * @param {Layout} layout
 * @param {ViewWindow} view
 * @param {"row" | "col"} axis
 * @param {number} i matrix index
 * @param {number} lineHeight
 * @param {TextPlace} out
 * @returns {TextPlace} out
 */
export function labelPlace(layout, view, axis, i, lineHeight, out) {
  const { plot } = layout;
  out.lineHeight = lineHeight;
  if (axis === "row") {
    out.x = plot.left - LABEL_GAP;
    out.y = plot.top + centerOf(view.row0, view.row1, i, plot.height);
    out.align = "right";
    out.baseline = "middle";
    out.rotation = 0;
    out.cap = layout.rows.cap;
    return out;
  }
  const { rotation } = layout.cols;
  out.x = plot.left + centerOf(view.col0, view.col1, i, plot.width);
  out.y = layout.colTop;
  // horizontal labels hang below colTop; rotated ones turn about their right end
  out.align = rotation === 0 ? "center" : "right";
  out.baseline = rotation === 0 ? "top" : "middle";
  out.rotation = rotation;
  out.cap = layout.cols.cap;
  return out;
}

/**
 * The row and column labels the layout shows, with their text and place.
 * @param {Layout} layout
 * @param {ViewWindow} view
 * @param {(i: number) => string} rowText
 * @param {(i: number) => string} colText
 * @param {number} lineHeight
 * @returns {TextItem[]}
 */
export function axisLabelItems(layout, view, rowText, colText, lineHeight) {
  /** @type {TextItem[]} */
  const items = [];
  for (const i of layout.rows.indices) {
    items.push({ ...labelPlace(layout, view, "row", i, lineHeight, newPlace()), text: rowText(i) });
  }
  for (const i of layout.cols.indices) {
    items.push({ ...labelPlace(layout, view, "col", i, lineHeight, newPlace()), text: colText(i) });
  }
  return items;
}

/**
 * A pool of absolutely positioned label elements inside one layer.
 * @param {HTMLElement} layer
 * @param {string} className
 */
function labelPool(layer, className) {
  /** @type {HTMLDivElement[]} */
  const nodes = [];
  return {
    /**
     * @param {number} n
     * @returns {HTMLDivElement[]}
     */
    take(n) {
      while (nodes.length < n) {
        const d = document.createElement("div");
        d.className = className;
        layer.appendChild(d);
        nodes.push(d);
      }
      while (nodes.length > n) /** @type {HTMLDivElement} */ (nodes.pop()).remove();
      return nodes;
    },
  };
}

/**
 * @param {HTMLDivElement} node
 * @param {string} text
 * @param {boolean} elided
 */
function setText(node, text, elided) {
  if (node.textContent !== text) node.textContent = text;
  if (elided) node.title = text;
  else if (node.title) node.removeAttribute("title");
}

/**
 * Which row / column a label names (for clicks on it), and whether it is selected.
 * @param {HTMLDivElement} node
 * @param {number} i
 * @param {boolean} selected
 */
function setIndex(node, i, selected) {
  const s = String(i);
  if (node.dataset.index !== s) node.dataset.index = s;
  if (selected !== (node.dataset.selected === "true")) {
    if (selected) node.dataset.selected = "true";
    else delete node.dataset.selected;
  }
}

/**
 * @param {HTMLElement} root
 */
export function createAxes(root) {
  const rowLayer = document.createElement("div");
  rowLayer.className = "tokenheat-layer tokenheat-row-labels";
  const colLayer = document.createElement("div");
  colLayer.className = "tokenheat-layer tokenheat-col-labels";
  root.append(rowLayer, colLayer);
  const rowPool = labelPool(rowLayer, "tokenheat-row-label");
  const colPool = labelPool(colLayer, "tokenheat-col-label");
  const place = newPlace();

  return {
    /**
     * Place the labels the layout selected.
     * @param {Layout} layout
     * @param {ViewWindow} view
     * @param {(i: number) => string} rowText
     * @param {(i: number) => string} colText
     * @param {(i: number) => number} rowWidth measured width of row label i
     * @param {(i: number) => number} colWidth measured width of column label i
     * @param {number} lineHeight
     * @param {number} selRow the selected row (its label is emphasised), or -1
     * @param {number} selCol the selected column, or -1
     */
    update(layout, view, rowText, colText, rowWidth, colWidth, lineHeight, selRow, selCol) {
      const { rows, cols } = layout;
      const rowNodes = rowPool.take(rows.indices.length);
      const maxW = `${rows.cap}px`;
      const lh = `${lineHeight}px`;
      for (let j = 0; j < rows.indices.length; j++) {
        const i = rows.indices[j];
        const p = labelPlace(layout, view, "row", i, lineHeight, place);
        const s = rowNodes[j].style;
        s.right = `${layout.width - p.x}px`;
        s.top = `${p.y}px`;
        s.maxWidth = maxW;
        s.lineHeight = lh;
        setText(rowNodes[j], rowText(i), rowWidth(i) > rows.cap);
        setIndex(rowNodes[j], i, i === selRow);
      }
      const colNodes = colPool.take(cols.indices.length);
      const rotation = String(cols.rotation);
      const cmax = `${cols.cap}px`;
      for (let j = 0; j < cols.indices.length; j++) {
        const i = cols.indices[j];
        const node = colNodes[j];
        const s = node.style;
        const p = labelPlace(layout, view, "col", i, lineHeight, place);
        if (node.dataset.rotation !== rotation) node.dataset.rotation = rotation;
        if (p.align === "center") {
          s.left = `${p.x}px`;
          s.right = "";
        } else {
          s.left = "";
          s.right = `${layout.width - p.x}px`;
        }
        s.top = `${p.y}px`;
        s.maxWidth = cmax;
        s.lineHeight = lh;
        setText(node, colText(i), colWidth(i) > cols.cap);
        setIndex(node, i, i === selCol);
      }
    },
  };
}
