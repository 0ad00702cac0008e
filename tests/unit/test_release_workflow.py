"""The release workflow: its build job's own steps (tag check, sdist and wheel, twine check) run
here on a clean copy of the tree; the PyPI job publishes by trusted publishing, no token."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML comes with cfn-lint; no stubs installed

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
BUILD_STEPS = ("the tag names pyproject.toml's version", "sdist and wheel", "twine check")
LEFT_OUT = (".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "artifacts")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def step_script(name: str) -> str:
    """The `run` of the build job's step `name`, without its pip installs (the venv has them)."""
    (step,) = (s for s in workflow()["jobs"]["build"]["steps"] if s.get("name") == name)
    lines = str(step["run"]).splitlines()
    return "\n".join(line for line in lines if not line.startswith("python -m pip install"))


def run_step(name: str, cwd: Path, tag: str) -> subprocess.CompletedProcess[str]:
    """One step as the runner runs it (bash -e), `python` being this venv's."""
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step_script(name)],
        cwd=cwd,
        env={
            **os.environ,
            "GITHUB_REF_NAME": tag,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def version() -> str:
    match = re.search(r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.M)
    assert match is not None
    return match.group(1)


def test_every_action_is_pinned_by_commit_and_pypi_uses_no_token() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(PINNED.match(u) for u in uses), uses
    jobs = workflow()["jobs"]
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert "secrets." not in text and "password" not in text
    triggers: dict[Any, Any] = workflow()
    assert triggers[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True


@pytest.mark.skipif(sys.platform == "win32", reason="the runner's steps are bash on Linux")
def test_a_tag_that_is_not_the_version_stops_the_release(tmp_path: Path) -> None:
    done = run_step(BUILD_STEPS[0], ROOT, "v9.9.9")
    assert done.returncode == 1
    assert f"tag v9.9.9 does not match pyproject.toml's version {version()}" in done.stderr
    assert run_step(BUILD_STEPS[0], ROOT, version()).returncode == 1  # the `v` is wanted


@pytest.mark.skipif(sys.platform == "win32", reason="the runner's steps are bash on Linux")
def test_the_build_steps_make_an_sdist_and_a_wheel_that_twine_accepts(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    tag = f"v{version()}"
    for name in BUILD_STEPS:
        done = run_step(name, source, tag)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    built = sorted(p.name for p in (source / "dist").iterdir())
    assert built == [
        f"pipeline_tray-{version()}-py3-none-any.whl",
        f"pipeline_tray-{version()}.tar.gz",
    ]
    assert "PASSED" in done.stdout
