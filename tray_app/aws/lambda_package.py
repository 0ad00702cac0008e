"""Package lambda_function/ as a deterministic zip: the same source always gives the same bytes."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tray_app.bundled import bundled

LAMBDA_SOURCE = bundled("lambda_function")
TEMPLATE = bundled("template.yaml")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


@dataclass(frozen=True)
class Package:
    """The zip's bytes and its content-addressed S3 key."""

    body: bytes
    sha256: str

    @property
    def key(self) -> str:
        """Key under which deploy stores it: a new key exactly when the code changed."""
        return f"data-collector/{self.sha256[:32]}.zip"


def source_files(source: Path) -> list[Path]:
    """The .py files the function needs, sorted; caches and tests stay out."""
    return sorted(
        p
        for p in source.rglob("*.py")
        if "__pycache__" not in p.parts and not p.name.startswith("test_")
    )


def build(source: Path | None = None) -> Package:
    """Zip the sources (default lambda_function/) with fixed times and modes.

    Same content, same bytes: an unchanged function never looks like an update.
    """
    source = source or LAMBDA_SOURCE
    files = source_files(source)
    if not files:
        raise FileNotFoundError(f"no Python files in {source}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    body = buffer.getvalue()
    return Package(body=body, sha256=hashlib.sha256(body).hexdigest())
