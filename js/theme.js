// Styles, injected into each view as a <style> element (a shadow root, as in marimo, does
// not see document.head). Everything is scoped under .tokenheat. Colours follow
// JupyterLab's theme variables, then VS Code's, then the OS light/dark preference.

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
  position: relative;
  display: block;
  box-sizing: border-box;
  width: 100%;
  height: 360px;
  min-width: 160px;
  overflow: hidden;
  color: var(--th-fg);
  background: var(--th-bg);
  font-family: var(--jp-ui-font-family, var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif));
  font-size: var(--jp-ui-font-size1, 13px);
  line-height: 1.3;
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
.tokenheat:focus-visible { box-shadow: inset 0 0 0 2px var(--jp-brand-color1, var(--vscode-focusBorder, #1976d2)); }
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
.tokenheat .tokenheat-plotbox { position: absolute; overflow: hidden; cursor: crosshair; }
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
.tokenheat .tokenheat-row-label, .tokenheat .tokenheat-col-label, .tokenheat .tokenheat-colorbar-tick {
  position: absolute;
  white-space: pre;
  overflow: hidden;
  text-overflow: ellipsis;
  color: var(--th-fg);
}
.tokenheat .tokenheat-row-label { text-align: right; transform: translateY(-50%); }
.tokenheat .tokenheat-row-label, .tokenheat .tokenheat-col-label { pointer-events: auto; }
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
  left: -7px;
  top: 50%;
  width: 4px;
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
 * @property {number} lineHeight px
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
    label: `${size}px ${family}`,
    title: `600 ${titleSize}px ${family}`,
  };
}
