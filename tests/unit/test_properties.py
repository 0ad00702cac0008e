"""Property tests: arbitrary input never raises an unexpected exception; valid input round-trips."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from collector.record import BadEventError, parse_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tray_app.app import config
from tray_app.aws import regions
from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.errors import ConfigError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
KNOWN = st.sampled_from(["session_deadline", "time", "id"])


ONE_FIELD = st.one_of(
    st.fixed_dictionaries({"time": st.text() | JSON}),
    st.fixed_dictionaries({"id": st.text() | JSON}),
    st.fixed_dictionaries({"session_deadline": JSON}),
)


@given(st.one_of(JSON, st.dictionaries(KNOWN, JSON), ONE_FIELD))
def test_any_event_is_a_trigger_or_a_bad_event(event: Any) -> None:
    try:
        trigger = parse_event(event)
    except BadEventError:
        return
    assert trigger.event_id is None or isinstance(trigger.event_id, str)


@given(st.integers(min_value=0, max_value=2**40), st.uuids())
def test_a_valid_event_round_trips(deadline: int, event_id: Any) -> None:
    trigger = parse_event(
        {"session_deadline": deadline, "time": "2026-11-26T14:05:00Z", "id": str(event_id)}
    )
    assert trigger.event_id == str(event_id)  # an older tray's deadline is ignored
    assert trigger.scheduled_time is not None and trigger.scheduled_time.minute == 5


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_any_config_text_loads_or_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8", "replace"))
    try:
        loaded = config.load({}, env={}, path=path)
    except ConfigError as err:
        assert str(path) in str(err)  # always names the file
        return
    assert loaded.session_minutes >= 1 and loaded.poll_seconds >= 1


KEY_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "rule": st.text(min_size=1).filter(str.strip).map(str.strip),
        "session_minutes": st.integers(min_value=1, max_value=LONGEST_SESSION_MINUTES),
        "idle_minutes": st.integers(min_value=1, max_value=10_000),
        "poll_seconds": st.integers(min_value=1, max_value=10_000),
    },
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(KEY_VALUES)
def test_valid_config_round_trips(tmp_path: Path, values: dict[str, Any]) -> None:
    lines = []
    for key, value in values.items():
        lines.append(f"{key} = {value!r}" if isinstance(value, int) else f"{key} = {_toml(value)}")
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == values
    loaded = config.load({}, env={}, path=path)
    for key, value in values.items():
        assert getattr(loaded, key) == value


NUMBER_KEYS = st.sampled_from(["session_minutes", "idle_minutes", "poll_seconds"])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NUMBER_KEYS, st.integers(min_value=-(2**40), max_value=2**40).map(str) | st.text())
def test_a_quoted_number_in_the_file_is_a_string_not_a_number(
    tmp_path: Path, key: str, text: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"{key} = {_toml(text)}\n", encoding="utf-8")
    try:
        config.load({}, env={}, path=path)
    except ConfigError as err:
        assert f"file {path}: {key} must be a whole number" in str(err)
        assert f"got {text!r}" in str(err)
        return
    raise AssertionError(f"{key} = {text!r} was accepted")


@given(NUMBER_KEYS, st.integers(min_value=-(2**40), max_value=2**40))
def test_a_number_in_a_variable_is_read_from_its_text(key: str, number: int) -> None:
    name = "PIPELINE_TRAY_" + key.upper()
    try:
        loaded = config.load({}, env={name: str(number)})
    except ConfigError as err:
        too_long = key == "session_minutes" and number > LONGEST_SESSION_MINUTES
        assert (number < 1 or too_long) and f"env {name}: {key} must be" in str(err)
        return
    assert number >= 1 and getattr(loaded, key) == number


OUR_SUFFIXES = [name.removeprefix("PIPELINE_TRAY_") for name in config.variable_names()]


@given(
    st.sampled_from(OUR_SUFFIXES)
    | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1)
    | st.builds(lambda s, n: s[:n], st.sampled_from(OUR_SUFFIXES), st.integers(1, 30))
)
def test_a_variable_of_ours_is_known_or_named(suffix: str) -> None:
    name = "PIPELINE_TRAY_" + suffix
    try:
        config.check_variable_names({name: "x", "PATH": "/bin"})
    except ConfigError as err:
        assert name not in config.variable_names()
        assert str(err).startswith(f"environment: unknown variable {name}; ")
        return
    assert name in config.variable_names()


REGIONS = sorted(regions.known_regions())


@given(
    st.sampled_from(REGIONS)
    | st.text()
    | st.builds(
        lambda r, i, c: r[:i] + c + r[i + 1 :],
        st.sampled_from(REGIONS),
        st.integers(0, 14),
        st.characters(),
    )
)
def test_a_region_is_known_or_named_where_it_came_from(region: str) -> None:
    try:
        loaded = config.load({}, env={"AWS_REGION": region})
    except ConfigError as err:
        assert region.strip() not in REGIONS
        assert str(err).startswith("env AWS_REGION: region ")
        return
    if region == "":
        assert loaded.region is None  # an empty variable is an unset one
        return
    assert loaded.region == region.strip() and loaded.region in REGIONS


def _toml(text: str) -> str:
    """A TOML basic string: control characters, quotes and backslashes as \\uXXXX."""
    return (
        '"'
        + "".join(c if c >= " " and c not in '"\\\x7f' else f"\\u{ord(c):04X}" for c in text)
        + '"'
    )
