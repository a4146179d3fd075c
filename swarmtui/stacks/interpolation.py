"""Variable interpolation in compose files, as `docker stack deploy` does it.

`$$` is a literal `$`. `$NAME` and `${NAME}` are the variable (empty when unset). In braces:
`${NAME:-default}` (unset or empty), `${NAME-default}` (unset), `${NAME:?message}` (an error
when unset or empty), `${NAME?message}` (an error when unset). Names are letters, digits and
`_`, not starting with a digit. Any other `$` is an invalid template. Only values are
interpolated, never keys. The modifiers are tried in the docker CLI's order (`:-`, `-`, `:?`,
`?`), so a required variable's message must not contain `-`, as with the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_NAME = r"[_a-z][_a-z0-9]*"
_EXPRESSION = rf"{_NAME}(?::?[-?][^}}]*)?"
_TOKEN = re.compile(
    rf"\$(?:(?P<escaped>\$)|(?P<named>{_EXPRESSION})|{{(?P<braced>{_EXPRESSION})}}|(?P<invalid>))",
    re.IGNORECASE,
)


class InterpolationError(ValueError):
    """A value that cannot be interpolated; WHERE is its key path (services.web.image)."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


def substitute(template: str, env: Mapping[str, str]) -> str:
    """TEMPLATE with its variables replaced from ENV; raises InterpolationError."""

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        expression = match.group("named") or match.group("braced")
        if not expression:
            raise InterpolationError(f"invalid template: {template!r}")
        return _evaluate(expression, env)

    return _TOKEN.sub(replace, template)


def _evaluate(expression: str, env: Mapping[str, str]) -> str:
    if ":-" in expression:
        name, default = expression.split(":-", 1)
        return env.get(name) or default
    if "-" in expression:
        name, default = expression.split("-", 1)
        return env.get(name, default)
    if ":?" in expression:
        name, message = expression.split(":?", 1)
        if not env.get(name):
            raise InterpolationError(f"required variable {name} is missing a value: {message}")
        return env[name]
    if "?" in expression:
        name, message = expression.split("?", 1)
        if name not in env:
            raise InterpolationError(f"required variable {name} is missing a value: {message}")
        return env[name]
    return env.get(expression, "")


def interpolate(tree: Any, env: Mapping[str, str], where: str = "") -> Any:
    """TREE (parsed YAML) with every string value interpolated; keys are left as they are.
    An error names the key path of the value."""
    if isinstance(tree, str):
        try:
            return substitute(tree, env)
        except InterpolationError as exc:
            raise InterpolationError(exc.message, where) from None
    if isinstance(tree, Mapping):
        return {key: interpolate(value, env, _join(where, str(key))) for key, value in tree.items()}
    if isinstance(tree, list):
        return [interpolate(item, env, _join(where, str(i))) for i, item in enumerate(tree)]
    return tree


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
