"""The full service edit without an engine: the form prefilled from a live spec, the new spec
(only the changed fields changed) and the `docker service update` line.

LIVE is a ServiceSpec as GET /services/{id} returns it for a service made by
`docker service create` with many options (and a key swarmtui does not model)."""

from __future__ import annotations

import copy
import json
import shlex
from dataclasses import replace
from typing import Any

import pytest

from swarmtui.actions.service_edit import (
    ServiceEditForm,
    SwarmNames,
    apply_edit,
    form_from_spec,
    update_command,
)
from swarmtui.actions.validation import InputError

SECOND = 10**9
LIVE: dict[str, Any] = {
    "Name": "web",
    "Labels": {"team": "web", "tier": ""},
    "TaskTemplate": {
        "ContainerSpec": {
            "Image": "nginx:1.27@sha256:" + "a" * 64,
            "Labels": {"c": "1"},
            "Args": ["nginx", "-g", "daemon off;"],
            "Hostname": "{{.Service.Name}}-{{.Task.Slot}}",
            "Env": ["A=1", "MSG=hello world", "B=2"],
            "Dir": "/srv",
            "User": "101:101",
            "Mounts": [
                {
                    "Type": "volume",
                    "Source": "data",
                    "Target": "/data",
                    "VolumeOptions": {"Labels": {"x": "y"}},
                },
                {"Type": "bind", "Source": "/etc/app", "Target": "/config", "ReadOnly": True},
            ],
            "StopGracePeriod": 10 * SECOND,
            "Healthcheck": {
                "Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                "Interval": 30 * SECOND,
                "Timeout": 5 * SECOND,
                "Retries": 3,
            },
            "DNSConfig": {},
            "Secrets": [
                {
                    "File": {"Name": "db_password", "UID": "0", "GID": "0", "Mode": 256},
                    "SecretID": "sec1",
                    "SecretName": "db_password",
                },
                {
                    "File": {"Name": "/run/tls/key.pem", "UID": "0", "GID": "0", "Mode": 292},
                    "SecretID": "sec2",
                    "SecretName": "tls_key",
                },
            ],
            "Configs": [
                {
                    "File": {"Name": "/etc/nginx/nginx.conf", "UID": "0", "GID": "0", "Mode": 292},
                    "ConfigID": "cfg1",
                    "ConfigName": "nginx_conf",
                },
            ],
            "Isolation": "default",
        },
        "Resources": {
            "Limits": {"NanoCPUs": 500_000_000, "MemoryBytes": 512 * 2**20},
            "Reservations": {"MemoryBytes": 128 * 2**20},
        },
        "RestartPolicy": {"Condition": "on-failure", "Delay": 5 * SECOND, "MaxAttempts": 3},
        "Placement": {
            "Constraints": ["node.labels.zone==a", "node.role==worker"],
            "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.rack"}}],
            "MaxReplicas": 2,
            "Platforms": [{"Architecture": "amd64", "OS": "linux"}],
        },
        "Networks": [{"Target": "net1id", "Aliases": ["www"]}],
        "LogDriver": {"Name": "json-file", "Options": {"max-size": "10m"}},
        "ForceUpdate": 0,
        "Runtime": "container",
    },
    "Mode": {"Replicated": {"Replicas": 3}},
    "UpdateConfig": {
        "Parallelism": 1,
        "Delay": 10 * SECOND,
        "FailureAction": "rollback",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "start-first",
    },
    "RollbackConfig": {
        "Parallelism": 2,
        "FailureAction": "pause",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    },
    "EndpointSpec": {
        "Mode": "vip",
        "Ports": [
            {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
            {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 5353, "PublishMode": "host"},
        ],
    },
}
NAMES = SwarmNames(
    networks={"net1id": "front", "net2id": "back"},
    secrets={"db_password": "sec1", "tls_key": "sec2", "api_token": "sec3"},
    configs={"nginx_conf": "cfg1", "nginx_conf.v2": "cfg2"},
)
BEFORE = form_from_spec(LIVE, NAMES)


def edited(**changes: str) -> tuple[dict[str, Any], str]:
    """The new spec and the command for BEFORE with CHANGES typed in."""
    after = replace(BEFORE, **changes)
    return apply_edit(LIVE, BEFORE, after, NAMES), update_command("web", BEFORE, after, NAMES)


