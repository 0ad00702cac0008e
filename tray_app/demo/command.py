"""`pipeline-tray demo`: emulator, our stack, a local Invoke endpoint, the schedule, the tray."""

from __future__ import annotations

import importlib.util
import logging
import os
import shlex
import shutil
import signal
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tray_app import APP_NAME
from tray_app.app import config, log_setup
from tray_app.app.preparation import Preparation
from tray_app.app.state_files import default_state_dir
from tray_app.aws.client_session import AwsSession
from tray_app.aws.stack import WaitLimits
from tray_app.commands import stack_command as stack_commands
from tray_app.commands import tray_command
from tray_app.core.errors import PipelineTrayError
from tray_app.core.resolved_config import Config
from tray_app.demo.closed_door import Guard
from tray_app.demo.emulator_server import EmulatorServer
from tray_app.demo.front_door import FrontDoor
from tray_app.demo.invoke_endpoint import InvokeEndpoint
from tray_app.demo.schedule import ScheduleEmulator

REGION = "eu-west-1"
PERIOD_SECONDS = 300  # the stack's rate(5 minutes)
SERVICES = ("cloudformation", "events", "lambda", "dynamodb", "s3", "sts", "logs")


def run(out: TextIO, speed: float, terminal: bool, tray: bool = True) -> int:
    """Run the demo until quit (or, without the tray, until a signal)."""
    if importlib.util.find_spec("moto") is None:
        raise PipelineTrayError(
            "the demo needs the AWS emulator (moto is not installed): "
            "pip install 'pipeline-tray[demo]'"
        )
    home = _isolate_from_real_aws()
    # the demo's log goes with the rest of its state, into its own folder
    log_setup.configure(default_state_dir(), verbose=log_setup.is_verbose())
    door = FrontDoor(Guard())  # its URL is known at once; the servers behind it start meanwhile
    door.start()
    print(f"AWS emulator: {door.url}", file=out, flush=True)
    os.environ["AWS_ENDPOINT_URL"] = door.url  # Invoke runs our handler, the rest is moto
    # Every client of the demo, and its function, run on this machine: one clock, so no grace
    # for clock skew (3 minutes would be 60 schedule periods at the demo's speed).
    os.environ.setdefault("PIPELINE_TRAY_CLOCK_SKEW_SECONDS", "0")
    settings = config.load({}, env=os.environ)
    _assert_local(settings)
    backend = Backend(door, settings, out, PERIOD_SECONDS / speed)
    try:
        if tray:
            # the panel or icon shows at once; the session loop starts once the stack is up
            work = Preparation(backend.start, "Deploying the stack to the emulator…")
            return tray_command.run(settings, out, terminal=terminal, prepare=work)
        stopped = _signal_event()  # before the start: a signal during the deploy still cleans up
        backend.start()
        stopped.wait()
        return 0
    finally:
        backend.stop()
        door.stop()
        shutil.rmtree(home, ignore_errors=True)


class Backend:
    """The emulator, the local Invoke endpoint, our deployed stack and the schedule."""

    def __init__(self, door: FrontDoor, settings: Config, out: TextIO, period: float) -> None:
        self.door, self.settings, self.out, self.period = door, settings, out, period
        self._stops: list[Callable[[], None]] = []

    def start(self) -> None:
        """Start the emulator and the Invoke endpoint behind the door, deploy, then schedule."""
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        logging.getLogger("moto").setLevel(logging.ERROR)
        # moto's CloudFormation skips the bucket policy and the budget (docs/emulator.md)
        warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
        server = EmulatorServer(self.door.guard)  # serves the door only (closed_door.py)
        server.start()
        self._stops.append(server.stop)
        # every client of the demo, ours too, goes through the door: the servers behind it
        # serve no one else
        emulator = self.door.url
        invoke = InvokeEndpoint(emulator, REGION, self.door.guard)
        invoke.start()
        self._stops.append(invoke.stop)
        self.door.connect(server.url, invoke.url)
        limits = WaitLimits(delay_seconds=1, max_attempts=60)
        stack_commands.deploy(self.settings, self.out, limits=limits)
        schedule = ScheduleEmulator(emulator, emulator, REGION, self.period)  # Invoke: the door
        schedule.start()
        self._stops.append(schedule.stop)
        print(
            f"demo ready: the schedule fires every {self.period:g} s while the rule is on",
            file=self.out,
            flush=True,
        )
        print(second_terminal(self.door.url), file=self.out, flush=True)

    def stop(self) -> None:
        """Stop what was started, newest first."""
        for stop in reversed(self._stops):
            stop()
        self._stops.clear()


def second_terminal(url: str) -> str:
    """What a second terminal pastes to follow along: no AWS account or credentials needed."""
    found = shutil.which(APP_NAME)
    same = found is not None and Path(found).resolve().parent == Path(sys.executable).parent
    command = APP_NAME if same else f"{shlex.quote(sys.executable)} -m tray_app"
    return (
        "in another terminal, paste:\n"
        f"  export AWS_ENDPOINT_URL={url} AWS_REGION={REGION} AWS_DEFAULT_REGION={REGION} "
        "AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo PIPELINE_TRAY_CLOCK_SKEW_SECONDS=0\n"
        f"  {command} status      # also start, stop, invoke, latest; "
        # --endpoint-url: AWS CLIs before 2.13 (Debian 12's 2.9) ignore AWS_ENDPOINT_URL
        'or the AWS CLI: aws --endpoint-url "$AWS_ENDPOINT_URL" lambda invoke '
        "--function-name data-collector out.json"
    )


def _isolate_from_real_aws() -> str:
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
    return home


def _assert_local(settings: Config) -> None:
    aws = AwsSession(settings)
    for service in SERVICES:
        url = str(aws.client(service).meta.endpoint_url)
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the demo's {service} client would reach {url}: refusing to start")


def _signal_event() -> threading.Event:
    """An event that SIGTERM, SIGINT or SIGHUP sets, instead of ending the process at once."""
    done = threading.Event()
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: done.set())
    return done
