"""Python API-contract rules: HTTP semantics and what responses expose."""
