// The colour bar: a canvas drawn from the LUT with the same mapping as the cells, round
// tick labels, a vertical title and "extend" triangles when data fall outside the range.

import { colorOf, lutIndex } from "./color.js";
import { EXT_HEIGHT } from "./layout.js";
import { formatTick, niceTicks } from "./ticks.js";

/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").Layout} Layout */

/**
 * How many ticks fit on a bar of this height (about one per 70 px; on a very short bar
 * two, since the range inputs above and below it show the ends).
 * @param {number} barHeight
 */
export function maxTickCount(barHeight) {
  return barHeight < 60 ? 2 : Math.max(3, Math.floor(barHeight / 70) + 1);
}

/**
 * Tick values and their labels.
 * @param {number} vmin
 * @param {number} vmax
 * @param {number} barHeight
 * @returns {{ values: number[], labels: string[] }}
 */
export function colorbarTicks(vmin, vmax, barHeight) {
  const { values, step } = niceTicks(vmin, vmax, maxTickCount(barHeight));
  return { values, labels: values.map((v) => formatTick(v, step)) };
}

/**
 * @param {HTMLElement} root
 */
export function createColorbar(root) {
  const canvas = document.createElement("canvas");
  canvas.className = "tokenheat-colorbar";
  canvas.setAttribute("aria-hidden", "true");
  const title = document.createElement("div");
  title.className = "tokenheat-colorbar-title";
  const low = document.createElement("div");
  low.className = "tokenheat-colorbar-extend";
  low.dataset.side = "low";
  low.hidden = true;
  const high = document.createElement("div");
  high.className = "tokenheat-colorbar-extend";
  high.dataset.side = "high";
  high.hidden = true;
  const tickLayer = document.createElement("div");
  tickLayer.className = "tokenheat-layer tokenheat-colorbar-ticks";
  root.append(canvas, low, high, tickLayer, title);
  /** @type {HTMLDivElement[]} */
  const ticks = [];
  /** @type {ImageData | null} */
  let image = null;

  return {
    /**
     * @param {Layout} layout
     * @param {number} dpr
     * @param {string} titleText
     * @param {number} lineHeight
     */
    place(layout, dpr, titleText, lineHeight) {
      const { bar } = layout;
      const s = canvas.style;
      s.left = `${bar.left}px`;
      s.top = `${bar.top}px`;
      s.width = `${bar.width}px`;
      s.height = `${bar.height}px`;
      const w = Math.max(1, Math.round(bar.width * dpr));
      const h = Math.max(1, Math.round(bar.height * dpr));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      for (const [el, y] of /** @type {const} */ ([
        [high, bar.top - EXT_HEIGHT],
        [low, bar.top + bar.height + 1],
      ])) {
        el.style.left = `${bar.left}px`;
        el.style.top = `${y}px`;
        el.style.width = `${bar.width}px`;
        el.style.height = `${EXT_HEIGHT - 1}px`;
      }
      title.textContent = titleText;
      title.hidden = !titleText;
      title.style.left = `${layout.barTitleLeft}px`;
      title.style.top = `${bar.top}px`;
      title.style.height = `${bar.height}px`;
      title.style.width = `${lineHeight}px`;
      title.style.lineHeight = `${lineHeight}px`;
    },

    /**
     * Redraw the gradient, ticks and extend markers for a colour scale.
     * @param {Layout} layout
     * @param {ColorScale} scale
     * @param {{ values: number[], labels: string[] }} tickSet
     * @param {unknown} dataRange `_data_range`: [min, max] or null
     */
    draw(layout, scale, tickSet, dataRange) {
      const ctx = canvas.getContext("2d");
      if (ctx) {
        const w = canvas.width;
        const h = canvas.height;
        if (!image || image.width !== w || image.height !== h) image = ctx.createImageData(w, h);
        const px = image.data;
        const { vmin, vmax, center, lut } = scale;
        for (let y = 0; y < h; y++) {
          const k = lutIndex(vmax - ((y + 0.5) / h) * (vmax - vmin), vmin, vmax, center);
          for (let x = 0, o = y * w * 4; x < w; x++, o += 4) {
            px[o] = lut[4 * k];
            px[o + 1] = lut[4 * k + 1];
            px[o + 2] = lut[4 * k + 2];
            px[o + 3] = 255;
          }
        }
        ctx.putImageData(image, 0, 0);
      }
      const { bar } = layout;
      while (ticks.length < tickSet.values.length) {
        const d = document.createElement("div");
        d.className = "tokenheat-colorbar-tick";
        tickLayer.appendChild(d);
        ticks.push(d);
      }
      while (ticks.length > tickSet.values.length) /** @type {HTMLDivElement} */ (ticks.pop()).remove();
      for (let i = 0; i < ticks.length; i++) {
        const v = tickSet.values[i];
        const y = bar.top + ((scale.vmax - v) / (scale.vmax - scale.vmin)) * bar.height;
        ticks[i].style.left = `${layout.tickLeft}px`;
        ticks[i].style.top = `${y}px`;
        if (ticks[i].textContent !== tickSet.labels[i]) ticks[i].textContent = tickSet.labels[i];
      }
      const range = Array.isArray(dataRange) && dataRange.length === 2 ? dataRange : null;
      low.hidden = !(range && Number(range[0]) < scale.vmin);
      high.hidden = !(range && Number(range[1]) > scale.vmax);
      const [lr, lg, lb] = colorOf(scale.vmin, scale);
      const [hr, hg, hb] = colorOf(scale.vmax, scale);
      low.style.background = `rgb(${lr}, ${lg}, ${lb})`;
      high.style.background = `rgb(${hr}, ${hg}, ${hb})`;
    },
  };
}
