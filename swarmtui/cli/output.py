"""What every command shares: the default lab's name and how it talks to the user."""

from __future__ import annotations

import sys

DEFAULT_LAB = "swarmtui-lab"


def say(message: str) -> None:
    print(f"swarmtui: {message}", file=sys.stderr, flush=True)
