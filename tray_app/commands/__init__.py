"""The command line: one module per command group, wiring the layers together."""
