// Users: registration, login, profile, deletion.
import bcrypt from 'bcryptjs';
import { Router } from 'express';
import jwt from 'jsonwebtoken';

import { JWT_SECRET } from '../config';
import { pool } from '../db';
import { requireAuth } from '../middleware/auth';

export const usersRouter = Router();

usersRouter.post('/register', async (req, res) => {  // expect: JS-REL-006, JS-SEC-035
  const passwordHash = await bcrypt.hash(req.body.password, 12);
  const { rows } = await pool.query(
    'INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id',
    [req.body.email, passwordHash],
  );
  res.status(201).json({ id: rows[0].id, email: req.body.email });
});

usersRouter.post('/login', async (req, res) => {  // expect: JS-REL-006, JS-SEC-035
  const { rows } = await pool.query('SELECT id, password_hash FROM users WHERE email = $1', [req.body.email]);
  if (rows.length === 0 || !(await bcrypt.compare(req.body.password, rows[0].password_hash))) {
    res.status(401).json({ error: 'invalid credentials' });
    return;
  }
  const token = jwt.sign({ sub: String(rows[0].id) }, JWT_SECRET, { algorithm: 'HS256', expiresIn: '15m' });
  res.json({ accessToken: token, tokenType: 'bearer' });
});

usersRouter.get('/me', requireAuth, async (req, res) => {  // expect: JS-REL-006
  const { rows } = await pool.query('SELECT id, email FROM users WHERE id = $1', [res.locals.userId]);
  res.json(rows[0]);
});

usersRouter.delete('/:id', async (req, res) => {  // expect: GEN-SEC-120, JS-REL-006
  await pool.query('DELETE FROM users WHERE id = $1', [req.params.id]);
  res.status(204).end();
});
