"""What other devices wrote cannot break or hijack the CLI, and what it keeps stays private:
real `pipeline-tray` processes against the emulator.

A hold a century ahead (as `faketime '+100 years'` writes it) or of 1e100, under a name full of
terminal escapes and bidi overrides; a --verbose run with a session token; state made at umask
022; a report path that is a symbolic link someone else made."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.faults.lambda_runs import off_switch_run
from tests.functional.function_grace import put_cli_hold
from tests.functional.test_session_cli import cli
from tests.required_tools import require_tools
from tests.tray_process import Tray
from tray_app.core.bounded import LONGEST_SESSION_MINUTES
from tray_app.core.holds import SKEW_SECONDS

pytestmark = pytest.mark.functional
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\u202elaptop"
CONTROLS = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\n\t"}
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
CENTURY = 100 * 365 * 86400
# An access key id as STS hands them out, and a session token: neither may reach a log.
KEY_ID = "ASIAQUNTRUSTEDFAKE12"
TOKEN = "FwoGZXIvYXdzEFAKEsessionTOKENthatMustNeverBeLogged0123456789"
SECRET = "fake/secret/KEY/neverLogged0123456789abcd"


@pytest.fixture
def state(tmp_path: Path) -> dict[str, str]:
    """A HOME of its own: the state directory is $XDG_STATE_HOME/pipeline-tray."""
    return {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The umask most accounts have: the CLI processes started meanwhile inherit it."""
    saved = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(saved)


def assert_clean(text: str) -> None:
    assert not set(text) & (CONTROLS | BIDI), repr(text)
    assert "PWNED" not in text and "[2J" not in text, repr(text)


@pytest.mark.parametrize("ends", [int(time.time()) + CENTURY, 10**100])
def test_a_wrong_clock_and_an_escape_laden_name_are_shown_bounded_and_clean(
    endpoint: str, stack: dict[str, str], state: dict[str, str], ends: int
) -> None:
    put_cli_hold(ends, device=HOSTILE)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)

    done = cli(endpoint, "status", env=state)
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout + done.stderr)
    first, note = done.stdout.splitlines()[:2]
    # the others' hold is held to now + 24 h + the grace, and its clock is named, once
    assert "held by laptop (cli), 24 h 3 min left (until " in first, first
    assert note.startswith("hold from laptop (cli) ends "), note
    assert "its clock is wrong, counted as ending " in note
    assert done.stdout.count("its clock is wrong") == 1

    as_json = cli(endpoint, "status", "--json", env=state)
    assert as_json.returncode == 0, as_json.stderr  # no OverflowError formatting 1e100
    assert not set(as_json.stdout) & (CONTROLS | BIDI) - {"\n"}  # JSON escapes them itself


