"""ipywidgets controls for a :class:`~tokenheat.Heatmap`, linked in the browser."""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING, Any

import ipywidgets
import traitlets as t

from . import colormaps

if TYPE_CHECKING:
    from .widget import Heatmap


class ColorRangeSlider(ipywidgets.FloatRangeSlider):
    """A ``FloatRangeSlider`` that widens its bounds to take a range outside them.

    The stock slider clips its value to ``[min, max]``; linked to a heatmap whose range
    was typed in beyond the data, clipping would silently change the heatmap's range.
    """

    @t.validate("value")
    def _validate_value(self, proposal: dict[str, Any]) -> tuple[float, float]:
        lo, hi = sorted(float(v) for v in proposal["value"])
        if hi > self.max:
            self.max = hi
        if lo < self.min:
            self.min = lo
        return lo, hi


def slider_bounds(widget: Heatmap) -> tuple[float, float]:
    """The data's finite span, widened to include the colour range and the centre."""
    lo, hi = widget.vmin, widget.vmax
    points = [lo, hi]
    if widget._data_range is not None:
        points += list(widget._data_range)
    if widget.center is not None:
        points.append(widget.center)
    lo, hi = min(points), max(points)
    if widget.center is not None:  # symmetric about the centre, so both ends can mirror
        half = max(widget.center - lo, hi - widget.center)
        lo, hi = widget.center - half, widget.center + half
    return lo, hi


def _step(lo: float, hi: float) -> float:
    span = hi - lo
    return 10 ** math.floor(math.log10(span / 1000)) if span > 0 else 0.001


class Controls(ipywidgets.VBox):
    """A colour-range slider, a colour-map chooser and a "symmetric" checkbox."""

    def __init__(self, heatmap: Heatmap) -> None:
        lo, hi = slider_bounds(heatmap)
        self.range_slider = ColorRangeSlider(
            value=heatmap.color_range,
            min=lo,
            max=hi,
            step=_step(lo, hi),
            description="range",
            readout_format=".3g",
            continuous_update=True,
            layout=ipywidgets.Layout(width="min(100%, 520px)"),
        )
        # A Combobox, not a Dropdown: a Dropdown syncs only its index, which jslink cannot
        # map to the heatmap's cmap name; the Combobox syncs the name itself.
        self.cmap_dropdown = ipywidgets.Combobox(
            options=colormaps.available(),
            value=heatmap.cmap,
            ensure_option=True,
            description="colour map",
            placeholder="type to filter",
        )
        self.symmetric_checkbox = ipywidgets.Checkbox(
            value=heatmap.symmetric, description="symmetric around centre", indent=False
        )
        self._links = [
            ipywidgets.jslink((self.range_slider, "value"), (heatmap, "color_range")),
            ipywidgets.jslink((self.cmap_dropdown, "value"), (heatmap, "cmap")),
            ipywidgets.jslink((self.symmetric_checkbox, "value"), (heatmap, "symmetric")),
        ]
        super().__init__(
            [self.range_slider, ipywidgets.HBox([self.cmap_dropdown, self.symmetric_checkbox])]
        )
        # Bounds follow the data; the heatmap must not keep these controls alive.
        ref = weakref.ref(self)
        names = ["values", "color_range", "center"]

        hooked = True

        def follow(change: dict[str, Any]) -> None:
            nonlocal hooked
            controls = ref()
            if controls is not None:
                controls._update_bounds(heatmap)
            elif hooked:  # one change can notify several names; unhook once
                hooked = False
                heatmap.unobserve(follow, names=names)

        heatmap.observe(follow, names=names)

    def _update_bounds(self, heatmap: Heatmap) -> None:
        lo, hi = slider_bounds(heatmap)
        slider = self.range_slider
        with slider.hold_sync():
            # The bounds always contain the current range, so neither assignment clips
            # the value; the order only has to keep min <= max in between.
            if lo > slider.max:
                slider.max, slider.min = hi, lo
            else:
                slider.min, slider.max = lo, hi
            slider.step = _step(lo, hi)
