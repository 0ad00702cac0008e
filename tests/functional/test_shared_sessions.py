"""Shared sessions across devices: real tray processes, each with its own state dir (its own
device id) and access key, and the CLI, against the emulator behind a counting proxy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.fault_proxy import FaultProxy
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.functional
Device = Callable[[str], Tray]


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(endpoint) as running:
        yield running


@pytest.fixture
def device(
    proxy: FaultProxy, stack: dict[str, str], tmp_path: Path
) -> Iterator[Callable[[str], Tray]]:
    """`device("laptop")`: a tray on a machine of its own, named so, behind the proxy."""
    started: list[Tray] = []

    def make(name: str) -> Tray:
        home = tmp_path / name
        home.mkdir()
        env = {"PIPELINE_TRAY_DEVICE_NAME": name, "AWS_ACCESS_KEY_ID": key_of(name)}
        tray = Tray(proxy.url, home, env)
        started.append(tray)
        return tray

    yield make
    for tray in started:
        tray.stop()


def two_devices(device: Device) -> tuple[Tray, Tray]:
    """A laptop and a desktop, both up and showing the rule off."""
    laptop, desktop = device("laptop"), device("desktop")
    laptop.wait_line("Off — costs $0", after=0)
    desktop.wait_line("Off — costs $0", after=0)
    return laptop, desktop


def key_of(name: str) -> str:
    return f"AKIA{name.upper():X<16}"[:20]


def polls(proxy: FaultProxy, name: str) -> int:
    """How many times the device `name` has polled the rule."""
    key = key_of(name)
    return sum(1 for s in list(proxy.seen) if s.operation == "DescribeRule" and s.access_key == key)


def wait_polls(proxy: FaultProxy, name: str, count: int, timeout: float = 20) -> None:
    """Wait until `name` polled `count` more times: what it would do, it has done by then."""
    target = polls(proxy, name) + count
    eventually(lambda: polls(proxy, name) >= target, timeout)


def holders() -> list[str]:
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE, Key=SESSION_KEY
    )
    return sorted(
        h["M"]["name"]["S"] for h in item.get("Item", {}).get("holds", {"M": {}})["M"].values()
    )


def cli(endpoint: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, *args],
        env={**os.environ, "XDG_STATE_HOME": str(home / "state")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_for_one_minute_with_a_tray_running_ends_after_that_minute(
    proxy: FaultProxy, device: Device, tmp_path: Path
) -> None:
    tray = device("desk")
    tray.wait_line("Off — costs $0", after=0)
    mark = tray.mark()
    started = time.time()
    done = cli(proxy.url, tmp_path / "desk", "start", "--minutes", "1")  # the same machine
    assert done.returncode == 0, done.stderr
    line = tray.wait_line(f"held by {socket.gethostname()} (cli)", after=mark)
    assert "under 1 min left" in line or "1 min left" in line  # the CLI's minute, not an hour
    eventually(lambda: rule()[0] == "DISABLED", timeout=90)
    took = time.time() - started
    assert 55 <= took <= 75, took
    tray.wait_line("[Study session ended] Its time ran out", after=mark)
    assert "[Pipeline was already on]" not in tray.lines[mark:]  # nothing adopted it


@pytest.mark.dynamodb_backends  # the shared store, also on DynamoDB Local
def test_an_explicit_stop_on_one_device_ends_it_for_the_other_which_says_so_once(
    proxy: FaultProxy, device: Device
) -> None:
    laptop, desktop = two_devices(device)
    before = desktop.mark()
    laptop.key("s")
    desktop.wait_line("Study session on — held by laptop, 59 min left", after=before)
    mark = laptop.mark()
    desktop.key("s")  # Stop on the other device: the session ends for everyone
    eventually(lambda: rule()[0] == "DISABLED")
    laptop.wait_line("[Study session ended elsewhere]", after=mark)
    wait_polls(proxy, "laptop", 3)
    said = [line for line in laptop.lines[mark:] if "[Study session ended elsewhere]" in line]
    assert len(said) == 1
    assert holders() == []


@pytest.mark.dynamodb_backends  # the shared store, also on DynamoDB Local
def test_a_device_that_leaves_keeps_the_rule_on_for_the_other_and_the_last_switches_it_off(
    proxy: FaultProxy, device: Device
) -> None:
    laptop, desktop = two_devices(device)
    before = desktop.mark()
    laptop.key("s")
    desktop.wait_line("held by laptop", after=before)
    pressed = desktop.key("j")  # join the laptop's session
    desktop.wait_line("· also on: laptop", after=pressed)
    assert holders() == ["desktop", "laptop"]
    pressed = desktop.key("q")
    assert desktop.proc.wait(timeout=15) == 0
    desktop.wait_line("left the study session; it stays on for laptop — bye", after=pressed)
    assert rule()[0] == "ENABLED" and holders() == ["laptop"]
    laptop.key("q")
    assert laptop.proc.wait(timeout=15) == 0
    assert rule() == ("DISABLED", None) and holders() == []


@pytest.mark.dynamodb_backends  # the shared store, also on DynamoDB Local
def test_a_rule_switched_on_in_the_console_is_adopted_by_exactly_one_of_two_trays(
    proxy: FaultProxy, device: Device
) -> None:
    laptop, desktop = two_devices(device)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    eventually(lambda: len(holders()) == 1)
    wait_polls(proxy, "laptop", 3)
    wait_polls(proxy, "desktop", 3)
    adopted = [t for t in (laptop, desktop) if "[Pipeline was already on]" in "\n".join(t.lines)]
    assert len(adopted) == 1 and len(holders()) == 1
    (winner,) = holders()
    other = desktop if winner == "laptop" else laptop
    other.wait_line(f"held by {winner}", after=0)
