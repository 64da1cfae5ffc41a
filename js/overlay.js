// Token text drawn over the cells, only where a cell is large enough to hold it legibly.
// Black or white text, whichever contrasts with the cell's colour (computed with the same
// mapping as the cells).

import { lutIndex } from "./color.js";
import { centerOf } from "./layout.js";

/** @typedef {import("./data.js").MatrixData} MatrixData */
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
 * @param {HTMLCanvasElement} canvas
 */
export function createOverlay(canvas) {
  const ctx = canvas.getContext("2d");
  /** @type {Map<string, string>} */
  const fitted = new Map();

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
      const { rows, cols, values } = data;
      if (!Array.isArray(tokens) || tokens.length !== rows * cols) return 0;
      const cellW = plot.width / (view.col1 - view.col0);
      const cellH = plot.height / (view.row1 - view.row0);
      const px = tokenFontSize(cellH, font.size);
      const room = cellW - 2 * CELL_PAD;
      if (px === 0 || room < px * 0.5) return 0;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = `${px}px ${font.family}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      fitted.clear();
      /** @param {string} s */
      const measure = (s) => ctx.measureText(s).width;
      let drawn = 0;
      let white = -1;
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
          if (whiteText[k] !== white) {
            white = whiteText[k];
            ctx.fillStyle = white ? "#ffffff" : "#000000";
          }
          ctx.fillText(text, centerOf(view.col0, view.col1, c, plot.width), y);
          drawn++;
        }
      }
      return drawn;
    },

    clear() {
      if (!ctx) return;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    },
  };
}
