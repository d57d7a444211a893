"""Committed secrets, language-independent: known key formats, literals assigned to secret-ish
names, and secret files (.env, private keys) present in the tree."""
