// Row and column labels as DOM text. Only the thinned subset chosen by the layout gets a
// node (at most MAX_LABELS per axis); nodes are pooled and reused across layouts. Where a
// label goes is computed once (labelPlace), for the DOM and for the export alike.

import { labelCenter } from "./layout.js";

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

/**
 * The text of the label of row / column `i` beside / under panel `p` (-1: the matrix
 * shown alone), or null when that panel has no such label (labels of each panel's own
 * stop at the panel's own rows / columns: padding has none).
 * @typedef {(i: number, p: number) => string | null} LabelText
 */

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
 * reuses so that a redraw allocates nothing). With many panels (`layout.panelAxes`), `at`
 * says beside / under which of its panels: `panelAxes.rowAt[at]` or `colAt[at]`.
 * @param {Layout} layout
 * @param {ViewWindow} view
 * @param {"row" | "col"} axis
 * @param {number} i matrix index
 * @param {number} lineHeight
 * @param {TextPlace} out
 * @param {number} [at] which panel's labels (many panels only)
 * @returns {TextPlace} out
 */
export function labelPlace(layout, view, axis, i, lineHeight, out, at = 0) {
  const { plot, panelAxes: pa } = layout;
  // the box the labels go beside / under: the plot area, or one of many panels
  const left = pa ? pa[axis === "row" ? "rowAt" : "colAt"][at].x : plot.left;
  const top = pa ? pa[axis === "row" ? "rowAt" : "colAt"][at].y : plot.top;
  const width = pa ? pa.width : plot.width;
  const height = pa ? pa.height : plot.height;
  out.lineHeight = lineHeight;
  if (axis === "row") {
    out.x = left - LABEL_GAP;
    out.y = top + labelCenter(view.row0, view.row1, i, height);
    out.align = "right";
    out.baseline = "middle";
    out.rotation = 0;
    out.cap = layout.rows.cap;
    return out;
  }
  const { rotation } = layout.cols;
  out.x = left + labelCenter(view.col0, view.col1, i, width);
  // as far below its box as colTop is below the plot area
  out.y = layout.colTop + (top + height - (plot.top + plot.height));
  // horizontal labels hang below colTop; rotated ones turn about their right end
  out.align = rotation === 0 ? "center" : "right";
  out.baseline = rotation === 0 ? "top" : "middle";
  out.rotation = rotation;
  out.cap = layout.cols.cap;
  return out;
}

/**
 * How many sets of labels an axis has: one per row (column) of panels with many panels,
 * else one.
 * @param {Layout} layout
 * @param {"row" | "col"} axis
 */
const setsOf = (layout, axis) =>
  layout.panelAxes ? layout.panelAxes[axis === "row" ? "rowAt" : "colAt"].length : 1;

/**
 * The panel a set of labels belongs to (-1: the one matrix shown).
 * @param {Layout} layout
 * @param {"row" | "col"} axis
 * @param {number} at
 */
const panelOfSet = (layout, axis, at) =>
  layout.panelAxes ? layout.panelAxes[axis === "row" ? "rowAt" : "colAt"][at].panel : -1;

/**
 * How many of a set's labels its panel has: the indices are ascending, and a panel's
 * own labels stop at its own length, so they are a prefix.
 * @param {number[]} indices
 * @param {LabelText} text
 * @param {number} panel
 */
function labelledPrefix(indices, text, panel) {
  let n = 0;
  while (n < indices.length && text(indices[n], panel) !== null) n++;
  return n;
}

/**
 * The row and column labels the layout shows, with their text and place.
 * @param {Layout} layout
 * @param {ViewWindow} view
 * @param {LabelText} rowText
 * @param {LabelText} colText
 * @param {number} lineHeight
 * @returns {TextItem[]}
 */
export function axisLabelItems(layout, view, rowText, colText, lineHeight) {
  /** @type {TextItem[]} */
  const items = [];
  for (const [axis, text] of /** @type {const} */ ([
    ["row", rowText],
    ["col", colText],
  ])) {
    const { indices } = axis === "row" ? layout.rows : layout.cols;
    for (let at = 0; at < setsOf(layout, axis); at++) {
      const panel = panelOfSet(layout, axis, at);
      for (const i of indices) {
        const t = text(i, panel);
        if (t === null) break;
        items.push({ ...labelPlace(layout, view, axis, i, lineHeight, newPlace(), at), text: t });
      }
    }
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
 * Which row / column a label names, in which panel (for clicks on it; -1: the one
 * matrix shown, no `data-panel`), and whether it is selected.
 * @param {HTMLDivElement} node
 * @param {number} i
 * @param {number} panel
 * @param {boolean} selected
 */
function setIndex(node, i, panel, selected) {
  const s = String(i);
  if (node.dataset.index !== s) node.dataset.index = s;
  const p = String(panel);
  if (panel < 0) delete node.dataset.panel;
  else if (node.dataset.panel !== p) node.dataset.panel = p;
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
     * Place the labels the layout selected (with many panels, a set beside / under each
     * of the panels that `layout.panelAxes` names, as far as that panel has labels).
     * @param {Layout} layout
     * @param {ViewWindow} view
     * @param {LabelText} rowText
     * @param {LabelText} colText
     * @param {(i: number, p: number) => number} rowWidth measured width of row label i
     *   of panel p (-1: the matrix shown alone)
     * @param {(i: number, p: number) => number} colWidth measured width of column label i
     * @param {number} lineHeight
     * @param {number} selRow the selected row (its label is emphasised), or -1
     * @param {number} selCol the selected column, or -1
     * @param {number} [selPanel] the selected cell's panel (many panels), or -1
     */
    update(layout, view, rowText, colText, rowWidth, colWidth, lineHeight, selRow, selCol, selPanel = -1) {
      const { rows, cols } = layout;
      const rowSets = setsOf(layout, "row");
      let count = 0;
      for (let at = 0; at < rowSets; at++)
        count += labelledPrefix(rows.indices, rowText, panelOfSet(layout, "row", at));
      const rowNodes = rowPool.take(count);
      const maxW = `${rows.cap}px`;
      const lh = `${lineHeight}px`;
      let j = 0;
      for (let at = 0; at < rowSets; at++) {
        const panel = panelOfSet(layout, "row", at);
        for (const i of rows.indices) {
          const text = rowText(i, panel);
          if (text === null) break;
          const p = labelPlace(layout, view, "row", i, lineHeight, place, at);
          const node = rowNodes[j++];
          const s = node.style;
          s.right = `${layout.width - p.x}px`;
          s.top = `${p.y}px`;
          s.maxWidth = maxW;
          s.lineHeight = lh;
          setText(node, text, rowWidth(i, panel) > rows.cap);
          setIndex(node, i, panel, i === selRow && (panel < 0 || panel === selPanel));
        }
      }
      const colSets = setsOf(layout, "col");
      count = 0;
      for (let at = 0; at < colSets; at++)
        count += labelledPrefix(cols.indices, colText, panelOfSet(layout, "col", at));
      const colNodes = colPool.take(count);
      const rotation = String(cols.rotation);
      const cmax = `${cols.cap}px`;
      j = 0;
      for (let at = 0; at < colSets; at++) {
        const panel = panelOfSet(layout, "col", at);
        for (const i of cols.indices) {
          const text = colText(i, panel);
          if (text === null) break;
          const node = colNodes[j++];
          const s = node.style;
          const p = labelPlace(layout, view, "col", i, lineHeight, place, at);
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
          setText(node, text, colWidth(i, panel) > cols.cap);
          setIndex(node, i, panel, i === selCol && (panel < 0 || panel === selPanel));
        }
      }
    },
  };
}
