// What a person does with the plot, and the interaction traits it changes: the view
// (zoom/pan gestures, toolbar, keys; saved ~300 ms after a gesture settles, never per
// frame) and the selection (click, label click, arrow keys, Escape; saved at once). The
// view itself redraws in the next animation frame and never waits for Python.

import { createGestures } from "./gestures.js";
import { guardShortcuts, isHostKey } from "./hostkeys.js";
import { centerOf, fullView, indexAt } from "../render/layout.js";
import {
  moveSelection,
  parseSelection,
  sameSelection,
  selCol,
  selectionCorrected,
  selRow,
} from "./selection.js";
import { createToolbar } from "./toolbar.js";
import { sameView, scrollIntoView, viewCorrected, viewFromTrait, viewToTrait, zoomAt } from "./zoom.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./selection.js").Selection} Selection */
/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./tooltip.js").TooltipContent} TooltipContent */

const VIEW_SETTLE_MS = 300;
/** zoom factor of the + and - keys */
const KEY_ZOOM = 1.5;

/**
 * @typedef {Object} InteractionContext
 * @property {import("../index.js").Model} model
 * @property {HTMLElement} root
 * @property {HTMLElement} plotbox
 * @property {ReturnType<typeof import("./tooltip.js").createTooltip>} tooltip
 * @property {() => MatrixData | null} data
 * @property {(r: number, c: number) => TooltipContent} cellInfo
 * @property {(view: ViewWindow, w: number, h: number, x: number, y: number, dpr: number) => TooltipContent | null} pointInfo
 *   what the device pixel under CSS point (x, y) of a w x h plot shows (reduce.js
 *   coveredCells, through the overview of a big matrix), null outside the plot
 * @property {() => number} dpr device px per CSS px of the view's canvases
 * @property {() => void} viewChanged schedule a redraw for a new view
 * @property {() => void} selectionChanged schedule a redraw of the outline
 */

/**
 * @param {InteractionContext} ctx
 */
