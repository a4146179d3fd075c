"""What a compose file for `docker stack deploy` may hold, checked before anything is built.

The shapes follow the compose file format version 3 as the docker CLI validates it: an unknown
key is an error (except `x-` extensions where the format allows them), and so is a value of
the wrong type. Interpolated strings are first turned into the number or boolean their key
needs (`replicas: ${N}`), as the CLI does. Every problem names its key path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmtui.stacks.key_problem import KeyProblem
from swarmtui.stacks.values import (
    ValueProblem,
    as_bool,
    as_float,
    as_int,
    parse_cpus,
    parse_duration,
    parse_size,
)


@dataclass(frozen=True)
class Kind:
    """A scalar: NAME for messages, ACCEPTS for the check."""

    name: str
    accepts: Callable[[Any], bool]
    check: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class ListOf:
    item: Shape


@dataclass(frozen=True)
class Obj:
    """A mapping with known KEYS; VALUES is the shape of any other key (None: unknown keys
    are errors); EXTENSIONS allows `x-` keys; REQUIRED keys must be there."""

    keys: Mapping[str, Shape] = field(default_factory=dict)
    values: Shape | None = None
    extensions: bool = False
    required: tuple[str, ...] = ()
    key_pattern: str | None = None


@dataclass(frozen=True)
class OneOf:
    options: tuple[Shape, ...]
    name: str


Shape = Kind | ListOf | Obj | OneOf


def _duration_check(value: Any) -> None:
    parse_duration(value)


STRING = Kind("a string", lambda v: isinstance(v, str))
INTEGER = Kind("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool))
NUMBER = Kind("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
BOOLEAN = Kind("a boolean", lambda v: isinstance(v, bool))
NULL = Kind("empty", lambda v: v is None)
ANYTHING = Kind("anything", lambda v: True)
DURATION = Kind("a duration (e.g. 10s, 1m30s)", lambda v: isinstance(v, str), _duration_check)


def _size_check(value: Any) -> None:
    parse_size(value)


def _cpus_check(value: Any) -> None:
    parse_cpus(value)


SIZE = Kind("a size (e.g. 512M, 1G)", lambda v: isinstance(v, str), _size_check)
CPUS = Kind("a number of CPUs as a string (e.g. '0.5')", lambda v: isinstance(v, str), _cpus_check)
_CONSTRAINT_KEY = re.compile(r"^[a-zA-Z_][a-zA-Z0-9\-_.]+$")
_CONSTRAINT_VALUE = re.compile(r"^[a-zA-Z0-9:\-_\s.*()?+\[\]\\^$|/]+$")


def _constraint_check(value: Any) -> None:
    """A placement constraint as the swarm parses it: KEY==VALUE or KEY!=VALUE, the value
    without quotes or operators."""
    text = str(value)
    for operator in ("==", "!="):
        key, found, rest = text.partition(operator)
        if found:
            key, rest = key.strip(), rest.strip()
            if not _CONSTRAINT_KEY.match(key):
                raise ValueProblem(f"{text!r}: {key!r} is not a constraint key")
            if not _CONSTRAINT_VALUE.match(rest):
                raise ValueProblem(
                    f"{text!r}: {rest!r} is not a constraint value (no quotes or operators)"
                )
            return
    raise ValueProblem(f"{text!r} is not a constraint: KEY==VALUE or KEY!=VALUE")


CONSTRAINT = Kind(
    "a constraint (node.role==manager)", lambda v: isinstance(v, str), _constraint_check
)
STRING_OR_LIST = OneOf((STRING, ListOf(STRING)), "a string or a list of strings")
LIST_OR_DICT = OneOf(
    (
        Obj(values=OneOf((STRING, NUMBER, NULL), "a string, a number or empty")),
        ListOf(STRING),
    ),
    "a mapping or a list of KEY=VALUE strings",
)
COMMAND = OneOf((STRING, ListOf(STRING)), "a string or a list of strings")
DRIVER_OPTS = Obj(values=OneOf((STRING, NUMBER), "a string or a number"))
FILE_REFERENCE = OneOf(
    (
        STRING,
        Obj(
            {"source": STRING, "target": STRING, "uid": STRING, "gid": STRING, "mode": NUMBER},
            required=("source",),
        ),
    ),
    "a name or a mapping with source (and target, uid, gid, mode)",
)
UPDATE_CONFIG = Obj(
    {
        "parallelism": INTEGER,
        "delay": DURATION,
        "failure_action": STRING,
        "monitor": DURATION,
        "max_failure_ratio": NUMBER,
        "order": Kind(
            '"start-first" or "stop-first"', lambda v: v in ("start-first", "stop-first")
        ),
    }
)
DEPLOY = OneOf(
    (
        NULL,
        Obj(
            {
                "mode": STRING,
                "endpoint_mode": STRING,
                "replicas": INTEGER,
                "labels": LIST_OR_DICT,
                "rollback_config": UPDATE_CONFIG,
                "update_config": UPDATE_CONFIG,
                "resources": Obj(
                    {
                        "limits": Obj({"cpus": CPUS, "memory": SIZE, "pids": INTEGER}),
                        "reservations": Obj(
                            {
                                "cpus": CPUS,
                                "memory": SIZE,
                                "generic_resources": ListOf(
                                    Obj(
                                        {
                                            "discrete_resource_spec": Obj(
                                                {"kind": STRING, "value": NUMBER}
                                            )
                                        }
                                    )
                                ),
                            }
                        ),
                    }
                ),
                "restart_policy": Obj(
                    {
                        "condition": STRING,
                        "delay": DURATION,
                        "max_attempts": INTEGER,
                        "window": DURATION,
                    }
                ),
                "placement": Obj(
                    {
                        "constraints": ListOf(CONSTRAINT),
                        "preferences": ListOf(Obj({"spread": STRING})),
                        "max_replicas_per_node": INTEGER,
                    }
                ),
            },
            extensions=True,
        ),
    ),
    "a mapping",
)
HEALTHCHECK = Obj(
    {
        "disable": BOOLEAN,
        "interval": DURATION,
        "retries": NUMBER,
        "test": COMMAND,
        "timeout": DURATION,
        "start_period": DURATION,
        "start_interval": DURATION,
    }
)
SERVICE_NETWORKS = OneOf(
    (
        ListOf(STRING),
        Obj(
            values=OneOf(
                (
                    NULL,
                    Obj(
                        {
                            "aliases": ListOf(STRING),
                            "driver_opts": DRIVER_OPTS,
                            "ipv4_address": STRING,
                            "ipv6_address": STRING,
                        }
                    ),
                ),
                "empty or a mapping of aliases, driver_opts",
            ),
            key_pattern=r"^[a-zA-Z0-9._-]+$",
        ),
    ),
    "a list of network names or a mapping",
)
PORTS = ListOf(
    OneOf(
        (
            NUMBER,
            STRING,
            Obj({"mode": STRING, "target": INTEGER, "published": INTEGER, "protocol": STRING}),
        ),
        'a port (80, "8080:80") or a mapping with target, published, protocol, mode',
    )
)
VOLUMES = ListOf(
    OneOf(
        (
            STRING,
            Obj(
                {
                    "type": STRING,
                    "source": STRING,
                    "target": STRING,
                    "read_only": BOOLEAN,
                    "consistency": STRING,
                    "bind": Obj({"propagation": STRING}),
                    "volume": Obj({"nocopy": BOOLEAN}),
                    "tmpfs": Obj(
                        {"size": Kind("a size in bytes", lambda v: INTEGER.accepts(v) and v >= 0)}
                    ),
                },
                required=("type",),
            ),
        ),
        'a volume ("name:/path", "./dir:/path:ro") or a mapping with type, source, target',
    )
)
ULIMITS = Obj(
    values=OneOf(
        (INTEGER, Obj({"hard": INTEGER, "soft": INTEGER}, required=("soft", "hard"))),
        "an integer or a mapping with soft and hard",
    ),
    key_pattern=r"^[a-z]+$",
)
SERVICE = Obj(
    {
        "deploy": DEPLOY,
        "build": OneOf((STRING, Obj(values=ANYTHING)), "a path or a mapping"),
        "cap_add": ListOf(STRING),
        "cap_drop": ListOf(STRING),
        "cgroupns_mode": STRING,
        "cgroup_parent": STRING,
        "command": COMMAND,
        "configs": ListOf(FILE_REFERENCE),
        "container_name": STRING,
        "credential_spec": Obj({"config": STRING, "file": STRING, "registry": STRING}),
        "depends_on": OneOf((ListOf(STRING), Obj(values=ANYTHING)), "a list of services"),
        "devices": ListOf(STRING),
        "dns": STRING_OR_LIST,
        "dns_search": STRING_OR_LIST,
        "domainname": STRING,
        "entrypoint": COMMAND,
        "env_file": STRING_OR_LIST,
        "environment": LIST_OR_DICT,
        "expose": ListOf(OneOf((STRING, NUMBER), "a port")),
        "external_links": ListOf(STRING),
        "extra_hosts": LIST_OR_DICT,
        "healthcheck": HEALTHCHECK,
        "hostname": STRING,
        "image": STRING,
        "init": BOOLEAN,
        "ipc": STRING,
        "isolation": STRING,
        "labels": LIST_OR_DICT,
        "links": ListOf(STRING),
        "logging": Obj(
            {
                "driver": STRING,
                "options": Obj(values=OneOf((STRING, NUMBER, NULL), "a string or a number")),
            }
        ),
        "mac_address": STRING,
        "network_mode": STRING,
        "networks": SERVICE_NETWORKS,
        "pid": OneOf((STRING, NULL), "a string"),
        "ports": PORTS,
        "privileged": BOOLEAN,
        "read_only": BOOLEAN,
        "restart": STRING,
        "security_opt": ListOf(STRING),
        "shm_size": OneOf((NUMBER, STRING), "a size"),
        "secrets": ListOf(FILE_REFERENCE),
        "sysctls": LIST_OR_DICT,
        "stdin_open": BOOLEAN,
        "stop_grace_period": DURATION,
        "stop_signal": STRING,
        "tmpfs": STRING_OR_LIST,
        "tty": BOOLEAN,
        "ulimits": ULIMITS,
        "oom_score_adj": INTEGER,
        "user": STRING,
        "userns_mode": STRING,
        "volumes": VOLUMES,
        "working_dir": STRING,
    },
    extensions=True,
)
EXTERNAL = OneOf((BOOLEAN, Obj({"name": STRING})), "true, false or a mapping with name")
NETWORK = OneOf(
    (
        NULL,
        Obj(
            {
                "name": STRING,
                "driver": STRING,
                "driver_opts": DRIVER_OPTS,
                "ipam": Obj({"driver": STRING, "config": ListOf(Obj({"subnet": STRING}))}),
                "external": EXTERNAL,
                "internal": BOOLEAN,
                "attachable": BOOLEAN,
                "labels": LIST_OR_DICT,
            },
            extensions=True,
        ),
    ),
    "a mapping",
)
VOLUME = OneOf(
    (
        NULL,
        Obj(
            {
                "name": STRING,
                "driver": STRING,
                "driver_opts": DRIVER_OPTS,
                "external": EXTERNAL,
                "labels": LIST_OR_DICT,
            },
            extensions=True,
        ),
    ),
    "a mapping",
)
FILE_OBJECT_KEYS: dict[str, Shape] = {
    "name": STRING,
    "file": STRING,
    "external": EXTERNAL,
    "labels": LIST_OR_DICT,
    "template_driver": STRING,
}
SECRET = Obj({**FILE_OBJECT_KEYS, "driver": STRING, "driver_opts": DRIVER_OPTS}, extensions=True)
CONFIG = Obj(FILE_OBJECT_KEYS, extensions=True)
NAME_PATTERN = r"^[a-zA-Z0-9._-]+$"
COMPOSE_FILE = Obj(
    {
        "version": STRING,
        "services": Obj(values=SERVICE, key_pattern=NAME_PATTERN),
        "networks": Obj(values=NETWORK, key_pattern=NAME_PATTERN),
        "volumes": Obj(values=VOLUME, key_pattern=NAME_PATTERN),
        "secrets": Obj(values=SECRET, key_pattern=NAME_PATTERN),
        "configs": Obj(values=CONFIG, key_pattern=NAME_PATTERN),
    },
    extensions=True,
)

# Keys whose interpolated strings become numbers or booleans (`*`: any key or list index).
_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    ("services", "*", "configs", "*", "mode"): as_int,
    ("services", "*", "secrets", "*", "mode"): as_int,
    ("services", "*", "healthcheck", "retries"): as_int,
    ("services", "*", "healthcheck", "disable"): as_bool,
    ("services", "*", "deploy", "replicas"): as_int,
    ("services", "*", "deploy", "update_config", "parallelism"): as_int,
    ("services", "*", "deploy", "update_config", "max_failure_ratio"): as_float,
    ("services", "*", "deploy", "rollback_config", "parallelism"): as_int,
    ("services", "*", "deploy", "rollback_config", "max_failure_ratio"): as_float,
    ("services", "*", "deploy", "restart_policy", "max_attempts"): as_int,
    ("services", "*", "deploy", "placement", "max_replicas_per_node"): as_int,
    ("services", "*", "ports", "*", "target"): as_int,
    ("services", "*", "ports", "*", "published"): as_int,
    ("services", "*", "ulimits", "*"): as_int,
    ("services", "*", "ulimits", "*", "hard"): as_int,
    ("services", "*", "ulimits", "*", "soft"): as_int,
    ("services", "*", "privileged"): as_bool,
    ("services", "*", "oom_score_adj"): as_int,
    ("services", "*", "read_only"): as_bool,
    ("services", "*", "stdin_open"): as_bool,
    ("services", "*", "tty"): as_bool,
    ("services", "*", "init"): as_bool,
    ("services", "*", "volumes", "*", "read_only"): as_bool,
    ("services", "*", "volumes", "*", "volume", "nocopy"): as_bool,
    ("networks", "*", "external"): as_bool,
    ("networks", "*", "internal"): as_bool,
    ("networks", "*", "attachable"): as_bool,
    ("volumes", "*", "external"): as_bool,
    ("secrets", "*", "external"): as_bool,
    ("configs", "*", "external"): as_bool,
}


def cast_interpolated(tree: Any, path: tuple[str, ...] = ()) -> Any:
    """TREE with the strings at typed keys turned into numbers and booleans."""
    if isinstance(tree, dict):
        return {key: cast_interpolated(value, (*path, str(key))) for key, value in tree.items()}
    if isinstance(tree, list):
        return [cast_interpolated(value, (*path, str(i))) for i, value in enumerate(tree)]
    if isinstance(tree, str):
        cast = _cast_for(path)
        if cast is not None:
            try:
                return cast(tree)
            except ValueProblem as exc:
                raise KeyProblem(".".join(path), str(exc)) from None
    return tree


def _cast_for(path: tuple[str, ...]) -> Callable[[str], Any] | None:
    for pattern, cast in _CASTS.items():
        if len(pattern) == len(path) and all(
            p in ("*", q) for p, q in zip(pattern, path, strict=True)
        ):
            return cast
    return None


def validate(data: Any, shape: Shape = COMPOSE_FILE, where: str = "") -> None:
    """Raise KeyProblem for the first place where DATA does not fit SHAPE."""
    if isinstance(shape, Kind):
        if not shape.accepts(data):
            raise KeyProblem(where, f"must be {shape.name}, not {_describe(data)}")
        if shape.check is not None:
            try:
                shape.check(data)
            except ValueProblem as exc:
                raise KeyProblem(where, str(exc)) from None
    elif isinstance(shape, ListOf):
        if not isinstance(data, list):
            raise KeyProblem(where, f"must be a list, not {_describe(data)}")
        for i, item in enumerate(data):
            validate(item, shape.item, _join(where, str(i)))
    elif isinstance(shape, Obj):
        _validate_mapping(data, shape, where)
    else:
        _validate_one_of(data, shape, where)


def _validate_mapping(data: Any, shape: Obj, where: str) -> None:
    if not isinstance(data, dict):
        raise KeyProblem(where, f"must be a mapping, not {_describe(data)}")
    for key, value in data.items():
        name = str(key)
        inner = _join(where, name)
        if name in shape.keys:
            validate(value, shape.keys[name], inner)
        elif shape.extensions and name.startswith("x-"):
            continue
        elif shape.values is not None:
            if shape.key_pattern and not re.match(shape.key_pattern, name):
                raise KeyProblem(inner, f"{name!r} is not a valid name")
            validate(value, shape.values, inner)
        else:
            known = ", ".join(sorted(shape.keys))
            raise KeyProblem(inner, f"unknown key {name!r} (allowed here: {known})")
    for key in shape.required:
        if key not in data:
            raise KeyProblem(where, f"{key!r} is required")


def _validate_one_of(data: Any, shape: OneOf, where: str) -> None:
    fits = [option for option in shape.options if _kind_matches(data, option)]
    if not fits:
        raise KeyProblem(where, f"must be {shape.name}, not {_describe(data)}")
    validate(data, fits[0], where)  # the option of the right kind says what is wrong inside


def _kind_matches(data: Any, shape: Shape) -> bool:
    if isinstance(shape, Kind):
        return shape.accepts(data)
    if isinstance(shape, ListOf):
        return isinstance(data, list)
    if isinstance(shape, Obj):
        return isinstance(data, dict)
    return any(_kind_matches(data, option) for option in shape.options)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
