"""Go rules (tree-sitter node rules and project rules over the Go facts)."""
