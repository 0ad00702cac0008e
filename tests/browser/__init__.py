"""Pages rendered in a real headless Chromium, driven over the DevTools protocol."""
