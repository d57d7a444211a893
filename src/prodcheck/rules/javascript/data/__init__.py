"""JS/TS data access rules."""
