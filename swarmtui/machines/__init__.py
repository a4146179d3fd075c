"""Machines: hosts swarmtui creates or adopts, joins to the swarm and retires (issue 5)."""
