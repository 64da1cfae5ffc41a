// A source read in the background (Python's tokenheat._source_levels, docs/architecture.md
// "A source read in the background"): the rows not read yet are veiled, with how far the
// read has come (or why it stopped), so that nothing unread is taken for data. The veil is
// a striped `.tokenheat-reading` box over the plot, from the first unread row down; of
// panels (read a band of rows of every panel at a time), one such box over each panel,
// the first saying how far the read has come.

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */

/**
 * `_rows_read` as read: the rows read so far, or -1 when nothing is being read (every row
 * is, or the matrix is not a source read in the background).
 * @param {unknown} v
 */
export function readRowsRead(v) {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : -1;
}

/**
 * The rows drawn of a source read in the background: those read (`_rows_read`, -1 for
 * all) that the view has (its overview's rows come a few at a time), or -1 for all.
 * @param {unknown} rowsRead `_rows_read`
 * @param {number} had source rows whose overview rows the view has (lod `rowsHad`)
 */
export function rowsDrawn(rowsRead, had) {
  const read = readRowsRead(rowsRead);
  return read < 0 ? -1 : Math.min(read, had);
}

/**
 * What the veil says: how far the read has come, or why it stopped.
 * @param {number} read rows read
 * @param {number} rows rows of the matrix
 * @param {string} error `_read_error`
 */
export function readingText(read, rows, error) {
  const where = `${read.toLocaleString("en-US")} of ${rows.toLocaleString("en-US")} rows`;
  if (error) return `reading the source stopped at ${where}: ${error}`;
  const pct = Math.floor((100 * read) / Math.max(1, rows));
  return `reading the source: ${pct} % (${where})`;
}

/**
 * The veil's top and height (CSS px) in a plot of height `height` showing `view`, or null
 * when every row shown is read.
 * @param {number} read rows read
 * @param {ViewWindow} view
 * @param {number} height
 */
export function veilBox(read, view, height) {
  if (read >= view.row1) return null;
  const top = Math.max(0, ((read - view.row0) / (view.row1 - view.row0)) * height);
  return { top, height: height - top };
}

/** @typedef {{ x: number, y: number, w: number, h: number }} Rect */

/**
 * @param {HTMLElement} el
 * @param {Rect} rect the panel, CSS px in the plot
 * @param {{ top: number, height: number }} box the veil in it
 */
function place(el, rect, box) {
  const st = el.style;
  st.left = `${rect.x}px`;
  st.top = `${rect.y + box.top}px`;
  st.width = `${rect.w}px`;
  st.height = `${box.height}px`;
}

/**
 * @param {HTMLElement} plotbox
 */
export function createReadingVeil(plotbox) {
  const el = document.createElement("div");
  el.className = "tokenheat-reading";
  el.setAttribute("role", "status");
  el.hidden = true;
  const label = document.createElement("span");
  el.appendChild(label);
  plotbox.appendChild(el);
  /** @type {HTMLElement[]} the veils over the other panels (no text) */
  const more = [];
  return {
    el,
    /**
     * @param {number} read `_rows_read` as read (-1: nothing pending)
     * @param {number} rows
     * @param {string} error
     * @param {ViewWindow} view
     * @param {{ width: number, height: number }} plot CSS px
     * @param {Rect[]} [panels] the panels shown (CSS px in the plot); none: the plot
     */
    update(read, rows, error, view, plot, panels = []) {
      const rects = panels.length ? panels : [{ x: 0, y: 0, w: plot.width, h: plot.height }];
      const box = read < 0 ? null : veilBox(read, view, rects[0].h);
      el.hidden = !box;
      for (const m of more) m.hidden = true;
      if (!box) return;
      const text = readingText(read, rows, error);
      if (label.textContent !== text) label.textContent = text; // (token text is never here)
      el.dataset.error = error ? "true" : "false";
      place(el, rects[0], box);
      for (let k = 1; k < rects.length; k++) {
        if (!more[k - 1]) {
          const m = document.createElement("div");
          m.className = "tokenheat-reading";
          m.setAttribute("aria-hidden", "true");
          plotbox.appendChild(m);
          more.push(m);
        }
        more[k - 1].hidden = false;
        place(more[k - 1], rects[k], box); // (panels are all of one size: the same veil)
      }
    },
  };
}
