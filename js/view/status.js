// What one view's root says about it: the error box, shown in place of a picture that cannot
// be drawn (never a blank box), and the marks of a complete draw that tests and exports
// wait for (`data-ready`, `data-settled`, `data-draws`, `data-renderer`;
// docs/architecture.md, DOM).

/**
 * @param {HTMLElement} root `.tokenheat`
 * @param {HTMLElement} errorEl `.tokenheat-error`
 */
export function createStatus(root, errorEl) {
  let draws = 0;

  return {
    /** @param {string} message why nothing can be drawn */
    showError(message) {
      errorEl.textContent = message;
      errorEl.hidden = false;
      root.dataset.error = message;
    },

    /**
     * A complete draw, by renderer `kind`: the error box goes, the draw is counted.
     * `settled`: by the renderer the view keeps (false for a first frame drawn with
     * canvas 2D before WebGL is tried, render/cells.js).
     * @param {string} kind
     * @param {boolean} [settled]
     */
    drawn(kind, settled = true) {
      if (root.dataset.renderer !== kind) root.dataset.renderer = kind;
      if (settled) root.dataset.settled = "true";
      else delete root.dataset.settled;
      if (!errorEl.hidden) {
        errorEl.hidden = true;
        errorEl.textContent = "";
      }
      delete root.dataset.error;
      draws++;
      root.dataset.ready = "true";
      root.dataset.draws = String(draws);
    },

    /** Whether the view shows a complete draw (and no error since). */
    get ready() {
      return root.dataset.ready === "true" && errorEl.hidden;
    },

    /** The error shown, or null. */
    get error() {
      return root.dataset.error ?? null;
    },
  };
}
