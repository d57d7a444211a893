"""Go data-access rules."""
