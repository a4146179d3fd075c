"""The header during a failover, on the demo cluster: it names the manager in use, the one it
failed over from, and the election (the decision itself is tests/unit/test_failover_decision.py)."""

from __future__ import annotations

from helpers.demo_app import DEMO_ENDPOINT, demo_app, main_painted
from helpers.pilot import header_text, wait_until

from swarmtui.session.failover import electing_error
from swarmtui.session.model import ManagerSwitched

M2 = "tcp://10.0.0.2:2375"


async def test_the_header_names_the_manager_in_use_and_the_election() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: main_painted(app), "the demo painted")
        assert f"{DEMO_ENDPOINT}  ● live" in header_text(app)
        switch = ManagerSwitched(DEMO_ENDPOINT, M2, electing=True)
        app.session.model.switched(switch, electing_error(M2))
        await wait_until(pilot, lambda: M2 in header_text(app), "the new manager in the header")
        header = header_text(app)
        # the data is still the dead manager's, but the one in use is named
        assert f"{M2}  (failover from {DEMO_ENDPOINT})  ● electing a leader…" in header
        assert "leader being elected" in header and "leader manager1" not in header
        assert header.count(DEMO_ENDPOINT) == 1
