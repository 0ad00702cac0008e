"""The off switch's target: the deadline copy in its constant input, read back and cleared."""

from __future__ import annotations

import json

import pytest

from tray_app.aws.target_input import OFF_SWITCH_ID, deadline_of, off_switch_target

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:pipeline-tray-off-switch"


@pytest.mark.parametrize("deadline", [1_795_701_600, None])
def test_the_deadline_round_trips_through_the_targets_input(deadline: int | None) -> None:
    target = off_switch_target(ARN, deadline)
    assert (target["Id"], target["Arn"]) == (OFF_SWITCH_ID, ARN)
    assert deadline_of(target) == deadline
    assert json.loads(target["Input"]) == (
        {} if deadline is None else {"session_deadline": deadline}
    )


@pytest.mark.parametrize(
    "target",
    [
        {"Input": "not json"},
        {"Input": "[1]"},
        {"Input": '{"session_deadline": true}'},
        {"Input": '{"session_deadline": "1795701600"}'},
        {},
    ],
)
def test_an_input_we_did_not_write_carries_no_deadline(target: dict[str, str]) -> None:
    assert deadline_of(target) is None
