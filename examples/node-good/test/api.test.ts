// API tests without a database or payment provider: what is refused before any query runs.
import { randomBytes } from 'node:crypto';

import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';

let app: Express;

beforeAll(async () => {
  process.env.DATABASE_URL ??= 'postgres://localhost:5432/orders_test';
  process.env.STRIPE_API_KEY ??= randomBytes(24).toString('hex');
  process.env.JWT_SECRET ??= randomBytes(48).toString('hex');
  process.env.LOG_LEVEL ??= 'fatal';
  ({ app } = await import('../src/app'));
});

describe('orders API', () => {
  it('answers the liveness probe with a request id', async () => {
    const response = await request(app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('refuses mutations without a token', async () => {
    const create = await request(app).post('/api/v1/orders').set('Idempotency-Key', 'k'.repeat(16)).send({});
    expect(create.status).toBe(401);
    expect(create.body.error.code).toBe('unauthorized');
    expect((await request(app).delete('/api/v1/orders/41')).status).toBe(401);
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await request(app).get('/api/v1/nope');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});
