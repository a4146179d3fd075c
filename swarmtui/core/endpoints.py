"""Where the managers are: endpoint URLs from flags, environment and docker contexts.

Follows the docker CLI's order: --context > --host > DOCKER_HOST > DOCKER_CONTEXT >
currentContext in config.json > the default local socket.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SOCKET_URL = "unix:///var/run/docker.sock"
_SCHEMES = ("unix", "tcp", "ssh", "npipe")
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-_\[\]:]+$")


class EndpointError(ValueError):
    """An endpoint URL or docker context that cannot be used."""


@dataclass(frozen=True)
class TlsOptions:
    verify: bool = True
    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None


@dataclass(frozen=True)
class Endpoint:
    url: str
    source: str  # where it came from: flag, env, context NAME, default
    tls: TlsOptions | None = None

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0]

    @property
    def display(self) -> str:
        """The URL without any password, safe to show and log."""
        parts = urlsplit(self.url)
        if parts.password:
            netloc = f"{parts.username}:***@{parts.hostname}"
            if parts.port:
                netloc += f":{parts.port}"
            return parts._replace(netloc=netloc).geturl()
        return self.url


def parse_endpoint_url(raw: str) -> str:
    """Validate and normalise a `--host` URL, raising EndpointError with a clear reason."""
    url = raw.strip()
    if not url:
        raise EndpointError("empty endpoint URL")
    if "://" not in url:
        raise EndpointError(
            f"endpoint {url!r} has no scheme: use unix:///path, tcp://host:port "
            "or ssh://user@host[:port]"
        )
    scheme, rest = url.split("://", 1)
    scheme = scheme.lower()
    if scheme == "http":
        scheme, url = "tcp", "tcp://" + rest
    if scheme not in _SCHEMES:
        raise EndpointError(f"endpoint {url!r}: unsupported scheme {scheme!r}")
    if scheme == "unix":
        if not rest.startswith("/"):
            raise EndpointError(f"endpoint {url!r}: a unix socket needs an absolute path")
        return f"unix://{rest}"
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError as exc:
        raise EndpointError(f"endpoint {url!r}: {exc}") from exc
    host = parts.hostname or ""
    if not host or not _HOST_RE.match(host):
        raise EndpointError(f"endpoint {url!r}: missing or invalid host name")
    if scheme == "tcp" and port is None:
        raise EndpointError(f"endpoint {url!r}: a tcp endpoint needs a port (2375 or 2376)")
    if parts.path not in ("", "/"):
        raise EndpointError(f"endpoint {url!r}: unexpected path {parts.path!r}")
    return f"{scheme}://{parts.netloc}"


def docker_config_dir(env: Mapping[str, str]) -> Path:
    configured = env.get("DOCKER_CONFIG")
    return Path(configured) if configured else Path.home() / ".docker"


def current_context_name(env: Mapping[str, str]) -> str | None:
    if env.get("DOCKER_CONTEXT"):
        return env["DOCKER_CONTEXT"]
    config_file = docker_config_dir(env) / "config.json"
    try:
        data = json.loads(config_file.read_text())
    except (OSError, ValueError):
        return None
    name = data.get("currentContext") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else None


def context_endpoint(name: str, env: Mapping[str, str]) -> Endpoint:
    """The docker endpoint stored in the docker context NAME."""
    if name == "default":
        return Endpoint(env.get("DOCKER_HOST") or DEFAULT_SOCKET_URL, "context default")
    digest = hashlib.sha256(name.encode()).hexdigest()
    base = docker_config_dir(env) / "contexts"
    meta_file = base / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_file.read_text())
        docker_ep = meta["Endpoints"]["docker"]
        host = str(docker_ep["Host"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EndpointError(f"docker context {name!r} not found or unreadable") from exc
    tls_dir = base / "tls" / digest / "docker"
    tls: TlsOptions | None = None
    if tls_dir.is_dir() or docker_ep.get("SkipTLSVerify"):

        def tls_file(file: str) -> str | None:
            path = tls_dir / file
            return str(path) if path.is_file() else None

        tls = TlsOptions(
            verify=not bool(docker_ep.get("SkipTLSVerify")),
            ca_cert=tls_file("ca.pem"),
            client_cert=tls_file("cert.pem"),
            client_key=tls_file("key.pem"),
        )
    return Endpoint(parse_endpoint_url(host), f"context {name}", tls)


def resolve_endpoints(
    hosts: Sequence[str] = (),
    context: str | None = None,
    tls: TlsOptions | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Endpoint]:
    """The managers to try, in order. Raises EndpointError for unusable input."""
    environ = os.environ if env is None else env
    if context:
        return [context_endpoint(context, environ)]
    if hosts:
        return [Endpoint(parse_endpoint_url(h), "--host", tls) for h in hosts]
    if environ.get("DOCKER_HOST"):
        env_tls = tls
        if env_tls is None and environ.get("DOCKER_TLS_VERIFY"):
            cert_dir = environ.get("DOCKER_CERT_PATH", str(docker_config_dir(environ)))
            env_tls = TlsOptions(
                verify=True,
                ca_cert=os.path.join(cert_dir, "ca.pem"),
                client_cert=os.path.join(cert_dir, "cert.pem"),
                client_key=os.path.join(cert_dir, "key.pem"),
            )
        return [Endpoint(parse_endpoint_url(environ["DOCKER_HOST"]), "DOCKER_HOST", env_tls)]
    name = current_context_name(environ)
    if name and name != "default":
        return [context_endpoint(name, environ)]
    return [Endpoint(DEFAULT_SOCKET_URL, "default")]
