"""Read template.yaml and session-control.yaml and create the pipeline's bucket, table and rule and
the session control's table and off-switch target directly in moto (fast, same schema)."""

from __future__ import annotations

from typing import Any

from cfnlint.decode import decode

from tray_app.aws.lambda_package import SESSION_TEMPLATE, TEMPLATE
from tray_app.aws.target_input import OFF_SWITCH_ID
from tray_app.core.session_record import record_key

FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:data-collector"
OFF_SWITCH_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:pipeline-tray-off-switch"
DEFAULT_RULE = "data-collector-schedule"
SESSION_TABLE = f"pipeline-tray-sessions-{DEFAULT_RULE}"  # the default rule's session table
SESSION_KEY = record_key(DEFAULT_RULE)


def load_template(path: Any = TEMPLATE) -> dict[str, Any]:
    """A template with intrinsic functions as plain dicts (e.g. {"Ref": "X"})."""
    template, problems = decode(str(path))
    assert not problems, problems
    assert template is not None
    return dict(template)


def resource(name: str, path: Any = TEMPLATE) -> dict[str, Any]:
    """Properties of one resource of the template."""
    props: dict[str, Any] = load_template(path)["Resources"][name]["Properties"]
    return props


def default(parameter: str, path: Any = TEMPLATE) -> str:
    """A template parameter's default value."""
    return str(load_template(path)["Parameters"][parameter]["Default"])


def create_tables(session: Any, region: str = "eu-west-1") -> dict[str, str]:
    """Create the templates' DynamoDB tables, the metrics table and the default rule's session
    table; the one place tests make them, on moto and on DynamoDB Local alike
    (tests/dynamodb_local.py). Returns {"table": the metrics table's name}."""
    dynamodb = session.client("dynamodb", region_name=region)
    table = resource("MetricsTable")
    name = default("TableName")
    dynamodb.create_table(
        TableName=name,
        BillingMode=table["BillingMode"],
        AttributeDefinitions=table["AttributeDefinitions"],
        KeySchema=table["KeySchema"],
        GlobalSecondaryIndexes=table["GlobalSecondaryIndexes"],
    )
    sessions = resource("SessionTable", SESSION_TEMPLATE)
    dynamodb.create_table(
        TableName=SESSION_TABLE,
        BillingMode=sessions["BillingMode"],
        AttributeDefinitions=sessions["AttributeDefinitions"],
        KeySchema=sessions["KeySchema"],
    )
    return {"table": name}


def create_pipeline(session: Any, region: str = "eu-west-1") -> dict[str, str]:
    """Create the data bucket, metrics table and (disabled) rule as the template defines them."""
    names = {"bucket": default("BucketName"), "rule": default("RuleName")}
    session.client("s3", region_name=region).create_bucket(
        Bucket=names["bucket"], CreateBucketConfiguration={"LocationConstraint": region}
    )
    names.update(create_tables(session, region))
    rule = resource("ScheduleRule")
    events = session.client("events", region_name=region)
    events.put_rule(
        Name=names["rule"], ScheduleExpression=default("ScheduleExpression"), State=rule["State"]
    )
    target = dict(rule["Targets"][0])
    target["Arn"] = FUNCTION_ARN
    events.put_targets(Rule=names["rule"], Targets=[target])
    connect_session_control(session, region, names["rule"])
    return names


def connect_session_control(session: Any, region: str, rule: str) -> None:
    """What `connect` adds to the rule: the off switch's target (its function is not deployed:
    tests run lambda_function/off_switch.py in-process; its table is made by create_tables)."""
    session.client("events", region_name=region).put_targets(
        Rule=rule, Targets=[{"Id": OFF_SWITCH_ID, "Arn": OFF_SWITCH_ARN, "Input": "{}"}]
    )
