// Orders: list, search, create, cancel.
import { Router } from 'express';

import { pool } from '../db';
import { charge } from '../services/payments';

interface OrderItemIn {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export const ordersRouter = Router();

ordersRouter.get('/', async (req, res) => {  // expect: JS-REL-006
  const { rows: orders } = await pool.query('SELECT id, user_id, total_cents, status FROM orders ORDER BY id');  // expect: GEN-API-101, JS-DATA-004
  for (const order of orders) {
    const items = await pool.query('SELECT sku, quantity FROM order_items WHERE order_id = $1', [order.id]);  // expect: JS-DATA-001
    order.items = items.rows;
  }
  res.json(orders);
});

ordersRouter.get('/search', async (req, res) => {  // expect: JS-REL-006
  // SQL injection: the status comes straight from the query string into the statement.
  const { rows } = await pool.query(  // expect: JS-SEC-001
    `SELECT id, user_id, total_cents FROM orders WHERE status = '${req.query.status}' LIMIT 50`,
  );
  res.json(rows);
});

ordersRouter.post('/', async (req, res) => {  // expect: GEN-SEC-120, JS-REL-006
  const items: OrderItemIn[] = req.body.items;
  const total = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  const paymentId = await charge(total, req.body.currency, req.body.paymentSource);
  const { rows } = await pool.query(
    "INSERT INTO orders (user_id, total_cents, status, payment_id) VALUES ($1, $2, 'paid', $3) RETURNING id",
    [req.body.userId, total, paymentId],
  );
  for (const item of items) {
    await pool.query(  // expect: JS-DATA-002
      'INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)',
      [rows[0].id, item.sku, item.quantity, item.unitPriceCents],
    );
  }
  console.log('order created', rows[0].id);  // expect: JS-OBS-001
  res.status(201).json({ id: rows[0].id, totalCents: total });
});

ordersRouter.delete('/:id', async (req, res) => {  // expect: GEN-SEC-120, JS-REL-006
  const result = await pool.query('DELETE FROM orders WHERE id = $1', [req.params.id]);
  if (result.rowCount === 0) {
    res.status(404).json({ error: 'order not found' });
    return;
  }
  res.status(204).end();
});