def container(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = spec["TaskTemplate"]["ContainerSpec"]
    return result


def without(spec: dict[str, Any], *paths: tuple[str, ...]) -> dict[str, Any]:
    """SPEC without the keys at PATHS, to compare everything else."""
    copied = copy.deepcopy(spec)
    for path in paths:
        node = copied
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1], None)
    return copied


def assert_only_changed(new: dict[str, Any], *paths: tuple[str, ...]) -> None:
    assert json.dumps(without(new, *paths), sort_keys=True) == json.dumps(
        without(LIVE, *paths), sort_keys=True
    )


CS = ("TaskTemplate", "ContainerSpec")


# The form, prefilled ----------------------------------------------------------------------


def test_the_form_shows_every_field_of_the_live_spec() -> None:
    assert form_from_spec(LIVE, NAMES) == ServiceEditForm(
        image="nginx:1.27@sha256:" + "a" * 64,
        name="web",
        mode="replicated",
        replicas="3",
        command="nginx -g 'daemon off;'",
        env="A=1 'MSG=hello world' B=2",
        ports="8080:80 5353:53/udp@host",
        constraints="node.labels.zone==a node.role==worker",
        labels="team=web tier",
        mounts="volume:data:/data bind:/etc/app:/config:ro",
        restart_condition="on-failure",
        update_parallelism="1",
        update_delay="10s",
        update_order="start-first",
        update_failure_action="rollback",
        limit_cpus="0.5",
        limit_memory="512M",
        reserve_cpus="",
        reserve_memory="128M",
        networks="front",
        secrets="db_password tls_key:/run/tls/key.pem",
        configs="nginx_conf:/etc/nginx/nginx.conf",
        health_cmd="curl -f http://localhost/ || exit 1",
        health_interval="30s",
        health_timeout="5s",
        health_retries="3",
        health_start_period="",
        placement_prefs="spread=node.labels.rack",
        max_replicas="2",
        rollback_parallelism="2",
        rollback_delay="",
        rollback_order="stop-first",
        rollback_failure_action="pause",
        restart_delay="5s",
        restart_max_attempts="3",
        restart_window="",
        log_driver="json-file",
        log_options="max-size=10m",
        hostname="{{.Service.Name}}-{{.Task.Slot}}",
        user="101:101",
        workdir="/srv",
    )


def test_a_minimal_spec_shows_the_engine_defaults() -> None:
    form = form_from_spec(
        {
            "Name": "bare",
            "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}},
            "Mode": {"Global": {}},
        }
    )
    assert (form.mode, form.replicas, form.restart_condition, form.restart_delay) == (
        "global",
        "",
        "any",
        "5s",
    )
    assert (form.update_parallelism, form.update_order, form.update_failure_action) == (
        "1",
        "stop-first",
        "pause",
    )
    assert form.networks == form.secrets == form.env == form.health_cmd == ""


def test_an_unknown_network_id_is_shown_as_the_id() -> None:
    assert form_from_spec(LIVE).networks == "net1id"


def test_disabled_and_exec_form_healthchecks() -> None:
    for test, shown in (
        (["NONE"], "NONE"),
        (["CMD", "pg_isready", "-U", "a b"], "pg_isready -U 'a b'"),
    ):
        spec = copy.deepcopy(LIVE)
        container(spec)["Healthcheck"] = {"Test": test}
        assert form_from_spec(spec).health_cmd == shown


# No change -------------------------------------------------------------------------------


def test_no_change_gives_the_identical_spec_and_an_empty_update() -> None:
    new = apply_edit(LIVE, BEFORE, BEFORE, NAMES)
    assert json.dumps(new) == json.dumps(LIVE)
    assert new is not LIVE
    assert update_command("web", BEFORE, BEFORE, NAMES) == "docker service update web"


def test_the_live_spec_itself_is_not_modified() -> None:
    original = json.dumps(LIVE)
    edited(env="A=2", ports="", mounts="", secrets="", networks="back")
    assert json.dumps(LIVE) == original


# One field at a time: the new spec and the command -------------------------------------


def test_image() -> None:
    new, command = edited(image="nginx:1.28")
    assert container(new)["Image"] == "nginx:1.28"
    assert_only_changed(new, (*CS, "Image"))
    assert command == "docker service update --image nginx:1.28 web"


