import { afterEach, describe, expect, it, vi } from "vitest";
import { rng } from "./rng.js";
import { buildStack } from "../data/reduce.js";
import { createGLRenderer, linearLayout } from "../render/gl.js";

// When and how gl.js uploads the values texture, against a fake WebGL2 context that keeps
// the R32F texture bound to unit 0 as a Float32Array (no GPU in node): what goes up must
// be the pyramids laid end to end, only in the draw that reads them, in few calls, and
// getError is read after the frame, its failure still handed to `events.failed`.

const GL = {
  NO_ERROR: 0,
  OUT_OF_MEMORY: 0x0505,
  TEXTURE_2D: 0x0de1,
  TEXTURE0: 0x84c0,
  R32F: 0x822e,
  MAX_TEXTURE_SIZE: 0x0d33,
  RENDERER: 0x1f01,
  FRAMEBUFFER_COMPLETE: 0x8cd5,
};

/**
 * @param {{ software: boolean, maxTextureSize?: number }} opts
 */
function fakeContext({ software, maxTextureSize = 8192 }) {
  /** @type {Map<object, { w: number, h: number, data: Float32Array | null }>} R32F textures */
  const textures = new Map();
  /** @type {(object | null)[]} */
  const units = new Array(8).fill(null);
  let active = 0;
  /** @type {number[]} */
  const errors = [];
  const log = { valueCalls: 0, getError: 0 };
  const target = {
    ...GL,
    getParameter: (/** @type {number} */ p) =>
      p === GL.MAX_TEXTURE_SIZE ? maxTextureSize : p === GL.RENDERER ? (software ? "SwiftShader" : "GPU") : 0,
    getExtension: (/** @type {string} */ name) => (name === "EXT_color_buffer_float" ? {} : null),
    getShaderParameter: () => true,
    getProgramParameter: () => true,
    createShader: () => ({}),
    createProgram: () => ({}),
    createTexture: () => ({}),
    createFramebuffer: () => ({}),
    createVertexArray: () => ({}),
    getUniformLocation: () => ({}),
    checkFramebufferStatus: () => GL.FRAMEBUFFER_COMPLETE,
    isContextLost: () => false,
    getError() {
      log.getError++;
      return errors.shift() ?? GL.NO_ERROR;
    },
    activeTexture: (/** @type {number} */ u) => {
      active = u - GL.TEXTURE0;
    },
    bindTexture: (/** @type {number} */ _t, /** @type {object | null} */ t) => {
      units[active] = t;
    },
    /** @param {any[]} a */
    texImage2D(...a) {
      const [, , fmt, w, h, , , , src, from = 0] = a;
      if (fmt !== GL.R32F || active !== 0) return;
      if (w * h > 1) log.valueCalls++;
      const data = src ? Float32Array.from(src.subarray(from, from + w * h)) : new Float32Array(w * h);
      textures.set(/** @type {object} */ (units[0]), { w, h, data });
    },
    /** @param {any[]} a */
    texSubImage2D(...a) {
      const [, , x, y, w, h, , , src, from = 0] = a;
      const t = textures.get(/** @type {object} */ (units[0]));
      if (active !== 0 || !t || !t.data) return;
      log.valueCalls++;
      for (let r = 0; r < h; r++)
        t.data.set(src.subarray(from + r * w, from + (r + 1) * w), (y + r) * t.w + x);
    },
  };
  const ctx = new Proxy(target, {
    get: (t, k) =>
      k in t ? /** @type {any} */ (t)[k] : typeof k === "string" && /^[A-Z]/.test(k) ? 1 : () => {},
  });
  return {
    ctx,
    log,
    errors,
    /** the texture bound to unit 0 (the values) */
    values: () => textures.get(/** @type {object} */ (units[0])),
    drawingBuffer: { width: 0, height: 0 },
  };
}

/**
 * @param {{ software: boolean, maxTextureSize?: number }} opts
 */
function makeRenderer(opts) {
  const fake = fakeContext(opts);
  /** @type {string[]} */
  const failures = [];
  const canvas = /** @type {any} */ ({
    width: 0,
    height: 0,
    getContext: () => fake.ctx,
    addEventListener() {},
    removeEventListener() {},
  });
  const res = createGLRenderer(canvas, { lost() {}, failed: (w) => failures.push(w) });
  if ("error" in res) throw new Error(res.error);
  const r = res.renderer;
  /** @param {number} w @param {number} h */
  const resize = (w, h) => {
    r.resize(w, h);
    /** @type {any} */ (fake.ctx).drawingBufferWidth = w;
    /** @type {any} */ (fake.ctx).drawingBufferHeight = h;
  };
  return { r, fake, failures, resize };
}

/**
 * @param {number} panels
 * @param {number} rows
 * @param {number} cols
 */
