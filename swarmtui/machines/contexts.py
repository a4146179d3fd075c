"""The known machines' swarms as places to connect: every manager machine whose engine
swarmtui reaches (its record's engine URL)."""

from __future__ import annotations

from collections.abc import Sequence

from swarmtui.core.contexts import ContextChoice
from swarmtui.core.endpoints import Endpoint, EndpointError, parse_endpoint_url
from swarmtui.machines.model import MachineRecord, lab_of


def machine_choices(records: Sequence[MachineRecord]) -> list[ContextChoice]:
    choices = []
    for record in sorted(records, key=lambda r: (lab_of(r), r.name)):
        if record.role != "manager" or not record.engine_url:
            continue
        lab = lab_of(record)
        detail = f"manager of lab {lab}" if lab else f"{record.driver} machine, manager"
        name = f"machine {record.name}"
        try:
            url = parse_endpoint_url(record.engine_url)
        except EndpointError as exc:
            choices.append(ContextChoice(name, "machine", None, detail, str(exc)))
            continue
        choices.append(ContextChoice(name, "machine", Endpoint(url, name), detail))
    return choices
