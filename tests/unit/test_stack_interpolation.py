"""Compose variable interpolation, as `docker stack deploy` (the docker CLI 20.10+) does it."""

from __future__ import annotations

import pytest

from swarmtui.stacks.interpolation import InterpolationError, interpolate, substitute

ENV = {"TAG": "1.25", "EMPTY": "", "HOST": "db.local", "port_lower": "5432"}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("nginx:$TAG", "nginx:1.25"),
        ("nginx:${TAG}", "nginx:1.25"),
        ("${HOST}:${port_lower}", "db.local:5432"),
        ("$UNSET", ""),
        ("${UNSET}", ""),
        ("a${EMPTY}b", "ab"),
        ("price: $$5", "price: $5"),
        ("$${TAG}", "${TAG}"),
        ("$$$TAG", "$1.25"),
        ("${UNSET:-fallback}", "fallback"),
        ("${EMPTY:-fallback}", "fallback"),
        ("${TAG:-fallback}", "1.25"),
        ("${UNSET-fallback}", "fallback"),
        ("${EMPTY-fallback}", ""),
        ("${UNSET:-}", ""),
        ("${UNSET:-a b/c:d}", "a b/c:d"),
        ("${TAG:?needed}", "1.25"),
        ("${EMPTY?needed}", ""),
        ("no variables at all", "no variables at all"),
        ("$TAG$TAG", "1.251.25"),
        ("${tag}", ""),  # names are case-sensitive; only the syntax is not
    ],
)
def test_substitute(template: str, expected: str) -> None:
    assert substitute(template, ENV) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${UNSET:?set the tag}", "required variable UNSET is missing a value: set the tag"),
        ("${EMPTY:?set it}", "required variable EMPTY is missing a value: set it"),
        ("${UNSET?set it}", "required variable UNSET is missing a value: set it"),
        ("cost: $5", "invalid template: 'cost: $5'"),
        ("${}", "invalid template: '${}'"),
        ("${1ABC}", "invalid template: '${1ABC}'"),
        ("end$", "invalid template: 'end$'"),
    ],
)
def test_bad_templates_are_errors(template: str, message: str) -> None:
    with pytest.raises(InterpolationError) as caught:
        substitute(template, ENV)
    assert caught.value.message == message


def test_the_whole_file_is_interpolated_values_only() -> None:
    tree = {
        "services": {
            "web": {
                "image": "nginx:${TAG:-latest}",
                "ports": ["${PORT:-8080}:80"],
                "environment": {"$TAG": "$HOST"},
                "deploy": {"replicas": 3},
            }
        }
    }
    assert interpolate(tree, ENV) == {
        "services": {
            "web": {
                "image": "nginx:1.25",
                "ports": ["8080:80"],
                "environment": {"$TAG": "db.local"},  # keys stay as written
                "deploy": {"replicas": 3},
            }
        }
    }


def test_an_error_names_the_key_path() -> None:
    tree = {"services": {"db": {"environment": ["A=1", "PASSWORD=${DB_PASSWORD:?required}"]}}}
    with pytest.raises(InterpolationError) as caught:
        interpolate(tree, ENV)
    assert caught.value.where == "services.db.environment.1"
    assert str(caught.value) == (
        "services.db.environment.1: required variable DB_PASSWORD is missing a value: required"
    )
