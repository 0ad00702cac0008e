"""Build step: ship the files the app reads at run time inside the wheel, as tray_app/bundled/.

Everything else about the package is in pyproject.toml. The files stay where they belong in the
tree (lambda_function/, assets/icons/, template.yaml, policies/); tray_app/bundled.py finds them
in either place.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tray_app.bundled import FOLDER, SOURCES  # noqa: E402 - needs the path above


class BuildWithBundle(build_py):
    """build_py, then copy the bundled files next to the package."""

    def run(self) -> None:
        """Build the package, then add tray_app/bundled/."""
        super().run()
        target = Path(self.build_lib) / "tray_app" / FOLDER
        for name, source in SOURCES.items():
            origin = ROOT / source
            if origin.is_dir():
                shutil.copytree(
                    origin,
                    target / name,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target / name)


setup(cmdclass={"build_py": BuildWithBundle})
