"""Python reliability rules: timeouts, retries, error handling."""
