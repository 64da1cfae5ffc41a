"""What the attention adapters share: a ``(layers, heads, query, key)`` stack drawn as a
layer x head grid, padding dropped, the causal triangle shown as "no value", and the
defaults for attention weights. :func:`tokenheat.adapters.from_attentions` (Hugging Face)
and :func:`tokenheat.adapters.from_transformer_lens` only read their library's objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import as_array

if TYPE_CHECKING:
    from ..widget import Heatmap

DEFAULTS: dict[str, Any] = {
    "cmap": "Blues",
    "center": None,
    "vmin": 0.0,
    "vmax": 1.0,
    "colorbar_title": "Attention weight",
}
"""Settings for attention weights (in [0, 1]): a sequential map with no centre."""


@dataclass
class Axis:
    """The tokens along one axis of the attention: their text, and which positions are
    kept (None: all; else a boolean mask, False for padding)."""

    labels: list[str]
    keep: np.ndarray | None = None


def check_batch(batch: Any, size: int, what: str) -> int:
    """``batch`` as an index into ``size`` examples (negative counts from the end).

    >>> check_batch(-1, 3, "the attentions")
    2
    >>> check_batch(3, 3, "the attentions")
    Traceback (most recent call last):
    ...
    IndexError: batch=3 is out of range: the attentions hold 3 examples (batch 0 to 2)
    """
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)):
        raise TypeError(f"batch must be an int (an example of the batch), got {batch!r}")
    if not -size <= batch < size:
        held = f"{size} examples (batch 0 to {size - 1})" if size > 1 else "one example (batch 0)"
        raise IndexError(f"batch={batch} is out of range: {what} hold {held}")
    return int(batch) % size


def padding_mask(mask: Any, batch: int, positions: int, name: str) -> np.ndarray:
    """The kept positions of example ``batch``: ``mask`` is ``(batch, seq)`` or
    ``(seq,)``, nonzero for a token, 0 for padding (a tokenizer's ``attention_mask``).

    >>> padding_mask([[0, 1, 1], [1, 1, 1]], 0, 3, "attention_mask")
    array([False,  True,  True])
    """
    arr = as_array(mask, name)
    if arr.ndim == 2:
        if not 0 <= batch < arr.shape[0]:
            raise IndexError(
                f"{name} holds {arr.shape[0]} examples, so it has no example batch={batch}"
            )
        arr = arr[batch]
    if arr.ndim != 1 or arr.shape[0] != positions:
        raise ValueError(
            f"{name} must be (batch, {positions}) or ({positions},), one entry per position "
            f"of the attention, got shape {arr.shape}"
        )
    keep = arr != 0
    if not keep.any():
        raise ValueError(f"{name} of example {batch} keeps no position (it is all 0)")
    return keep


def is_sequence(x: Any) -> bool:
    """A sequence of tokens (or of sequences), not one token or id."""
    if isinstance(x, (str, bytes)):
        return False
    return isinstance(x, (list, tuple, Mapping)) or np.ndim(x) > 0


def is_batch(tokens: Any) -> bool:
    """Several sequences (a 2-D tensor or array, or a list of sequences), not one."""
    return is_sequence(tokens) and len(tokens) > 0 and is_sequence(tokens[0])


def one_sequence(tokens: Any, batch: int) -> tuple[list[str] | None, list[int] | None]:
    """The pieces or the ids of example ``batch``: ``tokens`` holds one sequence, or a
    batch of them (a 2-D tensor or array, or a list of sequences).

    >>> one_sequence([["a", "b"], ["c"]], 1), one_sequence([5, 7], 1)
    ((['c'], None), (None, [5, 7]))
    """
    if is_batch(tokens):
        tokens = tokens[check_batch(batch, len(tokens), "tokens")]
    if isinstance(tokens, (list, tuple)) and all(isinstance(t, str) for t in tokens):
        return list(tokens), None
    arr = as_array(tokens, "tokens")
    if arr.ndim != 1:
        raise ValueError(
            "tokens must hold one sequence (seq,) or a batch of them (batch, seq), got "
            f"shape {arr.shape}"
        )
    if arr.dtype.kind in "iu":
        return None, [int(i) for i in arr]
    if arr.dtype.kind in "UO" and all(isinstance(t, str) for t in arr.tolist()):
        return [str(t) for t in arr.tolist()], None
    raise TypeError(f"tokens must be token strings or ids (ints), got values of dtype {arr.dtype}")


def match_tokens(
    labels: Sequence[str], keep: np.ndarray | None, positions: int, what: str, hint: str = ""
) -> Axis:
    """``labels`` for the ``positions`` of one axis: one per position (the padding's are
    dropped with it) or, when a mask is given, one per kept position.

    >>> match_tokens(["<pad>", "a", "b"], np.array([False, True, True]), 3, "query").labels
    ['a', 'b']
    >>> match_tokens(["a", "b"], None, 3, "query")
    Traceback (most recent call last):
    ...
    ValueError: tokens: 2 query tokens for the attention's 3 query positions
    """
    labels = [str(label) for label in labels]
    if len(labels) == positions:
        kept = labels if keep is None else [s for s, k in zip(labels, keep, strict=True) if k]
        return Axis(kept, keep)
    if keep is not None and len(labels) == int(keep.sum()):
        return Axis(labels, keep)
    counted = f"{positions} {what} positions"
    if keep is not None:
        counted += f" ({int(keep.sum())} of them kept by the attention mask)"
    raise ValueError(f"tokens: {len(labels)} {what} tokens for the attention's {counted}{hint}")


def attention_grid(
    stack: np.ndarray,
    layers: Sequence[int],
    heads: Sequence[int],
    query: Axis,
    key: Axis,
    self_attention: bool,
    heatmap_kwargs: dict[str, Any],
) -> Heatmap:
    """The layer x head grid of ``stack`` ``(layers, heads, query, key)``: rows are the
    query positions, columns the key positions, padding dropped from both, panels
    labelled with the real layer and head numbers. For self-attention, the strict upper
    triangle (a query's future keys) is NaN ("no value") when it is exactly zero in every
    panel, as in a causal model; any other model keeps every cell.

    >>> stack = np.tril(np.ones((1, 2, 3, 3))) / np.arange(1, 4)[:, None]
    >>> h = attention_grid(stack, [5], [0, 3], Axis(list("abc")), Axis(list("abc")), True, {})
    >>> h.panel_labels, h.values[0, 1, 0].tolist(), h.cmap
    ((['L5'], ['H0', 'H3']), [1.0, nan, nan], 'Blues')
    """
    from ..widget import Heatmap

    values = stack
    if query.keep is not None:
        values = values[:, :, query.keep]
    if key.keep is not None:
        values = values[:, :, :, key.keep]
    # our own copy, as NaN goes in (the indexing above already made one)
    values = values.astype(np.promote_types(values.dtype, np.float32), copy=values is stack)
    n = values.shape[-1]
    if self_attention and values.shape[-2] == n and n > 1:
        upper = np.triu_indices(n, 1)
        if not np.any(values[..., upper[0], upper[1]]):  # NaN counts as nonzero
            values[..., upper[0], upper[1]] = np.nan
    settings = {
        "row_labels": query.labels,
        "column_labels": key.labels,
        "panel_labels": ([f"L{i}" for i in layers], [f"H{i}" for i in heads]),
        **DEFAULTS,
        **heatmap_kwargs,
    }
    return Heatmap(values, **settings)
