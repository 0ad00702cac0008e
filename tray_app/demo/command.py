"""`pipeline-tray demo`: emulator, our stack, a local Invoke endpoint, the schedule, the tray."""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import threading
import warnings
from typing import TextIO

from tray_app import config, stack_commands, tray_command
from tray_app.demo.invoke_endpoint import InvokeEndpoint
from tray_app.demo.schedule import ScheduleEmulator
from tray_app.gateway.session import AwsSession
from tray_app.gateway.stack import WaitLimits

REGION = "eu-west-1"
PERIOD_SECONDS = 300  # the stack's rate(5 minutes)
SERVICES = ("cloudformation", "events", "lambda", "dynamodb", "s3", "sts", "logs")


def run(out: TextIO, speed: float, terminal: bool, tray: bool = True) -> int:
    """Run the demo until quit (or, without the tray, until a signal)."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 - only the demo needs moto

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.ERROR)
    # moto's CloudFormation skips the bucket policy and the budget (EMULATOR.md); say it once.
    warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
    _isolate_from_real_aws()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    emulator = f"http://{host}:{port}"
    print(f"AWS emulator: {emulator}", file=out, flush=True)
    invoke = InvokeEndpoint(emulator, REGION)
    invoke.start()
    os.environ["AWS_ENDPOINT_URL"] = emulator
    os.environ["AWS_ENDPOINT_URL_LAMBDA"] = invoke.url  # Invoke runs our handler, not moto's
    # Every client of the demo, and its function, run on this machine: one clock, so no grace
    # for clock skew (3 minutes would be 60 schedule periods at the demo's speed).
    os.environ.setdefault("PIPELINE_TRAY_CLOCK_SKEW_SECONDS", "0")
    settings = config.load({}, env=os.environ)
    _assert_local(settings)
    schedule = ScheduleEmulator(emulator, invoke.url, REGION, PERIOD_SECONDS / speed)
    try:
        stack_commands.deploy(settings, out, limits=WaitLimits(delay_seconds=1, max_attempts=60))
        schedule.start()
        print(
            f"demo ready: the schedule fires every {PERIOD_SECONDS / speed:g} s while the rule is "
            f"on; in another terminal: pipeline-tray --endpoint-url {emulator} status",
            file=out,
            flush=True,
        )
        if tray:
            return tray_command.run(settings, out, terminal=terminal)
        _wait_for_signal()
        return 0
    finally:
        schedule.stop()
        invoke.stop()
        server.stop()


def _isolate_from_real_aws() -> None:
    # Fake keys and no profile, so nothing can reach a real account whatever the shell holds.
    for name in list(os.environ):
        if name.startswith("AWS_") or name in {
            "PIPELINE_TRAY_PROFILE",
            "PIPELINE_TRAY_REGION",
            "PIPELINE_TRAY_ENDPOINT_URL",
            "PIPELINE_TRAY_CONFIG",
        }:
            del os.environ[name]
    home = tempfile.mkdtemp(prefix="pipeline-tray-demo-")
    os.environ.update(
        AWS_ACCESS_KEY_ID="demo",
        AWS_SECRET_ACCESS_KEY="demo",  # noqa: S106 - the emulator's fake key, on purpose
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        XDG_CONFIG_HOME=os.path.join(home, "config"),  # the demo's settings are not yours
        XDG_STATE_HOME=os.path.join(home, "state"),  # the demo's history is not yours
    )
    runtime = os.path.join(home, "run")
    os.makedirs(runtime, mode=0o700)
    os.environ["XDG_RUNTIME_DIR"] = runtime  # its own lock: a real tray may be running


def _assert_local(settings: config.Config) -> None:
    aws = AwsSession(settings)
    for service in SERVICES:
        url = str(aws.client(service).meta.endpoint_url)
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the demo's {service} client would reach {url}: refusing to start")


def _wait_for_signal() -> None:
    done = threading.Event()
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: done.set())
    done.wait()
