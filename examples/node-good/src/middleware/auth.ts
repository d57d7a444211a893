// Bearer-token authentication: signature, algorithm, audience and expiry are all checked.
import { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';

import { config } from '../config';
import { Unauthorized } from '../errors';

export const TOKEN_TTL_SECONDS = 15 * 60;

export function issueToken(userId: number): string {
  return jwt.sign({}, config.jwtSecret, {
    algorithm: 'HS256', audience: config.jwtAudience, subject: String(userId), expiresIn: TOKEN_TTL_SECONDS,
  });
}

export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) {
    next(new Unauthorized());
    return;
  }
  try {
    const claims = jwt.verify(header.slice('Bearer '.length), config.jwtSecret, { // ok: JS-SEC-022
      algorithms: ['HS256'], audience: config.jwtAudience,
    }) as jwt.JwtPayload;
    res.locals.userId = Number(claims.sub);
    next();
  } catch {
    next(new Unauthorized('invalid or expired token'));
  }
}
