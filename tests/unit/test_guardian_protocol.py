"""What a tray tells its guardian: lines that read back as they were written."""

from __future__ import annotations

from pathlib import Path

from tray_app.commands.guardian_protocol import (
    BYE,
    Bye,
    Hello,
    Kept,
    decode,
    decode_hello,
    encode_hello,
    encode_kept,
    kept_of,
)
from tray_app.core.machine import Phase, State
from tray_app.core.resolved_config import Config
from tray_app.core.state import Ours

CONFIG = Config(
    profile=None,
    region="eu-west-1",
    endpoint_url="http://127.0.0.1:5000",
    rule="data-collector-schedule",
    function="data-collector",
    table="InfraMetrics",
    bucket="infra-monitoring-pipeline-data",
    stack="pipeline",
    session_minutes=60,
    idle_minutes=15,
    poll_seconds=30,
    device_name="laptop",
    clock_skew_seconds=180,
    file=Path("/home/me/.config/pipeline-tray/config.toml"),
    origin={"region": "flag --region"},
)


def test_the_hello_carries_the_whole_config_the_holder_and_the_pid() -> None:
    hello = Hello(CONFIG, "abc123", 4242)
    line = encode_hello(hello)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_hello(line) == hello


def test_what_the_tray_keeps_is_the_cores_not_settled() -> None:
    holding = State(phase=Phase.ON, ours=Ours(deadline=2000.0, started_at=1000.0, invocations=2))
    assert kept_of(holding, 60) == Kept(True, 1000.0, 2, 60)
    joining = State(phase=Phase.STARTING)  # a Join in flight may have written the hold
    assert kept_of(joining, 180).keeps
    assert kept_of(State(phase=Phase.ON), 180) == Kept(skew=180)  # others hold it: not ours
    for kept in (kept_of(holding, 60), Kept()):
        assert decode(encode_kept(kept)) == kept
    assert isinstance(decode(BYE), Bye)
