// How user text is made visible: whitespace in tokens becomes a glyph (a space token is
// "␣", not an empty cell). The same rule as tokenheat.export.visible_whitespace in Python.

/** Whitespace (and invisible) characters and the glyphs that stand for them. */
const GLYPHS = /** @type {Record<string, string>} */ ({
  " ": "\u2423", // ␣
  "\n": "\u21b5", // ↵
  "\r": "\u240d", // ␍
  "\t": "\u21e5", // ⇥
  "\u00a0": "\u237d", // ⍽ no-break space
  "\u200b": "\u2423", // zero-width space
  "\ufeff": "\u2423", // byte-order mark / zero-width no-break space
});
const OTHER = "\u2423";
const WHITESPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/g;
const BLANK = /^[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+$/;

/**
 * Every whitespace character of `s` as a visible glyph ("\r\n" becomes one "↵").
 * @param {string} s
 */
export function visibleWhitespace(s) {
  return s.replace(/\r\n/g, "\n").replace(WHITESPACE, (ch) => GLYPHS[ch] ?? OTHER);
}

/**
 * A label made only of whitespace, made visible; any other label unchanged (spaces
 * between words stay spaces).
 * @param {string} s
 */
export function visibleIfBlank(s) {
  return BLANK.test(s) ? visibleWhitespace(s) : s;
}

/**
 * The longest user text shown (labels, tokens, titles, and so the tooltip): longer text
 * is cut to this many characters and "…", so measuring and laying it out stays quick
 * whatever its length. Python's exports cut at the same length before measuring
 * (tokenheat.export.MEASURE_CHARS); no text this long fits in the widget anyway.
 */
export const MAX_SHOWN_CHARS = 1024;

/**
 * `s`, cut to MAX_SHOWN_CHARS characters and "…" when longer (a surrogate pair is not
 * split).
 * @param {string} s
 */
export function shownText(s) {
  if (s.length <= MAX_SHOWN_CHARS) return s;
  let end = MAX_SHOWN_CHARS;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}\u2026`;
}
