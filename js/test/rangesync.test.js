import { describe, expect, it } from "vitest";
import { syncColorRange } from "../range/rangesync.js";
import { StaticModel } from "../standalone.js";

/** A model that applies kernel messages the way ipywidgets does, and counts saves. */
class KernelModel extends StaticModel {
  /** @param {Record<string, any>} state */
  constructor(state) {
    super(state);
    /** @type {Record<string, any> | null} */
    this._state_lock = null;
    this.saves = 0;
  }

  /** ipywidgets' set_state: the message's state, marked as the kernel's while applied */
  /** @param {Record<string, any>} state */
  fromKernel(state) {
    this._state_lock = state;
    try {
      this.set(state);
    } finally {
      this._state_lock = null;
    }
  }

  /** @override */
  save_changes() {
    this.saves++;
  }
}

const symmetric = () =>
  new KernelModel({ vmin: -1, vmax: 1, center: 0, symmetric: true, color_range: [-1, 1] });

describe("syncColorRange", () => {
  it("mirrors a linked control's move of one end when symmetric, and saves it", () => {
    const model = symmetric();
    syncColorRange(model);
    model.set("color_range", [-1, 2]); // a jslinked slider moved the top end
    expect([model.get("vmin"), model.get("vmax")]).toEqual([-2, 2]);
    expect(model.get("color_range")).toEqual([-2, 2]);
    expect(model.saves).toBe(1);
  });

  it("never mirrors a range from the kernel, whatever the model held before", () => {
    const model = symmetric();
    syncColorRange(model);
    // Python set vmax then vmin in a loop; a message that moves one end of the pair
    // relative to what the model holds is still Python's range, not a slider's move.
    model.fromKernel({ vmax: 1.98, color_range: [-0.9895, 1.98] });
    expect(model.get("color_range")).toEqual([-0.9895, 1.98]);
    expect(model.get("vmax")).toBe(1.98);
    expect(model.get("vmin")).toBe(-1); // untouched: nothing mirrored or derived
    expect(model.saves).toBe(0);
    model.fromKernel({ vmin: -1.5, vmax: 1.25, color_range: [-1.5, 1.25] });
    expect([model.get("vmin"), model.get("vmax")]).toEqual([-1.5, 1.25]);
    expect(model.saves).toBe(0);
  });

  it("follows a linked control's vmin into color_range (the link saves)", () => {
    const model = symmetric();
    syncColorRange(model);
    model.set("vmin", -0.5);
    expect(model.get("color_range")).toEqual([-0.5, 1]);
    expect(model.saves).toBe(0);
  });

  it("derives nothing from a kernel message, so nothing stale is left to save", () => {
    const model = symmetric();
    syncColorRange(model);
    model.fromKernel({ vmin: -0.5 });
    expect(model.get("color_range")).toEqual([-1, 1]);
    expect(model.saves).toBe(0);
  });
});
