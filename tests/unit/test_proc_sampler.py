import sys
from pathlib import Path

import pytest
from collector import proc_sampler
from collector.proc_sampler import CpuTimes


def fake_proc(root: Path, cpu: str, available_kb: int = 2_000_000) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "stat").write_text(f"cpu  {cpu}\ncpu0 1 2 3 4\nintr 5\n")
    (root / "meminfo").write_text(
        "MemTotal:        8000000 kB\n"
        "MemFree:          500000 kB\n"
        f"MemAvailable:    {available_kb} kB\n"
    )
    (root / "loadavg").write_text("0.52 0.34 0.10 1/123 4567\n")
    (root / "uptime").write_text("12345.67 23456.78\n")
    return root


def test_cpu_times_count_idle_and_iowait_as_not_busy(tmp_path: Path) -> None:
    # user nice system idle iowait irq softirq steal guest guest_nice
    proc = fake_proc(tmp_path, "100 0 50 800 50 0 0 0 7 0")
    assert proc_sampler.read_cpu_times(proc) == CpuTimes(busy=150, total=1000)


@pytest.mark.parametrize(
    ("now", "previous", "expected"),
    [
        (CpuTimes(150, 1000), None, (15.0, "since_boot")),
        (CpuTimes(250, 1200), CpuTimes(150, 1000), (50.0, "since_previous")),
        # a counter that did not move (or went back after a VM restore) falls back to since boot
        (CpuTimes(150, 1000), CpuTimes(150, 1000), (15.0, "since_boot")),
        (CpuTimes(0, 0), None, (0.0, "since_boot")),
    ],
)
def test_cpu_percent(now: CpuTimes, previous: CpuTimes | None, expected: tuple[float, str]) -> None:
    assert proc_sampler.cpu_percent(now, previous) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="os.statvfs: the Lambda runs on Linux")
def test_sample_reads_every_figure(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path / "proc", "300 0 100 1500 100 0 0 0 0 0")
    s, times = proc_sampler.sample(CpuTimes(busy=200, total=1000), proc, str(tmp_path))
    assert s["cpu_percent"] == 20.0  # (400-200) / (2000-1000)
    assert s["cpu_window"] == "since_previous"
    assert s["memory_used_percent"] == 75.0  # (8_000_000 - 2_000_000) / 8_000_000
    assert (s["load_1m"], s["load_5m"], s["load_15m"]) == (0.52, 0.34, 0.10)
    assert s["uptime_seconds"] == 12345.67
    assert 0.0 < float(s["tmp_disk_used_percent"]) <= 100.0
    assert times == CpuTimes(busy=400, total=2000)


def test_meminfo_without_memavailable_uses_memfree(tmp_path: Path) -> None:
    (tmp_path / "meminfo").write_text("MemTotal: 1000 kB\nMemFree: 250 kB\n")
    assert proc_sampler.read_memory_used_percent(tmp_path) == 75.0


@pytest.mark.skipif(sys.platform != "linux", reason="/proc: the Lambda runs on Linux")
def test_the_real_proc_of_this_machine_gives_sane_figures() -> None:
    first, times = proc_sampler.sample(None)
    second, _ = proc_sampler.sample(times)
    assert first["cpu_window"] == "since_boot"
    assert second["cpu_window"] in {"since_previous", "since_boot"}
    for name in ("cpu_percent", "memory_used_percent", "tmp_disk_used_percent"):
        assert 0.0 <= float(first[name]) <= 100.0
    assert float(first["uptime_seconds"]) > 0
    assert float(first["load_1m"]) >= 0
