"""TransformerLens' attention patterns (an ``ActivationCache``) as a layer x head grid.

The patterns are read by their hook names, ``blocks.{layer}.attn.hook_pattern``, which
both ``HookedTransformer`` and ``TransformerBridge`` caches use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._attention import Axis, attention_grid, check_batch, match_tokens, one_sequence, padding_mask
from ._common import as_array, from_library, pick, readable, require, token_texts, wrong_type

if TYPE_CHECKING:
    from ..widget import Heatmap

_CALLER = "from_transformer_lens"
_EXPECTED = "a TransformerLens ActivationCache (the cache of model.run_with_cache(...))"
_PATTERN = re.compile(r"blocks\.(\d+)\.attn\.hook_pattern")
_PADDED_HINT = (
    "; for one prompt of a padded batch pass its ids (model.to_tokens(prompts)), whose "
    "padding is found, or attention_mask="
)


def from_transformer_lens(
    cache: Any,
    tokens: Any,
    layers: int | Sequence[int] | slice | None = None,
    heads: int | Sequence[int] | slice | None = None,
    batch: int = 0,
    *,
    attention_mask: Any = None,
    **heatmap_kwargs: Any,
) -> Heatmap:
    """A layer x head grid of the attention patterns in a TransformerLens cache.

    Each panel is one head of one layer, ``cache["pattern", layer]``: rows are the query
    positions, columns the key positions (row i shows where token i looks), panels
    labelled ``L0``, … / ``H0``, … with the model's own layer and head numbers. Padding is
    dropped from rows and columns. The upper triangle (a query's future keys) is shown as
    NaN, "no value", when it is exactly zero in every selected head of every selected
    layer, as in a causal model; a bidirectional one keeps every cell.

    Parameters
    ----------
    cache : transformer_lens.ActivationCache
        From ``model.run_with_cache(...)`` (``HookedTransformer`` or
        ``TransformerBridge``), with or without ``remove_batch_dim=True``.
    tokens
        The tokens of the sequence: the prompt as a str (split with the cache's model,
        ``model.to_str_tokens``), a list of token strings (e.g. ``model.to_str_tokens``'),
        or ids (a tensor, array or list, turned into text by the model's tokenizer).
        ``(batch, seq)`` input is read at ``batch``. TransformerLens pads a batch of
        prompts with the pad id: with ids, the padding is found from them (the
        tokenizer's pad id on its padding side, as TransformerLens masks it).
    layers, heads : int, list of int or slice, optional
        The layers and heads to show (negative numbers count from the end). Default all
        the layers the cache holds patterns of.
    batch : int
        The example of the batch to show.
    attention_mask : tensor or array, optional
        ``(batch, seq)`` or ``(seq,)``, 0 for padding: those positions are dropped.
    **heatmap_kwargs
        Any :class:`tokenheat.Heatmap` setting; each overrides the default chosen here
        (``cmap="Blues"``, ``center=None``, ``vmin=0``, ``vmax=1``,
        ``colorbar_title="Attention weight"``, the labels).

    Returns
    -------
    Heatmap
        ``values`` of shape ``(layers, heads, query, key)``.

    Raises
    ------
    TypeError
        ``cache`` is not an ActivationCache.
    ImportError
        TransformerLens is not installed (``pip install "tokenheat[transformer-lens]"``).
    ValueError
        The cache holds no patterns of a layer asked for, or the tokens do not match
        the positions.
    IndexError
        ``batch``, a layer or a head is out of range.

    Examples
    --------
    >>> logits, cache = model.run_with_cache("The cat sat on the mat")  # doctest: +SKIP
    >>> from_transformer_lens(cache, "The cat sat on the mat", layers=[0, 5])  # doctest: +SKIP
    """
    if not _is_cache(cache):
        hint = "; run_with_cache returns one unless return_cache_object=False"
        raise wrong_type(_CALLER, _EXPECTED, cache, hint if isinstance(cache, dict) else "")
    require("transformer_lens", _CALLER, "transformer-lens")
    model = getattr(cache, "model", None)
    keys = _pattern_keys(cache)
    layer_ids = _layers(keys, layers, model)
    batched = bool(getattr(cache, "has_batch_dim", True))
    shape = tuple(np.shape(cache[keys[layer_ids[0]]]))
    if len(shape) != 3 + int(batched):
        dims = "(batch, heads, query, key)" if batched else "(heads, query, key)"
        raise ValueError(f"the cache's attention patterns must be {dims}, got shape {shape}")
    if batched:
        index = check_batch(batch, shape[0], "the cache's patterns")
    else:
        index = check_batch(batch, 1, "the patterns of a cache without a batch dimension")
    n_heads, n_query, n_key = shape[-3:]
    head_ids = pick(n_heads, heads, "heads")
    if n_query != n_key:
        raise ValueError(
            f"the patterns are {n_query} queries x {n_key} keys: from_transformer_lens "
            "shows self-attention, one position per token"
        )
    axis = _axis(tokens, attention_mask, model, index, n_query)
    panels = []
    for layer in layer_ids:
        pattern = cache[keys[layer]]
        if tuple(np.shape(pattern)) != shape:
            raise ValueError(
                f"the patterns of layers {layer_ids[0]} and {layer} differ in shape: "
                f"{shape} and {tuple(np.shape(pattern))}"
            )
        panels.append(as_array(pattern[index] if batched else pattern, keys[layer])[head_ids])
    return attention_grid(np.stack(panels), layer_ids, head_ids, axis, axis, True, heatmap_kwargs)


def _is_cache(obj: object) -> bool:
    """An ``ActivationCache`` of TransformerLens, checked without importing it."""
    return from_library(obj, "transformer_lens") and any(
        cls.__name__ == "ActivationCache" for cls in type(obj).__mro__
    )


def _pattern_keys(cache: Any) -> dict[int, str]:
    """The cache's attention-pattern hooks by layer."""
    keys = {}
    for name in cache:  # its keys, the hook names
        match = _PATTERN.fullmatch(str(name))
        if match:
            keys[int(match.group(1))] = str(name)
    if not keys:
        raise ValueError(
            "the cache holds no attention patterns (blocks.{layer}.attn.hook_pattern): run "
            "run_with_cache without a names_filter, or with one that keeps them"
        )
    return keys


def _layers(keys: dict[int, str], layers: Any, model: Any) -> list[int]:
    if layers is None:
        return sorted(keys)
    n_layers = getattr(getattr(model, "cfg", None), "n_layers", None) or max(keys) + 1
    chosen = pick(n_layers, layers, "layers")
    missing = [layer for layer in chosen if layer not in keys]
    if missing:
        raise ValueError(
            f"the cache holds no attention pattern of layer {missing[0]} (it has layers "
            f"{', '.join(map(str, sorted(keys)))}): run run_with_cache with a names_filter "
            "that keeps it"
        )
    return chosen


def _axis(tokens: Any, mask: Any, model: Any, batch: int, positions: int) -> Axis:
    """The text of the tokens, and the positions kept (the mask's, or inferred from ids)."""
    keep = None if mask is None else padding_mask(mask, batch, positions, "attention_mask")
    to_text = getattr(model, "to_str_tokens", None)
    tokenizer = getattr(model, "tokenizer", None)
    if isinstance(tokens, str):
        if to_text is None:
            raise ValueError(
                "tokens is a str, but the cache has no model that splits text into tokens "
                "(cache.model is None, or has no to_str_tokens): pass the token strings or ids"
            )
        labels = list(to_text(tokens))
    else:
        pieces, ids = one_sequence(tokens, batch)
        if pieces is not None:
            labels = [readable(p) for p in pieces]
        elif tokenizer is None:
            raise ValueError(
                "tokens are ids, but the cache has no model with a tokenizer to turn them "
                "into text: pass the token strings (model.to_str_tokens(ids))"
            )
        else:
            if to_text is not None:  # the library's own text of each token
                labels = list(to_text(np.asarray(ids, dtype=np.int64)))
            else:  # e.g. HookedEncoder
                labels = token_texts([str(i) for i in ids], ids, tokenizer, "tokens")
            if keep is None and len(ids) == positions:
                keep = _padding(np.asarray(ids), model)
    return match_tokens(labels, keep, positions, "query", _PADDED_HINT)


def _padding(ids: np.ndarray, model: Any) -> np.ndarray | None:
    """The positions that are not padding, as TransformerLens masks them
    (``utils.get_attention_mask``): the run of pad ids on the tokenizer's padding side,
    except a BOS that shares the pad id. None when there is none."""
    tokenizer = model.tokenizer
    pad = getattr(tokenizer, "pad_token_id", None)
    if pad is None:
        return None
    is_pad = ids == pad
    n = len(ids)
    if getattr(tokenizer, "padding_side", "right") == "left":
        lead = n if is_pad.all() else int(np.argmin(is_pad))
        keep = np.arange(n) >= lead
        prepend_bos = getattr(getattr(model, "cfg", None), "default_prepend_bos", True)
        if lead and prepend_bos and getattr(tokenizer, "bos_token_id", None) == pad:
            keep[lead - 1] = True
    else:
        trail = n if is_pad.all() else int(np.argmin(is_pad[::-1]))
        keep = np.arange(n) < n - trail
    return None if keep.all() or not keep.any() else keep
