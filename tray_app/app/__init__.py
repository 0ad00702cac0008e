"""The running app: the runner and executor around the core, the views' facts, config, state."""
