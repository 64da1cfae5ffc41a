"""Tiny real models, built from configs with random weights and tokenizers made in code:
nothing is downloaded. The adapters' tests run the libraries' real attribution calls on
them and compare tokenheat's heatmaps with the libraries' own numbers.

A library that is missing skips its tests on a developer's machine; in CI (``CI`` set)
it fails them, so that a broken install can never pass as "skipped".
"""

from __future__ import annotations

import gc
import importlib
import os
import tempfile
import warnings
from types import ModuleType

import pytest

for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_MODE", "disabled")

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "park", "and", "big"]
WORDS += ["red", "is", "."]


def requires(module: str) -> ModuleType:
    """Import ``module`` for a test: skipped when missing, except in CI (failed)."""
    try:
        with warnings.catch_warnings():
            # inseq's import leaves a file open in a reference cycle: collect it here,
            # where its ResourceWarning is the library's, not in some later test
            warnings.simplefilter("ignore", ResourceWarning)
            imported = importlib.import_module(module)
            gc.collect()
        return imported
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{module} must be installed for the adapters' tests in CI: {exc}")
        pytest.skip(f"{module} is not installed ({exc}); `make test` installs it")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The libraries' own warnings (deprecations inside torch, transformers, inseq and
    # TransformerLens) are not tokenheat's; tokenheat's own code must still not warn.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            for category in ("DeprecationWarning", "FutureWarning", "UserWarning"):
                item.add_marker(pytest.mark.filterwarnings(f"ignore::{category}"))


def word_tokenizer(bos: bool = True):
    """Whole words as pieces; ids <pad> 0, <unk> 1, <s> 2, </s> 3, then WORDS."""
    tokenizers = requires("tokenizers")
    transformers = requires("transformers")
    vocab = {t: i for i, t in enumerate(["<pad>", "<unk>", "<s>", "</s>", *WORDS])}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    tok.decoder = tokenizers.decoders.WordPiece(prefix="##")  # joins words with spaces
    if bos:
        tok.post_processor = tokenizers.processors.TemplateProcessing(
            single="<s> $A", special_tokens=[("<s>", 2)]
        )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )


def bpe_tokenizer():
    """Byte-level BPE trained in code, as GPT-2's: pieces like ``the``, ``Ġcat``."""
    tokenizers = requires("tokenizers")
    transformers = requires("transformers")
    tok = tokenizers.Tokenizer(tokenizers.models.BPE())
    tok.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = tokenizers.decoders.ByteLevel()
    trainer = tokenizers.trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<|endoftext|>"],
        show_progress=False,
        initial_alphabet=tokenizers.pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = [" ".join(WORDS)] * 20 + ["the cat sat on the mat", "a big red dog ran to the park"]
    tok.train_from_iterator(corpus, trainer)
    end = "<|endoftext|>"
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=end, eos_token=end, pad_token=end, unk_token=end
    )


def tiny_gpt2(vocab_size: int):
    """A 2-layer, 4-head GPT-2 with random weights and eager attention."""
    torch = requires("torch")
    transformers = requires("transformers")
    torch.manual_seed(0)
    config = transformers.GPT2Config(
        vocab_size=vocab_size,
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=4,
        bos_token_id=2,
        eos_token_id=3,
        pad_token_id=0,
    )
    model = transformers.AutoModelForCausalLM.from_config(config, attn_implementation="eager")
    return model.eval()


def tiny_t5(vocab_size: int):
    """A 2 + 2-layer encoder-decoder (T5) with random weights and eager attention."""
    torch = requires("torch")
    transformers = requires("transformers")
    torch.manual_seed(0)
    config = transformers.T5Config(
        vocab_size=vocab_size,
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        pad_token_id=0,
        eos_token_id=3,
        decoder_start_token_id=0,
    )
    model = transformers.AutoModelForSeq2SeqLM.from_config(config, attn_implementation="eager")
    return model.eval()


def saved_tokenizer(tokenizer):
    """``tokenizer`` saved to a temporary folder and loaded back with AutoTokenizer:
    TransformerLens reloads its tokenizer by name, which must then be that folder."""
    transformers = requires("transformers")
    folder = tempfile.mkdtemp(prefix="tokenheat-tokenizer-")
    tokenizer.save_pretrained(folder)
    return transformers.AutoTokenizer.from_pretrained(folder)


@pytest.fixture(scope="session")
def bpe():
    return bpe_tokenizer()


@pytest.fixture(scope="session")
def gpt2(bpe):
    return tiny_gpt2(len(bpe))


def assert_causal_grid(values, expected) -> None:
    """An attention grid ``(layers, heads, query, key)`` holds the library's numbers on and
    below the diagonal, and NaN above it, where the library has exact zeros."""
    import numpy as np

    above = np.triu(np.ones(expected.shape[-2:], dtype=bool), 1)
    assert values.shape == expected.shape
    assert (expected[..., above] == 0).all()
    assert np.isnan(values[..., above]).all()
    assert not np.isnan(values[..., ~above]).any()
    np.testing.assert_array_equal(values[..., ~above], expected[..., ~above])
