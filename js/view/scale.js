// The colour traits read into one view's colour scale (state.scale): the lookup table of
// `cmap` with the text colour for each of its entries, the limits and the NaN colour.
// Each returns the message to show when the traits cannot be drawn, else null.

import { brief, readLimits } from "../data/traits.js";
import { parseHexColor, resolveLut, textColorTable } from "../render/color.js";

/**
 * @param {import("../index.js").Model} model
 * @param {import("./state.js").ViewState} state
 * @returns {string | null}
 */
export function readLut(model, state) {
  const res = resolveLut(model.get("_luts"), model.get("cmap"));
  if ("error" in res) return res.error;
  state.scale.lut = res.lut;
  textColorTable(state.scale.lut, state.whiteText);
  state.lutVersion++;
  return null;
}

/**
 * @param {import("../index.js").Model} model
 * @param {import("./state.js").ViewState} state
 * @returns {string | null}
 */
export function readScale(model, state) {
  const limits = readLimits(model.get("vmin"), model.get("vmax"), model.get("center"));
  if ("error" in limits) return limits.error;
  const nan = parseHexColor(model.get("nan_color"));
  if (!nan) return `nan_color must be a colour like "#bdbdbd", got ${brief(model.get("nan_color"))}`;
  Object.assign(state.scale, limits, { nan });
  return null;
}
