"""from_transformer_lens on the real caches of tiny TransformerLens models (a
HookedTransformer, a TransformerBridge around a Hugging Face GPT-2, a bidirectional
HookedEncoder): the grid's cells are the cache's own patterns, rows the queries, the
labels the model's tokens, padding dropped. Also notebooks/attention.ipynb, run end to
end, as it needs both transformers and TransformerLens.

TransformerLens cannot share an environment with inseq (typeguard), so these run in
their own: ``pytest -m transformer_lens tests/adapters``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tokenheat.adapters import from_transformer_lens

from .conftest import (
    assert_causal_grid,
    bpe_tokenizer,
    requires,
    saved_tokenizer,
    tiny_gpt2,
    word_tokenizer,
)

pytestmark = pytest.mark.transformer_lens

PROMPTS = ["the cat sat on the mat", "a dog ran"]
HEADS = ["H0", "H1", "H2", "H3"]
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "attention.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def config(tl, vocab: int, **extra):
    return tl.HookedTransformerConfig(
        n_layers=2, d_model=32, n_ctx=32, d_head=8, n_heads=4, d_mlp=64, d_vocab=vocab,
        act_fn="gelu", normalization_type="LN", seed=0, device="cpu", **extra,
    )  # fmt: skip


def patterns(cache, batch: int | None = 0) -> np.ndarray:
    """The cache's patterns, (layers, heads, query, key), read as TransformerLens does."""
    layers = [cache["pattern", layer] for layer in range(cache.model.cfg.n_layers)]
    return np.stack([(p if batch is None else p[batch]).detach().numpy() for p in layers])


@pytest.fixture(scope="module")
def tl():
    return requires("transformer_lens")


@pytest.fixture(scope="module")
def model(tl):
    tok = saved_tokenizer(word_tokenizer(bos=False))  # TransformerLens prepends the BOS
    return tl.HookedTransformer(config(tl, len(tok)), tokenizer=tok)


@pytest.fixture(scope="module")
def cache(model):
    _, cache = model.run_with_cache(PROMPTS)  # the second prompt padded on the right
    return cache


def test_grid_is_the_caches_patterns_cell_by_cell(model, cache):
    h = from_transformer_lens(cache, PROMPTS[0])
    assert type(cache).__name__ == "ActivationCache" and cache.has_batch_dim
    expected = patterns(cache)
    assert expected.shape == (2, 4, 7, 7)
    assert_causal_grid(h.values, expected)
    assert h.panel_labels == (["L0", "L1"], HEADS)
    assert h.row_labels == h.column_labels == model.to_str_tokens(PROMPTS[0])
    assert h.row_labels[:3] == ["<s>", "the", "cat"]


def test_rows_are_the_queries(cache):
    h = from_transformer_lens(cache, PROMPTS[0])
    first = cache["pattern", 1][0, 2].numpy()
    assert h.values[1, 2, 0, 0] == first[0, 0] == 1.0  # the first token sees only itself
    assert np.isnan(h.values[1, 2, 0, 1:]).all()
    assert h.values[1, 2, 4, 2] == first[4, 2] > 0  # query 4 looks back at key 2


def test_the_padding_of_a_batch_is_found_from_the_ids(model, cache):
    utils = requires("transformer_lens.utils")
    ids = model.to_tokens(PROMPTS)
    assert ids[1].tolist()[4:] == [model.tokenizer.pad_token_id] * 3  # right padding
    expected = patterns(cache, batch=1)[:, :, :4, :4]
    mask = utils.get_attention_mask(model.tokenizer, ids, model.cfg.default_prepend_bos)
    for tokens, kwargs in [
        (ids, {}),  # (batch, seq): read at batch
        (ids[1], {}),
        (ids[1].tolist(), {}),
        (model.to_str_tokens(PROMPTS), {"attention_mask": mask}),  # unpadded, one per kept
        (["x"] * 7, {"attention_mask": mask[1]}),  # one per position: the padding's go
    ]:
        h = from_transformer_lens(cache, tokens, batch=1, **kwargs)
        assert_causal_grid(h.values, expected)
        if tokens[0] != "x":
            assert h.row_labels == h.column_labels == model.to_str_tokens(PROMPTS[1])
    with pytest.raises(ValueError, match="4 query tokens for the attention's 7 query positions"):
        from_transformer_lens(cache, PROMPTS[1], batch=1)


