"""Go performance rules."""
