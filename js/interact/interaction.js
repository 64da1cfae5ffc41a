// What a person does with the plot, and the interaction traits it changes: the view
// (zoom/pan gestures, toolbar, keys; saved ~300 ms after a gesture settles, never per
// frame) and the selection (click, label click, arrow keys, Escape; saved at once). The
// view itself redraws in the next animation frame and never waits for Python.
//
// Panels: every point is looked up among the panels shown (geometry.js); the panel under
// it is the plot for the maths and the result is the view they all share. A click on a
// cell selects (panel, row, col), on a panel's title focuses that panel. Arrow keys move
// within the selected panel; a first arrow key starts in the hovered panel, else the first
// shown. A label click selects the row / column in the label's own panel (`data-panel`),
// else the selected panel if it is shown, else the first shown. Escape cancels a gesture,
// else clears the selection, else leaves a focused panel, else goes to the host.

import { createGestures } from "./gestures.js";
import { cellAnchor, cellIn, rectAt, rectOf } from "./geometry.js";
import { guardShortcuts, isHostKey } from "./hostkeys.js";
import { sameHover } from "./hover.js";
import { fullView } from "../render/layout.js";
import {
  moveSelection,
  parseSelection,
  sameSelection,
  selCol,
  selectionCorrected,
  selectionToTrait,
  selPanel,
  selRow,
} from "./selection.js";
import { createToolbar } from "./toolbar.js";
import { sameView, scrollIntoView, viewCorrected, viewFromTrait, viewToTrait, zoomAt } from "./zoom.js";

