// Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers).
import { Router } from 'express';

import { pool } from '../db';

export const healthRouter = Router();

healthRouter.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

healthRouter.get('/readyz', async (req, res) => { // ok: JS-REL-006
  try {
    await pool.query('SELECT 1');
    res.json({ status: 'ok' });
  } catch (err) {
    req.log.warn({ err }, 'not ready: database unavailable');
    res.status(503).json({ status: 'unavailable' });
  }
});
