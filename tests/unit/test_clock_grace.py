"""The clock grace: one default on each side, equal to the template's, and a tray that learns
the function's configured value and says once when its own differs."""

from __future__ import annotations

from unittest.mock import create_autospec

import off_switch

from tests.template_resources import default
from tray_app.app import clock_grace, config
from tray_app.aws.lambda_package import SESSION_TEMPLATE
from tray_app.aws.pipeline import Pipeline
from tray_app.core.errors import AwsError
from tray_app.core.holds import SKEW_SECONDS


def test_the_templates_default_is_the_functions_and_the_trays() -> None:
    assert (
        int(default("ClockSkewSeconds", SESSION_TEMPLATE))
        == off_switch.clock_skew(None)  # unset in the off switch's environment
        == SKEW_SECONDS
    )
    assert config.load({}, env={}).clock_skew_seconds == SKEW_SECONDS


def pipeline_saying(answer: int | AwsError | None) -> Pipeline:
    pipeline = create_autospec(Pipeline, instance=True)
    pipeline.function = "data-collector"
    if isinstance(answer, AwsError):
        pipeline.function_clock_skew.side_effect = answer
    else:
        pipeline.function_clock_skew.return_value = answer
    return pipeline  # type: ignore[no-any-return]


def learned(answer: int | AwsError | None, ours: int = 180) -> tuple[list[int], list[str]]:
    used: list[int] = []
    said: list[str] = []
    clock_grace.learn(
        pipeline_saying(answer), ours, "default", used.append, lambda t, m: said.append(f"{t}: {m}")
    )
    return used, said


def test_a_function_with_another_grace_is_followed_and_said_once() -> None:
    used, said = learned(300)
    assert used == [300]
    assert said == [
        "Clock grace differs from the function's: The function data-collector gives other "
        "devices' clocks 300 s of grace, this tray's clock_skew_seconds is 180 (default). "
        "Session ends are shown by the function's 300 s: set clock_skew_seconds = 300, or run "
        "`pipeline-tray deploy` to give the function 180 s."
    ]


def test_the_same_grace_an_unreadable_one_or_no_answer_change_nothing() -> None:
    assert learned(180) == ([], [])
    assert learned(None) == ([], [])
    assert learned(AwsError("function data-collector not found")) == ([], [])


def test_settle_gives_the_grace_to_use_and_the_message_once_with_whose_setting_it_is() -> None:
    theirs = clock_grace.settle(pipeline_saying(300), 60, "file x.toml", whose="your")
    assert theirs.seconds == 300 and theirs.message is not None
    assert "clocks 300 s of grace, your clock_skew_seconds is 60 (file x.toml)." in theirs.message
    assert clock_grace.settle(pipeline_saying(60), 60, "default") == clock_grace.Grace(60)
    assert clock_grace.settle(pipeline_saying(None), 60, "default") == clock_grace.Grace(60)
    denied = AwsError("access denied: your AWS identity may not call GetFunctionConfiguration")
    assert clock_grace.settle(pipeline_saying(denied), 60, "default") == clock_grace.Grace(60)
