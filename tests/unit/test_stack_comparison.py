"""The comparison the stack corpus test makes between two deployments (helpers/stack_state):
the stack's name normalised away and nothing else, differences reported at their path."""

from __future__ import annotations

from helpers.stack_state import differences, normalise, renamer


def test_the_stack_name_is_normalised_in_names_labels_and_references_only() -> None:
    spec = {
        "Name": "shop_web",
        "Labels": {"com.docker.stack.namespace": "shop", "team": "shop-team"},
        "Networks": [{"Target": "shop_default", "Aliases": ["web", "shop"]}],
        "Env": ["STACK=shop_web", "OTHER=shopping_web"],
    }
    assert normalise(spec, renamer("shop")) == {
        "Name": "<STACK>_web",
        "Labels": {"com.docker.stack.namespace": "<STACK>", "team": "shop-team"},
        "Networks": [{"Target": "<STACK>_default", "Aliases": ["web", "<STACK>"]}],
        "Env": ["STACK=shop_web", "OTHER=shopping_web"],
    }


def test_differences_name_each_path_with_both_values() -> None:
    reference = {"a": {"b": [1, 2], "c": "x"}, "gone": True}
    other = {"a": {"b": [1, 3], "c": "x", "new": None}}
    assert differences(reference, other) == [
        "a.b[1]: 2 vs 3",
        "a.new: <absent> vs None",
        "gone: True vs <absent>",
    ]


def test_lists_of_another_length_are_one_difference() -> None:
    assert differences({"Env": ["A=1"]}, {"Env": ["A=1", "B=2"]}) == [
        "Env: ['A=1'] vs ['A=1', 'B=2']"
    ]
    assert differences({"same": [{"x": 1}]}, {"same": [{"x": 1}]}) == []
