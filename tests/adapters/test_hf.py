"""from_attentions on the real attention weights of tiny Hugging Face models (GPT-2, BERT,
T5, eager attention): the grid's cells are the model's own numbers, rows the queries,
padding dropped with the mask, the causal triangle "no value" only where it is."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tokenheat.adapters import from_attentions

from .conftest import assert_causal_grid, bpe_tokenizer, requires, tiny_t5, word_tokenizer

PROMPTS = ["the cat sat on the mat", "a dog ran"]
HEADS = ["H0", "H1", "H2", "H3"]


def weights(attentions) -> np.ndarray:
    """The model's attentions as one array (layers, batch, heads, query, key)."""
    return np.stack([a.detach().cpu().numpy() for a in attentions])


def upper(n: int) -> np.ndarray:
    return np.triu(np.ones((n, n), dtype=bool), 1)


@pytest.fixture(scope="module")
def left_bpe():
    tok = bpe_tokenizer()  # not the shared `bpe`: its padding side stays as it is
    tok.padding_side = "left"  # as GPT-2's: the batch's short prompt starts with padding
    return tok


@pytest.fixture(scope="module")
def gpt2_run(gpt2, left_bpe):
    enc = left_bpe(PROMPTS, return_tensors="pt", padding=True)
    return enc, gpt2(**enc, output_attentions=True)


@pytest.fixture(scope="module")
def words():
    return word_tokenizer()


@pytest.fixture(scope="module")
def bert(words):
    torch = requires("torch")
    transformers = requires("transformers")
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(words),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        pad_token_id=0,
    )
    model = transformers.AutoModel.from_config(config, attn_implementation="eager").eval()
    enc = words(PROMPTS, return_tensors="pt", padding=True)  # padded on the right
    return enc, model(**enc, output_attentions=True)


@pytest.fixture(scope="module")
def t5_run(words):
    model = tiny_t5(len(words))
    enc = words(PROMPTS, return_tensors="pt", padding=True)
    dec = words(["the cat", "a big red dog ran"], return_tensors="pt", padding=True)
    out = model(
        input_ids=enc["input_ids"],
        attention_mask=enc["attention_mask"],
        decoder_input_ids=dec["input_ids"],
        decoder_attention_mask=dec["attention_mask"],
        output_attentions=True,
    )
    return enc, dec, out


# ------------------------------------------------------------------------ decoder only
def test_gpt2_grid_is_the_models_attention_cell_by_cell(gpt2_run, left_bpe):
    enc, out = gpt2_run
    assert len(out.attentions) == 2
    assert all(a.requires_grad and a.dtype.is_floating_point for a in out.attentions)
    h = from_attentions(out.attentions, enc)
    expected = weights(out.attentions)[:, 0]  # the long prompt: no padding
    assert_causal_grid(h.values, expected)
    assert h.panel_labels == (["L0", "L1"], HEADS)
    texts = [left_bpe.decode([i]) for i in enc["input_ids"][0].tolist()]
    assert h.row_labels == h.column_labels == texts
    assert h.row_labels[:3] == ["the", " cat", " sat"]  # the pieces were "Ġcat", "Ġsat"


def test_rows_are_the_queries(gpt2_run):
    enc, out = gpt2_run
    h = from_attentions(out.attentions, enc)
    first = out.attentions[0][0, 0].detach().numpy()
    assert h.values[0, 0, 0, 0] == first[0, 0] == 1.0  # the first token sees only itself
    assert np.isnan(h.values[0, 0, 0, 1:]).all()
    assert h.values[0, 0, 3, 1] == first[3, 1] > 0  # query 3 looks back at key 1


