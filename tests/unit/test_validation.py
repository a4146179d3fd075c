"""What the forms accept before anything is sent: each parser's good values, and the field and
message of its refusals (the console shows the message next to the named field)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from swarmtui.actions.validation import (
    MAX_REPLICAS,
    InputError,
    MountSpec,
    PortMapping,
    parse_constraints,
    parse_cpus,
    parse_duration,
    parse_env,
    parse_labels,
    parse_memory,
    parse_mounts,
    parse_ports,
    parse_replicas,
    parse_whole,
    validate_image,
    validate_service_name,
)


def refusal(parse: Callable[[], object]) -> InputError:
    with pytest.raises(InputError) as error:
        parse()
    return error.value


@pytest.mark.parametrize(
    ("text", "replicas"), [("0", 0), (" 3 ", 3), (str(MAX_REPLICAS), MAX_REPLICAS)]
)
def test_replicas(text: str, replicas: int) -> None:
    assert parse_replicas(text) == replicas


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a number of replicas."),
        ("abc", "'abc' is not a whole number >= 0."),
        ("-1", "'-1' is not a whole number >= 0."),
        ("1.5", "'1.5' is not a whole number >= 0."),
        (str(MAX_REPLICAS + 1), f"{MAX_REPLICAS + 1} replicas is more than the limit of 10000."),
    ],
)
def test_bad_replicas(text: str, message: str) -> None:
    error = refusal(lambda: parse_replicas(text, "scale"))
    assert (error.field, error.message) == ("scale", message)


@pytest.mark.parametrize("name", ["web", "a", "Web_1.v2-x", "9lives", "x" * 63])
def test_service_names(name: str) -> None:
    assert validate_service_name(f" {name} ") == name


@pytest.mark.parametrize("name", ["bad name!", "-leading-dash", ".dot", "x" * 64, "a/b"])
def test_bad_service_names(name: str) -> None:
    error = refusal(lambda: validate_service_name(name))
    assert error.field == "name" and "use letters, digits" in error.message


def test_a_service_needs_a_name() -> None:
    assert refusal(lambda: validate_service_name("  ")).message == "A service needs a name."


@pytest.mark.parametrize(
    "image",
    ["nginx", "swarmtui-workload:1", "registry:5000/team/app:v1.2", "app@sha256:abc123"],
)
def test_images(image: str) -> None:
    assert validate_image(image) == image


@pytest.mark.parametrize("image", ["my image", "-dash", "app!", "tab\tbed"])
def test_bad_images(image: str) -> None:
    error = refusal(lambda: validate_image(image))
    assert (error.field, error.message) == ("image", f"{image!r} is not a valid image reference.")


def test_an_image_is_required() -> None:
    assert refusal(lambda: validate_image("")).message == "An image is required."


def test_env_entries_separated_by_spaces_newlines_or_semicolons() -> None:
    assert parse_env("A=1 B=two\nC=;D=x=y") == ["A=1", "B=two", "C=", "D=x=y"]
    assert parse_env("") == []


@pytest.mark.parametrize("entry", ["DEBUG", "1A=x", "=x", "A-B=1"])
def test_bad_env(entry: str) -> None:
    error = refusal(lambda: parse_env(f"OK=1 {entry}"))
    assert (error.field, error.message) == ("env", f"{entry!r}: environment entries are KEY=VALUE.")


def test_labels_with_and_without_values() -> None:
    assert parse_labels("team=web tier com.example/x=1") == {
        "team": "web",
        "tier": "",
        "com.example/x": "1",
    }


def test_bad_label_names_its_field() -> None:
    error = refusal(lambda: parse_labels("=web", "node_labels"))
    assert (error.field, error.message) == ("node_labels", "'=web': labels are KEY or KEY=VALUE.")


@pytest.mark.parametrize(
    "constraint",
    [
        "node.role==manager",
        "node.role != worker",
        "node.hostname==worker1",
        "node.labels.zone!=a",
        "node.platform.os==linux",
        "engine.labels.ssd==true",
    ],
)
def test_constraints(constraint: str) -> None:
    assert parse_constraints(constraint.replace(" ", "")) == [constraint.replace(" ", "")]


@pytest.mark.parametrize("constraint", ["node.role=manager", "role==manager", "node.colour==red"])
def test_bad_constraints(constraint: str) -> None:
    error = refusal(lambda: parse_constraints(constraint))
    assert error.field == "constraints" and "constraints look like" in error.message


def test_ports_in_every_form() -> None:
    assert parse_ports("8080:80 80 5353:53/udp@host 9000:9000/sctp") == [
        PortMapping(80, 8080),
        PortMapping(80, None),
        PortMapping(53, 5353, "udp", "host"),
        PortMapping(9000, 9000, "sctp"),
    ]


def test_port_flags() -> None:
    assert PortMapping(80, 8080).flag() == "published=8080,target=80"
    assert PortMapping(80, None).flag() == "target=80"
    assert PortMapping(53, 5353, "udp", "host").flag() == (
        "published=5353,target=53,protocol=udp,mode=host"
    )


@pytest.mark.parametrize(
    ("ports", "message"),
    [
        ("70000", "target port '70000' is not between 1 and 65535."),
        ("70000:80", "published port '70000' is not between 1 and 65535."),
        ("0:80", "published port '0' is not between 1 and 65535."),
        ("8080:http", "target port 'http' is not between 1 and 65535."),
        ("80/icmp", "'80/icmp': protocol is tcp, udp or sctp."),
        ("80@local", "'80@local': publish mode is ingress or host."),
        ("8080:80 8080:81", "The same published port appears twice."),
    ],
)
def test_bad_ports(ports: str, message: str) -> None:
    error = refusal(lambda: parse_ports(ports))
    assert (error.field, error.message) == ("ports", message)


def test_the_same_target_may_be_published_twice() -> None:
    assert len(parse_ports("8080:80 8081:80 80")) == 3


def test_mounts() -> None:
    assert parse_mounts("volume:data:/data bind:/etc:/host-etc:ro") == [
        MountSpec("volume", "data", "/data", False),
        MountSpec("bind", "/etc", "/host-etc", True),
    ]
    assert (
        MountSpec("bind", "/etc", "/e", True).flag() == "type=bind,source=/etc,target=/e,readonly"
    )


@pytest.mark.parametrize(
    ("mount", "message"),
    [
        ("tmpfs:x:/x", "use volume:NAME:/path or bind:/src:/path[:ro]"),
        ("volume:data", "use volume:NAME:/path or bind:/src:/path[:ro]"),
        ("volume:data:relative", "paths must be absolute"),
        ("bind:etc:/etc", "paths must be absolute"),
    ],
)
def test_bad_mounts(mount: str, message: str) -> None:
    error = refusal(lambda: parse_mounts(mount))
    assert error.field == "mounts" and message in error.message


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        ("", None),
        ("500ms", 500_000_000),
        ("10s", 10 * 10**9),
        ("1.5m", 90 * 10**9),
        ("2h", 7200 * 10**9),
    ],
)
def test_durations(text: str, nanos: int | None) -> None:
    assert parse_duration(text, "update_delay") == nanos


@pytest.mark.parametrize("text", ["10 seconds", "10", "s", "-1s"])
def test_bad_durations(text: str) -> None:
    error = refusal(lambda: parse_duration(text, "update_delay"))
    assert error.field == "update_delay" and "durations look like 10s" in error.message


def test_cpus() -> None:
    assert parse_cpus("", "limit_cpus") is None
    assert parse_cpus("0.5", "limit_cpus") == 500_000_000
    assert parse_cpus("2", "limit_cpus") == 2 * 10**9


@pytest.mark.parametrize(
    ("text", "message"), [("lots", "is not a number of CPUs"), ("0", "must be above 0")]
)
def test_bad_cpus(text: str, message: str) -> None:
    error = refusal(lambda: parse_cpus(text, "reserve_cpus"))
    assert error.field == "reserve_cpus" and message in error.message


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("", None),
        ("512", 512),
        ("64M", 64 * 2**20),
        ("1g", 2**30),
        ("1.5GB", 3 * 2**29),
        ("16kb", 16 * 2**10),
    ],
)
def test_memory(text: str, amount: int | None) -> None:
    assert parse_memory(text, "reserve_memory") == amount


def test_a_memory_limit_below_6m_is_refused_a_reservation_is_not() -> None:
    error = refusal(lambda: parse_memory("4M", "limit_memory"))
    assert (error.field, error.message) == (
        "limit_memory",
        "A memory limit below 6M cannot start a container.",
    )
    assert parse_memory("4M", "reserve_memory") == 4 * 2**20


def test_bad_memory() -> None:
    error = refusal(lambda: parse_memory("lots", "limit_memory"))
    assert error.message == "'lots': memory looks like 512M or 1G."


def test_whole_numbers() -> None:
    assert parse_whole("", "update_parallelism") is None
    assert parse_whole("3", "update_parallelism") == 3
    error = refusal(lambda: parse_whole("0", "update_parallelism", minimum=1))
    assert (error.field, error.message) == ("update_parallelism", "'0' is not a whole number >= 1.")
