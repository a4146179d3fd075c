"""Comparing what two deploys of one compose file made under two stack names."""

from __future__ import annotations

from typing import Any


def renamed(tree: Any, old: str, new: str) -> Any:
    """TREE with stack OLD's names (OLD itself, OLD_x) as stack NEW's."""
    if isinstance(tree, str):
        if tree == old:
            return new
        return new + tree[len(old) :] if tree.startswith(old + "_") else tree
    if isinstance(tree, dict):
        return {renamed(k, old, new): renamed(v, old, new) for k, v in tree.items()}
    if isinstance(tree, list):
        return [renamed(item, old, new) for item in tree]
    return tree
