"""Many clients joining, renewing and leaving at once against the emulator: no hold is lost,
and once the dust settles the rule runs exactly while someone holds the session.

Each client is the real executor (gateway, store, conditional writes) on a thread of its own;
the rounds start together on a barrier, so their reads and writes interleave for real. A proxy
slows every DisableRule down, so a client leaving last switches the rule off *after* a client
joining at the same moment has switched it on: the race the executor's re-check must repair.
The two-client test holds the DisableRule at the proxy until the join is done, so that order is
certain, and counts the calls that prove the race and its repair happened.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.fault_proxy import Fault, FaultProxy, held_until
from tests.template_resources import SESSION_KEY, SESSION_TABLE
from tests.tray_process import eventually
from tray_app.app import config
from tray_app.app.executor import Executor
from tray_app.aws.client_session import AwsSession
from tray_app.aws.holds_store import HoldStore
from tray_app.aws.pipeline import Pipeline
from tray_app.core.events import AwsAction, Beat, Done, EndAll, Event, Join, Leave
from tray_app.core.holds import Judge, hold_for

pytestmark = [pytest.mark.functional, pytest.mark.dynamodb_backends]
CLIENTS = 8
ROUNDS = 12


def client(endpoint: str, name: str) -> Executor:
    settings = config.load({"endpoint_url": endpoint, "region": REGION}, env={})
    aws = AwsSession(settings)
    return Executor(Pipeline(aws, settings), HoldStore(aws, settings), Judge(name), time.time)


def action_for(choice: str, name: str) -> AwsAction | None:
    """The action a client takes this round, or None when it does nothing."""
    now = time.time()
    if choice == "join":
        return Join(hold_for(name, name, int(now) + 3600, now, 900))
    if choice == "beat":
        return Beat(name, int(now) + 900)
    if choice == "leave":
        return Leave(name, "quit")
    if choice == "stop":
        return EndAll("user")
    return None


def observed() -> tuple[str, set[str]]:
    state = boto3.client("events", region_name=REGION).describe_rule(Name=RULE)["State"]
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=SESSION_TABLE,
        Key=SESSION_KEY,
        ConsistentRead=True,
    )
    return state, set(item.get("Item", {}).get("holds", {"M": {}})["M"])


@pytest.fixture
def slow_disable(endpoint: str) -> Iterator[str]:
    """The emulator behind a proxy that answers every DisableRule 0.4 s late."""
    with FaultProxy(endpoint) as proxy:
        proxy.inject(Fault("delay", "DisableRule", seconds=0.4))
        yield proxy.url


def test_the_last_leave_racing_a_join_leaves_the_rule_on(
    endpoint: str, stack: dict[str, str]
) -> None:
    released = threading.Event()
    with FaultProxy(endpoint) as proxy:
        proxy.inject(held_until(released, "DisableRule"))
        first, second = client(proxy.url, "laptop"), client(proxy.url, "desktop")
        assert isinstance(
            first.perform(Join(hold_for("laptop", "laptop", 2**31, time.time(), 900))), Done
        )
        with ThreadPoolExecutor(1) as pool:
            leaving = pool.submit(first.perform, Leave("laptop", "quit"))
            # The leave has emptied the record and its DisableRule waits at the proxy.
            eventually(lambda: proxy.count("DisableRule") == 1, timeout=30)
            enabled = proxy.count("EnableRule")
            joined = second.perform(Join(hold_for("desktop", "desktop", 2**31, time.time(), 900)))
            assert isinstance(joined, Done)
            # The join switched the rule on while the disable was still on its way...
            assert proxy.count("EnableRule") == enabled + 1
            assert observed() == ("ENABLED", {"desktop"})
            released.set()  # ...which now lands last and switches it off,
            assert isinstance(leaving.result(timeout=60), Done)
        # and the leave's re-check of the record switched it on again.
        assert (proxy.count("DisableRule"), proxy.count("EnableRule")) == (1, enabled + 2)
    assert observed() == ("ENABLED", {"desktop"})


@pytest.mark.parametrize("seed", [1, 2])
def test_concurrent_clients_never_lose_a_hold_and_the_rule_follows_the_holds(
    slow_disable: str, stack: dict[str, str], seed: int
) -> None:
    rng = random.Random(seed)
    names = [f"device-{n}" for n in range(CLIENTS)]
    clients = {name: client(slow_disable, name) for name in names}
    joined: set[str] = set()
    barrier = threading.Barrier(CLIENTS)

    def play(name: str, action: AwsAction | None) -> Event | None:
        barrier.wait(timeout=30)  # every client starts its call at the same moment
        return None if action is None else clients[name].perform(action)

    with ThreadPoolExecutor(CLIENTS) as pool:
        for round_number in range(ROUNDS + 1):
            last = round_number == ROUNDS
            stopper = rng.choice(names) if round_number == ROUNDS // 2 else None
            choices = {
                n: "leave"
                if last
                else "stop"
                if n == stopper
                else rng.choice(["join", "join", "beat", "leave", "idle"])
                for n in names
            }
            actions = {n: action_for(choices[n], n) for n in names}
            outcomes = dict(zip(names, pool.map(play, names, actions.values()), strict=True))
            for name, outcome in outcomes.items():
                assert outcome is None or isinstance(outcome, Done), (name, outcome)
            joiners = {n for n in names if choices[n] == "join"}
            if stopper is not None:
                # joins may land before or after the stop: whatever holds remain are joiners'
                state, holding = observed()
                assert holding <= joiners, (round_number, holding)
                joined = holding
            else:
                joined = (joined | joiners) - {n for n in names if choices[n] == "leave"}
                state, holding = observed()
                assert holding == joined, (round_number, choices)  # no hold lost or resurrected
            assert state == ("ENABLED" if holding else "DISABLED"), (round_number, choices)
    assert observed() == ("DISABLED", set())
