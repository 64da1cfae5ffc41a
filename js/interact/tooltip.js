// Hover tooltip: panel, row, column, token and value of the cell under the pointer, as text.

/**
 * @typedef {Object} TooltipContent
 * @property {number} row
 * @property {string} rowLabel
 * @property {number} col
 * @property {string} colLabel
 * @property {string | null} token null when there are no tokens
 * @property {string | null} value null for NaN
 * @property {number} [rowEnd] last row, when the value stands for a block of cells (the
 *   overview of a big matrix, where the strongest cell's own place is not known)
 * @property {string} [rowEndLabel]
 * @property {number} [colEnd]
 * @property {string} [colEndLabel]
 * @property {Aggregate | null} [aggregate] set when the pixel under the pointer stands for
 *   several cells (zoomed out): it shows the strongest of them, the one described
 * @property {string | null} [panel] the panel's label (e.g. "L3 H7"), the first line when
 *   set; null or absent for a single heatmap
 * @property {boolean} [unread] no value because the source's rows are not read yet (a
 *   source read in the background): "not read yet" instead of "no value"
 * @property {boolean} [padding] the cell is NaN padding of a panel smaller than the
 *   stack's shape: "no value (padding)" instead of "no value"
 */

/**
 * @typedef {Object} Aggregate
 * @property {number} count cells the pixel covers
 * @property {[number, number]} rows first and last covered row
 * @property {[number, number]} cols first and last covered column
 */

const OFFSET = 14;
const MARGIN = 4;

/**
 * @param {HTMLElement} root
 */
export function createTooltip(root) {
  const tip = document.createElement("div");
  tip.className = "tokenheat-tooltip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  /** @param {string} name */
  const line = (name) => {
    const key = document.createElement("span");
    key.className = "tokenheat-tooltip-key";
    const value = document.createElement("span");
    value.className = "tokenheat-tooltip-value";
    value.dataset.field = name;
    tip.append(key, value);
    return { key, value };
  };
  const panelLine = line("panel");
  const rowLine = line("row");
  const colLine = line("column");
  const tokenLine = line("token");
  const valueLine = line("value");
  const pixelLine = line("pixel");
  panelLine.key.textContent = "panel";
  // the panel line is in the tooltip only while it names a panel (a single heatmap's
  // tooltip starts with its row, as it always has)
  panelLine.key.remove();
  panelLine.value.remove();
  tokenLine.key.textContent = "token";
  valueLine.key.textContent = "value";
  pixelLine.key.textContent = "pixel";
  root.appendChild(tip);
  let shownRow = -1;
  let shownCol = -1;
  let shown = "";

  return {
    /** Cell currently described, or [-1, -1]. */
    get cell() {
      return [shownRow, shownCol];
    },

    /**
     * Describe a cell (when it changed) and place the box near the pointer, inside the
     * widget and the viewport.
     * @param {number} clientX
     * @param {number} clientY
     * @param {TooltipContent} c
     */
    show(clientX, clientY, c) {
      const a = c.aggregate;
      const pixel = a
        ? `strongest of ${a.count.toLocaleString("en-US")} cells (rows ${a.rows[0]}\u2013${a.rows[1]}, columns ${a.cols[0]}\u2013${a.cols[1]})`
        : "";
      const rowEnd = c.rowEnd ?? c.row;
      const colEnd = c.colEnd ?? c.col;
      const panel = c.panel ?? null;
      const what = JSON.stringify([
        panel,
        c.row,
        rowEnd,
        c.col,
        colEnd,
        c.value,
        c.padding === true,
        c.unread === true,
        pixel,
      ]);
      if (what !== shown || tip.hidden) {
        pixelLine.key.hidden = pixelLine.value.hidden = !pixel;
        pixelLine.value.textContent = pixel;
        shown = what;
        if (panel === null) {
          panelLine.key.remove();
          panelLine.value.remove();
        } else if (!panelLine.key.isConnected) {
          tip.prepend(panelLine.key, panelLine.value);
        }
        panelLine.value.textContent = panel ?? "";
        // a block of cells (a big matrix's overview) names its first and last row/column
        rowLine.key.textContent = rowEnd > c.row ? `rows ${c.row}\u2013${rowEnd}` : `row ${c.row}`;
        rowLine.value.textContent =
          rowEnd > c.row ? `${c.rowLabel} \u2026 ${c.rowEndLabel ?? rowEnd}` : c.rowLabel;
        colLine.key.textContent = colEnd > c.col ? `columns ${c.col}\u2013${colEnd}` : `column ${c.col}`;
        colLine.value.textContent =
          colEnd > c.col ? `${c.colLabel} \u2026 ${c.colEndLabel ?? colEnd}` : c.colLabel;
        tokenLine.key.hidden = tokenLine.value.hidden = c.token === null;
        tokenLine.value.textContent = c.token ?? "";
        valueLine.value.textContent =
          c.value ?? (c.unread ? "not read yet" : c.padding ? "no value (padding)" : "no value");
        shownRow = c.row;
        shownCol = c.col;
        tip.hidden = false;
      }
      const box = root.getBoundingClientRect();
      const tw = tip.offsetWidth;
      const th = tip.offsetHeight;
      const vw = document.documentElement.clientWidth || window.innerWidth;
      const vh = window.innerHeight;
      // allowed client-space interval: the widget's box intersected with the viewport
      const minX = Math.max(box.left, 0) + MARGIN;
      const maxX = Math.min(box.right, vw) - MARGIN - tw;
      const minY = Math.max(box.top, 0) + MARGIN;
      const maxY = Math.min(box.bottom, vh) - MARGIN - th;
      let x = clientX + OFFSET;
      if (x > maxX) x = clientX - OFFSET - tw;
      let y = clientY + OFFSET;
      if (y > maxY) y = clientY - OFFSET - th;
      x = Math.max(minX, Math.min(x, maxX));
      y = Math.max(minY, Math.min(y, maxY));
      tip.style.transform = `translate(${Math.round(x - box.left)}px, ${Math.round(y - box.top)}px)`;
    },

    hide() {
      tip.hidden = true;
      shownRow = shownCol = -1;
    },
  };
}
