"""An exported compose file as text: YAML in the order it was built (image first, deploy
after the references), every `$` doubled so interpolation gives it back, file modes in octal,
no anchors, no line folding; a comment header on top."""

from __future__ import annotations

from typing import Any

import yaml

from swarmtui.stacks.export_service import FileMode


class _ExportDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value written twice is written out twice, never as &id001/*id001


def _file_mode(dumper: yaml.SafeDumper, mode: FileMode) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:int", f"0{int(mode):o}")


def _empty(dumper: yaml.SafeDumper, value: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")  # `default:`, not `default: null`


_ExportDumper.add_representer(FileMode, _file_mode)
_ExportDumper.add_representer(type(None), _empty)


def escaped(tree: Any) -> Any:
    """TREE with `$` written `$$` in every value (keys are never interpolated)."""
    if isinstance(tree, str):
        return tree.replace("$", "$$")
    if isinstance(tree, dict):
        return {key: escaped(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [escaped(item) for item in tree]
    return tree


def compose_text(compose: dict[str, Any], header: list[str]) -> str:
    body = yaml.dump(
        escaped(compose),
        Dumper=_ExportDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header)
    return comments + body
