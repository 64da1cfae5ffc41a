"""from_inseq on real inseq outputs of tiny models: the heatmap's cells are inseq's own
numbers (NaN where inseq has NaN), its labels inseq's tokens, laid out as ``show()``."""

from __future__ import annotations

import copy
import sys

import numpy as np
import pytest

from tokenheat import Heatmap
from tokenheat.adapters import from_inseq

from .conftest import requires, tiny_t5, word_tokenizer

PROMPTS = ["the cat sat on", "a big red dog ran to the"]
TEXTS = ["the cat sat on the mat and", "a big red dog ran to the park and the"]


@pytest.fixture(scope="module")
def inseq():
    return requires("inseq")


@pytest.fixture(scope="module")
def saliency(inseq, gpt2, bpe):
    """A decoder-only gradient attribution of two prompts of 4 and 7 tokens."""
    model = inseq.load_model(gpt2, "saliency", tokenizer=bpe)
    return model.attribute(
        PROMPTS, generated_texts=TEXTS, step_scores=["probability"], show_progress=False
    )


@pytest.fixture(scope="module")
def attention(inseq, gpt2, bpe):
    model = inseq.load_model(gpt2, "attention", tokenizer=bpe)
    return model.attribute(PROMPTS, generated_texts=TEXTS, show_progress=False)


@pytest.fixture(scope="module")
def encoder_decoder(inseq):
    """An encoder-decoder attribution of the source and the target prefix."""
    tok = word_tokenizer(bos=False)
    model = inseq.load_model(tiny_t5(len(tok)), "input_x_gradient", tokenizer=tok)
    return model.attribute(
        ["the cat sat on the mat", "a dog ran"],
        ["cat on mat", "dog ran to park"],
        attribute_target=True,
        show_progress=False,
    )


def same(actual: np.ndarray, expected: np.ndarray) -> None:
    """Cell by cell: NaN exactly where expected is NaN, the numbers equal elsewhere."""
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_array_equal(actual[~np.isnan(actual)], expected[~np.isnan(expected)])


def decoded(tokens, tokenizer) -> list[str]:
    """inseq's own decode_tokens (on a copy: it decodes in place)."""
    return [tokenizer.decode([t.id]) for t in copy.deepcopy(tokens)]


def test_a_decoder_only_output_is_inseqs_aggregate_with_the_generated_tokens_as_columns(
    saliency, bpe
):
    aggregated = saliency.aggregate()
    for i, seq in enumerate(saliency.sequence_attributions):
        assert seq.source_attributions is None
        h = from_inseq(saliency, sequence=i)
        expected = aggregated.sequence_attributions[i].target_attributions.numpy()
        same(h.values, expected.astype(np.float64))
        # rows: the whole target (prompt + generated); columns: the generated tokens
        assert h.shape == (len(seq.target), seq.attr_pos_end - seq.attr_pos_start)
        assert h.row_labels == decoded(seq.target, bpe)
        generated = decoded(seq.target[seq.attr_pos_start : seq.attr_pos_end], bpe)
        assert [c.split(" · ")[0] for c in h.column_labels] == generated
        # inseq's not-yet-generated triangle: row >= attr_pos_start + column, last row
        rows, cols = np.indices(h.shape)
        assert np.isnan(h.values[rows >= seq.attr_pos_start + cols]).all()
        assert np.isnan(h.values[-1]).all()
        # inseq's default aggregation: each generated token's column sums to 1
        np.testing.assert_allclose(np.nansum(h.values, axis=0), 1, rtol=1e-5)
        assert "each column sums to 1" in h.colorbar_title


def test_byte_level_pieces_are_shown_as_inseqs_decode_tokens_shows_them(saliency, bpe):
    seq = saliency.sequence_attributions[0]
    assert any(t.token.startswith("Ġ") for t in seq.target)  # raw byte-level pieces
    h = from_inseq(saliency, sequence=0)
    assert not any("Ġ" in label for label in h.row_labels)
    assert from_inseq(saliency, sequence=0, tokenizer=bpe).row_labels == h.row_labels
    assert [t.token for t in seq.target][1].startswith("Ġ")  # the output was not changed


def test_the_step_scores_are_added_to_the_column_labels(saliency):
    seq = saliency.sequence_attributions[1]
    h = from_inseq(saliency, sequence=1)
    probability = seq.step_scores["probability"].numpy()
    assert [c.split(" · ")[1] for c in h.column_labels] == [f"p={p:.2g}" for p in probability]
    plain = from_inseq(saliency, sequence=1, step_scores=False)
    assert all(" · " not in c for c in plain.column_labels)


