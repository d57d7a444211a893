// Users: registration and login (rate-limited, Argon2id), the signed-in user's profile.
import { randomBytes } from 'node:crypto';

import argon2 from 'argon2';
import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';

import { pool } from '../db';
import { AppError, NotFound, Unauthorized } from '../errors';
import { TOKEN_TTL_SECONDS, issueToken, requireAuth } from '../middleware/auth';

const credentials = z.object({
  email: z.string().email().max(254),
  password: z.string().min(12).max(128),
}).strict();

// Ten attempts per client and quarter of an hour against credential stuffing. Behind several
// replicas, give it a shared store (rate-limit-redis).
const credentialsLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 10, standardHeaders: 'draft-7',
  legacyHeaders: false });

// Unknown emails are verified against this hash so that they cost as much time as a wrong password.
const unknownUserHash = argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id });

export const usersRouter = Router();

usersRouter.post('/register', credentialsLimiter, async (req, res) => { // ok: GEN-SEC-120, JS-REL-006
  const { email, password } = credentials.parse(req.body);
  const passwordHash = await argon2.hash(password, { type: argon2.argon2id }); // ok: JS-SEC-020
  const { rows } = await pool.query<{ id: number }>(
    'INSERT INTO users (email, password_hash) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id',
    [email, passwordHash],
  );
  if (!rows[0]) {
    throw new AppError(409, 'email_taken', 'this email is already registered');
  }
  res.status(201).json({ id: rows[0].id, email });
});

usersRouter.post('/login', credentialsLimiter, async (req, res) => { // ok: GEN-SEC-120, JS-REL-006
  const { email, password } = credentials.parse(req.body);
  const { rows } = await pool.query<{ id: number; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE email = $1',
    [email],
  );
  const user = rows[0];
  const matches = await argon2.verify(user?.password_hash ?? await unknownUserHash, password);
  if (!user || !matches) {
    throw new Unauthorized('invalid credentials');
  }
  res.json({ accessToken: issueToken(user.id), tokenType: 'bearer', expiresIn: TOKEN_TTL_SECONDS });
});

usersRouter.get('/me', requireAuth, async (req, res) => { // ok: JS-REL-006
  const { rows } = await pool.query('SELECT id, email, created_at FROM users WHERE id = $1', [res.locals.userId]);
  if (!rows[0]) {
    throw new NotFound('user not found');
  }
  res.json(rows[0]);
});

usersRouter.delete('/me', requireAuth, async (req, res) => { // ok: GEN-SEC-120, JS-REL-006
  await pool.query('DELETE FROM users WHERE id = $1', [res.locals.userId]);
  res.status(204).end();
});
