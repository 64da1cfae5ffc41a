// The DOM of one view and the parts that live in it, made in the order the page shows them
// (and tabs through them): title, plot box with the token overlay, axes, colour bar,
// selection outline, the veil over rows not read yet, colour-range control, tooltip and
// error box.

import { createSelectionOutline } from "../interact/selection.js";
import { createTooltip } from "../interact/tooltip.js";
import { createRangeControl } from "../range/range.js";
import { syncColorRange } from "../range/rangesync.js";
import { createAxes } from "../render/axes.js";
import { createColorbar } from "../render/colorbar.js";
import { createOverlay } from "../render/overlay.js";
import { CSS } from "../render/theme.js";
import { createReadingVeil } from "./reading.js";

/**
 * @param {import("../index.js").Model} model
 * @param {HTMLElement} el where anywidget shows the view
 */
export function createSkeleton(model, el) {
  const root = document.createElement("div");
  root.className = "tokenheat";
  root.tabIndex = 0;
  root.setAttribute("role", "figure");
  root.setAttribute(
    "aria-description",
    "Drag to pan, wheel to zoom, click to select; arrow keys move the selection, + and - zoom, 0 resets",
  );
  const style = document.createElement("style");
  style.textContent = CSS;
  const titleEl = document.createElement("div");
  titleEl.className = "tokenheat-title";
  const plotbox = document.createElement("div");
  plotbox.className = "tokenheat-plotbox";
  const overlayCanvas = document.createElement("canvas");
  overlayCanvas.className = "tokenheat-overlay";
  overlayCanvas.setAttribute("aria-hidden", "true");
  plotbox.appendChild(overlayCanvas);
  root.append(style, titleEl, plotbox);
  const axes = createAxes(root);
  const colorbar = createColorbar(root);
  const outline = createSelectionOutline(plotbox);
  const reading = createReadingVeil(plotbox);
  const rangeSync = syncColorRange(model);
  const range = createRangeControl(root, {
    preview: rangeSync.write,
    commit: () => model.save_changes(),
    setSymmetric(on) {
      model.set("symmetric", on);
      model.save_changes();
    },
  });
  const tooltip = createTooltip(root);
  const errorEl = document.createElement("div");
  errorEl.className = "tokenheat-error";
  errorEl.setAttribute("role", "alert");
  errorEl.hidden = true;
  root.appendChild(errorEl);
  el.appendChild(root);
  const overlay = createOverlay(overlayCanvas);
  const measureCtx = document.createElement("canvas").getContext("2d");

  return {
    root,
    titleEl,
    plotbox,
    overlayCanvas,
    errorEl,
    axes,
    colorbar,
    outline,
    reading,
    rangeSync,
    range,
    tooltip,
    overlay,
    /** a canvas context for measuring text, null where canvases cannot draw */
    measureCtx,

    /** Release the range control and its trait sync and take the view off the page. */
    destroy() {
      range.destroy();
      rangeSync.destroy();
      overlay.resize(0, 0);
      root.remove();
    },
  };
}
