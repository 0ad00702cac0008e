"""One structured JSON line per run, on stdout, where Lambda sends it to CloudWatch Logs."""

import json
import sys


def log_line(**fields: object) -> None:
    """Write `fields` as one JSON object on one line of stdout."""
    sys.stdout.write(json.dumps(fields, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()
