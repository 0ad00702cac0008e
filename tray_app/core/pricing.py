"""AWS's published Lambda prices (x86; eu-west-1 = us-east-1) and the seed's measurements."""

from __future__ import annotations

PRICE_PER_REQUEST_USD = 0.20 / 1_000_000
PRICE_PER_GB_SECOND_USD = 0.0000166667
MEMORY_GB = 128 / 1024  # the function's memory size
SECONDS_PER_RUN = 0.344  # the seed's measured average duration


def estimated_cost_usd(invocations: int) -> float:
    """What `invocations` runs cost before the free tier (requests + duration x memory)."""
    per_run = PRICE_PER_REQUEST_USD + SECONDS_PER_RUN * MEMORY_GB * PRICE_PER_GB_SECOND_USD
    return round(invocations * per_run, 8)