def test_replicas() -> None:
    new, command = edited(replicas="5")
    assert new["Mode"] == {"Replicated": {"Replicas": 5}}
    assert_only_changed(new, ("Mode",))
    assert command == "docker service update --replicas 5 web"


def test_command_args() -> None:
    new, command = edited(command="nginx -g 'daemon off; worker_processes 2;'")
    assert container(new)["Args"] == ["nginx", "-g", "daemon off; worker_processes 2;"]
    assert_only_changed(new, (*CS, "Args"))
    assert shlex.split(command) == [
        *("docker", "service", "update", "--args"),
        "nginx -g 'daemon off; worker_processes 2;'",
        "web",
    ]
    cleared, command = edited(command="")
    assert "Args" not in container(cleared)
    assert command == "docker service update --args '' web"


def test_env_by_key() -> None:
    new, command = edited(env="A=10 'MSG=hello world' C=3")
    assert container(new)["Env"] == ["A=10", "MSG=hello world", "C=3"]
    assert_only_changed(new, (*CS, "Env"))
    assert command == "docker service update --env-rm B --env-add A=10 --env-add C=3 web"


def test_env_value_with_spaces_is_quoted() -> None:
    new, command = edited(env="A=1 'MSG=hello there' B=2")
    assert container(new)["Env"] == ["A=1", "MSG=hello there", "B=2"]
    assert command == "docker service update --env-add 'MSG=hello there' web"


def test_ports_by_target_protocol_and_mode() -> None:
    new, command = edited(ports="9090:80 5353:53/udp@host 443")
    assert new["EndpointSpec"] == {
        "Mode": "vip",
        "Ports": [
            {"Protocol": "tcp", "TargetPort": 443, "PublishMode": "ingress"},
            {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 5353, "PublishMode": "host"},
            {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 9090, "PublishMode": "ingress"},
        ],
    }
    assert_only_changed(new, ("EndpointSpec", "Ports"))
    assert command == (
        "docker service update --publish-rm 80 --publish-add published=9090,target=80 "
        "--publish-add target=443 web"
    )


def test_removing_a_host_mode_udp_port_names_its_protocol_and_mode() -> None:
    new, command = edited(ports="8080:80")
    assert [p["TargetPort"] for p in new["EndpointSpec"]["Ports"]] == [80]
    assert command == ("docker service update --publish-rm target=53,protocol=udp,mode=host web")


def test_removing_every_port_leaves_the_endpoint_mode() -> None:
    new, _ = edited(ports="")
    assert new["EndpointSpec"] == {"Mode": "vip"}


def test_constraints_as_strings_sorted_like_the_cli() -> None:
    new, command = edited(constraints="node.role==worker node.labels.disk==ssd")
    assert new["TaskTemplate"]["Placement"]["Constraints"] == [
        "node.labels.disk==ssd",
        "node.role==worker",
    ]
    assert_only_changed(new, ("TaskTemplate", "Placement", "Constraints"))
    assert command == (
        "docker service update --constraint-rm node.labels.zone==a "
        "--constraint-add node.labels.disk==ssd web"
    )


def test_placement_preferences_and_max_replicas() -> None:
    new, command = edited(placement_prefs="spread=node.labels.zone", max_replicas="")
    placement = new["TaskTemplate"]["Placement"]
    assert placement["Preferences"] == [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}]
    assert "MaxReplicas" not in placement
    assert placement["Platforms"] == LIVE["TaskTemplate"]["Placement"]["Platforms"]
    assert command == (
        "docker service update --replicas-max-per-node 0 "
        "--placement-pref-rm spread=node.labels.rack "
        "--placement-pref-add spread=node.labels.zone web"
    )


def test_service_labels_by_key() -> None:
    new, command = edited(labels="team=api owner=ops")
    assert new["Labels"] == {"team": "api", "owner": "ops"}
    assert container(new)["Labels"] == {"c": "1"}
    assert_only_changed(new, ("Labels",))
    assert command == (
        "docker service update --label-rm tier --label-add team=api --label-add owner=ops web"
    )


