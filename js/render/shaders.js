// GLSL of the WebGL2 renderer (gl.js) and its compilation. One fragment source, three
// programs:
//   PASS 0  each pixel: the strongest of its cells, coloured (and the only pass when
//           float render targets are missing);
//   PASS 1  the strongest values without colour, into an RG32F target: one texel per
//           pixel along a reduced axis, one per matrix row/column along the other (so a
//           100000 x 50 view reduces 50 columns per pixel row, not every pixel);
//   PASS 2  each pixel: its texel of pass 1, coloured. A colour change redraws only this.
// Which cells a pixel covers comes from two RG32I textures of reduce.js's pixelRanges
// (texel = first, last index), so every renderer agrees on it. The block walk and the
// choice of the strongest value are reduce.js's forEachBlock and stronger: comparisons
// only, so the GPU picks exactly the float32 value the CPU does.
// A stack of panels is drawn one panel at a time into its own viewport: uOrigin is the
// panel's corner in window coordinates (pixel (0, 0) of its tables), uBase where its
// pyramid starts in the values texture (panel index x stride). Pass 1's target holds
// each panel's reduction at the panel's own place, so pass 2 reads it at the same corner.

const VERTEX = `#version 300 es
void main() {
  // one triangle that covers the whole viewport
  vec2 p = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
  gl_Position = vec4(p, 0.0, 1.0);
}`;

// NaN test on the bits (exponent all ones, mantissa non-zero): isnan() may be optimised
// away by drivers. Infinities are not NaN: they clamp to the ends, as on the CPU.
const FRAGMENT = `
precision highp float;
precision highp int;
precision highp sampler2D;
precision highp isampler2D;
uniform isampler2D uRowRanges;  // texel y: first, last matrix row of pixel row y (from the top)
uniform isampler2D uColRanges;  // texel x: first, last matrix column of pixel column x
uniform int uHeight;            // pixel rows (of one panel)
uniform ivec2 uOrigin;          // the panel's lower left corner in window pixels
out vec4 outColor;

#if PASS != 2
uniform sampler2D uValues;      // pyramid levels end to end, in rows of 2^uShift texels
uniform isampler2D uOffsets;    // texel (b, a): start of pyramid level (a, b)
uniform int uShift;
uniform int uBase;              // the panel's first texel (its level (0, 0))
uniform int uCols;
uniform int uTopA;              // highest pyramid level along rows, along columns
uniform int uTopB;

float valueAt(int i) {
  int j = uBase + i;
  return texelFetch(uValues, ivec2(j & ((1 << uShift) - 1), j >> uShift), 0).r;
}

void take(float x, inout float v, inout bool found) {
  bool nan = (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u;
  if (!nan && (!found || abs(x) > abs(v) || (abs(x) == abs(v) && x > v))) {
    v = x;
    found = true;
  }
}

// the level of the largest aligned block (up to top) that starts at i and ends by hi
int levelAt(int i, int hi, int top) {
  int a = 0;
  while (a < top) {
    int k = 2 * (a + 1);
    if ((i & ((1 << k) - 1)) != 0 || i + (1 << k) - 1 > hi) break;
    a++;
  }
  return a;
}

// the strongest value of rows rr.x..rr.y x columns cr.x..cr.y; found = false if all NaN
void strongest(ivec2 rr, ivec2 cr, out float v, out bool found) {
  v = 0.0;
  found = false;
  if (rr.y - rr.x < 4 && cr.y - cr.x < 4) {
    // no pyramid block fits: read the cells
    for (int r = rr.x; r <= rr.y; r++) {
      for (int c = cr.x; c <= cr.y; c++) take(valueAt(r * uCols + c), v, found);
    }
    return;
  }
  int r = rr.x;
  while (r <= rr.y) {
    int a = levelAt(r, rr.y, uTopA);
    int rb = r >> (2 * a);
    int c = cr.x;
    while (c <= cr.y) {
      int b = levelAt(c, cr.y, uTopB);
      int colsB = (uCols + (1 << (2 * b)) - 1) >> (2 * b);
      int base = texelFetch(uOffsets, ivec2(b, a), 0).r;
      take(valueAt(base + rb * colsB + (c >> (2 * b))), v, found);
      c += 1 << (2 * b);
    }
    r += 1 << (2 * a);
  }
}
#endif

#if PASS != 0
// >= 0 along an axis that is not reduced: pass 1's target holds one texel per matrix
// row (x) / column (y) from this one on; -1: one texel per pixel
uniform ivec2 uFirst;
#endif

#if PASS != 1
uniform sampler2D uLut;
uniform vec3 uRange;            // vmin, vmax, center
uniform bool uCentered;
uniform vec3 uNan;

vec4 colour(float v, bool found) {
  if (!found) return vec4(uNan, 1.0);
  float t = clamp(v, uRange.x, uRange.y);
  float u;
  if (uCentered) {
    float r = max(uRange.y - uRange.z, uRange.z - uRange.x);
    u = 0.5 + (t - uRange.z) / (2.0 * r);
  } else {
    u = (t - uRange.x) / (uRange.y - uRange.x);
  }
  int i = clamp(int(floor(u * 256.0)), 0, 255);
  return vec4(texelFetch(uLut, ivec2(i, 0), 0).rgb, 1.0);
}
#endif

#if PASS == 2
uniform sampler2D uReduced;     // pass 1: strongest value (r), whether there is one (g)
#endif

void main() {
  int fx = int(gl_FragCoord.x) - uOrigin.x;
  int fy = int(gl_FragCoord.y) - uOrigin.y;
#if PASS == 2
  int ix = uFirst.y >= 0 ? texelFetch(uColRanges, ivec2(fx, 0), 0).x - uFirst.y : fx;
  int iy = uFirst.x >= 0 ? texelFetch(uRowRanges, ivec2(uHeight - 1 - fy, 0), 0).x - uFirst.x : fy;
  vec2 t = texelFetch(uReduced, uOrigin + ivec2(ix, iy), 0).rg;
  outColor = colour(t.r, t.g > 0.5);
#else
  float v;
  bool found;
#if PASS == 1
  ivec2 rr = uFirst.x >= 0 ? ivec2(uFirst.x + fy) : texelFetch(uRowRanges, ivec2(uHeight - 1 - fy, 0), 0).xy;
  ivec2 cr = uFirst.y >= 0 ? ivec2(uFirst.y + fx) : texelFetch(uColRanges, ivec2(fx, 0), 0).xy;
  strongest(rr, cr, v, found);
  outColor = vec4(found ? v : 0.0, found ? 1.0 : 0.0, 0.0, 1.0);
#else
  ivec2 rr = texelFetch(uRowRanges, ivec2(uHeight - 1 - fy, 0), 0).xy;
  ivec2 cr = texelFetch(uColRanges, ivec2(fx, 0), 0).xy;
  if (rr.x == rr.y && cr.x == cr.y) {
    // zoomed in: one cell
    v = 0.0;
    found = false;
    take(valueAt(rr.x * uCols + cr.x), v, found);
  } else {
    strongest(rr, cr, v, found);
  }
  outColor = colour(v, found);
#endif
#endif
}`;