def test_remove_batch_dim(model):
    _, single = model.run_with_cache(PROMPTS[1], remove_batch_dim=True)
    assert not single.has_batch_dim and single["pattern", 0].shape == (4, 4, 4)
    h = from_transformer_lens(single, PROMPTS[1], heads=[2, 0])
    assert_causal_grid(h.values, patterns(single, batch=None)[:, [2, 0]])
    assert h.row_labels == model.to_str_tokens(PROMPTS[1])
    assert h.panel_labels == (["L0", "L1"], ["H2", "H0"])
    with pytest.raises(IndexError, match=r"batch=1 is out of range: .* one example"):
        from_transformer_lens(single, PROMPTS[1], batch=1)


def test_layers_and_heads_keep_their_own_numbers(model, cache):
    full = patterns(cache)
    h = from_transformer_lens(cache, PROMPTS[0], layers=[1], heads=[3, 1])
    assert h.panel_labels == (["L1"], ["H3", "H1"])
    assert_causal_grid(h.values, full[[1]][:, [3, 1]])
    h = from_transformer_lens(cache, PROMPTS[0], layers=-2, heads=slice(1, 3))
    assert h.panel_labels == (["L0"], ["H1", "H2"])
    assert_causal_grid(h.values, full[[0]][:, [1, 2]])
    # a cache that kept one layer's pattern shows that layer, by its number
    _, one = model.run_with_cache(PROMPTS[0], names_filter="blocks.1.attn.hook_pattern")
    h = from_transformer_lens(one, PROMPTS[0])
    assert h.panel_labels == (["L1"], HEADS)
    assert_causal_grid(h.values, one["blocks.1.attn.hook_pattern"][:1].numpy())
    with pytest.raises(ValueError, match=r"no attention pattern of layer 0 .*it has layers 1"):
        from_transformer_lens(one, PROMPTS[0], layers=0)
    _, none = model.run_with_cache(PROMPTS[0], names_filter=lambda name: "resid" in name)
    with pytest.raises(ValueError, match="holds no attention patterns"):
        from_transformer_lens(none, PROMPTS[0])
    with pytest.raises(IndexError, match="heads: 4 is out of range for 4 heads"):
        from_transformer_lens(cache, PROMPTS[0], heads=4)


def test_defaults_suit_attention_weights_and_can_be_overridden(cache):
    h = from_transformer_lens(cache, PROMPTS[0])
    assert (h.cmap, h.center, h.vmin, h.vmax) == ("Blues", None, 0.0, 1.0)
    assert h.colorbar_title == "Attention weight"
    h = from_transformer_lens(cache, PROMPTS[0], cmap="magma", vmax=0.5, title="TL")
    assert (h.cmap, h.vmax, h.title) == ("magma", 0.5, "TL")


def test_transformer_bridge_cache(tl):
    """TransformerLens' newer TransformerBridge around a Hugging Face GPT-2, whose BOS
    shares the pad id: the padding is the trailing run of it (the leading one, but the
    BOS, when padded on the left)."""
    bridge_module = requires("transformer_lens.model_bridge")
    tok = saved_tokenizer(bpe_tokenizer())
    bridge = bridge_module.TransformerBridge.boot_transformers(
        "gpt2", hf_model=tiny_gpt2(len(tok)), tokenizer=tok
    )
    _, cache = bridge.run_with_cache(PROMPTS)
    assert type(cache).__name__ == "ActivationCache"
    full = np.stack([cache[f"blocks.{i}.attn.hook_pattern"].detach().numpy() for i in (0, 1)])
    h = from_transformer_lens(cache, PROMPTS[0])
    assert_causal_grid(h.values, full[:, 0])
    assert h.row_labels == bridge.to_str_tokens(PROMPTS[0])
    assert h.row_labels[:3] == ["<|endoftext|>", "the", " cat"]
    ids = bridge.to_tokens(PROMPTS)
    assert ids[1, 0] == ids[1, -1] == tok.pad_token_id == tok.bos_token_id
    h = from_transformer_lens(cache, ids, batch=1)
    assert_causal_grid(h.values, full[:, 1][:, :, :4, :4])
    texts = bridge.to_str_tokens(PROMPTS[1])
    assert h.row_labels == texts == ["<|endoftext|>", "a", " dog", " ran"]
    # padded on the left, the BOS is the last of the leading pad ids, and is kept
    bridge.tokenizer.padding_side = "left"
    _, cache = bridge.run_with_cache(PROMPTS)
    ids = bridge.to_tokens(PROMPTS)
    assert ids[1, :4].tolist() == [tok.pad_token_id] * 4
    h = from_transformer_lens(cache, ids, batch=1)
    last = cache["blocks.1.attn.hook_pattern"][1].detach().numpy()
    assert_causal_grid(h.values[1], last[:, 3:, 3:])
    assert h.row_labels == texts


