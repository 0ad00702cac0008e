"""Pages rendered in Debian's headless Chromium, driven by Playwright."""
