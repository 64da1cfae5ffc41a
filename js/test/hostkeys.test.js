import { describe, expect, it } from "vitest";
import { isHostKey } from "../interact/hostkeys.js";

const key = (/** @type {string} */ k, mods = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("isHostKey", () => {
  it("gives the host Escape and Ctrl/Cmd+S (save)", () => {
    expect(isHostKey(key("Escape"))).toBe(true);
    expect(isHostKey(key("s", { ctrlKey: true }))).toBe(true);
    expect(isHostKey(key("S", { metaKey: true, shiftKey: true }))).toBe(true); // save as
  });
  it("keeps every other key from the host's shortcuts", () => {
    for (const k of ["d", "b", "x", "m", "a", "z", "0", "Enter", "ArrowUp", "Backspace", "s", "Tab"]) {
      expect(isHostKey(key(k))).toBe(false);
    }
    expect(isHostKey(key("Backspace", { ctrlKey: true }))).toBe(false); // merge cells
    expect(isHostKey(key("ArrowDown", { ctrlKey: true, shiftKey: true }))).toBe(false); // move cell
    expect(isHostKey(key("Enter", { ctrlKey: true }))).toBe(false); // run cell
    expect(isHostKey(key("Escape", { shiftKey: true }))).toBe(false);
    expect(isHostKey(key("s", { ctrlKey: true, altKey: true }))).toBe(false);
  });
});
