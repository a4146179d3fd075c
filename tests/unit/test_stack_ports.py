"""`ports:` of a compose service as swarm port configs (short and long syntax)."""

from __future__ import annotations

import pytest

from swarmtui.stacks.ports import PortConfig, PortError, parse_port, parse_ports


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (80, [PortConfig(80)]),
        ("80", [PortConfig(80)]),
        ("8080:80", [PortConfig(80, 8080)]),
        ("8080:80/udp", [PortConfig(80, 8080, "udp")]),
        ("127.0.0.1:8080:80", [PortConfig(80, 8080)]),
        ("[::1]:8080:80/sctp", [PortConfig(80, 8080, "sctp")]),
        ("8000-8001:80-81", [PortConfig(80, 8000), PortConfig(81, 8001)]),
        ("9000-9001", [PortConfig(9000), PortConfig(9001)]),
        ({"target": 80, "published": 8080}, [PortConfig(80, 8080)]),
        (
            {"target": "53", "protocol": "udp", "mode": "host"},
            [PortConfig(53, None, "udp", "host")],
        ),
        ({"target": 80, "published": None}, [PortConfig(80)]),
    ],
)
def test_ports(value: object, expected: list[PortConfig]) -> None:
    assert parse_port(value) == expected


def test_engine_spec() -> None:
    assert PortConfig(80, 8080).engine_spec() == {
        "Protocol": "tcp",
        "TargetPort": 80,
        "PublishedPort": 8080,
        "PublishMode": "ingress",
    }
    assert "PublishedPort" not in PortConfig(80).engine_spec()  # the engine picks one


@pytest.mark.parametrize(
    ("value", "message", "where"),
    [
        ("70000:80", "70000 is out of range (1-65535)", "ports.0"),
        ("0", "0 is out of range", "ports.0"),
        ("8080:80/icmp", "'icmp' is not a protocol", "ports.0"),
        ("80:eighty", "is not a port", "ports.0"),
        ("8000-8002:80-81", "differ in length", "ports.0"),
        ("81-80", "is an empty range", "ports.0"),
        ({"published": 8080}, "a port needs a target", "ports.0"),
        ({"target": 80, "mode": "bridge"}, "'bridge' is not a publish mode", "ports.0.mode"),
        ({"target": 80, "host_ip": "1.2.3.4"}, "unknown key 'host_ip'", "ports.0"),
        ({"target": "http"}, "'http' is not a port number", "ports.0.target"),
        (True, "is not a port", "ports.0"),
        ([80], "is not a port", "ports.0"),
    ],
)
def test_bad_ports_say_what_and_where(value: object, message: str, where: str) -> None:
    with pytest.raises(PortError) as caught:
        parse_ports([value])
    assert message in caught.value.message
    assert caught.value.where == where


def test_ports_must_be_a_list() -> None:
    with pytest.raises(PortError, match="a list of ports"):
        parse_ports("8080:80", "services.web.ports")
