"""Go observability rules."""
