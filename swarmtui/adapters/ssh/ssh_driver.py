"""Machine driver "ssh" (generic): adopt an existing Linux host over SSH.

Unlike docker-machine's generic driver it never changes the host name, certificates or daemon
flags, never restarts a running daemon and never exposes the Engine API over TCP: swarmtui
reaches the engine as ssh://user@host:port. Docker is installed only when missing and only when
the user confirmed it (CreateRequest.install_docker), from the distribution's packages
(apt-get install docker.io on Debian and Ubuntu), never through an unpinned install script.
"""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime

from swarmtui.adapters.ssh.preflight import (
    DOCKER_INFO,
    PreflightReport,
    info_json,
    run_preflight,
    sudo_prefix,
)
from swarmtui.adapters.ssh.ssh_connection import (
    CONNECT_TIMEOUT,
    SshSession,
    SshTarget,
    connect,
    parse_fingerprints,
)
from swarmtui.core.secrets import mask_secrets
from swarmtui.machines.model import (
    CreateRequest,
    DockerMissing,
    DriverName,
    MachineError,
    MachineRecord,
    MachineStatus,
    StepLog,
    running_status,
)
from swarmtui.machines.store import validate_name

INSTALL_COMMAND = "apt-get install -y docker.io"
STATUS_TIMEOUT = 5.0
DOCKER_START_TIMEOUT = 60.0


def _target(host: str, user: str, port: int, key: str, jump: str) -> SshTarget:
    # 22 is the form's default: let ~/.ssh/config's Port apply then.
    return SshTarget(
        host=host, user=user, port=0 if port == 22 else port, key_path=key, proxy_jump=jump
    )


def request_target(request: CreateRequest) -> SshTarget:
    return _target(
        request.host,
        request.ssh_user,
        request.ssh_port,
        request.ssh_key_path,
        request.ssh_proxy_jump,
    )


def record_target(record: MachineRecord) -> SshTarget:
    return SshTarget(
        host=record.extra.get("ssh_host") or record.address,
        user=record.ssh_user,
        port=record.ssh_port,
        key_path=record.ssh_key_path,
        proxy_jump=record.ssh_proxy_jump,
    )


