"""JS/TS API design rules."""
