"""Per-file fact extractors, one module per concern, each exposing `EXTRACTOR`."""
