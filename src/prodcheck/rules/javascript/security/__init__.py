"""JS/TS security rules."""
