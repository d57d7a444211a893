from datetime import datetime, timezone

from app.repositories import orders as orders_repo

ORDER = {"currency": "eur", "payment_source": "tok_visa",
         "items": [{"sku": "BOOK-1", "quantity": 2, "unit_price_cents": 1500}]}
STORED = {"id": 41, "status": "paid", "currency": "eur", "total_cents": 3000,
          "created_at": datetime(2024, 5, 1, tzinfo=timezone.utc),
          "items": [{"sku": "BOOK-1", "quantity": 2, "unit_price_cents": 1500}]}


def test_liveness_needs_no_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["X-Request-ID"]


def test_mutations_require_a_token(client):
    assert client.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "k" * 16}).status_code == 401
    assert client.delete("/api/v1/orders/41").status_code == 401


def test_page_size_is_capped(client, auth_headers):
    response = client.get("/api/v1/orders?limit=1000", headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_orders_of_other_users_are_not_found(client, auth_headers, monkeypatch):
    monkeypatch.setattr(orders_repo, "get_for_user", lambda conn, user_id, order_id: None)
    response = client.get("/api/v1/orders/41", headers=auth_headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_repeating_a_create_returns_the_first_order(client, auth_headers, payments, monkeypatch):
    monkeypatch.setattr(orders_repo, "find_by_idempotency_key", lambda conn, user_id, key: STORED)
    headers = {**auth_headers, "Idempotency-Key": "order-key-0001"}
    response = client.post("/api/v1/orders", json=ORDER, headers=headers)
    assert response.status_code == 201
    assert response.json()["id"] == 41
    assert payments.charges == []


def test_login_checks_the_password(client, monkeypatch):
    from app.auth import hash_password
    from app.repositories import users as users_repo

    stored = (7, hash_password("correct horse battery"))
    monkeypatch.setattr(users_repo, "find_credentials", lambda conn, email: stored)
    good = client.post("/api/v1/users/login", json={"email": "a@example.com", "password": "correct horse battery"})
    bad = client.post("/api/v1/users/login", json={"email": "a@example.com", "password": "wrong horse battery"})
    assert good.status_code == 200 and good.json()["token_type"] == "bearer"
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
