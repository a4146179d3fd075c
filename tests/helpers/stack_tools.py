"""The two ways a test deploys a stack: the docker CLI (`docker stack deploy`, the reference,
in a subprocess) and swarmtui's own `stack deploy` (in process); and the corpus cases they
deploy, each a folder of tests/data/stacks/corpus/ described by its case.toml."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from swarmtui.cli.main import main

STACKS_DATA = Path(__file__).resolve().parents[1] / "data" / "stacks"
CORPUS = STACKS_DATA / "corpus"
BAD_FILES = STACKS_DATA / "bad"
CLI_TIMEOUT = 120.0


@dataclass(frozen=True)
class Output:
    """What a deploy or remove said, and how it ended (0: success)."""

    code: int
    out: str
    err: str

    def text(self) -> str:
        return f"exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


@dataclass(frozen=True)
class CorpusCase:
    """One stack of the corpus: its -c files for the first deploy, the update and the prune
    deploy; the environment both tools see; the external objects it expects on the swarm."""

    name: str
    folder: Path
    deploy: tuple[str, ...]
    update: tuple[str, ...]
    prune: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    env_file: str | None = None
    swarmtui_env_file: bool = False
    external_networks: tuple[str, ...] = ()
    external_secrets: Mapping[str, str] = field(default_factory=dict)
    external_configs: Mapping[str, str] = field(default_factory=dict)

    def paths(self, files: Sequence[str]) -> list[Path]:
        return [self.folder / name for name in files]

    def dotenv(self) -> dict[str, str]:
        return read_dotenv(self.folder / self.env_file) if self.env_file else {}


def corpus_cases() -> list[CorpusCase]:
    return [load_case(folder) for folder in sorted(CORPUS.iterdir()) if folder.is_dir()]


def load_case(folder: Path) -> CorpusCase:
    data = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    external = data.get("external", {})
    return CorpusCase(
        name=folder.name,
        folder=folder,
        deploy=tuple(data["deploy"]),
        update=tuple(data["update"]),
        prune=tuple(data["prune"]),
        env=dict(data.get("env", {})),
        unset=tuple(data.get("unset", ())),
        env_file=data.get("env_file"),
        swarmtui_env_file=bool(data.get("swarmtui_env_file", False)),
        external_networks=tuple(external.get("networks", ())),
        external_secrets=dict(external.get("secrets", {})),
        external_configs=dict(external.get("configs", {})),
    )


def read_dotenv(path: Path) -> dict[str, str]:
    """The test's own reading of a .env file (the reference side: the docker CLI has none),
    for the forms the corpus uses: comments, `export `, single and double quotes."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


class DockerCli:
    """`docker stack ...` against the manager at URL: the reference."""

    name = "docker stack deploy"

    def __init__(self, url: str) -> None:
        binary = shutil.which("docker")
        assert binary, "the docker CLI (Debian's docker.io) is the reference: install it"
        self.binary, self.url = binary, url

    def deploy(
        self, case: CorpusCase, files: Sequence[str], stack: str, *, prune: bool = False
    ) -> Output:
        argv = deploy_args(case.paths(files), prune=prune)
        return self.run([*argv, stack], self.environment(case))

    def remove(self, stack: str) -> Output:
        return self.run(["stack", "rm", stack], dict(os.environ))

    def environment(self, case: CorpusCase) -> dict[str, str]:
        """The test's environment with the case's variables; the .env file's values too,
        under them (the environment wins over the file, as in docker compose)."""
        env = {**case.dotenv(), **os.environ, **case.env}
        for name in case.unset:
            env.pop(name, None)
        return env

    def run(self, argv: Sequence[str], env: Mapping[str, str]) -> Output:
        done = subprocess.run(
            [self.binary, "-H", self.url, *argv],
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        return Output(done.returncode, done.stdout, done.stderr)


class Swarmtui:
    """`swarmtui stack ...` against the manager at URL, in this process, with the case's
    variables set in the environment for the call only."""

    name = "swarmtui stack deploy"

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.url, self.monkeypatch = url, monkeypatch

    def deploy(
        self,
        case: CorpusCase,
        files: Sequence[str],
        stack: str,
        *,
        prune: bool = False,
    ) -> Output:
        argv = deploy_args(case.paths(files), prune=prune)
        if case.env_file and case.swarmtui_env_file:
            argv += ["--env-file", str(case.folder / case.env_file)]
        with self.environment(case):
            return self.run([*argv, stack])

    def remove(self, stack: str) -> Output:
        return self.run(["stack", "rm", stack])

    @contextlib.contextmanager
    def environment(self, case: CorpusCase) -> Iterator[None]:
        with self.monkeypatch.context() as patch:
            if not case.swarmtui_env_file:
                for name, value in case.dotenv().items():
                    if name not in os.environ:
                        patch.setenv(name, value)
            for name, value in case.env.items():
                patch.setenv(name, value)
            for name in case.unset:
                patch.delenv(name, raising=False)
            yield

    def run(self, argv: Sequence[str]) -> Output:
        return run_swarmtui(["-H", self.url, *argv])


def deploy_args(files: Sequence[Path], *, prune: bool = False) -> list[str]:
    """`stack deploy` of FILES, the same for both tools; the stack name goes last."""
    args = ["stack", "deploy", "--resolve-image", "never"]
    for path in files:
        args += ["-c", str(path)]
    return [*args, "--prune"] if prune else args


def run_swarmtui(argv: Sequence[str]) -> Output:
    """swarmtui's `main(ARGV)` with its output captured; an argparse exit is an exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=err)
    return Output(int(code or 0), out.getvalue(), err.getvalue())
