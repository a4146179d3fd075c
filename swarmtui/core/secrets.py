"""Masking of secrets in any text the console shows, journals or logs: swarm join tokens
and the passwords inside URLs."""

from __future__ import annotations

import re

TOKEN_RE = re.compile(r"SWMTKN-1-[0-9a-z]+-[0-9a-z]+", re.IGNORECASE)
MASKED_TOKEN = "SWMTKN-1-<masked>"
URL_PASSWORD_RE = re.compile(r"(://[^/\s:@]+:)[^@\s/]+@")


def mask_secrets(text: str) -> str:
    """Join tokens and the passwords of URLs (scheme://user:password@host) masked."""
    return URL_PASSWORD_RE.sub(r"\1***@", TOKEN_RE.sub(MASKED_TOKEN, text))
