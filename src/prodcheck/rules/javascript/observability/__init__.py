"""JS/TS logging and monitoring rules."""
