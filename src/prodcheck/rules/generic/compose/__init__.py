"""Rules for docker compose files."""
