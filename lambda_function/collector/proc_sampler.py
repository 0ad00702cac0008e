"""Read the machine the function runs on from /proc: CPU, memory, load, /tmp disk, uptime."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class CpuTimes:
    """Cumulative CPU jiffies from the first line of /proc/stat."""

    busy: int
    total: int


@dataclass(frozen=True)
class Sample:
    """One reading of the environment; percentages are 0-100."""

    cpu_percent: float
    cpu_window: str  # "since_previous" or "since_boot": what the CPU figure averages over
    memory_used_percent: float
    load_1m: float
    load_5m: float
    load_15m: float
    tmp_disk_used_percent: float
    uptime_seconds: float
    cpu_times: CpuTimes


def _head(path: Path, size: int = 512) -> str:
    # The figures we need sit in the first lines; reading 512 bytes beats parsing whole files
    # on every run (the handler's own time is what the benchmark holds against the writes).
    with path.open("rb") as f:
        return f.read(size).decode("ascii", "replace")


def read_cpu_times(proc: Path = PROC) -> CpuTimes:
    """Return busy and total jiffies; idle and iowait count as not busy."""
    fields = _head(proc / "stat", 256).split("\n", 1)[0].split()
    # user nice system idle iowait irq softirq steal; guest is already inside user.
    values = [int(v) for v in fields[1:9]]
    total = sum(values)
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return CpuTimes(busy=total - idle, total=total)


def cpu_percent(now: CpuTimes, previous: CpuTimes | None) -> tuple[float, str]:
    """CPU use since the previous reading, or since boot when there is none."""
    if previous is not None and now.total > previous.total:
        return percent(now.busy - previous.busy, now.total - previous.total), "since_previous"
    return percent(now.busy, now.total), "since_boot"


def read_memory_used_percent(proc: Path = PROC) -> float:
    """Memory in use as a percentage: (MemTotal - MemAvailable) / MemTotal."""
    info: dict[str, int] = {}
    for line in _head(proc / "meminfo", 256).splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts:
            info[name] = int(parts[0])
    total = info.get("MemTotal", 0)
    available = info.get("MemAvailable", info.get("MemFree", 0))
    return percent(total - available, total)


def read_load(proc: Path = PROC) -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    one, five, fifteen = _head(proc / "loadavg", 128).split()[:3]
    return float(one), float(five), float(fifteen)


def read_uptime_seconds(proc: Path = PROC) -> float:
    """Seconds since the (micro)VM booted."""
    return float(_head(proc / "uptime", 128).split()[0])


def read_disk_used_percent(path: str = "/tmp") -> float:  # noqa: S108 - reading, not writing
    """Used share of the filesystem holding `path` (Lambda's only writable one is /tmp)."""
    st = os.statvfs(path)
    total = st.f_blocks * st.f_frsize
    free = st.f_bfree * st.f_frsize
    return percent(total - free, total)


def percent(part: float, whole: float) -> float:
    """part/whole as a percentage rounded to 2 places; 0 when whole is 0."""
    return round(100.0 * part / whole, 2) if whole > 0 else 0.0


def sample(previous: CpuTimes | None, proc: Path = PROC, disk_path: str = "/tmp") -> Sample:  # noqa: S108
    """Take one full reading; `previous` is the CPU reading of the last call in this container."""
    times = read_cpu_times(proc)
    cpu, window = cpu_percent(times, previous)
    load_1m, load_5m, load_15m = read_load(proc)
    return Sample(
        cpu_percent=cpu,
        cpu_window=window,
        memory_used_percent=read_memory_used_percent(proc),
        load_1m=load_1m,
        load_5m=load_5m,
        load_15m=load_15m,
        tmp_disk_used_percent=read_disk_used_percent(disk_path),
        uptime_seconds=round(read_uptime_seconds(proc), 2),
        cpu_times=times,
    )
