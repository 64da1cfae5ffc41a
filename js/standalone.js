// Offline loader for static HTML (tokenheat.html: `to_html` and the nbconvert exporter).
// Without a kernel or a widget manager from a CDN, it rebuilds each saved model in the
// page, imports the widget's ES module once from the text embedded in the page (a Blob
// URL, no network) and calls its `render({ model, el })`, as anywidget would.
// Page format (docs/architecture.md, "Static HTML"):
//   <div class="tokenheat-static" data-model-id="ID"> optional fallback <img> </div>
//   <script type="application/vnd.tokenheat.state+json" data-model-id="ID">
//     {"version": 1, "esm_ref": "REF", "state": {...}, "buffers": [{path, encoding, data}]}
//   <script type="application/vnd.tokenheat.esm+json" data-esm-ref="REF"> "module source"
// Several placeholders with one model id are views of one shared model, so they stay in sync.

export const PLACEHOLDER = "tokenheat-static";
export const STATE_TYPE = "application/vnd.tokenheat.state+json";
export const ESM_TYPE = "application/vnd.tokenheat.esm+json";

/**
 * @typedef {Object} SavedBuffer
 * @property {(string | number)[]} path where the buffer goes in the state
 * @property {"base64" | "hex"} encoding
 * @property {string} data
 */

/**
 * @typedef {Object} SavedModel
 * @property {Record<string, any>} state JSON state without its binary parts
 * @property {SavedBuffer[]} [buffers]
 * @property {string} [esm_ref] key of the page's embedded module source (`_esm`)
 */

/**
 * Bytes of a saved buffer.
 * @param {SavedBuffer} buffer
 * @returns {Uint8Array}
 */
export function decodeBuffer(buffer) {
  const { encoding, data } = buffer;
  if (encoding === "base64") {
    const text = atob(data);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  if (encoding === "hex") {
    const out = new Uint8Array(data.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(data.substr(2 * i, 2), 16);
    return out;
  }
  throw new Error(`unknown buffer encoding ${JSON.stringify(encoding)}`);
}

/** Keys of a saved buffer's path that would lead out of the state into shared objects. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The model state with every buffer put back at its path as a DataView (what a
 * widget manager hands to a widget), like ipywidgets' `put_buffers`.
 * @param {SavedModel} saved
 * @returns {Record<string, any>} the (mutated) `saved.state`
 */
export function decodeState(saved) {
  const state = saved.state;
  if (state === null || typeof state !== "object") throw new Error("saved widget state has no state");
  for (const buffer of saved.buffers ?? []) {
    const { path } = buffer;
    if (!Array.isArray(path) || path.length === 0) throw new Error("saved buffer without a path");
    if (!path.every((k) => (typeof k === "string" && !UNSAFE_KEYS.has(k)) || Number.isInteger(k))) {
      // it could only reach into Object.prototype and the like: no widget state is there
      console.warn(`tokenheat: ignored a saved buffer at ${JSON.stringify(path).slice(0, 80)}`);
      continue;
    }
    const bytes = decodeBuffer(buffer);
    /** @type {any} */
    let obj = state;
    for (let i = 0; i < path.length - 1 && obj !== null; i++) {
      if (obj[path[i]] == null) obj[path[i]] = typeof path[i + 1] === "number" ? [] : {};
      obj = typeof obj[path[i]] === "object" ? obj[path[i]] : null;
    }
    // (a path through a number or a string leads nowhere: the trait keeps its value)
    if (obj !== null)
      obj[path[path.length - 1]] = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return state;
}

/**
 * Equality as Backbone decides whether `set` is a change: deep for JSON-like values.
 * @param {any} a
 * @param {any} b
 * @returns {boolean}
 */
export function sameValue(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) {
    return false; // DataViews and other objects: by identity
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]));
}

/**
 * A model for one saved widget, with the part of anywidget's model API that a view uses.
 * `set` stores and emits `change:<name>` (then `change`) to every view, as Backbone does;
 * there is no kernel, so `save_changes` and `send` do nothing and `msg:custom` never fires.
 */
