"""Reaching the nodes' own engines: the routes to a node and the plan of a shell in a task.

Pure: no engine, no SSH; the session tries the routes, the adapters carry the plans out.
"""
