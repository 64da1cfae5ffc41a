// Custom messages in parts of at most 1 MiB (docs/architecture.md, "Custom messages"):
// splitting, putting back together from every buffer shape a host hands over and in any
// order, refusing each kind of malformed part, dropping superseded sets; and the two
// places that use it: tiles received by a view (lod.js) and capture answers it sends.
// @ts-expect-error a node built-in (the project has no @types/node)
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHUNK_BYTES, checkPart, createParts, isPart, splitMessage } from "../data/chunks.js";
import { createLod, MAX_TILE_BYTES, REQUEST_DELAY_MS, wholeSource } from "../data/lod.js";
import { createCaptureResponder } from "../export/snapshot.js";
import { fakeModel } from "./fakemodel.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** @param {number} n bytes numbered so that a misplaced byte shows */
const numbered = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 20)) % 251);

/** node's Buffer: base64 decoded into a pooled buffer, at an offset of a larger one. */
const NodeBuffer = /** @type {any} */ (globalThis).Buffer;

/**
 * Ways a host hands a received buffer over, each holding `bytes` (at an offset of a
 * larger buffer full of junk where it can).
 * @type {[string, (bytes: Uint8Array) => any][]}
 */
const SHAPES = [
  ["ArrayBuffer", (b) => b.slice().buffer],
  ["DataView of a whole buffer (Jupyter)", (b) => new DataView(b.slice().buffer)],
  ["Uint8Array at offset 3 (Colab)", (b) => placed(b, 3, (buf, o, n) => new Uint8Array(buf, o, n))],
  ["DataView at offset 5", (b) => placed(b, 5, (buf, o, n) => new DataView(buf, o, n))],
  ["DataView at offset 8", (b) => placed(b, 8, (buf, o, n) => new DataView(buf, o, n))],
  [
    "node Buffer from base64 (marimo, Panel)",
    (b) => NodeBuffer.from(NodeBuffer.from(b).toString("base64"), "base64"),
  ],
  [
    "another realm's buffer in a DataView at offset 1",
    (b) => {
      const buf = /** @type {ArrayBuffer} */ (runInNewContext(`new ArrayBuffer(${b.length + 9})`));
      new Uint8Array(buf, 1, b.length).set(b);
      return new DataView(buf, 1, b.length);
    },
  ],
];

/**
 * @param {Uint8Array} bytes
 * @param {number} offset
 * @param {(buf: ArrayBuffer, offset: number, n: number) => ArrayBufferView} view
 */
function placed(bytes, offset, view) {
  const buf = new ArrayBuffer(bytes.length + offset + 11);
  new Uint8Array(buf).fill(0xff);
  new Uint8Array(buf, offset, bytes.length).set(bytes);
  return view(buf, offset, bytes.length);
}

/** @param {ArrayBuffer | ArrayBufferView} b */
const bytesOf = (b) =>
  ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);

/**
 * Where two byte strings first differ ("same" when they do not): comparing megabytes
 * with toEqual takes minutes.
 * @param {ArrayBuffer | ArrayBufferView} a
 * @param {ArrayBuffer | ArrayBufferView} b
 */
function firstDifference(a, b) {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return `lengths ${x.length} and ${y.length}`;
  const i = x.findIndex((v, k) => v !== y[k]);
  return i < 0 ? "same" : `byte ${i}`;
}

describe("splitting a message", () => {
  it("keeps a message of at most 1 MiB whole, its buffer exactly its bytes", () => {
    for (const n of [0, 1, 1000, CHUNK_BYTES]) {
      const data = placed(numbered(n), 3, (buf, o, len) => new DataView(buf, o, len));
      const out = splitMessage({ type: "t", id: "a" }, data, { sender: "s" });
      expect(out).toHaveLength(1);
      expect(out[0].content).toEqual({ type: "t", id: "a" });
      expect(out[0].buffers[0]).toBeInstanceOf(ArrayBuffer);
      expect(firstDifference(out[0].buffers[0], numbered(n))).toBe("same");
    }
  });

  it("splits a bigger one into parts of 1 MiB, each an exact-size buffer", () => {
    const n = 2 * CHUNK_BYTES + 5;
    const data = placed(numbered(n), 7, (buf, o, len) => new Uint8Array(buf, o, len));
    const out = splitMessage({ type: "t", id: "a" }, data, { sender: "s" });
    expect(out.map((m) => m.content)).toEqual(
      [0, 1, 2].map((part) => ({
        type: "t",
        id: "a",
        sender: "s",
        part,
        parts: 3,
        bytes: n,
      })),
    );
    expect(out.map((m) => m.buffers[0].byteLength)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 5]);
    const joined = new Uint8Array(n);
    out.forEach((m, i) => {
      expect(m.buffers).toHaveLength(1);
      expect(m.buffers[0]).toBeInstanceOf(ArrayBuffer);
      joined.set(bytesOf(m.buffers[0]), i * CHUNK_BYTES);
    });
    expect(firstDifference(joined, numbered(n))).toBe("same");
    expect(isPart(out[0].content)).toBe(true);
    expect(isPart({ type: "t" })).toBe(false);
  });
});