def test_left_padding_is_dropped_before_the_causal_triangle(gpt2_run, left_bpe):
    enc, out = gpt2_run
    kept = enc["attention_mask"][1].bool().numpy()
    assert kept.tolist() == [False, False, False, True, True, True]
    full = weights(out.attentions)[:, 1]
    # The padded query rows spread over every key, future ones included: were they not
    # dropped first, the triangle would not be zero.
    assert (full[:, :, ~kept][..., kept] > 0).all()
    expected = full[:, :, kept][:, :, :, kept]
    ids = enc["input_ids"][1]
    for tokens, kwargs in [
        (enc, {}),  # the BatchEncoding's own mask
        (ids, {"tokenizer": left_bpe, "attention_mask": enc["attention_mask"]}),
        (enc["input_ids"], {"tokenizer": left_bpe, "attention_mask": enc["attention_mask"][1]}),
        (["a", "Ġdog", "Ġran"], {"attention_mask": enc["attention_mask"]}),  # kept ones only
    ]:
        h = from_attentions(out.attentions, tokens, batch=1, **kwargs)
        assert_causal_grid(h.values, expected)
        assert h.row_labels == h.column_labels == ["a", " dog", " ran"]


def test_one_sequences_encoding_labels_any_example_of_the_batch(gpt2, left_bpe):
    enc = left_bpe(["a dog ran", "the cat sat"], return_tensors="pt", padding=True)
    out = gpt2(**enc, output_attentions=True)
    single = left_bpe("the cat sat")  # lists, not a batch
    assert single["input_ids"] == enc["input_ids"][1].tolist()
    h = from_attentions(out.attentions, single, batch=1)
    assert_causal_grid(h.values, weights(out.attentions)[:, 1])
    assert h.row_labels == ["the", " cat", " sat"]


def test_without_the_mask_nothing_is_dropped_and_no_triangle_hidden(gpt2_run, left_bpe):
    enc, out = gpt2_run
    pieces = left_bpe.convert_ids_to_tokens(enc["input_ids"][1].tolist())
    h = from_attentions(out.attentions, pieces, batch=1)
    np.testing.assert_array_equal(h.values, weights(out.attentions)[:, 1])
    assert h.row_labels == ["<|endoftext|>"] * 3 + ["a", " dog", " ran"]


def test_layers_and_heads_keep_their_own_numbers(gpt2_run):
    enc, out = gpt2_run
    full = weights(out.attentions)[:, 0]
    h = from_attentions(out.attentions, enc, layers=[1], heads=[3, 1])
    assert h.panel_labels == (["L1"], ["H3", "H1"])
    assert_causal_grid(h.values, full[[1]][:, [3, 1]])
    h = from_attentions(out.attentions, enc, layers=-1, heads=slice(2, None))
    assert h.panel_labels == (["L1"], ["H2", "H3"])
    assert_causal_grid(h.values, full[[1]][:, [2, 3]])
    h = from_attentions(out.attentions, enc, layers=[1, 0], heads=0)
    assert h.panel_labels == (["L1", "L0"], ["H0"])
    assert_causal_grid(h.values, full[[1, 0]][:, [0]])


def test_defaults_suit_attention_weights_and_every_one_can_be_overridden(gpt2_run):
    enc, out = gpt2_run
    h = from_attentions(out.attentions, enc)
    assert (h.cmap, h.center, h.vmin, h.vmax) == ("Blues", None, 0.0, 1.0)
    assert h.colorbar_title == "Attention weight"
    labels = [f"t{i}" for i in range(6)]
    h = from_attentions(
        out.attentions,
        enc,
        cmap="Reds",
        vmax=0.5,
        colorbar_title="p",
        title="GPT-2",
        row_labels=labels,
        panel_labels=(["first", "second"], list("abcd")),
    )
    assert (h.cmap, h.vmin, h.vmax, h.colorbar_title, h.title) == ("Reds", 0.0, 0.5, "p", "GPT-2")
    assert h.row_labels == labels and h.column_labels[1] == " cat"
    assert h.panel_labels == (["first", "second"], list("abcd"))


