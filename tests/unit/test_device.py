"""The device's holder id: made once, kept, and stable even without a writable state dir."""

from __future__ import annotations

from pathlib import Path

from tray_app.app.device import cli_identity, device_id, tray_identity


def test_the_id_is_made_once_and_kept(tmp_path: Path) -> None:
    first = device_id(tmp_path / "state")
    assert len(first) == 12 and (tmp_path / "state" / "device-id").read_text().strip() == first
    assert device_id(tmp_path / "state") == first
    assert device_id(tmp_path / "other") != first  # another state dir: another device


def test_an_unwritable_state_dir_still_gives_a_stable_id(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert device_id(blocker / "state") == device_id(blocker / "state")


def test_the_cli_is_a_holder_of_its_own_on_the_same_device(tmp_path: Path) -> None:
    tray = tray_identity(tmp_path, "laptop")
    cli = cli_identity(tmp_path, "laptop")
    assert (tray.name, cli.name) == ("laptop", "laptop (cli)")
    assert cli.holder == tray.holder + "/cli"
