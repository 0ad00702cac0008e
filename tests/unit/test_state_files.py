import os
from pathlib import Path

import pytest

from tray_app.app.state_files import StateFiles, estimated_cost_usd
from tray_app.desktop.instance_lock import AlreadyRunningError, InstanceLock


def test_pending_stop_marker_round_trip(tmp_path: Path) -> None:
    files = StateFiles(tmp_path / "state")
    assert not files.pending_stop()
    files.set_pending_stop(True)
    assert files.pending_stop()
    files.set_pending_stop(False)
    files.set_pending_stop(False)  # clearing twice is fine
    assert not files.pending_stop()


def test_history_is_appended_and_survives_a_torn_line(tmp_path: Path) -> None:
    files = StateFiles(tmp_path)
    files.record_session(1000.0, 1000.0 + 3600, "timer", invocations=2)
    with (tmp_path / "history.jsonl").open("a") as f:
        f.write('{"start": 1, "end"')  # a crash mid-write
    files.record_session(9000.0, 9000.0 + 600, "idle", invocations=0)
    entries = files.history()
    assert [(e["reason"], e["invocations"], e["minutes"]) for e in entries] == [
        ("timer", 14, 60.0),  # 12 scheduled runs in an hour + 2 by hand
        ("idle", 2, 10.0),
    ]
    assert entries[0]["estimated_cost_usd"] == estimated_cost_usd(14)


def test_estimated_cost_uses_published_prices() -> None:
    # 1M runs: $0.20 of requests + 1M x 0.344 s x 0.125 GB x $0.0000166667
    assert estimated_cost_usd(1_000_000) == pytest.approx(0.20 + 0.716667, rel=1e-4)
    assert estimated_cost_usd(0) == 0


def test_a_second_lock_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "tray.lock")
    first.acquire()
    with pytest.raises(AlreadyRunningError, match=rf"already running \(pid {os.getpid()}, lock "):
        InstanceLock(tmp_path / "tray.lock").acquire()
    first.release()
    again = InstanceLock(tmp_path / "tray.lock")
    again.acquire()
    again.release()


def test_an_unreadable_history_reads_as_empty(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("a file where the directory should be")
    assert StateFiles(tmp_path / "state" / "pipeline-tray").history() == []


def test_stray_bytes_spoil_one_line_not_the_history(tmp_path: Path) -> None:
    files = StateFiles(tmp_path)
    files.record_session(1000.0, 1600.0, "timer", invocations=0)
    with (tmp_path / "history.jsonl").open("ab") as f:
        f.write(b"\xff\xfe garbage\n")
    files.record_session(9000.0, 9600.0, "idle", invocations=0)
    assert [e["reason"] for e in files.history()] == ["timer", "idle"]
