"""Redraw assets/report.png, the README's picture of the report: a week of made-up study
sessions and their records in the emulator, the real report, headless Chromium, light look.

Run: `.venv/bin/python -m tests.browser.readme_screenshot [--output assets/report.png]`.
The week is fixed (NOW, a seeded random), so the picture changes only when the page does.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from PIL import Image

from tests.aws_names import REGION
from tests.browser.chromium import chromium, watched_page
from tests.emulator_process import emulator_process

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_795_860_000.0  # Sat 28 Nov 2026 10:00 UTC
# (days ago, start hour UTC, minutes, what ended it): one to two sessions a day
SESSIONS = [
    (6, 16.5, 90, "timer"),
    (5, 9.0, 75, "idle"),
    (5, 19.0, 100, "timer"),
    (4, 20.0, 60, "quit"),
    (3, 21.0, 155, "timer"),
    (2, 15.0, 45, "idle"),
    (2, 17.5, 75, "sleep"),
    (1, 18.0, 115, "idle"),
    (0, 8.5, 60, "timer"),
]


def item(at: int, n: int, rng: random.Random, warm: float) -> dict[str, Any]:
    """One metrics record with the fields the report reads, as the collector names them."""
    return {
        "collection_id": {"S": f"readme-{n:05d}"},
        "record_type": {"S": "metrics"},
        "timestamp": {"N": str(at)},
        "cpu_percent": {"N": f"{3.5 + 5 * warm + rng.uniform(-0.8, 0.8):.1f}"},
        "memory_used_percent": {"N": f"{39 + 2 * warm + rng.uniform(-0.3, 0.3):.1f}"},
        "load_1m": {"N": f"{0.08 + 0.28 * warm + rng.uniform(-0.02, 0.02):.2f}"},
    }


def main() -> int:
    """Fill the emulator, write the report, take the light screenshot, save it small."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output", type=Path, default=ROOT / "assets" / "report.png")
    output = parser.parse_args().output
    with emulator_process() as (url, _proc), tempfile.TemporaryDirectory() as state:
        os.environ.update(
            AWS_ENDPOINT_URL=url,
            AWS_ACCESS_KEY_ID="readme",
            AWS_SECRET_ACCESS_KEY="readme",
            AWS_DEFAULT_REGION=REGION,
            XDG_STATE_HOME=state,
        )
        import boto3  # noqa: PLC0415 - after the environment points it at the emulator

        from tests.template_resources import create_pipeline  # noqa: PLC0415
        from tray_app.app import config  # noqa: PLC0415
        from tray_app.app.state_files import StateFiles, default_state_dir  # noqa: PLC0415
        from tray_app.commands.report_command import write_report  # noqa: PLC0415

        names = create_pipeline(boto3.session.Session(region_name=REGION), REGION)
        table = boto3.client("dynamodb", region_name=REGION)
        files = StateFiles(default_state_dir())
        rng = random.Random(14)
        n = 0
        midnight = NOW - NOW % 86400
        for days_ago, hour, minutes, reason in SESSIONS:
            start = midnight - days_ago * 86400 + hour * 3600
            files.record_session(start, start + minutes * 60, reason, 1)
            for step in range(minutes // 5):  # the schedule: one record per 5 minutes
                warm = min(1.0, step / 4) * (1 - step / (minutes / 5)) ** 0.5
                at = int(start + 150 + 300 * step)
                table.put_item(TableName=names["table"], Item=item(at, n, rng, warm))
                n += 1
        settings = config.load({"region": REGION}, env={})
        page = Path(state) / "report.html"
        write_report(settings, 7, page, now=NOW, tz=UTC)
        with chromium() as browser, watched_page(browser) as tab:
            tab.open(page.as_uri(), "light", width=1000)
            shot = Image.open(io.BytesIO(tab.screenshot())).convert("RGB")
    # 256 colours are plenty for flat bars, lines and text, and a third of the bytes
    shot.quantize(256, method=Image.Quantize.FASTOCTREE).save(output, optimize=True)
    print(
        f"{output}: {shot.width}x{shot.height}, {output.stat().st_size / 1024:.0f} KB, {n} records"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
