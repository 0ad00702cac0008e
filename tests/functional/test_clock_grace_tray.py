"""A tray whose clock_skew_seconds is not the deployed function's: it says so once, and shows a
lapsed hold's end by the function's grace (a real tray process against the emulator)."""

from __future__ import annotations

import time
from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION, RULE
from tests.functional.function_grace import deploy_function, put_cli_hold
from tests.tray_process import Tray

pytestmark = pytest.mark.functional
MESSAGE = "[Clock grace differs from the function's] The function data-collector gives"


def test_a_tray_takes_the_functions_grace_and_says_so_once(
    endpoint: str, stack: dict[str, str], tmp_path: Path
) -> None:
    deploy_function("300")
    # Another machine's CLI hold lapsed 100 s ago: live for 80 s more by 180 s, 200 s by 300 s.
    put_cli_hold(int(time.time()) - 100)
    boto3.client("events", region_name=REGION).enable_rule(Name=RULE)
    tray = Tray(endpoint, tmp_path)  # clock_skew_seconds: the default, 180
    try:
        said = tray.wait_line(MESSAGE, after=0)
        assert "clocks 300 s of grace, this tray's clock_skew_seconds is 180 (default)" in said
        tray.wait_line("held by vm (cli), ending — up to 3 min more for clock differences", after=0)
        polls = tray.mark()
        tray.wait_line("held by vm (cli), ending — up to 2 min more", after=polls, timeout=75)
        assert sum(MESSAGE in line for line in tray.lines) == 1
    finally:
        tray.stop()
