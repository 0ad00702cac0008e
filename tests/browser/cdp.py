"""Headless Chromium driven over the Chrome DevTools Protocol on a pipe (--remote-debugging-pipe:
Chromium reads NUL-terminated JSON commands on fd 3 and writes on fd 4), standard library only.

It records what a page does: console messages, exceptions, log entries and every network
request, so that a test can say "none" and mean it. Every wait is bounded (WAIT_SECONDS).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.browser.page_scripts import EXEC_ON_FDS_3_AND_4, REFERENCES

CHROMIUM = "/usr/lib/chromium/chromium"  # the binary; /usr/bin/chromium's wrapper chatters
FLAGS = (  # this machine's notes: without the background flags Chromium dials out by itself
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
WAIT_SECONDS = 30.0


class Browser:
    """One Chromium process and one page in it."""

    def __init__(
        self, proc: subprocess.Popen[bytes], to_chrome: int, from_chrome: int, log: Path
    ) -> None:
        self._proc = proc
        self._out = to_chrome
        self._in = from_chrome
        self._log = log
        self._next = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []  # every event, in order
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = ""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._in, 65536):
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        waiting = self._replies.get(message["id"])
                    if waiting is not None:
                        waiting.put(message)
                else:
                    self.events.append(message)

    def _gone(self) -> str:
        """Why Chromium stopped answering: its exit code and the end of its stderr."""
        code = self._proc.poll()
        if code is None:
            return f"Chromium did not answer in {WAIT_SECONDS} s"
        tail = self._log.read_text(errors="replace").splitlines()[-5:]
        return f"Chromium exited with {code}: {' / '.join(tail)}"

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command (to the page once attached) and return its result."""
        with self._lock:
            self._next += 1
            ident = self._next
            answer: queue.Queue[dict[str, Any]] = queue.Queue()
            self._replies[ident] = answer
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        try:
            os.write(self._out, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise AssertionError(f"{method}: {self._gone()}") from None
        end = time.monotonic() + WAIT_SECONDS
        # short slices, so a Chromium that died is reported now, not after WAIT_SECONDS
        while True:
            with contextlib.suppress(queue.Empty):
                reply = answer.get(timeout=0.2)
                break
            if self._proc.poll() is not None or time.monotonic() > end:
                raise AssertionError(f"{method}: {self._gone()}")
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait_event(self, method: str, after: int) -> dict[str, Any]:
        """The first `method` event among those that came after cursor `after`."""
        end = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < end:
            for event in self.events[after:]:
                if event.get("method") == method:
                    return event
            if self._proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {method} event: {self._gone()}")

    def open(self, url: str, scheme: str, width: int = 1000) -> None:
        """Load `url` at `width` CSS pixels with prefers-color-scheme `scheme`; wait for load."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=800,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call(
            "Emulation.setEmulatedMedia",
            features=[{"name": "prefers-color-scheme", "value": scheme}],
        )
        cursor = len(self.events)
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired", cursor)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """The whole page as PNG, at one device pixel per CSS pixel."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.call(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        return base64.b64decode(shot["data"])

    def boxes(self, selector: str) -> dict[str, tuple[int, int, int, int]]:
        """Each element matching `selector`, by id: (left, top, right, bottom) in page pixels."""
        found = self.evaluate(
            f"Object.fromEntries([...document.querySelectorAll({json.dumps(selector)})].map("
            "e => { const r = e.getBoundingClientRect(); return [e.id, [r.left + scrollX, "
            "r.top + scrollY, r.right + scrollX, r.bottom + scrollY].map(Math.round)]; }))"
        )
        return {name: (box[0], box[1], box[2], box[3]) for name, box in found.items()}

    def references(self) -> list[str]:
        """Every URL the loaded page refers to in its markup or CSS, data: URLs included."""
        found: list[str] = self.evaluate(REFERENCES)
        return found

    def problems(self) -> list[str]:
        """Console messages, uncaught exceptions and log entries of level warning or worse."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                found.append(f"console.{params.get('type')}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                found.append(f"exception: {text}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("warning", "error"):
                found.append(f"log: {params['entry'].get('text')}")
        return found

    def requests(self) -> list[str]:
        """The URL of every request the page made (the document itself included)."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        """Close the browser and wait for it; kill it if it does not go."""
        with contextlib.suppress(OSError):  # already gone
            os.write(self._out, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)


def _high_fd(fd: int) -> int:
    """A copy of `fd` numbered 5 or more (the original is closed), not inherited by default."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return high


def _reap_group(group: int) -> None:
    """Wait for the helpers left in Chromium's process group to exit; kill any that stay."""
    end = time.monotonic() + 10
    try:
        while time.monotonic() < end:
            os.killpg(group, 0)  # raises once the group is empty
            time.sleep(0.05)
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        return


@contextmanager
def chromium() -> Iterator[Browser]:
    """A fresh headless Chromium with a throw-away profile; always stopped and removed."""
    profile = Path(tempfile.mkdtemp(prefix="pipeline-tray-chromium-"))
    log = profile.parent / f"{profile.name}.log"  # beside the profile: Chromium owns that dir
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    commands, answers = _high_fd(to_chrome_r), _high_fd(from_chrome_w)
    browser: Browser | None = None
    try:
        with log.open("wb") as stderr:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    EXEC_ON_FDS_3_AND_4,
                    str(commands),
                    str(answers),
                    CHROMIUM,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                pass_fds=(commands, answers),
                start_new_session=True,  # its renderers and zygotes share its process group
            )
        # Chromium holds its own copies now; ours must go, or we never see it close the pipe.
        os.close(commands)
        os.close(answers)
        commands = answers = -1
        try:
            browser = Browser(proc, to_chrome_w, from_chrome_r, log)
            yield browser
        finally:
            if browser is not None:
                browser.close()
            else:
                proc.kill()
                proc.wait(timeout=10)
            _reap_group(proc.pid)
    finally:
        for fd in (commands, answers, to_chrome_w, from_chrome_r):
            if fd >= 0:
                os.close(fd)
        shutil.rmtree(profile, ignore_errors=True)
        log.unlink(missing_ok=True)
