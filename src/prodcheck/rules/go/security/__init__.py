"""Go security rules."""
