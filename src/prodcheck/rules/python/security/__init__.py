"""Python security rules (PY-SEC-*). The taint rules (one per sink kind) are declared through
`taint_rule.python_taint_rule`."""
