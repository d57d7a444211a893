"""Placing an order: record it, charge it, settle it, each step safe to repeat.

The payment call happens outside any database transaction: the order is committed as `pending`
first, then charged with the client's Idempotency-Key, then marked `paid` or `failed`.
"""
import structlog
from psycopg2.errors import UniqueViolation
from psycopg2.extensions import connection as Connection

from app.errors import AppError, NotFound
from app.repositories import orders as orders_repo
from app.schemas import OrderIn, OrderStatus
from app.services.payments import PaymentsClient

log = structlog.get_logger(__name__)


def place_order(conn: Connection, payments: PaymentsClient, user_id: int, order: OrderIn,
                idempotency_key: str) -> dict:
    existing = orders_repo.find_by_idempotency_key(conn, user_id, idempotency_key)
    if existing is not None:
        return existing
    total_cents = sum(item.quantity * item.unit_price_cents for item in order.items)
    try:
        order_id = orders_repo.insert_pending(conn, user_id, order, total_cents, idempotency_key)
    except UniqueViolation:
        # a concurrent request with the same key won the race: answer with its order
        return orders_repo.find_by_idempotency_key(conn, user_id, idempotency_key)
    try:
        payment_id = payments.charge(total_cents, order.currency, order.payment_source,
                                     idempotency_key=f"order-{order_id}")
    except AppError:
        orders_repo.set_status(conn, order_id, OrderStatus.FAILED, None)
        raise
    orders_repo.set_status(conn, order_id, OrderStatus.PAID, payment_id)
    log.info("order placed", order_id=order_id, user_id=user_id, total_cents=total_cents)
    return get_order(conn, user_id, order_id)


def get_order(conn: Connection, user_id: int, order_id: int) -> dict:
    order = orders_repo.get_for_user(conn, user_id, order_id)
    if order is None:
        raise NotFound("order not found")
    return order
