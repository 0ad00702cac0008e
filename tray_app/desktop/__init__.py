"""What talks to the desktop: tray icon, terminal panel, notifiers, idle, power, lock, autostart."""