def test_mounts_by_target_keep_the_options_of_untouched_ones() -> None:
    new, command = edited(mounts="volume:data:/data bind:/etc/app2:/config tmpfs:/tmp")
    assert container(new)["Mounts"] == [
        {"Type": "tmpfs", "Target": "/tmp"},
        {"Type": "bind", "Source": "/etc/app2", "Target": "/config"},
        {
            "Type": "volume",
            "Source": "data",
            "Target": "/data",
            "VolumeOptions": {"Labels": {"x": "y"}},
        },
    ]
    assert_only_changed(new, (*CS, "Mounts"))
    assert command == (
        "docker service update --mount-add type=bind,source=/etc/app2,target=/config "
        "--mount-add type=tmpfs,target=/tmp web"
    )
    removed, command = edited(mounts="bind:/etc/app:/config:ro")
    assert [m["Target"] for m in container(removed)["Mounts"]] == ["/config"]
    assert command == "docker service update --mount-rm /data web"


def test_restart_policy() -> None:
    new, command = edited(
        restart_condition="any",
        restart_delay="10s",
        restart_max_attempts="0",
        restart_window="2m",
    )
    assert new["TaskTemplate"]["RestartPolicy"] == {
        "Condition": "any",
        "Delay": 10 * SECOND,
        "MaxAttempts": 0,
        "Window": 120 * SECOND,
    }
    assert_only_changed(new, ("TaskTemplate", "RestartPolicy"))
    assert command == (
        "docker service update --restart-condition any --restart-delay 10s "
        "--restart-max-attempts 0 --restart-window 2m web"
    )


def test_update_and_rollback_config() -> None:
    new, command = edited(
        update_parallelism="2",
        update_delay="",
        rollback_delay="3s",
        rollback_failure_action="continue",
        rollback_order="start-first",
    )
    assert new["UpdateConfig"] == {
        "Parallelism": 2,
        "FailureAction": "rollback",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "start-first",
    }
    assert new["RollbackConfig"] == {
        "Parallelism": 2,
        "Delay": 3 * SECOND,
        "FailureAction": "continue",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "start-first",
    }
    assert_only_changed(new, ("UpdateConfig",), ("RollbackConfig",))
    assert command == (
        "docker service update --update-parallelism 2 --update-delay 0s --rollback-delay 3s "
        "--rollback-order start-first --rollback-failure-action continue web"
    )


def test_resources() -> None:
    new, command = edited(limit_cpus="1.5", limit_memory="", reserve_cpus="0.25")
    assert new["TaskTemplate"]["Resources"] == {
        "Limits": {"NanoCPUs": 1_500_000_000},
        "Reservations": {"MemoryBytes": 128 * 2**20, "NanoCPUs": 250_000_000},
    }
    assert_only_changed(new, ("TaskTemplate", "Resources"))
    assert command == (
        "docker service update --limit-cpu 1.5 --limit-memory 0 --reserve-cpu 0.25 web"
    )


def test_hostname_user_workdir() -> None:
    new, command = edited(hostname="", user="nginx", workdir="/var/www")
    assert "Hostname" not in container(new)
    assert (container(new)["User"], container(new)["Dir"]) == ("nginx", "/var/www")
    assert_only_changed(new, (*CS, "Hostname"), (*CS, "User"), (*CS, "Dir"))
    assert command == ("docker service update --hostname '' --user nginx --workdir /var/www web")


def test_networks_by_name_or_id() -> None:
    new, command = edited(networks="back")
    assert new["TaskTemplate"]["Networks"] == [{"Target": "net2id"}]
    assert_only_changed(new, ("TaskTemplate", "Networks"))
    assert command == "docker service update --network-rm front --network-add back web"
    same, command = edited(networks="net1id")
    assert json.dumps(same) == json.dumps(LIVE)
    assert command == "docker service update web"
    both, _ = edited(networks="front back")
    assert both["TaskTemplate"]["Networks"] == [
        {"Target": "net1id", "Aliases": ["www"]},
        {"Target": "net2id"},
    ]


def test_networks_in_the_deprecated_top_level_field_move_to_the_task_template() -> None:
    live = copy.deepcopy(LIVE)
    live["Networks"] = live["TaskTemplate"].pop("Networks")
    before = form_from_spec(live, NAMES)
    assert before.networks == "front"
    new = apply_edit(live, before, replace(before, networks="front back"), NAMES)
    assert "Networks" not in new
    assert [n["Target"] for n in new["TaskTemplate"]["Networks"]] == ["net1id", "net2id"]