class SshDriver:
    name: DriverName = "ssh"

    def __init__(self, *, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self.connect_timeout = connect_timeout

    # --- create --------------------------------------------------------------------------

    def open(self, request: CreateRequest, log: StepLog) -> SshSession:
        """Connect for REQUEST, with the fingerprints the user confirmed."""
        target = request_target(request)
        log(f"connecting to {target.user or '(ssh config user)'}@{target.host} over SSH")
        session = connect(
            target,
            accept_fingerprints=parse_fingerprints(request.accept_fingerprint),
            timeout=self.connect_timeout,
        )
        log(f"connected to {session.target.display}; host key {session.host_fingerprint}")
        return session

    def preflight(self, request: CreateRequest, log: StepLog) -> PreflightReport:
        with self.open(request, log) as session:
            return self._preflight(session, log)

    def _preflight(self, session: SshSession, log: StepLog) -> PreflightReport:
        log("preflight: OS, architecture, sudo, docker, live-restore, swarm ports")
        report = run_preflight(session)
        for line in report.lines():
            log(f"  {line}")
        return report

    def create(self, request: CreateRequest, log: StepLog) -> MachineRecord:
        name = validate_name(request.name)
        with self.open(request, log) as session:
            report = self._preflight(session, log)
            if report.problems:
                raise MachineError(
                    f"{session.target.hostname} cannot become a swarm node: {report.problems[0]}",
                    " ".join(report.problems[1:]),
                )
            if report.docker_missing:
                if not request.install_docker:
                    raise DockerMissing(
                        session.target.hostname, report.os_name or report.os_id, INSTALL_COMMAND
                    )
                report = self._install_docker(session, report, log)
            elif not report.docker_running:
                raise MachineError(
                    f"Docker is installed on {session.target.hostname} but its daemon does not "
                    "answer.",
                    "Start it there (systemctl start docker); swarmtui does not touch an "
                    "existing daemon.",
                )
            target = session.target
            log(f"{name}: {report.os_name or report.os_id}, docker {report.docker_version}")
            return MachineRecord(
                name=name,
                driver="ssh",
                address=target.hostname,
                ssh_user=target.user,
                ssh_port=target.port,
                ssh_key_path=request.ssh_key_path,
                ssh_proxy_jump=request.ssh_proxy_jump,
                host_key_fingerprint=session.host_fingerprint,
                engine_url=f"ssh://{target.user}@{target.hostname}:{target.port}",
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                extra={
                    "ssh_host": request.host,
                    "os": report.os_name or report.os_id,
                    "arch": report.architecture,
                    "docker": report.docker_version,
                    "sudo": "" if report.is_root else "1",
                },
            )

    def _install_docker(
        self, session: SshSession, report: PreflightReport, log: StepLog
    ) -> PreflightReport:
        if not report.can_install_docker:
            raise MachineError(
                f"swarmtui installs Docker only on Debian or Ubuntu, not on {report.os_name}.",
                "Install Docker Engine on the host yourself.",
            )
        sudo = sudo_prefix(not report.is_root)
        env = "env DEBIAN_FRONTEND=noninteractive"
        for step in (
            f"{sudo}{env} apt-get update -q",
            f"{sudo}{env} {INSTALL_COMMAND} -q",
            # Start the packaged daemon with its packaged settings; nothing else.
            f"{sudo}sh -c 'systemctl enable --now docker 2>/dev/null || service docker start'",
        ):
            log(f"{session.target.hostname}$ {step}")
            result = session.run(step)
            if result.code != 0 and "apt-get" in step:
                raise MachineError(
                    f"Installing Docker failed (exit {result.code}): "
                    + (result.stderr or result.stdout).strip()[-500:]
                )
        deadline = time.monotonic() + DOCKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if session.run(f"{sudo}docker version").code == 0:
                return self._preflight(session, log)
            time.sleep(1)
        raise MachineError(
            "Docker was installed but its daemon did not start.",
            "Look at `journalctl -u docker` on the host.",
        )

    # --- life cycle ----------------------------------------------------------------------

    def _session(self, record: MachineRecord, timeout: float | None = None) -> SshSession:
        return connect(
            record_target(record),
            accept_fingerprints=[record.host_key_fingerprint]
            if record.host_key_fingerprint
            else [],
            timeout=timeout or self.connect_timeout,
        )

    def status(self, record: MachineRecord) -> MachineStatus:
        try:
            with self._session(record, STATUS_TIMEOUT) as session:
                sudo = sudo_prefix(bool(record.extra.get("sudo")))
                result = session.run(sudo + DOCKER_INFO, timeout=15)
        except MachineError as exc:
            return MachineStatus(record.name, "unreachable", message=exc.message)
        if result.code != 0:
            return MachineStatus(
                record.name, "running", message="docker does not answer: " + result.stderr.strip()
            )
        return running_status(record.name, info_json(result.stdout))

    def start(self, record: MachineRecord, log: StepLog) -> None:
        raise MachineError(
            f"{record.name} is an existing host: swarmtui does not start or stop it.",
        )

    def stop(self, record: MachineRecord, log: StepLog) -> None:
        self.start(record, log)

    def refreshed(self, record: MachineRecord) -> MachineRecord:
        """An adopted host is reached where it was adopted: the record as stored."""
        return record

    def remove(self, record: MachineRecord, log: StepLog) -> None:
        # An adopted host is only forgotten: its Docker, hostname and files stay as they are.
        log(f"{record.name}: forgetting {record.address}; the host itself is left unchanged")

    def run(self, record: MachineRecord, command: list[str], log: StepLog) -> str:
        sudo = sudo_prefix(bool(record.extra.get("sudo")))
        line = sudo + shlex.join(command)
        shown = mask_secrets(line)
        log(f"{record.name}$ {shown}")
        with self._session(record) as session:
            result = session.run(line)
        if result.code != 0:
            detail = mask_secrets((result.stderr or result.stdout).strip())
            raise MachineError(f"`{shown}` failed on {record.name} (exit {result.code}): {detail}")
        return result.stdout
