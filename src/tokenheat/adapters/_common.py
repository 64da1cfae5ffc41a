"""What the adapters share: the library imported only when an adapter is called (with an
error that names the pip extra), the object's type checked before anything is read,
tensors as numpy arrays, and token pieces shown as readable text.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from .._array_input import to_array


def require(module: str, caller: str, extra: str) -> ModuleType:
    """Import ``module`` for ``caller``, or say which pip extra installs it.

    >>> require("a_library_that_is_not_there", "from_x", "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ImportError: from_x needs a_library_that_is_not_there, which is not installed: ...
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        root = module.split(".")[0]
        raise ImportError(
            f"{caller} needs {root}, which is not installed: "
            f'pip install "tokenheat[{extra}]" (or pip install {extra}); the import '
            f"failed with: {exc}"
        ) from exc


def type_name(obj: object) -> str:
    """``module.Class`` of ``obj``, as the user would import it."""
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__name__


def from_library(obj: object, root: str) -> bool:
    """Whether ``obj``'s class comes from the package ``root`` (checked without importing
    it, so that a wrong object costs no import of a large library)."""
    return any(c.__module__.split(".")[0] == root for c in type(obj).__mro__)


def wrong_type(caller: str, expected: str, obj: object, hint: str = "") -> TypeError:
    return TypeError(f"{caller} expects {expected}, got {type_name(obj)}{hint}")


def as_array(x: Any, name: str) -> np.ndarray:
    """A tensor (torch, on any device, with or without grad), numpy array or nested list
    as a numpy array of its own dtype (bfloat16 widened to float32)."""
    return to_array(x, name)[0]


def pick(n: int, which: Any, name: str) -> list[int]:
    """Indices chosen by ``which`` among ``range(n)``: None (all), an int (negative counts
    from the end), a sequence of ints, or a slice.

    >>> pick(4, None, "heads"), pick(4, -1, "heads"), pick(4, slice(1, 3), "heads")
    ([0, 1, 2, 3], [3], [1, 2])
    >>> pick(2, [0, 5], "layers")
    Traceback (most recent call last):
    ...
    IndexError: layers: 5 is out of range for 2 layers (0 to 1)
    """
    if which is None:
        return list(range(n))
    if isinstance(which, slice):
        chosen = list(range(n))[which]
    else:
        items = [which] if isinstance(which, (int, np.integer)) else list(which)
        chosen = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (int, np.integer)):
                raise TypeError(
                    f"{name} must be None, an int, a list of ints or a slice, got {item!r}"
                )
            if not -n <= item < n:
                raise IndexError(f"{name}: {item} is out of range for {n} {name} (0 to {n - 1})")
            chosen.append(int(item) % n)
    if not chosen:
        raise ValueError(f"{name}={which!r} selects none of the {n} {name}")
    return chosen


# -------------------------------------------------------------------- token text
@functools.lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """Byte-level BPE's (GPT-2's) table from the printable stand-ins back to bytes: the
    bytes that are printable Latin-1 stand for themselves, the others (space, control
    characters, ...) were shifted to U+0100 and up in byte order."""
    kept = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    kept += range(ord("®"), ord("ÿ") + 1)
    table = {chr(b): b for b in kept}
    shifted = (b for b in range(256) if b not in set(kept))
    table.update({chr(256 + i): b for i, b in enumerate(shifted)})
    return table


_BYTE_TOKEN = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def readable(piece: str) -> str:
    """A tokenizer's piece as the text it stands for, as the tokenizer's decoder would
    give it for that one piece: byte-level BPE (``Ġcat`` → ``" cat"``, ``Ċ`` → ``"\\n"``),
    SentencePiece's ``▁`` for a space and its byte tokens (``<0x0A>``). Other text is
    kept as it is, so a word-level token is never changed.

    >>> [readable(p) for p in ["Ġcat", "ĊĊ", "Ã©", "▁the", "<0x0A>", "cat", "café"]]
    [' cat', '\\n\\n', 'é', ' the', '\\n', 'cat', 'café']
    """
    table = _byte_decoder()
    if piece and any(ord(ch) >= 256 for ch in piece) and all(ch in table for ch in piece):
        raw = bytes(table[ch] for ch in piece)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:  # part of a character split across pieces
            return raw.decode("utf-8", errors="replace")
    if all(ch in table for ch in piece) and any(ord(ch) >= 0x80 for ch in piece):
        # only Latin-1 stand-ins, e.g. "Ã©" for "é": bytes of UTF-8 text
        try:
            return bytes(table[ch] for ch in piece).decode("utf-8")
        except UnicodeDecodeError:
            return piece  # a real word with accented letters
    if "▁" in piece or _BYTE_TOKEN.search(piece):
        text = piece.replace("▁", " ")
        return _BYTE_TOKEN.sub(
            lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) < 128 else m.group(0), text
        )
    return piece


def token_texts(
    pieces: Sequence[str], ids: Sequence[int | None] | None, tokenizer: Any, name: str
) -> list[str]:
    """Readable text of each piece: with a tokenizer, ``tokenizer.decode([id])`` for each
    piece with an id (exactly the library's own decoding) and its
    ``convert_tokens_to_string`` without ids; else :func:`readable`. Pieces whose id is
    None or negative (spans the library merged) keep :func:`readable` text."""
    if tokenizer is None:
        return [readable(str(p)) for p in pieces]
    if ids is None:
        to_text = getattr(tokenizer, "convert_tokens_to_string", None)
        if to_text is None:
            raise TypeError(
                f"{name}: tokenizer must have convert_tokens_to_string() (a Hugging Face "
                f"tokenizer), got {type_name(tokenizer)}"
            )
        return [to_text([str(p)]) for p in pieces]
    decode: Callable[..., str] | None = getattr(tokenizer, "decode", None)
    if decode is None:
        raise TypeError(
            f"{name}: tokenizer must have a decode() method (a Hugging Face tokenizer), "
            f"got {type_name(tokenizer)}"
        )
    return [
        decode([int(i)]) if i is not None and int(i) >= 0 else readable(str(p))
        for p, i in zip(pieces, ids, strict=True)
    ]
