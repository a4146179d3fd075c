"""Reading compose files and .env files for stacks (no Docker)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from swarmtui.stacks.compose_file import ComposeFileError, load_compose_file, parse_compose
from swarmtui.stacks.env_file import EnvFileError, parse_env, read_env_file
from swarmtui.stacks.yaml_loader import ComposeYamlLoader, fast_loader

STACK = """\
version: "3.8"
x-defaults: &defaults
  restart_policy:
    condition: on-failure
  labels:
    team: web
services:
  web:
    image: nginx:${TAG:-1.25}
    deploy:
      <<: *defaults
      replicas: 2
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db
"""


def test_anchors_merge_keys_and_x_fields_are_plain_data() -> None:
    data = parse_compose(STACK, "stack.yml", {}).data
    assert data["x-defaults"]["labels"] == {"team": "web"}
    assert data["services"]["web"]["deploy"] == {
        "restart_policy": {"condition": "on-failure"},
        "labels": {"team": "web"},
        "replicas": 2,
    }
    assert data["services"]["web"]["image"] == "nginx:1.25"


def test_crlf_line_endings_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "stack.yml"
    path.write_bytes(STACK.replace("\n", "\r\n").encode())
    assert (
        load_compose_file(path, {"TAG": "1.27"}).data
        == parse_compose(STACK, "x", {"TAG": "1.27"}).data
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("services:\n  web:\n    image: [nginx\n", 4, "not valid YAML"),
        ("services:\n  web:\n\timage: nginx\n", 3, "not valid YAML"),
        ("- just\n- a list\n", 1, "the top level must be a mapping"),
        ("", 0, "the file is empty"),
    ],
)
def test_broken_yaml_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ComposeFileError) as caught:
        parse_compose(text, "broken.yml", {})
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith("broken.yml")


def test_a_missing_required_variable_names_file_line_and_key() -> None:
    text = "services:\n  db:\n    image: postgres\n    environment:\n      - PW=${PW:?set PW}\n"
    with pytest.raises(ComposeFileError) as caught:
        parse_compose(text, "stack.yml", {})
    error = caught.value
    assert (error.line, error.key) == (5, "services.db.environment.0")
    assert str(error) == (
        "stack.yml:5: services.db.environment.0: required variable PW is missing a value: set PW"
    )


def test_an_unreadable_file_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(ComposeFileError, match="cannot read it"):
        load_compose_file(tmp_path / "absent.yml", {})


def test_env_files() -> None:
    text = (
        "# settings\n"
        "\n"
        "TAG=1.25\n"
        "export HOST = db.local\n"
        "GREETING='hello # not a comment'\n"
        'MULTI="a\\nb \\"q\\""\n'
        "EMPTY=\n"
        "PLAIN=value # a comment\n"
        "URL=http://x/#frag\n"
    )
    assert parse_env(text) == {
        "TAG": "1.25",
        "HOST": "db.local",
        "GREETING": "hello # not a comment",
        "MULTI": 'a\nb "q"',
        "EMPTY": "",
        "PLAIN": "value",
        "URL": "http://x/#frag",
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("A=1\nNOVALUE\n", 2, "expected KEY=VALUE"),
        ("1BAD=x\n", 1, "is not a variable name"),
        ('A="open\n', 1, "no closing"),
    ],
)
def test_bad_env_files_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(EnvFileError) as caught:
        parse_env(text, "prod.env")
    assert caught.value.line == line and message in caught.value.message
    assert str(caught.value).startswith(f"prod.env:{line}:")


def test_env_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("TAG=2\r\n")
    assert read_env_file(path) == {"TAG": "2"}
    with pytest.raises(EnvFileError, match="cannot read it"):
        read_env_file(tmp_path / "missing.env")


SCALARS = """\
services:
  api:
    image: "nginx"
    ports: [8080:80]
    labels: {on: yes, mode: 0400, date: 2024-01-01, ratio: 1.5, none: ~}
    deploy: {replicas: 0x10}
"""


def test_libyaml_reads_what_pyyamls_own_parser_reads() -> None:
    """The fast loader (libyaml's parser when PyYAML has it) and the pure-Python one give
    the same data and the same lines: the same YAML 1.2 scalars, the same merges."""
    text = STACK + SCALARS.replace("services:\n", "")  # api: a third service
    fast, own = fast_loader(text), ComposeYamlLoader(text)
    try:
        fast_node, own_node = fast.get_single_node(), own.get_single_node()
        assert fast_node is not None and own_node is not None
        assert fast.construct_document(fast_node) == own.construct_document(own_node)
        assert fast_node.value[0][1].start_mark.line == own_node.value[0][1].start_mark.line
    finally:
        fast.dispose()
        own.dispose()
    if getattr(yaml, "__with_libyaml__", False):
        assert type(fast).__name__ == "FastComposeYamlLoader"


def test_an_error_is_said_as_pyyamls_own_parser_says_it() -> None:
    """libyaml leaves an undefined alias unnamed: the file is read again for the message."""
    with pytest.raises(ComposeFileError) as caught:
        parse_compose("services:\n  web:\n    deploy: *defaults\n", "alias.yml", {})
    assert "found undefined alias 'defaults'" in caught.value.message
    assert caught.value.line == 3
    with pytest.raises(ComposeFileError) as twice:
        parse_compose("services:\n  web: {}\n  web: {}\n", "twice.yml", {})
    assert "mapping key 'web' already defined at line 2" in twice.value.message