export class StaticModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    /** @type {Record<string, any>} */
    this.attributes = { ...state };
    /** @type {Map<string, Array<(...args: any[]) => void>>} */
    this.listeners = new Map();
  }

  /** @param {string} name */
  get(name) {
    return this.attributes[name];
  }

  /**
   * @param {string | Record<string, any>} name a trait name, or an object of several
   * @param {any} [value]
   */
  set(name, value) {
    const changes = typeof name === "string" ? { [name]: value } : name;
    const changed = [];
    for (const [key, v] of Object.entries(changes)) {
      if (!sameValue(this.attributes[key], v)) {
        this.attributes[key] = v;
        changed.push(key);
      }
    }
    for (const key of changed) this.trigger(`change:${key}`, this, this.attributes[key]);
    if (changed.length) this.trigger("change", this);
  }

  /**
   * @param {string} events one event name, or several separated by spaces
   * @param {(...args: any[]) => void} callback
   */
  on(events, callback) {
    for (const event of events.split(/\s+/)) {
      if (!event) continue;
      const list = this.listeners.get(event) ?? [];
      list.push(callback);
      this.listeners.set(event, list);
    }
  }

  /**
   * Backbone's `off`: no arguments removes everything, no callback every listener of
   * the event, no event that callback from every event.
   * @param {string | null} [events]
   * @param {((...args: any[]) => void) | null} [callback]
   */
  off(events, callback) {
    const names = events ? events.split(/\s+/).filter(Boolean) : [...this.listeners.keys()];
    for (const event of names) {
      const list = this.listeners.get(event);
      if (!list) continue;
      const kept = callback ? list.filter((cb) => cb !== callback) : [];
      if (kept.length) this.listeners.set(event, kept);
      else this.listeners.delete(event);
    }
  }

  /**
   * @param {string} event
   * @param {...any} args
   */
  trigger(event, ...args) {
    // a copy: a listener may remove itself (or others) while the event is delivered
    for (const cb of [...(this.listeners.get(event) ?? [])]) cb(...args);
  }

  /** Nothing to save to: the page has no kernel. */
  save_changes() {}

  /**
   * No kernel to send to: requests (e.g. exact tooltip values) go unanswered.
   * @param {any} _content
   * @param {any} [_callbacks]
   * @param {any[]} [_buffers]
   */
  send(_content, _callbacks, _buffers) {}
}

/**
 * @typedef {Object} WidgetDef
 * @property {(ctx: { model: StaticModel }) => any} [initialize]
 * @property {(ctx: { model: StaticModel, el: HTMLElement }) => any} render
 */

/**
 * The widget definition of an imported module, as anywidget resolves it: the default
 * export (an object, or a function returning one) or the module's named exports.
 * @param {any} mod
 * @returns {Promise<WidgetDef>}
 */
export async function widgetDef(mod) {
  let def = mod && "default" in mod ? mod.default : mod;
  if (typeof def === "function") def = await def();
  if (!def || typeof def.render !== "function") throw new Error("the widget module has no render()");
  return def;
}

/**
 * Import ES module source without the network: from a Blob URL (a data: URL where
 * Blob URLs are refused).
 * @param {string} source
 */
