"""Rules: one small module per rule, each exposing `RULE`; the catalog finds them."""
