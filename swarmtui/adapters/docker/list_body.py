"""A list's body read block by block against the last body of the same list.

Polls mostly get the list they got last time, byte for byte, and skip parsing it. Telling
that from a digest of the whole body needs the whole body held until its end: 28 MB for
45,000 tasks, on top of what the console holds, at every resync. Here each block of the
body is compared with the same block of the last body as it arrives and let go when equal:
an unchanged list costs one block of memory. A changed one is decoded as it is read from
the first block that differs; the equal blocks before it are kept (up to KEPT bytes) to be
decoded first, and past that the list is asked for again (see DockerBackend._get_mapped).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

BLOCK = 256 * 1024
KEPT = 4 * 1024 * 1024  # a list up to this size (5,000 services) is never asked twice


@dataclass(frozen=True)
class ChangedBody:
    """A body unlike the last one: BLOCKS, the whole body to decode (read as needed),
    unless WHOLE is False (blocks read as equal were let go); DIGESTS, each block's,
    complete once BLOCKS is read to its end."""

    blocks: Iterator[bytes]
    digests: list[bytes]
    whole: bool = True


def blocks_of(chunks: Iterable[bytes], size: int | None = None) -> Iterator[bytes]:
    """CHUNKS cut again into blocks of SIZE (BLOCK's) bytes, the last one shorter: a body
    reads as the same blocks however the network cut it."""
    size = size or BLOCK
    pending = bytearray()
    for chunk in chunks:
        pending += chunk
        while len(pending) >= size:
            yield bytes(pending[:size])
            del pending[:size]
    if pending:
        yield bytes(pending)


def block_digest(block: bytes) -> bytes:
    return hashlib.blake2b(block, digest_size=16).digest()


def against_last(
    blocks: Iterator[bytes], last: Sequence[bytes], kept: int | None = None
) -> ChangedBody | None:
    """BLOCKS read against LAST (the last body's block digests): None when the body is the
    last one, byte for byte; otherwise the body to decode. KEPT: bytes of equal blocks
    kept (KEPT's)."""
    kept = KEPT if kept is None else kept
    digests: list[bytes] = []
    held: list[bytes] = []
    whole = True
    for block in blocks:
        digest = block_digest(block)
        digests.append(digest)
        if len(digests) <= len(last) and digest == last[len(digests) - 1]:
            if whole and len(held) * BLOCK + len(block) <= kept:
                held.append(block)
            else:
                whole = False
                held.clear()
            continue
        if not whole:
            return ChangedBody(iter(()), digests, whole=False)
        rest = _digested(blocks, digests)
        return ChangedBody(itertools.chain(held, [block], rest), digests)
    if last and len(digests) == len(last):
        return None
    return ChangedBody(iter(held), digests, whole)


def _digested(blocks: Iterator[bytes], digests: list[bytes]) -> Iterator[bytes]:
    for block in blocks:
        digests.append(block_digest(block))
        yield block
