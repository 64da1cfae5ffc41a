import { describe, expect, it } from "vitest";
import { visibleIfBlank, visibleWhitespace } from "../text.js";

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
