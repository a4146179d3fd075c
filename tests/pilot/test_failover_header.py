"""The header during a failover: the manager in use and the election (demo cluster)."""

from __future__ import annotations

from helpers.demo_app import DEMO_ENDPOINT, demo_app, header_text, main_painted, wait_for

from swarmtui.session.failover import electing_error
from swarmtui.session.model import ManagerSwitched

M2 = "tcp://10.0.0.2:2375"


async def test_the_header_names_the_manager_in_use_and_the_election() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: main_painted(app), "the demo painted")
        assert f"{DEMO_ENDPOINT}  ● live" in header_text(app)
        switch = ManagerSwitched(DEMO_ENDPOINT, M2, electing=True)
        app.session.model.switched(switch, electing_error(M2))
        await wait_for(pilot, lambda: M2 in header_text(app), "the new manager in the header")
        header = header_text(app)
        # the data is still the dead manager's, but the one in use is named
        assert f"{M2}  (failover from {DEMO_ENDPOINT})  ● electing a leader…" in header
        assert "leader being elected" in header and "leader manager1" not in header
        assert header.count(DEMO_ENDPOINT) == 1