describe("putting parts together", () => {
  const n = 3 * CHUNK_BYTES + 17;
  const whole = numbered(n);
  const header = { type: "tile", id: "v:1:0", window: [0, 9, 0, 9], shape: [3, 3] };
  const messages = splitMessage(header, whole);

  for (const [shape, make] of SHAPES) {
    it(`from buffers that arrive as ${shape}`, () => {
      const parts = createParts(4 * CHUNK_BYTES);
      const got = messages.map((m) => parts.add("k", m.content, [make(bytesOf(m.buffers[0]))]));
      expect(got.slice(0, -1)).toEqual([null, null, null]);
      const last = /** @type {any} */ (got[3]);
      expect(last.content).toEqual(header);
      expect(firstDifference(last.buffer, whole)).toBe("same");
      expect(parts.holding).toBe(false);
    });
  }

  it("in any order", () => {
    for (const order of [
      [3, 2, 1, 0],
      [1, 3, 0, 2],
    ]) {
      const parts = createParts(4 * CHUNK_BYTES);
      const got = order.map((i) => parts.add("k", messages[i].content, messages[i].buffers));
      expect(got.slice(0, -1)).toEqual([null, null, null]);
      expect(firstDifference(/** @type {any} */ (got[3]).buffer, whole)).toBe("same");
    }
  });

  it("passes a message not in parts through as it is", () => {
    const parts = createParts(CHUNK_BYTES);
    const buffer = new DataView(new ArrayBuffer(8));
    expect(parts.add("k", { type: "tile" }, [buffer])).toEqual({ content: { type: "tile" }, buffer });
    expect(parts.add("k", { type: "tile" }, undefined)).toEqual({
      content: { type: "tile" },
      buffer: undefined,
    });
  });

  it("drops a set when a part of another comes, when a whole message comes, and on reset", () => {
    const parts = createParts(4 * CHUNK_BYTES);
    const other = splitMessage({ ...header, id: "v:1:1" }, numbered(CHUNK_BYTES + 1));
    parts.add("v:1:0", messages[0].content, messages[0].buffers);
    expect(parts.holding).toBe(true);
    expect(parts.add("v:1:1", other[0].content, other[0].buffers)).toBeNull();
    expect(/** @type {any} */ (parts.add("v:1:1", other[1].content, other[1].buffers)).content.id).toBe(
      "v:1:1",
    );
    // the rest of the first set cannot complete: its part 0 is gone
    for (const m of messages.slice(1)) expect(parts.add("v:1:0", m.content, m.buffers)).toBeNull();
    expect(parts.holding).toBe(true);
    parts.add("v:1:0", { type: "tile" }, []);
    expect(parts.holding).toBe(false);
    parts.add("v:1:0", messages[0].content, messages[0].buffers);
    parts.reset();
    expect(parts.holding).toBe(false);
    for (const m of messages.slice(1)) expect(parts.add("v:1:0", m.content, m.buffers)).toBeNull();
  });
});

