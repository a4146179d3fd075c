"""Names in a stack: the namespace prefix and label, valid stack names and image references."""

from __future__ import annotations

import re

NAMESPACE_LABEL = "com.docker.stack.namespace"
IMAGE_LABEL = "com.docker.stack.image"
DEFAULT_NETWORK = "default"
# Service names the engine accepts are at most 63 characters of this shape; the stack
# name prefixes every one of them.
_STACK_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_IMAGE = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?"  # registry
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"  # first path component
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"  # more components
    r"(?::[\w][\w.-]{0,127})?"  # tag
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"  # digest
)
_LOCAL_NETWORKS = frozenset({"bridge", "host", "none", "default"})


def scope(stack: str, name: str) -> str:
    return f"{stack}_{name}"


def stack_name_problem(name: str) -> str | None:
    """Why NAME cannot name a stack, or None."""
    if not name:
        return "a stack needs a name"
    if not _STACK_NAME.match(name):
        return (
            f"{name!r} is not a valid stack name: letters, digits, '_', '.' and '-', "
            "starting with a letter or digit"
        )
    if len(name) > 50:
        return f"{name!r} is too long for a stack name (at most 50 characters)"
    return None


def image_problem(image: str) -> str | None:
    if not image:
        return "no image specified"
    if not _IMAGE.match(image):
        return f"{image!r} is not a valid image reference"
    return None


def is_user_defined_network(name: str) -> bool:
    """Aliases exist only on user-defined networks (not bridge, host, none, container:...)."""
    return name not in _LOCAL_NETWORKS and not name.startswith("container:")
