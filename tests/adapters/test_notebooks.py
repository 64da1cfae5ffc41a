"""The adapters' example notebooks run end to end, offline, and show their heatmaps."""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import requires

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def run(name: str) -> list[dict]:
    """Execute notebooks/``name`` as nbconvert --execute does; the state of each heatmap
    shown, in order. A cell that raises fails the test with its traceback."""
    nbclient = requires("nbclient")
    nbformat = requires("nbformat")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    os.environ.update({k: v for k, v in env.items() if k not in os.environ})
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    saved = nb.metadata["widgets"][STATE]["state"]
    shown = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            view = output.get("data", {}).get(VIEW)
            if view is not None:
                state = saved[view["model_id"]]["state"]
                assert state["_anywidget_id"] == "tokenheat.widget.Heatmap"
                shown.append(state)
    return shown


def test_the_inseq_notebook_shows_its_four_heatmaps():
    requires("inseq")
    shown = run("inseq.ipynb")
    assert len(shown) == 4
    batch, one, attention, translation = shown
    # a panel per prompt, each with its own generated tokens along the bottom
    assert [c.split(" · ")[0] for c in batch["column_labels"][0]] == [" the", " mat", " and"]
    assert [c.split(" · ")[0] for c in batch["column_labels"][1]] == [" park", " and", " the"]
    assert one["title"] == "Saliency of the second prompt"
    assert attention["_panels"] == [2, 4]
    assert "" in translation["row_labels"]  # the blank row between source and target


def test_the_captum_notebook_shows_its_three_heatmaps():
    requires("captum")
    requires("sklearn")
    shown = run("captum.ipynb")
    assert [s["title"] for s in shown] == [
        "Feature ablation",
        "Layer integrated gradients",
        "KernelShap",
    ]
    ablation, gradients, shap = shown
    assert ablation["row_labels"] == ["the", "cat", "sat", "on", "the"]
    assert ablation["column_labels"][-1] == "Σ sequence"
    assert gradients["column_labels"] == ablation["row_labels"]  # transposed
    assert shap["column_labels"] == ["Σ sequence"]
