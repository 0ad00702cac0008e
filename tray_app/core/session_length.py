"""Which session length applies: flag > environment > config file > the menu's remembered
choice > the default (README, Configuration)."""

from __future__ import annotations


def session_minutes(configured: int, configured_from: str, remembered: int | None) -> int:
    """The length to use. `configured_from` is where the configured value came from ("flag …",
    "env …", "file …" or "default"): a value someone set explicitly wins over the menu's
    remembered choice, which wins over the default."""
    if configured_from == "default" and remembered is not None:
        return remembered
    return configured
