import { describe, expect, it, vi } from "vitest";
import { decodeFloat32 } from "../data/binary.js";
import { decodeBuffer, decodeState, sameValue, StaticModel, widgetDef } from "../standalone.js";

/**
 * Base64 of little-endian float32 values, as Python's base64.b64encode(f32.tobytes()).
 * @param {number[]} values
 */
function f32base64(values) {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  return btoa(String.fromCharCode(...bytes));
}

describe("decodeBuffer", () => {
  it("reads base64 and hex", () => {
    expect([...decodeBuffer({ path: ["x"], encoding: "base64", data: "AAEC/w==" })]).toEqual([0, 1, 2, 255]);
    expect([...decodeBuffer({ path: ["x"], encoding: "hex", data: "000102ff" })]).toEqual([0, 1, 2, 255]);
    expect(decodeBuffer({ path: ["x"], encoding: "base64", data: "" }).byteLength).toBe(0);
  });
  it("rejects an unknown encoding", () => {
    expect(() => decodeBuffer({ path: ["x"], encoding: /** @type {any} */ ("rot13"), data: "" })).toThrow(
      /unknown buffer encoding "rot13"/,
    );
  });
});

describe("decodeState", () => {
  const lut = btoa(String.fromCharCode(...new Uint8Array(1024).map((_, i) => i % 251)));
  const saved = () => ({
    state: { _shape: [2, 2], title: "t", _luts: {}, pairs: [null, { keep: 1 }] },
    buffers: [
      { path: ["_values"], encoding: /** @type {const} */ ("base64"), data: f32base64([0.5, -1, 0.25, NaN]) },
      { path: ["_exact"], encoding: /** @type {const} */ ("base64"), data: "" },
      { path: ["_luts", "RdYlGn"], encoding: /** @type {const} */ ("base64"), data: lut },
      { path: ["pairs", 0], encoding: /** @type {const} */ ("hex"), data: "0a0b" },
      { path: ["pairs", 1, "bytes"], encoding: /** @type {const} */ ("hex"), data: "0c" },
    ],
  });

  it("puts every buffer back at its path as a DataView", () => {
    const state = decodeState(saved());
    expect(state._values).toBeInstanceOf(DataView);
    expect([...decodeFloat32(state._values)]).toEqual([0.5, -1, 0.25, NaN]);
    expect(state._exact).toBeInstanceOf(DataView);
    expect(state._exact.byteLength).toBe(0);
    expect(state._luts.RdYlGn).toBeInstanceOf(DataView);
    expect(state._luts.RdYlGn.byteLength).toBe(1024);
    expect(state._luts.RdYlGn.getUint8(300)).toBe(300 % 251);
    expect(state.pairs[0].getUint8(1)).toBe(11);
    expect(state.pairs[1]).toEqual({ keep: 1, bytes: expect.any(DataView) });
    expect(state.title).toBe("t");
    expect(state._shape).toEqual([2, 2]);
  });

  it("creates missing containers on the way (objects, or arrays for numeric keys)", () => {
    const state = decodeState({
      state: {},
      buffers: [
        { path: ["_luts", "viridis"], encoding: "hex", data: "01" },
        { path: ["list", 1], encoding: "hex", data: "02" },
      ],
    });
    expect(state._luts.viridis.getUint8(0)).toBe(1);
    expect(Array.isArray(state.list)).toBe(true);
    expect(state.list[1].getUint8(0)).toBe(2);
  });

  it("ignores a buffer whose path leads out of the state, or through a number or string", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const hex = /** @type {const} */ ("hex");
    const state = decodeState({
      state: { cmap: "gray", n: 5 },
      buffers: [
        { path: ["__proto__", "polluted"], encoding: hex, data: "00" },
        { path: ["_luts", "constructor", "x"], encoding: hex, data: "00" },
        { path: /** @type {any} */ ([{ toString: 1 }]), encoding: hex, data: "00" },
        { path: ["cmap", "x"], encoding: hex, data: "00" },
        { path: ["n", 0, "x"], encoding: hex, data: "00" },
      ],
    });
    expect(/** @type {any} */ ({}).polluted).toBeUndefined();
    expect(state).toEqual({ cmap: "gray", n: 5 });
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });

  it("accepts a state without buffers and rejects one without state or path", () => {
    expect(decodeState({ state: { a: 1 } })).toEqual({ a: 1 });
    expect(() => decodeState(/** @type {any} */ ({}))).toThrow(/no state/);
    expect(() => decodeState({ state: {}, buffers: [{ path: [], encoding: "hex", data: "" }] })).toThrow(
      /without a path/,
    );
  });
});

describe("sameValue", () => {
  it("compares JSON-like values deeply and other objects by identity", () => {
    expect(sameValue([0, 2, 0, 3], [0, 2, 0, 3])).toBe(true);
    expect(sameValue([0, 2], [0, 3])).toBe(false);
    expect(sameValue({ row: 1 }, { row: 1 })).toBe(true);
    expect(sameValue({ row: 1 }, { row: 1, col: 0 })).toBe(false);
    expect(sameValue(null, { row: 1 })).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(true);
    const dv = new DataView(new ArrayBuffer(4));
    expect(sameValue(dv, dv)).toBe(true);
    expect(sameValue(dv, new DataView(new ArrayBuffer(4)))).toBe(false);
  });
});

