"""tokenheat: interactive, zoomable attribution heatmaps for Jupyter."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import colormaps
from .widget import Heatmap, InvalidSetting, InvalidSettingType

try:
    __version__ = version("tokenheat")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["Heatmap", "InvalidSetting", "InvalidSettingType", "__version__", "colormaps"]
