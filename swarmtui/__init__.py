"""swarmtui: a keyboard-driven terminal console for Docker Swarm."""

__version__ = "0.1.0"
