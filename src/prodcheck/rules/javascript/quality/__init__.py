"""JS/TS code quality rules."""
