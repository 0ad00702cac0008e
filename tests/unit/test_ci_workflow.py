"""The forge workflow keeps the jobs the README promises (actionlint checks its syntax)."""

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML comes with cfn-lint; no stubs installed

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "ci.yml"


def jobs() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return dict(loaded["jobs"])


def commands(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_linux_runs_ci_run_as_root_on_debian_12() -> None:
    linux = jobs()["linux"]
    assert "bookworm" in linux["container"]
    assert "bash .ci/run" in commands(linux)


def test_windows_and_macos_run_the_unit_tests_and_the_installed_wheel() -> None:
    wheel = jobs()["wheel"]
    assert set(wheel["strategy"]["matrix"]["os"]) == {"windows-latest", "macos-latest"}
    run = commands(wheel)
    for needed in (
        "pytest tests/unit",
        "pip wheel --no-deps",
        "pip install dist/pipeline_tray-",
        'pipeline-tray" --version',
        'pipeline-tray" tray --help',
    ):
        assert needed in run, needed


def test_every_action_is_pinned_by_a_commit() -> None:
    # a tag (@v4) can be moved to other code; a full commit SHA cannot
    uses = [step["uses"] for job in jobs().values() for step in job["steps"] if "uses" in step]
    assert uses
    for action in uses:
        _, ref = action.split("@", 1)
        assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), action
