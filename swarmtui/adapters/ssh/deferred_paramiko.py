"""paramiko loaded when first used, not when docker-py is imported.

docker-py imports paramiko at its own import (for ssh:// endpoints), which costs the
console's start a third of docker-py's import time (paramiko, cryptography, nacl, invoke)
even on a local socket. `defer_paramiko()`, called before docker is imported, puts a
stand-in under the name: `import paramiko` binds it, and the first attribute read on it
(`paramiko.SSHClient`, `from paramiko import ...`, a submodule import) imports the real
one, once, under a lock, since the first use may come from any worker thread.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types

NAME = "paramiko"
_LOCK = threading.Lock()


class _DeferredModule(types.ModuleType):
    """Stands for paramiko until an attribute is read; then hands out the real module's."""

    def __init__(self) -> None:
        super().__init__(NAME)
        self._real: types.ModuleType | None = None

    def __getattr__(self, attribute: str) -> object:
        # Only called for what the stand-in itself lacks: everything paramiko defines.
        return getattr(self._load(), attribute)

    def _load(self) -> types.ModuleType:
        with _LOCK:
            if self._real is None:
                if sys.modules.get(NAME) is self:
                    del sys.modules[NAME]
                try:
                    self._real = importlib.import_module(NAME)
                except BaseException:
                    sys.modules.setdefault(NAME, self)
                    raise
            return self._real


def defer_paramiko() -> None:
    """Until first used, `import paramiko` binds a stand-in (no-op once it is imported)."""
    with _LOCK:
        if NAME not in sys.modules:
            sys.modules[NAME] = _DeferredModule()


def paramiko_loaded() -> bool:
    """Whether the real paramiko is imported (not only its stand-in)."""
    module = sys.modules.get(NAME)
    return module is not None and not isinstance(module, _DeferredModule)
