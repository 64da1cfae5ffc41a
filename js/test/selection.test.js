import { describe, expect, it } from "vitest";
import {
  moveSelection,
  parseSelection,
  sameSelection,
  selectionBox,
  selectionCorrected,
} from "../interact/selection.js";

const view = { row0: 0, row1: 9, col0: 0, col1: 5 };

describe("selection trait", () => {
  it("accepts a cell, a row, a column or null that fit the matrix", () => {
    expect(parseSelection({ row: 2, col: 3 }, 9, 5)).toEqual({ row: 2, col: 3 });
    expect(parseSelection({ row: 8 }, 9, 5)).toEqual({ row: 8 });
    expect(parseSelection({ col: 0, row: null }, 9, 5)).toEqual({ col: 0 });
    expect(parseSelection(null, 9, 5)).toBeNull();
    expect(parseSelection({}, 9, 5)).toBeNull();
    expect(parseSelection({ row: 9 }, 9, 5)).toBeNull(); // out of range (an old shape)
    expect(parseSelection({ row: 1.5, col: 0 }, 9, 5)).toBeNull();
    expect(parseSelection([1, 2], 9, 5)).toBeNull();
  });
  it("compares by what is selected", () => {
    expect(sameSelection({ row: 1 }, { row: 1 })).toBe(true);
    expect(sameSelection({ row: 1 }, { row: 1, col: 0 })).toBe(false);
    expect(sameSelection(null, { col: 0 })).toBe(false);
    expect(sameSelection(null, null)).toBe(true);
  });
});

describe("arrow keys", () => {
  it("start at the top-left visible cell", () => {
    expect(moveSelection(null, "ArrowDown", view, 9, 5)).toEqual({ row: 0, col: 0 });
    const zoomed = { row0: 3.2, row1: 6, col0: 1.6, col1: 4 };
    expect(moveSelection(null, "ArrowRight", zoomed, 9, 5)).toEqual({ row: 3, col: 2 });
  });
  it("move a cell one step and stop at the edges", () => {
    expect(moveSelection({ row: 2, col: 3 }, "ArrowUp", view, 9, 5)).toEqual({ row: 1, col: 3 });
    expect(moveSelection({ row: 2, col: 3 }, "ArrowRight", view, 9, 5)).toEqual({ row: 2, col: 4 });
    expect(moveSelection({ row: 2, col: 4 }, "ArrowRight", view, 9, 5)).toEqual({ row: 2, col: 4 });
    expect(moveSelection({ row: 0, col: 0 }, "ArrowUp", view, 9, 5)).toEqual({ row: 0, col: 0 });
  });
  it("move a row or a column along its own axis only", () => {
    expect(moveSelection({ row: 2 }, "ArrowDown", view, 9, 5)).toEqual({ row: 3 });
    expect(moveSelection({ row: 2 }, "ArrowLeft", view, 9, 5)).toEqual({ row: 2 });
    expect(moveSelection({ col: 2 }, "ArrowLeft", view, 9, 5)).toEqual({ col: 1 });
    expect(moveSelection({ col: 2 }, "ArrowUp", view, 9, 5)).toEqual({ col: 2 });
  });
});

describe("outline box", () => {
  it("surrounds a cell, a whole row or a whole column of the view", () => {
    expect(selectionBox({ row: 2, col: 3 }, view, 500, 900)).toEqual({
      left: 300,
      top: 200,
      width: 100,
      height: 100,
    });
    expect(selectionBox({ row: 2 }, view, 500, 900)).toEqual({ left: 0, top: 200, width: 500, height: 100 });
    expect(selectionBox({ col: 1 }, view, 500, 900)).toEqual({ left: 100, top: 0, width: 100, height: 900 });
  });
  it("follows the view and disappears out of it", () => {
    const zoomed = { row0: 2, row1: 4, col0: 3, col1: 5 };
    expect(selectionBox({ row: 2, col: 3 }, zoomed, 500, 900)).toEqual({
      left: 0,
      top: 0,
      width: 250,
      height: 450,
    });
    expect(selectionBox({ row: 5, col: 3 }, zoomed, 500, 900)).toBeNull();
    expect(selectionBox({ row: 4, col: 3 }, zoomed, 500, 900)).toBeNull(); // just below the view
    expect(selectionBox({ row: 1, col: 3 }, zoomed, 500, 900)).toBeNull(); // just above
    expect(selectionBox({ col: 0 }, zoomed, 500, 900)).toBeNull();
    expect(selectionBox(null, zoomed, 500, 900)).toBeNull();
  });
  it("stays visible around a cell smaller than a few pixels", () => {
    const b = selectionBox({ row: 500, col: 500 }, { row0: 0, row1: 1000, col0: 0, col1: 1000 }, 600, 600);
    expect(b?.width).toBe(8);
    expect(b && b.left + b.width / 2).toBeCloseTo(300.3, 9);
  });
});

describe("selectionCorrected", () => {
  it("is false when the trait is exactly the selection parsed from it", () => {
    for (const t of [null, { row: 2, col: 3 }, { row: 8 }, { col: 0 }]) {
      expect(selectionCorrected(t, parseSelection(t, 9, 5))).toBe(false);
    }
    expect(selectionCorrected(undefined, null)).toBe(false);
  });
  it("is true when the trait does not fit the matrix or has other keys", () => {
    for (const t of [{ row: 9 }, { row: 1.5, col: 0 }, { col: 0, row: null }, { row: 1, extra: 2 }, "x"]) {
      expect(selectionCorrected(t, parseSelection(t, 9, 5))).toBe(true);
    }
  });
});
