"""What is wrong with a compose file at one key path; the loader adds the file and line."""

from __future__ import annotations


class KeyProblem(ValueError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where  # the key path: services.web.deploy.replicas
        self.message = message
