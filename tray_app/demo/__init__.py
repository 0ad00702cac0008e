"""`pipeline-tray demo`: the whole system on an embedded AWS emulator. Not used by the product."""
