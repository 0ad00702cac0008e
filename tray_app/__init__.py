"""pipeline-tray: keep a study project's AWS pipeline at $0 unless its owner is studying."""

APP_NAME = "pipeline-tray"
