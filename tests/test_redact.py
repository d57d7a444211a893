"""No report prints a secret in full, whichever rule flagged the line."""
from __future__ import annotations

from pathlib import Path

from prodcheck.config import Config
from prodcheck.pipeline import scan
from prodcheck.redact import redact

LIVE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
PASSWORD = "Zq8#kLw2!pR7vX"


def test_known_formats_and_assignments_are_masked() -> None:
    assert LIVE_KEY not in redact(f'STRIPE = "{LIVE_KEY}"')
    masked = redact(f'ENV DB_PASSWORD={PASSWORD}')
    assert PASSWORD not in masked and "****" in masked
    assert redact("FROM python:3.12") == "FROM python:3.12"
    assert redact('password = os.environ["DB_PASSWORD"]') == 'password = os.environ["DB_PASSWORD"]'


def test_snippets_of_other_rules_are_redacted(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12\nENV API_TOKEN={PASSWORD}\n", encoding="utf-8")
    report = scan(tmp_path, Config(use_baseline=False, jobs=1))
    snippets = " ".join(f.location.snippet for f in report.findings)
    assert report.findings and PASSWORD not in snippets


def test_credential_pairs_and_fake_looking_keys_are_masked_but_ordinary_calls_are_not() -> None:
    assert PASSWORD not in redact(f'    auth=("admin", "{PASSWORD}"),')
    assert PASSWORD not in redact(f'session.auth = HTTPBasicAuth("admin", "{PASSWORD}")')
    webhook_secret = "abcdefghijklmnopqrstuvwx"        # fake-looking: no rule reports it, still masked
    assert webhook_secret not in redact(f'post("https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/{webhook_secret}")')
    assert redact('print("admin", "Hello, world")') == 'print("admin", "Hello, world")'
    assert redact('auth=("admin", "")') == 'auth=("admin", "")'
