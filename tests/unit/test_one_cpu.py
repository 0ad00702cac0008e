"""collector.one_cpu: a run's threads on one CPU, the caller's CPUs given back after.

Each check runs on a thread of its own, so the test process's own CPUs are never narrowed, even
by a failing check.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from collector.one_cpu import chosen_cpu, on_cpu

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux CPU affinity and at least 2 CPUs",
)


def on_own_thread(check: Callable[[], None]) -> None:
    """Run `check` on a fresh thread and re-raise what it raised."""
    failures: list[BaseException] = []

    def guarded() -> None:
        try:
            check()
        except BaseException as err:  # noqa: BLE001 - handed back to the test's thread
            failures.append(err)

    thread = threading.Thread(target=guarded)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_the_chosen_cpu_is_the_lowest_this_process_may_use() -> None:
    assert chosen_cpu() == min(os.sched_getaffinity(0))


def test_inside_the_block_the_thread_is_on_the_cpu_and_gets_its_cpus_back() -> None:
    def check() -> None:
        before = os.sched_getaffinity(0)
        cpu = max(before)
        with on_cpu(cpu):
            assert os.sched_getaffinity(0) == {cpu}
        assert os.sched_getaffinity(0) == before

    on_own_thread(check)


def test_a_thread_started_inside_keeps_the_cpu() -> None:
    def check() -> None:
        cpu = max(os.sched_getaffinity(0))
        started: list[set[int]] = []
        go_on = threading.Event()

        def worker() -> None:
            go_on.wait(10)
            started.append(os.sched_getaffinity(0))

        with on_cpu(cpu):
            thread = threading.Thread(target=worker)
            thread.start()
        go_on.set()  # the worker looks only after the block has given the caller its CPUs back
        thread.join()
        assert started == [{cpu}]

    on_own_thread(check)


def test_no_cpu_or_a_cpu_the_thread_may_not_use_leaves_it_alone() -> None:
    def check() -> None:
        allowed = os.sched_getaffinity(0)
        lowest, highest = min(allowed), max(allowed)
        with on_cpu(None):
            assert os.sched_getaffinity(0) == allowed
        os.sched_setaffinity(0, {lowest})  # the host narrowed this thread since the choice
        with on_cpu(highest):
            assert os.sched_getaffinity(0) == {lowest}
        assert os.sched_getaffinity(0) == {lowest}

    on_own_thread(check)
