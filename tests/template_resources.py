"""Read template.yaml and create its bucket, table and rule directly in moto (fast, same schema)."""

from __future__ import annotations

from typing import Any

from cfnlint.decode import decode

from tray_app.aws.lambda_package import TEMPLATE

FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:data-collector"


def load_template() -> dict[str, Any]:
    """template.yaml with intrinsic functions as plain dicts (e.g. {"Ref": "X"})."""
    template, problems = decode(str(TEMPLATE))
    assert not problems, problems
    assert template is not None
    return dict(template)


def resource(name: str) -> dict[str, Any]:
    """Properties of one resource of the template."""
    props: dict[str, Any] = load_template()["Resources"][name]["Properties"]
    return props


def default(parameter: str) -> str:
    """A template parameter's default value."""
    return str(load_template()["Parameters"][parameter]["Default"])


def create_tables(session: Any, region: str = "eu-west-1") -> dict[str, str]:
    """Create the template's DynamoDB table(s); the one place tests make them, on moto and on
    DynamoDB Local alike (tests/dynamodb_local.py). Returns {"table": its name}."""
    table = resource("MetricsTable")
    name = default("TableName")
    session.client("dynamodb", region_name=region).create_table(
        TableName=name,
        BillingMode=table["BillingMode"],
        AttributeDefinitions=table["AttributeDefinitions"],
        KeySchema=table["KeySchema"],
        GlobalSecondaryIndexes=table["GlobalSecondaryIndexes"],
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
    return names
