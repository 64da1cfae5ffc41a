// The panels of one view for the pointer (their boxes, kept until they are placed anew)
// and focusing one of them: shown alone, with Python's `focus` following.

import { focusTrait } from "../render/panelview.js";
import { LAYOUT, SELECTION, TOKENS, VIEW } from "./state.js";

/**
 * @param {import("../index.js").Model} model
 * @param {import("./state.js").ViewState} state
 * @param {(flags: number) => void} schedule
 */
export function createFocus(model, state, schedule) {
  /** @type {import("../interact/geometry.js").PanelGeometry | null} cached for the pointer */
  let geometry = null;
  /** @type {import("./state.js").PlacedPanels | null} */
  let geometryFor = null;
  /** @type {Array<number | [number, number]> | null} */
  let geometryKeys = null;

  /**
   * The panels shown, for the pointer: CSS rectangles relative to the plot box.
   * @returns {import("../interact/interaction.js").PanelGeometry}
   */
  function panelGeometry() {
    const { placed, panels } = state;
    if (geometry && geometryFor === placed && geometryKeys === panels.keys) return geometry;
    const P = placed;
    geometryFor = placed;
    geometryKeys = panels.keys;
    geometry = {
      count: panels.count,
      keys: panels.keys,
      rects: P
        ? P.layout.panels.map((r) => ({ index: P.shown[r.index], x: r.x, y: r.y, w: r.w, h: r.h }))
        : [],
      titles:
        !P || P.single
          ? []
          : P.layout.panels.flatMap((r) => (r.title ? [{ index: P.shown[r.index], ...r.title }] : [])),
    };
    return geometry;
  }

  /**
   * Show panel p alone (null: all panels again); Python's `focus` follows.
   * @param {number | null} p
   */
  function setFocus(p) {
    const panels = state.panels;
    if (panels.count < 2) return;
    const next = p !== null && p >= 0 && p < panels.count ? p : null;
    if (next === panels.focus) return;
    state.panels = { ...panels, focus: next };
    model.set("focus", focusTrait(next, state.panels.layout));
    model.save_changes();
    schedule(LAYOUT | VIEW | SELECTION | TOKENS);
  }

  return { panelGeometry, setFocus };
}
