"""Python rules (PY-*): node rules over the standard library's `ast`, one module per rule."""
