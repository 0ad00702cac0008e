"""Read the machine the function runs on from /proc: CPU, memory, load, /tmp disk, uptime."""

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
Figures = dict[str, float | str]


@dataclass(frozen=True)
class CpuTimes:
    """Cumulative CPU jiffies from the first line of /proc/stat."""

    busy: int
    total: int


def _head(path: Path) -> str:
    # The figures sit in the first lines: a few bytes, not whole files, on every run.
    with path.open("rb") as f:
        return f.read(256).decode("ascii", "replace")


def read_cpu_times(proc: Path = PROC) -> CpuTimes:
    """Busy and total jiffies; idle and iowait count as not busy."""
    # user nice system idle iowait irq softirq steal; guest is already inside user.
    values = [int(v) for v in _head(proc / "stat").split("\n", 1)[0].split()[1:9]]
    return CpuTimes(busy=sum(values) - sum(values[3:5]), total=sum(values))


def cpu_percent(now: CpuTimes, previous: CpuTimes | None) -> tuple[float, str]:
    """CPU use since the previous reading, or since boot when there is none."""
    if previous is not None and now.total > previous.total:
        return percent(now.busy - previous.busy, now.total - previous.total), "since_previous"
    return percent(now.busy, now.total), "since_boot"


def read_memory_used_percent(proc: Path = PROC) -> float:
    """(MemTotal - MemAvailable) / MemTotal, with MemFree on kernels without MemAvailable."""
    info: dict[str, int] = {}
    for line in _head(proc / "meminfo").splitlines():
        name, _, rest = line.partition(":")
        if rest.split():
            info[name] = int(rest.split()[0])
    total = info.get("MemTotal", 0)
    return percent(total - info.get("MemAvailable", info.get("MemFree", 0)), total)


def percent(part: float, whole: float) -> float:
    """part/whole as a percentage rounded to 2 places; 0 when whole is 0."""
    return round(100.0 * part / whole, 2) if whole > 0 else 0.0


def sample(
    previous: CpuTimes | None,
    proc: Path = PROC,
    disk_path: str = "/tmp",  # noqa: S108 - reading, not writing
) -> tuple[Figures, CpuTimes]:
    """One reading as the record's figures, and the CPU counters to pass to the next call."""
    times = read_cpu_times(proc)
    cpu, window = cpu_percent(times, previous)
    load_1m, load_5m, load_15m = (float(v) for v in _head(proc / "loadavg").split()[:3])
    disk = os.statvfs(disk_path)  # Lambda's only writable filesystem is /tmp
    figures: Figures = {
        "cpu_percent": cpu,
        "cpu_window": window,  # what the CPU figure averages over
        "memory_used_percent": read_memory_used_percent(proc),
        "load_1m": load_1m,
        "load_5m": load_5m,
        "load_15m": load_15m,
        "tmp_disk_used_percent": percent(disk.f_blocks - disk.f_bfree, disk.f_blocks),
        "uptime_seconds": round(float(_head(proc / "uptime").split()[0]), 2),
    }
    return figures, times
