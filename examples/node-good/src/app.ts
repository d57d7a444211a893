// The Express application: security headers, request logging with request ids, bounded JSON
// bodies, the routers, and one error handler at the end.
import 'express-async-errors';

import { randomUUID } from 'node:crypto';

import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';

import { errorHandler, notFoundHandler } from './errors';
import { logger } from './logger';
import { healthRouter } from './routes/health';
import { ordersRouter } from './routes/orders';
import { usersRouter } from './routes/users';

const REQUEST_ID = /^[\w-]{8,64}$/;

export const app = express(); // ok: JS-REL-004, JS-SEC-031
app.set('trust proxy', 1);
app.use(helmet());
app.use(pinoHttp({
  logger,
  genReqId: (req, res) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-ID', id);
    return id;
  },
  autoLogging: { ignore: (req) => req.url === '/healthz' },
}));
app.use(express.json({ limit: '100kb' })); // ok: JS-SEC-036

app.use(healthRouter);
app.use('/api/v1/orders', ordersRouter);
app.use('/api/v1/users', usersRouter);

app.use(notFoundHandler);
app.use(errorHandler);