async function importSource(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(/* @vite-ignore */ url);
  } catch (err) {
    const bytes = new TextEncoder().encode(source);
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    try {
      return await import(/* @vite-ignore */ `data:text/javascript;base64,${btoa(bin)}`);
    } catch {
      throw err;
    }
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * @param {string} type
 * @param {string} attr
 * @param {string} value
 */
function findScript(type, attr, value) {
  for (const s of document.querySelectorAll(`script[type="${type}"]`)) {
    if (s.getAttribute(attr) === value) return s;
  }
  return null;
}

/** @param {unknown} css anywidget's `_css`, added to the page once */
function addCss(css) {
  if (typeof css !== "string" || !css) return;
  for (const s of document.querySelectorAll("style[data-tokenheat-css]")) {
    if (s.textContent === css) return;
  }
  const style = document.createElement("style");
  style.setAttribute("data-tokenheat-css", "");
  style.textContent = css;
  document.head.appendChild(style);
}

/** One loader per page, even when several fragments each bring one. */
function createLoader() {
  /** @type {Map<string, Promise<WidgetDef>>} module source ref -> widget */
  const modules = new Map();
  /** @type {Map<string, Promise<{ model: StaticModel, def: WidgetDef }>>} model id -> model */
  const models = new Map();

  /** @param {string} ref */
  function loadModule(ref) {
    let p = modules.get(ref);
    if (!p) {
      const script = findScript(ESM_TYPE, "data-esm-ref", ref);
      p = script
        ? importSource(String(JSON.parse(script.textContent || '""'))).then(widgetDef)
        : Promise.reject(new Error(`the widget code ${ref} is missing from the page`));
      modules.set(ref, p);
    }
    return p;
  }

  /** @param {string} id */
  async function createModel(id) {
    const script = findScript(STATE_TYPE, "data-model-id", id);
    if (!script) throw new Error(`the state of widget ${id} is missing from the page`);
    /** @type {SavedModel} */
    const saved = JSON.parse(script.textContent || "null");
    const state = decodeState(saved);
    const ref = String(saved.esm_ref ?? "");
    const def = await loadModule(ref);
    if (typeof state._esm !== "string") {
      state._esm = JSON.parse(findScript(ESM_TYPE, "data-esm-ref", ref)?.textContent || '""');
    }
    addCss(state._css);
    const model = new StaticModel(state);
    await def.initialize?.({ model });
    return { model, def };
  }

  /** @param {string} id */
  function loadModel(id) {
    let p = models.get(id);
    if (!p) {
      p = createModel(id);
      models.set(id, p);
    }
    return p;
  }

  /** @param {HTMLElement} holder */
  async function show(holder) {
    holder.dataset.status = "loading";
    const id = holder.dataset.modelId ?? "";
    const fallback = /** @type {HTMLElement | null} */ (holder.querySelector(".tokenheat-static-fallback"));
    const el = document.createElement("div");
    el.className = "tokenheat-static-view";
    // Until its first draw the view is laid out (it sizes from its width) but hidden
    // behind the fallback picture, which keeps its place: no blank box, no jump.
    if (fallback) {
      holder.style.position = "relative";
      el.style.cssText = "position:absolute;left:0;top:0;right:0;visibility:hidden";
    }
    holder.appendChild(el);
    const drawn = () => el.querySelector("[data-ready='true']") !== null;
    const watcher = new MutationObserver(() => {
      if (!drawn() && !el.querySelector("[data-error]")) return;
      watcher.disconnect();
      el.style.cssText = "";
      // after an error the widget shows why, under the picture
      if (fallback && drawn()) fallback.hidden = true;
    });
    watcher.observe(el, { subtree: true, attributes: true, attributeFilter: ["data-ready", "data-error"] });
    try {
      const { model, def } = await loadModel(id);
      await def.render({ model, el });
      holder.dataset.status = "rendered";
    } catch (err) {
      watcher.disconnect();
      el.remove();
      holder.dataset.status = "error";
      console.error(`tokenheat: cannot show widget ${id} without a kernel:`, err);
    }
  }

  /** Show every placeholder not shown yet. */
  function scan() {
    for (const holder of document.querySelectorAll(`.${PLACEHOLDER}`)) {
      if (holder instanceof HTMLElement && !holder.dataset.status) void show(holder);
    }
  }

  return { scan };
}

if (typeof document !== "undefined") {
  const g = /** @type {any} */ (globalThis);
  g.__tokenheatStatic ??= createLoader();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => g.__tokenheatStatic.scan(), { once: true });
  } else {
    g.__tokenheatStatic.scan();
  }
}
