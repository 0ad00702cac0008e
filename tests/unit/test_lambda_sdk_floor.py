"""`make lambda-sdk-floor` runs every test of the Lambda's code, or says why one stays out."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LISTED = ROOT / "tests" / "lambda_sdk_floor.txt"
REQUIREMENTS = ROOT / "scripts" / "lambda-sdk-floor-requirements.txt"
LAMBDA_MODULES = {"collector", "data_collector"}


def listed() -> tuple[set[str], dict[str, str]]:
    run: set[str] = set()
    skipped: dict[str, str] = {}
    for line in LISTED.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("skip "):
            path, _, why = line.removeprefix("skip ").partition(" -- ")
            skipped[path] = why.strip()
        else:
            run.add(line.strip())
    return run, skipped


def imports_lambda_code(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        if any(name.split(".")[0] in LAMBDA_MODULES for name in names):
            return True
    return False


def test_every_test_of_the_lambdas_code_is_run_or_skipped_with_a_reason() -> None:
    run, skipped = listed()
    assert all(skipped.values()), f"a skip without its reason: {skipped}"
    assert not run & set(skipped)
    for path in run | set(skipped):
        assert (ROOT / path).is_file(), f"{LISTED.name} names a missing file: {path}"
    lambda_tests = {
        path.relative_to(ROOT).as_posix()  # as the list writes them, on Windows too
        for path in (ROOT / "tests").rglob("*.py")
        if imports_lambda_code(path)
    }
    assert lambda_tests - run - set(skipped) == set(), f"add them to {LISTED.name}"


def test_the_floor_pins_boto3_and_botocore_to_one_release() -> None:
    pins = dict(re.findall(r"^(boto3|botocore)==(\S+)$", REQUIREMENTS.read_text(), re.M))
    assert set(pins) == {"boto3", "botocore"}
    assert pins["boto3"] == pins["botocore"]