/** @typedef {import("../render/layout.js").ViewWindow} ViewWindow */
/** @typedef {import("./selection.js").Selection} Selection */
/** @typedef {import("../data/data.js").MatrixData} MatrixData */
/** @typedef {import("./tooltip.js").TooltipContent} TooltipContent */
/** @typedef {import("./geometry.js").PanelGeometry} PanelGeometry */
/** @typedef {import("./hover.js").Hover} Hover */

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
 * @property {() => PanelGeometry} panels the panels, their keys and the boxes of those
 *   shown and of their titles (CSS px from the plot box's top-left corner)
 * @property {(r: number, c: number, panel: number) => TooltipContent} cellInfo
 * @property {(view: ViewWindow, w: number, h: number, x: number, y: number, dpr: number, panel: number) => TooltipContent | null} pointInfo
 *   what the device pixel under CSS point (x, y) of a w x h panel shows (reduce.js
 *   coveredCells, through the overview of a big matrix), null outside the panel
 * @property {() => number} dpr device px per CSS px of the view's canvases
 * @property {() => void} viewChanged schedule a redraw for a new view
 * @property {() => void} selectionChanged schedule a redraw of the outline
 * @property {() => void} hoverChanged schedule a redraw of the hovered cell's outlines
 * @property {(panel: number | null) => void} setFocus show panel `panel` alone (null: all)
 * @property {() => boolean} focused whether one panel is shown alone
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
  /** @type {Hover | null} the cell the hover tooltip describes */
  let hovered = null;

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
    if (!keyTip && byKeyboard) hideTip();
    const same = sameSelection(selection, sel);
    selection = sel;
    if (!same) ctx.selectionChanged();
    const panels = ctx.panels();
    if (!sameSelection(parseSelection(model.get("selection"), s.rows, s.cols, panels), sel)) {
      write("selection", selectionToTrait(sel, panels));
      model.save_changes();
    }
    if (keyTip) showKeyTip();
  }

  /** @param {Hover | null} h */
  function setHovered(h) {
    if (sameHover(h, hovered)) return;
    hovered = h;
    ctx.hoverChanged();
  }

  function hideTip() {
    tooltip.hide();
    setHovered(null);
  }

  /**
   * Tooltip for the keyboard-selected cell, anchored at the cell's lower right corner in its panel
   * (hidden when that panel is not shown or the cell is out of view).
   */
  function showKeyTip() {
    const r = selRow(selection);
    const c = selCol(selection);
    if (r < 0 || c < 0) return;
    const p = selPanel(selection);
    const rect = rectOf(ctx.panels().rects, p);
    const at = rect && cellAnchor(view, rect, r, c);
    setHovered(null);
    if (!at) return tooltip.hide();
    const box = plotbox.getBoundingClientRect();
    tooltip.show(box.left + at[0], box.top + at[1], ctx.cellInfo(r, c, p));
  }

  /**
   * Hover tooltip. When zoomed out so far that the pixel under the pointer stands for
   * several cells, it describes the cell the pixel shows (the strongest) and says how
   * many cells the pixel aggregates. Nothing over a gap or a title.
   */
  function showHoverTip() {
    const box = plotbox.getBoundingClientRect();
    const x = hover.x - box.left;
    const y = hover.y - box.top;
    const rect = rectAt(ctx.panels().rects, x, y);
    const info = rect && ctx.pointInfo(view, rect.w, rect.h, x - rect.x, y - rect.y, ctx.dpr(), rect.index);
    if (!rect || !info) return hideTip();
    tooltip.show(hover.x, hover.y, info);
    const { row, col } = info;
    setHovered({ panel: rect.index, row, col, rowEnd: info.rowEnd ?? row, colEnd: info.colEnd ?? col });
  }

  /**
   * A click (a press that did not move) at a client position: a cell selects it, a
   * panel's title focuses that panel; a gap does nothing.
   * @param {number} clientX
   * @param {number} clientY
   */
  function click(clientX, clientY) {
    const d = ctx.data();
    if (!d) return;
    const box = plotbox.getBoundingClientRect();
    const x = clientX - box.left;
    const y = clientY - box.top;
    const g = ctx.panels();
    const rect = rectAt(g.rects, x, y);
    const cell = rect && cellIn(view, rect, x, y, d.rows, d.cols);
    if (rect && cell) {
      select(withPanel(g, rect.index, { row: cell[0], col: cell[1] }), false);
      return;
    }
    const title = rectAt(g.titles, x, y);
    // the focused panel's own title leaves it focused (a double click must not undo it)
    if (title && !(ctx.focused() && rectOf(g.rects, title.index))) ctx.setFocus(title.index);
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
    click,
    rects: () => ctx.panels().rects,
    reset: resetView,
    boxMode: () => toolbar.boxMode,
    busy(active) {
      if (active) {
        hideTip();
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
    setHovered(null);
  }

  /** @param {MouseEvent} e */
  function onLabelClick(e) {
    const target = /** @type {HTMLElement | null} */ (e.target);
    const label = target?.closest?.(".tokenheat-row-label, .tokenheat-col-label");
    if (!(label instanceof HTMLElement) || label.dataset.index === undefined) return;
    const i = Number(label.dataset.index);
    const g = ctx.panels();
    const own = label.dataset.panel === undefined ? -1 : Number(label.dataset.panel);
    const p = own >= 0 && own < g.count ? own : homePanel(g, false);
    select(withPanel(g, p, label.classList.contains("tokenheat-row-label") ? { row: i } : { col: i }), false);
  }

  /**
   * The panel a label click or a first arrow key acts in: the hovered one (for keys),
   * else the selected one if shown, else the first shown.
   * @param {PanelGeometry} g
   * @param {boolean} useHover
   */
  function homePanel(g, useHover) {
    if (useHover && hovered && rectOf(g.rects, hovered.panel)) return hovered.panel;
    const p = selPanel(selection);
    if (p >= 0 && rectOf(g.rects, p)) return p;
    return g.rects.length ? g.rects[0].index : 0;
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
        const g = ctx.panels();
        const start = g.count > 1 ? homePanel(g, true) : undefined;
        const next = moveSelection(selection, e.key, view, s.rows, s.cols, start);
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
        if (gestures.cancel() || selection !== null) select(null, true);
        else if (ctx.focused()) ctx.setFocus(null);
        else return;
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
      const panels = ctx.panels();
      if (selectionCorrected(model.get("selection"), selection, panels)) {
        write("selection", selectionToTrait(selection, panels));
        changed = true;
      }
      if (changed) model.save_changes();
    });
  }

  /**
   * Read the `selection` trait; one that does not fit the matrix or names no panel of the
   * layout is written back as none.
   */
  function readSelection() {
    const s = shape();
    const t = model.get("selection");
    const panels = ctx.panels();
    const sel = s ? parseSelection(t, s.rows, s.cols, panels) : null;
    if (!sameSelection(sel, selection)) {
      selection = sel;
      keyTip = false;
      ctx.selectionChanged();
    }
    if (currentShape() && selectionCorrected(t, sel, panels)) report();
  }

  return {
    get view() {
      return view;
    },
    get selection() {
      return selection;
    },

    /** The cell the hover tooltip describes, in the panel under the pointer, or null. */
    hovered() {
      return hovered;
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

/**
 * A selection in panel p: the panel is named only when there is more than one.
 * @param {PanelGeometry} g
 * @param {number} p
 * @param {{ row: number, col: number } | { row: number } | { col: number }} sel
 * @returns {Selection}
 */
function withPanel(g, p, sel) {
  return g.count > 1 ? { panel: p, ...sel } : sel;
}