def test_a_device_a_century_ahead_is_held_to_the_bound_by_the_others_and_the_off_switch(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    require_tools(("faketime",), "libfaketime", "apt-get install faketime")
    ahead = {"HOME": str(tmp_path / "ahead"), "PIPELINE_TRAY_DEVICE_NAME": "ahead"}
    started = subprocess.run(
        [
            *("faketime", "+100 years", sys.executable, "-m", "tray_app"),
            *("--endpoint-url", endpoint, "--region", REGION, "start", "--minutes", "30"),
        ],
        env={**os.environ, **ahead, "XDG_STATE_HOME": str(tmp_path / "ahead" / "state")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    now = time.time()

    here = {"HOME": str(tmp_path / "here"), "XDG_STATE_HOME": str(tmp_path / "here" / "state")}
    done = cli(endpoint, "status", "--json", env=here)
    assert done.returncode == 0, done.stderr
    (hold,) = json.loads(done.stdout)["holds"]
    ends = datetime.fromisoformat(hold["ends"]).timestamp()
    bound = time.time() + LONGEST_SESSION_MINUTES * 60 + SKEW_SECONDS
    assert now + LONGEST_SESSION_MINUTES * 60 <= ends <= bound  # not 2126
    said = cli(endpoint, "status", env=here)
    assert said.returncode == 0 and said.stdout.count("its clock is wrong") == 1, said.stdout

    # The off switch writes the hold back held to its bound once, then ends it there.
    first = off_switch_run(endpoint, at=now)
    assert (first["rule_disabled"], len(first["held_back"])) == (False, 1)
    assert off_switch_run(endpoint, at=bound - 60)["rule_disabled"] is False
    assert off_switch_run(endpoint, at=bound + 300)["rule_disabled"] is True
    assert boto3.client("events", region_name=REGION).describe_rule(Name=RULE)["State"] == (
        "DISABLED"
    )


def test_latest_prints_the_records_text_clean(
    endpoint: str, stack: dict[str, str], state: dict[str, str]
) -> None:
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=stack["table"],
        Item={
            "collection_id": {"S": "c-1"},
            "record_type": {"S": "metrics"},
            "timestamp": {"N": "1795700000"},
            "timestamp_iso": {"S": f"2026-11-26{HOSTILE}"},
            "cpu_percent": {"N": "3.5"},
            "s3_key": {"S": f"metrics/{HOSTILE}.json"},
        },
    )
    done = cli(endpoint, "latest", env=state)
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout)
    assert (
        "2026-11-26laptop  s3://infra-monitoring-pipeline-data/metrics/laptop.json" in done.stdout
    )


def test_an_error_quoting_aws_reaches_stderr_clean(
    endpoint: str, stack: dict[str, str], state: dict[str, str]
) -> None:
    # AWS's answer quotes the name it was asked for: the error line carries it back
    done = cli(endpoint, "status", env={**state, "PIPELINE_TRAY_RULE": f"no-such{HOSTILE}"})
    assert done.returncode == 1
    assert "no-suchlaptop" in done.stderr, done.stderr
    assert_clean(done.stderr)


def test_verbose_logs_no_credentials(
    endpoint: str, stack: dict[str, str], state: dict[str, str]
) -> None:
    secrets = {
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
    }
    done = cli(endpoint, "status", "--verbose", env={**state, **secrets})
    assert done.returncode == 0, done.stderr
    log = Path(state["XDG_STATE_HOME"], "pipeline-tray", "pipeline-tray.log").read_text()
    assert "X-Amz-Security-Token': b'<redacted>" in log  # botocore did log the header
    for shown in (done.stderr, log):
        for secret in (TOKEN, KEY_ID, SECRET):
            assert secret not in shown


def test_state_made_at_umask_022_is_private(
    endpoint: str, stack: dict[str, str], state: dict[str, str], umask_022: None
) -> None:
    folder = Path(state["XDG_STATE_HOME"], "pipeline-tray")
    folder.mkdir(parents=True, mode=0o755)  # as an earlier version left it
    (folder / "device-id").write_text("0123456789ab\n")
    (folder / "device-id").chmod(0o644)

    started = cli(endpoint, "start", "--minutes", "5", env=state)
    assert started.returncode == 0, started.stderr
    assert {p.name for p in folder.iterdir()} >= {"device-id", "cli-session.json"}
    assert_private(folder)
    assert cli(endpoint, "report", env=state).returncode == 0
    assert cli(endpoint, "stop", "--verbose", env=state).returncode == 0
    assert {p.name for p in folder.iterdir()} >= {
        "device-id",
        "pipeline-tray.log",
        "report.html",
        "history.jsonl",
    }
    assert_private(folder)


def assert_private(folder: Path) -> None:
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_report_output_refuses_a_symlink_it_did_not_make(
    endpoint: str, stack: dict[str, str], state: dict[str, str], tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "report.html"
    link.symlink_to(victim)

    done = cli(endpoint, "report", "--output", str(link), env=state)
    assert done.returncode == 2
    assert f"--output {link} is a symbolic link" in done.stderr
    assert victim.read_text() == "keep me\n"
    assert link.is_symlink()


def test_the_panel_shows_a_wrong_clock_once_and_no_escapes(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    put_cli_hold(10**100, device=HOSTILE)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    tray = Tray(endpoint, tmp_path)
    try:
        tray.wait_line("held by laptop (cli), 24 h 3 min left (until ", after=0)
        tray.wait_line("hold from laptop (cli) ends after 9999: its clock is wrong", after=0)
        for _ in range(3):  # each key redraws the panel: the note must not come again
            tray.key("x")
        quit_key = tray.key("q")
        assert tray.proc.wait(timeout=30) == 0
        tray.wait_line("bye", after=quit_key)  # the goodbye line, which names who holds on
    finally:
        tray.stop()
    shown = "\n".join(tray.lines)
    assert shown.count("its clock is wrong") == 1
    assert_clean(shown)
