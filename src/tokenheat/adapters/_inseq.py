"""inseq's attributions as a heatmap laid out as inseq's own ``show()``: rows are the
attributed tokens, columns the generated tokens ``target[attr_pos_start:attr_pos_end]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import as_array, from_library, require, token_texts, wrong_type

if TYPE_CHECKING:
    from ..widget import Heatmap

_EXPECTED = "an inseq FeatureAttributionOutput or FeatureAttributionSequenceOutput"
_SIDES = ("source", "target", "both")
# short names of inseq's step scores in the column labels; others keep their own name
_SCORE_NAMES = {"probability": "p", "entropy": "H", "logit": "logit", "perplexity": "ppl"}
_TITLE_CHARS = 40


def from_inseq(
    out: Any,
    sequence: int | None = None,
    side: str | None = None,
    aggregate: bool = True,
    *,
    step_scores: bool = True,
    tokenizer: Any = None,
    **heatmap_kwargs: Any,
) -> Heatmap:
    """A heatmap of an inseq attribution, laid out as inseq's ``show()``.

    Rows are the attributed tokens, columns the generated tokens
    (``target[attr_pos_start:attr_pos_end]``). inseq's NaNs (e.g. the not yet generated
    part of a decoder-only model's target attributions) are shown as "no value".

    Parameters
    ----------
    out : inseq FeatureAttributionOutput or FeatureAttributionSequenceOutput
        What ``model.attribute(...)`` returned, or one of its ``sequence_attributions``.
    sequence : int, optional
        The sequence of a batch to show. Default: all of them, one panel per sequence,
        each with its own tokens.
    side : {"source", "target", "both"}, optional
        Which attributions form the rows: the source's, the target's (prefix and
        generated tokens), or both (source rows, a blank row, target rows). Default:
        what inseq's ``show()`` shows, i.e. every side the output has (the target for a
        decoder-only model; the source, and the target too when it was attributed with
        ``attribute_target=True``, for an encoder-decoder model).
    aggregate : bool
        Reduce per-dimension (granular) scores, such as a gradient's one score per
        embedding dimension, with inseq's own default aggregator (``out.aggregate()``:
        for gradient methods the L2 norm over the embedding, then each generated
        token's column normalised to sum to 1, jointly over source and target).
        Attention scores with layer and head dimensions are not averaged away: they
        become a layer x head grid of panels. ``False`` shows the scores as they are,
        which needs 2-D scores (or attention's layers x heads).
    step_scores : bool
        Add inseq's step scores (e.g. ``step_scores=["probability"]``) to the column
        labels, e.g. ``" mat · p=0.41"``. They stay out of the colours, which are the
        attributions' only.
    tokenizer : optional
        The model's tokenizer: token text then comes from ``tokenizer.decode([id])``,
        exactly as inseq's ``decode_tokens``. Default: the pieces made readable
        (``Ġcat`` → ``" cat"``, ``▁the`` → ``" the"``) without it.
    **heatmap_kwargs
        Any :class:`tokenheat.Heatmap` setting; they override the ones chosen here.

    Examples
    --------
    >>> import inseq, tokenheat  # doctest: +SKIP
    >>> model = inseq.load_model("gpt2", "saliency")  # doctest: +SKIP
    >>> out = model.attribute("The cat sat on the")  # doctest: +SKIP
    >>> tokenheat.from_inseq(out)  # doctest: +SKIP
    """
    from ..widget import Heatmap

    settings = describe(
        out, sequence, side, aggregate, step_scores=step_scores, tokenizer=tokenizer
    )
    return Heatmap(**{**settings, **heatmap_kwargs})


def describe(
    out: Any,
    sequence: int | None = None,
    side: str | None = None,
    aggregate: bool = True,
    *,
    step_scores: bool = True,
    tokenizer: Any = None,
) -> dict[str, Any]:
    """The :class:`~tokenheat.Heatmap` settings that :func:`from_inseq` uses."""
    if not from_library(out, "inseq"):
        raise wrong_type("from_inseq", _EXPECTED, out, _hint(out))
    data = require("inseq.data.attribution", "from_inseq", "inseq")
    if isinstance(data.FeatureAttributionOutput, type) and isinstance(
        out, data.FeatureAttributionOutput
    ):
        sequences = list(out.sequence_attributions)
        info = dict(out.info or {})
    elif isinstance(out, data.FeatureAttributionSequenceOutput):
        sequences, info = [out], {}
    else:
        raise wrong_type("from_inseq", _EXPECTED, out, _hint(out))
    if not sequences:
        raise ValueError("from_inseq: the output holds no sequence attributions")
    if side is not None and side not in _SIDES:
        raise ValueError(
            f"side must be one of {', '.join(map(repr, _SIDES))} or None, got {side!r}"
        )
    if sequence is not None:
        if isinstance(sequence, bool) or not isinstance(sequence, (int, np.integer)):
            raise TypeError(f"sequence must be an int or None, got {type(sequence).__name__}")
        if not -len(sequences) <= sequence < len(sequences):
            raise IndexError(
                f"sequence {sequence} is out of range: the output has {len(sequences)} "
                f"sequence(s) (0 to {len(sequences) - 1})"
            )
        chosen = [int(sequence) % len(sequences)]
    else:
        chosen = list(range(len(sequences)))
    parts = [_sequence(sequences[i], side, aggregate, step_scores, tokenizer, data) for i in chosen]
    attention = any(p["attention"] for p in parts)
    settings: dict[str, Any] = {"colorbar_title": _colorbar_title(parts, info)}
    if attention:
        settings.update(cmap="Blues", center=None, vmin=0.0, vmax=1.0)
    elif all(p["nonnegative"] for p in parts):
        settings.update(cmap="Reds", center=None, vmin=0.0)
    if len(parts) == 1:
        part = parts[0]
        settings.update(
            values=part["values"],
            row_labels=part["rows"],
            column_labels=part["cols"],
        )
        if part["values"].ndim == 4:
            layers, heads = part["values"].shape[:2]
            settings["panel_labels"] = (
                [f"L{i}" for i in range(layers)],
                [f"H{j}" for j in range(heads)],
            )
        if sequence is None and len(sequences) == 1:
            return settings
        settings["title"] = part["name"]
        return settings
    if any(p["values"].ndim > 2 for p in parts):
        raise ValueError(
            f"from_inseq: the output holds {len(parts)} sequences of attention scores with "
            "layer and head dimensions, a grid per sequence; show one at a time with "
            f"sequence=0 .. {len(parts) - 1}, or average them first with out.aggregate()"
        )
    settings.update(
        values=[p["values"] for p in parts],
        row_labels=[p["rows"] for p in parts],
        column_labels=[p["cols"] for p in parts],
        panel_labels=[p["name"] for p in parts],
    )
    return settings


def _hint(out: object) -> str:
    if from_library(out, "torch") or isinstance(out, np.ndarray):
        return " (pass what model.attribute() returned, not a tensor)"
    return ""


def _sequence(
    seq: Any, side: str | None, aggregate: bool, step_scores: bool, tokenizer: Any, data: Any
) -> dict[str, Any]:
    """One sequence's matrix (rows, generated tokens[, layers, heads]) and its labels."""
    attention = _is_attention(seq, data)
    have = {
        name: getattr(seq, f"{name}_attributions", None) is not None
        for name in ("source", "target")
    }
    chosen_side = side or (
        "both" if all(have.values()) else "source" if have["source"] else "target"
    )
    wanted = ("source", "target") if chosen_side == "both" else (chosen_side,)
    for name in wanted:
        if not have[name]:
            present = [n for n, ok in have.items() if ok] or ["none"]
            raise ValueError(
                f"side={chosen_side!r}, but this output has no {name} attributions (it has: "
                f"{', '.join(present)}); "
                + (
                    "a decoder-only model's attributions are the target's"
                    if name == "source"
                    else "attribute with attribute_target=True to get them"
                )
            )
    aggregated = False
    scores = {name: as_array(getattr(seq, f"{name}_attributions"), name) for name in wanted}
    extra = max(a.ndim for a in scores.values()) - 2
    if extra > 0 and not attention:
        if not aggregate:
            raise ValueError(
                f"aggregate=False shows the scores as they are, but they have {extra} "
                "dimension(s) beyond (tokens, generated tokens), e.g. one score per "
                "embedding dimension; use aggregate=True (inseq's default aggregator) or "
                'aggregate them yourself, e.g. out.aggregate("vnorm")'
            )
        seq = seq.aggregate()
        aggregated = True
        scores = {name: as_array(getattr(seq, f"{name}_attributions"), name) for name in wanted}
    n_gen = seq.attr_pos_end - seq.attr_pos_start
    for name, a in scores.items():
        if a.ndim < 2 or a.shape[1] != n_gen:
            raise ValueError(
                f"{name}_attributions has shape {a.shape}, but the output names {n_gen} "
                f"generated tokens (attr_pos_start={seq.attr_pos_start}, "
                f"attr_pos_end={seq.attr_pos_end})"
            )
        if attention and a.ndim != 4 and a.ndim != 2:
            raise ValueError(
                f"{name}_attributions has shape {a.shape}; attention scores are shown as "
                "(tokens, generated tokens, layers, heads), or 2-D once aggregated"
            )
    labels = {name: _texts(getattr(seq, name), tokenizer, name) for name in ("source", "target")}
    blocks, rows = [], []
    for k, name in enumerate(wanted):
        a = scores[name].astype(np.float64, copy=False)
        if len(labels[name]) != a.shape[0]:
            raise ValueError(
                f"{name}_attributions has {a.shape[0]} rows but the output has "
                f"{len(labels[name])} {name} tokens"
            )
        if k > 0:  # a blank row between the source's rows and the target's
            blocks.append(np.full((1, *a.shape[1:]), np.nan))
            rows.append("")
        blocks.append(a)
        rows.extend(labels[name])
    values = np.concatenate(blocks, axis=0)
    if values.ndim == 4:
        values = np.moveaxis(values, (2, 3), (0, 1))  # (layers, heads, rows, cols)
    cols = labels["target"][seq.attr_pos_start : seq.attr_pos_end]
    if step_scores and seq.step_scores:
        cols = _with_step_scores(cols, seq.step_scores, n_gen)
    finite = values[np.isfinite(values)]
    prompt = labels["source"] if have["source"] else labels["target"][: seq.attr_pos_start]
    return {
        "values": values,
        "rows": rows,
        "cols": cols,
        "attention": attention and values.ndim == 4,
        "aggregated": aggregated,
        "default_aggregator": aggregated and _is_granular(seq, data),
        "nonnegative": finite.size > 0 and bool((finite >= 0).all()),
        "name": _short("".join(prompt).strip()),
    }


def _is_attention(seq: Any, data: Any) -> bool:
    cls = getattr(data, "MultiDimensionalFeatureAttributionSequenceOutput", None)
    return cls is not None and isinstance(seq, cls)


def _is_granular(seq: Any, data: Any) -> bool:
    cls = getattr(data, "GranularFeatureAttributionSequenceOutput", None)
    return cls is not None and isinstance(seq, cls)


def _texts(tokens: Any, tokenizer: Any, name: str) -> list[str]:
    tokens = list(tokens or [])
    pieces = [getattr(t, "token", t) for t in tokens]
    ids = [getattr(t, "id", None) for t in tokens]
    return token_texts([str(p) for p in pieces], ids, tokenizer, name)


def _with_step_scores(cols: list[str], scores: dict[str, Any], n_gen: int) -> list[str]:
    parts: list[list[str]] = [[] for _ in cols]
    for name, value in scores.items():
        v = as_array(value, f"step_scores[{name!r}]").astype(np.float64).reshape(-1)
        if v.size != n_gen:
            continue  # not one score per generated token: not a step score to show
        short = _SCORE_NAMES.get(name, name)
        for j, x in enumerate(v):
            parts[j].append(f"{short}={x:.2g}")
    return [c + (" · " + " ".join(p) if p else "") for c, p in zip(cols, parts, strict=True)]


def _colorbar_title(parts: list[dict[str, Any]], info: dict[str, Any]) -> str:
    method = info.get("attribution_method")
    if any(p["attention"] for p in parts):
        return "Attention weight"
    if any(p["default_aggregator"] for p in parts):  # short: a colour bar is not wide
        return f"{method or 'attribution'}, each column sums to 1"
    return f"Attribution ({method})" if method else "Attribution"


def _short(text: str) -> str:
    return text if len(text) <= _TITLE_CHARS else text[: _TITLE_CHARS - 1] + "…"
