"""List fields whose entries the CLI matches by a key: the entries the user removed, and the
ones added or changed (validated; untouched entries are not, they come from the engine)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from swarmtui.actions.service_edit.edits import entries, refuse_repeats

T = TypeVar("T")


@dataclass(frozen=True)
class KeyedChanges(Generic[T]):
    removed: dict[str, str]  # key -> the entry's text before
    added: dict[str, T]  # key -> the new or changed entry, parsed

    def __bool__(self) -> bool:
        return bool(self.removed or self.added)


def keyed_changes(
    before: str,
    after: str,
    field: str,
    key_of: Callable[[str], str],
    parse: Callable[[str], T],
    what: str,
) -> KeyedChanges[T]:
    old = {key_of(text): text for text in entries(before, field)}
    new_texts = entries(after, field)
    new_keys = [key_of(text) for text in new_texts]
    refuse_repeats(new_keys, field, what)
    removed = {key: text for key, text in old.items() if key not in new_keys}
    added = {
        key: parse(text)
        for key, text in zip(new_keys, new_texts, strict=True)
        if old.get(key) != text
    }
    return KeyedChanges(removed, added)


def before_equals(entry: str) -> str:
    return entry.partition("=")[0]
