"""Custom messages with more than :data:`CHUNK_BYTES` of binary data, sent in parts
(docs/architecture.md, "Custom messages"). Colab is believed to drop comm messages of
more than a few MB and a Jupyter server refuses browser -> kernel messages over 10 MiB,
so no custom message carries more than 1 MiB of buffers (REACH.md, design rule 4).

A message of one buffer over ``CHUNK_BYTES`` goes as ``parts = ceil(bytes /
CHUNK_BYTES)`` messages, each the same content plus ``"part": i`` (0 to parts - 1),
``"parts"`` and ``"bytes"`` (the whole buffer's length), with one buffer: bytes
``i * CHUNK_BYTES`` up to ``(i + 1) * CHUNK_BYTES`` of the whole. The layout is fixed by
``bytes`` alone, so every part can be checked on arrival and parts may come in any order.
A message of at most ``CHUNK_BYTES`` stays one message without those fields.
``js/data/chunks.js`` is the same rule in the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeGuard

#: The most binary data one custom message carries, in either direction.
CHUNK_BYTES = 2**20
#: The fields a part adds to the content of the message it is part of.
FIELDS = ("part", "parts", "bytes")


class PartError(ValueError):
    """A part that breaks the rules above: its whole set is dropped."""


def is_part(content: dict) -> bool:
    """Whether a message is one part of a bigger one (it has any of :data:`FIELDS`)."""
    return any(name in content for name in FIELDS)


def split(content: dict[str, Any], payload: Any) -> list[tuple[dict[str, Any], list[memoryview]]]:
    """The messages ``(content, buffers)`` that carry ``content`` with the one buffer
    ``payload`` (any object with the buffer protocol, C-contiguous): itself when the
    payload fits :data:`CHUNK_BYTES`, else its parts (views of the payload, not copies).

    Examples
    --------
    >>> [(c, [b.nbytes for b in bufs]) for c, bufs in split({"id": "a"}, bytes(5))]
    [({'id': 'a'}, [5])]
    >>> [c["part"] for c, _ in split({"id": "a"}, bytes(CHUNK_BYTES + 1))]
    [0, 1]
    """
    if is_part(content):
        raise ValueError(f"the content of a message to split already has {FIELDS}: {content!r}")
    data = memoryview(payload).cast("B")
    total = data.nbytes
    if total <= CHUNK_BYTES:
        return [(content, [data])]
    parts = -(-total // CHUNK_BYTES)
    return [
        (
            {**content, "part": i, "parts": parts, "bytes": total},
            [data[i * CHUNK_BYTES : (i + 1) * CHUNK_BYTES]],
        )
        for i in range(parts)
    ]


def _int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _bytes_of(buffer: object) -> memoryview:
    try:
        return memoryview(buffer).cast("B")  # type: ignore[arg-type]
    except TypeError as exc:
        raise PartError(f"a part's buffer is not binary data ({type(buffer).__name__})") from exc


def check_part(content: dict, buffers: list, max_bytes: int) -> tuple[int, int, int, memoryview]:
    """``(part, parts, bytes, data)`` of one part, or :class:`PartError` saying which
    rule it breaks: integer fields, a whole of 1 to ``max_bytes`` bytes, ``parts`` =
    ``ceil(bytes / CHUNK_BYTES)``, ``part`` in ``0 .. parts - 1``, exactly one buffer of
    the length its place gives."""
    part, parts, total = (content.get(name) for name in FIELDS)
    if not (_int(part) and _int(parts) and _int(total)):
        raise PartError(
            "a part needs integers part, parts and bytes, got "
            f"part={part!r:.40}, parts={parts!r:.40}, bytes={total!r:.40}"
        )
    if not 1 <= total <= max_bytes:
        raise PartError(f"a message of {total} bytes in parts, not 1 to {max_bytes}")
    want = -(-total // CHUNK_BYTES)
    if parts != want:
        raise PartError(f"{total} bytes go in {want} parts of {CHUNK_BYTES} bytes, not {parts}")
    if not 0 <= part < parts:
        raise PartError(f"part {part} is outside 0..{parts - 1}")
    if len(buffers) != 1:
        raise PartError(f"part {part} of {parts} carries {len(buffers)} buffers, not one")
    data = _bytes_of(buffers[0])
    size = min(CHUNK_BYTES, total - part * CHUNK_BYTES)
    if data.nbytes != size:
        raise PartError(f"part {part} of {parts} holds {data.nbytes} bytes, not {size}")
    return part, parts, total, data


class _Set:
    """The parts of one message received so far."""

    def __init__(self, header: dict, parts: int) -> None:
        self.header = header  # the content without "part", the same in every part
        self.received: dict[int, memoryview] = {}
        self.parts = parts


class Parts:
    """Messages in parts being put back together, each set under a key the caller gives
    (e.g. the request it answers and who sends it): at most ``max_sets`` sets at once (a
    new one drops the oldest), each at most ``max_bytes``, so what a sender can make the
    kernel hold is bounded."""

    def __init__(self, max_bytes: int, max_sets: int = 4) -> None:
        self.max_bytes = max_bytes
        self.max_sets = max_sets
        self._sets: dict[Hashable, _Set] = {}

    def add(self, key: Hashable, content: dict, buffers: list) -> tuple[dict, bytes] | None:
        """Take one part; the whole ``(content without the part fields, bytes)`` once
        every part of its set has come, else None. A part that breaks a rule, or that does
        not agree with the parts of its set before it, raises :class:`PartError` and
        drops the set."""
        try:
            part, parts, _, data = check_part(content, buffers, self.max_bytes)
            header = {k: v for k, v in content.items() if k != "part"}
            done = self._sets.get(key)
            if done is None:
                while len(self._sets) >= self.max_sets:
                    del self._sets[next(iter(self._sets))]
                done = self._sets[key] = _Set(header, parts)
            elif header != done.header:
                raise PartError(f"part {part} of {parts} has another header than the parts before")
            if part in done.received:
                raise PartError(f"part {part} of {parts} came twice")
        except PartError:
            self._sets.pop(key, None)
            raise
        done.received[part] = data
        if len(done.received) < done.parts:
            return None
        del self._sets[key]
        whole = b"".join(done.received[i] for i in range(done.parts))
        return {k: v for k, v in header.items() if k not in FIELDS}, whole

    def drop(self, which: Callable[[Hashable], bool]) -> None:
        """Forget the sets whose key ``which`` accepts (their message is no longer wanted)."""
        for key in [k for k in self._sets if which(k)]:
            del self._sets[key]

    def __len__(self) -> int:
        return len(self._sets)
