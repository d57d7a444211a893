"""Python performance rules."""