# ---------------------------------------------------------------------- bidirectional
def test_bert_keeps_every_cell(bert, words):
    enc, out = bert
    full = weights(out.attentions)
    h = from_attentions(out.attentions, enc)
    np.testing.assert_array_equal(h.values, full[:, 0])
    assert not np.isnan(h.values).any()
    assert (full[:, 0][..., upper(full.shape[-1])] > 0).any()  # it looks ahead
    # the short prompt, padded on the right: its padding rows and columns go
    kept = enc["attention_mask"][1].bool().numpy()
    assert not kept.all()
    h = from_attentions(out.attentions, enc, batch=1, heads=[2])
    np.testing.assert_array_equal(h.values, full[:, 1][:, [2]][:, :, kept][..., kept])
    assert not np.isnan(h.values).any()
    assert h.row_labels == ["<s>", "a", "dog", "ran"]
    assert h.row_labels == [words.decode([i]) for i in enc["input_ids"][1][kept].tolist()]


# -------------------------------------------------------------------- encoder-decoder
def test_t5_encoder_decoder_and_cross_attentions(t5_run, words):
    enc, dec, out = t5_run
    source = enc["attention_mask"][1].bool().numpy()
    target = dec["attention_mask"][0].bool().numpy()
    assert not source.all() and not target.all()

    encoder = from_attentions(out.encoder_attentions, enc, batch=1)
    full = weights(out.encoder_attentions)[:, 1]
    np.testing.assert_array_equal(encoder.values, full[:, :, source][..., source])
    assert encoder.row_labels == ["<s>", "a", "dog", "ran"]

    decoder = from_attentions(out.decoder_attentions, dec)
    full = weights(out.decoder_attentions)[:, 0]
    assert_causal_grid(decoder.values, full[:, :, target][..., target])
    assert decoder.row_labels == ["<s>", "the", "cat"]

    cross = from_attentions(out.cross_attentions, (dec, enc))
    full = weights(out.cross_attentions)[:, 0]
    assert full.shape[-2:] == (6, 7)
    np.testing.assert_array_equal(cross.values, full[:, :, target])  # source 0 is not padded
    assert cross.row_labels == ["<s>", "the", "cat"]
    assert cross.column_labels == ["<s>", "the", "cat", "sat", "on", "the", "mat"]
    cross = from_attentions(
        out.cross_attentions,
        (dec["input_ids"], enc["input_ids"]),
        batch=1,
        tokenizer=words,
        attention_mask=(None, enc["attention_mask"]),
    )
    full = weights(out.cross_attentions)[:, 1]
    np.testing.assert_array_equal(cross.values, full[:, :, :, source])
    assert cross.column_labels == ["<s>", "a", "dog", "ran"]
    assert cross.row_labels == ["<s>", "a", "big", "red", "dog", "ran"]

    with pytest.raises(ValueError, match=r"6 queries x 7 keys \(cross attention\)"):
        from_attentions(out.cross_attentions, dec)


# ----------------------------------------------------------------------------- errors
def test_the_default_sdpa_attention_returns_no_weights_and_the_error_says_eager(left_bpe):
    requires("torch")
    transformers = requires("transformers")
    end = left_bpe.eos_token_id
    config = transformers.GPT2Config(
        vocab_size=len(left_bpe), n_embd=32, n_layer=2, n_head=4, bos_token_id=end, eos_token_id=end
    )
    model = transformers.AutoModelForCausalLM.from_config(config).eval()  # the default attention
    assert model.config._attn_implementation == "sdpa"
    enc = left_bpe(PROMPTS[0], return_tensors="pt")
    out = model(**enc, output_attentions=True)
    assert out.attentions == ()  # if this changes, so may the advice below
    with pytest.raises(ValueError, match=r'empty.*attn_implementation="eager"') as info:
        from_attentions(out.attentions, enc)
    assert "output_attentions=True" in str(info.value)


def test_none_says_to_ask_for_the_attentions(gpt2, left_bpe):
    enc = left_bpe(PROMPTS[0], return_tensors="pt")
    out = gpt2(**enc)
    assert out.attentions is None
    with pytest.raises(ValueError, match=r"got None.*output_attentions=True"):
        from_attentions(out.attentions, enc)


