"""Raw Engine API requests on docker-py's public surface.

Used where docker-py's methods do not fit: posting a whole spec as inspected (`update_service`
rebuilds the spec from its arguments and resets what it is not given), comparing a body's
bytes before parsing it, and streaming logs closable from another thread.
`docker.APIClient` is a `requests.Session`; `base_url`, `api_version` and `timeout` name the
engine and the client's default timeout.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import docker
import docker.errors
import docker.utils.config
import requests

Timeout = float | tuple[float | None, float | None] | None


def engine_url(api: docker.APIClient, path: str, *ids: str) -> str:
    """The versioned URL of PATH, its `{0}`… filled with IDS quoted (as docker-py quotes)."""
    quoted = (urllib.parse.quote(value, safe="/:") for value in ids)
    return f"{api.base_url}/v{api.api_version}{path.format(*quoted)}"


def send_config_headers(api: docker.APIClient) -> None:
    """Send the `HttpHeaders` of the docker CLI's config file with every request, as
    docker-py's own calls do."""
    headers = docker.utils.config.load_general_config().get("HttpHeaders")
    if isinstance(headers, dict):
        api.headers.update(headers)


def raise_for_status(response: requests.Response) -> None:
    """An engine error answer as docker-py's APIError (NotFound for 404)."""
    try:
        response.raise_for_status()
    except requests.HTTPError as exc:
        # It raises the APIError it builds.
        docker.errors.create_api_error_from_http_exception(exc)


def get(
    api: docker.APIClient,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    timeout: Timeout = None,
    stream: bool = False,
) -> requests.Response:
    """GET URL; without TIMEOUT the client's own."""
    response: requests.Response = api.get(
        url, params=params, stream=stream, timeout=api.timeout if timeout is None else timeout
    )
    return response


def post_json(api: docker.APIClient, path: str, data: Any, params: dict[str, Any]) -> Any:
    """POST DATA as JSON to PATH; the decoded answer, or None for an empty one."""
    if isinstance(data, dict):  # what docker-py does: no top-level nulls in a posted spec
        data = {key: value for key, value in data.items() if value is not None}
    response: requests.Response = api.post(
        engine_url(api, path),
        data=json.dumps(data),
        params=params,
        headers={"Content-Type": "application/json"},
        timeout=api.timeout,
    )
    raise_for_status(response)
    return response.json() if response.content else None
