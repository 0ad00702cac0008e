"""Build dist/pipeline-tray-<version>-setup.exe on Linux: the embeddable CPython with the app's
wheel and its win_amd64 dependencies (scripts/windows_python.py, what the Wine tests run), the
app's icon, and Debian's NSIS (`makensis`) around them (scripts/installer.nsi).

Usage: python scripts/windows_installer.py [--wheel WHEEL] [--out-dir DIR]
Without --wheel, the wheel is built from this checkout first.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.windows_python import BuildError, pip, windows_python  # noqa: E402 - needs the path

NSIS_SCRIPT = ROOT / "scripts" / "installer.nsi"
ICON = ROOT / "assets" / "icons" / "on.ico"  # the app at its most recognisable (the menu's too)


def wheel_version(wheel: Path) -> str:
    """The version a wheel's file name carries (name-version-python-abi-platform.whl)."""
    return wheel.name.split("-")[1]


def build_wheel(into: Path) -> Path:
    """This checkout's wheel, built into `into`."""
    pip("wheel", "--no-deps", "-w", str(into), str(ROOT))
    (wheel,) = into.glob("pipeline_tray-*.whl")
    return wheel


def stage(python: Path, place: Path) -> Path:
    """The folder makensis packs: python/ (the app inside) and app.ico."""
    source = place / "stage"
    shutil.copytree(python, source / "python", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ICON, source / "app.ico")
    return source


def make_installer(python: Path, version: str, out_dir: Path, place: Path) -> Path:
    """Run makensis on the staged files; returns the setup.exe it wrote."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError("makensis missing (Debian: apt-get install nsis)")
    source = stage(python, place)
    out_dir.mkdir(parents=True, exist_ok=True)
    setup = out_dir / f"pipeline-tray-{version}-setup.exe"
    done = subprocess.run(  # noqa: S603 - makensis with paths we built
        [
            makensis,
            "-V2",  # warnings and errors only
            "-WX",  # a warning is an error: no half-right installer
            f"-DVERSION={version}",
            f"-DSOURCE={source}",
            f"-DOUTFILE={setup}",
            str(NSIS_SCRIPT),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0 or not setup.is_file():
        raise BuildError(f"makensis failed:\n{done.stdout}{done.stderr}")
    return setup


def build(wheel: Path | None, out_dir: Path) -> Path:
    """The whole build, in a temporary folder; returns the setup.exe."""
    with tempfile.TemporaryDirectory(prefix="windows-installer-") as tmp:
        place = Path(tmp)
        wheel = wheel or build_wheel(place / "wheel")
        if not zipfile.is_zipfile(wheel):
            raise BuildError(f"{wheel}: not a wheel")
        python = windows_python(wheel, place)
        return make_installer(python, wheel_version(wheel), out_dir, place)


def main(argv: list[str]) -> int:
    """Build the installer; 0 and its path on stdout, or 1 and why on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="the app's wheel (default: build one)")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        print(build(args.wheel, args.out_dir))
    except BuildError as err:
        print(f"windows-installer: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
