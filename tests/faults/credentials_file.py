"""The shared credentials file as `aws configure` writes it, for tests that change keys mid-run."""

from __future__ import annotations

import os
from pathlib import Path

# Unset these for a process that must read its keys from the file (conftest sets them).
FROM_FILE_ONLY = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
OLD_KEY = "AKIAOLDKEYPIPETRAY01"
NEW_KEY = "AKIANEWKEYPIPETRAY02"


def write_credentials(key: str) -> Path:
    """Write `key` as the default profile's key (what `aws configure` does); returns the file."""
    path = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    path.write_text(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = secret\n")
    return path
