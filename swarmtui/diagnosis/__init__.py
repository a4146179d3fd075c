"""Why a task is not running: the engine's own messages and the swarm's state, read as the
scheduler and the node's agent read them, turned into plain words. Imports only the core."""