describe("StaticModel", () => {
  it("gets what it was given and what was set", () => {
    const m = new StaticModel({ cmap: "RdYlGn" });
    expect(m.get("cmap")).toBe("RdYlGn");
    expect(m.get("missing")).toBeUndefined();
    m.set("cmap", "viridis");
    expect(m.get("cmap")).toBe("viridis");
  });

  it("emits change:<name> then change to every listener, only for real changes", () => {
    const m = new StaticModel({ view: [0, 9, 0, 5], vmin: -1 });
    /** @type {string[]} */
    const seen = [];
    m.on("change:view", (/** @type {any} */ model, /** @type {any} */ value) => {
      expect(model).toBe(m);
      seen.push(`view ${value}`);
    });
    m.on("change:view", () => seen.push("second view listener"));
    m.on("change", () => seen.push("change"));
    m.on("change:vmin", () => seen.push("vmin"));
    m.set("view", [0, 9, 0, 5]); // equal by value: no event
    expect(seen).toEqual([]);
    m.set("view", [1, 4, 0, 5]);
    expect(seen).toEqual(["view 1,4,0,5", "second view listener", "change"]);
    seen.length = 0;
    m.set({ view: [1, 4, 0, 5], vmin: -2 });
    expect(seen).toEqual(["vmin", "change"]);
  });

  it("shares changes between views of one model (a zoom in one moves the other)", () => {
    const m = new StaticModel({ view: [0, 9, 0, 5] });
    const other = vi.fn();
    const own = vi.fn();
    m.on("change:view", own);
    m.on("change:view", other);
    m.set("view", [2, 5, 0, 3]); // view 1 settles a zoom
    m.save_changes();
    expect(other).toHaveBeenCalledTimes(1);
    expect(own).toHaveBeenCalledTimes(1);
    expect(m.get("view")).toEqual([2, 5, 0, 3]);
  });

  it("lets a listener set other traits while an event is delivered (nested changes)", () => {
    const m = new StaticModel({ vmin: -1, color_range: [-1, 1] });
    m.on("change:vmin", () => m.set("color_range", [m.get("vmin"), 1]));
    const pair = vi.fn();
    m.on("change:color_range", pair);
    m.set("vmin", -0.5);
    expect(m.get("color_range")).toEqual([-0.5, 1]);
    expect(pair).toHaveBeenCalledTimes(1);
  });

  it("off removes one callback, one event, a callback everywhere, or everything", () => {
    const m = new StaticModel({ a: 0, b: 0 });
    const f = vi.fn();
    const g = vi.fn();
    m.on("change:a change:b", f);
    m.on("change:a", g);
    m.off("change:a", f);
    m.set("a", 1);
    expect(f).not.toHaveBeenCalled();
    expect(g).toHaveBeenCalledTimes(1);
    m.set("b", 1);
    expect(f).toHaveBeenCalledTimes(1);
    m.off(null, f);
    m.set("b", 2);
    expect(f).toHaveBeenCalledTimes(1);
    m.off("change:a");
    m.set("a", 2);
    expect(g).toHaveBeenCalledTimes(1);
    m.on("change:a", g);
    m.off();
    m.set("a", 3);
    expect(g).toHaveBeenCalledTimes(1);
  });

  it("delivers an event to the listeners present when it started", () => {
    const m = new StaticModel({ a: 0 });
    const later = vi.fn();
    const once = vi.fn(() => {
      m.off("change:a", once);
      m.on("change:a", later);
    });
    m.on("change:a", once);
    m.set("a", 1);
    expect(once).toHaveBeenCalledTimes(1);
    expect(later).not.toHaveBeenCalled();
    m.set("a", 2);
    expect(once).toHaveBeenCalledTimes(1);
    expect(later).toHaveBeenCalledTimes(1);
  });

  it("takes msg:custom listeners (no kernel sends any) and ignores send and save_changes", () => {
    const m = new StaticModel({});
    const msg = vi.fn();
    m.on("msg:custom", msg);
    expect(() => m.send({ type: "exact" })).not.toThrow();
    expect(() => m.save_changes()).not.toThrow();
    expect(msg).not.toHaveBeenCalled();
    m.trigger("msg:custom", { type: "capture" }, []);
    expect(msg).toHaveBeenCalledWith({ type: "capture" }, []);
    m.off("msg:custom", msg);
    m.trigger("msg:custom", { type: "capture" }, []);
    expect(msg).toHaveBeenCalledTimes(1);
  });
});

describe("widgetDef", () => {
  const render = () => {};
  it("resolves a default export object, a default factory, or named exports", async () => {
    expect((await widgetDef({ default: { render } })).render).toBe(render);
    expect((await widgetDef({ default: async () => ({ render }) })).render).toBe(render);
    expect((await widgetDef({ render })).render).toBe(render);
  });
  it("rejects a module without render", async () => {
    await expect(widgetDef({ default: {} })).rejects.toThrow(/no render/);
  });
});
