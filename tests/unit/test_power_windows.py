"""The Windows message handlers, installed into an object shaped like pystray's win32 Icon."""

import pytest

from tray_app.desktop.power import windows_session_end as w


@pytest.mark.parametrize(
    ("message", "wparam", "lparam", "reason"),
    [
        (w.WM_ENDSESSION, 1, 0, "shutdown"),
        (w.WM_ENDSESSION, 1, w.ENDSESSION_LOGOFF, "logout"),
        (w.WM_ENDSESSION, 0, 0, None),  # the end of the session was cancelled
        (w.WM_POWERBROADCAST, w.PBT_APMSUSPEND, 0, "sleep"),
        (w.WM_POWERBROADCAST, 0x12, 0, None),  # resume
        (w.WM_QUERYENDSESSION, 0, 0, None),
    ],
)
def test_reasons(message: int, wparam: int, lparam: int, reason: str | None) -> None:
    assert w.reason_for(message, wparam, lparam) == reason


class Win32IconShape:
    """What install() relies on: pystray's win32 Icon keeps its handlers in this dict."""

    def __init__(self) -> None:
        self._message_handlers: dict[int, object] = {0x0400: lambda _wparam, _lparam: 0}


def test_install_adds_handlers_that_stop_first_and_answer_windows() -> None:
    icon = Win32IconShape()
    stops: list[str] = []
    w.install(icon, stops.append)
    handlers = icon._message_handlers
    assert set(handlers) == {0x0400, w.WM_QUERYENDSESSION, w.WM_ENDSESSION, w.WM_POWERBROADCAST}
    assert handlers[w.WM_QUERYENDSESSION](0, 0) == 1  # type: ignore[operator]
    assert stops == []
    assert handlers[w.WM_ENDSESSION](1, w.ENDSESSION_LOGOFF) == 0  # type: ignore[operator]
    assert handlers[w.WM_POWERBROADCAST](w.PBT_APMSUSPEND, 0) == 0  # type: ignore[operator]
    assert stops == ["logout", "sleep"]


def test_close_quits_without_letting_windows_destroy_the_icons_window() -> None:
    icon = Win32IconShape()
    icon._hwnd = 0  # type: ignore[attr-defined]  # titled on Windows only (the installer's key)
    quits: list[str] = []
    w.accept_close(icon, lambda: quits.append("quit"))
    assert icon._message_handlers[w.WM_CLOSE](0, 0) == 0  # type: ignore[operator]
    assert quits == ["quit"]