def test_a_bidirectional_encoder_keeps_every_cell(tl):
    tok = saved_tokenizer(word_tokenizer())
    encoder = tl.HookedEncoder(config(tl, len(tok), attention_dir="bidirectional"), tokenizer=tok)
    torch = requires("torch")
    torch.manual_seed(0)
    with torch.no_grad():  # HookedEncoder leaves its weights uninitialised
        for weight in encoder.parameters():
            weight.normal_(0, 0.2)
    enc = tok(PROMPTS, return_tensors="pt", padding=True)
    _, cache = encoder.run_with_cache(
        enc["input_ids"], one_zero_attention_mask=enc["attention_mask"]
    )
    full = patterns(cache, batch=1)
    kept = enc["attention_mask"][1].bool().numpy()
    for kwargs in [{"attention_mask": enc["attention_mask"]}, {}]:  # the mask, or the pad ids
        h = from_transformer_lens(cache, enc["input_ids"], batch=1, **kwargs)
        np.testing.assert_array_equal(h.values, full[:, :, kept][..., kept])
        assert not np.isnan(h.values).any()
        assert h.row_labels == ["<s>", "a", "dog", "ran"]
    assert (full[..., np.triu(np.ones((7, 7), dtype=bool), 1)] > 0).any()


def test_a_cache_without_its_model_needs_token_strings(model):
    _, cache = model.run_with_cache(PROMPTS[1])
    cache.model = None  # as TransformerLens suggests, to free the model
    h = from_transformer_lens(cache, ["<s>", "a", "dog", "ran"])
    assert h.row_labels == ["<s>", "a", "dog", "ran"]
    with pytest.raises(ValueError, match="no model that splits text"):
        from_transformer_lens(cache, PROMPTS[1])
    with pytest.raises(ValueError, match="no model with a tokenizer"):
        from_transformer_lens(cache, model.to_tokens(PROMPTS[1]))


# ----------------------------------------------------------------------------- errors
def test_wrong_type_says_what_is_expected_without_importing_transformer_lens(monkeypatch, model):
    _, as_dict = model.run_with_cache(PROMPTS[0], return_cache_object=False)
    monkeypatch.setitem(sys.modules, "transformer_lens", None)  # an import would now fail
    with pytest.raises(TypeError, match=r"ActivationCache.*got dict; .*return_cache_object"):
        from_transformer_lens(as_dict, PROMPTS[0])
    with pytest.raises(
        TypeError, match=r"expects a TransformerLens ActivationCache .*got .*Hooked"
    ):
        from_transformer_lens(model, PROMPTS[0])


def test_missing_library_names_the_extra(monkeypatch, cache):
    monkeypatch.setitem(sys.modules, "transformer_lens", None)
    with pytest.raises(ImportError, match=r'pip install "tokenheat\[transformer-lens\]"'):
        from_transformer_lens(cache, PROMPTS[0])


def test_bad_tokens_and_batch(cache):
    with pytest.raises(ValueError, match="6 query tokens for the attention's 7"):
        from_transformer_lens(cache, ["a"] * 6)
    with pytest.raises(IndexError, match=r"batch=2 is out of range: .*\(batch 0 to 1\)"):
        from_transformer_lens(cache, PROMPTS[0], batch=2)
    with pytest.raises(TypeError, match="batch must be an int"):
        from_transformer_lens(cache, PROMPTS[0], batch="0")
    with pytest.raises(ValueError, match=r"attention_mask must be \(batch, 7\) or \(7,\)"):
        from_transformer_lens(cache, PROMPTS[0], attention_mask=[[1, 1]])


# --------------------------------------------------------------------------- notebook
def test_attention_notebook_runs_and_shows_its_heatmaps(tl, tmp_path, monkeypatch):
    nbformat = requires("nbformat")
    nbclient = requires("nbclient")
    kernelspec = requires("ipykernel.kernelspec")
    requires("transformers")
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # a kernel of this very interpreter, not whatever "python3" means on the machine
    kernelspec.write_kernel_spec(tmp_path / "kernels" / "tokenheat-tl-test")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    spec = KernelSpecManager().get_kernel_spec("tokenheat-tl-test")
    assert spec.argv[0] == sys.executable

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert not any(cell.outputs or cell.execution_count for cell in code)  # stored clean
    source = "\n".join(cell.source for cell in code)
    assert 'attn_implementation="eager"' in source
    nbclient.NotebookClient(
        nb,
        kernel_name="tokenheat-tl-test",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    shown = [
        cell.source for cell in code if any(WIDGET_VIEW in o.get("data", {}) for o in cell.outputs)
    ]
    calls = [
        cell.source
        for cell in code
        if cell.source.startswith(
            ("tokenheat.from_attentions(", "tokenheat.from_transformer_lens(")
        )
    ]
    assert len(calls) == 4 and shown == calls
