"""Idle time on macOS: the HID system's HIDIdleTime, as `ioreg` reports it (nanoseconds)."""

from __future__ import annotations

import re
import subprocess
import sys

_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')


def parse_hid_idle_seconds(ioreg_output: str) -> float | None:
    """Seconds from `ioreg -c IOHIDSystem` output, or None when the key is absent."""
    found = _HID_IDLE.search(ioreg_output)
    return int(found.group(1)) / 1e9 if found else None


class MacIdle:
    """Runs `ioreg` for each reading (a few ms; once per tick is cheap enough)."""

    def __init__(self) -> None:
        if sys.platform != "darwin":
            raise OSError("MacIdle needs macOS")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input on this Mac."""
        try:
            done = subprocess.run(
                ["/usr/sbin/ioreg", "-c", "IOHIDSystem", "-d", "4"],
                capture_output=True,
                text=True,
                timeout=2,
                check=True,
            )
        except (subprocess.SubprocessError, OSError) as err:
            raise OSError(f"ioreg failed: {err}") from err
        return parse_hid_idle_seconds(done.stdout)
