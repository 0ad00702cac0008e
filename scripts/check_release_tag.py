"""Fail a release whose tag is not `v` + the version in pyproject.toml (the release workflow's
first step, and its test's).

Usage: python scripts/check_release_tag.py TAG   (TAG as GitHub names it: v0.1.0)
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def project_version(pyproject: Path = PYPROJECT) -> str:
    """The `[project] version` of the checkout."""
    with pyproject.open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def main(argv: list[str]) -> int:
    """0 when the tag names this version; 1, saying both, when it does not; 2 on usage."""
    if len(argv) != 1:
        print("usage: check_release_tag.py TAG", file=sys.stderr)
        return 2
    tag, version = argv[0], project_version()
    if tag != f"v{version}":
        print(
            f"tag {tag} does not match pyproject.toml's version {version} (want v{version})",
            file=sys.stderr,
        )
        return 1
    print(f"tag {tag} matches pyproject.toml's version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
