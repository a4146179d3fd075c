"""Endpoint URLs, docker contexts and the docker CLI's resolution order."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from swarmtui.core.endpoints import (
    DEFAULT_SOCKET_URL,
    Endpoint,
    EndpointError,
    TlsOptions,
    context_endpoint,
    parse_endpoint_url,
    resolve_endpoints,
)


def full_tls(directory: Path) -> TlsOptions:
    """TLS verified with DIRECTORY's ca.pem, cert.pem and key.pem (docker's file names)."""
    return TlsOptions(
        verify=True,
        ca_cert=str(directory / "ca.pem"),
        client_cert=str(directory / "cert.pem"),
        client_key=str(directory / "key.pem"),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("unix:///var/run/docker.sock", "unix:///var/run/docker.sock"),
        ("  unix:///run/user/1000/docker.sock\n", "unix:///run/user/1000/docker.sock"),
        ("tcp://10.0.0.5:2376", "tcp://10.0.0.5:2376"),
        ("tcp://manager1.example.org:2375/", "tcp://manager1.example.org:2375"),
        ("TCP://10.0.0.5:2375", "tcp://10.0.0.5:2375"),
        ("tcp://[fd00::5]:2376", "tcp://[fd00::5]:2376"),
        ("http://10.0.0.5:2375", "tcp://10.0.0.5:2375"),
        ("ssh://admin@manager1", "ssh://admin@manager1"),
        ("ssh://admin@manager1:2222", "ssh://admin@manager1:2222"),
        ("ssh://manager1", "ssh://manager1"),
    ],
)
def test_parse_endpoint_url_accepts(raw: str, expected: str) -> None:
    assert parse_endpoint_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty endpoint URL"),
        ("   ", "empty endpoint URL"),
        ("10.0.0.5:2375", "has no scheme"),
        ("manager1", "has no scheme"),
        ("ftp://10.0.0.5:21", "unsupported scheme 'ftp'"),
        ("https://10.0.0.5:2376", "unsupported scheme 'https'"),
        ("unix://var/run/docker.sock", "needs an absolute path"),
        ("tcp://10.0.0.5", "needs a port"),
        ("http://10.0.0.5", "needs a port"),
        ("tcp://10.0.0.5:notaport", "endpoint 'tcp://10.0.0.5:notaport'"),
        ("tcp://10.0.0.5:99999", "endpoint 'tcp://10.0.0.5:99999'"),
        ("tcp://:2375", "missing or invalid host name"),
        ("ssh://", "missing or invalid host name"),
        ("tcp://bad host:2375", "missing or invalid host name"),
        ("tcp://10.0.0.5:2375/v1.41", "unexpected path '/v1.41'"),
    ],
)
def test_parse_endpoint_url_rejects(raw: str, reason: str) -> None:
    with pytest.raises(EndpointError) as raised:
        parse_endpoint_url(raw)
    assert reason in str(raised.value)


def test_no_scheme_error_shows_the_forms() -> None:
    with pytest.raises(EndpointError) as raised:
        parse_endpoint_url("10.0.0.5:2375")
    message = str(raised.value)
    assert "unix:///path" in message and "tcp://host:port" in message and "ssh://" in message


def test_display_hides_the_password() -> None:
    endpoint = Endpoint("ssh://admin:s3cret@manager1:2222", "--host")
    assert endpoint.display == "ssh://admin:***@manager1:2222"
    assert "s3cret" not in endpoint.display
    assert Endpoint("tcp://10.0.0.5:2376", "--host").display == "tcp://10.0.0.5:2376"
    assert Endpoint("ssh://admin:pw@manager1", "--host").display == "ssh://admin:***@manager1"
    assert Endpoint("unix:///var/run/docker.sock", "default").scheme == "unix"


# Docker contexts ----------------------------------------------------------------------------


def write_context(
    config_dir: Path,
    name: str,
    host: str,
    *,
    skip_tls_verify: bool = False,
    tls_files: tuple[str, ...] = (),
) -> Path:
    """A context as `docker context create` stores it; returns its TLS directory."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_dir = config_dir / "contexts" / "meta" / digest
    meta_dir.mkdir(parents=True)
    meta = {
        "Name": name,
        "Metadata": {"Description": f"the {name} swarm"},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_tls_verify}},
    }
    (meta_dir / "meta.json").write_text(json.dumps(meta))
    tls_dir = config_dir / "contexts" / "tls" / digest / "docker"
    if tls_files:
        tls_dir.mkdir(parents=True)
        for file in tls_files:
            (tls_dir / file).write_text(f"-----BEGIN {file}-----\n")
    return tls_dir