export function createInteraction(ctx) {
  const { model, root, plotbox, tooltip } = ctx;
  /** @type {ViewWindow} */
  let view = fullView(1, 1);
  /** @type {Selection | null} */
  let selection = null;
  let viewTimer = 0;
  /** set while this view writes a trait, so that its own change event is ignored */
  let writing = false;
  /** the tooltip describes the keyboard-selected cell (not the pointer's); it stays, like
   * the outline, until the pointer hovers the plot or the selection changes otherwise */
  let keyTip = false;
  let reportQueued = false;
  let destroyed = false;
  /** last pointer position over the plot, for the tooltip to follow the view */
  let hover = { x: 0, y: 0, inside: false };

  const shape = () => {
    const d = ctx.data();
    return d ? { rows: d.rows, cols: d.cols } : null;
  };

  /**
   * The shape drawn when it is also the model's: a trait that arrives with a new matrix
   * is read (and corrected) only once that matrix is drawn, never against the old one.
   */
  const currentShape = () => {
    const s = shape();
    const m = model.get("_shape");
    return s && Array.isArray(m) && m[0] === s.rows && m[1] === s.cols ? s : null;
  };

  /**
   * Show a new view now and save it once the gesture settles.
   * @param {ViewWindow} v
   */
  function setView(v) {
    if (sameView(v, view)) return;
    view = v;
    ctx.viewChanged();
    clearTimeout(viewTimer);
    viewTimer = window.setTimeout(saveView, VIEW_SETTLE_MS);
  }

  function saveView() {
    viewTimer = 0;
    if (gestures.pressed) {
      // a finger or button is still down: the gesture has not settled
      viewTimer = window.setTimeout(saveView, VIEW_SETTLE_MS);
      return;
    }
    const s = shape();
    if (!s) return;
    const saved = viewFromTrait(model.get("view"), s.rows, s.cols);
    if (saved && sameView(saved, view)) return;
    write("view", viewToTrait(view));
    model.save_changes();
  }

  /**
   * @param {string} name
   * @param {unknown} value
   */
  function write(name, value) {
    writing = true;
    try {
      model.set(name, value);
    } finally {
      writing = false;
    }
  }

  function resetView() {
    const s = shape();
    if (s) setView(fullView(s.rows, s.cols));
  }

  /**
   * @param {Selection | null} sel
   * @param {boolean} byKeyboard
   */
  function select(sel, byKeyboard) {
    const s = shape();
    if (!s) return;
    keyTip = byKeyboard && sel !== null && "row" in sel && "col" in sel;
    if (!keyTip && byKeyboard) tooltip.hide();
    const same = sameSelection(selection, sel);
    selection = sel;
    if (!same) ctx.selectionChanged();
    if (!sameSelection(parseSelection(model.get("selection"), s.rows, s.cols), sel)) {
      write("selection", sel === null ? null : { ...sel });
      model.save_changes();
    }
    if (keyTip) showKeyTip();
  }

  /**
   * The cell under a client position, or null.
   * @param {number} x
   * @param {number} y
   * @returns {[number, number] | null}
   */
  function cellAt(x, y) {
    const d = ctx.data();
    if (!d) return null;
    const box = plotbox.getBoundingClientRect();
    const r = indexAt(view.row0, view.row1, y - box.top, box.height, d.rows);
    const c = indexAt(view.col0, view.col1, x - box.left, box.width, d.cols);
    return r < 0 || c < 0 ? null : [r, c];
  }

  /** Tooltip for the keyboard-selected cell, anchored at the cell's lower right corner. */
  function showKeyTip() {
    const r = selRow(selection);
    const c = selCol(selection);
    if (r < 0 || c < 0) return;
    const box = plotbox.getBoundingClientRect();
    const x = centerOf(view.col0, view.col1, c + 0.5, box.width);
    const y = centerOf(view.row0, view.row1, r + 0.5, box.height);
    if (x < 0 || y < 0 || x > box.width + 1 || y > box.height + 1) {
      tooltip.hide();
      return;
    }
    tooltip.show(box.left + Math.min(x, box.width), box.top + Math.min(y, box.height), ctx.cellInfo(r, c));
  }

  /**
   * Hover tooltip. When zoomed out so far that the pixel under the pointer stands for
   * several cells, it describes the cell the pixel shows (the strongest) and says how
   * many cells the pixel aggregates.
   */
  function showHoverTip() {
    const box = plotbox.getBoundingClientRect();
    const info = ctx.pointInfo(view, box.width, box.height, hover.x - box.left, hover.y - box.top, ctx.dpr());
    if (!info) return tooltip.hide();
    tooltip.show(hover.x, hover.y, info);
  }

  const toolbar = createToolbar(plotbox, {
    reset: resetView,
    boxMode: (on) => {
      if (on) plotbox.dataset.boxzoom = "true";
      else delete plotbox.dataset.boxzoom;
    },
  });

  const gestures = createGestures(plotbox, {
    view: () => view,
    shape,
    setView,
    click(x, y) {
      const cell = cellAt(x, y);
      if (cell) select({ row: cell[0], col: cell[1] }, false);
    },
    reset: resetView,
    boxMode: () => toolbar.boxMode,
    busy(active) {
      if (active) {
        tooltip.hide();
        keyTip = false;
      }
    },
  });

  /** @param {PointerEvent} e */
  function onPointerMove(e) {
    hover = { x: e.clientX, y: e.clientY, inside: true };
    if (gestures.dragging || e.buttons) return;
    keyTip = false;
    showHoverTip();
  }

  function onPointerLeave() {
    hover.inside = false;
    if (!keyTip) tooltip.hide();
  }

  /** @param {MouseEvent} e */
  function onLabelClick(e) {
    const target = /** @type {HTMLElement | null} */ (e.target);
    const label = target?.closest?.(".tokenheat-row-label, .tokenheat-col-label");
    if (!(label instanceof HTMLElement) || label.dataset.index === undefined) return;
    const i = Number(label.dataset.index);
    select(label.classList.contains("tokenheat-row-label") ? { row: i } : { col: i }, false);
  }

  /** @param {number} k */
  function zoomKey(k) {
    const s = shape();
    if (!s) return;
    // about the selection when it is in view, else about the view's centre
    /**
     * @param {number} i
     * @param {number} a
     * @param {number} b
     */
    const frac = (i, a, b) => {
      const f = (i + 0.5 - a) / (b - a);
      return i >= 0 && f >= 0 && f <= 1 ? f : 0.5;
    };
    const fy = frac(selRow(selection), view.row0, view.row1);
    const fx = frac(selCol(selection), view.col0, view.col1);
    const v = zoomAt(view, fy, fx, k, s.rows, s.cols);
    setView(selection ? scrollIntoView(v, selRow(selection), selCol(selection), s.rows, s.cols) : v);
  }

  /** @param {KeyboardEvent} e */
  function onKey(e) {
    // keys typed into the range inputs, buttons, etc. are theirs
    if (e.target !== root || e.ctrlKey || e.metaKey || e.altKey) return;
    const s = shape();
    if (!s) return;
    switch (e.key) {
      case "ArrowUp":
      case "ArrowDown":
      case "ArrowLeft":
      case "ArrowRight": {
        const next = moveSelection(selection, e.key, view, s.rows, s.cols);
        setView(scrollIntoView(view, selRow(next), selCol(next), s.rows, s.cols));
        select(next, true);
        break;
      }
      case "+":
      case "=":
        zoomKey(KEY_ZOOM);
        break;
      case "-":
      case "_":
        zoomKey(1 / KEY_ZOOM);
        break;
      case "0":
        resetView();
        break;
      case "Escape":
        if (!gestures.cancel() && selection === null) return;
        select(null, true);
        break;
      default:
        return;
    }
    // handled: keep it from the page and from the notebook's shortcuts
    e.preventDefault();
    e.stopPropagation();
  }

  /** @param {KeyboardEvent} e */
  function onKeydown(e) {
    onKey(e);
    if (!e.defaultPrevented && isHostKey(e)) shortcuts.passToHost(e);
  }

  const shortcuts = guardShortcuts(root);
  // Every DOM listener of this module goes with one abort() on destroy.
  const listeners = new AbortController();
  const { signal } = listeners;
  plotbox.addEventListener("pointermove", onPointerMove, { signal });
  plotbox.addEventListener("pointerleave", onPointerLeave, { signal });
  root.addEventListener("click", onLabelClick, { signal });
  root.addEventListener("keydown", onKeydown, { signal });

  /**
   * @param {string} name
   * @param {() => void} cb
   */
  const ownChangesIgnored = (name, cb) => {
    const handler = () => {
      if (!writing) cb();
    };
    model.on(`change:${name}`, handler);
    return () => model.off(`change:${name}`, handler);
  };
  const unlisten = [
    ownChangesIgnored("view", () => {
      // Python (or a saved state) moves the view: it wins over a pending save
      clearTimeout(viewTimer);
      viewTimer = 0;
      applyViewTrait();
    }),
    ownChangesIgnored("selection", () => {
      readSelection();
      if (keyTip) showKeyTip();
    }),
  ];

  /**
   * Apply the `view` trait, made valid for the matrix (zoom.js clampView; a value that is
   * not four numbers keeps the view shown). When that changed it, the view shown is
   * written back, so that Python's `view` (and its exports) show what the screen shows; a
   * valid view is never echoed.
   */
  function applyViewTrait() {
    const s = currentShape();
    if (!s) return;
    const t = model.get("view");
    const v = viewFromTrait(t, s.rows, s.cols) ?? view;
    if (!sameView(v, view)) {
      view = v;
      ctx.viewChanged();
    }
    if (viewCorrected(t, v)) report();
  }

  /**
   * Write back the view and selection shown where the traits differ from them. Not from
   * inside the change event that brought a trait: ipywidgets is still applying the
   * kernel's message then, and drops a value equal to the one before that message.
   */
  function report() {
    if (reportQueued) return;
    reportQueued = true;
    queueMicrotask(() => {
      reportQueued = false;
      const s = currentShape();
      if (destroyed || !s) return;
      let changed = false;
      if (viewCorrected(model.get("view"), view)) {
        write("view", viewToTrait(view));
        changed = true;
      }
      if (selectionCorrected(model.get("selection"), selection)) {
        write("selection", selection === null ? null : { ...selection });
        changed = true;
      }
      if (changed) model.save_changes();
    });
  }

  /** Read the `selection` trait; one that does not fit the matrix is written back as none. */
  function readSelection() {
    const s = shape();
    const t = model.get("selection");
    const sel = s ? parseSelection(t, s.rows, s.cols) : null;
    if (!sameSelection(sel, selection)) {
      selection = sel;
      keyTip = false;
      ctx.selectionChanged();
    }
    if (currentShape() && selectionCorrected(t, sel)) report();
  }

  return {
    get view() {
      return view;
    },
    get selection() {
      return selection;
    },
    readSelection,
    applyViewTrait,

    /**
     * A new matrix arrived: a new shape starts from the full view (Python resets the
     * trait too); the view trait is then applied if it fits.
     * @param {boolean} shapeChanged
     */
    dataChanged(shapeChanged) {
      const s = shape();
      if (!s) return;
      if (shapeChanged) {
        clearTimeout(viewTimer);
        viewTimer = 0;
        view = fullView(s.rows, s.cols);
        applyViewTrait();
      }
      readSelection();
    },

    /** After a redraw that moved the view or the layout: the tooltip follows. */
    followView() {
      if (keyTip) showKeyTip();
      else if (hover.inside && !gestures.dragging) showHoverTip();
    },

    /**
     * Place the toolbar.
     * @param {import("../render/layout.js").Rect} plot
     * @param {number} width
     */
    place(plot, width) {
      toolbar.place(plot, width);
    },

    destroy() {
      destroyed = true;
      // a gesture that has not settled yet is saved now rather than lost
      if (viewTimer) {
        clearTimeout(viewTimer);
        viewTimer = 0;
        gestures.cancel();
        saveView();
      }
      for (const off of unlisten) off();
      listeners.abort();
      shortcuts.destroy();
      gestures.destroy();
      toolbar.destroy();
    },
  };
}
