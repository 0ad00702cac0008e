"""`pipeline-tray report` end to end: the stack in the emulator, sessions through real `start`
and `stop` processes, records landed through the Lambda handler at known times, and the numbers
on the page checked against the items and the history."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from collector.container import Container
from data_collector import handle

from tests.aws_names import REGION
from tests.lambda_context import LambdaContext

pytestmark = pytest.mark.functional


def cli(endpoint: str, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tray_app", "--endpoint-url", endpoint, "--region", REGION, *args],
        env={**os.environ, "XDG_STATE_HOME": str(state)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def land(container: Container, at: float, n: int) -> None:
    """One scheduled collection at `at`, as the rule delivers it (its own id and time)."""
    event = {"time": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "id": f"e{n}"}
    result = handle(event, LambdaContext(aws_request_id=f"r{n}"), container, now=time.time())
    assert result["statusCode"] == 200, result


def attr(page: str, element_id: str, name: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*\b{name}="([^"]*)"', page)
    assert found, (element_id, name)
    return found.group(1)


def chart(page: str, chart_id: str) -> str:
    found = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', page, re.S)
    assert found, chart_id
    return found.group(0)


@pytest.fixture
def handler(stack: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Container:
    for name, value in {
        "S3_BUCKET": stack["bucket"],
        "DYNAMODB_TABLE": stack["table"],
        "REGION": REGION,
        "RULE_NAME": stack["rule"],
    }.items():
        monkeypatch.setenv(name, value)
    return Container()


def test_the_page_counts_what_the_table_and_the_history_hold(
    endpoint: str, handler: Container, tmp_path: Path
) -> None:
    now = time.time()
    times = [now - 600 * k for k in range(5, 0, -1)]  # the last 50 minutes, oldest first
    for session, batch in enumerate((times[:3], times[3:])):
        assert cli(endpoint, tmp_path, "start", "--minutes", "30").returncode == 0
        for n, at in enumerate(batch):
            land(handler, at, 10 * session + n)
        done = cli(endpoint, tmp_path, "stop")
        assert done.returncode == 0, done.stderr
    history = [
        json.loads(line)
        for line in (tmp_path / "pipeline-tray" / "history.jsonl").read_text().splitlines()
    ]
    assert [e["reason"] for e in history] == ["user", "user"]

    out = tmp_path / "week.html"
    done = cli(endpoint, tmp_path, "report", "--days", "7", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"report: {out} (2 sessions, 5 metrics records, ")
    page = out.read_text()

    assert attr(page, "record-count", "data-count") == "5"
    assert attr(page, "session-count", "data-count") == "2"
    studied = sum(e["end"] - e["start"] for e in history)
    assert float(attr(page, "study-total", "data-seconds")) == pytest.approx(studied, abs=1)
    cost = sum(e["estimated_cost_usd"] for e in history)
    assert float(attr(page, "cost-total", "data-usd")) == pytest.approx(cost, abs=1e-8)
    bars = re.findall(
        r'<rect class="day-bar" data-day="([\d-]+)" data-seconds="(\d+)" '
        r'data-sessions="(\d+)"',
        chart(page, "study-chart"),
    )
    assert len(bars) == 7
    today = datetime.fromtimestamp(now).astimezone().date().isoformat()
    by_day = {day: (int(seconds), int(count)) for day, seconds, count in bars}
    assert by_day[today][1] == 2 and sum(c for _, c in by_day.values()) == 2
    for chart_id in ("metric-cpu", "metric-memory", "metric-load"):
        drawn = chart(page, chart_id)
        path = re.search(r'<path class="series" data-points="(\d+)" d="([^"]*)"', drawn)
        assert path and path.group(1) == "5"
        assert len(re.findall(r"-?[\d.]+,-?[\d.]+", path.group(2))) == 5
        assert drawn.count('<rect class="band"') == 2
    # nothing that could make a request: no URL in any src or href, no script
    assert not re.search(r"""(src|href)\s*=|<script|@import|url\(""", page)


def test_a_missing_table_and_bucket_give_a_page_with_the_deploy_hint(
    endpoint: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    done = cli(endpoint, tmp_path, "report", "--output", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    # No table of ours: the files are read instead, and the bucket is missing too.
    assert "bucket infra-monitoring-pipeline-data in eu-west-1 not found" in page
    assert "No study sessions in these days yet" in page
    assert attr(page, "record-count", "data-count") == "0"


def test_no_records_yet_says_when_the_collector_runs(
    endpoint: str, stack: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    assert cli(endpoint, tmp_path, "report", "--days", "1", "--output", str(out)).returncode == 0
    page = out.read_text()
    assert "No metrics records in these days: the collector runs only while" in page
    assert len(re.findall(r'class="day-bar"', page)) == 1


@pytest.mark.parametrize("days", ["0", "32", "seven"])
def test_a_wrong_number_of_days_is_a_usage_error(endpoint: str, tmp_path: Path, days: str) -> None:
    done = cli(endpoint, tmp_path, "report", "--days", days)
    assert done.returncode == 2
    assert "--days: must be a whole number of days, from 1 to 31" in done.stderr
