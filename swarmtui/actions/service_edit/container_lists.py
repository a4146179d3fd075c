"""Environment, service labels, published ports and mounts: edited entry by entry, matched by
key as `--env-add/--env-rm`, `--label-add/--label-rm`, `--publish-add/--publish-rm` and
`--mount-add/--mount-rm` match them."""

from __future__ import annotations

from swarmtui.actions.service_edit.edits import FieldEdit, entries, flag_words
from swarmtui.actions.service_edit.form import ServiceEditForm
from swarmtui.actions.service_edit.keyed import before_equals, keyed_changes
from swarmtui.actions.service_edit.spec_tree import CONTAINER, Spec, ensure, put_list
from swarmtui.actions.validation import (
    InputError,
    MountSpec,
    PortMapping,
    env_entry,
    label_entry,
    mount_entry,
    port_entry,
    refuse_repeated_published,
)


def env_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    changes = keyed_changes(before.env, after.env, "env", before_equals, env_entry, "Variable")
    if not changes:
        return None
    words = flag_words("--env-rm", changes.removed) + flag_words(
        "--env-add", changes.added.values()
    )

    def apply(spec: Spec) -> None:
        container = ensure(spec, CONTAINER)
        kept = []
        placed = set()
        for entry in container.get("Env") or []:
            key = before_equals(entry)
            if key in changes.removed or key in placed:
                continue
            kept.append(changes.added.get(key, entry))
            placed.add(key)
        kept += [entry for key, entry in changes.added.items() if key not in placed]
        put_list(container, "Env", kept)

    return FieldEdit("env", tuple(words), apply)


def labels_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    changes = keyed_changes(
        before.labels, after.labels, "labels", before_equals, label_entry, "Label"
    )
    if not changes:
        return None
    words = flag_words("--label-rm", changes.removed) + flag_words(
        "--label-add", (f"{key}={value}" if value else key for key, value in changes.added.values())
    )

    def apply(spec: Spec) -> None:
        labels = spec.get("Labels")
        if not isinstance(labels, dict):
            labels = spec["Labels"] = {}
        for key in changes.removed:
            labels.pop(key, None)
        labels.update(changes.added.values())

    return FieldEdit("labels", tuple(words), apply)


def _port_key(text: str) -> str:
    try:
        port = port_entry(text)
    except InputError:
        return text
    return f"{port.target}/{port.protocol}@{port.mode}"


def _publish_rm_value(text: str) -> str:
    """What `--publish-rm` matches: target, protocol and mode (published is ignored)."""
    try:
        port = port_entry(text)
    except InputError:
        return text
    if port.protocol == "tcp" and port.mode == "ingress":
        return str(port.target)
    return PortMapping(port.target, None, port.protocol, port.mode).flag()


def _spec_port_key(port: Spec) -> str:
    protocol = port.get("Protocol") or "tcp"
    return f"{port.get('TargetPort', 0)}/{protocol}@{port.get('PublishMode') or 'ingress'}"


def _engine_port(port: PortMapping) -> Spec:
    entry: Spec = {"Protocol": port.protocol, "TargetPort": port.target}
    if port.published is not None:
        entry["PublishedPort"] = port.published
    entry["PublishMode"] = port.mode
    return entry


def _cli_port_order(port: Spec) -> str:
    """The CLI sorts ports by this text after --publish-add/--publish-rm."""
    return (
        f"{port.get('PublishedPort', 0)}:{port.get('TargetPort', 0)}"
        f"/{port.get('Protocol', '')}/{port.get('PublishMode', '')}"
    )


def ports_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    changes = keyed_changes(before.ports, after.ports, "ports", _port_key, port_entry, "Port")
    if not changes:
        return None
    refuse_repeated_published([port_entry(text) for text in entries(after.ports, "ports")])
    was = {_port_key(text): text for text in entries(before.ports, "ports")}
    replaced = [key for key in was if key in changes.removed or key in changes.added]
    words = flag_words("--publish-rm", (_publish_rm_value(was[key]) for key in replaced))
    words += flag_words("--publish-add", (port.flag() for port in changes.added.values()))

    def apply(spec: Spec) -> None:
        endpoint = ensure(spec, ("EndpointSpec",))
        gone = changes.removed.keys() | changes.added.keys()
        ports = [p for p in endpoint.get("Ports") or [] if _spec_port_key(p) not in gone]
        ports += [_engine_port(p) for p in changes.added.values()]
        put_list(endpoint, "Ports", sorted(ports, key=_cli_port_order))

    return FieldEdit("ports", tuple(words), apply)


def _mount_target(text: str) -> str:
    parts = text.split(":")
    if parts[-1] == "ro" and len(parts) > 2:
        parts = parts[:-1]
    return parts[-1]


def edit_mount_entry(text: str) -> MountSpec:
    """The create form's mounts, and `tmpfs:/path`."""
    kind, _, target = text.partition(":")
    if kind != "tmpfs":
        return mount_entry(text)
    if not target.startswith("/") or ":" in target:
        raise InputError("mounts", f"{text!r}: use tmpfs:/path (an absolute path).")
    return MountSpec("tmpfs", "", target, False)


def _engine_mount(mount: MountSpec) -> Spec:
    entry: Spec = {"Type": mount.kind}
    if mount.source:
        entry["Source"] = mount.source
    entry["Target"] = mount.target
    if mount.read_only:
        entry["ReadOnly"] = True
    return entry


def mounts_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    changes = keyed_changes(
        before.mounts, after.mounts, "mounts", _mount_target, edit_mount_entry, "Mount target"
    )
    if not changes:
        return None
    words = flag_words("--mount-rm", changes.removed) + flag_words(
        "--mount-add", (mount.flag() for mount in changes.added.values())
    )

    def apply(spec: Spec) -> None:
        container = ensure(spec, CONTAINER)
        gone = changes.removed.keys() | changes.added.keys()
        mounts = [m for m in container.get("Mounts") or [] if m.get("Target") not in gone]
        mounts += [_engine_mount(m) for m in changes.added.values()]
        # the CLI's order after --mount-add/--mount-rm
        mounts.sort(key=lambda m: (m.get("Source", ""), m.get("Target", "")))
        put_list(container, "Mounts", mounts)

    return FieldEdit("mounts", tuple(words), apply)


def _keys(text: str) -> set[str]:
    return {_port_key(entry) for entry in entries(text, "ports")}