def write_config(config_dir: Path, current_context: str) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.json").write_text(json.dumps({"currentContext": current_context}))


@pytest.fixture
def docker_config(tmp_path: Path) -> Path:
    config = tmp_path / "docker-config"
    config.mkdir()
    return config


def env_of(docker_config: Path, **extra: str) -> dict[str, str]:
    """An environment whose docker config is DOCKER_CONFIG: never the user's ~/.docker."""
    return {"DOCKER_CONFIG": str(docker_config), **extra}


def test_context_endpoint_plain(docker_config: Path) -> None:
    write_context(docker_config, "prod", "tcp://10.0.0.5:2375")
    endpoint = context_endpoint("prod", env_of(docker_config))
    assert endpoint == Endpoint("tcp://10.0.0.5:2375", "context prod", None)


def test_context_endpoint_with_tls_dir(docker_config: Path) -> None:
    tls_dir = write_context(
        docker_config, "secure", "tcp://10.0.0.5:2376", tls_files=("ca.pem", "cert.pem", "key.pem")
    )
    endpoint = context_endpoint("secure", env_of(docker_config))
    assert endpoint.url == "tcp://10.0.0.5:2376"
    assert endpoint.tls == full_tls(tls_dir)


def test_context_endpoint_partial_tls_dir(docker_config: Path) -> None:
    tls_dir = write_context(docker_config, "ca-only", "tcp://10.0.0.5:2376", tls_files=("ca.pem",))
    endpoint = context_endpoint("ca-only", env_of(docker_config))
    assert endpoint.tls == TlsOptions(verify=True, ca_cert=str(tls_dir / "ca.pem"))


def test_context_endpoint_skip_tls_verify(docker_config: Path) -> None:
    write_context(docker_config, "lab", "tcp://10.0.0.5:2376", skip_tls_verify=True)
    endpoint = context_endpoint("lab", env_of(docker_config))
    assert endpoint.tls == TlsOptions(verify=False)


def test_context_endpoint_ssh(docker_config: Path) -> None:
    write_context(docker_config, "remote", "ssh://admin@manager1")
    assert context_endpoint("remote", env_of(docker_config)).url == "ssh://admin@manager1"


def test_context_names_are_hashed(docker_config: Path) -> None:
    """The directory is sha256(name): a name with slashes or spaces is no path."""
    write_context(docker_config, "team/prod swarm", "tcp://10.0.0.9:2375")
    endpoint = context_endpoint("team/prod swarm", env_of(docker_config))
    assert endpoint.url == "tcp://10.0.0.9:2375"
    assert endpoint.source == "context team/prod swarm"


def test_default_context_is_docker_host_or_socket(docker_config: Path) -> None:
    env = env_of(docker_config)
    assert context_endpoint("default", env).url == DEFAULT_SOCKET_URL
    env["DOCKER_HOST"] = "tcp://10.0.0.7:2375"
    assert context_endpoint("default", env).url == "tcp://10.0.0.7:2375"


def test_missing_context(docker_config: Path) -> None:
    with pytest.raises(EndpointError) as raised:
        context_endpoint("nope", env_of(docker_config))
    assert "'nope' not found" in str(raised.value)


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", '{"Endpoints": {}}', '{"Endpoints": {"docker": {"SkipTLSVerify": true}}}'],
)
def test_unreadable_context(docker_config: Path, content: str) -> None:
    digest = hashlib.sha256(b"broken").hexdigest()
    meta_dir = docker_config / "contexts" / "meta" / digest
    meta_dir.mkdir(parents=True)
    (meta_dir / "meta.json").write_text(content)
    with pytest.raises(EndpointError) as raised:
        context_endpoint("broken", env_of(docker_config))
    assert "'broken' not found or unreadable" in str(raised.value)


