// One view's state between frames, shared by the modules of js/view/ (each field says which
// module writes it; the others only read it), and the dirty flags that tell the next frame
// what changed, so a colour change never touches the matrix.

import { readPanels } from "../render/panelview.js";
import { readFonts } from "../render/theme.js";

export const DATA = 1;
export const LUT = 2;
export const COLORS = 4;
export const LAYOUT = 8;
export const LABELS = 16;
export const TOKENS = 32;
export const VIEW = 64; // the view window changed (labels, cells, tokens, outline, tooltip follow)
export const SELECTION = 128;
export const RANGE_UI = 256; // `symmetric` changed
export const HOVER = 512; // the hovered cell changed (its outline in every panel)
export const READING = 1024; // `_rows_read` or `_read_error` changed (a source read in the background)
export const ALL = 2047;

/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {ReturnType<typeof import("../render/panelview.js").placePanels>} PlacedPanels */

/**
 * @typedef {Object} ViewState
 * @property {MatrixData | null} data the matrix's shape; its values when sent whole (matrix.js)
 * @property {MatrixData | null} drawn what the renderer draws: `data`, normalised when asked
 *   (matrix.js)
 * @property {import("../render/panelview.js").PanelState} panels the panel traits as read
 *   (matrix.js with the matrix, focus.js, events.js)
 * @property {boolean} tokensPerPanel `_tokens` may hold one string per cell of every panel
 *   (matrix.js)
 * @property {string[]} tokens the token text to show, one string per cell (C order), or []
 *   when there is none; whitespace made visible unless `show_whitespace` is off (matrix.js)
 * @property {import("../render/color.js").ColorScale} scale (scale.js)
 * @property {number} lutVersion counts the lookup tables read, so the renderer knows a new
 *   one (scale.js)
 * @property {Uint8Array} whiteText for each LUT entry, 1 = white text on it (scale.js)
 * @property {import("../render/layout.js").Layout | null} layout where everything goes
 *   (arrange.js)
 * @property {PlacedPanels | null} placed the panels shown, placed in the plot area (arrange.js)
 * @property {import("../render/theme.js").Fonts} fonts (arrange.js)
 * @property {number} dpr device px per CSS px of the canvases (arrange.js)
 * @property {number} containerWidth the root's width as last observed (events.js)
 * @property {{ values: number[], labels: string[] }} tickSet the colour bar's ticks
 *   (arrange.js, paint.js when only the colours changed)
 * @property {number} reservedTickWidth room the layout keeps for tick labels (arrange.js)
 */

/**
 * The state of a view that has drawn nothing yet.
 * @param {HTMLElement} root the view's root, already in the page (its fonts are read)
 * @returns {ViewState}
 */
export function createViewState(root) {
  return {
    data: null,
    drawn: null,
    panels: readPanels([], [], null),
    tokensPerPanel: false,
    tokens: [],
    scale: { lut: new Uint8Array(1024), vmin: 0, vmax: 1, center: null, nan: [128, 128, 128] },
    lutVersion: 0,
    whiteText: new Uint8Array(256),
    layout: null,
    placed: null,
    fonts: readFonts(root),
    dpr: window.devicePixelRatio || 1,
    containerWidth: 0,
    tickSet: { values: [], labels: [] },
    reservedTickWidth: 0,
  };
}

/**
 * Many panels in view (not one, and none focused).
 * @param {ViewState} state
 */
export const manyShown = (state) => state.panels.count > 1 && state.panels.focus === null;
