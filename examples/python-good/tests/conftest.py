"""Test set-up: configuration from the environment, no real database or payment provider.

The application reads its settings when it is imported, so the environment is filled first and
the application is imported inside the fixtures.
"""
import os
import secrets

import pytest
from fastapi.testclient import TestClient

os.environ.setdefault("ORDERS_DATABASE_URL", "postgresql://localhost:5432/orders_test")
os.environ.setdefault("ORDERS_STRIPE_API_KEY", secrets.token_urlsafe(24))
os.environ.setdefault("ORDERS_JWT_SECRET", secrets.token_urlsafe(48))


class FakePayments:
    def __init__(self) -> None:
        self.charges: list[tuple[int, str]] = []

    def charge(self, amount_cents: int, currency: str, source: str, idempotency_key: str) -> str:
        self.charges.append((amount_cents, idempotency_key))
        return f"ch_{len(self.charges)}"


@pytest.fixture
def payments() -> FakePayments:
    return FakePayments()


@pytest.fixture
def client(payments: FakePayments):
    from app.db import get_db
    from app.main import app

    app.dependency_overrides[get_db] = lambda: None
    app.state.payments = payments
    yield TestClient(app)
    app.dependency_overrides.clear()


@pytest.fixture
def auth_headers() -> dict[str, str]:
    from app.auth import issue_token
    from app.settings import get_settings

    return {"Authorization": f"Bearer {issue_token(7, get_settings())}"}