describe("malformed parts are refused with what is wrong, and drop their set", () => {
  const total = 2 * CHUNK_BYTES + 3;
  const good = splitMessage({ type: "capture", id: "x" }, numbered(total));
  const [first, second, last] = good;
  /** @type {[string, any, any, RegExp][]} */
  const cases = [
    [
      "no part number",
      { ...second.content, part: undefined },
      second.buffers,
      /integers part, parts and bytes.*part=undefined/,
    ],
    ["a fractional part number", { ...second.content, part: 1.5 }, second.buffers, /integers.*part=1\.5/],
    ["parts as a string", { ...second.content, parts: "3" }, second.buffers, /integers.*parts="3"/],
    ["bytes as null", { ...second.content, bytes: null }, second.buffers, /integers.*bytes=null/],
    ["no bytes", { ...second.content, bytes: 0 }, second.buffers, /0 bytes in parts, not 1 to/],
    [
      "more bytes than allowed",
      { ...second.content, bytes: 9 * CHUNK_BYTES, parts: 9 },
      second.buffers,
      /9437184 bytes in parts, not 1 to 4194304/,
    ],
    [
      "the wrong number of parts",
      { ...second.content, parts: 4 },
      second.buffers,
      /2097155 bytes go in 3 parts of 1048576 bytes, not 4/,
    ],
    ["a part before the first", { ...second.content, part: -1 }, second.buffers, /part -1 is outside 0\.\.2/],
    ["a part after the last", { ...second.content, part: 3 }, second.buffers, /part 3 is outside 0\.\.2/],
    ["no buffer", second.content, [], /part 1 of 3 carries 0 buffers, not one/],
    ["buffers that are not a list", second.content, undefined, /carries 0 buffers/],
    ["two buffers", second.content, [second.buffers[0], second.buffers[0]], /carries 2 buffers, not one/],
    ["a buffer that is not binary", second.content, ["abc"], /part 1 of 3 carries no binary data/],
    [
      "a short buffer",
      second.content,
      [second.buffers[0].slice(1)],
      /part 1 of 3 holds 1048575 bytes, not 1048576/,
    ],
    ["a long last part", last.content, [new ArrayBuffer(4)], /part 2 of 3 holds 4 bytes, not 3/],
    [
      "another header",
      { ...second.content, id: "x", extra: 1 },
      second.buffers,
      /part 1 of 3 has another header than the parts before/,
    ],
    ["a header field changed", { ...second.content, type: "tile" }, second.buffers, /another header/],
    ["a part twice", first.content, first.buffers, /part 0 of 3 came twice/],
  ];
  for (const [name, content, buffers, error] of cases) {
    it(name, () => {
      const parts = createParts(4 * CHUNK_BYTES);
      expect(parts.add("k", first.content, first.buffers)).toBeNull();
      const res = parts.add("k", content, buffers);
      expect(typeof res).toBe("string");
      expect(res).toMatch(error);
      expect(parts.holding).toBe(false);
      // the good parts that follow cannot complete the dropped set
      expect(parts.add("k", second.content, second.buffers)).toBeNull();
      expect(parts.add("k", last.content, last.buffers)).toBeNull();
    });
  }

  it("checks one part on its own", () => {
    const ok = /** @type {any} */ (checkPart(last.content, last.buffers, total));
    expect([ok.part, ok.parts, ok.total, ok.bytes.byteLength]).toEqual([2, 3, total, 3]);
    expect(checkPart(last.content, last.buffers, total - 1)).toMatch(/not 1 to 2097154/);
  });
});

