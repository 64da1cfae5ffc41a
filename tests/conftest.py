"""Fixtures shared by the unit and browser tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_JSON = ROOT / "notebooks" / "data" / "arithmetic_attributions.json"


@pytest.fixture(scope="session")
def reference() -> dict:
    """The reference figure's data (five arithmetic expressions, nine token positions)."""
    return json.loads(REFERENCE_JSON.read_text())


@pytest.fixture
def make_reference(reference: dict):
    """Build the reference figure's Heatmap; keyword arguments override its settings."""
    from tokenheat import Heatmap

    def make(**overrides) -> Heatmap:
        settings = {
            "row_labels": reference["row_labels"],
            "column_labels": reference["columns"],
            "tokens": reference["tokens"],
            "vmin": reference["vmin"],
            "vmax": reference["vmax"],
            "title": reference["title"],
            "colorbar_title": reference["colorbar_title"],
        }
        return Heatmap(reference["values"], **{**settings, **overrides})

    return make


@pytest.fixture
def small() -> np.ndarray:
    return np.array([[0.5, -1.0, 0.25], [0.0, np.nan, 2.0]])


@pytest.fixture
def dask_client():
    """A ``dask.distributed`` Client, the active one while the test runs, on a LocalCluster
    of two single-threaded worker processes (what a user with a cluster has)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
