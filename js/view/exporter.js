// Exports of one view: the toolbar's PNG / SVG downloads and the answers to Python's
// capture requests, both drawn from the view as it is now (changes still waiting for a
// frame are drawn first; docs/architecture.md, "Export from the browser").

import { sourceView } from "../data/lod.js";
import { readDataRange, readText } from "../data/traits.js";
import { defaultScale, exportFileName, fitScale } from "../export/export.js";
import { createCaptureResponder, pngBlob, renderPng, renderSvg, saveFile } from "../export/snapshot.js";
import { createDownloadButtons } from "../interact/toolbar.js";
import { readColors } from "../render/theme.js";
import { panelOf } from "./matrix.js";
import { readRowsRead } from "./reading.js";

/** @typedef {import("../export/export.js").ExportView} ExportView */

const NOTHING_DRAWN = "nothing is drawn yet";

/**
 * @typedef {Object} ExportContext
 * @property {import("../index.js").Model} model
 * @property {HTMLElement} root
 * @property {HTMLElement} toolbar `.tokenheat-toolbar`, where the download buttons go
 * @property {import("./state.js").ViewState} state
 * @property {ReturnType<typeof import("./scheduler.js").createScheduler>} scheduler
 * @property {ReturnType<typeof import("./status.js").createStatus>} status
 * @property {import("./matrix.js").Lod} lod
 * @property {ReturnType<typeof import("../render/cells.js").createCells>} cells
 * @property {ReturnType<typeof import("./labels.js").createLabels>} labels
 * @property {{ readonly view: import("../render/layout.js").ViewWindow }} interaction
 */

/** @param {ExportContext} ctx */
export function createExporter(ctx) {
  const { model, root, state, scheduler, status, lod, cells, labels, interaction } = ctx;
  /**
   * The view as drawn now (pending changes are drawn first), or null when nothing is.
   * @returns {ExportView | null}
   */
  function exportView() {
    if (root.isConnected) scheduler.flush();
    const { data, layout, placed, panels, tokens } = state;
    if (!data || !layout || !status.ready) return null;
    // a source still being read: a capture waits until every row is (downloads are off)
    if (readRowsRead(model.get("_rows_read")) >= 0) return null;
    const src = lod.source(interaction.view);
    const own = labels.readTitle("title");
    /** @type {ExportView} */
    const v = {
      layout,
      view: interaction.view,
      data,
      cells: lod.active ? { data: src.grid, view: sourceView(src, interaction.view) } : undefined,
      pyramids: cells.pyramids,
      scale: state.scale,
      whiteText: state.whiteText,
      tokens: lod.active ? [] : tokens,
      fonts: state.fonts,
      colors: readColors(root),
      title: own,
      colorbarTitle: labels.readTitle("colorbar_title"),
      tickSet: state.tickSet,
      dataRange: readDataRange(model.get("_data_range")),
      rowText: labels.rowText,
      colText: labels.colText,
      panels: placed && !placed.single ? exportPanels(placed) : undefined,
    };
    const k = panels.count > 1 && placed && placed.single ? placed.shown[0] : null;
    if (k === null) return v;
    // A focused panel of a stack is exported as the matrix it is, alone (as it is drawn),
    // titled as on screen. Its values are a view of the stack's: the shared pyramid cache
    // (keyed by the stack's values) is left to the screen.
    const n = data.rows * data.cols;
    const name = panels.labels[k] ?? "";
    return {
      ...v,
      data: panelOf(data, k),
      cells: v.cells ? { data: panelOf(v.cells.data, k), view: v.cells.view } : undefined,
      pyramids: undefined,
      tokens: tokens.length > n && !lod.active ? tokens.slice(k * n, (k + 1) * n) : v.tokens,
      title: name ? (own ? `${own} \u2014 ${name}` : name) : own,
    };
  }

  /**
   * The panels shown and their titles or grid labels, as the DOM shows them.
   * @param {NonNullable<typeof state.placed>} P
   */
  function exportPanels(P) {
    const { labels: names, gridRows, gridCols } = state.panels;
    const { panels, gridLabels } = P.layout;
    /** @param {{ x: number, y: number, w: number, h: number }} b */
    const box = (b) => ({ x: b.x, y: b.y, w: b.w, h: b.h });
    /** @type {import("../export/export.js").PanelTitle[]} */
    const titles = [];
    for (const p of panels) {
      if (p.title) titles.push({ text: names[p.index] ?? "", ...box(p.title), kind: "title" });
    }
    for (const r of gridLabels.rows) {
      titles.push({ text: gridRows[r.index] ?? "", ...box(r), kind: "gridRow" });
    }
    for (const c of gridLabels.cols) {
      titles.push({ text: gridCols[c.index] ?? "", ...box(c), kind: "gridCol" });
    }
    return { layout: P.layout, shown: P.shown, titles };
  }

  /**
   * The current view as a PNG of round(width * s) x round(height * s) px.
   * @param {number} s device px per CSS px
   * @returns {Promise<Blob>}
   */
  function snapshotPng(s) {
    const v = exportView();
    return v ? pngBlob(renderPng(v, s)) : Promise.reject(new Error(NOTHING_DRAWN));
  }

  /** The current view as an SVG document. */
  function snapshotSvg() {
    const v = exportView();
    if (!v) throw new Error(NOTHING_DRAWN);
    return renderSvg(v);
  }

  /** @param {"png" | "svg"} format */
  async function download(format) {
    try {
      const layout = state.layout;
      const blob =
        format === "png"
          ? await snapshotPng(
              fitScale(defaultScale(window.devicePixelRatio), layout?.width ?? 0, layout?.height ?? 0),
            )
          : new Blob([snapshotSvg()], { type: "image/svg+xml" });
      saveFile(root, blob, exportFileName(readText(model.get("title")), format));
    } catch (e) {
      console.error(`tokenheat: could not export the view as ${format.toUpperCase()}:`, e);
    }
  }

  const downloads = createDownloadButtons(ctx.toolbar, (format) => void download(format));
  const captures = createCaptureResponder(model, snapshotPng, () => ({
    ready: exportView() !== null,
    error: status.error,
  }));

  return {
    /** @param {boolean} on whether the download buttons can be used */
    setEnabled(on) {
      downloads.setEnabled(on);
    },

    /** The view has drawn completely: captures waiting for it are answered. */
    drawn() {
      captures.drawn();
    },

    /**
     * The view shows an error instead: downloads are off, waiting captures are told why.
     * @param {string} message
     */
    failed(message) {
      downloads.setEnabled(false);
      captures.failed(message);
    },

    destroy() {
      captures.destroy();
      downloads.destroy();
    },
  };
}
