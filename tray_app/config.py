"""Settings from flags, environment, a TOML file and defaults, in that order of precedence."""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tray_app import APP_NAME
from tray_app.errors import ConfigError

ENV_PREFIX = "PIPELINE_TRAY_"


def _text(value: object, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty string, got {value!r}")
    return value.strip()


def _at_least(minimum: int) -> Callable[[object, str, str], int]:
    """A parser for whole numbers of `minimum` or more."""

    def parse(value: object, where: str, key: str) -> int:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # not a number: reported below with the text
                value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ConfigError(
                f"{where}: {key} must be a whole number of {minimum} or more, got {value!r}"
            )
        return value

    return parse


_positive_int = _at_least(1)


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


KEYS: dict[str, Key] = {
    "profile": Key(_text, None, ("AWS_PROFILE",)),
    "region": Key(_text, None, ("AWS_REGION", "AWS_DEFAULT_REGION")),
    "endpoint_url": Key(_url, None, ("AWS_ENDPOINT_URL",)),
    "rule": Key(_text, "data-collector-schedule"),
    "function": Key(_text, "data-collector"),
    "table": Key(_text, "InfraMetrics"),
    "bucket": Key(_text, "infra-monitoring-pipeline-data"),
    "stack": Key(_text, "pipeline-tray"),
    "session_minutes": Key(_positive_int, 60),
    "idle_minutes": Key(_positive_int, 15),
    "poll_seconds": Key(_positive_int, 30),
    "device_name": Key(_text, None),  # how other devices name this one (default: host name)
    "clock_skew_seconds": Key(_at_least(0), 180),  # grace for other devices' clocks
}
DEFAULT_REGION = "eu-west-1"  # the seed's region; used when neither we nor boto3 find one


@dataclass(frozen=True)
class Config:
    """Resolved settings; `origin` says where each came from (flag, env, file or default)."""

    profile: str | None
    region: str | None
    endpoint_url: str | None
    rule: str
    function: str
    table: str
    bucket: str
    stack: str
    session_minutes: int
    idle_minutes: int
    poll_seconds: int
    device_name: str | None
    clock_skew_seconds: int
    file: Path
    origin: dict[str, str] = field(default_factory=dict)

    def from_aws_environment(self, key: str) -> bool:
        """True when `key` came from a standard AWS variable that boto3 reads by itself."""
        return self.origin.get(key, "").startswith("env AWS_")


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
        values[key] = spec.parse(value, where, key) if value is not None else None
        origin[key] = where
    return Config(**values, file=file, origin=origin)


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
