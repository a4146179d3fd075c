"""Secrets, configs and networks: references to swarm objects by name.

Secrets and configs are matched by their target (the file inside the container); the CLI's
`--secret-rm` removes by name, so a name still mounted at another target is added again.
Networks are matched by id, whether the form names them by name or id. Entries added need the
object's id, from SwarmNames: a name the swarm does not have is refused at the field.
Only names ever appear: the engine never returns a secret's value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from swarmtui.actions.service_edit.edits import FieldEdit, entries, flag_words
from swarmtui.actions.service_edit.form import ServiceEditForm, SwarmNames
from swarmtui.actions.service_edit.keyed import keyed_changes
from swarmtui.actions.service_edit.spec_tree import CONTAINER, Spec, ensure, put_list
from swarmtui.actions.validation import InputError

OBJECT_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
SECRET_FILE_MODE = 0o444  # what the CLI gives a reference added without mode=


def _target(text: str) -> str:
    name, _, target = text.partition(":")
    return target or name


def _reference_parser(field: str, ids: Mapping[str, str]) -> Callable[[str], tuple[str, str]]:
    def parse(text: str) -> tuple[str, str]:
        name, _, target = text.partition(":")
        if not OBJECT_NAME_RE.match(name):
            raise InputError(field, f"{text!r}: entries are NAME or NAME:TARGET.")
        if name not in ids:
            raise InputError(field, f"No {field[:-1]} named {name!r} in the swarm.")
        return name, target or name

    return parse


def reference_edit(
    before: ServiceEditForm, after: ServiceEditForm, kind: str, names: SwarmNames
) -> FieldEdit | None:
    """kind: "Secret" or "Config"."""
    field = kind.lower() + "s"
    ids = names.secrets if kind == "Secret" else names.configs
    changes = keyed_changes(
        getattr(before, field),
        getattr(after, field),
        field,
        _target,
        _reference_parser(field, ids),
        "Target",
    )
    if not changes:
        return None
    old_name = {
        _target(text): text.partition(":")[0] for text in entries(getattr(before, field), field)
    }
    gone_names = {
        old_name[target]
        for target in changes.removed.keys() | changes.added.keys()
        if target in old_name
    }
    readd = {
        target: (name, target)
        for target, name in old_name.items()
        if name in gone_names and target not in changes.removed and target not in changes.added
    }
    flag = f"--{kind.lower()}"
    words: list[str] = []
    for name in sorted(gone_names):
        words += [f"{flag}-rm", name]
    for name, target in [*readd.values(), *changes.added.values()]:
        words += [f"{flag}-add", f"source={name},target={target}"]

    def apply(spec: Spec) -> None:
        container = ensure(spec, CONTAINER)
        gone = changes.removed.keys() | changes.added.keys()
        kept = [
            r
            for r in container.get(field.capitalize()) or []
            if "File" not in r or r["File"].get("Name") not in gone
        ]
        kept += [
            {
                "File": {"Name": target, "UID": "0", "GID": "0", "Mode": SECRET_FILE_MODE},
                f"{kind}ID": ids[name],
                f"{kind}Name": name,
            }
            for name, target in changes.added.values()
        ]
        put_list(container, field.capitalize(), kept)

    return FieldEdit(field, tuple(words), apply)


def networks_edit(
    before: ServiceEditForm, after: ServiceEditForm, names: SwarmNames
) -> FieldEdit | None:
    def network_key(text: str) -> str:
        return names.network_id(text) or text

    def known(text: str) -> str:
        if names.network_id(text) is None:
            raise InputError("networks", f"No network named {text!r} in the swarm.")
        return text

    changes = keyed_changes(
        before.networks, after.networks, "networks", network_key, known, "Network"
    )
    attached = {network_key(text) for text in entries(before.networks, "networks")}
    added = {key: text for key, text in changes.added.items() if key not in attached}
    if not changes.removed and not added:
        return None  # the same networks, named differently (id for name)
    words = flag_words("--network-rm", changes.removed.values()) + flag_words(
        "--network-add", added.values()
    )

    def apply(spec: Spec) -> None:
        template = ensure(spec, ("TaskTemplate",))
        # The CLI moves networks from the deprecated top-level field when it edits them.
        current = template.get("Networks") or spec.pop("Networks", None) or []
        spec.pop("Networks", None)
        gone = set(changes.removed) | set(changes.removed.values())  # ids, or names
        kept = [n for n in current if n.get("Target") not in gone]
        kept += [{"Target": network_key} for network_key in added]
        kept.sort(key=lambda n: str(n.get("Target", "")))
        put_list(template, "Networks", kept)

    return FieldEdit("networks", tuple(words), apply)
