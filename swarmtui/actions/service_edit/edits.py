"""One field's change: the flags it adds to `docker service update` and how it edits the spec."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from swarmtui.actions.service_edit.spec_tree import Spec
from swarmtui.actions.validation import InputError


@dataclass(frozen=True)
class FieldEdit:
    field: str
    words: tuple[str, ...]
    apply: Callable[[Spec], None]


def entries(text: str, field: str) -> list[str]:
    """The shell-quoted entries of a list field."""
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise InputError(field, f"{text.strip()!r}: {exc} (quote entries with spaces).") from None


def flag_words(flag: str, values: Iterable[str]) -> list[str]:
    """`--env-add A=1 --env-add B=2`: the flag before each value."""
    return [word for value in values for word in (flag, value)]


def refuse_repeats(keys: list[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InputError(field, f"{what} {key!r} appears twice.")
        seen.add(key)
