"""`swarmtui lab up|down|status|load`: the local lab swarm of Docker-in-Docker nodes."""

from __future__ import annotations

import argparse

from swarmtui.cli.output import say


def run_lab(args: argparse.Namespace) -> int:
    from swarmtui.adapters.docker.lab import lab_down, lab_load, lab_status, lab_up

    try:
        if args.action == "load":
            if not args.image:
                say("lab load needs an IMAGE of the local engine")
                return 2
            lab_load(args.name, args.image)
            print(f"{args.image} loaded into every node of lab {args.name}")
        elif args.action == "up":
            lab = lab_up(args.name, args.managers, args.workers, log=say)
            print(f"lab {lab.name} is up; manager API: {lab.manager_url}")
            print(f"open it: swarmtui --host {lab.manager_url}")
        elif args.action == "down":
            lab_down(args.name)
            print(f"lab {args.name} removed")
        else:
            status = lab_status(args.name)
            if status is None:
                print(f"lab {args.name}: not created")
                return 1
            for node in status.nodes:
                state = node.api_url or "stopped"
                print(f"{node.name:10} {node.role:8} {node.address or '-':15} {state}")
    except Exception as exc:
        say(str(exc))
        return 1
    return 0