describe("a view's tiles over 1 MiB", () => {
  // a 1000 x 1000 matrix in 10 x 10 blocks; the view asks for 750 x 750 cells at 1 x 1:
  // 2.25 MB of float32, three parts
  const setup = () => {
    vi.useFakeTimers();
    const model = fakeModel();
    let changes = 0;
    const lod = createLod(model, () => changes++);
    const overview = wholeSource(
      { rows: 100, cols: 100, values: new Float32Array(1e4), exact: null },
      1000,
      1000,
      10,
      10,
    );
    lod.setOverview(overview);
    const view = { row0: 250, row1: 750, col0: 250, col1: 750 };
    lod.request(() => ({ view, pxRows: 400, pxCols: 400 }));
    vi.advanceTimersByTime(REQUEST_DELAY_MS + 1);
    const ask = model.sent[0][0];
    expect(ask.window).toEqual([125, 875, 125, 875]);
    const values = Float32Array.from({ length: 750 * 750 }, (_, i) => i - 0.5);
    const reply = { type: "tile", id: ask.id, window: ask.window, block: [1, 1], shape: [750, 750] };
    const parts = splitMessage(reply, values);
    const receive = (/** @type {any} */ m, /** @type {any} */ buffers = m.buffers) =>
      /** @type {Function} */ (model.handlers.get("msg:custom"))(m.content, buffers);
    return { lod, overview, view, values, parts, receive, changes: () => changes };
  };

  it("are drawn once the last part has come, whatever shape the parts arrive in", () => {
    for (const [, make] of SHAPES) {
      const { lod, overview, view, values, parts, receive, changes } = setup();
      expect(parts).toHaveLength(3);
      for (const i of [2, 1]) {
        receive(parts[i], [make(bytesOf(parts[i].buffers[0]))]);
        expect(lod.source(view)).toBe(overview);
      }
      receive(parts[0], [make(bytesOf(parts[0].buffers[0]))]);
      expect(changes()).toBe(1);
      expect(firstDifference(lod.source(view).grid.values, values)).toBe("same");
      lod.destroy();
    }
  });

  it("a malformed part is logged, the overview stays drawn", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { lod, overview, view, parts, receive, changes } = setup();
    receive(parts[0]);
    receive({ content: parts[1].content, buffers: [new ArrayBuffer(12)] });
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^tokenheat: ignored a tile: a part of tile .*: part 1 of 3 holds 12 bytes, not /,
      ),
    );
    receive(parts[1]);
    receive(parts[2]);
    expect(changes()).toBe(0);
    expect(lod.source(view)).toBe(overview);
    lod.destroy();
  });

  it("whose values are not binary are refused", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { lod, overview, view, parts, receive } = setup();
    const { part, parts: _n, bytes, ...whole } = parts[0].content;
    receive({ content: whole, buffers: ["not bytes"] });
    expect(warn).toHaveBeenCalledWith("tokenheat: ignored a tile: a tile's values are not binary data");
    expect(lod.source(view)).toBe(overview);
    lod.destroy();
  });

  it("are dropped when the matrix changes before the last part", () => {
    const { lod, overview, view, parts, receive, changes } = setup();
    receive(parts[0]);
    lod.setOverview(overview);
    receive(parts[1]); // its id is of the old matrix: ignored
    receive(parts[2]);
    expect(changes()).toBe(0);
    expect(lod.source(view)).toBe(overview);
    lod.destroy();
  });

  it("can be no bigger than a tile", () => {
    expect(MAX_TILE_BYTES).toBe(16 * CHUNK_BYTES);
  });
});

describe("a capture answer over 1 MiB", () => {
  /** A PNG signature and IHDR of 640 x 480, then `n` bytes in all. */
  const fakePng = (/** @type {number} */ n) => {
    const png = numbered(n);
    const dv = new DataView(png.buffer);
    [0x89504e47, 0x0d0a1a0a, 13, 0x49484452, 640, 480].forEach((v, i) => dv.setUint32(4 * i, v));
    return png;
  };

  /** @param {Uint8Array<ArrayBuffer>} png */
  const answers = async (png) => {
    vi.stubGlobal("window", { devicePixelRatio: 1 });
    const model = fakeModel();
    const responder = createCaptureResponder(
      model,
      async () => new Blob([png]),
      () => ({ ready: true, error: null }),
    );
    /** @type {Function} */ (model.handlers.get("msg:custom"))({ type: "capture", id: "c1", scale: 2 });
    await vi.waitFor(() => expect(model.sent.length).toBeGreaterThan(0));
    responder.destroy();
    vi.unstubAllGlobals();
    return model.sent;
  };

  it("goes in parts of at most 1 MiB, each naming the view", async () => {
    const png = fakePng(2 * CHUNK_BYTES + 100);
    const sent = await answers(png);
    expect(sent).toHaveLength(3);
    const senders = new Set(sent.map(([content]) => content.sender));
    expect(senders.size).toBe(1);
    expect(typeof [...senders][0]).toBe("string");
    const parts = createParts(9 * CHUNK_BYTES);
    /** @type {any} */
    let whole = null;
    for (const [content, , buffers] of sent) {
      expect(buffers).toHaveLength(1);
      expect(buffers[0]).toBeInstanceOf(ArrayBuffer);
      expect(buffers[0].byteLength).toBeLessThanOrEqual(CHUNK_BYTES);
      whole = parts.add(content.id, content, buffers);
    }
    expect(whole.content).toEqual({
      type: "capture",
      id: "c1",
      width: 640,
      height: 480,
      sender: [...senders][0],
    });
    expect(firstDifference(whole.buffer, png)).toBe("same");
  });

  it("stays one message up to 1 MiB, with no part fields", async () => {
    const sent = await answers(fakePng(CHUNK_BYTES));
    expect(sent).toHaveLength(1);
    expect(sent[0][0]).toEqual({ type: "capture", id: "c1", width: 640, height: 480 });
    expect(sent[0][2][0].byteLength).toBe(CHUNK_BYTES);
  });
});
