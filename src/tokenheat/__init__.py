"""tokenheat: interactive, zoomable attribution heatmaps for Jupyter."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import colormaps
from ._blocks import downsample
from ._data import MAX_CELLS
from ._traits import InvalidSetting, InvalidSettingType
from .adapters import from_attentions, from_captum, from_inseq, from_transformer_lens
from .controls import Controls
from .widget import Heatmap

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
    "__version__",
    "colormaps",
    "downsample",
    "from_attentions",
    "from_captum",
    "from_inseq",
    "from_transformer_lens",
]
