// Token text drawn over the cells, only where a cell is large enough to hold it legibly.
// Black or white text, whichever contrasts with the cell's colour (computed with the same
// mapping as the cells).

import { lutIndex } from "./color.js";
import { centerOf } from "./layout.js";

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */

const MIN_FONT_PX = 9;
const CELL_PAD = 2;
const ELLIPSIS = "\u2026";

/**
 * Token font size for a cell height, or 0 when text would be too small to read.
 * @param {number} cellHeight CSS px
 * @param {number} baseSize the labels' font size
 */
export function tokenFontSize(cellHeight, baseSize) {
  const px = Math.min(Math.round(baseSize * 1.1), Math.floor(cellHeight * 0.7));
  return px >= MIN_FONT_PX ? px : 0;
}

/**
 * Longest prefix of `text` that fits `room` px with an ellipsis, or "" if none does.
 * @param {string} text
 * @param {number} room
 * @param {(s: string) => number} measure
 */
export function elide(text, room, measure) {
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(chars.slice(0, mid).join("") + ELLIPSIS) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? chars.slice(0, lo).join("") + ELLIPSIS : "";
}

/**
 * Room (CSS px) for token text across a cell of the view.
 * @param {{ width: number, height: number }} plot
 * @param {ViewWindow} view
 */
export function tokenRoom(plot, view) {
  return plot.width / (view.col1 - view.col0) - 2 * CELL_PAD;
}

/**
 * Font size of token text in the cells of a view, or 0 when cells are too small (in
 * either direction) for legible text.
 * @param {{ width: number, height: number }} plot
 * @param {ViewWindow} view
 * @param {number} baseSize the labels' font size
 */
export function tokenPx(plot, view, baseSize) {
  const px = tokenFontSize(plot.height / (view.row1 - view.row0), baseSize);
  return px === 0 || tokenRoom(plot, view) < px * 0.5 ? 0 : px;
}

/**
 * Visit every token drawn in the view: its text (elided to `room`), the centre of its
 * cell (CSS px from the plot's top left) and whether it is white (else black). The
 * overlay and the SVG export both go through here.
 * @param {MatrixData} data
 * @param {unknown[]} tokens `_tokens`, rows*cols entries
 * @param {ViewWindow} view
 * @param {ColorScale} scale
 * @param {Uint8Array} whiteText per LUT entry: 1 = white text
 * @param {{ width: number, height: number }} plot
 * @param {number} room px available for the text
 * @param {(s: string) => number} measure width of a string in the token font
 * @param {Map<string, string>} fitted cache of elided tokens (cleared by the caller)
 * @param {(text: string, x: number, y: number, white: number) => void} visit
 * @returns {number} how many tokens were visited
 */
export function forEachToken(data, tokens, view, scale, whiteText, plot, room, measure, fitted, visit) {
  const { rows, cols, values } = data;
  let drawn = 0;
  const r0 = Math.max(0, Math.floor(view.row0));
  const r1 = Math.min(rows, Math.ceil(view.row1));
  const c0 = Math.max(0, Math.floor(view.col0));
  const c1 = Math.min(cols, Math.ceil(view.col1));
  for (let r = r0; r < r1; r++) {
    const y = centerOf(view.row0, view.row1, r, plot.height);
    for (let c = c0; c < c1; c++) {
      const i = r * cols + c;
      const tok = tokens[i];
      if (typeof tok !== "string" || tok === "") continue;
      const k = lutIndex(values[i], scale.vmin, scale.vmax, scale.center);
      if (k < 0) continue;
      let text = fitted.get(tok);
      if (text === undefined) {
        text = measure(tok) <= room ? tok : elide(tok, room, measure);
        fitted.set(tok, text);
      }
      if (!text) continue;
      visit(text, centerOf(view.col0, view.col1, c, plot.width), y, whiteText[k]);
      drawn++;
    }
  }
  return drawn;
}

/**
 * @param {HTMLCanvasElement} canvas
 */
export function createOverlay(canvas) {
  const ctx = canvas.getContext("2d");
  /** @type {Map<string, string>} */
  const fitted = new Map();
  let white = -1;
  /** @param {string} s */
  const measure = (s) => (ctx ? ctx.measureText(s).width : 0);
  /**
   * @param {string} text
   * @param {number} x
   * @param {number} y
   * @param {number} w
   */
  const fill = (text, x, y, w) => {
    if (!ctx) return;
    if (w !== white) {
      white = w;
      ctx.fillStyle = w ? "#ffffff" : "#000000";
    }
    ctx.fillText(text, x, y);
  };

  return {
    /**
     * @param {number} w device px
     * @param {number} h device px
     */
    resize(w, h) {
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
    },

    /**
     * @param {MatrixData} data
     * @param {unknown} tokens `_tokens`
     * @param {ViewWindow} view
     * @param {ColorScale} scale
     * @param {Uint8Array} whiteText per LUT entry: 1 = white text
     * @param {{ width: number, height: number }} plot CSS px
     * @param {number} dpr
     * @param {{ family: string, size: number }} font
     * @returns {number} how many tokens were drawn
     */
    draw(data, tokens, view, scale, whiteText, plot, dpr, font) {
      if (!ctx) return 0;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (!Array.isArray(tokens) || tokens.length !== data.rows * data.cols) return 0;
      const px = tokenPx(plot, view, font.size);
      if (px === 0) return 0;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = `${px}px ${font.family}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      fitted.clear();
      white = -1;
      return forEachToken(
        data,
        tokens,
        view,
        scale,
        whiteText,
        plot,
        tokenRoom(plot, view),
        measure,
        fitted,
        fill,
      );
    },

    clear() {
      if (!ctx) return;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    },
  };
}
