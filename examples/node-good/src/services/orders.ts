// Placing an order: record it, charge it, settle it, each step safe to repeat. The payment call
// happens outside any database transaction: the order is committed as `pending` first, then
// charged with an idempotency key, then marked `paid` or `failed`.
import { pool } from '../db';
import { AppError } from '../errors';
import { charge } from './payments';

export interface OrderItemIn {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderIn {
  currency: string;
  paymentSource: string;
  items: OrderItemIn[];
}

export async function placeOrder(userId: number, order: OrderIn, idempotencyKey: string): Promise<number> {
  const existing = await pool.query<{ id: number }>(
    'SELECT id FROM orders WHERE user_id = $1 AND idempotency_key = $2',
    [userId, idempotencyKey],
  );
  if (existing.rows[0]) {
    return existing.rows[0].id;
  }
  const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  const client = await pool.connect();
  let orderId: number;
  try {
    await client.query('BEGIN');
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO orders (user_id, status, currency, total_cents, idempotency_key)
       VALUES ($1, 'pending', $2, $3, $4) RETURNING id`,
      [userId, order.currency, total, idempotencyKey],
    );
    orderId = inserted.rows[0]!.id;
    await client.query(
      `INSERT INTO order_items (order_id, sku, quantity, unit_price_cents)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])`,
      [orderId, order.items.map((i) => i.sku), order.items.map((i) => i.quantity),
        order.items.map((i) => i.unitPriceCents)],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
  try {
    const paymentId = await charge(total, order.currency, order.paymentSource, `order-${orderId}`);
    await pool.query("UPDATE orders SET status = 'paid', payment_id = $2 WHERE id = $1", [orderId, paymentId]);
  } catch (err) {
    if (err instanceof AppError) {
      await pool.query("UPDATE orders SET status = 'failed' WHERE id = $1", [orderId]);
    }
    throw err;
  }
  return orderId;
}
