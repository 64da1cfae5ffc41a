// How much room the page gives a view whose `width` / `height` traits are unset
// (docs/architecture.md, "Sizing"). The root asks for the width of its container
// (`width: 100%`) and the height its matrix wants; two kinds of container need more:
// - one that takes its width from its content (an inline-block, a float, a flex row's
//   item, Panel's layout boxes): there `100%` is the root's own min-width, so the view
//   takes the default width instead, capped by the window;
// - a box whose height does not follow its content (Shiny's 400 px output, a dashboard
//   tile, a flex column of fixed height): the view fits the height the box leaves it
//   instead of spilling over whatever comes next.
// Both are found by probing: the root is given another size for a moment and the boxes
// around it are measured again (forced layouts, done only when the view lays itself out).

import { MAX_SIZE, MIN_SIZE } from "../render/layout.js";

export const DEFAULT_WIDTH = 640;
/** the root's CSS `min-width` (render/theme.js) */
export const MIN_WIDTH = 160;
/** how far the root is grown to see whether a box follows it, CSS px */
const PROBE = 100;
/** how many boxes up from the root are looked at */
const DEPTH = 16;

/**
 * The element `el` sits in, across a shadow root's boundary (marimo, Panel).
 * @param {Element} el
 * @returns {HTMLElement | null}
 */
function containerOf(el) {
  if (el.parentElement) return el.parentElement;
  const parent = /** @type {ShadowRoot | null} */ (el.parentNode);
  return parent && "host" in parent ? /** @type {HTMLElement} */ (parent.host) : null;
}

/** @param {Element} el */
const shown = (el) => el.getClientRects().length > 0;

/**
 * The root's width in a container that takes its width from its content, else null.
 * The root's inline width must be unset (`100%`) when this is called.
 * @param {HTMLElement} root
 * @returns {number | null} the default width, at most what the window has right of the root
 */
export function contentSizedWidth(root) {
  const box = containerOf(root);
  if (!box || !shown(root) || root.getBoundingClientRect().width > MIN_WIDTH + 0.5) return null;
  const before = box.getBoundingClientRect().width;
  root.style.width = `${MIN_WIDTH + PROBE}px`;
  const after = box.getBoundingClientRect().width;
  root.style.width = "";
  if (after - before < PROBE / 2) return null; // a box this narrow of its own
  const page = document.documentElement.clientWidth || window.innerWidth || DEFAULT_WIDTH;
  const room = Math.floor(page - Math.max(0, root.getBoundingClientRect().left) - 8);
  return Math.max(MIN_WIDTH, Math.min(DEFAULT_WIDTH, room));
}

/**
 * @typedef {Object} BoxFit
 * @property {number} height the height the box leaves the root, CSS px, in
 *   [MIN_SIZE, MAX_SIZE]
 * @property {HTMLElement} box the box, watched so that the view fits it again when it
 *   changes size
 */

/**
 * The height left to the root by the nearest box around it whose height does not follow
 * the root's, or null when every box up to the page grows with the root. Boxes that
 * scroll, and everything above them, are not looked at: content may grow there.
 * @param {HTMLElement} root
 * @returns {BoxFit | null}
 */
export function fixedBox(root) {
  if (!shown(root)) return null;
  /** @type {HTMLElement[]} */
  const chain = [];
  for (let el = containerOf(root); el && chain.length < DEPTH; el = containerOf(el)) {
    if (el === document.body || el === document.documentElement) break;
    const style = getComputedStyle(el);
    if (style.overflowY === "auto" || style.overflowY === "scroll") break;
    if (style.display !== "contents" && !style.display.startsWith("inline")) chain.push(el);
  }
  if (chain.length === 0) return null;
  const heights = () => chain.map((el) => el.getBoundingClientRect().height);
  const before = heights();
  const inline = root.style.height;
  root.style.height = `${root.getBoundingClientRect().height + PROBE}px`;
  const after = heights();
  root.style.height = inline;
  const i = before.findIndex((h, k) => h > 0 && Math.abs(after[k] - h) < 0.5);
  if (i < 0) return null;
  const box = chain[i];
  const style = getComputedStyle(box);
  const bottom =
    box.getBoundingClientRect().bottom -
    parseFloat(style.borderBottomWidth) -
    parseFloat(style.paddingBottom);
  const room = bottom - root.getBoundingClientRect().top - below(root, box);
  return { height: Math.max(MIN_SIZE, Math.min(MAX_SIZE, Math.floor(room))), box };
}

/**
 * How far what follows the root inside `box` reaches below it: siblings after the root,
 * and after each element between it and the box, where they stack under it.
 * @param {HTMLElement} root
 * @param {HTMLElement} box
 */
function below(root, box) {
  let extra = 0;
  const bottom = root.getBoundingClientRect().bottom;
  for (let el = /** @type {HTMLElement} */ (root); el !== box;) {
    const parent = containerOf(el);
    if (!parent) break;
    if (stacks(getComputedStyle(parent))) {
      for (let s = el.nextElementSibling; s; s = s.nextElementSibling) {
        const pos = getComputedStyle(s).position;
        if (pos === "absolute" || pos === "fixed" || !shown(s)) continue;
        extra = Math.max(extra, s.getBoundingClientRect().bottom - bottom);
      }
    }
    el = parent;
  }
  return Math.max(0, extra);
}

/**
 * Whether a box's children stack top to bottom (block flow or a flex column).
 * @param {CSSStyleDeclaration} style
 */
function stacks(style) {
  const d = style.display;
  if (d === "flex" || d === "inline-flex") return style.flexDirection.startsWith("column");
  return d === "block" || d === "flow-root" || d === "list-item";
}
