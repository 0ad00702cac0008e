"""The data-collector's parts: sampling, event parsing, record building and the writes."""