def test_context_with_malformed_host(docker_config: Path) -> None:
    write_context(docker_config, "bad", "tcp://10.0.0.5")
    with pytest.raises(EndpointError) as raised:
        context_endpoint("bad", env_of(docker_config))
    assert "needs a port" in str(raised.value)


# Resolution order: --context > --host > DOCKER_HOST > DOCKER_CONTEXT > currentContext > default


@pytest.fixture
def everything(docker_config: Path) -> dict[str, str]:
    """Every source configured, each pointing somewhere else."""
    write_context(docker_config, "flag-ctx", "tcp://10.0.0.1:2375")
    write_context(docker_config, "env-ctx", "tcp://10.0.0.4:2375")
    write_context(docker_config, "current-ctx", "tcp://10.0.0.5:2375")
    write_config(docker_config, "current-ctx")
    return env_of(docker_config, DOCKER_HOST="tcp://10.0.0.3:2375", DOCKER_CONTEXT="env-ctx")


def urls(endpoints: list[Endpoint]) -> list[str]:
    return [e.url for e in endpoints]


def test_context_flag_wins(everything: dict[str, str]) -> None:
    found = resolve_endpoints(["tcp://10.0.0.2:2375"], "flag-ctx", env=everything)
    assert urls(found) == ["tcp://10.0.0.1:2375"]
    assert found[0].source == "context flag-ctx"


def test_host_flag_beats_environment(everything: dict[str, str]) -> None:
    tls = TlsOptions(verify=True, ca_cert="/ca.pem")
    found = resolve_endpoints(["tcp://10.0.0.2:2375", "ssh://admin@m2"], tls=tls, env=everything)
    assert urls(found) == ["tcp://10.0.0.2:2375", "ssh://admin@m2"]
    assert all(e.source == "--host" and e.tls == tls for e in found)


def test_docker_host_beats_contexts(everything: dict[str, str]) -> None:
    found = resolve_endpoints(env=everything)
    assert urls(found) == ["tcp://10.0.0.3:2375"]
    assert found[0].source == "DOCKER_HOST"
    assert found[0].tls is None


def test_docker_context_beats_current_context(everything: dict[str, str]) -> None:
    del everything["DOCKER_HOST"]
    found = resolve_endpoints(env=everything)
    assert urls(found) == ["tcp://10.0.0.4:2375"]
    assert found[0].source == "context env-ctx"


def test_current_context(everything: dict[str, str]) -> None:
    del everything["DOCKER_HOST"], everything["DOCKER_CONTEXT"]
    found = resolve_endpoints(env=everything)
    assert urls(found) == ["tcp://10.0.0.5:2375"]
    assert found[0].source == "context current-ctx"


def test_default_socket(docker_config: Path) -> None:
    assert resolve_endpoints(env=env_of(docker_config)) == [Endpoint(DEFAULT_SOCKET_URL, "default")]


def test_current_context_default_means_the_socket(docker_config: Path) -> None:
    write_config(docker_config, "default")
    assert urls(resolve_endpoints(env=env_of(docker_config))) == [DEFAULT_SOCKET_URL]


def test_unreadable_config_json_means_the_socket(docker_config: Path) -> None:
    (docker_config / "config.json").write_text("{broken")
    assert urls(resolve_endpoints(env=env_of(docker_config))) == [DEFAULT_SOCKET_URL]


def test_docker_host_with_tls_environment(docker_config: Path, tmp_path: Path) -> None:
    certs = tmp_path / "certs"
    env = env_of(
        docker_config,
        DOCKER_HOST="tcp://10.0.0.3:2376",
        DOCKER_TLS_VERIFY="1",
        DOCKER_CERT_PATH=str(certs),
    )
    (found,) = resolve_endpoints(env=env)
    assert found.tls == full_tls(certs)


def test_malformed_docker_host(docker_config: Path) -> None:
    with pytest.raises(EndpointError):
        resolve_endpoints(env=env_of(docker_config, DOCKER_HOST="10.0.0.3:2375"))


def test_malformed_host_flag(docker_config: Path) -> None:
    with pytest.raises(EndpointError):
        resolve_endpoints(["tcp://10.0.0.2:2375", "tcp://nope"], env=env_of(docker_config))


def test_missing_context_flag(docker_config: Path) -> None:
    with pytest.raises(EndpointError):
        resolve_endpoints(context="ghost", env=env_of(docker_config))
