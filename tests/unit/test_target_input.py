import json
from typing import Any

import pytest

from tray_app.aws.target_input import deadline_of, with_deadline

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:data-collector"
OURS: dict[str, Any] = {
    "Id": "data-collector",
    "Arn": ARN,
    "InputTransformer": {
        "InputPathsMap": {"time": "$.time", "id": "$.id"},
        "InputTemplate": '{"time": <time>, "id": <id>}',
    },
}


def test_our_stacks_target_gets_the_deadline_in_its_template() -> None:
    updated = with_deadline(OURS, 1_800_000_000)
    assert updated["Id"] == "data-collector" and updated["Arn"] == ARN
    assert updated["InputTransformer"]["InputPathsMap"] == {"time": "$.time", "id": "$.id"}
    assert updated["InputTransformer"]["InputTemplate"] == (
        '{"time": <time>, "id": <id>, "session_deadline": 1800000000}'
    )
    assert deadline_of(updated) == 1_800_000_000
    assert OURS["InputTransformer"]["InputTemplate"] == '{"time": <time>, "id": <id>}'  # a copy


def test_writing_again_replaces_and_none_removes() -> None:
    once = with_deadline(OURS, 1)
    twice = with_deadline(once, 2)
    assert twice["InputTransformer"]["InputTemplate"].count("session_deadline") == 1
    assert deadline_of(twice) == 2
    cleared = with_deadline(twice, None)
    assert cleared["InputTransformer"]["InputTemplate"] == '{"time": <time>, "id": <id>}'
    assert deadline_of(cleared) is None


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{"session_deadline": 5, "time": <time>}', '{"time": <time>}'),
        ('{"time": <time>, "session_deadline": 5, "id": <id>}', '{"time": <time>, "id": <id>}'),
        ('{"session_deadline": 5}', "{}"),
    ],
)
def test_removal_leaves_a_well_formed_template(template: str, expected: str) -> None:
    target = {**OURS, "InputTransformer": {"InputPathsMap": {}, "InputTemplate": template}}
    assert with_deadline(target, None)["InputTransformer"]["InputTemplate"] == expected
    assert deadline_of(with_deadline(with_deadline(target, None), 7)) == 7


def test_constant_json_input_keeps_its_other_fields() -> None:
    target = {"Id": "t1", "Arn": ARN, "Input": '{"source": "manual", "session_deadline": 3}'}
    updated = with_deadline(target, 9)
    assert json.loads(updated["Input"]) == {"source": "manual", "session_deadline": 9}
    assert "InputTransformer" not in updated
    assert json.loads(with_deadline(updated, None)["Input"]) == {"source": "manual"}


def test_a_hand_made_target_without_input_gets_the_schedule_fields() -> None:
    target = {"Id": "console-made", "Arn": ARN, "RetryPolicy": {"MaximumRetryAttempts": 2}}
    updated = with_deadline(target, 42)
    assert updated["Id"] == "console-made" and updated["RetryPolicy"] == target["RetryPolicy"]
    assert updated["InputTransformer"] == {
        "InputPathsMap": {"time": "$.time", "id": "$.id"},
        "InputTemplate": '{"time": <time>, "id": <id>, "session_deadline": 42}',
    }
    assert deadline_of(target) is None and deadline_of(updated) == 42


def test_non_object_input_is_replaced_by_the_schedule_fields() -> None:
    target = {"Id": "x", "Arn": ARN, "Input": '"just a string"', "InputPath": "$.detail"}
    updated = with_deadline(target, 1)
    assert "Input" not in updated and "InputPath" not in updated
    assert deadline_of(updated) == 1
    assert deadline_of(target) is None


def test_a_template_that_is_not_an_object_is_refused() -> None:
    target = {**OURS, "InputTransformer": {"InputPathsMap": {}, "InputTemplate": "<time> ran"}}
    with pytest.raises(ValueError, match="not a JSON object"):
        with_deadline(target, 1)