def test_secrets_by_target_names_only() -> None:
    new, command = edited(secrets="db_password:/run/secrets/db tls_key:/run/tls/key.pem api_token")
    assert container(new)["Secrets"] == [
        LIVE["TaskTemplate"]["ContainerSpec"]["Secrets"][1],
        {
            "File": {"Name": "/run/secrets/db", "UID": "0", "GID": "0", "Mode": 0o444},
            "SecretID": "sec1",
            "SecretName": "db_password",
        },
        {
            "File": {"Name": "api_token", "UID": "0", "GID": "0", "Mode": 0o444},
            "SecretID": "sec3",
            "SecretName": "api_token",
        },
    ]
    assert_only_changed(new, (*CS, "Secrets"))
    assert command == (
        "docker service update --secret-rm db_password "
        "--secret-add source=db_password,target=/run/secrets/db "
        "--secret-add source=api_token,target=api_token web"
    )


def test_a_secret_still_mounted_elsewhere_is_added_again_after_secret_rm() -> None:
    live = copy.deepcopy(LIVE)
    container(live)["Secrets"].append(
        {
            "File": {"Name": "/copy", "UID": "0", "GID": "0", "Mode": 292},
            "SecretID": "sec1",
            "SecretName": "db_password",
        }
    )
    before = form_from_spec(live, NAMES)
    after = replace(before, secrets="tls_key:/run/tls/key.pem db_password:/copy")
    new = apply_edit(live, before, after, NAMES)
    assert [s["File"]["Name"] for s in container(new)["Secrets"]] == ["/run/tls/key.pem", "/copy"]
    assert update_command("web", before, after, NAMES) == (
        "docker service update --secret-rm db_password "
        "--secret-add source=db_password,target=/copy web"
    )


def test_configs_rotated_at_the_same_target() -> None:
    new, command = edited(configs="nginx_conf.v2:/etc/nginx/nginx.conf")
    assert container(new)["Configs"] == [
        {
            "File": {"Name": "/etc/nginx/nginx.conf", "UID": "0", "GID": "0", "Mode": 0o444},
            "ConfigID": "cfg2",
            "ConfigName": "nginx_conf.v2",
        },
    ]
    assert command == (
        "docker service update --config-rm nginx_conf "
        "--config-add source=nginx_conf.v2,target=/etc/nginx/nginx.conf web"
    )


def test_a_credential_spec_config_is_never_shown_or_touched() -> None:
    live = copy.deepcopy(LIVE)
    runtime = {"Runtime": {}, "ConfigID": "cfg9", "ConfigName": "credspec"}
    container(live)["Configs"].append(runtime)
    before = form_from_spec(live, NAMES)
    assert "credspec" not in before.configs
    new = apply_edit(live, before, replace(before, configs=""), NAMES)
    assert container(new)["Configs"] == [runtime]


def test_healthcheck_fields() -> None:
    new, command = edited(
        health_cmd="wget -q -O- localhost", health_interval="10s", health_retries=""
    )
    assert container(new)["Healthcheck"] == {
        "Test": ["CMD-SHELL", "wget -q -O- localhost"],
        "Interval": 10 * SECOND,
        "Timeout": 5 * SECOND,
    }
    assert_only_changed(new, (*CS, "Healthcheck"))
    assert command == (
        "docker service update --health-cmd 'wget -q -O- localhost' "
        "--health-interval 10s --health-retries 0 web"
    )


def test_healthcheck_disabled() -> None:
    new, command = edited(health_cmd="NONE")
    assert container(new)["Healthcheck"] == {"Test": ["NONE"]}
    assert command == "docker service update --no-healthcheck web"


def test_healthcheck_added_where_there_was_none() -> None:
    live = copy.deepcopy(LIVE)
    del container(live)["Healthcheck"]
    before = form_from_spec(live, NAMES)
    after = replace(before, health_cmd="true", health_start_period="1m")
    new = apply_edit(live, before, after, NAMES)
    assert container(new)["Healthcheck"] == {
        "Test": ["CMD-SHELL", "true"],
        "StartPeriod": 60 * SECOND,
    }
    assert update_command("web", before, after, NAMES) == (
        "docker service update --health-cmd true --health-start-period 1m web"
    )


def test_logging_replaces_the_driver_and_all_its_options() -> None:
    new, command = edited(log_options="max-size=20m max-file=3")
    assert new["TaskTemplate"]["LogDriver"] == {
        "Name": "json-file",
        "Options": {"max-size": "20m", "max-file": "3"},
    }
    assert_only_changed(new, ("TaskTemplate", "LogDriver"))
    assert command == (
        "docker service update --log-driver json-file --log-opt max-size=20m "
        "--log-opt max-file=3 web"
    )


