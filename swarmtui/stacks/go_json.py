"""The JSON the docker CLI (Go) sends: fields tagged `omitempty` are left out when zero."""

from __future__ import annotations

from typing import Any


def omit_empty(spec: dict[str, Any]) -> dict[str, Any]:
    """SPEC without the zero values Go's `omitempty` leaves out of the JSON."""
    return {key: value for key, value in spec.items() if value not in (None, "", 0, False, {}, [])}
