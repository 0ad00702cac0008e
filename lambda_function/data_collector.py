"""AWS Lambda entry point of `data-collector` (handler `data_collector.lambda_handler`)."""

from __future__ import annotations

import time
from typing import Any

from collector.collect import handle
from collector.container import Container

CONTAINER = Container()  # one per Lambda container: clients and the last CPU reading live here


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:  # noqa: ANN401
    """Collect one metrics record into S3 and DynamoDB."""
    return handle(event, context, CONTAINER, now=time.time())
