"""Idle time on Windows: GetLastInputInfo against the tick count."""

from __future__ import annotations

import ctypes
import sys

TICK_WRAP = 2**32  # GetLastInputInfo's dwTime is a 32-bit tick count that wraps every ~49.7 days


def idle_milliseconds(last_input_tick: int, now_tick64: int) -> int:
    """Milliseconds between the last input and now, across the 32-bit wrap of the input tick."""
    return (now_tick64 - last_input_tick) % TICK_WRAP


class WindowsIdle:
    """Reads the user's idle time from user32/kernel32 (Windows only)."""

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise OSError("WindowsIdle needs Windows")

    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input in this session."""

        class LastInputInfo(ctypes.Structure):
            _fields_ = (("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint))

        info = LastInputInfo()
        info.cbSize = ctypes.sizeof(info)
        windll = ctypes.windll  # type: ignore[attr-defined]
        if not windll.user32.GetLastInputInfo(ctypes.byref(info)):
            raise OSError("GetLastInputInfo failed")
        windll.kernel32.GetTickCount64.restype = ctypes.c_ulonglong
        return idle_milliseconds(info.dwTime, windll.kernel32.GetTickCount64()) / 1000.0
