// Row and column labels as DOM text. Only the thinned subset chosen by the layout gets a
// node (at most MAX_LABELS per axis); nodes are pooled and reused across layouts.

import { centerOf } from "./layout.js";

/** @typedef {import("./layout.js").Layout} Layout */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */

const LABEL_GAP = 6;

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
      const { plot, rows, cols } = layout;
      const rowNodes = rowPool.take(rows.indices.length);
      const right = `${layout.width - (plot.left - LABEL_GAP)}px`;
      const maxW = `${rows.cap}px`;
      for (let j = 0; j < rows.indices.length; j++) {
        const i = rows.indices[j];
        const s = rowNodes[j].style;
        s.right = right;
        s.top = `${plot.top + centerOf(view.row0, view.row1, i, plot.height)}px`;
        s.maxWidth = maxW;
        s.lineHeight = `${lineHeight}px`;
        setText(rowNodes[j], rowText(i), rowWidth(i) > rows.cap);
        setIndex(rowNodes[j], i, i === selRow);
      }
      const colNodes = colPool.take(cols.indices.length);
      const rotation = String(cols.rotation);
      const top = `${layout.colTop}px`;
      const cmax = `${cols.cap}px`;
      for (let j = 0; j < cols.indices.length; j++) {
        const i = cols.indices[j];
        const node = colNodes[j];
        const s = node.style;
        const x = plot.left + centerOf(view.col0, view.col1, i, plot.width);
        if (node.dataset.rotation !== rotation) node.dataset.rotation = rotation;
        if (cols.rotation === 0) {
          s.left = `${x}px`;
          s.right = "";
        } else {
          s.left = "";
          s.right = `${layout.width - x}px`;
        }
        s.top = top;
        s.maxWidth = cmax;
        s.lineHeight = `${lineHeight}px`;
        setText(node, colText(i), colWidth(i) > cols.cap);
        setIndex(node, i, i === selCol);
      }
    },
  };
}
