"""Package lambda_function/ as a deterministic zip: the same source always gives the same bytes.

The zip also carries the session record's reader (tray_app/core/session_record.py and the holds
it judges by), so the off switch reads the record with the tray's own code.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tray_app.bundled import bundled
from tray_app.core import bounded, holds, session_record

LAMBDA_SOURCE = bundled("lambda_function")
TEMPLATE = bundled("template.yaml")
SESSION_TEMPLATE = bundled("session-control.yaml")
# Pure modules of ours the off switch imports, by their path inside the zip.
SHARED_MODULES = {
    "tray_app/__init__.py": None,
    "tray_app/core/__init__.py": None,
    "tray_app/core/bounded.py": bounded,
    "tray_app/core/holds.py": holds,
    "tray_app/core/session_record.py": session_record,
}
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
    entries = {path.relative_to(source).as_posix(): path.read_bytes() for path in files}
    for name, module in SHARED_MODULES.items():
        entries[name] = Path(module.__file__).read_bytes() if module and module.__file__ else b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    body = buffer.getvalue()
    return Package(body=body, sha256=hashlib.sha256(body).hexdigest())