def test_a_restart_policy_created_from_nothing_starts_from_the_engine_defaults() -> None:
    live = copy.deepcopy(LIVE)
    del live["TaskTemplate"]["RestartPolicy"], live["UpdateConfig"]
    before = form_from_spec(live, NAMES)
    after = replace(before, restart_window="30s", update_delay="5s")
    new = apply_edit(live, before, after, NAMES)
    assert new["TaskTemplate"]["RestartPolicy"] == {
        "Condition": "any",
        "Delay": 5 * SECOND,
        "MaxAttempts": 0,
        "Window": 30 * SECOND,
    }
    assert new["UpdateConfig"] == {
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": 5 * SECOND,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
        "Delay": 5 * SECOND,
    }


def test_unknown_keys_survive_an_edit_of_their_neighbours() -> None:
    live = copy.deepcopy(LIVE)
    container(live)["FutureField"] = {"x": [1, 2]}
    live["TaskTemplate"]["Placement"]["FutureKey"] = "kept"
    live["SomethingNew"] = True
    before = form_from_spec(live, NAMES)
    after = replace(before, env="A=1", constraints="", image="nginx:1.28", health_cmd="NONE")
    new = apply_edit(live, before, after, NAMES)
    assert container(new)["FutureField"] == {"x": [1, 2]}
    assert new["TaskTemplate"]["Placement"] == {
        "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.rack"}}],
        "MaxReplicas": 2,
        "Platforms": [{"Architecture": "amd64", "OS": "linux"}],
        "FutureKey": "kept",
    }
    assert new["SomethingNew"] is True
    for key in ("Isolation", "StopGracePeriod", "DNSConfig", "Labels", "Mounts", "Secrets"):
        assert container(new)[key] == container(live)[key]


def test_secret_values_never_appear_only_names() -> None:
    _, command = edited(secrets="db_password api_token:/run/secrets/token")
    assert "sec3" not in command and "sec1" not in command
    assert "api_token" in command


# Bad input is refused at its field -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "other"}, "name", "cannot be renamed"),
        ({"mode": "global"}, "mode", "cannot change"),
        ({"image": ""}, "image", "image is required"),
        ({"replicas": "-1"}, "replicas", "not a whole number"),
        ({"command": "sh -c 'oops"}, "command", "No closing quotation"),
        ({"env": "A=1 'MSG=hello world' B=2 NOVALUE"}, "env", "KEY=VALUE"),
        ({"env": "A=1 A=2"}, "env", "'A' appears twice"),
        ({"env": "'A=1"}, "env", "quote entries with spaces"),
        ({"ports": "8080:80 8080:81"}, "ports", "published port appears twice"),
        ({"ports": "70000:80"}, "ports", "not between 1 and 65535"),
        ({"ports": "80 8080:80"}, "ports", "'80/tcp@ingress' appears twice"),
        ({"constraints": "zone=a"}, "constraints", "node.role==manager"),
        ({"placement_prefs": "node.labels.zone"}, "placement_prefs", "spread="),
        ({"max_replicas": "two"}, "max_replicas", "not a whole number"),
        ({"labels": "=x"}, "labels", "KEY or KEY=VALUE"),
        ({"mounts": "volume:data:relative"}, "mounts", "absolute"),
        ({"mounts": "tmpfs:tmp"}, "mounts", "tmpfs:/path"),
        ({"mounts": "volume:a:/x volume:b:/x"}, "mounts", "'/x' appears twice"),
        ({"networks": "front nowhere"}, "networks", "No network named 'nowhere'"),
        ({"secrets": "db_password missing"}, "secrets", "No secret named 'missing'"),
        ({"secrets": "bad/name"}, "secrets", "NAME or NAME:TARGET"),
        ({"configs": "nginx_conf:/a nginx_conf:/a"}, "configs", "appears twice"),
        ({"configs": "nope:/etc/x"}, "configs", "No config named 'nope'"),
        ({"health_cmd": "NONE", "health_interval": "5s"}, "health_cmd", "NONE disables"),
        ({"health_interval": "soon"}, "health_interval", "durations look like"),
        ({"health_retries": "x"}, "health_retries", "not a whole number"),
        ({"restart_condition": "always"}, "restart_condition", "choose one of"),
        ({"restart_delay": ""}, "restart_delay", "Enter a value"),
        ({"restart_max_attempts": "-2"}, "restart_max_attempts", "not a whole number"),
        ({"update_parallelism": ""}, "update_parallelism", "Enter a value"),
        ({"update_order": "random"}, "update_order", "choose one of"),
        ({"rollback_failure_action": "rollback"}, "rollback_failure_action", "pause, continue"),
        ({"limit_memory": "1M"}, "limit_memory", "below 6M"),
        ({"reserve_cpus": "lots"}, "reserve_cpus", "not a number of CPUs"),
        ({"log_driver": ""}, "log_driver", "cannot go back"),
        ({"log_options": "max-size"}, "log_options", "KEY=VALUE"),
        ({"hostname": "a b"}, "hostname", "not a host name"),
        ({"user": "a b"}, "user", "without spaces"),
        ({"workdir": "srv"}, "workdir", "absolute path"),
    ],
)
def test_bad_input_is_refused_at_its_field(
    changes: dict[str, str], field: str, message: str
) -> None:
    after = replace(BEFORE, **changes)
    with pytest.raises(InputError) as refused:
        apply_edit(LIVE, BEFORE, after, NAMES)
    assert refused.value.field == field
    assert message in refused.value.message
    with pytest.raises(InputError):
        update_command("web", BEFORE, after, NAMES)


