"""Stack states the emulator cannot reach (it never rolls back), answered by botocore's Stubber.

Stubber checks every request and canned response against the CloudFormation API model.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from botocore.stub import Stubber

from tray_app.app import config
from tray_app.aws.client_session import AwsSession
from tray_app.aws.stack import StackGateway, WaitLimits
from tray_app.core.errors import AwsError

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def stack(status: str) -> dict[str, object]:
    return {"Stacks": [{"StackName": "pipeline-tray", "StackStatus": status, "CreationTime": NOW}]}


@pytest.fixture
def gateway() -> Iterator[tuple[StackGateway, Stubber]]:
    aws = AwsSession(config.load({"region": "eu-west-1"}, env={}))
    gw = StackGateway(aws, "pipeline-tray", WaitLimits(delay_seconds=1, max_attempts=2))
    with Stubber(aws.cloudformation) as stubber:
        yield gw, stubber
        stubber.assert_no_pending_responses()


def test_a_rolled_back_stack_says_to_destroy_and_deploy_again(
    gateway: tuple[StackGateway, Stubber],
) -> None:
    gw, stubber = gateway
    stubber.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))
    with pytest.raises(AwsError) as caught:
        gw.deploy("template", {})
    assert str(caught.value) == (
        "stack pipeline-tray in eu-west-1 is ROLLBACK_COMPLETE (its first creation failed and "
        "was rolled back): read its events in the console, then run `pipeline-tray destroy` "
        "and deploy again"
    )


def test_a_failed_creation_names_the_resource_and_its_reason(
    gateway: tuple[StackGateway, Stubber],
) -> None:
    gw, stubber = gateway
    stubber.add_client_error(
        "describe_stacks", "ValidationError", "Stack with id pipeline-tray does not exist"
    )
    stubber.add_response("create_stack", {"StackId": "arn:aws:cloudformation:eu-west-1:1:stack/x"})
    stubber.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))  # the waiter's poll
    events = [
        {
            "StackId": "x",
            "EventId": str(n),
            "StackName": "pipeline-tray",
            "Timestamp": NOW,
            "LogicalResourceId": logical,
            "ResourceStatus": status,
            "ResourceStatusReason": reason,
        }
        for n, (logical, status, reason) in enumerate(
            [
                ("pipeline-tray", "ROLLBACK_COMPLETE", ""),
                ("MetricsTable", "CREATE_FAILED", "Resource creation cancelled"),
                ("DataBucket", "CREATE_FAILED", "infra-monitoring-pipeline-data already exists"),
            ]
        )
    ]
    stubber.add_response("describe_stack_events", {"StackEvents": events})
    with pytest.raises(AwsError) as caught:
        gw.deploy("template", {"BucketName": "infra-monitoring-pipeline-data"})
    assert str(caught.value) == (
        "stack pipeline-tray in eu-west-1 failed (stack create complete): DataBucket: "
        "infra-monitoring-pipeline-data already exists; fix that, then run `pipeline-tray "
        "deploy` again"
    )
