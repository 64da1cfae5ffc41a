"""tokenheat: interactive, zoomable attribution heatmaps for Jupyter."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from . import colormaps
from ._blocks import downsample
from ._data import MAX_CELLS
from ._traits import InvalidSetting, InvalidSettingType
from .controls import Controls
from .widget import Heatmap

if TYPE_CHECKING:
    from .adapters import from_attentions, from_captum, from_inseq, from_transformer_lens
    from .pyramid import Pyramid, build_pyramid, open_pyramid

# The adapters and pyramids are imported when first used: displaying a heatmap does not
# wait for them.
_ADAPTERS = ("from_attentions", "from_captum", "from_inseq", "from_transformer_lens")
_PYRAMIDS = ("Pyramid", "build_pyramid", "open_pyramid")


def __getattr__(name: str):
    if name in _ADAPTERS:
        from . import adapters

        return getattr(adapters, name)
    if name in _PYRAMIDS:
        from . import pyramid

        return getattr(pyramid, name)
    raise AttributeError(f"module 'tokenheat' has no attribute {name!r}")


try:
    __version__ = version("tokenheat")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "MAX_CELLS",
    "Controls",
    "Heatmap",
    "InvalidSetting",
    "InvalidSettingType",
    "Pyramid",
    "__version__",
    "build_pyramid",
    "colormaps",
    "downsample",
    "from_attentions",
    "from_captum",
    "from_inseq",
    "from_transformer_lens",
    "open_pyramid",
]