def test_global_services_have_no_replicas_to_set() -> None:
    live = {
        "Name": "agent",
        "TaskTemplate": {"ContainerSpec": {"Image": "a"}},
        "Mode": {"Global": {}},
    }
    before = form_from_spec(live)
    with pytest.raises(InputError) as refused:
        apply_edit(live, before, replace(before, replicas="2"))
    assert refused.value.field == "replicas"


def test_untouched_entries_the_form_cannot_parse_are_left_alone() -> None:
    live = copy.deepcopy(LIVE)
    container(live)["Env"].append("INHERITED")  # no value: the CLI's form, not ours
    live["TaskTemplate"]["Placement"]["Constraints"].append("node.platform.os == linux")
    before = form_from_spec(live, NAMES)
    after = replace(before, env=before.env.replace("A=1", "A=5"))
    new = apply_edit(live, before, after, NAMES)
    assert container(new)["Env"] == ["A=5", "MSG=hello world", "B=2", "INHERITED"]
    assert update_command("web", before, after, NAMES) == "docker service update --env-add A=5 web"


def _created_by_the_create_form() -> dict[str, Any]:
    from swarmtui.actions.service_form import ServiceFormInput, service_spec, validate_form

    form = ServiceFormInput(
        image="swarmtui-workload:1",
        name="made",
        command="sh -c 'sleep 1'",
        env="A=1",
        ports="8080:80 5353:53/udp@host",
        constraints="node.role!=manager",
        mounts="volume::/anon bind:/etc:/host-etc:ro",
        update_delay="2s",
        limit_memory="64M",
    )
    return service_spec(validate_form(form))


@pytest.mark.parametrize(
    "spec",
    [
        LIVE,
        _created_by_the_create_form(),
        {
            "Name": "job",
            "TaskTemplate": {"ContainerSpec": {"Image": "a"}},
            "Mode": {"ReplicatedJob": {}},
        },
    ],
    ids=["engine", "create-form", "job"],
)
def test_round_trip_without_change_is_byte_identical(spec: dict[str, Any]) -> None:
    form = form_from_spec(spec, NAMES)
    assert json.dumps(apply_edit(spec, form, form, NAMES)) == json.dumps(spec)
    assert form_from_spec(apply_edit(spec, form, form, NAMES), NAMES) == form


def test_a_spec_made_by_the_create_form_edits_cleanly() -> None:
    spec = _created_by_the_create_form()
    before = form_from_spec(spec)
    assert before.mounts == "volume::/anon bind:/etc:/host-etc:ro"
    after = replace(before, mounts="bind:/etc:/host-etc:ro", env="A=1 B=2")
    new = apply_edit(spec, before, after)
    assert new["TaskTemplate"]["ContainerSpec"]["Mounts"] == [
        {"Type": "bind", "Source": "/etc", "Target": "/host-etc", "ReadOnly": True}
    ]
    assert update_command("made", before, after) == (
        "docker service update --env-add B=2 --mount-rm /anon made"
    )
