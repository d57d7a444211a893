"""JS/TS reliability rules: timeouts, error handling, crash safety."""
