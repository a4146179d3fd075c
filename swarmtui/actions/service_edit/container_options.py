"""The healthcheck and the log driver: groups of fields the CLI edits together
(`--health-*` / `--no-healthcheck`, `--log-driver` with all its `--log-opt`)."""

from __future__ import annotations

from typing import Any

from swarmtui.actions.service_edit.edits import FieldEdit, entries, refuse_repeats
from swarmtui.actions.service_edit.form import HEALTH_DISABLED, ServiceEditForm
from swarmtui.actions.service_edit.spec_tree import CONTAINER, Spec, ensure
from swarmtui.actions.validation import InputError, parse_duration, parse_whole

HEALTH_TIMINGS = (
    ("health_interval", "--health-interval", "Interval"),
    ("health_timeout", "--health-timeout", "Timeout"),
    ("health_start_period", "--health-start-period", "StartPeriod"),
)


def healthcheck_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    changed = [
        name
        for name in ("health_cmd", *(t[0] for t in HEALTH_TIMINGS), "health_retries")
        if getattr(before, name) != getattr(after, name)
    ]
    if not changed:
        return None
    command = after.health_cmd.strip()
    if command.upper() == HEALTH_DISABLED:
        if changed != ["health_cmd"]:
            raise InputError(
                "health_cmd",
                "NONE disables the healthcheck: leave interval, timeout, start period and "
                "retries as they were, or enter a command.",
            )

        def disable(spec: Spec) -> None:
            ensure(spec, CONTAINER)["Healthcheck"] = {"Test": [HEALTH_DISABLED]}

        return FieldEdit("health_cmd", ("--no-healthcheck",), disable)
    words: list[str] = []
    values: dict[str, Any] = {}
    for name, flag, key in HEALTH_TIMINGS:
        if name in changed:
            values[key] = parse_duration(getattr(after, name), name)
            words += [flag, getattr(after, name).strip() or "0s"]
    if "health_retries" in changed:
        values["Retries"] = parse_whole(after.health_retries, "health_retries")
        words += ["--health-retries", after.health_retries.strip() or "0"]
    if "health_cmd" in changed or before.health_cmd.strip().upper() == HEALTH_DISABLED:
        values["Test"] = ["CMD-SHELL", command] if command else None
        words = ["--health-cmd", command, *words]

    def apply(spec: Spec) -> None:
        check = ensure(spec, (*CONTAINER, "Healthcheck"))
        for key, value in values.items():
            if value is None:
                check.pop(key, None)
            else:
                check[key] = value

    return FieldEdit("health_cmd", tuple(words), apply)


def log_option_entry(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise InputError("log_options", f"{text!r}: log options are KEY=VALUE (max-size=10m).")
    return key, value


def logging_edit(before: ServiceEditForm, after: ServiceEditForm) -> FieldEdit | None:
    if (before.log_driver, before.log_options) == (after.log_driver, after.log_options):
        return None
    driver = after.log_driver.strip()
    if not driver:
        raise InputError(
            "log_driver",
            "Enter a log driver (json-file, local, journald, ...): docker service update "
            "cannot go back to the engine's default driver.",
        )
    if any(c.isspace() for c in driver):
        raise InputError("log_driver", f"{driver!r} is not a log driver name.")
    options = [log_option_entry(text) for text in entries(after.log_options, "log_options")]
    refuse_repeats([key for key, _ in options], "log_options", "Option")
    words = ["--log-driver", driver]
    for key, value in options:
        words += ["--log-opt", f"{key}={value}"]
    # The CLI replaces the whole driver: options not given again are dropped.
    driver_spec: Spec = {"Name": driver}
    if options:
        driver_spec["Options"] = dict(options)

    def apply(spec: Spec) -> None:
        ensure(spec, ("TaskTemplate",))["LogDriver"] = dict(driver_spec)

    return FieldEdit("log_driver", tuple(words), apply)
