"""Orders: list, search, create, cancel."""
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from app.db import get_connection
from app.services.payments import charge


class OrderItemIn(BaseModel):
    sku: str
    quantity: int
    unit_price_cents: int


class OrderIn(BaseModel):
    user_id: int
    currency: str
    payment_source: str
    items: list[OrderItemIn]


router = APIRouter()


@router.get("/")
def list_orders():
    conn = get_connection()
    cur = conn.cursor()
    cur.execute("SELECT id, user_id, total_cents, status FROM orders ORDER BY id")
    orders = [dict(zip(("id", "user_id", "total_cents", "status"), row)) for row in cur.fetchall()]
    for order in orders:
        cur.execute("SELECT sku, quantity FROM order_items WHERE order_id = %s", (order["id"],))  # expect: PY-DATA-001
        order["items"] = [{"sku": sku, "quantity": quantity} for sku, quantity in cur.fetchall()]
    conn.close()
    return orders  # expect: GEN-API-101


@router.get("/search")
def search_orders(status: str, limit: int = 50):
    conn = get_connection()
    cur = conn.cursor()
    query = f"SELECT id, user_id, total_cents FROM orders WHERE status = '{status}' LIMIT {limit}"
    cur.execute(query)  # expect: PY-SEC-001
    rows = cur.fetchall()
    conn.close()
    return [{"id": r[0], "user_id": r[1], "total_cents": r[2]} for r in rows]


@router.post("/", status_code=201)
def create_order(order: OrderIn):  # expect: GEN-SEC-120
    total = sum(item.quantity * item.unit_price_cents for item in order.items)
    payment = charge(total, order.currency, order.payment_source)
    conn = get_connection()
    cur = conn.cursor()
    cur.execute(
        "INSERT INTO orders (user_id, total_cents, status, payment_id) VALUES (%s, %s, 'paid', %s) RETURNING id",
        (order.user_id, total, payment["id"]),
    )
    order_id = cur.fetchone()[0]
    for item in order.items:
        cur.execute(
            "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES (%s, %s, %s, %s)",
            (order_id, item.sku, item.quantity, item.unit_price_cents),
        )
    conn.commit()
    conn.close()
    return {"id": order_id, "total_cents": total}


@router.delete("/{order_id}", status_code=204)
def cancel_order(order_id: int):  # expect: GEN-SEC-120
    conn = get_connection()
    cur = conn.cursor()
    cur.execute("DELETE FROM orders WHERE id = %s", (order_id,))
    if cur.rowcount == 0:
        raise HTTPException(status_code=404, detail="order not found")
    conn.commit()
    conn.close()
