"""Go API design rules."""
