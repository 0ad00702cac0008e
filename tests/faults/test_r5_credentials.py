"""R5: credentials expire or vanish mid-session: one notification, no crash, recovery after."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.conftest import notifications
from tests.faults.credentials_file import FROM_FILE_ONLY, NEW_KEY, OLD_KEY, write_credentials
from tests.faults.fault_proxy import FaultProxy, expired_token
from tests.tray_process import Tray, eventually, rule, start_session

pytestmark = pytest.mark.functional


def error_cleared(tray: Tray, after: int) -> bool:
    """A status line without the error came after cursor `after`."""
    return any("Study session on" in line and "!" not in line for line in tray.lines[after:])


def test_an_expired_token_is_said_once_and_new_credentials_are_picked_up(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    write_credentials(OLD_KEY)
    tray = tray_factory(unset=FROM_FILE_ONLY)
    start_session(tray)
    expired = tray.mark()
    proxy.inject(expired_token(OLD_KEY))
    tray.wait_line("[pipeline-tray: AWS error] your AWS session token has expired", after=expired)
    # the error state: the panel's line keeps the session and shows the error beside it
    assert tray.wait_line("  ! your AWS session token has expired", after=expired).startswith(
        "Study session on"
    )
    rejected = proxy.count(fault="ExpiredTokenException")
    eventually(lambda: proxy.count(fault="ExpiredTokenException") >= rejected + 3)
    assert tray.proc.poll() is None

    signed_in = tray.mark()
    write_credentials(NEW_KEY)  # the user signs in again
    eventually(lambda: any(s.access_key == NEW_KEY for s in proxy.seen))
    eventually(lambda: error_cleared(tray, signed_in))
    said = notifications(tray)
    assert len(said) == 1, said
    tray.key("s")
    eventually(lambda: rule() == ("DISABLED", None))


def test_credentials_that_vanish_mid_session_are_said_once_and_recovered_from(
    stack: dict[str, str], proxy: FaultProxy, tray_factory: Callable[..., Tray]
) -> None:
    credentials = write_credentials(OLD_KEY)
    tray = tray_factory(unset=FROM_FILE_ONLY)
    start_session(tray)
    lost = tray.mark()
    proxy.inject(expired_token(OLD_KEY))  # AWS rejects the old key, so the app re-reads the chain
    credentials.unlink()
    tray.wait_line("[pipeline-tray: AWS error] no AWS credentials found", after=lost)
    polls = proxy.count()
    # the status line names the error once, beside the session
    line = tray.wait_line("  ! no AWS credentials found", after=lost)
    assert line.startswith("Study session on") and line.count("no AWS credentials found") == 1
    assert tray.proc.poll() is None

    signed_in = tray.mark()
    write_credentials(NEW_KEY)
    eventually(lambda: error_cleared(tray, signed_in), timeout=20)
    assert proxy.count() > polls
    said = [n for n in notifications(tray) if "no AWS credentials" in n]
    assert len(said) == 1, notifications(tray)
    assert rule()[0] == "ENABLED"
