"""from_captum on Captum's real LLM attributions of a tiny GPT-2: rows are the input
tokens, columns the output tokens (``token_attr`` transposed), then ``seq_attr``."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from tokenheat.adapters import from_captum

from .conftest import requires

PROMPT = "the cat sat on the"


@pytest.fixture(scope="module")
def captum():
    requires("sklearn")  # Captum's Lime and KernelShap need scikit-learn
    return requires("captum.attr")


@pytest.fixture(scope="module")
def ablation(captum, gpt2, bpe):
    attr = captum.LLMAttribution(captum.FeatureAblation(gpt2), bpe)
    return attr.attribute(captum.TextTokenInput(PROMPT, bpe), target=" mat and the dog")


@pytest.fixture(scope="module")
def gradients(captum, gpt2, bpe):
    layer = captum.LayerIntegratedGradients(gpt2, gpt2.transformer.wte)
    attr = captum.LLMGradientAttribution(layer, bpe)
    return attr.attribute(captum.TextTokenInput(PROMPT, bpe), target=" mat and", n_steps=5)


@pytest.fixture(scope="module")
def kernel_shap(captum, gpt2, bpe):
    attr = captum.LLMAttribution(captum.KernelShap(gpt2), bpe)
    words = captum.TextTemplateInput("{} {} sat on {}", values=["the", "cat", "the"])
    return attr.attribute(words, target=" mat", n_samples=10)


def numbers(t) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float64)


@pytest.mark.parametrize("name", ["ablation", "gradients"])
def test_rows_are_the_inputs_and_columns_the_outputs_then_the_sequence(name, request, bpe):
    result = request.getfixturevalue(name)
    h = from_captum(result)
    token_attr = numbers(result.token_attr)  # Captum's (outputs, inputs)
    n_out, n_in = token_attr.shape
    assert h.shape == (n_in, n_out + 2)
    np.testing.assert_array_equal(h.values[:, :n_out], token_attr.T)
    assert np.isnan(h.values[:, n_out]).all()  # the blank column
    np.testing.assert_array_equal(h.values[:, -1], numbers(result.seq_attr))
    # inputs are raw pieces ("Ġcat"), outputs decoded and stripped: both read alike
    assert any(t.startswith("Ġ") for t in result.input_tokens)
    ids = bpe(PROMPT)["input_ids"]
    assert h.row_labels == [bpe.decode([i]).strip() for i in ids]
    assert h.column_labels[:n_out] == [str(t) for t in result.output_tokens]
    assert h.column_labels[n_out:] == ["", "Σ sequence"]


def test_transpose_gives_captums_own_orientation(ablation):
    h = from_captum(ablation, transpose=True)
    token_attr = numbers(ablation.token_attr)
    n_out, n_in = token_attr.shape
    assert h.shape == (n_out + 2, n_in)
    np.testing.assert_array_equal(h.values[:n_out], token_attr)
    np.testing.assert_array_equal(h.values[-1], numbers(ablation.seq_attr))
    assert h.row_labels[:n_out] == list(ablation.output_tokens)
    assert h.column_labels == from_captum(ablation).row_labels


def test_without_token_attributions_the_heatmap_is_the_one_column_of_seq_attr(kernel_shap):
    assert kernel_shap.token_attr is None
    h = from_captum(kernel_shap)
    assert h.shape == (3, 1)
    np.testing.assert_array_equal(h.values[:, 0], numbers(kernel_shap.seq_attr))
    assert h.row_labels == ["the", "cat", "the"]  # the template's values
    assert h.column_labels == ["Σ sequence"]


def test_seq_attr_can_be_left_out_and_settings_given_win(ablation):
    h = from_captum(ablation, seq_attr=False, cmap="RdBu", title="FA")
    assert h.shape == (5, 4)
    assert (h.cmap, h.title) == ("RdBu", "FA")


def test_output_probabilities_are_added_to_the_output_labels(captum, ablation):
    # Captum's attribute() leaves output_probs None; a result built with them shows them
    torch = requires("torch")
    probs = torch.tensor([0.41, 0.0123, 0.5, 0.25])
    result = captum.LLMAttributionResult(
        input_tokens=ablation.input_tokens,
        output_tokens=ablation.output_tokens,
        seq_attr=ablation.seq_attr,
        token_attr=ablation.token_attr,
        output_probs=probs,
    )
    h = from_captum(result)
    assert h.column_labels[:4] == [
        f"{t} · p={p}"
        for t, p in zip(ablation.output_tokens, ["0.41", "0.012", "0.5", "0.25"], strict=True)
    ]
    assert from_captum(result, output_probs=False).column_labels[:4] == ablation.output_tokens


def test_a_wrong_object_or_a_missing_captum_is_a_clear_error(ablation, monkeypatch):
    with pytest.raises(TypeError, match=r"LLMAttributionResult.*got numpy.ndarray"):
        from_captum(np.zeros((2, 2)))
    monkeypatch.setitem(sys.modules, "captum.attr", None)
    with pytest.raises(ImportError, match=r'pip install "tokenheat\[captum\]"'):
        from_captum(ablation)
