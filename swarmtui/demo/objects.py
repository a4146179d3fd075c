"""The demo swarm's secrets, configs and networks: those its stacks use, and a few more."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from swarmtui.demo.cluster import DEMO_NOW
from swarmtui.ports import NamedObjectKind

Json = dict[str, Any]
STACK_LABEL = "com.docker.stack.namespace"


def _ts(minutes_ago: float) -> str:
    return (DEMO_NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _mounted(object_id: str, name: str, minutes: float, stack: str = "", data: str = "") -> Json:
    spec: Json = {"Name": name, "Labels": {STACK_LABEL: stack} if stack else {}}
    if data:
        spec["Data"] = base64.b64encode(data.encode()).decode()
    return {
        "ID": object_id,
        "Version": {"Index": 12},
        "CreatedAt": _ts(minutes),
        "UpdatedAt": _ts(minutes),
        "Spec": spec,
    }


def _network(
    network_id: str,
    name: str,
    subnet: str,
    *,
    stack: str = "",
    attachable: bool = False,
    encrypted: bool = False,
    ingress: bool = False,
) -> Json:
    options = {"com.docker.network.driver.overlay.vxlanid_list": "4097"}
    if encrypted:
        options["encrypted"] = ""
    return {
        "Name": name,
        "Id": network_id,
        "Created": _ts(60),
        "Scope": "swarm",
        "Driver": "overlay",
        "Attachable": attachable,
        "Ingress": ingress,
        "IPAM": {"Driver": "default", "Config": [{"Subnet": subnet, "Gateway": subnet[:-4] + "1"}]},
        "Options": options,
        "Labels": {STACK_LABEL: stack} if stack else {},
    }


SECRETS_JSON = [
    _mounted("shop_db_password-id", "shop_db_password", 27, stack="shop"),
    _mounted("s3cr3t4p1t0k3n00000000001", "api_token", 45),
]
CONFIGS_JSON = [
    _mounted(
        "shop_nginx_conf-id",
        "shop_nginx_conf",
        27,
        stack="shop",
        data="server {\n    listen 80;\n    location / { proxy_pass http://backend; }\n}\n",
    ),
    _mounted(
        "monitoring_prometheus_yml-id",
        "monitoring_prometheus_yml",
        13,
        stack="monitoring",
        data="global:\n  scrape_interval: 15s\n",
    ),
]
NETWORKS_JSON = [
    _network("1ngr3ss000000000000000001", "ingress", "10.0.0.0/24", ingress=True),
    _network("sh0pfr0nt3nd0000000000001", "shop_frontend", "10.0.1.0/24", stack="shop"),
    _network(
        "sh0pb4ck3nd00000000000002", "shop_backend", "10.0.2.0/24", stack="shop", encrypted=True
    ),
    _network("m0n1t0r1ngd3f4ult00000003", "monitoring_default", "10.0.3.0/24", stack="monitoring"),
    _network("4tt4ch4bl3000000000000004", "tools", "10.0.9.0/24", attachable=True),
]


def demo_objects(kind: NamedObjectKind) -> list[Json]:
    return {"secret": SECRETS_JSON, "config": CONFIGS_JSON, "network": NETWORKS_JSON}[kind]
