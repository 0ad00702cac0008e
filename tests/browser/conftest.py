"""The browser tests' fixtures: Chromium once per module, a fresh watched page per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.chromium import WatchedPage, chromium, require_chromium, watched_page


# Per module, not per session: Playwright's sync API marks the thread's asyncio loop as running
# while it is started, which would break asyncio.run() in any later test of the session.
@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the module's tests and closed after them."""
    require_chromium()
    with chromium() as browser:
        yield browser


@pytest.fixture
def watched(chromium_browser: Browser) -> Iterator[WatchedPage]:
    """A page of its own for one test, recording its console, errors and requests."""
    with watched_page(chromium_browser) as page:
        yield page
