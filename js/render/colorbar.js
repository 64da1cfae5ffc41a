// The colour bar: a canvas drawn from the LUT with the same mapping as the cells, round
// tick labels, a vertical title and "extend" triangles when data fall outside the range.
// Where each part goes is computed by the exported functions, which the export uses too.

import { newPlace } from "./axes.js";
import { colorOf, lutIndex } from "./color.js";
import { EXT_HEIGHT } from "./layout.js";
import { formatTick, niceTicks } from "./ticks.js";

/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").Layout} Layout */
/** @typedef {import("./layout.js").Rect} Rect */
/** @typedef {import("./axes.js").TextItem} TextItem */

/** The tick mark left of each tick label: this far left of the label, this long. */
export const TICK_MARK_OFFSET = 7;
export const TICK_MARK_LENGTH = 4;

/**
 * A marker shown when data lie beyond one end of the colour range: a triangle in the
 * end's colour, pointing away from the bar.
 * @typedef {Object} Extend
 * @property {"low" | "high"} side
 * @property {boolean} shown
 * @property {Rect} rect its box
 * @property {[number, number][]} points the triangle, CSS px
 * @property {[number, number, number]} color RGB
 */

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
 * y (CSS px) of a value on the bar.
 * @param {Rect} bar
 * @param {ColorScale} scale
 * @param {number} v
 */
export function tickY(bar, scale, v) {
  return bar.top + ((scale.vmax - v) / (scale.vmax - scale.vmin)) * bar.height;
}

/**
 * The tick labels: left-aligned at `layout.tickLeft`, centred on their value's y.
 * @param {Layout} layout
 * @param {ColorScale} scale
 * @param {{ values: number[], labels: string[] }} tickSet
 * @param {number} lineHeight
 * @returns {TextItem[]}
 */
export function tickItems(layout, scale, tickSet, lineHeight) {
  return tickSet.values.map((v, i) => ({
    ...newPlace(),
    x: layout.tickLeft,
    y: tickY(layout.bar, scale, v),
    lineHeight,
    text: tickSet.labels[i],
  }));
}

/**
 * The colour bar's title: one line as wide as the bar is tall, reading upwards, centred
 * beside the bar.
 * @param {Layout} layout
 * @param {string} text
 * @param {number} lineHeight
 * @returns {TextItem}
 */
export function titleItem(layout, text, lineHeight) {
  const { bar } = layout;
  return {
    x: layout.barTitleLeft + lineHeight / 2,
    y: bar.top + bar.height / 2,
    align: "center",
    baseline: "middle",
    lineHeight,
    rotation: 90,
    cap: bar.height,
    text,
  };
}

/**
 * The box of one extend marker: as wide as the bar, just above (high) or below (low) it.
 * @param {Rect} bar
 * @param {"low" | "high"} side
 * @returns {Rect}
 */
export function extendRect(bar, side) {
  const top = side === "high" ? bar.top - EXT_HEIGHT : bar.top + bar.height + 1;
  return { left: bar.left, top, width: bar.width, height: EXT_HEIGHT - 1 };
}

/**
 * Whether data lie beyond one end of the range.
 * @param {"low" | "high"} side
 * @param {ColorScale} scale
 * @param {[number, number] | null} dataRange `_data_range` as traits.js readDataRange reads it
 */
export function extendShown(side, scale, dataRange) {
  if (!dataRange) return false;
  return side === "low" ? dataRange[0] < scale.vmin : dataRange[1] > scale.vmax;
}

/**
 * The two extend markers, and whether each is shown (`_data_range` beyond that end).
 * @param {Rect} bar
 * @param {ColorScale} scale
 * @param {[number, number] | null} dataRange `_data_range` (traits.js readDataRange)
 * @returns {[Extend, Extend]} low, high
 */
export function extendMarkers(bar, scale, dataRange) {
  const lo = extendRect(bar, "low");
  const hi = extendRect(bar, "high");
  return [
    {
      side: "low",
      shown: extendShown("low", scale, dataRange),
      rect: lo,
      points: [
        [lo.left, lo.top],
        [lo.left + lo.width, lo.top],
        [lo.left + lo.width / 2, lo.top + lo.height],
      ],
      color: colorOf(scale.vmin, scale),
    },
    {
      side: "high",
      shown: extendShown("high", scale, dataRange),
      rect: hi,
      points: [
        [hi.left + hi.width / 2, hi.top],
        [hi.left + hi.width, hi.top + hi.height],
        [hi.left, hi.top + hi.height],
      ],
      color: colorOf(scale.vmax, scale),
    },
  ];
}

/**
 * Paint the gradient into RGBA pixels of a w x h image: pixel row y has the colour of
 * the value at its centre, vmax at the top.
 * @param {Uint8ClampedArray} px
 * @param {number} w
 * @param {number} h
 * @param {ColorScale} scale
 */
export function paintGradient(px, w, h, scale) {
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
      for (const el of [low, high]) {
        const r = extendRect(bar, el === low ? "low" : "high");
        el.style.left = `${r.left}px`;
        el.style.top = `${r.top}px`;
        el.style.width = `${r.width}px`;
        el.style.height = `${r.height}px`;
      }
      // the box of titleItem(): a vertical line of text, centred on the item's x and y
      const t = titleItem(layout, titleText, lineHeight);
      title.textContent = titleText;
      title.hidden = !titleText;
      title.style.left = `${t.x - lineHeight / 2}px`;
      title.style.top = `${t.y - t.cap / 2}px`;
      title.style.height = `${t.cap}px`;
      title.style.width = `${lineHeight}px`;
      title.style.lineHeight = `${lineHeight}px`;
    },

    /**
     * Redraw the gradient, ticks and extend markers for a colour scale.
     * @param {Layout} layout
     * @param {ColorScale} scale
     * @param {{ values: number[], labels: string[] }} tickSet
     * @param {[number, number] | null} dataRange `_data_range` (traits.js readDataRange)
     */
    draw(layout, scale, tickSet, dataRange) {
      // in memory, not on the GPU: a putImageData need not wait for the GPU process
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      if (ctx) {
        const w = canvas.width;
        const h = canvas.height;
        if (!image || image.width !== w || image.height !== h) image = ctx.createImageData(w, h);
        paintGradient(image.data, w, h, scale);
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
        ticks[i].style.left = `${layout.tickLeft}px`;
        ticks[i].style.top = `${tickY(bar, scale, tickSet.values[i])}px`;
        if (ticks[i].textContent !== tickSet.labels[i]) ticks[i].textContent = tickSet.labels[i];
      }
      low.hidden = !extendShown("low", scale, dataRange);
      high.hidden = !extendShown("high", scale, dataRange);
      const [lr, lg, lb] = colorOf(scale.vmin, scale);
      const [hr, hg, hb] = colorOf(scale.vmax, scale);
      low.style.background = `rgb(${lr}, ${lg}, ${lb})`;
      high.style.background = `rgb(${hr}, ${hg}, ${hb})`;
    },
  };
}
