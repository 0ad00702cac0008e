"""Keep one run's threads on one CPU (Linux): the guard's read and the held writes share it.

The run's threads take turns holding the GIL, so a second CPU gives them no more Python time;
on two CPUs every turn moves the interpreter's hot data between the CPUs' caches. On this
project's 2-core machine that cost 0.5 ms of CPU per warm run, 22 % more client work
(bench/lambda_bench.py, README P1); on one CPU the threads cost next to nothing. The AWS services
(here the emulators) keep every CPU. Only the calling thread is pinned, for the run's duration;
the worker threads it starts inherit the CPU and keep it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


def chosen_cpu() -> int | None:
    """The CPU a container's runs use (the lowest this process may use); None off Linux."""
    allowed = getattr(os, "sched_getaffinity", None)
    return min(allowed(0)) if allowed is not None else None


@contextlib.contextmanager
def on_cpu(cpu: int | None) -> Iterator[None]:
    """Run the block with the calling thread on `cpu`, then give it back its CPUs."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    if cpu not in before:  # the host narrowed this thread's CPUs since the choice: leave them
        yield
        return
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
