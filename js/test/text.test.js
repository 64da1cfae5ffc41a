import { describe, expect, it } from "vitest";
import { MAX_SHOWN_CHARS, shownText, visibleIfBlank, visibleWhitespace } from "../data/text.js";

// The same table as tests/test_export.py::test_visible_whitespace (Python).
const CASES = [
  [" ", "\u2423"],
  [" the", "\u2423the"],
  ["\n", "\u21b5"],
  ["\r\n", "\u21b5"],
  ["\t\t", "\u21e5\u21e5"],
  ["\u00a0", "\u237d"],
  ["a\u200bb", "a\u2423b"],
  ["\u3000", "\u2423"],
  ["\u0120the", "\u0120the"],
  ["\u2581the", "\u2581the"],
  ["", ""],
  ["emoji \ud83d\udc68\u200d\ud83d\udc69", "emoji\u2423\ud83d\udc68\u200d\ud83d\udc69"],
];

describe("visibleWhitespace", () => {
  it.each(CASES)("%j -> %j", (given, shown) => {
    expect(visibleWhitespace(given)).toBe(shown);
  });
  it("keeps zero-width joiners, which build emoji", () => {
    expect(visibleWhitespace("\u200d")).toBe("\u200d");
  });
});

describe("visibleIfBlank", () => {
  it("changes only labels made of whitespace", () => {
    expect(visibleIfBlank("9 + 3 = 12")).toBe("9 + 3 = 12");
    expect(visibleIfBlank(" ")).toBe("\u2423");
    expect(visibleIfBlank("\n\n")).toBe("\u21b5\u21b5");
    expect(visibleIfBlank("")).toBe("");
  });
});

describe("shownText", () => {
  it("keeps text up to the limit and cuts longer text with an ellipsis", () => {
    const edge = "x".repeat(MAX_SHOWN_CHARS);
    expect(shownText(edge)).toBe(edge);
    expect(shownText(`${edge}y`)).toBe(`${edge}\u2026`);
    expect(shownText("W".repeat(2_000_000))).toHaveLength(MAX_SHOWN_CHARS + 1);
  });

  it("never splits a surrogate pair", () => {
    const text = `${"x".repeat(MAX_SHOWN_CHARS - 1)}\u{1f600}tail`;
    const cut = shownText(text);
    expect(cut).toBe(`${"x".repeat(MAX_SHOWN_CHARS - 1)}\u2026`);
    expect(/[\ud800-\udbff]$/.test(cut.slice(0, -1))).toBe(false); // no lone high half
  });

  it("is the length Python's exports measure", () => {
    expect(MAX_SHOWN_CHARS).toBe(1024); // tokenheat.export.MEASURE_CHARS
  });
});
