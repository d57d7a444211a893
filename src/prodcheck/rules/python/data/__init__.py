"""Python data-access rules: queries, transactions, ORM usage."""
