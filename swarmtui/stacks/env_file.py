"""`.env` files for compose interpolation: `KEY=VALUE` lines.

Blank lines and lines starting with `#` are skipped; `export ` before a key is allowed. A
value may be quoted: single quotes keep it as written, double quotes understand `\\n`, `\\t`,
`\\"` and `\\\\`. An unquoted value ends at ` #` (a comment) and is stripped. A line without `=`
or with an invalid key is an error naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


class EnvFileError(ValueError):
    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def read_env_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EnvFileError(str(path), 0, f"cannot read it: {exc.strerror or exc}") from None
    return parse_env(text, str(path))


def parse_env(text: str, source: str = ".env") -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, equals, value = line.partition("=")
        key = key.strip()
        if not equals:
            raise EnvFileError(source, number, f"expected KEY=VALUE, found {raw.strip()!r}")
        if not _KEY.fullmatch(key):
            raise EnvFileError(source, number, f"{key!r} is not a variable name")
        values[key] = _value(value.strip(), source, number)
    return values


def _value(value: str, source: str, number: int) -> str:
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = _closing_quote(value, quote)
        if end < 0:
            raise EnvFileError(source, number, f"the value has no closing {quote}")
        inner = value[1:end]
        return inner if quote == "'" else _unescape(inner)
    comment = value.find(" #")
    return (value[:comment] if comment >= 0 else value).strip()


def _closing_quote(value: str, quote: str) -> int:
    i = 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            return i
        i += 1
    return -1


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_service_env_file(path: Path, lookup: Mapping[str, str]) -> dict[str, str]:
    """A service's `env_file:` as the docker CLI reads it (not a `.env`): `KEY=VALUE` taken
    literally (no quotes, no comments after the value), a line without `=` takes the
    variable of that name from LOOKUP (or is skipped), a key with a blank is an error."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise EnvFileError(str(path), 0, f"cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise EnvFileError(str(path), 0, "not UTF-8 text") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        if not key:
            raise EnvFileError(str(path), number, f"no variable name on line {line!r}")
        if " " in key or "\t" in key:
            raise EnvFileError(str(path), number, f"variable {key!r} contains whitespaces")
        if equals:
            values[key] = value
        elif key in lookup:
            values[key] = lookup[key]
    return values
