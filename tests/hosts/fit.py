"""Whether a person sees the whole figure where a host puts the widget: nothing of it cut
off by the boxes around it, and the host's next output not drawn over it.

A host gives each output a box; when that box is smaller than the widget and hides its
overflow (shinywidgets' 400 px output, for one), the lower rows, the column labels and
the bottom of the colour bar are cut off with no error anywhere, and the next output
starts inside the widget's box. Pixels and tooltips of the cells that remain look right,
so the other checks cannot see it. This check measures the page instead: every ancestor
that clips (overflow other than visible, up to the page, which scrolls), the parts of the
figure inside that visible box, and the next element after the host's output box.

Usable on any host: ``check_whole_figure(view, output)`` with the widget (a
``driver.HostWidget``) and a CSS selector of the host's output box around it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..browser.conftest import WidgetView

SLACK = 1.0  # CSS px: rounding of sub-pixel layout

# The parts a person must see whole, by selector: (name, selector). Every one must be
# shown (labels: at least one shown label) and lie inside the visible box.
PARTS = (
    ("title", ".tokenheat-title"),
    ("cell area, down to its lowest row", ".tokenheat-cells"),
    ("colour bar", ".tokenheat-colorbar"),
    ("colour-range track", ".tokenheat-range-track"),
    ("row label", ".tokenheat-row-label"),
    ("column label", ".tokenheat-col-label"),
)

# Runs in the page on the widget's root; returns what the Python side asserts on.
MEASURE = """
(root, [output, parts]) => {
  const up = (el) => el.parentElement
    || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const page = (el) => el === document.body || el === document.documentElement;
  // Each clipping box from the root outwards: the padding box of an element whose
  // overflow is not visible, on the axes it clips (the page itself scrolls).
  const clips = [];
  for (let el = root; el && !page(el); el = up(el)) {
    const s = getComputedStyle(el);
    const cx = s.overflowX !== "visible", cy = s.overflowY !== "visible";
    if (!cx && !cy) continue;
    const r = el.getBoundingClientRect();
    const left = r.left + el.clientLeft, top = r.top + el.clientTop;
    clips.push({
      el: name(el), self: el === root,
      left: cx ? left : -Infinity, right: cx ? left + el.clientWidth : Infinity,
      top: cy ? top : -Infinity, bottom: cy ? top + el.clientHeight : Infinity,
      overflow: s.overflowX + " " + s.overflowY,
    });
  }
  const within = (list) => list.reduce((v, c) => ({
    left: Math.max(v.left, c.left), right: Math.min(v.right, c.right),
    top: Math.max(v.top, c.top), bottom: Math.min(v.bottom, c.bottom),
  }), {left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity});
  const outer = within(clips.filter((c) => !c.self));
  const seen = within(clips);
  const shown = parts.map(([label, selector]) => ({
    label, selector,
    boxes: [...root.querySelectorAll(selector)]
      .filter((el) => el.checkVisibility() && el.getBoundingClientRect().height > 0)
      .map((el) => ({text: (el.textContent || "").trim(), ...box(el.getBoundingClientRect())})),
  }));
  // The host's output box around the root, and the first element laid out after it.
  let host = root;
  while (host && !(host.matches && host.matches(output))) host = up(host);
  let next = null;
  for (let el = host; el && !page(el) && !next; el = up(el)) {
    for (let sib = el.nextElementSibling; sib && !next; sib = sib.nextElementSibling) {
      const s = getComputedStyle(sib), r = sib.getBoundingClientRect();
      if (s.display !== "none" && !["absolute", "fixed"].includes(s.position)
          && r.width > 0 && r.height > 0) next = {el: name(sib), ...box(r)};
    }
  }
  return {
    root: box(root.getBoundingClientRect()), clips, outer, seen, shown,
    host: host ? {el: name(host), ...box(host.getBoundingClientRect())} : null, next,
  };
}
"""

# The chain of boxes from the root up to the page, as the lead needs it to size the
# widget for a host: each element's layout settings and size.
CHAIN = """
(root) => {
  const up = (el) => el.parentElement
    || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  const out = [];
  for (let el = root; el; el = up(el)) {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    const parent = up(el), ps = parent ? getComputedStyle(parent) : null;
    out.push({
      el: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + [...el.classList].map((c) => "." + c).join(""),
      size: `${Math.round(r.width * 10) / 10}x${Math.round(r.height * 10) / 10}`,
      top: Math.round(r.top + window.scrollY),
      display: s.display + (s.display.includes("flex") ? ` ${s.flexDirection}` : ""),
      position: s.position,
      overflow: `${s.overflowX} ${s.overflowY}`,
      height: `${s.height} (min ${s.minHeight}, max ${s.maxHeight})`,
      style_height: el.style.height || "",
      flex: ps && ps.display.includes("flex") ? s.flex : "",
    });
  }
  return out;
}
"""


def layout_chain(view: WidgetView) -> list[dict]:
    """The widget's root and every box around it up to the page: tag, id and classes,
    size, display (and flex direction), position, overflow, computed height, inline
    height, and its flex setting when its parent is a flex box."""
    return view.root.evaluate(CHAIN)


def format_chain(chain: list[dict]) -> str:
    return "\n".join(
        f"  {c['el']}: {c['size']} at y={c['top']}, display {c['display']}, {c['position']},"
        f" overflow {c['overflow']}, height {c['height']}"
        + (f", style height {c['style_height']}" if c["style_height"] else "")
        + (f", flex {c['flex']}" if c["flex"] else "")
        for c in chain
    )


def measure(view: WidgetView, output: str) -> dict:
    """The measurements :func:`check_whole_figure` judges (after scrolling the widget
    into view, so that a scrolling ancestor shows as much of it as it can)."""
    view.root.scroll_into_view_if_needed()
    return view.root.evaluate(MEASURE, [output, list(PARTS)])


def problems(m: dict) -> list[str]:
    """What a person would miss, in words; empty when the whole figure is seen."""
    found = []
    cut = _cut(m["root"], m["outer"])
    if cut:
        by = [c["el"] for c in m["clips"] if not c["self"] and _cut(m["root"], c)]
        found.append(f"the widget's box is cut off ({cut}) by {', '.join(by)}")
    for part in m["shown"]:
        if not part["boxes"]:
            found.append(f"no {part['label']} is shown ({part['selector']})")
        for b in part["boxes"]:
            cut = _cut(b, m["seen"])
            if cut:
                text = f" {b['text']!r}" if b["text"] and part["label"].endswith("label") else ""
                found.append(f"{part['label']}{text} is cut off ({cut})")
    if m["host"] is None:
        found.append("the widget is not inside the host's output box")
    elif m["next"] is not None and _overlap(m["next"], m["root"]):
        nxt, root = m["next"], m["root"]
        found.append(
            f"the next element {nxt['el']} (y {nxt['top']:.0f}..{nxt['bottom']:.0f}) overlaps"
            f" the widget (y {root['top']:.0f}..{root['bottom']:.0f})"
        )
    return found


def check_whole_figure(view: WidgetView, output: str) -> dict:
    """A person sees the whole figure: the widget's box is not cut off by any box around
    it (``output``, a CSS selector of the host's output box, included), its title, cell
    area, colour bar, colour-range track and every shown row and column label lie inside
    what is visible, and the first element after the host's output box does not overlap
    the widget. On failure the message lists what is cut and the chain of boxes from the
    widget up to the page. Returns the measurements."""
    m = measure(view, output)
    found = problems(m)
    assert not found, (
        "the figure is not seen whole:\n  "
        + "\n  ".join(found)
        + f"\nboxes from the widget up to the page:\n{format_chain(layout_chain(view))}"
    )
    return m


def _cut(b: dict, clip: dict) -> str:
    """How much of box ``b`` lies outside ``clip``, side by side ('' if none)."""
    sides = {
        "top": clip["top"] - b["top"],
        "bottom": b["bottom"] - clip["bottom"],
        "left": clip["left"] - b["left"],
        "right": b["right"] - clip["right"],
    }
    return ", ".join(f"{side} by {px:.0f} px" for side, px in sides.items() if px > SLACK)


def _overlap(a: dict, b: dict) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > SLACK
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > SLACK
    )