def test_a_batch_becomes_one_panel_per_sequence_each_with_its_own_tokens(saliency, bpe):
    h = from_inseq(saliency)
    aggregated = saliency.aggregate().sequence_attributions
    assert h.panel_layout == (2,)
    assert h.shape == (10, 3)  # the longer sequence; the shorter is padded with NaN
    for p, seq in enumerate(saliency.sequence_attributions):
        expected = aggregated[p].target_attributions.numpy().astype(np.float64)
        rows, cols = expected.shape
        same(h.values[p, :rows, :cols], expected)
        assert np.isnan(h.values[p, rows:]).all()
        assert h.row_labels[p] == decoded(seq.target, bpe)
        end = seq.attr_pos_end
        assert [c.split(" · ")[0] for c in h.column_labels[p]] == decoded(
            seq.target[seq.attr_pos_start : end], bpe
        )
    assert h.panel_labels == ["the cat sat on", "a big red dog ran to the"]


def test_one_sequence_of_the_output_or_the_sequence_output_itself(saliency):
    seq = saliency.sequence_attributions[1]
    a = from_inseq(saliency, sequence=-1)
    b = from_inseq(seq)
    same(a.values, b.values)
    assert a.row_labels == b.row_labels
    with pytest.raises(IndexError, match="sequence 2 is out of range: the output has 2"):
        from_inseq(saliency, sequence=2)


def test_an_encoder_decoder_output_shows_source_rows_a_blank_row_then_target_rows(
    encoder_decoder,
):
    tok = word_tokenizer(bos=False)
    for i, seq in enumerate(encoder_decoder.sequence_attributions):
        agg = encoder_decoder.aggregate().sequence_attributions[i]
        source = agg.source_attributions.numpy().astype(np.float64)
        target = agg.target_attributions.numpy().astype(np.float64)
        h = from_inseq(encoder_decoder, sequence=i)  # default: both, as show()
        gap = np.full((1, source.shape[1]), np.nan)
        same(h.values, np.concatenate([source, gap, target]))
        assert h.row_labels == [*decoded(seq.source, tok), "", *decoded(seq.target, tok)]
        # source and target columns sum to 1 together (inseq's joint normalisation)
        np.testing.assert_allclose(np.nansum(h.values, axis=0), 1, rtol=1e-5)
        only = from_inseq(encoder_decoder, sequence=i, side="source")
        same(only.values, source)
        assert only.row_labels == decoded(seq.source, tok)


def test_attention_becomes_a_layer_by_head_grid_instead_of_an_average(attention, bpe):
    for i, seq in enumerate(attention.sequence_attributions):
        scores = seq.target_attributions.numpy()  # (rows, generated, layers, heads)
        h = from_inseq(attention, sequence=i)
        layers, heads = scores.shape[2:]
        assert h.panel_layout == (layers, heads)
        assert h.panel_labels == ([f"L{k}" for k in range(layers)], [f"H{k}" for k in range(heads)])
        for layer in range(layers):
            for head in range(heads):
                same(h.values[layer, head], scores[:, :, layer, head].astype(np.float64))
        assert h.row_labels == decoded(seq.target, bpe)
        assert h.colorbar_title == "Attention weight"
    with pytest.raises(ValueError, match=r"2 sequences of attention scores.*sequence=0"):
        from_inseq(attention)
    # averaged by the user first: one matrix, inseq's own mean
    averaged = attention.aggregate()
    same(
        from_inseq(averaged, sequence=0).values,
        averaged.sequence_attributions[0].target_attributions.numpy().astype(np.float64),
    )


def test_wrong_sides_and_unaggregated_scores_say_what_to_do(saliency, encoder_decoder):
    with pytest.raises(ValueError, match=r"no source attributions.*decoder-only"):
        from_inseq(saliency, sequence=0, side="source")
    with pytest.raises(ValueError, match="side must be one of"):
        from_inseq(saliency, side="left")
    with pytest.raises(ValueError, match=r"aggregate=False.*1 dimension"):
        from_inseq(saliency, sequence=0, aggregate=False)
    h = from_inseq(encoder_decoder.aggregate(), sequence=0, aggregate=False, side="target")
    assert h.row_labels[0] == "<pad>"  # the decoder's start token


def test_settings_given_by_the_user_win(saliency):
    h = from_inseq(saliency, sequence=0, cmap="viridis", title="Mine", vmin=-1)
    assert (h.cmap, h.title, h.vmin) == ("viridis", "Mine", -1.0)
    assert isinstance(h, Heatmap)


def test_a_wrong_object_is_a_type_error_that_names_what_is_expected(saliency):
    with pytest.raises(TypeError, match=r"FeatureAttributionOutput.*got numpy.ndarray"):
        from_inseq(np.zeros((2, 2)))
    with pytest.raises(TypeError, match=r"expects an inseq.*got dict"):
        from_inseq({"target_attributions": None})


def test_a_missing_inseq_names_the_pip_extra(saliency, monkeypatch):
    monkeypatch.setitem(sys.modules, "inseq.data.attribution", None)
    with pytest.raises(ImportError, match=r'pip install "tokenheat\[inseq\]"'):
        from_inseq(saliency)
