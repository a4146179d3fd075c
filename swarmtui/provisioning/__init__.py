"""SSH provisioning of existing hosts (paramiko lives here and nowhere else in swarmtui)."""
