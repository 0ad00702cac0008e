"""Run checkov on template.yaml: no failed check, and every skip explained and still needed.

A finding we keep on purpose is skipped in the template itself (`Metadata: checkov: skip:` with an
`id` and a one-line `comment`). This script fails when checkov reports any failure, when a skip
has no reason, and when a skip no longer hides a finding (checked by scanning a copy of the
template whose skips are switched off): fixed findings must lose their skip.
Run with the checkov venv's interpreter (`make checkov`); checkov is never imported by our code.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CHECKOV = Path(sys.executable).with_name("checkov")
NO_REASON = {"", "No comment provided"}  # what checkov reports for a skip without a comment


def scan(template: Path) -> dict[str, list[dict[str, Any]]]:
    """checkov's CloudFormation results for one file, with no network call (--skip-download)."""
    done = subprocess.run(  # noqa: S603 - our own fixed arguments
        [
            str(CHECKOV),
            "--file",
            str(template),
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # 1: failed checks, read below
        sys.exit(f"checkov crashed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout)
    results: dict[str, list[dict[str, Any]]] = report["results"]
    return results


def key(result: dict[str, Any]) -> str:
    """A result's check and resource, e.g. `CKV_AWS_21 on AWS::S3::Bucket.DataBucket`."""
    return f"{result['check_id']} on {result['resource']}"


def main(template: Path) -> int:
    """Scan, print one summary line and every problem; 1 when there is any problem."""
    results = scan(template)
    problems = [f"parsing error: {error}" for error in results["parsing_errors"]]
    problems += [
        f"FAILED {key(r)}: {r['check_name']} (fix it, or skip it in the template with a reason)"
        for r in results["failed_checks"]
    ]
    skipped = {
        key(r): r["check_result"].get("suppress_comment", "") for r in results["skipped_checks"]
    }
    problems += [f"skip without a reason: {k}" for k, why in skipped.items() if why in NO_REASON]

    with tempfile.TemporaryDirectory() as scratch:
        unskipped = Path(scratch) / template.name
        text = re.sub(r"^(\s+)checkov:$", r"\1checkov-skips-off:", template.read_text(), flags=re.M)
        unskipped.write_text(text)
        would_fail = {key(r) for r in scan(unskipped)["failed_checks"]}
    problems += [f"stale skip, nothing to hide: {k}" for k in sorted(set(skipped) - would_fail)]

    passed = len(results["passed_checks"])
    print(
        f"checkov: {passed} passed, {len(results['failed_checks'])} failed, "
        f"{len(skipped)} skipped on purpose (reasons in {template.name})"
    )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    templates = sys.argv[1:] or ["template.yaml"]
    sys.exit(max([main(Path(name)) for name in templates]))
