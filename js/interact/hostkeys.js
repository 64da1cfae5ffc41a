// The widget's keys and the notebook around it. JupyterLab's shortcuts (Lumino's
// CommandRegistry) match the keydown's target and then its ancestors against each
// binding's selector; a focused heatmap sits in a notebook cell in command mode, so `d d`
// would delete its own cell, `b` insert one, `m` make it markdown (the selector,
// `.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus`, matches the focused
// element itself). Lumino stops at the first element carrying `data-lm-suppress-shortcuts`
// (lumino#15; JupyterLab's own shortcut editor uses it), checked before that element is
// matched: so the root and every element of the widget that takes focus (buttons,
// handles, inputs, checkbox) carry it, and no shortcut of the host fires while focus is
// in the widget, whatever the key. The browser's own keys are untouched: nothing here
// calls preventDefault or stopPropagation, so Tab moves focus on.
//
// A few keys stay the host's (`isHostKey`): Escape when the widget had nothing to cancel or
// clear (it closes the notebook's search bar or tooltip), and Ctrl/Cmd+S (save). For such a
// key the attribute is lifted for that one event: JupyterLab reads shortcuts in a keydown
// listener on the document, in the bubbling phase, so after the widget's own listener; the
// attribute is back when the event reaches `window`, its last stop. A listener that stops
// the event on the way (Lumino does, for a shortcut it ran) leaves that to the next task,
// and the browser runs input before timers: so the next keydown puts it back too, in
// `window`'s capture phase, before any shortcut is matched (`Escape` then `d` typed fast
// must not start the host's `d d`).

export const SUPPRESS_SHORTCUTS = "data-lm-suppress-shortcuts";

/**
 * Whether a key the widget did not use belongs to the host's shortcuts even while the
 * widget has focus.
 * @param {{ key: string, ctrlKey: boolean, metaKey: boolean, altKey: boolean, shiftKey: boolean }} e
 */
export function isHostKey(e) {
  if (e.key === "Escape") return !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey;
  return (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s";
}

/**
 * Keep the host's shortcuts out of `root` (see above).
 * @param {HTMLElement} root
 */
export function guardShortcuts(root) {
  root.setAttribute(SUPPRESS_SHORTCUTS, "true");
  /** @param {FocusEvent} e */
  const onFocusIn = (e) => {
    if (e.target instanceof Element) e.target.setAttribute(SUPPRESS_SHORTCUTS, "true");
  };
  root.addEventListener("focusin", onFocusIn);
  /** @type {Element[]} elements whose attribute is lifted for the event being dispatched */
  let lifted = [];
  let timer = 0;

  function restore() {
    window.removeEventListener("keydown", restore);
    window.removeEventListener("keydown", restore, true);
    clearTimeout(timer);
    timer = 0;
    for (const el of lifted) el.setAttribute(SUPPRESS_SHORTCUTS, "true");
    lifted = [];
  }

  return {
    /**
     * Let the host's shortcuts see the keydown event being dispatched now; call it from a
     * keydown listener inside the widget, for a key that `isHostKey` accepts.
     * @param {KeyboardEvent} e
     */
    passToHost(e) {
      restore();
      for (let el = /** @type {Element | null} */ (e.target); el; el = el.parentElement) {
        if (el.hasAttribute(SUPPRESS_SHORTCUTS)) {
          el.removeAttribute(SUPPRESS_SHORTCUTS);
          lifted.push(el);
        }
        if (el === root) break;
      }
      window.addEventListener("keydown", restore);
      window.addEventListener("keydown", restore, true); // the next one (this one is past it)
      timer = window.setTimeout(restore, 0);
    },

    destroy() {
      restore();
      root.removeEventListener("focusin", onFocusIn);
    },
  };
}
