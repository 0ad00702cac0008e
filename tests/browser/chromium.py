"""Debian's Chromium, headless, driven by Playwright (never Playwright's own browser download).

A `WatchedPage` records what its page does: console messages (Chromium's log entries such as
"Failed to load resource" arrive as console messages too), uncaught exceptions and every request,
so that a test can say "none" and mean it. Playwright bounds every wait (30 s by default).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Request, sync_playwright

from tests.required_tools import unavailable

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright's defaults keep it off the network
SCHEMES: dict[str, Literal["light", "dark"]] = {"light": "light", "dark": "dark"}
# Every URL the page itself refers to, whatever its scheme (data: included, which Chromium does
# not report as a request): element attributes, and url()/@import in its style sheets.
REFERENCES = """(() => {
  const found = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action']) {
      if (e.hasAttribute(a)) found.push(`${e.tagName.toLowerCase()} ${a}=${e.getAttribute(a)}`);
    }
  }
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (/url\\(|@import/.test(rule.cssText)) found.push(`css ${rule.cssText.slice(0, 200)}`);
    }
  }
  for (const e of document.querySelectorAll('[style]')) {
    if (/url\\(/.test(e.getAttribute('style'))) found.push(`style ${e.getAttribute('style')}`);
  }
  return found;
})()"""
# Each element's box in page pixels (the viewport's box plus the scroll), by element id.
BOXES = """selector => Object.fromEntries([...document.querySelectorAll(selector)].map(e => {
  const r = e.getBoundingClientRect();
  return [e.id, [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]
    .map(Math.round)];
}))"""


def require_chromium() -> None:
    """Skip on a laptop without Chromium; fail under CI, which must install it."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} missing (apt-get install chromium)")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, with a throw-away profile; always closed."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            browser.close()


class WatchedPage:
    """One page of a browser, with everything it logged, threw and requested since it opened."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._problems: list[str] = []
        self._requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._error)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        self._problems.append(f"console.{message.type}: {message.text}")

    def _error(self, error: Error) -> None:
        self._problems.append(f"exception: {error.name}: {error.message}")

    def _request(self, request: Request) -> None:
        self._requests.append(request.url)

    def open(self, url: str, scheme: str, width: int = 1000) -> None:
        """Load `url` at `width` CSS pixels with prefers-color-scheme `scheme`; wait for load."""
        self.page.set_viewport_size({"width": width, "height": 800})
        self.page.emulate_media(color_scheme=SCHEMES[scheme])
        self.page.goto(url, wait_until="load")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        return self.page.evaluate(expression)

    def screenshot(self) -> bytes:
        """The whole page as PNG, at one device pixel per CSS pixel (the context's scale)."""
        return self.page.screenshot(full_page=True)

    def boxes(self, selector: str) -> dict[str, tuple[int, int, int, int]]:
        """Each element matching `selector`, by id: (left, top, right, bottom) in page pixels."""
        found: dict[str, list[int]] = self.page.evaluate(BOXES, selector)
        return {name: (box[0], box[1], box[2], box[3]) for name, box in found.items()}

    def references(self) -> list[str]:
        """Every URL the loaded page refers to in its markup or CSS, data: URLs included."""
        found: list[str] = self.page.evaluate(REFERENCES)
        return found

    def problems(self) -> list[str]:
        """Every console message (Chromium's own log entries among them) and uncaught exception."""
        return list(self._problems)

    def requests(self) -> list[str]:
        """The URL of every request the page made (the document itself included)."""
        return list(self._requests)


@contextmanager
def watched_page(browser: Browser) -> Iterator[WatchedPage]:
    """A fresh context and page at one device pixel per CSS pixel; the context closed after."""
    context = browser.new_context(viewport={"width": 1000, "height": 800}, device_scale_factor=1)
    try:
        yield WatchedPage(context.new_page())
    finally:
        context.close()
