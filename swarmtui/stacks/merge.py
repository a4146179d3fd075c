"""Several compose files (`-c a.yml -c b.yml`) merged in order, as `docker stack deploy`
merges them: a later file's service is laid over the earlier one field by field (mappings
merged, lists appended, a set value replacing), ports, volumes, secrets and configs merged by
their key (published port, target, source); a top-level network, volume, secret or config of
a later file replaces the earlier one of the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from swarmtui.stacks.normalize import SECTIONS

# List fields merged by a key of their entries, then ordered by it.
_KEYED: dict[str, Callable[[Any], Any]] = {
    "ports": lambda port: port.published or 0,
    "volumes": lambda volume: volume.get("target", ""),
    "secrets": lambda ref: ref.get("source", ""),
    "configs": lambda ref: ref.get("source", ""),
}
_REPLACED_LISTS = frozenset({"command", "entrypoint", "test"})


def merge_files(files: list[dict[str, Any]]) -> dict[str, Any]:
    """The canonical forms of several files as one."""
    merged: dict[str, Any] = {"services": {}, **{section: {} for section in SECTIONS}}
    for data in files:
        for name, service in data["services"].items():
            base = merged["services"].get(name)
            merged["services"][name] = service if base is None else merge_service(base, service)
        for section in SECTIONS:
            merged[section].update(data[section])
    return merged


def merge_service(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        result[key] = _merge_field(key, result.get(key), value)
    # As in the CLI, a keyed list the earlier file has is merged by key, and so ordered by
    # it (and its duplicates by key dropped), even when the later file does not name it.
    for key in _KEYED:
        if isinstance(base.get(key), list) and key not in override:
            result[key] = _merge_field(key, base[key], [])
    return result


def _merge_field(key: str, base: Any, override: Any) -> Any:
    if base is None:
        return override
    if key in _KEYED and isinstance(base, list) and isinstance(override, list):
        by_key = {_KEYED[key](entry): entry for entry in base}
        by_key.update({_KEYED[key](entry): entry for entry in override})
        return [by_key[k] for k in sorted(by_key)]
    if key == "logging" and isinstance(base, dict) and isinstance(override, dict):
        return _merge_logging(base, override)
    if key == "networks" and isinstance(base, dict) and isinstance(override, dict):
        networks = dict(base)
        for name, config in override.items():
            if name not in networks or config:
                networks[name] = config
        return networks
    if key in ("ulimits",) and isinstance(base, dict) and isinstance(override, dict):
        return {**base, **override}
    if key == "replicas":
        return override
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for inner, value in override.items():
            merged[inner] = _merge_field(inner, merged.get(inner), value)
        return merged
    if isinstance(base, list) and isinstance(override, list):
        if key in _REPLACED_LISTS:
            return override or base
        return base + override
    if (
        override is None
        or override == ""
        or override is False
        or (isinstance(override, (int, float)) and not isinstance(override, bool) and override == 0)
    ):
        return base  # a zero value does not replace (Go's merge works on zero values)
    return override


def _merge_logging(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    base_driver, override_driver = base.get("driver", ""), override.get("driver", "")
    if base_driver and override_driver and base_driver != override_driver:
        return override
    return {
        "driver": base_driver or override_driver,
        "options": {**(base.get("options") or {}), **(override.get("options") or {})},
    }
