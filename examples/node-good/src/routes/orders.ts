// Orders of the signed-in user: list (paginated), read, place, delete. Every statement is
// parameterised and scoped to the caller; rejected promises reach the error handler through
// express-async-errors (imported in app.ts).
import { Router } from 'express';
import { z } from 'zod';

import { pool } from '../db';
import { NotFound } from '../errors';
import { requireAuth } from '../middleware/auth';
import { placeOrder } from '../services/orders';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const MAX_OFFSET = 10_000;

const orderIn = z.object({
  currency: z.string().length(3),
  paymentSource: z.string().min(1).max(255),
  items: z.array(z.object({
    sku: z.string().min(1).max(64),
    quantity: z.number().int().min(1).max(1_000),
    unitPriceCents: z.number().int().min(0),
  }).strict()).min(1).max(100),
}).strict();
const idempotencyKey = z.string().min(8).max(64);
const orderId = z.coerce.number().int().positive();

interface OrderRow {
  id: number;
  status: string;
  currency: string;
  total_cents: string;
  created_at: Date;
}

interface ItemRow {
  order_id: number;
  sku: string;
  quantity: number;
  unit_price_cents: string;
}

export const ordersRouter = Router();

ordersRouter.get('/', requireAuth, async (req, res) => { // ok: GEN-API-101, JS-REL-006
  const limit = Math.min(Math.max(Number(req.query.limit) || DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const offset = Math.min(Math.max(Number(req.query.offset) || 0, 0), MAX_OFFSET);
  const { rows: orders } = await pool.query<OrderRow>( // ok: GEN-API-101
    `SELECT id, status, currency, total_cents, created_at FROM orders
     WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [res.locals.userId, limit, offset],
  );
  // the items of the whole page in one query, not one per order
  const { rows: items } = await pool.query<ItemRow>(
    'SELECT order_id, sku, quantity, unit_price_cents FROM order_items WHERE order_id = ANY($1)',
    [orders.map((order) => order.id)],
  );
  const itemsByOrder = new Map<number, ItemRow[]>();
  for (const item of items) {
    itemsByOrder.set(item.order_id, [...(itemsByOrder.get(item.order_id) ?? []), item]);
  }
  res.json({
    items: orders.map((order) => ({ ...order, items: itemsByOrder.get(order.id) ?? [] })),
    page: { limit, offset },
  });
});

ordersRouter.get('/:id', requireAuth, async (req, res) => { // ok: JS-REL-006
  const id = orderId.parse(req.params.id);
  const { rows } = await pool.query<OrderRow>(
    'SELECT id, status, currency, total_cents, created_at FROM orders WHERE id = $1 AND user_id = $2',
    [id, res.locals.userId],
  );
  if (!rows[0]) {
    throw new NotFound('order not found');
  }
  const items = await pool.query<ItemRow>(
    'SELECT order_id, sku, quantity, unit_price_cents FROM order_items WHERE order_id = $1',
    [id],
  );
  res.json({ ...rows[0], items: items.rows });
});

ordersRouter.post('/', requireAuth, async (req, res) => { // ok: GEN-SEC-120, JS-REL-006
  const order = orderIn.parse(req.body);
  const key = idempotencyKey.parse(req.get('Idempotency-Key'));
  const id = await placeOrder(res.locals.userId, order, key);
  res.status(201).location(`${req.baseUrl}/${id}`).json({ id });
});

ordersRouter.delete('/:id', requireAuth, async (req, res) => { // ok: GEN-SEC-120, JS-REL-006
  const id = orderId.parse(req.params.id);
  const result = await pool.query('DELETE FROM orders WHERE id = $1 AND user_id = $2', [id, res.locals.userId]);
  if (result.rowCount === 0) {
    throw new NotFound('order not found');
  }
  res.status(204).end();
});
