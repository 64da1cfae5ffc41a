// Styles, injected into each view as a <style> element (a shadow root, as in marimo, does
// not see document.head). Everything is scoped under .tokenheat. Colours follow
// JupyterLab's theme variables, then VS Code's, then the OS light/dark preference.

import { TICK_MARK_LENGTH, TICK_MARK_OFFSET } from "./colorbar.js";

/** The root's font (and so the labels'): JupyterLab's UI font, then VS Code's, then the OS's. */
export const ROOT_FONT = {
  family:
    'var(--jp-ui-font-family, var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif))',
  size: "var(--jp-ui-font-size1, 13px)",
  lineHeight: "1.3",
};

export const CSS = `
.tokenheat {
  --th-fg-default: #1f1f1f;
  --th-fg2-default: #5f5f5f;
  --th-bg-default: #ffffff;
  --th-border-default: #c8c8c8;
  --th-tip-bg-default: #ffffff;
  --th-fg: var(--jp-ui-font-color1, var(--vscode-editor-foreground, var(--th-fg-default)));
  --th-fg2: var(--jp-ui-font-color2, var(--vscode-descriptionForeground, var(--th-fg2-default)));
  --th-bg: var(--jp-layout-color0, var(--vscode-editor-background, var(--th-bg-default)));
  --th-border: var(--jp-border-color2, var(--vscode-editorWidget-border, var(--th-border-default)));
  --th-tip-bg: var(--jp-layout-color1, var(--vscode-editorHoverWidget-background, var(--th-tip-bg-default)));
  --th-accent: var(--jp-brand-color1, var(--vscode-focusBorder, #1976d2));
  --th-error: var(--jp-error-color1, var(--vscode-errorForeground, #c62828));
  --th-hover: rgba(128, 128, 128, 0.2);
  --th-selected: rgba(128, 128, 128, 0.32);
  position: relative;
  display: block;
  box-sizing: border-box;
  width: 100%;
  height: 360px;
  min-width: 160px;
  /* a flex item keeps the size it sets itself: Shiny's output boxes make the widget one
     and stretch it (flex: 1 1 auto, at a specificity above this rule's) */
  flex: none !important;
  overflow: hidden;
  color: var(--th-fg);
  background: var(--th-bg);
  font-family: ${ROOT_FONT.family};
  font-size: ${ROOT_FONT.size};
  line-height: ${ROOT_FONT.lineHeight};
  outline: none;
  user-select: none;
  -webkit-user-select: none;
}
@media (prefers-color-scheme: dark) {
  .tokenheat {
    --th-fg-default: #e6e6e6;
    --th-fg2-default: #a8a8a8;
    --th-bg-default: #1e1e1e;
    --th-border-default: #555555;
    --th-tip-bg-default: #2b2b2b;
  }
}
.tokenheat:focus-visible { box-shadow: inset 0 0 0 2px var(--th-accent); }
.tokenheat [hidden] { display: none !important; }
.tokenheat * { box-sizing: border-box; }
.tokenheat .tokenheat-title {
  position: absolute;
  font-weight: 600;
  font-size: 1.15em;
  text-align: center;
  white-space: pre;
  overflow: hidden;
  text-overflow: ellipsis;
}
.tokenheat .tokenheat-plotbox { position: absolute; overflow: hidden; cursor: crosshair; touch-action: none; }
.tokenheat .tokenheat-plotbox[data-gesture="pan"], .tokenheat .tokenheat-plotbox[data-gesture="pinch"] { cursor: grabbing; }
.tokenheat .tokenheat-cells, .tokenheat .tokenheat-overlay {
  position: absolute;
  left: 0;
  top: 0;
  width: 100%;
  height: 100%;
  display: block;
}
.tokenheat .tokenheat-overlay { pointer-events: none; }
.tokenheat .tokenheat-layer { position: absolute; inset: 0; pointer-events: none; }
.tokenheat .tokenheat-panel-titles { position: absolute; inset: 0; pointer-events: none; }
.tokenheat .tokenheat-panel-title, .tokenheat .tokenheat-grid-label {
  position: absolute;
  box-sizing: border-box;
  white-space: pre;
  overflow: hidden;
  text-overflow: ellipsis;
  color: var(--th-fg);
  font-size: 0.95em;
}
.tokenheat .tokenheat-panel-title { text-align: center; cursor: zoom-in; }
.tokenheat .tokenheat-hover {
  position: absolute;
  box-sizing: border-box;
  pointer-events: none;
  border: 1.5px solid var(--th-fg);
  box-shadow: 0 0 0 1px var(--th-bg);
}
.tokenheat .tokenheat-grid-label[data-axis="row"] { text-align: right; padding-right: 4px; display: flex; align-items: center; justify-content: flex-end; }
.tokenheat .tokenheat-grid-label[data-axis="col"] { text-align: center; }
.tokenheat .tokenheat-row-label, .tokenheat .tokenheat-col-label, .tokenheat .tokenheat-colorbar-tick {
  position: absolute;
  white-space: pre;
  overflow: hidden;
  text-overflow: ellipsis;
  color: var(--th-fg);
}
.tokenheat .tokenheat-row-label { text-align: right; transform: translateY(-50%); }
.tokenheat .tokenheat-row-label, .tokenheat .tokenheat-col-label { pointer-events: auto; cursor: pointer; }
.tokenheat .tokenheat-row-label:hover, .tokenheat .tokenheat-col-label:hover { text-decoration: underline dotted; text-underline-offset: 2px; }
.tokenheat .tokenheat-row-label[data-selected], .tokenheat .tokenheat-col-label[data-selected] {
  border-radius: 2px;
  background: var(--th-selected);
  box-shadow: 0 0 0 2px var(--th-selected);
}
.tokenheat .tokenheat-col-label[data-rotation="0"] { transform: translateX(-50%); }
.tokenheat .tokenheat-col-label[data-rotation="45"] { transform-origin: 100% 50%; transform: translateY(-50%) rotate(-45deg); }
.tokenheat .tokenheat-col-label[data-rotation="90"] { transform-origin: 100% 50%; transform: translateY(-50%) rotate(-90deg); }
.tokenheat .tokenheat-colorbar {
  position: absolute;
  display: block;
  outline: 1px solid var(--th-border);
}
.tokenheat .tokenheat-colorbar-tick { transform: translateY(-50%); color: var(--th-fg); font-variant-numeric: tabular-nums; overflow: visible; }
.tokenheat .tokenheat-colorbar-tick::before {
  content: "";
  position: absolute;
  left: -${TICK_MARK_OFFSET}px;
  top: 50%;
  width: ${TICK_MARK_LENGTH}px;
  border-top: 1px solid var(--th-fg2);
}
.tokenheat .tokenheat-colorbar-extend { position: absolute; }
.tokenheat .tokenheat-colorbar-extend[data-side="high"] { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.tokenheat .tokenheat-colorbar-extend[data-side="low"] { clip-path: polygon(0 0, 100% 0, 50% 100%); }
.tokenheat .tokenheat-colorbar-title {
  position: absolute;
  writing-mode: vertical-rl;
  transform: rotate(180deg);
  text-align: center;
  white-space: pre;
  overflow: hidden;
  text-overflow: ellipsis;
  color: var(--th-fg);
}
.tokenheat .tokenheat-selection {
  position: absolute;
  z-index: 2;
  pointer-events: none;
  border: 2px solid var(--th-fg);
  box-shadow: inset 0 0 0 1px var(--th-bg), 0 0 0 1px var(--th-bg);
}
.tokenheat .tokenheat-reading {
  position: absolute;
  z-index: 1;
  pointer-events: none;
  display: flex;
  justify-content: center;
  align-items: flex-start;
  overflow: hidden;
  background: repeating-linear-gradient(135deg, rgba(128, 128, 128, 0.6) 0 6px, rgba(128, 128, 128, 0.2) 6px 12px);
}
.tokenheat .tokenheat-reading[hidden] { display: none; }
.tokenheat .tokenheat-reading > span {
  margin-top: 6px;
  padding: 2px 6px;
  border-radius: 3px;
  color: var(--th-fg);
  background: var(--th-bg);
  white-space: pre-wrap;
  text-align: center;
}
.tokenheat .tokenheat-reading[data-error="true"] > span { color: var(--jp-error-color1, #c62828); }
.tokenheat .tokenheat-boxzoom-rect {
  position: absolute;
  z-index: 3;
  pointer-events: none;
  border: 1px dashed var(--th-fg);
  background: rgba(128, 128, 128, 0.22);
  box-shadow: 0 0 0 1px var(--th-bg);
}
.tokenheat .tokenheat-toolbar {
  position: absolute;
  z-index: 6;
  display: flex;
  gap: 2px;
  padding: 2px;
  border: 1px solid var(--th-border);
  border-radius: 5px;
  background: var(--th-tip-bg);
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.2);
  opacity: 0;
  transition: opacity 0.15s;
}
/* shown under the pointer and for keyboard focus, not left over the cells after a click */
.tokenheat:hover .tokenheat-toolbar, .tokenheat:focus-visible .tokenheat-toolbar { opacity: 1; }
.tokenheat .tokenheat-toolbar:has(:focus-visible) { opacity: 1; }
@supports not selector(:has(a)) {
  .tokenheat .tokenheat-toolbar:focus-within { opacity: 1; }
}
.tokenheat .tokenheat-toolbar button {
  display: flex;
  align-items: center;
  justify-content: center;
  width: 24px;
  height: 24px;
  margin: 0;
  padding: 0;
  border: 0;
  border-radius: 3px;
  background: transparent;
  color: var(--th-fg2);
  cursor: pointer;
}
.tokenheat .tokenheat-toolbar button:hover:enabled { color: var(--th-fg); background: var(--th-hover); }
.tokenheat .tokenheat-toolbar button:disabled { opacity: 0.4; cursor: default; }
.tokenheat .tokenheat-toolbar button[aria-pressed="true"] { color: var(--th-accent); background: var(--th-hover); box-shadow: inset 0 0 0 1px var(--th-accent); }
.tokenheat .tokenheat-toolbar button:focus-visible { outline: 2px solid var(--th-accent); outline-offset: -2px; }
.tokenheat .tokenheat-toolbar select {
  height: 24px;
  margin: 0 2px 0 0;
  border: 0;
  border-radius: 3px;
  background: transparent;
  color: var(--th-fg2);
  font: inherit;
  cursor: pointer;
}
.tokenheat .tokenheat-toolbar select:focus-visible { outline: 2px solid var(--th-accent); outline-offset: -2px; }
.tokenheat .tokenheat-toolbar svg { fill: none; stroke: currentColor; stroke-width: 1.4; stroke-linecap: round; stroke-linejoin: round; }
.tokenheat .tokenheat-range > * { position: absolute; pointer-events: auto; }
.tokenheat .tokenheat-range-funnel { pointer-events: none; overflow: visible; }
.tokenheat .tokenheat-range-funnel-fill { fill: var(--th-fg); fill-opacity: 0.07; stroke: none; }
.tokenheat .tokenheat-range-funnel-edge { stroke: var(--th-fg2); stroke-width: 1; stroke-dasharray: 2 2; }
.tokenheat .tokenheat-range-track { cursor: ns-resize; touch-action: none; }
.tokenheat .tokenheat-range-track[data-dragging] { cursor: grabbing; }
.tokenheat .tokenheat-range-rail, .tokenheat .tokenheat-range-data, .tokenheat .tokenheat-range-active {
  position: absolute;
  left: 7px;
  width: 2px;
  pointer-events: none;
}
.tokenheat .tokenheat-range-rail { top: 0; bottom: 0; background: var(--th-border); }
.tokenheat .tokenheat-range-data { left: 4px; width: 8px; border-radius: 4px; background: var(--th-hover); }
.tokenheat .tokenheat-range-active { width: 2px; background: var(--th-fg2); }
.tokenheat .tokenheat-range-handle {
  position: absolute;
  left: 1px;
  width: 14px;
  height: 10px;
  margin-top: -5px;
  border: 1.5px solid var(--th-fg);
  border-radius: 3px;
  background: var(--th-bg);
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.3);
  cursor: grab;
  touch-action: none;
  outline: none;
}
.tokenheat .tokenheat-range-handle::before { content: ""; position: absolute; inset: -6px -4px; }
.tokenheat .tokenheat-range-handle::after {
  content: "";
  position: absolute;
  left: 2px;
  right: 2px;
  top: 50%;
  margin-top: -0.5px;
  border-top: 1px solid var(--th-fg2);
}
.tokenheat .tokenheat-range-handle:hover { border-color: var(--th-accent); }
.tokenheat .tokenheat-range-handle:focus-visible, .tokenheat .tokenheat-range-track[data-dragging] .tokenheat-range-handle:focus {
  border-color: var(--th-accent);
  box-shadow: 0 0 0 2px var(--th-accent);
}
.tokenheat .tokenheat-range-input {
  margin: 0;
  padding: 0 5px;
  min-width: 0;
  border: 1px solid var(--th-border);
  border-radius: 3px;
  background: var(--th-bg);
  color: var(--th-fg);
  font: inherit;
  font-size: 0.92em;
  font-variant-numeric: tabular-nums;
  outline: none;
  user-select: text;
  -webkit-user-select: text;
}
.tokenheat .tokenheat-range-input:hover { border-color: var(--th-fg2); }
.tokenheat .tokenheat-range-input:focus { border-color: var(--th-accent); box-shadow: 0 0 0 1px var(--th-accent); }
.tokenheat .tokenheat-range-input[aria-invalid="true"] { border-color: var(--th-error); box-shadow: 0 0 0 1px var(--th-error); }
.tokenheat .tokenheat-range-symmetric {
  display: flex;
  align-items: center;
  gap: 4px;
  color: var(--th-fg2);
  font-size: 0.85em;
  white-space: nowrap;
  cursor: pointer;
}
.tokenheat .tokenheat-range-symmetric input {
  position: relative;
  flex: none;
  width: 12px;
  height: 12px;
  margin: 0;
  border: 1px solid var(--th-fg2);
  border-radius: 2px;
  background: var(--th-bg);
  appearance: none;
  -webkit-appearance: none;
  cursor: inherit;
}
.tokenheat .tokenheat-range-symmetric input:checked { border-color: var(--th-accent); background: var(--th-accent); }
.tokenheat .tokenheat-range-symmetric input:checked::after {
  content: "";
  position: absolute;
  left: 3px;
  top: 0;
  width: 3px;
  height: 7px;
  border: solid #ffffff;
  border-width: 0 1.5px 1.5px 0;
  transform: rotate(45deg);
}
.tokenheat .tokenheat-range-symmetric input:focus-visible { outline: 2px solid var(--th-accent); outline-offset: 1px; }
.tokenheat .tokenheat-range-symmetric.tokenheat-disabled { opacity: 0.5; cursor: default; }
.tokenheat .tokenheat-range-hint {
  z-index: 12;
  max-width: 240px;
  padding: 3px 7px;
  border: 1px solid var(--th-error);
  border-radius: 3px;
  background: var(--th-tip-bg);
  color: var(--th-error);
  font-size: 0.85em;
  box-shadow: 0 2px 6px rgba(0, 0, 0, 0.2);
  pointer-events: none;
}
.tokenheat .tokenheat-tooltip {
  position: absolute;
  left: 0;
  top: 0;
  z-index: 10;
  pointer-events: none;
  display: grid;
  grid-template-columns: auto auto;
  column-gap: 10px;
  row-gap: 1px;
  max-width: min(420px, 90%);
  padding: 5px 8px;
  border: 1px solid var(--th-border);
  border-radius: 4px;
  background: var(--th-tip-bg);
  color: var(--th-fg);
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25);
  white-space: pre;
}
.tokenheat .tokenheat-tooltip-key { color: var(--th-fg2); }
.tokenheat .tokenheat-tooltip-value { overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums; }
.tokenheat .tokenheat-tooltip-index { color: var(--th-fg2); }
.tokenheat .tokenheat-error {
  position: absolute;
  inset: 8px;
  display: flex;
  align-items: center;
  justify-content: center;
  padding: 16px;
  text-align: center;
  white-space: pre-wrap;
  color: var(--jp-error-color1, #c62828);
  background: var(--th-bg);
  border: 1px dashed var(--th-border);
  z-index: 20;
}
`;

