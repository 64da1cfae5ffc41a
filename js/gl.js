// WebGL2 renderer. The matrix is uploaded once as an R32F texture; the colour scale lives
// in uniforms and a 256x1 LUT texture, so a colour change costs one tiny upload at most
// and never touches the values. One full-view triangle covers the plot; the fragment
// shader maps each pixel to a cell through the view window.

/** @typedef {import("./data.js").MatrixData} MatrixData */
/** @typedef {import("./color.js").ColorScale} ColorScale */
/** @typedef {import("./layout.js").ViewWindow} ViewWindow */

/**
 * What the view needs from a cell renderer (this one or the canvas 2D fallback).
 * @typedef {Object} Renderer
 * @property {"webgl2" | "canvas2d"} kind
 * @property {HTMLCanvasElement} canvas
 * @property {(data: MatrixData) => string | null} setData upload; an error message when it cannot
 * @property {(lut: Uint8Array) => void} setLut
 * @property {(width: number, height: number) => void} resize backing store size, device px
 * @property {(view: ViewWindow, scale: ColorScale) => void} draw
 * @property {() => void} destroy release everything
 */

const VERTEX = `#version 300 es
void main() {
  // one triangle that covers the whole viewport
  vec2 p = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
  gl_Position = vec4(p, 0.0, 1.0);
}`;