def test_wrong_types_say_what_is_expected(gpt2_run):
    enc, out = gpt2_run
    with pytest.raises(
        TypeError, match=r"tuple of attention tensors.*got .*Output.*out\.attentions"
    ):
        from_attentions(out, enc)
    with pytest.raises(
        TypeError, match=r"got torch\.Tensor; for one layer's tensor pass \(tensor,\)"
    ):
        from_attentions(out.attentions[0], enc)
    with pytest.raises(TypeError, match=r"tuple of attention tensors.*got str"):
        from_attentions("attentions", enc)
    with pytest.raises(TypeError, match="generate"):  # generate()'s one tuple per step
        from_attentions((out.attentions, out.attentions), enc)
    with pytest.raises(TypeError, match="not a str"):
        from_attentions(out.attentions, PROMPTS[0])
    with pytest.raises(TypeError, match="strings or ids"):
        from_attentions(out.attentions, np.zeros(6))


def test_bad_values_say_what_is_wrong(gpt2_run, left_bpe):
    enc, out = gpt2_run
    with pytest.raises(ValueError, match="5 query tokens for the attention's 6 query positions"):
        from_attentions(out.attentions, ["a"] * 5)
    with pytest.raises(ValueError, match=r"2 query tokens .* \(3 of them kept by the attention"):
        from_attentions(out.attentions, ["a", "b"], batch=1, attention_mask=enc["attention_mask"])
    with pytest.raises(ValueError, match="pass tokenizer="):
        from_attentions(out.attentions, enc["input_ids"])
    with pytest.raises(ValueError, match=r"attention_mask must be \(batch, 6\) or \(6,\)"):
        from_attentions(out.attentions, enc, attention_mask=[1, 1, 1])
    with pytest.raises(ValueError, match="must be 4-D"):
        from_attentions((out.attentions[0][0],), enc)
    with pytest.raises(ValueError, match="one shape"):
        from_attentions((out.attentions[0], out.attentions[1][:, :2]), enc)


def test_out_of_range_is_an_index_error(gpt2_run):
    enc, out = gpt2_run
    with pytest.raises(
        IndexError, match=r"batch=2 is out of range: .* 2 examples \(batch 0 to 1\)"
    ):
        from_attentions(out.attentions, enc, batch=2)
    with pytest.raises(IndexError, match="batch=-3"):
        from_attentions(out.attentions, enc, batch=-3)
    with pytest.raises(IndexError, match="heads: 4 is out of range for 4 heads"):
        from_attentions(out.attentions, enc, heads=[0, 4])
    with pytest.raises(IndexError, match="layers: 2 is out of range for 2 layers"):
        from_attentions(out.attentions, enc, layers=2)
    h = from_attentions(out.attentions, enc, batch=-1)  # the last example, as in Python
    assert h.row_labels == ["a", " dog", " ran"]


# ------------------------------------------------------------------------ no imports
def test_numpy_attentions_need_neither_torch_nor_transformers(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # importing either would now fail
    monkeypatch.setitem(sys.modules, "transformers", None)
    causal = np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None]
    h = from_attentions([causal[None, None]], ["a", "b", "c"])
    assert h.values.shape == (1, 1, 3, 3) and np.isnan(h.values[0, 0, 0, 1])


def test_a_pair_of_tokens_is_cross_attention_with_no_triangle_hidden():
    lower = np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None]  # zero above, yet not causal
    h = from_attentions((lower[None, None],), (["x", "y", "z"], ["a", "b", "c"]))
    np.testing.assert_array_equal(h.values, lower[None, None])
    assert (h.row_labels, h.column_labels) == (["x", "y", "z"], ["a", "b", "c"])
    h = from_attentions((lower[None, None],), ["a", "b", "c"])  # self-attention: causal
    assert np.isnan(h.values[0, 0, 0, 1])


def test_importing_the_adapters_imports_no_library():
    code = (
        "import sys, numpy as np\n"
        "from tokenheat.adapters import from_attentions\n"
        "from_attentions((np.ones((1, 1, 2, 2)) / 2,), ['a', 'b'])\n"
        "print(sorted({'torch', 'transformers', 'transformer_lens'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
