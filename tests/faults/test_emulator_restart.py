"""The emulator restarts under a running tray and loses its state: reported, survived, recovered."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tests.aws_names import REGION
from tests.emulator_process import emulator_process
from tests.faults.conftest import notifications
from tests.faults.fault_proxy import FaultProxy
from tests.template_resources import create_pipeline
from tests.tray_process import Tray, eventually, rule

pytestmark = pytest.mark.functional


def deploy_into(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # the test's own calls (rule()) go there
    create_pipeline(boto3.session.Session(region_name=REGION), REGION)


def test_the_tray_survives_an_emulator_restart_and_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with emulator_process() as (first_url, first), FaultProxy(first_url) as proxy:
        deploy_into(first_url, monkeypatch)
        tray = Tray(proxy.url, tmp_path)
        try:
            tray.wait_line("Off — costs $0", after=0)
            pressed = tray.key("s")
            eventually(lambda: rule()[0] == "ENABLED")
            tray.wait_line("Study session on", after=pressed)

            first.kill()  # the emulator dies: to the app, AWS is unreachable
            first.wait(timeout=10)
            tray.wait_line(
                "[pipeline-tray: AWS error] cannot reach AWS to read the rule", 30, after=pressed
            )

            with emulator_process() as (second_url, _second):
                proxy.upstream = second_url  # it is back, empty
                tray.wait_line(
                    "[pipeline-tray: AWS error] rule data-collector-schedule in eu-west-1 not "
                    "found: run `pipeline-tray deploy`",
                    30,
                    after=pressed,
                )
                deploy_into(second_url, monkeypatch)  # the user deploys again: rule DISABLED
                tray.wait_line("[Study session ended elsewhere]", 30, after=pressed)
                tray.wait_line("Off — costs $0", after=pressed)
                assert tray.proc.poll() is None
                said = notifications(tray)
                assert len(said) == 3, said
                tray.key("q")
                assert tray.proc.wait(timeout=15) == 0
                assert rule() == ("DISABLED", None)
        finally:
            tray.stop()