/**
 * The fragment shader of one pass.
 * @param {0 | 1 | 2} pass
 */
function fragmentShader(pass) {
  return `#version 300 es\n#define PASS ${pass}\n${FRAGMENT}`;
}

/** Uniforms of each pass (looked up once per program). */
const UNIFORMS = {
  0: ["uRowRanges", "uColRanges", "uHeight", "uOrigin", "uValues", "uOffsets", "uShift", "uBase", "uCols"],
  1: ["uRowRanges", "uColRanges", "uHeight", "uOrigin", "uValues", "uOffsets", "uShift", "uBase", "uCols"],
  2: ["uRowRanges", "uColRanges", "uHeight", "uOrigin", "uReduced"],
};
UNIFORMS[0].push("uTopA", "uTopB");
UNIFORMS[1].push("uTopA", "uTopB");
UNIFORMS[0].push("uLut", "uRange", "uCentered", "uNan");
UNIFORMS[1].push("uFirst");
UNIFORMS[2].push("uFirst", "uLut", "uRange", "uCentered", "uNan");

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
 * Whether the context renders in software (SwiftShader, llvmpipe, WARP). There, scattered
 * texture reads cost about as much as on the CPU, and pass 1 over both reduced axes runs
 * faster in JavaScript (reduce.js), whose loops reuse work between neighbouring pixels.
 * @param {WebGL2RenderingContext} ctx
 */
export function softwareRenderer(ctx) {
  let name = String(ctx.getParameter(ctx.RENDERER) ?? "");
  if (name === "WebKit WebGL") {
    const info = ctx.getExtension("WEBGL_debug_renderer_info");
    if (info) name = String(ctx.getParameter(info.UNMASKED_RENDERER_WEBGL) ?? "");
  }
  return /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i.test(name);
}

/**
 * A compiled pass and its uniform locations.
 * @typedef {{ program: WebGLProgram, loc: Record<string, WebGLUniformLocation | null> }} Pass
 */

/**
 * @param {WebGL2RenderingContext} ctx
 * @param {0 | 1 | 2} pass
 * @returns {Pass}
 */
export function link(ctx, pass) {
  const vs = compile(ctx, ctx.VERTEX_SHADER, VERTEX);
  /** @type {WebGLShader} */
  let fs;
  try {
    fs = compile(ctx, ctx.FRAGMENT_SHADER, fragmentShader(pass));
  } catch (e) {
    ctx.deleteShader(vs);
    throw e;
  }
  const p = ctx.createProgram();
  if (!p) throw new Error("cannot create a program");
  ctx.attachShader(p, vs);
  ctx.attachShader(p, fs);
  ctx.linkProgram(p);
  ctx.deleteShader(vs);
  ctx.deleteShader(fs);
  if (!ctx.getProgramParameter(p, ctx.LINK_STATUS) && !ctx.isContextLost()) {
    const log = ctx.getProgramInfoLog(p);
    ctx.deleteProgram(p);
    throw new Error(`shader link failed: ${log}`);
  }
  /** @type {Record<string, WebGLUniformLocation | null>} */
  const loc = {};
  for (const name of UNIFORMS[pass]) loc[name] = ctx.getUniformLocation(p, name);
  ctx.useProgram(p);
  // texture units: 0 values, 1 LUT, 2 row ranges, 3 column ranges, 4 offsets, 5 pass 1
  const units = { uValues: 0, uLut: 1, uRowRanges: 2, uColRanges: 3, uOffsets: 4, uReduced: 5 };
  for (const [name, unit] of Object.entries(units)) if (name in loc) ctx.uniform1i(loc[name], unit);
  return { program: p, loc };
}
