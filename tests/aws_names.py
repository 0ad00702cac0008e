"""The names every test and benchmark uses for the emulated pipeline (standard library only:
the Lambda's SDK-floor run imports it too)."""

REGION = "eu-west-1"
RULE = "data-collector-schedule"