function data(panels, rows, cols) {
  const rand = rng(panels * 1000 + rows + cols);
  const values = new Float32Array(panels * rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = rand() < 0.05 ? NaN : rand() - 0.5;
  return { rows, cols, values, exact: null, panels };
}

/**
 * A stack's levels laid end to end, as the texture must hold them.
 * @param {import("../data/reduce.js").PyramidStack} st
 */
function concatenated(st) {
  const out = new Float32Array(st.total);
  for (let p = 0; p < st.panels; p++) {
    st.pyramids[p].levels.forEach((lv, k) => out.set(lv, p * st.stride + st.offsets[k]));
  }
  return out;
}

/**
 * Whether two float arrays hold the same bits (NaN included), fast for millions.
 * @param {Float32Array | undefined | null} a
 * @param {Float32Array} b
 */
function sameBits(a, b) {
  if (!a || a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const scale = { lut: new Uint8Array(1024), nan: /** @type {[number, number, number]} */ ([0, 0, 0]) };
const colours = { ...scale, vmin: -1, vmax: 1, center: null };
/** @param {number} rows @param {number} cols */
const full = (rows, cols) => ({ row0: 0, row1: rows, col0: 0, col1: cols });

/**
 * A grid of `n` panels of w x h with gaps of 2.
 * @param {number} n
 * @param {number} per panels per row
 * @param {number} w
 * @param {number} h
 */
function grid(n, per, w, h) {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    x: (i % per) * (w + 2),
    y: Math.floor(i / per) * (h + 2),
    w,
    h,
  }));
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the WebGL renderer's values texture", () => {
  it("is not uploaded by setData, nor by a zoomed-out draw on a software renderer", () => {
    const { r, fake, failures, resize } = makeRenderer({ software: true });
    const d = data(12, 32, 32);
    resize(4 * 12 - 2, 3 * 12 - 2);
    expect(r.setData(d)).toBeNull();
    r.draw(full(32, 32), colours, grid(12, 4, 10, 10));
    expect(fake.log.valueCalls).toBe(0);
    expect(fake.log.getError).toBe(0);
    expect(failures).toEqual([]);
  });

  it("holds the values alone when a draw zooms in, the pyramids when it reads them", () => {
    const { r, fake, resize } = makeRenderer({ software: false });
    const d = data(5, 40, 24);
    resize(5 * 50, 60);
    r.setData(d);
    r.draw(full(40, 24), colours, grid(5, 5, 48, 60)); // one cell or less a pixel
    expect(fake.log.valueCalls).toBe(1);
    expect(sameBits(fake.values()?.data?.subarray(0, d.values.length), d.values)).toBe(true);
    r.draw(full(40, 24), colours, grid(5, 5, 10, 10)); // zoomed out: the GPU reduces
    expect(fake.log.valueCalls).toBe(2);
    const st = buildStack(d.values, 40, 24, 5, true, true);
    const t = /** @type {{ w: number, h: number, data: Float32Array }} */ (fake.values());
    expect(t.w * t.h).toBeGreaterThanOrEqual(st.total);
    expect(sameBits(t.data.subarray(0, st.total), concatenated(st))).toBe(true);
    // zoomed in again: the pyramids hold the values too, nothing goes up
    r.draw(full(40, 24), colours, grid(5, 5, 48, 60));
    expect(fake.log.valueCalls).toBe(2);
  });

  it("goes up in bands of whole rows when it is large, the same texels", () => {
    const { r, fake, resize } = makeRenderer({ software: false, maxTextureSize: 4096 });
    const d = data(300, 128, 128); // 300 pyramids of 170 x 170: 8.7 million texels
    resize(30 * 12, 10 * 12);
    r.setData(d);
    r.draw(full(128, 128), colours, grid(300, 30, 10, 10));
    const st = buildStack(d.values, 128, 128, 300, true, true);
    const L = /** @type {{ width: number, height: number }} */ (linearLayout(st.total, 4096));
    const t = /** @type {{ w: number, h: number, data: Float32Array }} */ (fake.values());
    expect([t.w, t.h]).toEqual([L.width, L.height]);
    // the allocation, then bands of 2^22 texels (1024 rows of 4096)
    expect(fake.log.valueCalls).toBe(1 + Math.ceil(L.height / 1024));
    expect(sameBits(t.data.subarray(0, st.total), concatenated(st))).toBe(true);
    expect(t.data.subarray(st.total).every((x) => x === 0)).toBe(true);
  });

  it("reads GL errors after the frame, and a failed upload still asks for another renderer", () => {
    vi.useFakeTimers();
    const { r, fake, failures, resize } = makeRenderer({ software: false });
    resize(100, 100);
    r.setData(data(1, 300, 300));
    fake.errors.push(GL.OUT_OF_MEMORY);
    r.draw(full(300, 300), colours);
    expect(fake.log.getError).toBe(0);
    expect(failures).toEqual([]);
    vi.runAllTimers();
    expect(failures).toEqual(["out of GPU memory for the matrix"]);
    expect(fake.values()?.w).toBe(1); // freed for the fallback
    r.draw(full(300, 300), colours); // failed: draws nothing more
    expect(fake.log.valueCalls).toBe(1);
  });

  it("checks a pending upload before the next draw uses it", () => {
    vi.useFakeTimers();
    const { r, fake, failures, resize } = makeRenderer({ software: false });
    resize(100, 100);
    r.setData(data(1, 300, 300));
    r.draw(full(300, 300), colours);
    fake.errors.push(0x0502);
    r.draw(full(300, 300), colours);
    expect(failures).toEqual(["texture upload failed (GL error 1282)"]);
    vi.runAllTimers();
    expect(failures).toHaveLength(1);
    r.destroy();
  });

  it("still refuses data that cannot fit, in setData and when levels are needed", () => {
    const { r, failures, resize } = makeRenderer({ software: true, maxTextureSize: 256 });
    expect(r.setData(data(7, 100, 100))).toBe(
      "stack of 7 100\u00d7100 panels does not fit a texture (MAX_TEXTURE_SIZE 256)",
    );
    expect(r.setData(data(6, 100, 100))).toBeNull();
    // 50 px panels show 2 cells a pixel, from the values: nothing more to fit
    resize(3 * 52, 2 * 52);
    r.draw(full(100, 100), colours, grid(6, 3, 50, 50));
    expect(failures).toEqual([]);
    // 20 px panels show 5 cells a pixel: the levels are needed, and do not fit
    resize(3 * 22, 2 * 22);
    r.draw(full(100, 100), colours, grid(6, 3, 20, 20));
    expect(failures).toEqual([
      "stack of 6 100\u00d7100 panels with their zoomed-out levels does not fit a texture (MAX_TEXTURE_SIZE 256)",
    ]);
  });
});
