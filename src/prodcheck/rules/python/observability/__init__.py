"""Python observability rules."""
