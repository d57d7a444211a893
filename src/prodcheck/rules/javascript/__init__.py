"""JavaScript and TypeScript rules (tree-sitter node rules, file rules and project rules)."""
