// Decoding of the binary traits and formatting of cell values for the tooltip.
// Binary traits arrive as DataViews that may sit anywhere inside a larger buffer
// (docs/architecture.md): always honour byteOffset/byteLength, and copy only when the
// offset is not a multiple of the element size (typed arrays require alignment).

/** @typedef {DataView | ArrayBuffer | ArrayBufferView | null | undefined} BinaryLike */

/**
 * @typedef {Object} MatrixData
 * @property {number} rows
 * @property {number} cols
 * @property {Float32Array} values   rows*cols float32, C order
 * @property {Float64Array | null} exact  float64 originals for the tooltip, or null
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The bytes a binary trait refers to.
 * @param {BinaryLike} src
 * @returns {{ buffer: ArrayBufferLike, byteOffset: number, byteLength: number }}
 */
function bytesOf(src) {
  if (src == null) return { buffer: new ArrayBuffer(0), byteOffset: 0, byteLength: 0 };
  if (src instanceof ArrayBuffer) return { buffer: src, byteOffset: 0, byteLength: src.byteLength };
  if (ArrayBuffer.isView(src)) {
    return { buffer: src.buffer, byteOffset: src.byteOffset, byteLength: src.byteLength };
  }
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
  const { buffer, byteOffset, byteLength } = bytesOf(src);
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
 * Little-endian float32 elements of a binary trait (a view when aligned, else a copy).
 * @param {BinaryLike} src
 * @returns {Float32Array}
 */
export function decodeFloat32(src) {
  return decodeFloats(src, Float32Array, 4);
}

/**
 * Little-endian float64 elements of a binary trait (a view when aligned, else a copy).
 * @param {BinaryLike} src
 * @returns {Float64Array}
 */
export function decodeFloat64(src) {
  return decodeFloats(src, Float64Array, 8);
}

/**
 * Raw bytes of a binary trait (never copied: bytes have no alignment).
 * @param {BinaryLike} src
 * @returns {Uint8Array}
 */
export function decodeBytes(src) {
  const { buffer, byteOffset, byteLength } = bytesOf(src);
  return new Uint8Array(buffer, byteOffset, byteLength);
}

/**
 * Decode `_shape`, `_values` and `_exact` into a matrix, or explain why they disagree.
 * @param {unknown} shape
 * @param {BinaryLike} values
 * @param {BinaryLike} exact
 * @returns {{ data: MatrixData } | { error: string }}
 */
export function decodeMatrix(shape, values, exact) {
  if (!Array.isArray(shape) || shape.length !== 2) {
    return { error: `_shape must be [rows, cols], got ${JSON.stringify(shape)}` };
  }
  const rows = Number(shape[0]);
  const cols = Number(shape[1]);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    return { error: `_shape must hold two integers >= 1, got ${JSON.stringify(shape)}` };
  }
  const n = rows * cols;
  const v = decodeFloat32(values);
  if (v.length !== n) {
    return {
      error: `_values holds ${v.length} float32 values but _shape ${rows}\u00d7${cols} needs ${n}`,
    };
  }
  const e = decodeFloat64(exact);
  if (e.length !== 0 && e.length !== n) {
    return {
      error: `_exact holds ${e.length} float64 values but _shape ${rows}\u00d7${cols} needs ${n} (or none)`,
    };
  }
  return { data: { rows, cols, values: v, exact: e.length ? e : null } };
}

/**
 * @param {number} x
 * @returns {string | null} text for the non-finite and signed-zero cases, else null
 */
function special(x) {
  if (x !== x) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0 && 1 / x < 0) return "-0";
  return null;
}

/**
 * Shortest decimal that reads back as the same float64 (JavaScript's own rule).
 * @param {number} x
 * @returns {string}
 */
export function formatFloat64(x) {
  return special(x) ?? String(x);
}

/**
 * Shortest decimal that reads back as the same float32, e.g. the float32 nearest to
 * -0.0987 (-0.098700001835...) formats as "-0.0987".
 * @param {number} x a value that is exactly representable as float32
 * @returns {string}
 */
export function formatFloat32(x) {
  const s = special(x);
  if (s !== null) return s;
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return String(y);
  }
  return String(x);
}

/**
 * The tooltip text of cell `i`: the float64 original when `_exact` was sent, else the
 * float32 value (marked "≈" while exact values are still to come); null for NaN.
 * @param {MatrixData} data
 * @param {number} i flat C-order index
 * @param {boolean} [exactPending] float64 originals exist but have not arrived yet
 * @returns {string | null}
 */
export function formatCell(data, i, exactPending = false) {
  const x = data.exact ? data.exact[i] : data.values[i];
  if (x !== x) return null;
  if (data.exact) return formatFloat64(x);
  // float32 shows what the user passed unless more precise values are on their way
  return exactPending ? `\u2248 ${formatFloat32(x)}` : formatFloat32(x);
}