/**
 * @typedef {Object} Fonts
 * @property {string} label  canvas font shorthand of label text
 * @property {string} title  canvas font shorthand of the title
 * @property {string} family
 * @property {number} size   px
 * @property {number} lineHeight px (rounded up: the labels' explicit line height)
 * @property {number} titleSize px
 * @property {number} titleLineHeight px of the title's line box
 */

/**
 * The fonts the view's CSS resolved to (fallbacks while the view is not in a document,
 * where computed styles are empty).
 * @param {HTMLElement} root
 * @returns {Fonts}
 */
export function readFonts(root) {
  const cs = root.isConnected ? getComputedStyle(root) : null;
  const family = (cs && cs.fontFamily) || "system-ui, sans-serif";
  const size = (cs && parseFloat(cs.fontSize)) || 13;
  const lh = (cs && parseFloat(cs.lineHeight)) || Math.round(size * 1.3);
  const titleSize = Math.round(size * 1.15 * 100) / 100;
  return {
    family,
    size,
    lineHeight: Math.ceil(lh),
    titleSize,
    // the title's font is 1.15em and inherits the root's line-height factor
    titleLineHeight: (lh / size) * titleSize,
    label: `${size}px ${family}`,
    title: `600 ${titleSize}px ${family}`,
  };
}

