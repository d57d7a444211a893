"""Go operations rules."""