// NaN test on the bits (exponent all ones, mantissa non-zero): isnan() may be optimised
// away by drivers. Infinities are not NaN: they clamp to the ends, as on the CPU.
const FRAGMENT = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
uniform sampler2D uValues;
uniform sampler2D uLut;
uniform vec4 uView;   // row0, row1, col0, col1
uniform vec2 uSize;   // drawing buffer size, px
uniform vec3 uRange;  // vmin, vmax, center
uniform bool uCentered;
uniform vec3 uNan;
out vec4 outColor;
void main() {
  ivec2 size = textureSize(uValues, 0);
  float fx = gl_FragCoord.x / uSize.x;
  float fy = (uSize.y - gl_FragCoord.y) / uSize.y;
  int col = clamp(int(floor(uView.z + fx * (uView.w - uView.z))), 0, size.x - 1);
  int row = clamp(int(floor(uView.x + fy * (uView.y - uView.x))), 0, size.y - 1);
  float v = texelFetch(uValues, ivec2(col, row), 0).r;
  if ((floatBitsToUint(v) & 0x7fffffffu) > 0x7f800000u) {
    outColor = vec4(uNan, 1.0);
    return;
  }
  float t = clamp(v, uRange.x, uRange.y);
  float u;
  if (uCentered) {
    float r = max(uRange.y - uRange.z, uRange.z - uRange.x);
    u = 0.5 + (t - uRange.z) / (2.0 * r);
  } else {
    u = (t - uRange.x) / (uRange.y - uRange.x);
  }
  int i = clamp(int(floor(u * 256.0)), 0, 255);
  outColor = vec4(texelFetch(uLut, ivec2(i, 0), 0).rgb, 1.0);
}`;

/**
 * @param {WebGL2RenderingContext} gl
 * @param {number} type
 * @param {string} source
 */
function compile(gl, type, source) {
  const sh = gl.createShader(type);
  if (!sh) throw new Error("cannot create a shader");
  gl.shaderSource(sh, source);
  gl.compileShader(sh);
  if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS) && !gl.isContextLost()) {
    const log = gl.getShaderInfoLog(sh);
    gl.deleteShader(sh);
    throw new Error(`shader compilation failed: ${log}`);
  }
  return sh;
}

/**
 * Create the WebGL2 renderer on `canvas`, or return why it cannot be.
 * @param {HTMLCanvasElement} canvas
 * @param {{ lost: () => void, restored: () => void }} events context loss notifications
 * @returns {{ renderer: Renderer & { maxTextureSize: number } } | { error: string }}
 */
export function createGLRenderer(canvas, events) {
  /** @type {WebGL2RenderingContext | null} */
  let gl = null;
  try {
    gl = canvas.getContext("webgl2", {
      preserveDrawingBuffer: true,
      antialias: false,
      alpha: false,
      depth: false,
      stencil: false,
      premultipliedAlpha: false,
    });
  } catch (e) {
    return { error: `WebGL2 context creation threw: ${e}` };
  }
  if (!gl) return { error: "WebGL2 is not available" };
  const ctx = gl;

  /** @type {WebGLProgram | null} */
  let program = null;
  /** @type {WebGLTexture | null} */
  let valueTex = null;
  /** @type {WebGLTexture | null} */
  let lutTex = null;
  /** @type {WebGLVertexArrayObject | null} */
  let vao = null;
  /** @type {Record<string, WebGLUniformLocation | null>} */
  let loc = {};
  /** @type {MatrixData | null} */
  let data = null;
  /** @type {Uint8Array | null} */
  let lut = null;
  let lost = false;
  const maxTextureSize = /** @type {number} */ (ctx.getParameter(ctx.MAX_TEXTURE_SIZE)) || 0;

  /** @param {WebGLTexture | null} tex */
  function setupTexture(tex) {
    ctx.bindTexture(ctx.TEXTURE_2D, tex);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_MIN_FILTER, ctx.NEAREST);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_MAG_FILTER, ctx.NEAREST);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_WRAP_S, ctx.CLAMP_TO_EDGE);
    ctx.texParameteri(ctx.TEXTURE_2D, ctx.TEXTURE_WRAP_T, ctx.CLAMP_TO_EDGE);
  }

  function init() {
    const vs = compile(ctx, ctx.VERTEX_SHADER, VERTEX);
    const fs = compile(ctx, ctx.FRAGMENT_SHADER, FRAGMENT);
    const p = ctx.createProgram();
    if (!p) throw new Error("cannot create a program");
    ctx.attachShader(p, vs);
    ctx.attachShader(p, fs);
    ctx.linkProgram(p);
    ctx.deleteShader(vs);
    ctx.deleteShader(fs);
    if (!ctx.getProgramParameter(p, ctx.LINK_STATUS) && !ctx.isContextLost()) {
      throw new Error(`shader link failed: ${ctx.getProgramInfoLog(p)}`);
    }
    program = p;
    loc = {};
    for (const name of ["uValues", "uLut", "uView", "uSize", "uRange", "uCentered", "uNan"]) {
      loc[name] = ctx.getUniformLocation(p, name);
    }
    vao = ctx.createVertexArray();
    valueTex = ctx.createTexture();
    setupTexture(valueTex);
    lutTex = ctx.createTexture();
    setupTexture(lutTex);
    ctx.useProgram(p);
    ctx.uniform1i(loc.uValues, 0);
    ctx.uniform1i(loc.uLut, 1);
    ctx.pixelStorei(ctx.UNPACK_ALIGNMENT, 1);
  }

  /** @returns {string | null} */
  function uploadValues() {
    if (!data || lost) return null;
    if (data.rows > maxTextureSize || data.cols > maxTextureSize) {
      return `matrix ${data.rows}\u00d7${data.cols} exceeds MAX_TEXTURE_SIZE ${maxTextureSize}`;
    }
    ctx.activeTexture(ctx.TEXTURE0);
    ctx.bindTexture(ctx.TEXTURE_2D, valueTex);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.R32F, data.cols, data.rows, 0, ctx.RED, ctx.FLOAT, data.values);
    const err = ctx.getError();
    if (err !== ctx.NO_ERROR && !ctx.isContextLost()) {
      return err === ctx.OUT_OF_MEMORY
        ? "out of GPU memory for the matrix"
        : `texture upload failed (GL error ${err})`;
    }
    return null;
  }

  function uploadLut() {
    if (!lut || lost) return;
    ctx.activeTexture(ctx.TEXTURE1);
    ctx.bindTexture(ctx.TEXTURE_2D, lutTex);
    ctx.texImage2D(ctx.TEXTURE_2D, 0, ctx.RGBA8, 256, 1, 0, ctx.RGBA, ctx.UNSIGNED_BYTE, lut);
  }

  /** @param {Event} e */
  function onLost(e) {
    e.preventDefault(); // allows the browser to restore the context later
    lost = true;
    events.lost();
  }
  function onRestored() {
    lost = false;
    try {
      init();
      uploadValues();
      uploadLut();
    } catch (e) {
      console.error("tokenheat: could not restore WebGL", e);
      return;
    }
    events.restored();
  }

  try {
    init();
  } catch (e) {
    ctx.getExtension("WEBGL_lose_context")?.loseContext();
    return { error: String(e instanceof Error ? e.message : e) };
  }
  canvas.addEventListener("webglcontextlost", onLost);
  canvas.addEventListener("webglcontextrestored", onRestored);

  /** @type {Renderer & { maxTextureSize: number }} */
  const renderer = {
    kind: "webgl2",
    canvas,
    maxTextureSize,
    setData(d) {
      data = d;
      return uploadValues();
    },
    setLut(l) {
      lut = l;
      uploadLut();
    },
    resize(w, h) {
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
    },
    draw(view, scale) {
      if (lost || !program) return;
      ctx.viewport(0, 0, canvas.width, canvas.height);
      ctx.useProgram(program);
      ctx.activeTexture(ctx.TEXTURE0);
      ctx.bindTexture(ctx.TEXTURE_2D, valueTex);
      ctx.activeTexture(ctx.TEXTURE1);
      ctx.bindTexture(ctx.TEXTURE_2D, lutTex);
      ctx.uniform4f(loc.uView, view.row0, view.row1, view.col0, view.col1);
      ctx.uniform2f(loc.uSize, canvas.width, canvas.height);
      ctx.uniform3f(loc.uRange, scale.vmin, scale.vmax, scale.center ?? 0);
      ctx.uniform1i(loc.uCentered, scale.center === null ? 0 : 1);
      ctx.uniform3f(loc.uNan, scale.nan[0] / 255, scale.nan[1] / 255, scale.nan[2] / 255);
      ctx.bindVertexArray(vao);
      ctx.drawArrays(ctx.TRIANGLES, 0, 3);
      ctx.bindVertexArray(null);
    },
    destroy() {
      canvas.removeEventListener("webglcontextlost", onLost);
      canvas.removeEventListener("webglcontextrestored", onRestored);
      if (!lost) {
        ctx.deleteTexture(valueTex);
        ctx.deleteTexture(lutTex);
        ctx.deleteVertexArray(vao);
        ctx.deleteProgram(program);
      }
      ctx.getExtension("WEBGL_lose_context")?.loseContext();
      data = null;
      lut = null;
      program = null;
    },
  };
  return { renderer };
}
