// The one place binary data is read and written (docs/architecture.md, "Hosts we cannot
// run here"). Hosts hand binary traits and message buffers over in different shapes: a
// DataView (Jupyter), a Uint8Array (Colab's msg:custom), an ArrayBuffer, a base64-decoded
// copy (marimo, Shiny, Panel), at any byteOffset of a larger buffer, possibly from another
// realm (an iframe). Every reader goes through `byteRange`, which honours byteOffset and
// byteLength, and the float decoders copy only when the offset is not a multiple of the
// element size (typed arrays require alignment).

/** @typedef {ArrayBufferLike | ArrayBufferView | null | undefined} BinaryLike */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The byte length of `v` if it is an ArrayBuffer (or SharedArrayBuffer) of any realm,
 * else -1. The prototype getters check the object's internal slot, which `instanceof`
 * (false for another realm's buffer) and `Symbol.toStringTag` (settable) do not.
 * @param {unknown} v
 * @returns {number}
 */
function bufferLength(v) {
  if (v === null || typeof v !== "object") return -1;
  for (const Ctor of [globalThis.ArrayBuffer, globalThis.SharedArrayBuffer]) {
    const get = Ctor && Object.getOwnPropertyDescriptor(Ctor.prototype, "byteLength")?.get;
    if (!get) continue;
    try {
      return /** @type {number} */ (get.call(v));
    } catch {
      // not this kind of buffer
    }
  }
  return -1;
}

/**
 * Whether `v` is binary data: an ArrayBuffer or any ArrayBufferView (DataView, typed
 * array), of this realm or another.
 * @param {unknown} v
 * @returns {v is ArrayBufferLike | ArrayBufferView}
 */
export function isBinary(v) {
  return ArrayBuffer.isView(v) || bufferLength(v) >= 0;
}

/**
 * The byte length of binary data, 0 for null / undefined, -1 for anything else.
 * @param {unknown} v
 * @returns {number}
 */
export function binaryLength(v) {
  if (v == null) return 0;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  return bufferLength(v);
}

/**
 * The bytes binary data refers to: its buffer and the range of it that is the data.
 * @param {BinaryLike} src
 * @returns {{ buffer: ArrayBufferLike, byteOffset: number, byteLength: number }}
 */
export function byteRange(src) {
  if (src == null) return { buffer: new ArrayBuffer(0), byteOffset: 0, byteLength: 0 };
  if (ArrayBuffer.isView(src)) {
    return { buffer: src.buffer, byteOffset: src.byteOffset, byteLength: src.byteLength };
  }
  const n = bufferLength(src);
  if (n >= 0) return { buffer: /** @type {ArrayBufferLike} */ (src), byteOffset: 0, byteLength: n };
  throw new TypeError(`expected a DataView or ArrayBuffer, got ${Object.prototype.toString.call(src)}`);
}

/**
 * @template {Float32Array | Float64Array} T
 * @param {BinaryLike} src
 * @param {{ new (buffer: ArrayBufferLike, byteOffset: number, length: number): T, new (length: number): T }} Ctor
 * @param {4 | 8} size
 * @returns {T}
 */
function decodeFloats(src, Ctor, size) {
  const { buffer, byteOffset, byteLength } = byteRange(src);
  const n = Math.floor(byteLength / size);
  if (LITTLE_ENDIAN && byteOffset % size === 0) return new Ctor(buffer, byteOffset, n);
  const out = new Ctor(n);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(new Uint8Array(buffer, byteOffset, n * size));
  } else {
    const dv = new DataView(buffer, byteOffset, byteLength);
    for (let i = 0; i < n; i++) {
      out[i] = size === 4 ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
    }
  }
  return out;
}

/**
 * Little-endian float32 elements of binary data (a view when aligned, else a copy).
 * @param {BinaryLike} src
 * @returns {Float32Array}
 */
export function decodeFloat32(src) {
  return decodeFloats(src, Float32Array, 4);
}

/**
 * Little-endian float64 elements of binary data (a view when aligned, else a copy).
 * @param {BinaryLike} src
 * @returns {Float64Array}
 */
export function decodeFloat64(src) {
  return decodeFloats(src, Float64Array, 8);
}

/**
 * Raw bytes of binary data (never copied: bytes have no alignment).
 * @param {BinaryLike} src
 * @returns {Uint8Array}
 */
export function decodeBytes(src) {
  const { buffer, byteOffset, byteLength } = byteRange(src);
  return new Uint8Array(buffer, byteOffset, byteLength);
}

/**
 * An ArrayBuffer holding exactly the bytes of `src`, for `model.send(..., buffers)`:
 * Jupyter's serializer ships a view's whole backing buffer, so a view of part of one is
 * copied, as is a SharedArrayBuffer or another realm's buffer; an ArrayBuffer of this
 * realm, or a view of all of one, is passed as it is.
 * @param {BinaryLike} src
 * @returns {ArrayBuffer}
 */
export function exactArrayBuffer(src) {
  const { buffer, byteOffset, byteLength } = byteRange(src);
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return new Uint8Array(buffer, byteOffset, byteLength).slice().buffer;
}
