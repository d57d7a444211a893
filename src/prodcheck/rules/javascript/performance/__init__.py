"""JS/TS performance rules."""
