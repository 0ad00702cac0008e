"""What the stack promises, read from template.yaml itself (moto ignores several of these)."""

from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint_file

from tests.template_resources import default, load_template, resource
from tray_app.aws.lambda_package import SESSION_TEMPLATE, TEMPLATE


def statements() -> list[dict[str, Any]]:
    policies = resource("FunctionRole")["Policies"]
    assert len(policies) == 1
    result: list[dict[str, Any]] = policies[0]["PolicyDocument"]["Statement"]
    return result


@pytest.mark.parametrize("template", [TEMPLATE, SESSION_TEMPLATE], ids=lambda p: p.name)
def test_cfn_lint_finds_nothing_including_informational_checks(template: Path) -> None:
    matches = lint_file(
        Path(template), ManualArgs(regions=["eu-west-1", "us-east-1"], include_checks=["I"])
    )
    assert [str(m) for m in matches] == []


def test_defaults_are_the_seeds_names() -> None:
    assert default("BucketName") == "infra-monitoring-pipeline-data"
    assert default("TableName") == "InfraMetrics"
    assert default("FunctionName") == "data-collector"
    assert default("RuleName") == "data-collector-schedule"
    assert default("ScheduleExpression") == "rate(5 minutes)"


def test_function_settings() -> None:
    fn = resource("DataCollectorFunction")
    assert fn["Runtime"] == "python3.13"
    assert fn["Handler"] == "data_collector.lambda_handler"
    assert (fn["MemorySize"], fn["Timeout"]) == (128, 60)
    assert set(fn["Environment"]["Variables"]) == {"S3_BUCKET", "DYNAMODB_TABLE", "REGION"}
    assert fn["Code"] == {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}}


def test_log_group_has_a_retention() -> None:
    logs = resource("FunctionLogGroup")
    assert logs["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert int(default("LogRetentionDays")) == 14
    assert resource("DataCollectorFunction")["LoggingConfig"]["LogGroup"] == {
        "Ref": "FunctionLogGroup"
    }


def test_rule_starts_disabled_and_keeps_the_schedules_time_and_id() -> None:
    rule = resource("ScheduleRule")
    assert rule["State"] == "DISABLED"
    target = rule["Targets"][0]
    assert target["Arn"] == {"Fn::GetAtt": ["DataCollectorFunction", "Arn"]}
    assert target["InputTransformer"]["InputPathsMap"] == {"time": "$.time", "id": "$.id"}
    assert target["InputTransformer"]["InputTemplate"] == '{"time": <time>, "id": <id>}'


def test_invoke_permission_is_scoped_to_the_rule() -> None:
    permission = resource("ScheduleInvokePermission")
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["SourceArn"] == {"Fn::GetAtt": ["ScheduleRule", "Arn"]}


def test_bucket_is_private_encrypted_tls_only_and_expires_metrics() -> None:
    bucket = resource("DataBucket")
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["ExpirationInDays"], rule["Prefix"]) == ("Enabled", 7, "metrics-")
    (deny,) = resource("DataBucketPolicy")["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_table_is_on_demand_with_ttl_and_a_newest_first_index() -> None:
    table = resource("MetricsTable")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "latest-index"
    assert index["KeySchema"] == [
        {"AttributeName": "record_type", "KeyType": "HASH"},
        {"AttributeName": "timestamp", "KeyType": "RANGE"},
    ]
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    assert types["timestamp"] == "N"


def test_the_off_switch_settings() -> None:
    fn = resource("OffSwitchFunction", SESSION_TEMPLATE)
    assert (fn["Runtime"], fn["Handler"]) == ("python3.13", "off_switch.lambda_handler")
    assert set(fn["Environment"]["Variables"]) == {
        "RULE_NAME",
        "SESSION_TABLE",
        "REGION",
        "CLOCK_SKEW_SECONDS",
    }
    assert fn["Environment"]["Variables"]["CLOCK_SKEW_SECONDS"] == {"Ref": "ClockSkewSeconds"}


def test_the_clock_skew_margin_is_a_bounded_number_of_three_minutes() -> None:
    skew = load_template(SESSION_TEMPLATE)["Parameters"]["ClockSkewSeconds"]
    assert (skew["Type"], skew["Default"], skew["MinValue"]) == ("Number", 180, 0)


def test_role_grants_exactly_three_narrow_permissions() -> None:
    by_sid = {s["Sid"]: s for s in statements()}
    assert set(by_sid) == {"WriteMetricsObjects", "WriteMetricsItems", "WriteOwnLogs"}
    assert by_sid["WriteMetricsObjects"]["Action"] == "s3:PutObject"
    assert by_sid["WriteMetricsObjects"]["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::${BucketName}/metrics-*"
    }
    assert by_sid["WriteMetricsItems"]["Action"] == "dynamodb:PutItem"
    assert sorted(by_sid["WriteOwnLogs"]["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    for statement in statements():
        assert statement["Effect"] == "Allow"
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert not [a for a in actions if "*" in a]
        assert statement["Resource"] != "*"


def test_budget_alert_is_150_cents_with_an_optional_email() -> None:
    budget = resource("MonthlyBudget")["Budget"]
    assert budget["BudgetLimit"] == {"Amount": 1.5, "Unit": "USD"}
    assert budget["TimeUnit"] == "MONTHLY"
    assert default("BudgetEmail") == ""
    assert load_template()["Conditions"]["HasBudgetEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BudgetEmail"}, ""]}]
    }


def test_outputs_name_what_the_tray_needs() -> None:
    assert set(load_template()["Outputs"]) >= {
        "BucketName",
        "TableName",
        "LatestIndexName",
        "FunctionName",
        "FunctionArn",
        "RuleName",
        "RuleArn",
    }
