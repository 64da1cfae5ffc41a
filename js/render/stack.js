// Panels: a stack of matrices of one shape (MatrixData.panels) drawn by one renderer into
// rectangles of one canvas, all with the same view, colour scale and size. Every panel has
// the same device size and view, so the pixel -> cells tables are made once and shared;
// only where a panel's values start (panel index x the stack's stride) and where its
// rectangle sits differ. This module holds that bookkeeping for both renderers.

/** @typedef {import("../data/data.js").MatrixData} MatrixData */

/**
 * Where one panel is drawn: stack entry `index` into the rectangle x, y (device px of the
 * canvas, y from the top), w x h. Every panel of one draw has the same w x h.
 * @typedef {Object} Panel
 * @property {number} index
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 */

/**
 * Matrices in the data (absent `panels` means 1).
 * @param {MatrixData} data
 */
export function panelCount(data) {
  return data.panels ?? 1;
}

/**
 * Whether a panel can be drawn: an entry of the stack, inside the canvas, w x h.
 * @param {Panel} p
 * @param {number} count panels in the stack
 * @param {number} width canvas width, device px
 * @param {number} height
 * @param {number} w the size every panel of this draw has
 * @param {number} h
 */
function drawable(p, count, width, height, w, h) {
  return (
    Number.isInteger(p.index) &&
    p.index >= 0 &&
    p.index < count &&
    Number.isInteger(p.x) &&
    Number.isInteger(p.y) &&
    p.x >= 0 &&
    p.y >= 0 &&
    p.w === w &&
    p.h === h &&
    p.x + w <= width &&
    p.y + h <= height
  );
}

/**
 * The panels to draw. Omitted: panel 0 filling the canvas (the single heatmap). Given:
 * those that can be drawn (see `drawable`; the first panel's size is the size of all),
 * the array itself when all can (no allocation in the render loop).
 * @param {Panel[] | undefined} panels
 * @param {number} count panels in the stack
 * @param {number} width canvas width, device px
 * @param {number} height
 * @param {[Panel]} whole reused for the omitted case
 * @returns {Panel[]}
 */
export function panelsToDraw(panels, count, width, height, whole) {
  if (!panels) {
    const p = whole[0];
    p.index = p.x = p.y = 0;
    p.w = width;
    p.h = height;
    return width > 0 && height > 0 ? whole : [];
  }
  if (panels.length === 0) return panels;
  const { w, h } = panels[0];
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0)) return [];
  if (panels.every((p) => drawable(p, count, width, height, w, h))) return panels;
  return panels.filter((p) => drawable(p, count, width, height, w, h));
}

/**
 * Whether the panels leave no canvas pixel uncovered (then nothing needs clearing).
 * @param {Panel[]} list
 * @param {number} width
 * @param {number} height
 */
export function coversCanvas(list, width, height) {
  if (list.length !== 1) return false;
  const p = list[0];
  return p.x === 0 && p.y === 0 && p.w === width && p.h === height;
}

/**
 * Remembers which panels were drawn where (index, x, y), to tell when a cached result
 * made for them can be reused.
 */
export function createPanelKey() {
  let key = new Int32Array(0);
  let n = -1;
  return {
    /** @param {Panel[]} list */
    same(list) {
      if (3 * list.length !== n) return false;
      for (let i = 0; i < list.length; i++) {
        const p = list[i];
        if (key[3 * i] !== p.index || key[3 * i + 1] !== p.x || key[3 * i + 2] !== p.y) return false;
      }
      return true;
    },
    /** @param {Panel[]} list */
    set(list) {
      n = 3 * list.length;
      if (key.length < n) key = new Int32Array(n);
      for (let i = 0; i < list.length; i++) {
        key[3 * i] = list[i].index;
        key[3 * i + 1] = list[i].x;
        key[3 * i + 2] = list[i].y;
      }
    },
    clear() {
      n = -1;
    },
  };
}

/** @returns {[Panel]} a panel to reuse for the omitted case of panelsToDraw */
export function wholeCanvas() {
  return [{ index: 0, x: 0, y: 0, w: 0, h: 0 }];
}
