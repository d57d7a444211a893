"""SQL for orders. Every statement is parameterised; every read is scoped to its owner."""
from collections import defaultdict

from psycopg2.extensions import connection as Connection

from app.schemas import OrderIn, OrderStatus

def _with_items(conn: Connection, rows: list[tuple]) -> list[dict]:
    """Attach the items of all `rows` with one query (no query per order)."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    items: dict[int, list[dict]] = defaultdict(list)
    with conn, conn.cursor() as cur:
        cur.execute(  # ok: PY-DATA-001
            "SELECT order_id, sku, quantity, unit_price_cents FROM order_items"
            " WHERE order_id = ANY(%s) ORDER BY order_id, id",
            (ids,),
        )
        for order_id, sku, quantity, unit_price_cents in cur.fetchall():
            items[order_id].append({"sku": sku, "quantity": quantity,
                                    "unit_price_cents": unit_price_cents})
    return [{"id": order_id, "status": status, "currency": currency, "total_cents": total_cents,
             "created_at": created_at, "items": items[order_id]}
            for order_id, status, currency, total_cents, created_at in rows]


def list_for_user(conn: Connection, user_id: int, status: OrderStatus | None,
                  limit: int, offset: int) -> list[dict]:
    with conn, conn.cursor() as cur:
        cur.execute(  # ok: PY-SEC-001
            "SELECT id, status, currency, total_cents, created_at FROM orders"
            " WHERE user_id = %s AND (%s::text IS NULL OR status = %s)"
            " ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s",
            (user_id, status and status.value, status and status.value, limit, offset),
        )
        rows = cur.fetchall()
    return _with_items(conn, rows)


def get_for_user(conn: Connection, user_id: int, order_id: int) -> dict | None:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT id, status, currency, total_cents, created_at FROM orders"
                    " WHERE id = %s AND user_id = %s", (order_id, user_id))
        row = cur.fetchone()
    return _with_items(conn, [row])[0] if row else None


def find_by_idempotency_key(conn: Connection, user_id: int, key: str) -> dict | None:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT id, status, currency, total_cents, created_at FROM orders"
                    " WHERE user_id = %s AND idempotency_key = %s", (user_id, key))
        row = cur.fetchone()
    return _with_items(conn, [row])[0] if row else None


def insert_pending(conn: Connection, user_id: int, order: OrderIn, total_cents: int,
                   idempotency_key: str) -> int:
    """The order and its items in one transaction; the unique (user_id, idempotency_key) index
    turns a concurrent duplicate into a UniqueViolation instead of a second order."""
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (user_id, status, currency, total_cents, idempotency_key)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (user_id, OrderStatus.PENDING.value, order.currency, total_cents, idempotency_key),
        )
        order_id = cur.fetchone()[0]
        cur.executemany(
            "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES (%s, %s, %s, %s)",
            [(order_id, item.sku, item.quantity, item.unit_price_cents) for item in order.items],
        )
    return order_id


def set_status(conn: Connection, order_id: int, status: OrderStatus, payment_id: str | None) -> None:
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE orders SET status = %s, payment_id = %s WHERE id = %s",
                    (status.value, payment_id, order_id))


def delete_for_user(conn: Connection, user_id: int, order_id: int) -> None:
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM orders WHERE id = %s AND user_id = %s", (order_id, user_id))
