// Custom messages with more than CHUNK_BYTES of binary data travel in parts
// (docs/architecture.md, "Custom messages"): Colab is believed to drop comm messages of
// more than a few MB, and a Jupyter server refuses browser -> kernel messages over 10 MiB.
// The same rule as tokenheat._chunks in Python: a message of one buffer of `bytes` bytes
// over CHUNK_BYTES goes as parts = ceil(bytes / CHUNK_BYTES) messages, each its content
// plus "part" (0 .. parts - 1), "parts" and "bytes", with one buffer: bytes
// part * CHUNK_BYTES .. (part + 1) * CHUNK_BYTES of the whole. The layout follows from
// `bytes` alone, so each part is checked as it arrives, and parts may come in any order.

import { binaryLength, decodeBytes, exactArrayBuffer, isBinary } from "./binary.js";

/** The most binary data one custom message carries, in either direction. */
export const CHUNK_BYTES = 1 << 20;
/** The fields a part adds to the content of the message it is part of. */
export const FIELDS = /** @type {const} */ (["part", "parts", "bytes"]);

/**
 * Whether a message is one part of a bigger one (it has any of FIELDS).
 * @param {any} content
 */
export function isPart(content) {
  return content != null && typeof content === "object" && FIELDS.some((k) => k in content);
}

/**
 * The messages that carry `content` with the one buffer `data`: itself (the buffer an
 * ArrayBuffer of exactly its bytes) when it fits CHUNK_BYTES, else its parts, each an
 * exact-size copy, with `partFields` added to the parts only (e.g. who sends them).
 * @param {Record<string, unknown>} content
 * @param {import("./binary.js").BinaryLike} data
 * @param {Record<string, unknown>} [partFields]
 * @returns {{ content: Record<string, unknown>, buffers: ArrayBuffer[] }[]}
 */
export function splitMessage(content, data, partFields = {}) {
  const bytes = decodeBytes(data);
  if (bytes.byteLength <= CHUNK_BYTES) return [{ content, buffers: [exactArrayBuffer(bytes)] }];
  const parts = Math.ceil(bytes.byteLength / CHUNK_BYTES);
  return Array.from({ length: parts }, (_, part) => ({
    content: { ...content, ...partFields, part, parts, bytes: bytes.byteLength },
    buffers: [bytes.slice(part * CHUNK_BYTES, (part + 1) * CHUNK_BYTES).buffer],
  }));
}

/**
 * One part's place and bytes, or which rule it breaks: integer fields, a whole of 1 to
 * `maxBytes` bytes, parts = ceil(bytes / CHUNK_BYTES), part in 0 .. parts - 1, exactly
 * one binary buffer of the length its place gives.
 * @param {any} content
 * @param {unknown} buffers
 * @param {number} maxBytes
 * @returns {{ part: number, parts: number, total: number, bytes: Uint8Array } | string}
 */
export function checkPart(content, buffers, maxBytes) {
  const { part, parts, bytes: total } = content;
  if (![part, parts, total].every((v) => Number.isInteger(v))) {
    const shown = (/** @type {unknown} */ v) => String(JSON.stringify(v)).slice(0, 40);
    return `a part needs integers part, parts and bytes, got part=${shown(part)}, parts=${shown(parts)}, bytes=${shown(total)}`;
  }
  if (!(total >= 1 && total <= maxBytes)) return `a message of ${total} bytes in parts, not 1 to ${maxBytes}`;
  const want = Math.ceil(total / CHUNK_BYTES);
  if (parts !== want) return `${total} bytes go in ${want} parts of ${CHUNK_BYTES} bytes, not ${parts}`;
  if (!(part >= 0 && part < parts)) return `part ${part} is outside 0..${parts - 1}`;
  const n = Array.isArray(buffers) ? buffers.length : 0;
  if (n !== 1) return `part ${part} of ${parts} carries ${n} buffers, not one`;
  const buffer = /** @type {unknown[]} */ (buffers)[0];
  if (!isBinary(buffer)) return `part ${part} of ${parts} carries no binary data`;
  const size = Math.min(CHUNK_BYTES, total - part * CHUNK_BYTES);
  const got = binaryLength(buffer);
  if (got !== size) return `part ${part} of ${parts} holds ${got} bytes, not ${size}`;
  return { part, parts, total, bytes: decodeBytes(buffer) };
}

/**
 * Whether two contents are the same but for "part" (top-level fields compared as JSON).
 * @param {Record<string, unknown>} a
 * @param {Record<string, unknown>} b
 */
function sameHeader(a, b) {
  const keys = (/** @type {Record<string, unknown>} */ o) => Object.keys(o).filter((k) => k !== "part");
  const ka = keys(a);
  const kb = new Set(keys(b));
  return ka.length === kb.size && ka.every((k) => kb.has(k) && JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/**
 * Puts messages in parts back together, one set at a time: a part of another set (a
 * newer request) drops the one in progress, as does `reset()` (e.g. a new matrix). What
 * a sender can make it hold is at most `maxBytes` (the parts are kept until the last
 * comes, then copied into one buffer).
 * @param {number} maxBytes the largest whole message accepted
 */
export function createParts(maxBytes) {
  /** @type {{ key: string, header: Record<string, unknown>, received: (Uint8Array | undefined)[], count: number, total: number } | null} */
  let set = null;

  return {
    /**
     * Take one message under `key` (what tells sets apart, e.g. the request it answers).
     * A message not in parts is the whole message, as it came. A part that breaks a
     * rule, or disagrees with the earlier parts of its set, drops the set.
     * @param {string} key
     * @param {Record<string, unknown>} content
     * @param {unknown} buffers
     * @returns {{ content: Record<string, any>, buffer: any } | null | string} the
     *   whole message (its content without the part fields), null while parts are still to
     *   come, or what is wrong with the part
     */
    add(key, content, buffers) {
      if (set && set.key !== key) set = null;
      if (!isPart(content)) {
        set = null;
        return { content, buffer: Array.isArray(buffers) ? buffers[0] : undefined };
      }
      const p = checkPart(content, buffers, maxBytes);
      if (typeof p === "string") {
        set = null;
        return p;
      }
      if (!set) {
        set = { key, header: content, received: new Array(p.parts), count: 0, total: p.total };
      } else if (!sameHeader(set.header, content)) {
        set = null;
        return `part ${p.part} of ${p.parts} has another header than the parts before`;
      } else if (set.received[p.part]) {
        set = null;
        return `part ${p.part} of ${p.parts} came twice`;
      }
      set.received[p.part] = p.bytes;
      if (++set.count < p.parts) return null;
      const whole = new Uint8Array(set.total);
      set.received.forEach((b, i) => whole.set(/** @type {Uint8Array} */ (b), i * CHUNK_BYTES));
      const header = Object.fromEntries(
        Object.entries(set.header).filter(([k]) => !(/** @type {readonly string[]} */ (FIELDS).includes(k))),
      );
      set = null;
      return { content: header, buffer: whole };
    },

    /** Drop the set in progress (its message is no longer wanted). */
    reset() {
      set = null;
    },

    /** Whether parts of a set are held. */
    get holding() {
      return set !== null;
    },
  };
}
