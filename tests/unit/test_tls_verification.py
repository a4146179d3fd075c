"""Secrets stay secret and read-only stays read-only.

Join tokens, an ssh private key and a URL password must not appear in any log file, the
journal (and its export), screenshots of every screen, notifications or error messages.
TLS verification is on whenever TLS options are given without an explicit skip.
Read-only mode cannot be bypassed: remapped keys, the command palette, direct action calls
and `app.session.execute` are all refused, and the cluster does not change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swarmtui.adapters.docker.docker_backend import tls_config
from swarmtui.cli.console import _tls_options
from swarmtui.cli.main import build_parser
from swarmtui.core.endpoints import TlsOptions, resolve_endpoints

PASSWORD = "s3cret-Pa55word-xyzzy"


@pytest.mark.parametrize(
    "flags",
    [
        ["--tlsverify"],
        ["--tlscacert", "ca.pem"],
        ["--tlscert", "cert.pem", "--tlskey", "key.pem"],
        ["--tlsverify", "--tlscert", "cert.pem", "--tlskey", "key.pem"],
    ],
)
def test_tls_flags_always_verify(flags: list[str], tmp_path: Path) -> None:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("-----BEGIN X-----\n")
    paths = [str(tmp_path / f) if f.endswith(".pem") else f for f in flags]
    args = build_parser().parse_args(["-H", "tcp://10.0.0.1:2376", *paths])
    options = _tls_options(args)
    assert options is not None and options.verify
    endpoints = resolve_endpoints(args.host, None, options, env={})
    config = tls_config(endpoints[0])
    assert not isinstance(config, bool) and config.verify


def test_tls_verification_on_by_default(tmp_path: Path) -> None:
    assert TlsOptions().verify
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("-----BEGIN X-----\n")
    env = {
        "DOCKER_HOST": "tcp://10.0.0.1:2376",
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": str(tmp_path),
    }
    (endpoint,) = resolve_endpoints(env=env)
    assert endpoint.tls is not None and endpoint.tls.verify
    config = tls_config(endpoint)
    assert not isinstance(config, bool) and config.verify
    # without any TLS option, tcp:// is plain (as the docker CLI): nothing to verify
    (plain,) = resolve_endpoints(["tcp://10.0.0.1:2375"], env={})
    assert plain.tls is None and tls_config(plain) is False


def test_context_skips_verification_only_when_it_says_so(tmp_path: Path) -> None:
    import hashlib

    for name, skip in (("verified", False), ("skipped", True)):
        digest = hashlib.sha256(name.encode()).hexdigest()
        meta = tmp_path / "contexts" / "meta" / digest
        meta.mkdir(parents=True)
        data = {"Endpoints": {"docker": {"Host": "tcp://10.0.0.1:2376", "SkipTLSVerify": skip}}}
        (meta / "meta.json").write_text(json.dumps(data))
        tls = tmp_path / "contexts" / "tls" / digest / "docker"
        tls.mkdir(parents=True)
        (tls / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
        (endpoint,) = resolve_endpoints(context=name, env={"DOCKER_CONFIG": str(tmp_path)})
        assert endpoint.tls is not None and endpoint.tls.verify is (not skip)
