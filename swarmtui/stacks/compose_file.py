"""Reading one compose file: YAML (anchors, merge keys, `x-` fields, CRLF) into plain data,
interpolated, with errors that name the file, the line and the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from swarmtui.stacks.interpolation import InterpolationError, interpolate
from swarmtui.stacks.yaml_loader import ComposeYamlLoader, fast_loader


class ComposeFileError(ValueError):
    """What is wrong with a compose file, and where (LINE 0: the file as a whole)."""

    def __init__(self, path: str, message: str, line: int = 0, key: str = "") -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")
        self.path = path
        self.line = line
        self.key = key
        self.message = message


@dataclass(frozen=True)
class ComposeFile:
    path: str
    data: dict[str, Any]
    node: yaml.Node | None = field(default=None, compare=False, repr=False)

    def line(self, where: str) -> int:
        """The line of the value at key path WHERE, 0 when the file does not have it."""
        return line_of(self.node, where, exact=True)

    def error(self, where: str, message: str) -> ComposeFileError:
        return ComposeFileError(self.path, message, line_of(self.node, where), where)


def load_compose_file(path: Path, env: Mapping[str, str]) -> ComposeFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ComposeFileError(str(path), f"cannot read it: {exc.strerror or exc}") from None
    return parse_compose(text, str(path), env)


def _read_yaml(loader: ComposeYamlLoader) -> tuple[yaml.Node | None, Any]:
    """The document's node (parsed once: the nodes give lines for errors) and its data."""
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _yaml_problem(source: str, exc: yaml.YAMLError) -> ComposeFileError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "not valid YAML"
        return ComposeFileError(source, f"not valid YAML: {problem}", line)
    return ComposeFileError(source, f"not valid YAML: {exc}")


def parse_compose(text: str, source: str, env: Mapping[str, str]) -> ComposeFile:
    """SOURCE's TEXT as data, every value interpolated from ENV."""
    try:
        node, data = _read_yaml(fast_loader(text))
    except yaml.YAMLError as fast_error:
        try:  # again, with PyYAML's own parser: its errors say more
            node, data = _read_yaml(ComposeYamlLoader(text))
        except yaml.YAMLError as exc:
            raise _yaml_problem(source, exc) from None
        raise _yaml_problem(source, fast_error) from None
    if data is None:
        raise ComposeFileError(source, "the file is empty")
    if not isinstance(data, dict):
        raise ComposeFileError(source, "the top level must be a mapping (services:, ...)", 1)
    try:
        interpolated = interpolate(data, env)
    except InterpolationError as exc:
        raise ComposeFileError(source, exc.message, line_of(node, exc.where), exc.where) from None
    return ComposeFile(source, interpolated, node)


def line_of(node: yaml.Node | None, where: str, exact: bool = False) -> int:
    """The 1-based line of key path WHERE (services.web.ports.0) in NODE: the line of its
    key (or list item), of the deepest part found, or (EXACT) 0 unless the whole path is
    there. Keys brought in by a `<<` merge key are looked up in the merged mappings."""
    line = 0
    for part in where.split(".") if where else []:
        if isinstance(node, yaml.MappingNode):
            pair = _pair(node, part)
            node = pair[1] if pair else None
            mark = pair[0].start_mark if pair else None
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            mark = node.start_mark
        elif isinstance(node, yaml.SequenceNode):  # a list of names: the item naming PART
            node = next((item for item in node.value if str(item.value) == part), None)
            mark = node.start_mark if node is not None else None
        else:
            node, mark = None, None
        if node is None or mark is None:
            return 0 if exact else line
        line = mark.line + 1
    return line


def _pair(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    merged: list[yaml.Node] = []
    for k, v in node.value:
        if str(k.value) == key:
            return k, v
        if k.tag == "tag:yaml.org,2002:merge":
            merged += v.value if isinstance(v, yaml.SequenceNode) else [v]
    for source in merged:
        if isinstance(source, yaml.MappingNode):
            found = _pair(source, key)
            if found is not None:
                return found
    return None
