"""A JSON list decoded as its body's chunks are read, one element at a time.

A list of 45,000 tasks is about 28 MB of JSON. Joined into one bytes object, then decoded
to one str, then parsed, the body is held two or three times over at the moment its objects
are made (`requests` joins the chunks it read, `json.loads` decodes the bytes to text):
the console's peak memory. Here the chunks are read as the elements need them (from the
network: the body is never held whole), and each element goes to its reader before the
next is parsed, so an element the reader drops (an object already known at the same
version) is never held with the rest.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

ObjectHook = Callable[[dict[str, Any]], Any]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_AFTER_ELEMENT = frozenset(",] \t\n\r")  # what ends an element for sure (not "": the text read)


class _Text:
    """The text of CHUNKS (read as needed), held from the current position on."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()  # as json.loads(bytes)
        self.text = ""
        self.at = 0
        self.ended = False

    def more(self) -> bool:
        """Read the next chunk into the text; False when there is none."""
        if self.ended:
            return False
        chunk = next(self._chunks, None)
        if chunk is not None:
            added = self._decoder.decode(chunk)
        else:
            added = self._decoder.decode(b"", final=True)
            self.ended = True
        self.text = self.text[self.at :] + added
        self.at = 0
        return True

    def grow(self) -> bool:
        """Read chunks until the text from the position on is twice what it was (an element
        bigger than a chunk is parsed again a few times, not once per chunk); False when
        there was nothing more."""
        wanted = 2 * (len(self.text) - self.at)
        if not self.more():
            return False
        while len(self.text) < wanted and self.more():
            pass
        return True

    def next_char(self) -> str:
        """The next character after whitespace (the position on it); "" at the end."""
        while True:
            self.at = _WHITESPACE.match(self.text, self.at).end()  # type: ignore[union-attr]
            if self.at < len(self.text):
                return self.text[self.at]
            if not self.more():
                return ""

    def fail(self, expected: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(expected, self.text, self.at)


def array_items(chunks: Iterable[bytes], object_hook: ObjectHook | None = None) -> Iterator[Any]:
    """The elements of the JSON array whose body is CHUNKS, in order, each as `json.loads`
    with OBJECT_HOOK makes it; the chunks are read as the elements need them (a chunk read
    is let go). Anything but an array raises JSONDecodeError."""
    decoder = json.JSONDecoder(object_hook=object_hook)
    source = _Text(chunks)
    if source.next_char() != "[":
        raise source.fail("Expecting '['")
    source.at += 1
    if source.next_char() == "]":
        source.at += 1
    else:
        while True:
            yield from _held_elements(decoder, source)
            source.next_char()
            yield _element(decoder, source)
            separator = source.next_char()
            source.at += 1
            if separator == "]":
                break
            if separator != ",":
                raise source.fail("Expecting ',' delimiter")
            source.next_char()
    if source.next_char() != "":
        raise source.fail("Extra data")


def _element(decoder: json.JSONDecoder, source: _Text) -> Any:
    """The element at the position, more chunks read until it is whole: one not followed by
    what ends an element may be cut (`12` of `123`, `2` of `2.5`) and is parsed again with
    more text, unless there is no more."""
    while True:
        try:
            value, end = decoder.raw_decode(source.text, source.at)
        except json.JSONDecodeError:
            if source.grow():
                continue
            raise
        if source.text[end : end + 1] in _AFTER_ELEMENT or not source.grow():
            source.at = end
            return value


def _held_elements(decoder: json.JSONDecoder, source: _Text) -> Iterator[Any]:
    """The elements from the position on that the text read holds whole, decoded at once
    as one array (their keys shared, as json.loads shares them): the text up to the last
    `},{` is taken for the elements. Should that `},{` be inside a string or a nested list,
    the text is no array (a string left open, a bracket unclosed): then nothing, and the
    elements go one by one. Leaves the position after the comma that followed them."""
    text, at = source.text, source.at
    cut = text.rfind("},{", at)
    if cut < 0:
        return
    held = "[" + text[at : cut + 1] + "]"
    try:
        values, end = decoder.raw_decode(held)
    except json.JSONDecodeError:
        return
    if end != len(held):
        return
    source.at = cut + 2
    yield from values


def whole_json(chunks: Iterable[bytes]) -> Any:
    """The JSON value of the body CHUNKS, read whole (a small body: the engine's /info)."""
    return json.loads(b"".join(chunks))
