// The toolbar in the plot's top-right corner: reset the view, toggle box zoom, download
// the view as PNG or SVG. Shown while the pointer is over the widget or keyboard focus is
// inside it (theme.js); always in the tab order.

const SVG = "http://www.w3.org/2000/svg";

/**
 * CSS px kept free above the plot for the toolbar when several panels are shown (24 px
 * buttons, padding, border and the 4 px inset of `place`), so that it covers no title.
 */
export const TOOLBAR_ROW = 34;

/**
 * A 16x16 stroked icon.
 * @param {string[]} paths SVG path data
 * @param {string} [dash] stroke-dasharray of the first path
 */
function icon(paths, dash) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  paths.forEach((d, i) => {
    const p = document.createElementNS(SVG, "path");
    p.setAttribute("d", d);
    if (i === 0 && dash) p.setAttribute("stroke-dasharray", dash);
    svg.appendChild(p);
  });
  return svg;
}

/**
 * @param {HTMLElement} bar
 * @param {string} cls
 * @param {string} label
 * @param {SVGSVGElement} svg
 */
function addButton(bar, cls, label, svg) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.title = label;
  b.setAttribute("aria-label", label);
  b.appendChild(svg);
  bar.appendChild(b);
  return b;
}

/**
 * @param {HTMLElement} plotbox the toolbar follows it in the DOM (and the tab order)
 * @param {{ reset: () => void, boxMode: (on: boolean) => void }} actions
 */
export function createToolbar(plotbox, actions) {
  const bar = document.createElement("div");
  bar.className = "tokenheat-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Heatmap view");

  /**
   * @param {string} cls
   * @param {string} label
   * @param {SVGSVGElement} svg
   */
  const button = (cls, label, svg) => addButton(bar, cls, label, svg);
  // a dashed box with a magnifier; four corners pointing outwards
  const box = button(
    "tokenheat-boxzoom",
    "Box zoom: drag a box to zoom to it (or shift-drag)",
    icon(["M1.5 1.5h9v7h-9z", "M8 11a3 3 0 1 0 6 0a3 3 0 1 0-6 0", "M13.2 13.2l2 2"], "2 1.5"),
  );
  box.setAttribute("aria-pressed", "false");
  const reset = button(
    "tokenheat-reset",
    "Reset view: show the whole matrix (double-click, or 0)",
    icon(["M1.5 5.5v-4h4", "M10.5 1.5h4v4", "M14.5 10.5v4h-4", "M5.5 14.5h-4v-4", "M5 5h6v6H5z"]),
  );
  plotbox.after(bar);

  let pressed = false;
  const onBox = () => {
    pressed = !pressed;
    box.setAttribute("aria-pressed", String(pressed));
    actions.boxMode(pressed);
  };
  const onReset = () => actions.reset();
  box.addEventListener("click", onBox);
  reset.addEventListener("click", onReset);

  return {
    get boxMode() {
      return pressed;
    },

    /**
     * Place the toolbar at the plot's top-right corner.
     * @param {import("../render/layout.js").Rect} plot
     * @param {number} width the widget's width
     */
    place(plot, width) {
      bar.style.top = `${plot.top + 4}px`;
      bar.style.right = `${width - (plot.left + plot.width) + 4}px`;
    },

    destroy() {
      box.removeEventListener("click", onBox);
      reset.removeEventListener("click", onReset);
      bar.remove();
    },
  };
}

/**
 * "Download PNG" and "Download SVG" buttons at the end of a toolbar: an arrow into a
 * tray, with a small square (PNG, pixels) or a curve (SVG, vectors) beside the arrow.
 * Disabled until `setEnabled(true)`.
 * @param {HTMLElement} bar `.tokenheat-toolbar`
 * @param {(format: "png" | "svg") => void} download
 */
export function createDownloadButtons(bar, download) {
  const arrow = ["M7 1.5v8", "M4 6.5l3 3l3-3", "M1.5 10.5v4h11v-4"];
  /** @type {HTMLButtonElement[]} */
  const buttons = [];
  const listeners = new AbortController();
  for (const [format, mark] of /** @type {const} */ ([
    ["png", "M12.5 2.5h2v2h-2z"],
    ["svg", "M11.5 5.5c0-3 3-1 3-4"],
  ])) {
    const label = `Download ${format.toUpperCase()}`;
    const b = addButton(bar, "tokenheat-download", label, icon([...arrow, mark]));
    b.dataset.format = format;
    b.disabled = true;
    b.addEventListener("click", () => download(format), { signal: listeners.signal });
    buttons.push(b);
  }

  return {
    /** @param {boolean} on */
    setEnabled(on) {
      for (const b of buttons) if (b.disabled === on) b.disabled = !on;
    },

    destroy() {
      listeners.abort();
      for (const b of buttons) b.remove();
    },
  };
}

/** The normalisation modes as the chooser names them (`normalize` trait values). */
const NORMALIZE_CHOICES = /** @type {const} */ ([
  ["", "values"],
  ["row", "÷ row max"],
  ["column", "÷ column max"],
  ["panel", "÷ panel max"],
]);

/**
 * A chooser of the `normalize` mode at the start of a toolbar: the values as they are, or
 * each row / column / panel divided by its own max |v|.
 * @param {HTMLElement} bar `.tokenheat-toolbar`
 * @param {(mode: "row" | "column" | "panel" | null) => void} choose
 */
export function createNormalizeChooser(bar, choose) {
  const select = document.createElement("select");
  select.className = "tokenheat-normalize";
  select.title = "Colours: the values, or each row / column / panel divided by its own largest |value|";
  select.setAttribute("aria-label", "Normalise colours");
  for (const [value, text] of NORMALIZE_CHOICES) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = text;
    select.appendChild(option);
  }
  // a choice made with the pointer leaves no focus behind, so the toolbar does not stay
  // over the cells (theme.js shows it for focus inside); the keyboard keeps its focus
  let pointer = false;
  const onPointer = () => {
    pointer = true;
  };
  const onKey = () => {
    pointer = false;
  };
  const onChange = () => {
    const v = select.value;
    choose(v === "row" || v === "column" || v === "panel" ? v : null);
    if (pointer) select.blur();
  };
  select.addEventListener("pointerdown", onPointer);
  select.addEventListener("keydown", onKey);
  select.addEventListener("change", onChange);
  bar.prepend(select);
  const panelOption = /** @type {HTMLOptionElement} */ (select.querySelector('option[value="panel"]'));
  return {
    /**
     * Show the mode; "÷ panel max" is offered when there are several panels (or chosen);
     * the chooser itself only when the matrix can be normalised (not a pyramid).
     * @param {"row" | "column" | "panel" | null} mode
     * @param {boolean} many
     * @param {boolean} [offered]
     */
    update(mode, many, offered = true) {
      select.hidden = !offered && mode === null;
      panelOption.hidden = !many && mode !== "panel";
      const v = mode ?? "";
      if (select.value !== v) select.value = v;
    },
    destroy() {
      select.removeEventListener("pointerdown", onPointer);
      select.removeEventListener("keydown", onKey);
      select.removeEventListener("change", onChange);
      select.remove();
    },
  };
}
