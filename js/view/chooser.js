// The toolbar's normalisation chooser of one view: it shows `normalize`, and a choice
// moves each end of the colour range that sat at its default to the new mode's default, as
// Python does, so a page without a kernel behaves the same.

import { autoRange, followDefault, readNormalize } from "../data/normalize.js";
import { readDataRange } from "../data/traits.js";
import { createNormalizeChooser } from "../interact/toolbar.js";

/**
 * @param {Object} ctx
 * @param {import("../index.js").Model} ctx.model
 * @param {import("./state.js").ViewState} ctx.state
 * @param {HTMLElement} ctx.toolbar `.tokenheat-toolbar`
 * @param {ReturnType<typeof import("../range/rangesync.js").syncColorRange>} ctx.rangeSync
 */
export function createChooser({ model, state, toolbar, rangeSync }) {
  const chooser = createNormalizeChooser(toolbar, chooseNormalize);

  /**
   * The chooser switched `normalize`: draw the new mode now, and move each end of the
   * colour range that sat at its default to the new default, then save.
   * @param {"row" | "column" | "panel" | null} mode
   */
  function chooseNormalize(mode) {
    const ranges = model.get("_norm_ranges");
    const { vmin, vmax, center } = state.scale; // the range and centre on screen
    /** @param {string} m what mode `m` draws spans, read as `_data_range` is */
    const rangeOf = (m) => readDataRange(ranges && typeof ranges === "object" ? ranges[m] : null);
    const before = autoRange(rangeOf(readNormalize(model.get("normalize")) ?? "none"), center);
    const after = autoRange(rangeOf(mode ?? "none"), center);
    const next = followDefault(vmin, vmax, before, after);
    model.set("normalize", mode);
    if (next) rangeSync.write(next[0], next[1]);
    model.save_changes();
  }

  return {
    /** Show the `normalize` trait ("÷ panel max" only with several panels). */
    show() {
      const mode = readNormalize(model.get("normalize"));
      chooser.update(
        mode,
        state.panels.count > 1,
        normalizeOffered(model.get("_norm_ranges"), model.get("_tile_blocks")),
      );
    },

    destroy() {
      chooser.destroy();
    },
  };
}

/**
 * Whether the matrix can be normalised: not one read a level at a time (a pyramid, or a
 * source read in the background: tiles come in levels, `_tile_blocks`), whose divisors
 * would need a pass over every cell; Python sends no normalised range for it either,
 * while any matrix with a value has one.
 * @param {unknown} ranges `_norm_ranges`
 * @param {unknown} [tileBlocks] `_tile_blocks`
 */
export function normalizeOffered(ranges, tileBlocks) {
  if (Array.isArray(tileBlocks) && tileBlocks.length > 0) return false;
  if (!ranges || typeof ranges !== "object") return true;
  const r = /** @type {Record<string, unknown>} */ (ranges);
  return !(Array.isArray(r.none) && r.row === null);
}
