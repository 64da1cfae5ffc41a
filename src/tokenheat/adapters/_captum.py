"""Captum's ``LLMAttributionResult`` as a heatmap that reads like inseq's: rows are the
input tokens, columns the output tokens (``token_attr`` transposed), and the attribution
to the whole output (``seq_attr``) as a last column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import as_array, from_library, require, token_texts, wrong_type

if TYPE_CHECKING:
    from ..widget import Heatmap

_EXPECTED = "a Captum LLMAttributionResult (what LLMAttribution(...).attribute() returns)"
SEQUENCE_LABEL = "Σ sequence"


def from_captum(
    result: Any,
    transpose: bool = False,
    *,
    seq_attr: bool = True,
    output_probs: bool = True,
    tokenizer: Any = None,
    **heatmap_kwargs: Any,
) -> Heatmap:
    """A heatmap of a Captum LLM attribution.

    Rows are ``input_tokens``, columns ``output_tokens`` (Captum's ``token_attr``,
    which is ``(outputs, inputs)``, transposed), then a blank column and the attribution
    to the whole output sequence (``seq_attr``) labelled "Σ sequence". When
    ``token_attr`` is None (Lime, KernelShap), the heatmap is the one column of
    ``seq_attr``.

    Parameters
    ----------
    result : captum.attr.LLMAttributionResult
        What ``LLMAttribution(...).attribute()`` or
        ``LLMGradientAttribution(...).attribute()`` returned.
    transpose : bool
        Captum's own orientation: rows are the output tokens, columns the input tokens,
        and ``seq_attr`` a last row.
    seq_attr : bool
        Show ``seq_attr`` beside the per-token attributions (always shown when there
        are none).
    output_probs : bool
        Add each output token's probability (``result.output_probs``, when Captum
        gives it) to its label, e.g. ``"mat · p=0.41"``.
    tokenizer : optional
        The tokenizer: input pieces then become text with its
        ``convert_tokens_to_string``. Default: the pieces made readable without it
        (``Ġcat`` and ``▁cat`` → ``cat``). Input labels are stripped of surrounding
        spaces, as Captum strips its output tokens, so both axes read alike.
    **heatmap_kwargs
        Any :class:`tokenheat.Heatmap` setting; they override the ones chosen here.

    Examples
    --------
    >>> from captum.attr import FeatureAblation, LLMAttribution, TextTokenInput  # doctest: +SKIP
    >>> attr = LLMAttribution(FeatureAblation(model), tokenizer)  # doctest: +SKIP
    >>> result = attr.attribute(TextTokenInput("The cat sat on the", tokenizer),
    ...                         target=" mat")  # doctest: +SKIP
    >>> tokenheat.from_captum(result)  # doctest: +SKIP
    """
    from ..widget import Heatmap

    settings = describe(
        result, transpose, seq_attr=seq_attr, output_probs=output_probs, tokenizer=tokenizer
    )
    return Heatmap(**{**settings, **heatmap_kwargs})


def describe(
    result: Any,
    transpose: bool = False,
    *,
    seq_attr: bool = True,
    output_probs: bool = True,
    tokenizer: Any = None,
) -> dict[str, Any]:
    """The :class:`~tokenheat.Heatmap` settings that :func:`from_captum` uses."""
    if not from_library(result, "captum"):
        raise wrong_type("from_captum", _EXPECTED, result)
    attr = require("captum.attr", "from_captum", "captum")
    if not isinstance(result, attr.LLMAttributionResult):
        raise wrong_type("from_captum", _EXPECTED, result)
    inputs = [t.strip() for t in token_texts(list(result.input_tokens), None, tokenizer, "input")]
    outputs = [str(t) for t in result.output_tokens]
    sequence = as_array(result.seq_attr, "seq_attr").astype(np.float64).reshape(-1)
    if sequence.size != len(inputs):
        raise ValueError(
            f"seq_attr has {sequence.size} values but the result has {len(inputs)} input tokens"
        )
    if result.token_attr is None:
        values = sequence[:, None]
        cols = [SEQUENCE_LABEL]
    else:
        tokens = as_array(result.token_attr, "token_attr").astype(np.float64)
        if tokens.shape != (len(outputs), len(inputs)):
            raise ValueError(
                f"token_attr has shape {tokens.shape}, but the result has {len(outputs)} "
                f"output and {len(inputs)} input tokens: expected ({len(outputs)}, {len(inputs)})"
            )
        probs = getattr(result, "output_probs", None)
        if output_probs and probs is not None:
            p = as_array(probs, "output_probs").astype(np.float64).reshape(-1)
            if p.size == len(outputs):
                outputs = [f"{t} · p={x:.2g}" for t, x in zip(outputs, p, strict=True)]
        values, cols = tokens.T, outputs
        if seq_attr:
            spacer = np.full((len(inputs), 1), np.nan)
            values = np.concatenate([values, spacer, sequence[:, None]], axis=1)
            cols = [*outputs, "", SEQUENCE_LABEL]
    settings: dict[str, Any] = {"colorbar_title": "Attribution"}
    if transpose:
        settings.update(values=values.T, row_labels=cols, column_labels=inputs)
    else:
        settings.update(values=values, row_labels=inputs, column_labels=cols)
    return settings
