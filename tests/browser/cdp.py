"""Headless Chromium driven over the Chrome DevTools Protocol on a pipe (--remote-debugging-pipe:
Chromium reads NUL-terminated JSON commands on fd 3 and writes on fd 4), standard library only.

It records what a page does: console messages, exceptions, log entries and every network
request, so that a test can say "none" and mean it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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

    def __init__(self, proc: subprocess.Popen[bytes], to_chrome: int, from_chrome: int) -> None:
        self._proc = proc
        self._out = to_chrome
        self._in = from_chrome
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
        os.write(self._out, json.dumps(message).encode() + b"\0")
        try:
            reply = answer.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise AssertionError(f"Chromium did not answer {method} in {WAIT_SECONDS} s") from None
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
            time.sleep(0.05)
        raise AssertionError(f"no {method} event in {WAIT_SECONDS} s")

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
        """The whole page as PNG."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.call(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        return base64.b64decode(shot["data"])

    def problems(self) -> list[str]:
        """Console messages, uncaught exceptions and log entries of level warning or worse."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                found.append(f"console.{params.get('type')}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
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
        """Close the browser and wait for it."""
        with contextlib.suppress(OSError):  # already gone
            os.write(self._out, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A fresh headless Chromium with a throw-away profile; always stopped and removed."""
    profile = tempfile.mkdtemp(prefix="pipeline-tray-chromium-")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    # Chromium wants its ends on fds 3 (commands in) and 4 (answers out).
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(3, 4),
        preexec_fn=lambda: (os.dup2(to_chrome_r, 3), os.dup2(from_chrome_w, 4)),  # noqa: PLW1509
    )
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    browser: Browser | None = None
    try:
        browser = Browser(proc, to_chrome_w, from_chrome_r)
        yield browser
    finally:
        if browser is not None:
            browser.close()
        else:
            proc.kill()
            proc.wait(timeout=10)
        os.close(to_chrome_w)
        os.close(from_chrome_r)
        shutil.rmtree(profile, ignore_errors=True)
