"""Settings from flags, environment, a TOML file and defaults, in that order of precedence."""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from tray_app import APP_NAME
from tray_app.aws import regions
from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.errors import ConfigError
from tray_app.core.holds import SKEW_SECONDS
from tray_app.core.resolved_config import Config

ENV_PREFIX = "PIPELINE_TRAY_"


def _text(value: object, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty string, got {value!r}")
    return value.strip()


def _at_least(minimum: int, maximum: int | None = None) -> Callable[[object, str, str], int]:
    """A parser for whole numbers of `minimum` or more (to `maximum`); a string is not one (TOML
    has numbers)."""
    allowed = f"of {minimum} or more" if maximum is None else f"from {minimum} to {maximum}"

    def parse(value: object, where: str, key: str) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < minimum
            or (maximum is not None and value > maximum)
        ):
            raise ConfigError(f"{where}: {key} must be a whole number {allowed}, got {value!r}")
        return value

    return parse


_positive_int = _at_least(1)


def _number_from_text(text: str) -> object:
    """Variables and flags are text by nature, so there "30" means 30 (unlike in the file)."""
    try:
        return int(text.strip())
    except ValueError:
        return text  # reported by the parser, as the text the user typed


def _region(value: object, where: str, key: str) -> str:
    text = _text(value, where, key)
    known = regions.known_regions()
    if text not in known:
        # A typo would otherwise surface as "cannot reach AWS" (no such host) or, against an
        # emulator, as a 500: moto and LocalStack refuse regions they do not know too.
        raise ConfigError(f"{where}: {key} {text!r} {regions.advice(text, known)}")
    return text


def _url(value: object, where: str, key: str) -> str:
    text = _text(value, where, key)
    if not text.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: {key} must start with http:// or https://, got {text!r}")
    return text


@dataclass(frozen=True)
class Key:
    """One setting: how to check it, its default, and the standard AWS variables that set it."""

    parse: Callable[[object, str, str], Any]
    default: Any
    aws_env: tuple[str, ...] = ()
    from_text: Callable[[str], object] = str  # how a variable's or a flag's text becomes a value


KEYS: dict[str, Key] = {
    "profile": Key(_text, None, ("AWS_PROFILE",)),
    "region": Key(_region, None, ("AWS_REGION", "AWS_DEFAULT_REGION")),
    "endpoint_url": Key(_url, None, ("AWS_ENDPOINT_URL",)),
    "rule": Key(_text, "data-collector-schedule"),
    "function": Key(_text, "data-collector"),
    "table": Key(_text, "InfraMetrics"),
    "bucket": Key(_text, "infra-monitoring-pipeline-data"),
    "stack": Key(_text, "pipeline-tray"),
    # other devices hold a session's end to the longest one (core/bounded.py): none is longer
    "session_minutes": Key(_at_least(1, LONGEST_SESSION_MINUTES), 60, from_text=_number_from_text),
    "idle_minutes": Key(_positive_int, 15, from_text=_number_from_text),
    "poll_seconds": Key(_positive_int, 30, from_text=_number_from_text),
    "device_name": Key(_text, None),  # how other devices name this one (default: host name)
    # grace for other devices' clocks; a running tray takes the function's own value
    "clock_skew_seconds": Key(_at_least(0), SKEW_SECONDS, from_text=_number_from_text),
}
# Our variables that are not keys. A PIPELINE_TRAY_* name outside these and the keys is a typo.
OTHER_VARIABLES = (ENV_PREFIX + "CONFIG",)


def default_config_path() -> Path:
    """The platform's config location, e.g. ~/.config/pipeline-tray/config.toml on Linux."""
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def read_file(path: Path, required: bool) -> dict[str, Any]:
    """Parse the TOML file; a missing file is empty unless it was asked for by name."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: config file not found") from None
        return {}
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file ({err.strerror})") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from err
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}; accepted keys: {', '.join(KEYS)}")
    return data


def load(
    flags: Mapping[str, Any],
    env: Mapping[str, str] = os.environ,
    path: Path | None = None,
) -> Config:
    """Resolve every key: flag > PIPELINE_TRAY_<KEY> or standard AWS variable > file > default."""
    check_variable_names(env)
    env_path = env.get(ENV_PREFIX + "CONFIG")
    required = path is not None or bool(env_path)
    file = path or (Path(env_path) if env_path else default_config_path())
    file_values = read_file(file, required)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, spec in KEYS.items():
        value, where = _pick(
            key, spec=spec, flags=flags, env=env, file_values=file_values, file=file
        )
        if where.startswith(("flag ", "env ")):
            value = spec.from_text(value)
        values[key] = spec.parse(value, where, key) if value is not None else None
        origin[key] = where
    if values["region"] is None:
        _check_profile_region(values["profile"], env)
    return Config(**values, file=file, origin=origin)


def variable_names() -> tuple[str, ...]:
    """Every PIPELINE_TRAY_* variable we read."""
    return (*OTHER_VARIABLES, *(ENV_PREFIX + key.upper() for key in KEYS))


def check_variable_names(env: Mapping[str, str]) -> None:
    """A PIPELINE_TRAY_* variable we do not read is most likely a typo: name it and the closest."""
    known = variable_names()
    for name in sorted(env):
        if name.startswith(ENV_PREFIX) and name not in known:
            # Match on what follows the prefix, which every name shares and would flatter.
            suffixes = {known_name.removeprefix(ENV_PREFIX): known_name for known_name in known}
            close = difflib.get_close_matches(name.removeprefix(ENV_PREFIX), suffixes, n=1)
            listed = ", ".join(known)
            advice = f"did you mean {suffixes[close[0]]}?" if close else f"known: {listed}"
            raise ConfigError(f"environment: unknown variable {name}; {advice}")


def _check_profile_region(profile: str | None, env: Mapping[str, str]) -> None:
    """The region boto3 will take from the profile (~/.aws/config) gets the same check."""
    found = regions.profile_region(profile, env)
    if found is not None:
        path, name, region = found
        _region(region, f"{path}, profile {name}", "region")


def _pick(
    key: str,
    *,
    spec: Key,
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    file_values: Mapping[str, Any],
    file: Path,
) -> tuple[Any, str]:
    if flags.get(key) is not None:
        return flags[key], f"flag --{key.replace('_', '-')}"
    for name in (ENV_PREFIX + key.upper(), *spec.aws_env):
        if env.get(name):
            return env[name], f"env {name}"
    if key in file_values:
        return file_values[key], f"file {file}"
    return spec.default, "default"


def save_names(path: Path, names: Mapping[str, str]) -> list[str]:
    """Write `names` (keys of KEYS) into the TOML file at `path`, keeping its other lines; returns
    the keys whose value changed. Later commands then use them without flags."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    current = read_file(path, required=False)
    changed = [key for key, value in names.items() if current.get(key) != value]
    for key in changed:
        line = f"{key} = {json.dumps(names[key])}"  # a JSON string is a TOML basic string
        at = next((n for n, text in enumerate(lines) if text.split("=")[0].strip() == key), None)
        if at is None:
            lines.append(line)
        else:
            lines[at] = line
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed
