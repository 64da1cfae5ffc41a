"""Hugging Face transformers' attention weights (``output_attentions=True``) as a
layer x head grid. Nothing of transformers or torch is imported: tensors are read by
duck typing, a ``BatchEncoding`` as the mapping it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._attention import (
    Axis,
    attention_grid,
    check_batch,
    is_batch,
    is_sequence,
    match_tokens,
    one_sequence,
    padding_mask,
)
from ._common import as_array, pick, token_texts, wrong_type

if TYPE_CHECKING:
    from ..widget import Heatmap

_EXPECTED = (
    "a tuple of attention tensors, one per layer, each (batch, heads, query, key) "
    "(a model output's .attentions)"
)
_FIELDS = ("attentions", "encoder_attentions", "decoder_attentions", "cross_attentions")


def from_attentions(
    attentions: Sequence[Any],
    tokens: Any,
    batch: int = 0,
    layers: int | Sequence[int] | slice | None = None,
    heads: int | Sequence[int] | slice | None = None,
    *,
    attention_mask: Any = None,
    tokenizer: Any = None,
    **heatmap_kwargs: Any,
) -> Heatmap:
    """A layer x head grid of a Hugging Face model's attention weights.

    Each panel is one head of one layer: rows are the query positions, columns the key
    positions (row i shows where token i looks). Panels are labelled ``L0``, ``L1``, … /
    ``H0``, ``H1``, … with the model's own layer and head numbers, also after a selection.
    Padding is dropped from rows and columns (with ``attention_mask``, or the mask of a
    ``BatchEncoding``), before anything else is looked at. For self-attention, the upper
    triangle (a query's future keys) is shown as NaN, "no value", when it is exactly zero
    in every selected head of every selected layer, as in a causal model (GPT-2, Llama);
    a bidirectional model (BERT) keeps every cell.

    Parameters
    ----------
    attentions : tuple of tensors
        ``out.attentions`` of ``model(**inputs, output_attentions=True)``, or an
        encoder-decoder's ``encoder_attentions``, ``decoder_attentions`` or
        ``cross_attentions``: one tensor (or numpy array) per layer, each
        ``(batch, heads, query, key)``, on any device, with or without grad. Only a model
        loaded with ``attn_implementation="eager"`` returns them (transformers' default,
        "sdpa", returns an empty tuple).
    tokens
        The tokens of the sequence: a list of str (pieces such as ``Ġcat`` are shown as
        the text they stand for, ``" cat"``), ids (a tensor, array or list, with
        ``tokenizer``), or the tokenizer's ``BatchEncoding`` (its token pieces, and its
        ``attention_mask`` unless one is given). ``(batch, seq)`` input is read at
        ``batch``. For cross attention, a tuple ``(query_tokens, key_tokens)``: the
        decoder's, then the encoder's.
    batch : int
        The example of the batch to show.
    layers, heads : int, list of int or slice, optional
        The layers and heads to show (negative numbers count from the end). Default all.
    attention_mask : tensor or array, optional
        ``(batch, seq)`` or ``(seq,)``, 0 for padding: those positions are dropped. For
        cross attention a tuple ``(query_mask, key_mask)``; either may be None.
    tokenizer : optional
        The model's tokenizer: turns ids into text, ``tokenizer.decode([id])`` for each.
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
    ValueError
        ``attentions`` is empty or None (see above), the tokens do not match the
        positions, or the layers' shapes differ.
    TypeError
        ``attentions`` is not a tuple of per-layer tensors.
    IndexError
        ``batch``, a layer or a head is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> causal = np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None]
    >>> attentions = (np.stack([[causal, causal]]),) * 2  # 2 layers of (1, 2, 3, 3)
    >>> h = from_attentions(attentions, ["The", "Ġcat", "Ġsat"], heads=[1])
    >>> h.panel_labels, h.row_labels
    ((['L0', 'L1'], ['H1']), ['The', ' cat', ' sat'])
    >>> h.values[0, 0, 0].tolist()  # the first query sees only itself
    [1.0, nan, nan]

    With a model (``attn_implementation="eager"``, so that it returns the weights):

    >>> enc = tokenizer("The cat sat", return_tensors="pt")  # doctest: +SKIP
    >>> out = model(**enc, output_attentions=True)  # doctest: +SKIP
    >>> from_attentions(out.attentions, enc)  # doctest: +SKIP
    """
    per_layer = _check_attentions(attentions)
    n_batch, n_heads, n_query, n_key = np.shape(per_layer[0])
    index = check_batch(batch, n_batch, "the attentions")
    layer_ids = pick(len(per_layer), layers, "layers")
    head_ids = pick(n_heads, heads, "heads")
    if _is_pair(tokens):
        query_mask, key_mask = _mask_pair(attention_mask)
        query = _axis(tokens[0], query_mask, tokenizer, index, n_query, "query")
        key = _axis(tokens[1], key_mask, tokenizer, index, n_key, "key")
        self_attention = False
    elif n_query != n_key:
        raise ValueError(
            f"the attention is {n_query} queries x {n_key} keys (cross attention): pass "
            "tokens=(query_tokens, key_tokens), the decoder's and the encoder's"
        )
    else:
        query = key = _axis(tokens, attention_mask, tokenizer, index, n_query, "query")
        self_attention = True
    stack = np.stack(
        [as_array(per_layer[i][index], f"attentions[{i}]")[head_ids] for i in layer_ids]
    )
    return attention_grid(stack, layer_ids, head_ids, query, key, self_attention, heatmap_kwargs)


def _check_attentions(attentions: Any) -> Sequence[Any]:
    """The per-layer tensors, after checking that they are there and of one shape."""
    if attentions is None:
        raise ValueError(
            "from_attentions got None for the attentions: a model returns them only when "
            "called with output_attentions=True (and loaded with "
            'attn_implementation="eager")'
        )
    if isinstance(attentions, Mapping) or any(hasattr(attentions, f) for f in _FIELDS):
        raise wrong_type(
            "from_attentions",
            _EXPECTED,
            attentions,
            "; pass one of its fields: out.attentions (or out.encoder_attentions, "
            "out.decoder_attentions, out.cross_attentions)",
        )
    if not isinstance(attentions, (tuple, list)):
        hint = "; for one layer's tensor pass (tensor,)" if np.ndim(attentions) == 4 else ""
        raise wrong_type("from_attentions", _EXPECTED, attentions, hint)
    if not attentions:
        raise ValueError(
            "from_attentions got empty attentions (an empty tuple): the model's attention "
            "kernel does not return its weights (transformers' default, sdpa, does not). "
            'Load the model with attn_implementation="eager", e.g. '
            'AutoModel.from_pretrained(name, attn_implementation="eager"), and call it with '
            "output_attentions=True"
        )
    shapes = []
    for i, layer in enumerate(attentions):
        if isinstance(layer, tuple):
            raise wrong_type(
                "from_attentions",
                _EXPECTED,
                attentions,
                f" whose item {i} is a tuple: generate() returns one tuple of layers per "
                "generated token; pass one of them, e.g. out.attentions[0] for the prompt",
            )
        shape = tuple(np.shape(layer))
        if len(shape) != 4:
            raise ValueError(
                f"attentions[{i}] must be 4-D (batch, heads, query, key), got shape {shape}"
            )
        shapes.append(shape)
    if len(set(shapes)) > 1:
        raise ValueError(
            f"every layer's attention must have one shape (batch, heads, query, key), got "
            f"{', '.join(map(str, shapes))}"
        )
    return attentions


def _is_pair(tokens: Any) -> bool:
    """A tuple ``(query_tokens, key_tokens)``, not the tokens of one sequence."""
    return isinstance(tokens, tuple) and len(tokens) == 2 and all(map(is_sequence, tokens))


def _mask_pair(mask: Any) -> tuple[Any, Any]:
    if mask is None:
        return None, None
    if isinstance(mask, tuple) and len(mask) == 2:
        return mask
    raise TypeError(
        "for cross attention (tokens given as a pair), attention_mask must be a pair "
        "(query_mask, key_mask), either of them None"
    )


def _axis(tokens: Any, mask: Any, tokenizer: Any, batch: int, positions: int, what: str) -> Axis:
    """The text of one example's tokens, and the positions its mask keeps."""
    pieces: list[str] | None = None
    if isinstance(tokens, Mapping) and "input_ids" in tokens:  # a BatchEncoding
        if mask is None:
            mask = tokens.get("attention_mask")
        _, ids = one_sequence(tokens["input_ids"], batch)
        if ids is None:
            raise TypeError("tokens['input_ids'] must hold ints (token ids)")
        if tokenizer is None:  # a single sequence's encoding holds one, at 0
            pieces = _encoding_pieces(tokens, batch if is_batch(tokens["input_ids"]) else 0)
    elif isinstance(tokens, (str, bytes)):
        raise TypeError(
            "tokens must be the sequence's tokens (a list of str, ids with tokenizer=, or "
            "the tokenizer's BatchEncoding), not a str: split it with the tokenizer, e.g. "
            "tokenizer(text) or tokenizer.tokenize(text)"
        )
    else:
        pieces, ids = one_sequence(tokens, batch)
        if pieces is None and tokenizer is None:
            raise ValueError(
                "tokens are ids: pass tokenizer= (the model's tokenizer) to show them as "
                "text, or pass the tokens as strings"
            )
    keep = None if mask is None else padding_mask(mask, batch, positions, "attention_mask")
    shown = pieces if pieces is not None else [str(i) for i in ids or []]
    return match_tokens(token_texts(shown, ids, tokenizer, "tokens"), keep, positions, what)


def _encoding_pieces(encoding: Any, batch: int) -> list[str]:
    """A fast tokenizer's BatchEncoding knows its pieces; a slow one's does not."""
    try:
        return list(encoding.tokens(batch))
    except (AttributeError, ValueError, TypeError):
        raise ValueError(
            "tokens is a BatchEncoding without its token pieces (a slow tokenizer's): "
            "pass tokenizer= as well, to turn its ids into text"
        ) from None
