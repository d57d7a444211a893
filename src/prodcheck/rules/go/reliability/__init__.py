"""Go reliability rules: outbound and server timeouts, ignored errors, graceful shutdown."""
