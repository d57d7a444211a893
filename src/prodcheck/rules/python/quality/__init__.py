"""Python code quality rules."""