/**
 * The view's colours as opaque "#rrggbb", as a person sees them.
 * @typedef {Object} Colors
 * @property {string} background the root's background over its ancestors' (white if
 *   every one is transparent)
 * @property {string} text the root's `color` over that background
 * @property {string} muted tick marks (`--th-fg2`)
 * @property {string} border the colour bar's outline (`--th-border`)
 */

/**
 * @param {HTMLElement} root
 * @returns {Colors}
 */
export function readColors(root) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const cs = root.isConnected ? getComputedStyle(root) : null;
  if (!ctx || !cs) return { background: "#ffffff", text: "#1f1f1f", muted: "#5f5f5f", border: "#c8c8c8" };
  /** @param {string} color */
  const alpha = (color) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "rgba(0, 0, 0, 0)";
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    return ctx.getImageData(0, 0, 1, 1).data[3];
  };
  // backgrounds from the root outwards, up to the first opaque one (through shadow roots)
  const layers = [];
  /** @type {Element | null} */
  let el = root;
  while (el) {
    const bg = getComputedStyle(el).backgroundColor;
    const a = alpha(bg);
    if (a > 0) layers.push(bg);
    if (a === 255) break;
    const node = el.getRootNode();
    el = el.parentElement ?? (node instanceof ShadowRoot ? node.host : null);
  }
  /** @param {string[]} colors painted in this order over white */
  const over = (colors) => {
    ctx.globalCompositeOperation = "source-over";
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, 1, 1);
    for (const c of colors) {
      ctx.fillStyle = "rgba(0, 0, 0, 0)";
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
    }
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return `#${[d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  };
  const background = over(layers.reverse());
  const text = over([background, cs.color]);
  /** @param {string} name */
  const prop = (name) => cs.getPropertyValue(name).trim() || cs.color;
  return {
    background,
    text,
    muted: over([background, prop("--th-fg2")]),
    border: over([background, prop("--th-border")]),
  };
}
