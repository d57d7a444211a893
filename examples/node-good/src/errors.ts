// One error shape for every failure: a code, a message, the request id; internals never leak.
import { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';

export class AppError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export class NotFound extends AppError {
  constructor(message = 'not found') {
    super(404, 'not_found', message);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'authentication required') {
    super(401, 'unauthorized', message);
  }
}

export class PaymentDeclined extends AppError {
  constructor() {
    super(402, 'payment_declined', 'the payment was declined');
  }
}

export class UpstreamUnavailable extends AppError {
  constructor(message: string) {
    super(503, 'upstream_unavailable', message);
  }
}

export function notFoundHandler(req: Request, res: Response) {
  res.status(404).json({ error: { code: 'not_found', message: 'no such route', requestId: req.id } });
}

export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction) {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof ZodError) {
    res.status(400).json({
      error: { code: 'validation_error', message: 'invalid request', issues: err.issues, requestId: req.id },
    });
    return;
  }
  if (err instanceof AppError) {
    req.log.warn({ err }, err.message);
    res.status(err.status).json({ error: { code: err.code, message: err.message, requestId: req.id } });
    return;
  }
  req.log.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'internal error', requestId: req.id } });
}
