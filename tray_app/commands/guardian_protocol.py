"""What a tray tells its guardian: one JSON object a line on the guardian's stdin. First who the
tray is and how it reaches AWS (`Hello`), then what it keeps whenever that changes (`Kept`), and
`BYE` on a clean exit. The pipe closing without `BYE` means the tray ended some other way."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tray_app.core.holds import SKEW_SECONDS
from tray_app.core.machine import State, settled
from tray_app.core.resolved_config import Config

BYE = b'{"bye": true}\n'


@dataclass(frozen=True)
class Hello:
    """The tray's first line: its config, its holder id and its pid (whose lock it held)."""

    config: Config
    holder: str
    tray_pid: int


@dataclass(frozen=True)
class Kept:
    """What the tray keeps now: `keeps` is the core's "not settled" (a hold, or a call that may
    have written one), with what its history line needs."""

    keeps: bool = False
    started_at: float | None = None
    invocations: int = 0
    skew: int = SKEW_SECONDS


class Bye:
    """The tray's clean exit: its session is stopped, or its stop saved for the next start."""


def kept_of(state: State, skew: int) -> Kept:
    """What a tray in `state` keeps, as its guardian must know it."""
    if settled(state):
        return Kept(skew=skew)
    return Kept(True, state.ours.started_at, state.ours.invocations, skew)


def encode_hello(hello: Hello) -> bytes:
    """The hello line."""
    config = dataclasses.asdict(hello.config) | {"file": str(hello.config.file)}
    body = {"config": config, "holder": hello.holder, "tray_pid": hello.tray_pid}
    return json.dumps(body).encode() + b"\n"


def decode_hello(line: bytes) -> Hello:
    """The hello line read back; ValueError (or a KeyError or TypeError) when it is not one."""
    body: dict[str, Any] = json.loads(line)
    config = Config(**(body["config"] | {"file": Path(body["config"]["file"])}))
    return Hello(config, str(body["holder"]), int(body["tray_pid"]))


def encode_kept(kept: Kept) -> bytes:
    """A line saying what the tray keeps."""
    return json.dumps(dataclasses.asdict(kept)).encode() + b"\n"


def decode(line: bytes) -> Kept | Bye:
    """A line after the hello: what the tray keeps, or its goodbye."""
    body: dict[str, Any] = json.loads(line)
    if body.get("bye") is True:
        return Bye()
    return Kept(
        bool(body["keeps"]),
        None if body["started_at"] is None else float(body["started_at"]),
        int(body["invocations"]),
        int(body["skew"]),
    )
