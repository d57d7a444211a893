"""Python operations rules."""
